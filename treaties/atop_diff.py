"""The built-in treaties against their ATOP rows, field by field (``tiedhands atop diff``).

For each built-in treaty with an ``atopid`` whose file ``DIR/atop-<atopid>.yaml``
(written by ``tiedhands atop import``) exists, :func:`diff_treaty` compares what
ATOP can express and records each comparison as a :class:`Check`; the checks
that do not agree are the disagreements.  Both sides are read *ever*, over all
their phases: a member owes a type when any of its obligations of that type
does, and a condition holds when any of those obligations has it, which is what
an ATOP member flag means.  Phases are not matched one to one.

==========================  ==================================================================
field                       rule
==========================  ==================================================================
``parties``                 each state that is a party on one side only
``signed``                  the corpus's signature vs ATOP's start (the import's ``signed``)
``end``                     the end of the last phase on each side (none: still in force)
``joined``, ``left``        per member on both sides, in days: a party without ``joined``
                            is a member from the first phase's start, without ``left``
                            until the end; two parties that both give no date agree
                            (``signed`` and ``end`` compare the treaty's dates)
``types``                   per member: the obligation types it owes
``<type>.<condition>``      per member and military type (defense, offense) owed on both
                            sides, each condition ATOP's family has a flag for:
                            ``non_provocation``; ``adversaries`` (the named states against
                            ATOP's threat states; a condition without named states on either
                            side agrees on "limited to adversaries", with a caveat);
                            ``geography`` (any geographic limit vs ``location``);
                            ``min_adversaries`` (more than one vs ``adversary_count``);
                            ``conflict``, ``demands``, ``other_condition`` (ATOP's flags the
                            corpus has no field for)
``<type>.help``             all_means, military_aid and unspecified all agree with ATOP's
                            active support; consultation or none does not
``<type>.beneficiaries``    whether the member owes the duty to every other party (ATOP's
                            member rows are owed to all other members)
==========================  ==================================================================

:data:`NOT_RECORDED` lists what is not compared because ATOP does not record it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import get_args

from games.errors import InputError
from treaties.atop import IMPRECISE_NOTE, TYPES, file_name, load_import
from treaties.atop_csv import CONDITION_COLUMNS
from treaties.load import builtin_treaties, load_treaty
from treaties.schema import (
    MILITARY_TYPES,
    UNRECORDED_CLAUSE,
    Adversaries,
    Conditions,
    Geography,
    Help,
    Obligation,
    ObligationType,
    Treaty,
)
from treaties.states import cow_states

MILITARY_HELP: frozenset[Help] = frozenset({"all_means", "military_aid", "unspecified"})
"""Help that agrees with ATOP's defence and offence pledges (active military support)."""

CONDITIONS: tuple[str, ...] = ("non_provocation", "adversaries", "location", "adversary_count",
                               "conflict", "demands", "request", "other")
"""The conditions compared, in ATOP's vocabulary and in the order of the report."""

FIELD_NAMES: Mapping[str, str] = {"non_provocation": "non_provocation",
                                  **{str(k): str(v) for k, v in UNRECORDED_CLAUSE.items()}}
"""The field of each condition in the report (the treaty schema's clause names)."""

NOT_RECORDED: tuple[str, ...] = (
    "escape wording", "threshold wording (an import's defence pledge has threshold "
    "armed_attack, from ATOP's definition of defence)", "objects attacked",
    "the level of help (all_means, military_aid and unspecified all match ATOP's active "
    "support)", "interpretations", "the adversary condition's allies_of and class")
"""What the diff does not compare, because ATOP does not record it."""

SCOPE_NOTE = ("Both sides are compared over all their phases (a member owes a type, or a "
              "condition holds, when it does in any phase); conditions are compared for defence "
              "and offence duties only.")

ATOP_ONLY = "ATOP codes a condition the corpus does not"
CORPUS_ONLY = "the corpus codes a condition ATOP does not"
COLUMNS = {kind: column for column, kind in TYPES.items()}
"""The ATOP obligation column of each obligation type."""
NOT_RECORDED_TEXT = "coded, content not recorded"


