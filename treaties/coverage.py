"""Casus foederis: is an ally's obligation triggered by a crisis, and which words let it out?

:func:`coverage` takes a treaty, a scenario and an ally, and for every
obligation the ally owes to a belligerent it is analysed for, checks each
condition of the text against each hostility that belligerent is part of:

==================  =====================================================================
clause              met when ...
==================  =====================================================================
type                (defence only) the beneficiary is among those attacked; when it
                    attacked, ambiguous if the other side is recorded as starting the
                    hostilities or the record is contested, else not met
non_provocation     the beneficiary itself did not start the hostilities (ambiguous if
                    the record of who started them is contested)
adversaries         an adversary is a named state, allied with a named state (per the
                    scenario's alignments), or in the named class (per its classifications;
                    ambiguous when the scenario neither includes nor excludes the adversary)
geography           the theatre lies in a named region (per ``regions.yaml``; ambiguous
                    through ``possibly_within``) and the place is administered by a named state
threshold           the severity meets the threshold (:mod:`treaties.thresholds`)
objects             what was attacked is among the objects the text names
min_adversaries     the beneficiary faces at least that many adversaries so far
unrecorded          never settled: a condition known to exist (e.g. ATOP's ``DEFCOLOC``)
                    whose content is not recorded is always ambiguous; with named
                    ``adversaries`` too, an attacker the list names meets it and any
                    other is ambiguous (the list is not complete)
==================  =====================================================================

A clause that is not met makes the obligation ``exempt`` for that hostility;
otherwise an ambiguous clause makes it ``indeterminate``; otherwise it is
``triggered``.  Across hostilities the strongest status wins (triggered >
indeterminate > exempt).  An obligation that is not in force on the
hostility's date, not owed to the belligerent, or owed by an ally that is
itself fighting the belligerent, is ``not_applicable``.  Dated interpretations
replace the clauses they concern from their date on, for the state that made
them (or for every obligor when the file does not say who made them).

The overall status is that of the strongest military (defence or offence)
obligation that applies, else that of the strongest other one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol

from treaties.regions import gazetteer
from treaties.scenario import Hostility, Scenario
from treaties.schema import (
    HELP_ORDER,
    MILITARY_TYPES,
    UNRECORDED_CLAUSE,
    Clause,
    Conditions,
    Help,
    Interpretation,
    Obligation,
    ObligationType,
    TextEvidence,
    Treaty,
    Unrecorded,
)
from treaties.states import cow_states, state_names
from treaties.thresholds import DEFAULT_THRESHOLDS, Met, ThresholdTable, threshold_met

Status = Literal["triggered", "exempt", "indeterminate", "not_applicable"]
STATUS_STRENGTH: dict[Status, int] = {
    "triggered": 3, "indeterminate": 2, "exempt": 1, "not_applicable": 0}
"""How strongly a status binds, for choosing the strongest one."""

_OBJECT_WORDS = {"territory": "territory", "armed_forces": "armed forces",
                 "public_vessels": "public vessels", "aircraft": "aircraft"}
_THRESHOLD_WORDS = {"threat": "a threat", "armed_attack": "an armed attack",
                    "state_of_war": "a state of war"}
_UNRECORDED_WORDS: dict[Unrecorded, str] = {
    "location": "limited to a location", "adversaries": "limited to named adversaries",
    "adversary_count": "conditional on the number of adversaries",
    "conflict": "limited to a specific conflict",
    "demands": "conditional on demands not being met", "request": "owed only on request",
    "other": "conditional", "obligation": "possibly made"}
_UNRECORDED_CONTENT: dict[Unrecorded, str] = {
    "location": "which location", "adversaries": "which adversaries",
    "adversary_count": "how many", "conflict": "which conflict", "demands": "which demands",
    "request": "whether a request was made", "other": "on what",
    "obligation": "whether it is made at all"}
_SEVERITY_WORDS = {"gray_zone": "gray-zone coercion", "limited_clash": "a limited clash",
                   "armed_attack": "an armed attack", "major_war": "a major war",
                   "nuclear": "a nuclear attack"}


@dataclass(frozen=True)
class ClauseFinding:
    """A clause that exempted an obligation, or left it indeterminate.

    Attributes
    ----------
    clause
        The condition concerned (a field of :class:`~treaties.schema.Conditions`,
        or ``type`` for the defensive nature of the obligation).
    article
        The article the evidence quotes, when there is evidence for the clause.
    evidence
        The quotes documenting the clause (from the obligation or from the
        interpretation that set it).
    reason
        One sentence: why the clause is not met, or why it is open.
    readings
        For an indeterminate clause: the reading under which the obligation
        is triggered, and the one under which it is not.
    hostility
        Index of the hostility in the scenario.
    """

    clause: Clause
    article: str | None
    evidence: tuple[TextEvidence, ...]
    reason: str
    readings: tuple[str, ...] = ()
    hostility: int = 0


@dataclass(frozen=True)
class ObligationCoverage:
    """The status of one obligation, owed by the ally to one beneficiary."""

    obligation: str
    type: ObligationType
    obligor: int
    beneficiary: int
    status: Status
    required_help: Help
    escape_wording: tuple[str, ...]
    exempting_clauses: tuple[ClauseFinding, ...] = ()
    indeterminate_clauses: tuple[ClauseFinding, ...] = ()
    interpretations: tuple[Interpretation, ...] = ()
    help_evidence: tuple[TextEvidence, ...] = ()
    """Quotes documenting the help owed and the escape wording."""
    reason: str = ""
    """Why the obligation is not applicable, or which hostility triggered it."""

    @property
    def is_military(self) -> bool:
        """True for defence and offence obligations."""
        return self.type in MILITARY_TYPES


@dataclass(frozen=True)
class Coverage:
    """Whether a treaty binds an ally in a scenario, obligation by obligation."""

    treaty: str
    scenario: str
    ally: int
    beneficiaries: tuple[int, ...]
    obligations: tuple[ObligationCoverage, ...]
    notes: tuple[str, ...] = field(default=())

    @property
    def deciding(self) -> ObligationCoverage | None:
        """The obligation that decides the overall status (None if nothing applies)."""
        applying = [o for o in self.obligations if o.status != "not_applicable"]
        military = [o for o in applying if o.is_military]
        pool = military or applying
        if not pool:
            return None
        return max(pool, key=lambda o: (STATUS_STRENGTH[o.status],
                                        -HELP_ORDER.index(o.required_help)))

    @property
    def status(self) -> Status:
        """The strongest military obligation's status, else the strongest other one's."""
        deciding = self.deciding
        return "not_applicable" if deciding is None else deciding.status

    @property
    def required_help(self) -> Help:
        """The help owed under the deciding obligation (``none`` when nothing applies)."""
        deciding = self.deciding
        return "none" if deciding is None else deciding.required_help

    @property
    def escape_wording(self) -> tuple[str, ...]:
        """The deciding obligation's escape wording."""
        deciding = self.deciding
        return () if deciding is None else deciding.escape_wording


