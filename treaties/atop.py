"""ATOP import: one treaty file per alliance, coded from ATOP's member-level flags.

:func:`import_atop` reads the member-level file (and, optionally, the
alliance-level file for the alliances' dates; :mod:`treaties.atop_csv`) and
builds one :class:`~treaties.schema.Treaty` per ``atopid``, valid under the
schema, with :class:`~treaties.schema.AtopEvidence` as the evidence of every
obligation.  The coding, column by column:

==========================  ==============================================================
ATOP                        treaty file
==========================  ==============================================================
``atopid``                  ``id: atop-<atopid>``, ``atopid``
``member``, entry, exit     ``parties``: one entry per spell of membership (a member
                            absent from a phase in between has two), ``joined``/``left``
                            when they differ from the alliance's start and end
``phase``                   ``phases`` (``phase-1``, ``phase-2``, ...: a phase starts at
                            its members' earliest entry and ends at their latest exit,
                            open while any membership is in effect)
``defense``, ``offense``    a ``defense``/``offense`` obligation of the member to all
                            other parties, ``required_help: military_aid`` (ATOP's
                            active military support); a defence obligation has
                            ``threshold: armed_attack`` (ATOP's defence pledge is
                            support "in the event of attack" on a partner)
``neutral``, ``nonagg``     ``neutrality``/``non_aggression``, ``required_help: none``
``consul``                  ``consultation``, ``required_help: consultation``
``*coadv`` + ``statthr*``   ``adversaries: {states: [...]}`` and ``unrecorded:
                            [adversaries]``: an attack by a named state meets the
                            condition, any other is open (ATOP names at most two threat
                            states, and never "or its allies")
``*coadv``, no threat       ``unrecorded: [adversaries]`` — indeterminate, not exempt
``*conpr``, ``neucoatt``    ``non_provocation: true`` (checked against the scenario's
                            initiator)
``*coloc``                  ``unrecorded: [location]``
``*cocon``                  ``unrecorded: [conflict]``
``*conum``                  ``unrecorded: [adversary_count]``
``*codem``                  ``unrecorded: [demands]``
``concoreq``                ``unrecorded: [request]``
summary flag only           ``unrecorded: [other]`` (e.g. ``defcon = 1``, no family flag)
missing condition flag      ``unrecorded`` too, when the obligation is (or may be) made
missing obligation flag     the obligation with ``unrecorded: [obligation]``: it may or may
                            not be made (indeterminate), never read as 0
alliance file (optional)    the start is the earlier of its begin and the first entry; its
                            end bounds the rows: an entry on or after it rejects the row,
                            a later exit (or none) is cut to it
escape wording              none: ATOP does not record it, so δ = 1, the most binding
                            reading; verdicts on imports are an upper bound on binding
==========================  ==============================================================

Members whose obligations in a phase are the same share one obligation.
Nothing is dropped silently: every row is imported, rejected (with its line and
reason), or belongs to an alliance that could not be written (with the reason).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from games.errors import InputError
from games.io.files import write_text_atomic
from treaties.atop_csv import (
    CONDITION_COLUMNS,
    OBLIGATION_COLUMNS,
    SUMMARY_COLUMNS,
    AllianceRow,
    MemberRow,
    ObligationColumn,
    ReadResult,
    Rejected,
    read_alliance_file,
    read_member_file,
)
from treaties.load import parse_model
from treaties.schema import AtopEvidence, Help, ObligationType, Treaty, Unrecorded
from treaties.validate import treaty_problems
from treaties.yaml_source import read_yaml

ATOP_CITATION = (
    "Leeds, Brett Ashley, Jeffrey M. Ritter, Sara McLaughlin Mitchell, and Andrew G. Long. "
    "2002. \"Alliance Treaty Obligations and Provisions, 1815-1944.\" International "
    "Interactions 28: 237-60. Data: Alliance Treaty Obligations and Provisions (ATOP) "
    "project, https://www.atopdata.org")
ATOP_URL = "https://www.atopdata.org"

TYPES: Mapping[ObligationColumn, ObligationType] = {
    "defense": "defense", "offense": "offense", "neutral": "neutrality",
    "nonagg": "non_aggression", "consul": "consultation"}
HELP: Mapping[ObligationColumn, Help] = {
    "defense": "military_aid", "offense": "military_aid", "neutral": "none",
    "nonagg": "none", "consul": "consultation"}
"""The help owed under each ATOP obligation type (ATOP's ``ACTIVE``: defence and offence
promise active military support)."""

ESCAPE_NOTE = ("ATOP does not record escape wording, so none is coded: δ = 1, the most "
               "binding reading, and verdicts are an upper bound on binding.")

IMPRECISE_NOTE = "Month or day unknown in ATOP"
"""How an imported treaty's notes begin the list of rows with an unknown month or day."""