@dataclass(frozen=True)
class Check:
    """One field compared for one treaty (and member): both codings and whether they agree.

    A check that agrees may carry a note: a caveat on the agreement.
    """

    treaty: str
    atopid: int
    field: str
    member: int | None
    corpus: str
    atop: str
    agrees: bool
    note: str = ""


@dataclass(frozen=True)
class TreatyDiff:
    """Every check of one built-in treaty against its ATOP file."""

    treaty: str
    atopid: int
    source: str
    checks: tuple[Check, ...]

    @property
    def disagreements(self) -> tuple[Check, ...]:
        """The checks that do not agree."""
        return tuple(c for c in self.checks if not c.agrees)

    @property
    def caveats(self) -> tuple[Check, ...]:
        """The checks that agree with a caveat."""
        return tuple(c for c in self.checks if c.agrees and c.note)


@dataclass(frozen=True)
class Missing:
    """A built-in treaty whose ATOP file is not in the directory."""

    treaty: str
    atopid: int
    file: str


@dataclass(frozen=True)
class DiffResult:
    """The diffs of the treaties found in a directory, and the treaties not found."""

    directory: str
    diffs: tuple[TreatyDiff, ...]
    missing: tuple[Missing, ...]

    @property
    def fields_compared(self) -> int:
        """Checks made, over every treaty."""
        return sum(len(d.checks) for d in self.diffs)

    @property
    def disagreements(self) -> tuple[Check, ...]:
        """Every disagreement, treaty by treaty."""
        return tuple(c for d in self.diffs for c in d.disagreements)

    @property
    def caveats(self) -> tuple[Check, ...]:
        """Every agreement with a caveat, treaty by treaty."""
        return tuple(c for d in self.diffs for c in d.caveats)


@dataclass(frozen=True)
class Duty:
    """What one member owes under one obligation type, over every phase."""

    helps: frozenset[Help]
    beneficiaries: frozenset[int] | None
    """The states owed, when not every other party (None: every other party)."""
    conditions: Mapping[str, str]
    """Each condition coded (:data:`CONDITIONS`), with how it is coded."""
    adversary_states: frozenset[int]


# ------------------------------------------------------------------ selecting and loading
def atop_treaties(references: Sequence[str] | None) -> tuple[Treaty, ...]:
    """The treaties to diff: those named (built-in ids or files), else every built-in
    treaty with an ``atopid``.

    Raises
    ------
    InputError
        For an unknown id, a file that does not validate, or a treaty without an ``atopid``.
    """
    if references is None:
        return tuple(t for t in builtin_treaties() if t.atopid is not None)
    chosen = tuple(load_treaty(r) for r in dict.fromkeys(references))
    for treaty in chosen:
        if treaty.atopid is None:
            raise InputError(f"treaty {treaty.id!r} has no atopid", field="--treaties",
                             expected="treaties coded with their ATOP id")
    return chosen


def import_of(directory: str | Path, atopid: int) -> Treaty | None:
    """The treaty file ``directory/atop-<atopid>.yaml``, or None when there is none.

    Raises
    ------
    InputError
        When the file does not validate or is not an import (:func:`treaties.atop.load_import`).
    """
    path = Path(directory) / file_name(atopid)
    return load_import(path) if path.exists() else None


def diff_directory(directory: str | Path, treaties: Sequence[Treaty]) -> DiffResult:
    """Each treaty against ``directory/atop-<atopid>.yaml``; treaties without a file are
    listed as missing.

    Raises
    ------
    InputError
        When ``directory`` is not a directory, or a file does not load (:func:`import_of`).
    """
    folder = Path(directory)
    if not folder.is_dir():
        raise InputError("no such directory" if not folder.exists() else "not a directory",
                         source=str(folder), field="DIR",
                         expected="a directory written by tiedhands atop import")
    diffs: list[TreatyDiff] = []
    missing: list[Missing] = []
    for treaty in treaties:
        atopid = treaty.atopid or 0
        imported = import_of(folder, atopid)
        if imported is None:
            missing.append(Missing(treaty.id, atopid, file_name(atopid)))
        else:
            diffs.append(diff_treaty(treaty, imported, str(folder / file_name(atopid))))
    return DiffResult(str(folder), tuple(diffs), tuple(missing))