def coverage(treaty: Treaty, scenario: Scenario, ally: int,
             beneficiaries: Sequence[int] | None = None, *,
             thresholds: ThresholdTable = DEFAULT_THRESHOLDS) -> Coverage:
    """Check every obligation the ally owes to belligerents against the scenario.

    Parameters
    ----------
    treaty, scenario
        The treaty and the crisis.
    ally
        COW code of the state whose obligations are checked.
    beneficiaries
        The belligerents the ally is analysed for.  Default: those the
        scenario lists for this ally, else every belligerent other than the ally.
    thresholds
        The severity × threshold table (default :data:`~treaties.thresholds.DEFAULT_THRESHOLDS`).

    Returns
    -------
    Coverage
        One :class:`ObligationCoverage` per obligation of the ally and beneficiary.
    """
    targets = tuple(beneficiaries) if beneficiaries is not None else _default_for(scenario, ally)
    notes: list[str] = []
    if ally not in treaty.party_codes:
        notes.append(f"{cow_states().label(ally)} is not a party to {treaty.label}.")
    rows = [
        _assess(treaty, scenario, obligation, ally, beneficiary, thresholds)
        for obligation in treaty.obligations if ally in obligation.obligor
        for beneficiary in targets if beneficiary != ally
    ]
    return Coverage(treaty.id, scenario.id, ally, targets, tuple(rows), tuple(notes))