_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
"""libyaml's emitter when PyYAML has it (four times faster), else the pure-Python one."""

_UNRECORDED: Mapping[str, Unrecorded] = {
    "location": "location", "conflict": "conflict", "adversary_count": "adversary_count",
    "demands": "demands", "request": "request", "adversaries": "adversaries"}


@dataclass(frozen=True)
class Skipped:
    """An alliance that was not written, with the lines of its rows and why."""

    atopid: int
    lines: tuple[int, ...]
    reason: str


@dataclass(frozen=True)
class ImportResult:
    """What an import read, built, rejected and skipped."""

    members: ReadResult[MemberRow]
    alliances: ReadResult[AllianceRow] | None
    treaties: tuple[Treaty, ...]
    skipped: tuple[Skipped, ...]
    notes: tuple[str, ...] = field(default=())
    contradicted: tuple[Rejected, ...] = field(default=())
    """Member rows that parsed but contradict the alliance file (entering after its end)."""

    @property
    def rows_read(self) -> int:
        """Data rows in the member file."""
        return self.members.rows_read

    @property
    def rows_rejected(self) -> tuple[Rejected, ...]:
        """Member rows that did not parse or contradict the alliance file, by line."""
        return tuple(sorted((*self.members.rejected, *self.contradicted),
                            key=lambda r: r.line))

    @property
    def rows_in_skipped(self) -> int:
        """Parsed member rows of alliances that could not be written."""
        return sum(len(s.lines) for s in self.skipped)

    @property
    def layout(self) -> str:
        """Which layout the member file has: member-phase rows, or rows without a phase."""
        if "phase" in self.members.header.index:
            return "member-phase rows (a phase column, as in ATOP 5.1)"
        return "member rows without a phase column (each row read as phase 1)"


def import_atop(member_file: str | Path, alliance_file: str | Path | None = None) -> ImportResult:
    """Read ATOP's files and build one treaty per alliance.

    Raises
    ------
    InputError
        When a file cannot be read at all (see :func:`treaties.atop_csv.read_member_file`).
        Bad rows do not raise: they are in the result's ``rows_rejected``.
    """
    members = read_member_file(member_file)
    alliances = read_alliance_file(alliance_file) if alliance_file is not None else None
    dates = {row.atopid: row for row in alliances.rows} if alliances is not None else {}
    grouped: dict[int, list[MemberRow]] = {}
    for row in members.rows:
        grouped.setdefault(row.atopid, []).append(row)
    treaties: list[Treaty] = []
    skipped: list[Skipped] = []
    contradicted: list[Rejected] = []
    notes: list[str] = []
    absent = [c for c in members.header.absent if c != "phase"]
    if absent:
        notes.append(f"Columns not in the member file, read as missing in every row: "
                     f"{', '.join(absent)}.")
    source = Path(member_file).name
    for atopid in sorted(grouped):
        rows, late, clipped = _within_alliance(grouped[atopid], dates.get(atopid))
        contradicted += late
        if not rows:
            continue
        try:
            treaties.append(build_treaty(atopid, rows, dates.get(atopid), source, clipped))
        except UnwritableError as error:
            skipped.append(Skipped(atopid, tuple(r.line for r in rows), str(error)))
    if alliances is not None:
        without = sorted(set(dates) - set(grouped))
        if without:
            notes.append(f"{_count(without, 'alliance')} of the alliance file without member "
                         f"rows: {_ids(without)}")
        undated = sorted(set(grouped) - set(dates))
        if undated:
            notes.append(f"{_count(undated, 'alliance')} not in the alliance file, dated from "
                         f"the member rows: {_ids(undated)}")
    return ImportResult(members, alliances, tuple(treaties), tuple(skipped), tuple(notes),
                        tuple(contradicted))