# ------------------------------------------------------------------ comparing
@dataclass(frozen=True)
class _Pair:
    """A built-in treaty and its ATOP import, and how to record a check on them."""

    corpus: Treaty
    atop: Treaty

    def check(self, field: str, member: int | None, corpus: str, atop: str, agrees: bool,
              note: str = "") -> Check:
        return Check(self.corpus.id, self.corpus.atopid or 0, field, member, corpus, atop,
                     agrees, note)


def diff_treaty(corpus: Treaty, imported: Treaty, source: str = "") -> TreatyDiff:
    """Every check of a built-in treaty against its ATOP import (see the module's table)."""
    pair = _Pair(corpus, imported)
    shared = [m for m in corpus.party_codes if m in imported.party_codes]
    checks = [*_parties(pair), _signed(pair), _end(pair)]
    for member in shared:
        checks += [_joined(pair, member), _left(pair, member), _types(pair, member)]
        checks += [c for kind in _military_both(pair, member)
                   for c in _duty_checks(pair, member, kind)]
    return TreatyDiff(corpus.id, corpus.atopid or 0, source, tuple(checks))


def _parties(pair: _Pair) -> Iterator[Check]:
    corpus, atop = pair.corpus.party_codes, pair.atop.party_codes
    for member in sorted({*corpus, *atop}):
        sides = ["party" if member in codes else "not a party" for codes in (corpus, atop)]
        note = "" if sides[0] == sides[1] else (
            "a party in the corpus only" if member in corpus else "a party in ATOP only")
        yield pair.check("parties", member, sides[0], sides[1], not note, note)


def _signed(pair: _Pair) -> Check:
    return _date_check(pair, "signed", None, pair.corpus.signed, pair.atop.signed)


def _end(pair: _Pair) -> Check:
    return _date_check(pair, "end", None, last_end(pair.corpus), last_end(pair.atop))


def _joined(pair: _Pair, member: int) -> Check:
    corpus, atop = joined_of(pair.corpus, member), joined_of(pair.atop, member)
    if corpus is None and atop is None:
        return pair.check("joined", member, "from the start", "from the start", True)
    return _date_check(pair, "joined", member, corpus or first_start(pair.corpus),
                       atop or first_start(pair.atop))


def _left(pair: _Pair, member: int) -> Check:
    corpus, atop = left_of(pair.corpus, member), left_of(pair.atop, member)
    if corpus is None and atop is None:
        return pair.check("left", member, "until the end", "until the end", True)
    return _date_check(pair, "left", member, corpus or last_end(pair.corpus),
                       atop or last_end(pair.atop))


def _date_check(pair: _Pair, field: str, member: int | None, corpus: dt.date | None,
                atop: dt.date | None) -> Check:
    if corpus == atop:
        return pair.check(field, member, _day(corpus), _day(atop), True)
    note = _date_note(corpus, atop)
    edge = atop is not None and (atop.day == 1 or (atop + dt.timedelta(days=1)).day == 1)
    if edge and IMPRECISE_NOTE in (pair.atop.notes or ""):
        note += ("; the import's notes say some ATOP month or day is unknown (an entry is "
                 "read as the first day it could be, an exit as the last)")
    return pair.check(field, member, _day(corpus), _day(atop), False, note)


def _date_note(corpus: dt.date | None, atop: dt.date | None) -> str:
    if corpus is None:
        return "in force in the corpus, ended in ATOP"
    if atop is None:
        return "ended in the corpus, in force in ATOP"
    days = (atop - corpus).days
    return f"ATOP's date is {abs(days)} day{'s' * (abs(days) != 1)} " + (
        "later" if days > 0 else "earlier")