def _default_for(scenario: Scenario, ally: int) -> tuple[int, ...]:
    listed = [s for a in scenario.allies if a.ally == ally for s in a.for_]
    if listed:
        return tuple(dict.fromkeys(listed))
    return tuple(s for s in scenario.belligerents if s != ally)


def _owed_to(treaty: Treaty, obligation: Obligation, beneficiary: int) -> bool:
    if obligation.beneficiaries == "all_other_parties":
        return beneficiary in treaty.party_codes
    return beneficiary in obligation.beneficiaries


def _in_force(treaty: Treaty, obligation: Obligation, on: dt.date) -> bool:
    phases = [p for p in treaty.phases if obligation.phases is None or p.id in obligation.phases]
    return any(p.in_force(on) for p in phases)


def _assess(treaty: Treaty, scenario: Scenario, obligation: Obligation, ally: int,
            beneficiary: int, thresholds: ThresholdTable) -> ObligationCoverage:
    names = cow_states()

    def row(status: Status, reason: str = "", exempting: Sequence[ClauseFinding] = (),
            open_: Sequence[ClauseFinding] = (),
            interpretations: Sequence[Interpretation] = ()) -> ObligationCoverage:
        return ObligationCoverage(
            obligation.id, obligation.type, ally, beneficiary, status,
            obligation.required_help, obligation.escape_wording, tuple(exempting),
            tuple(open_), tuple(interpretations),
            _evidence_for(obligation, [], "required_help"), reason)

    if not _owed_to(treaty, obligation, beneficiary):
        return row("not_applicable", f"{obligation.id} owes nothing to {names.name(beneficiary)}.")
    involved = [(k, h) for k, h in enumerate(scenario.hostilities)
                if beneficiary in h.belligerents]
    if not involved:
        return row("not_applicable", f"{names.name(beneficiary)} takes no part in the hostilities.")
    outcomes: list[tuple[Status, int, list[ClauseFinding], list[ClauseFinding],
                         list[Interpretation], str]] = []
    for k, hostility in involved:
        parties = treaty.parties_on(hostility.date)
        if not _in_force(treaty, obligation, hostility.date):
            outcomes.append(("not_applicable", k, [], [], [],
                             f"{obligation.id} was not in force on {hostility.date}."))
            continue
        if ally not in parties or beneficiary not in parties:
            absent = ally if ally not in parties else beneficiary
            outcomes.append(("not_applicable", k, [], [], [],
                             f"{names.name(absent)} was not a party on {hostility.date}."))
            continue
        if obligation.type != "non_aggression" and ally in _opponents(hostility, beneficiary):
            outcomes.append(("not_applicable", k, [], [], [],
                             f"{names.name(ally)} is itself fighting {names.name(beneficiary)}."))
            continue
        conditions, applied = _conditions_on(obligation, ally, hostility.date)
        findings = _findings(obligation, conditions, applied, scenario, k, beneficiary, ally,
                             thresholds)
        exempting = [f for met, f in findings if met == "not_met"]
        open_ = [f for met, f in findings if met == "ambiguous"]
        status: Status = "exempt" if exempting else "indeterminate" if open_ else "triggered"
        reason = "" if exempting or open_ else (
            f"Every condition holds for hostility {k + 1} ({_describe(hostility)}).")
        outcomes.append((status, k, exempting, open_, applied, reason))
    best = max(STATUS_STRENGTH[o[0]] for o in outcomes)
    chosen = [o for o in outcomes if STATUS_STRENGTH[o[0]] == best]
    status = chosen[0][0]
    if status == "triggered":
        return row(status, chosen[0][5], interpretations=chosen[0][4])
    return row(status, " ".join(dict.fromkeys(o[5] for o in chosen if o[5])),
               [f for o in chosen for f in o[2]], [f for o in chosen for f in o[3]],
               list(dict.fromkeys(i for o in chosen for i in o[4])))