def _within_alliance(rows: Sequence[MemberRow], alliance: AllianceRow | None
                     ) -> tuple[list[MemberRow], list[Rejected], list[int]]:
    """The rows inside the alliance file's span: a row entering on or after the alliance's
    end is rejected, and an exit after it (or none) is cut to it; the lines cut."""
    if alliance is None or alliance.end is None:
        return list(rows), [], []
    end = alliance.end.date
    kept, late, clipped = [], [], []
    for row in rows:
        if row.entry.date >= end:
            late.append(Rejected(row.line, f"the member enters ({row.entry.date}) on or after "
                                           f"the alliance's end in the alliance file ({end})",
                                 row.atopid))
        elif row.exit is None or row.exit.date > end:
            kept.append(replace(row, exit=alliance.end))
            clipped.append(row.line)
        else:
            kept.append(row)
    return kept, late, clipped


def _count(items: Sequence[object], noun: str) -> str:
    return f"{len(items)} {noun}{'s' * (len(items) != 1)}"


def _ids(numbers: Sequence[int]) -> str:
    return ", ".join(map(str, numbers[:20])) + (" ..." if len(numbers) > 20 else "")


class UnwritableError(ValueError):
    """An alliance whose rows do not make a valid treaty."""


def build_treaty(atopid: int, rows: Sequence[MemberRow], alliance: AllianceRow | None,
                 source: str, clipped: Sequence[int] = ()) -> Treaty:
    """The treaty file of one alliance, from its member rows (and its alliance row).

    Raises
    ------
    UnwritableError
        When the rows do not make a treaty: fewer than two members, or no
        obligation flag set in any row.
    """
    members = list(dict.fromkeys(r.member for r in rows))
    if len(members) < 2:
        raise UnwritableError(f"only one member ({members[0]}) has a row that parsed")
    first_entry = min(r.entry.date for r in rows)
    start = first_entry if alliance is None else min(alliance.begin.date, first_entry)
    end = None if any(r.exit is None for r in rows) else max(
        r.exit.date for r in rows if r.exit is not None)
    phases = _phases(rows)
    obligations = _obligations(atopid, rows)
    if not obligations:
        raise UnwritableError("no obligation flag (defense, offense, neutral, nonagg, consul) "
                              "is 1 or blank")
    imprecise = sorted({r.line for r in rows if r.entry.precision != "day"
                        or (r.exit is not None and r.exit.precision != "day")})
    notes = [f"Imported from ATOP ({source}, line{'s' * (len(rows) > 1)} "
             f"{', '.join(str(r.line) for r in sorted(rows, key=lambda r: r.line))}) by "
             f"tiedhands atop import.", ESCAPE_NOTE]
    unknown = sorted({r.line for r in rows for o in OBLIGATION_COLUMNS
                      if r.flags[o] != 0 for c in CONDITION_COLUMNS[o]
                      if r.flags.get(c) is None})
    if unknown:
        notes.append("Condition flags blank for an obligation that is (or may be) made, on lines "
                     f"{', '.join(map(str, unknown))}: read as unrecorded (indeterminate).")
    if imprecise:
        notes.append(f"{IMPRECISE_NOTE} on lines {', '.join(map(str, imprecise))}: an entry is "
                     f"read as the first day it could be, an exit as the last.")
    notes += _consistency_notes(rows, alliance, clipped, phases)
    document: dict[str, Any] = {
        "id": f"atop-{atopid}",
        "name": f"ATOP alliance {atopid}",
        "short_name": f"ATOP {atopid}",
        "signed": start.isoformat(),
        "parties": _parties(rows, start, end),
        "atopid": atopid,
        "sources": [{"citation": ATOP_CITATION, "url": ATOP_URL}],
        "phases": [{"id": f"phase-{k}", "start": s.isoformat(),
                    "end": None if e is None else e.isoformat()}
                   for k, (s, e) in phases.items()],
        "obligations": obligations,
        "notes": " ".join(notes),
    }
    try:
        treaty = Treaty.model_validate(document)
    except ValueError as error:
        raise UnwritableError(f"the rows do not make a valid treaty: {error}") from None
    problems = treaty_problems(treaty)
    if problems:
        first = problems[0]
        where = ".".join(str(p) for p in first.location)
        raise UnwritableError(f"the rows do not make a valid treaty: {where}: {first.message} "
                              f"(expected {first.expected})")
    return treaty