def _types(pair: _Pair, member: int) -> Check:
    corpus, atop = types_owed(pair.corpus, member), types_owed(pair.atop, member)
    notes = [f"only in {side}: {', '.join(only)}" for side, only in (
        ("the corpus", _ordered(corpus - atop)), ("ATOP", _ordered(atop - corpus))) if only]
    return pair.check("types", member, ", ".join(_ordered(corpus)) or "none",
                      ", ".join(_ordered(atop)) or "none", corpus == atop, "; ".join(notes))


def _military_both(pair: _Pair, member: int) -> list[ObligationType]:
    both = types_owed(pair.corpus, member) & types_owed(pair.atop, member)
    return [t for t in _ordered(both) if t in MILITARY_TYPES]


def _duty_checks(pair: _Pair, member: int, kind: ObligationType) -> Iterator[Check]:
    corpus, atop = duty(pair.corpus, member, kind), duty(pair.atop, member, kind)
    assert corpus is not None and atop is not None
    family = {*CONDITION_COLUMNS[COLUMNS[kind]].values(), "other"}
    for condition in (c for c in CONDITIONS if c in family):
        field = f"{kind}.{FIELD_NAMES[condition]}"
        if condition == "adversaries":
            yield _adversaries(pair, field, member, corpus, atop)
        else:
            yield _presence(pair, field, member, corpus.conditions.get(condition),
                            atop.conditions.get(condition))
    yield _help(pair, f"{kind}.help", member, corpus, atop)
    yield _beneficiaries(pair, f"{kind}.beneficiaries", member, corpus, atop)


def _presence(pair: _Pair, field: str, member: int, corpus: str | None,
              atop: str | None) -> Check:
    note = "" if (corpus is None) == (atop is None) else (
        ATOP_ONLY if corpus is None else CORPUS_ONLY)
    return pair.check(field, member, corpus or "none", atop or "none", not note, note)


def _adversaries(pair: _Pair, field: str, member: int, corpus: Duty, atop: Duty) -> Check:
    texts = corpus.conditions.get("adversaries"), atop.conditions.get("adversaries")
    if texts[0] is None or texts[1] is None:
        return _presence(pair, field, member, *texts)
    named = corpus.adversary_states, atop.adversary_states
    if named[1]:
        notes = [f"only {side} names {_states(only)}" for side, only in (
            ("the corpus", named[0] - named[1]), ("ATOP", named[1] - named[0])) if only]
        return pair.check(field, member, texts[0], texts[1], named[0] == named[1],
                          "; ".join(notes))
    caveat = ("ATOP does not name the threat states" if named[0] else
              "neither names states; the corpus's allies_of and class have no ATOP counterpart")
    return pair.check(field, member, texts[0], texts[1], True,
                      f"agreement on 'limited to adversaries' only: {caveat}")


def _help(pair: _Pair, field: str, member: int, corpus: Duty, atop: Duty) -> Check:
    military = [d.helps <= MILITARY_HELP for d in (corpus, atop)]
    note = "" if military[0] == military[1] else (
        f"{'ATOP' if military[0] else 'the corpus'} promises no active military support")
    return pair.check(field, member, ", ".join(sorted(corpus.helps)),
                      ", ".join(sorted(atop.helps)), not note, note)


def _beneficiaries(pair: _Pair, field: str, member: int, corpus: Duty, atop: Duty) -> Check:
    agrees = corpus.beneficiaries == atop.beneficiaries
    note = "" if agrees else "owed to different states (ATOP: to all other members)"
    return pair.check(field, member, _owed(corpus.beneficiaries), _owed(atop.beneficiaries),
                      agrees, note)


# ------------------------------------------------------------------ one side
def first_start(treaty: Treaty) -> dt.date:
    """The start of the treaty's first phase."""
    return min(p.start for p in treaty.phases)


def last_end(treaty: Treaty) -> dt.date | None:
    """The end of the treaty's last phase (None: still in force)."""
    return max(treaty.phases, key=lambda p: p.start).end