def _describe(hostility: Hostility) -> str:
    return (f"{state_names(hostility.attacker)} against {state_names(hostility.target)}, "
            f"{hostility.date}")


def _opponents(hostility: Hostility, beneficiary: int) -> tuple[int, ...]:
    """The states on the other side from the beneficiary."""
    return hostility.target if beneficiary in hostility.attacker else hostility.attacker


def _conditions_on(obligation: Obligation, obligor: int,
                   on: dt.date) -> tuple[Conditions, list[Interpretation]]:
    """The obligation's conditions as read on a date by an obligor.

    An interpretation applies from its date on, and, when it records whose
    statement it is (``by``), only to that state's own duty.
    """
    conditions = obligation.conditions
    applied = sorted((i for i in obligation.interpretations
                      if i.date <= on and i.by in (None, obligor)), key=lambda i: i.date)
    for interpretation in applied:
        changes = {name: getattr(interpretation.conditions, name)
                   for name in interpretation.conditions.model_fields_set}
        conditions = conditions.model_copy(update=changes)
    return conditions, applied


Finding = tuple[Met, ClauseFinding]


class _FindingMaker(Protocol):
    """Builds a finding for a clause, attaching the evidence that documents it."""

    def __call__(self, met: Met, clause: Clause, reason: str,
                 readings: tuple[str, ...] = ...) -> Finding: ...