def _phases(rows: Sequence[MemberRow]) -> dict[int, tuple[dt.date, dt.date | None]]:
    """Each phase's start (earliest entry) and end (latest exit; None while any is in effect)."""
    found: dict[int, tuple[dt.date, dt.date | None]] = {}
    for number in sorted({r.phase for r in rows}):
        in_phase = [r for r in rows if r.phase == number]
        start = min(r.entry.date for r in in_phase)
        open_ = any(r.exit is None for r in in_phase)
        found[number] = (start, None if open_ else max(
            r.exit.date for r in in_phase if r.exit is not None))
    return found


def _parties(rows: Sequence[MemberRow], start: dt.date,
             end: dt.date | None) -> list[dict[str, Any] | int]:
    """One entry per member and spell of membership (rows that overlap or touch make one
    spell; a member absent from a phase in between has two)."""
    parties: list[dict[str, Any] | int] = []
    for member in dict.fromkeys(r.member for r in rows):
        for joined, left in _spells([r for r in rows if r.member == member]):
            entry: dict[str, Any] = {"state": member}
            if joined > start:
                entry["joined"] = joined.isoformat()
            if left is not None and (end is None or left < end):
                entry["left"] = left.isoformat()
            parties.append(entry if len(entry) > 1 else member)
    return parties


def _spells(rows: Sequence[MemberRow]) -> list[tuple[dt.date, dt.date | None]]:
    spells: list[tuple[dt.date, dt.date | None]] = []
    for row in sorted(rows, key=lambda r: r.entry.date):
        exit_ = None if row.exit is None else row.exit.date
        if spells and (spells[-1][1] is None or row.entry.date <= spells[-1][1]):
            joined, left = spells[-1]
            spells[-1] = (joined, None if left is None or exit_ is None else max(left, exit_))
        else:
            spells.append((row.entry.date, exit_))
    return spells


def _consistency_notes(rows: Sequence[MemberRow], alliance: AllianceRow | None,
                       clipped: Sequence[int],
                       phases: Mapping[int, tuple[dt.date, dt.date | None]]) -> list[str]:
    """What the rows and the alliance file say that does not fit together."""
    notes = []
    if alliance is not None and alliance.begin.date > min(r.entry.date for r in rows):
        notes.append(f"The alliance file begins the alliance on {alliance.begin.date}, after "
                     f"the first member entry; the earlier date is used.")
    if clipped:
        notes.append(f"Exits after the alliance's end in the alliance file (or none) on lines "
                     f"{', '.join(map(str, clipped))}: cut to that end.")
    numbers = sorted(phases)
    for first, second in itertools.pairwise(numbers):
        (start_1, end_1), (start_2, _) = phases[first], phases[second]
        if start_2 < start_1:
            notes.append(f"Phase {second} starts ({start_2}) before phase {first} ({start_1}).")
        elif end_1 is None or start_2 < end_1:
            notes.append(f"Phases {first} and {second} overlap (phase {second} starts on "
                         f"{start_2}, phase {first} ends on {end_1 or 'no date'}).")
    members = {r.member for r in rows}
    for row in rows:
        own = [t for t in row.threats if t in members]
        if own:
            notes.append(f"Line {row.line} names member{'s' * (len(own) > 1)} "
                         f"{', '.join(map(str, own))} as a threat.")
        adversary_flag = any(row.has(c) for o in OBLIGATION_COLUMNS
                             for c, m in CONDITION_COLUMNS[o].items() if m == "adversaries")
        if row.threats and not adversary_flag:
            notes.append(f"Line {row.line} names threat states but no adversary condition: "
                         f"they are kept in the evidence only.")
    return notes