def joined_of(treaty: Treaty, member: int) -> dt.date | None:
    """The member's own accession date (None: a member from the start)."""
    dates = [p.joined for p in treaty.parties if p.state == member]
    return None if None in dates else min(d for d in dates if d is not None)


def left_of(treaty: Treaty, member: int) -> dt.date | None:
    """The member's own withdrawal date (None: a member until the end)."""
    dates = [p.left for p in treaty.parties if p.state == member]
    return None if None in dates else max(d for d in dates if d is not None)


def types_owed(treaty: Treaty, member: int) -> frozenset[ObligationType]:
    """The obligation types the member owes, in any phase."""
    return frozenset(o.type for o in treaty.obligations if member in o.obligor)


def duty(treaty: Treaty, member: int, kind: ObligationType) -> Duty | None:
    """What the member owes under ``kind`` over every phase (None: nothing)."""
    owed = [o for o in treaty.obligations if o.type == kind and member in o.obligor]
    if not owed:
        return None
    coded: dict[str, list[str]] = {}
    for obligation in owed:
        for condition, text in _coded(obligation.conditions):
            coded.setdefault(condition, []).append(text)
    states = frozenset(s for o in owed if o.conditions.adversaries is not None
                       for s in o.conditions.adversaries.states)
    return Duty(frozenset(o.required_help for o in owed), _owed_to(treaty, member, owed),
                {k: "; ".join(dict.fromkeys(v)) for k, v in coded.items()}, states)


def _coded(conditions: Conditions) -> Iterator[tuple[str, str]]:
    """Each condition of :data:`CONDITIONS` the conditions code, with how."""
    if conditions.non_provocation:
        yield "non_provocation", "non-provocation"
    if conditions.adversaries is not None:
        yield "adversaries", _adversaries_text(conditions.adversaries)
    if conditions.geography is not None:
        yield "location", _geography_text(conditions.geography)
    if conditions.min_adversaries > 1:
        yield "adversary_count", f"at least {conditions.min_adversaries}"
    for unrecorded in conditions.unrecorded:
        if unrecorded == "adversaries" and conditions.adversaries is not None:
            continue  # named states, the list open (see treaties.coverage)
        yield unrecorded, NOT_RECORDED_TEXT


def _owed_to(treaty: Treaty, member: int, owed: Sequence[Obligation]) -> frozenset[int] | None:
    if any(o.beneficiaries == "all_other_parties" for o in owed):
        return None
    named = {s for o in owed if isinstance(o.beneficiaries, tuple) for s in o.beneficiaries}
    others = set(treaty.party_codes) - {member}
    return None if others <= named else frozenset(named - {member})


# ------------------------------------------------------------------ texts
def _day(date: dt.date | None) -> str:
    return "in force" if date is None else date.isoformat()


def _ordered(types: frozenset[ObligationType]) -> list[ObligationType]:
    return [t for t in get_args(ObligationType) if t in types]


def state_label(code: int) -> str:
    """``ABB (code)``, e.g. ``JPN (740)``."""
    return f"{cow_states().abbreviation(code)} ({code})"


def _states(codes: frozenset[int] | tuple[int, ...]) -> str:
    return ", ".join(state_label(c) for c in sorted(codes))


def _owed(beneficiaries: frozenset[int] | None) -> str:
    return "all other parties" if beneficiaries is None else _states(beneficiaries) or "nobody"


def _adversaries_text(adversaries: Adversaries) -> str:
    parts = [f"states {_states(adversaries.states)}" if adversaries.states else "",
             f"allies of {_states(adversaries.allies_of)}" if adversaries.allies_of else "",
             f"class {adversaries.class_}" if adversaries.class_ else ""]
    return "; ".join(p for p in parts if p)


def _geography_text(geography: Geography) -> str:
    parts = [f"regions {', '.join(geography.regions)}" if geography.regions else "",
             f"administered by {_states(geography.administered_by)}"
             if geography.administered_by else ""]
    return "; ".join(p for p in parts if p)