def _findings(obligation: Obligation, conditions: Conditions,
              applied: list[Interpretation], scenario: Scenario, index: int, beneficiary: int,
              ally: int, thresholds: ThresholdTable) -> list[Finding]:
    hostility = scenario.hostilities[index]
    names = cow_states()
    who = names.name(beneficiary)
    on_attacking_side = beneficiary in hostility.attacker
    adversaries = _opponents(hostility, beneficiary)

    def finding(met: Met, clause: Clause, reason: str,
                readings: tuple[str, ...] = ()) -> Finding:
        evidence = _evidence_for(obligation, applied, clause)
        article = evidence[0].article if evidence else None
        return met, ClauseFinding(clause, article, evidence, reason, readings, index)

    results: list[Finding] = []
    if obligation.type == "non_aggression":
        if ally in adversaries:
            return []
        return [finding("not_met", "type",
                        f"A non-aggression pledge binds {names.name(ally)} only not to attack "
                        f"{who}; it does not oblige it to help {who}.")]
    started = _started(hostility, beneficiary)
    contested = hostility.initiator_contested
    if obligation.type == "defense" and on_attacking_side:
        victims = state_names(hostility.target)
        if started == "other side" or contested:
            record = ("the record of who started the hostilities is contested" if contested
                      else f"{names.name(hostility.initiator)} is recorded as having started "
                           f"the hostilities")
            results.append(finding(
                "ambiguous", "type",
                f"Whether {who} was attacked is open: it struck {victims}, but {record}.",
                (f"{who} was provoked and so attacked: the obligation applies",
                 f"{who} started the fighting: it was not attacked")))
        else:
            results.append(finding("not_met", "type",
                                   f"{who} is not the party attacked: it attacked {victims}."))
    if conditions.non_provocation:
        if contested:
            results.append(finding(
                "ambiguous", "non_provocation",
                f"The text requires that {who} not have provoked the war, and who started it "
                f"is contested.",
                (f"{who} did not provoke the war: the obligation applies",
                 f"{who} provoked the war: the obligation lapses")))
        elif started == "beneficiary":
            results.append(finding(
                "not_met", "non_provocation",
                f"The text requires that {who} not have provoked the war, and {who} started "
                f"the hostilities."))
    if conditions.adversaries is not None:
        found = _adversary_findings(conditions, scenario, adversaries, finding)
        if "adversaries" in conditions.unrecorded:
            found = [_open_list(f, finding) for f in found]
        results += found
    if conditions.geography is not None:
        results += _geography_findings(conditions, hostility, finding)
    if conditions.threshold is not None:
        met = threshold_met(conditions.threshold, hostility.severity, thresholds)
        wanted = _THRESHOLD_WORDS[conditions.threshold]
        got = _SEVERITY_WORDS[hostility.severity]
        if met == "not_met":
            results.append(finding("not_met", "threshold",
                                   f"The text requires {wanted}; {got} does not meet it."))
        elif met == "ambiguous":
            results.append(finding(
                "ambiguous", "threshold",
                f"The text requires {wanted}; whether {got} meets it is open.",
                (f"{got} counts as {wanted}: the obligation applies",
                 f"{got} falls short of {wanted}: the obligation does not apply")))
    if conditions.objects is not None and hostility.object not in conditions.objects:
        covered = ", ".join(_OBJECT_WORDS[o] for o in conditions.objects)
        results.append(finding(
            "not_met", "objects",
            f"What was attacked ({_OBJECT_WORDS[hostility.object]}) is not among what the text "
            f"covers ({covered})."))
    for unrecorded in conditions.unrecorded:
        if unrecorded == "adversaries" and conditions.adversaries is not None:
            continue  # the named states are covered; others are open (_adversary_findings)
        results.append(finding(
            "ambiguous", UNRECORDED_CLAUSE[unrecorded],
            f"The obligation is recorded as {_UNRECORDED_WORDS[unrecorded]}, but not "
            f"{_UNRECORDED_CONTENT[unrecorded]}.",
            ("the unrecorded condition holds: the obligation applies",
             "it does not: the obligation does not apply")))
    if conditions.min_adversaries > 1:
        count = len(_adversaries_so_far(scenario, beneficiary, hostility.date))
        if count < conditions.min_adversaries:
            results.append(finding(
                "not_met", "min_adversaries",
                f"{who} faces {count} adversar{'y' if count == 1 else 'ies'}; the text requires "
                f"at least {conditions.min_adversaries}."))
    return results


def _started(hostility: Hostility,
             beneficiary: int) -> Literal["beneficiary", "own side", "other side"]:
    """Who is recorded as starting the hostility, seen from the beneficiary."""
    if hostility.initiator == beneficiary:
        return "beneficiary"
    side = hostility.attacker if beneficiary in hostility.attacker else hostility.target
    return "own side" if hostility.initiator in side else "other side"


def _open_list(found: Finding, finding: _FindingMaker) -> Finding:
    """A named-adversary finding when the list of adversaries is not complete: not met
    becomes ambiguous (the record names some adversaries, and others may be covered)."""
    met, clause = found
    if met != "not_met":
        return found
    return finding("ambiguous", clause.clause,
                   f"{clause.reason.rstrip('.')}; the record names only some adversaries "
                   f"(e.g. ATOP's two threat states, not their allies), so others may be "
                   f"covered.",
                   ("the adversary is covered: the obligation applies",
                    "it is not: the obligation does not apply"))