def _conditions(row: MemberRow, obligation: ObligationColumn) -> dict[str, Any]:
    """The conditions of one member's obligation of one type (see the module's table)."""
    conditions: dict[str, Any] = {"threshold": "armed_attack"} if obligation == "defense" else {}
    unrecorded: list[Unrecorded] = []
    any_flag = False
    for column, meaning in CONDITION_COLUMNS[obligation].items():
        value = row.flags.get(column)
        if value is None:
            if meaning in _UNRECORDED:
                unrecorded.append(_UNRECORDED[meaning])
            elif meaning in ("non_provocation", "attacked"):
                unrecorded.append("other")
            continue
        if value != 1:
            continue
        any_flag = True
        if meaning in ("non_provocation", "attacked"):
            conditions["non_provocation"] = True
        else:
            if meaning == "adversaries" and row.threats:
                conditions["adversaries"] = {"states": list(row.threats)}
            unrecorded.append(_UNRECORDED[meaning])
    summary = SUMMARY_COLUMNS.get(obligation)
    if summary is not None and row.flags.get(summary) == 1 and not any_flag:
        unrecorded.append("other")
    if row.flags[obligation] is None:
        unrecorded.append("obligation")
    if unrecorded:
        conditions["unrecorded"] = list(dict.fromkeys(unrecorded))
    return conditions


def _variables(row: MemberRow, obligation: ObligationColumn) -> dict[str, int]:
    columns = [obligation, *CONDITION_COLUMNS[obligation],
               *([SUMMARY_COLUMNS[obligation]] if obligation in SUMMARY_COLUMNS else [])]
    found = {c: v for c in columns if (v := row.flags.get(c)) is not None}
    found.update({f"statthr{k}": code for k, code in enumerate(row.threats, start=1)})
    if row.specific_threat is not None:
        found["specthrt"] = row.specific_threat
    return found


def _obligations(atopid: int, rows: Sequence[MemberRow]) -> list[dict[str, Any]]:
    """One obligation per phase, type and set of conditions, owed by every member that has it."""
    groups: dict[tuple[int, ObligationColumn, str], list[MemberRow]] = {}
    conditions_of: dict[tuple[int, ObligationColumn, str], dict[str, Any]] = {}
    for row in sorted(rows, key=lambda r: (r.phase, r.line)):
        for obligation in OBLIGATION_COLUMNS:
            if row.flags[obligation] == 0:
                continue
            conditions = _conditions(row, obligation)
            key = (row.phase, obligation, repr(sorted(conditions.items())))
            groups.setdefault(key, []).append(row)
            conditions_of[key] = conditions
    obligations = []
    counts: dict[tuple[int, ObligationColumn], int] = {}
    for key in groups:
        counts[key[:2]] = counts.get(key[:2], 0) + 1
    seen: dict[tuple[int, ObligationColumn], int] = {}
    for key, members in groups.items():
        phase, obligation, _ = key
        seen[key[:2]] = seen.get(key[:2], 0) + 1
        slug = TYPES[obligation].replace("_", "-")
        identifier = f"{slug}-phase-{phase}" + (
            f"-{seen[key[:2]]}" if counts[key[:2]] > 1 else "")
        entry: dict[str, Any] = {
            "id": identifier,
            "obligor": [r.member for r in members],
            "type": TYPES[obligation],
            "phases": [f"phase-{phase}"],
            "required_help": HELP[obligation],
            "evidence": [AtopEvidence(source="atop", atopid=atopid, member=r.member,
                                      variables=_variables(r, obligation)).model_dump()
                         for r in members],
        }
        if conditions_of[key]:
            entry["conditions"] = conditions_of[key]
        obligations.append(entry)
    return obligations


def treaty_yaml(treaty: Treaty) -> str:
    """The treaty as a YAML file, with a header comment saying where it came from."""
    data = treaty.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    data["parties"] = [p["state"] if set(p) == {"state"} else p for p in data["parties"]]
    header = (f"# {treaty.name}: imported from the Alliance Treaty Obligations and Provisions\n"
              f"# (ATOP) data by `tiedhands atop import`.  ATOP is not redistributed with\n"
              f"# tiedhands; cite Leeds et al. (2002) and see https://www.atopdata.org.\n")
    body = yaml.dump(data, Dumper=_DUMPER, sort_keys=False, allow_unicode=True, width=100,
                     default_flow_style=None)
    return header + body


