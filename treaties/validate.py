"""Checks that span several fields of a treaty or scenario.

Pydantic checks each field's shape; the functions here check what only the
whole document can tell: ids are unique, references point at something that
exists, dates are in order, obligors are parties.  Each problem comes with
the location of the offending value, so that the loader can name its line.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from treaties.cooperation import CooperationProfile
from treaties.scenario import Scenario
from treaties.schema import Treaty
from treaties.yaml_source import Location


@dataclass(frozen=True)
class Problem:
    """A cross-field problem: where it is, what is wrong, and what was expected."""

    location: Location
    message: str
    expected: str


def treaty_problems(treaty: Treaty) -> list[Problem]:
    """Every cross-field problem of a treaty (empty when it is consistent)."""
    return [*_unique_ids(treaty), *_party_dates(treaty), *_phase_dates(treaty),
            *_obligation_references(treaty)]


def _duplicates(ids: list[str], section: str, item: str) -> Iterator[Problem]:
    seen: set[str] = set()
    for k, identifier in enumerate(ids):
        if identifier in seen:
            yield Problem((section, k, "id"), f"duplicate id {identifier!r}",
                          f"each {item} id once per file")
        seen.add(identifier)


def _unique_ids(treaty: Treaty) -> Iterator[Problem]:
    yield from _duplicates([p.id for p in treaty.phases], "phases", "phase")
    yield from _duplicates([o.id for o in treaty.obligations], "obligations", "obligation")
    spells: dict[int, list[tuple[dt.date, dt.date | None]]] = {}
    for k, party in enumerate(treaty.parties):
        start = party.joined or treaty.signed
        for begun, ended in spells.get(party.state, []):
            if (ended is None or start < ended) and (party.left is None or begun < party.left):
                yield Problem(("parties", k), f"state {party.state} is listed twice with "
                                              f"overlapping dates",
                              "each party once, or once per spell of membership (a state "
                              "that left and rejoined) with joined/left dates that do not "
                              "overlap")
                break
        spells.setdefault(party.state, []).append((start, party.left))


def _party_dates(treaty: Treaty) -> Iterator[Problem]:
    for k, party in enumerate(treaty.parties):
        if party.joined is not None and party.joined < treaty.signed:
            yield Problem(("parties", k, "joined"), "joined before the treaty was signed",
                          f"a date on or after {treaty.signed}")
        if party.left is not None and party.left <= (party.joined or treaty.signed):
            yield Problem(("parties", k, "left"), "left before it joined",
                          "a date after joining")


def _phase_dates(treaty: Treaty) -> Iterator[Problem]:
    for k, phase in enumerate(treaty.phases):
        if phase.start < treaty.signed:
            yield Problem(("phases", k, "start"), "the phase starts before the signing date",
                          f"a date on or after {treaty.signed}")
        if phase.end is not None and phase.end <= phase.start:
            yield Problem(("phases", k, "end"), "the phase ends before it starts",
                          f"a date after {phase.start}")


def _obligation_references(treaty: Treaty) -> Iterator[Problem]:
    parties = set(treaty.party_codes)
    phase_ids = {p.id for p in treaty.phases}
    for k, obligation in enumerate(treaty.obligations):
        for j, state in enumerate(obligation.obligor):
            if state not in parties:
                yield Problem(("obligations", k, "obligor", j),
                              f"obligor {state} is not a party", "a state listed in parties")
        if obligation.beneficiaries != "all_other_parties":
            for j, state in enumerate(obligation.beneficiaries):
                if state not in parties:
                    yield Problem(("obligations", k, "beneficiaries", j),
                                  f"beneficiary {state} is not a party",
                                  "a state listed in parties")
            if set(obligation.beneficiaries) <= set(obligation.obligor) and len(
                    obligation.obligor) == 1:
                yield Problem(("obligations", k, "beneficiaries"),
                              "the obligor would owe the duty only to itself",
                              "another party as beneficiary")
        for j, phase_id in enumerate(obligation.phases or ()):
            if phase_id not in phase_ids:
                yield Problem(("obligations", k, "phases", j), f"unknown phase {phase_id!r}",
                              f"one of {sorted(phase_ids)}")
        for j, interpretation in enumerate(obligation.interpretations):
            if interpretation.date < treaty.signed:
                yield Problem(("obligations", k, "interpretations", j, "date"),
                              "the interpretation predates the treaty",
                              f"a date on or after {treaty.signed}")
        for j, evidence in enumerate(obligation.evidence):
            atopid = getattr(evidence, "atopid", None)
            if atopid is not None and treaty.atopid is not None and atopid != treaty.atopid:
                yield Problem(("obligations", k, "evidence", j, "atopid"),
                              f"atopid {atopid} differs from the treaty's {treaty.atopid}",
                              f"{treaty.atopid}")


def scenario_problems(scenario: Scenario) -> list[Problem]:
    """Every cross-field problem of a scenario (empty when it is consistent)."""
    problems: list[Problem] = []
    for k, hostility in enumerate(scenario.hostilities):
        where = ("hostilities", k)
        if set(hostility.attacker) & set(hostility.target):
            problems.append(Problem((*where, "target"), "a state is on both sides",
                                    "attacker and target without common states"))
        if hostility.initiator not in hostility.belligerents:
            problems.append(Problem((*where, "initiator"),
                                    f"initiator {hostility.initiator} is not a belligerent",
                                    "a state among attacker or target"))
        if hostility.date > scenario.date:
            problems.append(Problem((*where, "date"), "the hostility is after the scenario date",
                                    f"a date on or before {scenario.date}"))
    belligerents = set(scenario.belligerents)
    for k, analysis in enumerate(scenario.allies):
        for j, state in enumerate(analysis.for_):
            if state not in belligerents:
                problems.append(Problem(("allies", k, "for", j),
                                        f"{state} takes no part in the hostilities",
                                        "a state among the attackers or targets"))
    return problems


def profile_problems(profile: CooperationProfile) -> list[Problem]:
    """Every cross-field problem of a cooperation profile (empty when it is consistent)."""
    problems = list(_duplicates([e.id for e in profile.entries], "entries", "entry"))
    partners = set(profile.partners)
    if len(partners) != len(profile.partners):
        problems.append(Problem(("partners",), "a partner is listed twice",
                                "each partner once"))
    for k, entry in enumerate(profile.entries):
        where = ("entries", k)
        if entry.supplier == entry.recipient:
            problems.append(Problem((*where, "recipient"), "the supplier is also the recipient",
                                    "two different states"))
        for side in ("supplier", "recipient"):
            if getattr(entry, side) not in partners:
                problems.append(Problem((*where, side),
                                        f"{getattr(entry, side)} is not a partner",
                                        f"one of the partners {sorted(partners)}"))
        if len(set(entry.capabilities)) != len(entry.capabilities):
            problems.append(Problem((*where, "capabilities"), "a capability is listed twice",
                                    "each capability once"))
        if entry.end is not None and entry.end < entry.start:
            problems.append(Problem((*where, "end"), "the entry ends before it starts",
                                    f"a date on or after {entry.start}"))
    return problems