def _adversary_findings(conditions: Conditions, scenario: Scenario,
                        adversaries: tuple[int, ...], finding: _FindingMaker) -> list[Finding]:
    named = conditions.adversaries
    assert named is not None
    unknown_class = False
    for adversary in adversaries:
        if adversary in named.states:
            return []
        if any(scenario.allied(adversary, s) for s in named.allies_of):
            return []
        if named.class_ is not None:
            member = scenario.in_class(adversary, named.class_)
            if member:
                return []
            unknown_class = unknown_class or member is None
    listed = []
    if named.states:
        listed.append(state_names(named.states))
    if named.allies_of:
        listed.append(f"allied with {state_names(named.allies_of)}")
    plural = len(adversaries) > 1
    who = state_names(adversaries)
    verb = "are" if plural else "is"
    if unknown_class:
        prefix = f"{who} {verb} not {' or '.join(listed)}, and " if listed else ""
        return [finding(
            "ambiguous", "adversaries",
            f"The text covers adversaries in the class '{named.class_}'; {prefix}the scenario "
            f"does not say whether {who} {'belong' if plural else 'belongs'} to it.",
            (f"{who} {'belong' if plural else 'belongs'} to '{named.class_}': the obligation "
             f"applies",
             f"{who} {'do' if plural else 'does'} not: the obligation does not apply"))]
    parts = [*listed, *([f"in the class '{named.class_}'"] if named.class_ else [])]
    description = (f"neither {parts[0]} nor {parts[1]}" if len(parts) == 2
                   else f"not {parts[0]}" if len(parts) == 1
                   else "none of " + ", ".join(parts))
    subject = f"The adversar{'ies' if plural else 'y'}, {who},"
    return [finding("not_met", "adversaries", f"{subject} {verb} {description}.")]


def _geography_findings(conditions: Conditions, hostility: Hostility,
                        finding: _FindingMaker) -> list[Finding]:
    scope = conditions.geography
    assert scope is not None
    places = gazetteer()
    theatre = places.name(hostility.theatre)
    results: list[Finding] = []
    if scope.regions:
        relations = {places.relation(hostility.theatre, r) for r in scope.regions}
        area = " or ".join(places.name(r) for r in scope.regions)
        if "within" not in relations:
            if "possibly_within" in relations:
                results.append(finding(
                    "ambiguous", "geography",
                    f"Whether {theatre} lies in {area} is not settled by the text.",
                    (f"{theatre} lies in {area}: the obligation applies",
                     f"{theatre} lies outside {area}: the obligation does not apply")))
            else:
                results.append(finding("not_met", "geography",
                                       f"The theatre, {theatre}, lies outside {area}."))
    if scope.administered_by:
        rulers = state_names(scope.administered_by)
        if hostility.administered_by is None:
            results.append(finding(
                "ambiguous", "geography",
                f"The text covers territory administered by {rulers}, and the scenario does "
                f"not say who administers {theatre}.",
                (f"{theatre} is administered by {rulers}: the obligation applies",
                 "it is not: the obligation does not apply")))
        elif hostility.administered_by not in scope.administered_by:
            results.append(finding(
                "not_met", "geography",
                f"{theatre} is administered by {cow_states().name(hostility.administered_by)}, "
                f"not by {rulers}."))
    return results


def _adversaries_so_far(scenario: Scenario, beneficiary: int, on: dt.date) -> set[int]:
    """States fighting the beneficiary in hostilities that began on or before a date."""
    found: set[int] = set()
    for hostility in scenario.hostilities:
        if hostility.date > on:
            continue
        if beneficiary in hostility.attacker:
            found.update(hostility.target)
        elif beneficiary in hostility.target:
            found.update(hostility.attacker)
    return found


def _evidence_for(obligation: Obligation, applied: list[Interpretation],
                  clause: Clause) -> tuple[TextEvidence, ...]:
    """Quotes documenting a clause: the latest interpretation's, else the obligation's.

    Verified quotes are preferred: unverified ones are returned only when no
    verified quote documents the clause.
    """
    for interpretation in reversed(applied):
        if clause in interpretation.conditions.model_fields_set:
            return (interpretation.evidence,)
    texts = [e for e in obligation.evidence if isinstance(e, TextEvidence)]
    specific = [e for e in texts if clause in e.supports] or texts[:1]
    verified = tuple(e for e in specific if e.verified)
    return verified or tuple(specific)