def file_name(atopid: int) -> str:
    """``atop-<atopid>.yaml``."""
    return f"atop-{atopid}.yaml"


def write_treaties(treaties: Sequence[Treaty], directory: str | Path, *,
                   force: bool = False, progress: Callable[[], None] | None = None
                   ) -> list[Path]:
    """Write each treaty to ``directory/atop-<atopid>.yaml``, atomically.

    With ``force``, files of an earlier import (``atop-*.yaml``) that this one does
    not write are removed, so that the directory holds one import.  ``progress`` is
    called after each file.

    Raises
    ------
    InputError
        When ``directory`` is not a directory or cannot be made, or (without
        ``force``) it holds ``atop-*.yaml`` files already; nothing is written then.
    """
    folder = Path(directory)
    if not str(directory).strip():
        raise InputError("no directory given", field="--output",
                         expected="a directory for the treaty files")
    if folder.exists() and not folder.is_dir():
        raise InputError("this is a file, not a directory", source=str(folder),
                         field="--output", expected="a directory for the treaty files")
    paths = [folder / file_name(t.atopid or 0) for t in treaties]
    earlier = sorted(folder.glob("atop-*.yaml")) if folder.is_dir() else []
    if earlier and not force:
        raise InputError(f"the directory holds an earlier import ({len(earlier)} atop-*.yaml "
                         f"files, e.g. {earlier[0].name})",
                         source=str(folder), field="--output",
                         expected="a new or empty directory, or --force to replace the "
                                  "earlier import")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for stale in set(earlier) - set(paths):
            stale.unlink()
    except OSError as error:
        raise InputError(f"cannot write there: {error.strerror or error}", source=str(folder),
                         field="--output", expected="a directory you can write to") from None
    for treaty, path in zip(treaties, paths, strict=True):
        write_text_atomic(path, treaty_yaml(treaty), force=force)
        if progress is not None:
            progress()
    return paths


def imported_from_atop(treaty: Treaty) -> bool:
    """Whether every obligation's evidence is ATOP provenance (an imported file)."""
    return all(isinstance(e, AtopEvidence) for o in treaty.obligations for e in o.evidence)


def load_imports(directory: str | Path) -> tuple[Treaty, ...]:
    """Every ``atop-<atopid>.yaml`` treaty in ``directory`` (as written by
    :func:`write_treaties`).

    Raises
    ------
    InputError
        When the directory does not exist or holds no ``atop-*.yaml`` file, a file
        does not validate (naming the file, line and field), or a file is not an
        import (its name is not ``atop-<its atopid>.yaml``, or some obligation's
        evidence is a quote rather than ATOP provenance).
    """
    folder = Path(directory)
    if not folder.is_dir():
        raise InputError("no such directory" if not folder.exists() else
                         "this is a file, not a directory", source=str(folder), field="--atop",
                         expected="a directory written by tiedhands atop import")
    files = sorted(folder.glob("atop-*.yaml"), key=lambda p: _atopid_of(p.name))
    if not files:
        raise InputError("the directory holds no atop-*.yaml file", source=str(folder),
                         field="--atop", expected="a directory written by tiedhands atop import")
    return tuple(load_import(path) for path in files)


def load_import(path: str | Path) -> Treaty:
    """One file written by :func:`write_treaties`.

    Raises
    ------
    InputError
        When it does not validate, its name is not ``atop-<its atopid>.yaml``, or some
        obligation's evidence is a quote rather than ATOP provenance.
    """
    treaty = parse_model(read_yaml(path), Treaty)
    misnamed = Path(path).name != file_name(treaty.atopid or 0)
    if misnamed or not imported_from_atop(treaty):
        raise InputError("not a file written by tiedhands atop import", source=str(path),
                         field="atopid" if misnamed else "evidence",
                         expected="atop-<atopid>.yaml with ATOP evidence only (the "
                                  "built-in treaties are compared with atop diff)")
    return treaty


def _atopid_of(name: str) -> tuple[int, str]:
    digits = name.removeprefix("atop-").removesuffix(".yaml")
    return (int(digits), name) if digits.isdigit() else (0, name)
