"""Reports on treaties, scenarios and casus-foederis coverage (see :mod:`analysis.report`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from analysis.report import Report, Section, joined
from games.errors import InputError
from treaties.coverage import ClauseFinding, Coverage, ObligationCoverage
from treaties.regions import gazetteer
from treaties.scenario import Scenario
from treaties.schema import Conditions, Obligation, TextEvidence, Treaty
from treaties.states import cow_states


def _states(codes: Sequence[int]) -> str:
    names = cow_states()
    return joined([names.label(c) for c in codes])


def _codes(codes: Sequence[int], limit: int = 8) -> str:
    if len(codes) <= limit:
        return joined(list(codes))
    return f"{joined(list(codes[:limit - 2]))}, … ({len(codes)} states)"


def treaty_list(treaties: Sequence[Treaty]) -> Report:
    """One row per treaty: id, name, signing date, parties, ATOP id, obligation types."""
    data = [{
        "id": t.id, "name": t.name, "short_name": t.short_name, "signed": t.signed.isoformat(),
        "parties": list(t.party_codes), "atopid": t.atopid,
        "obligation_types": sorted({o.type for o in t.obligations}),
        "obligations": len(t.obligations),
    } for t in treaties]
    rows = tuple((t.id, t.label, t.signed.isoformat(), _codes(t.party_codes),
                  str(t.atopid or "—"), joined(sorted({o.type for o in t.obligations})))
                 for t in treaties)
    section = Section(f"{len(treaties)} treaties",
                      ("id", "name", "signed", "parties (COW)", "ATOP", "obligations"), rows)
    return Report((section,), data)


def describe_conditions(conditions: Conditions) -> list[str]:
    """Each condition the text imposes, in words."""
    places = gazetteer()
    parts: list[str] = []
    if conditions.non_provocation:
        parts.append("beneficiary must not have provoked the war")
    named = conditions.adversaries
    if named is not None:
        who = [cow_states().name(s) for s in named.states]
        who += [f"allies of {cow_states().name(s)}" for s in named.allies_of]
        who += [f"class '{named.class_}'"] if named.class_ else []
        parts.append("only against " + " or ".join(who))
    if conditions.geography is not None:
        area = [places.name(r) for r in conditions.geography.regions]
        area += [f"territory administered by {cow_states().name(s)}"
                 for s in conditions.geography.administered_by]
        parts.append("in " + " or ".join(area))
    if conditions.threshold is not None:
        parts.append(f"threshold: {conditions.threshold.replace('_', ' ')}")
    if conditions.objects is not None:
        parts.append("attack on " + ", ".join(o.replace("_", " ") for o in conditions.objects))
    if conditions.min_adversaries > 1:
        parts.append(f"at least {conditions.min_adversaries} adversaries")
    if conditions.unrecorded:
        parts.append("present but not recorded: " + ", ".join(
            u.replace("_", " ") for u in conditions.unrecorded))
    return parts


def _quote(evidence: object) -> str:
    if isinstance(evidence, TextEvidence):
        mark = "" if evidence.verified else " (unverified)"
        return f"{evidence.article}: \u201c{evidence.quote}\u201d{mark}"
    return f"ATOP {getattr(evidence, 'atopid', '?')}, member {getattr(evidence, 'member', '?')}"


def _beneficiaries(obligation: Obligation) -> str:
    if obligation.beneficiaries == "all_other_parties":
        return "all other parties"
    return joined(list(obligation.beneficiaries))


def treaty_show(treaty: Treaty) -> Report:
    """Everything a treaty file says: parties, phases, obligations with their evidence."""
    parties = tuple((cow_states().label(p.state), str(p.joined or "original"),
                     str(p.left or "—"), p.note or "") for p in treaty.parties)
    phases = tuple((p.id, p.start.isoformat(), p.end.isoformat() if p.end else "in force",
                    p.note or "") for p in treaty.phases)
    obligations = tuple((
        o.id, o.type, joined(list(o.obligor)), _beneficiaries(o),
        joined(describe_conditions(o.conditions), "; "), o.required_help,
        joined(list(o.escape_wording), "; "),
        joined([_quote(e) for e in o.evidence], "\n"),
    ) for o in treaty.obligations)
    interpretations = tuple(
        (o.id, i.date.isoformat(), i.effect, joined(sorted(i.conditions.model_fields_set)),
         i.summary) for o in treaty.obligations for i in o.interpretations)
    sections = [
        Section(f"{treaty.name} ({treaty.id}), signed {treaty.signed}"
                + (f", ATOP {treaty.atopid}" if treaty.atopid else ""),
                ("party", "joined", "left", "note"), parties),
        Section("Phases", ("phase", "start", "end", "note"), phases),
        Section("Obligations", ("id", "type", "obligor", "beneficiaries", "conditions",
                                "help owed", "escape wording", "evidence"), obligations),
    ]
    if interpretations:
        sections.append(Section("Interpretations", ("obligation", "date", "effect", "clauses",
                                                    "summary"), interpretations))
    sources = tuple((s.citation, s.url or "—") for s in treaty.sources)
    sections.append(Section("Sources", ("citation", "url"), sources,
                            (f"Notes: {treaty.notes}",) if treaty.notes else ()))
    return Report(tuple(sections), treaty.model_dump(mode="json", by_alias=True))


def scenario_list(scenarios: Sequence[Scenario]) -> Report:
    """One row per scenario: id, date, hostilities, severities, allies analysed."""
    data = [{
        "id": s.id, "name": s.name, "date": s.date.isoformat(), "hypothetical": s.hypothetical,
        "hostilities": [{"attacker": list(h.attacker), "target": list(h.target),
                         "severity": h.severity} for h in s.hostilities],
        "allies": [{"ally": a.ally, "for": list(a.for_)} for a in s.allies],
    } for s in scenarios]
    rows = tuple((
        s.id, s.date.isoformat(), "yes" if s.hypothetical else "no",
        joined([f"{joined(list(h.attacker), '+')} → {joined(list(h.target), '+')}"
                for h in s.hostilities], "; "),
        joined(sorted({h.severity for h in s.hostilities})),
        joined([f"{a.ally} for {joined(list(a.for_), '/')}" for a in s.allies], "; "),
    ) for s in scenarios)
    section = Section(f"{len(scenarios)} scenarios", (
        "id", "date", "hypothetical", "hostilities (COW)", "severity", "allies analysed"), rows)
    return Report((section,), data)


def scenario_show(scenario: Scenario) -> Report:
    """Everything a scenario file says."""
    places = gazetteer()
    hostilities = tuple((
        str(k + 1), h.date.isoformat(), _states(h.attacker), _states(h.target),
        cow_states().name(h.initiator) + (" (contested)" if h.initiator_contested else ""),
        h.object.replace("_", " "), places.name(h.theatre), h.severity,
    ) for k, h in enumerate(scenario.hostilities))
    sections = [Section(f"{scenario.name} ({scenario.id}), {scenario.date}"
                        + (", hypothetical" if scenario.hypothetical else ""),
                        ("#", "date", "attacker", "target", "initiator", "object attacked",
                         "theatre", "severity"), hostilities,
                        (scenario.description,) if scenario.description else ())]
    if scenario.alignments:
        sections.append(Section("Alignments", ("states", "basis"), tuple(
            (_states(a.states), a.basis) for a in scenario.alignments)))
    if scenario.classifications:
        sections.append(Section("Classes", ("class", "states"), tuple(
            (c.class_, _states(c.states)) for c in scenario.classifications)))
    sections.append(Section("Allies analysed", ("ally", "for"), tuple(
        (cow_states().label(a.ally), _states(a.for_)) for a in scenario.allies)))
    if scenario.params:
        sections.append(Section("Parameter overrides", ("parameter", "value", "why"), tuple(
            (name, f"{p.value:g}", p.why) for name, p in scenario.params.items())))
    return Report(tuple(sections), scenario.model_dump(mode="json", by_alias=True))


def problems_report(kind: str, files: int, problems: Sequence[InputError]) -> Report:
    """The outcome of ``check``: one ``file:line: field: problem (expected ...)`` line each."""
    data = {"kind": kind, "files": files, "ok": not problems, "problems": [
        {"file": p.source, "line": p.line, "field": p.field, "message": p.message,
         "expected": p.expected} for p in problems]}
    verdict = (f"{files} {kind} file{'s' * (files != 1)} checked: "
               + ("all valid" if not problems else f"{len(problems)} problem"
                  f"{'s' * (len(problems) != 1)}"))
    return Report((), data, (*(p.render() for p in problems), verdict))


def _finding_text(finding: ClauseFinding, several: bool = False) -> str:
    parts = ([finding.article] if finding.article else []) + (
        [f"hostility {finding.hostility + 1}"] if several else [])
    where = f" [{'; '.join(parts)}]" if parts else ""
    return f"{finding.clause}{where}: {finding.reason}"


def _finding_json(finding: ClauseFinding) -> dict[str, Any]:
    return {"clause": finding.clause, "article": finding.article, "reason": finding.reason,
            "readings": list(finding.readings), "hostility": finding.hostility + 1,
            "evidence": [e.model_dump(mode="json") for e in finding.evidence]}


def _row_json(row: ObligationCoverage) -> dict[str, Any]:
    return {
        "obligation": row.obligation, "type": row.type, "obligor": row.obligor,
        "beneficiary": row.beneficiary, "status": row.status,
        "required_help": row.required_help, "escape_wording": list(row.escape_wording),
        "exempting_clauses": [_finding_json(f) for f in row.exempting_clauses],
        "indeterminate_clauses": [_finding_json(f) for f in row.indeterminate_clauses],
        "interpretations": [{"date": i.date.isoformat(), "effect": i.effect,
                             "summary": i.summary} for i in row.interpretations],
        "evidence": [e.model_dump(mode="json") for e in row.help_evidence],
        "reason": row.reason,
    }


def coverage_report(results: Sequence[Coverage], treaty: Treaty, scenario: Scenario) -> Report:
    """Coverage of one treaty in one scenario, for one or more allies."""
    names = cow_states()
    sections = []
    several = len(scenario.hostilities) > 1
    for result in results:
        rows = tuple((
            row.obligation, row.type, names.name(row.beneficiary), row.status,
            row.required_help, joined(list(row.escape_wording), "; "),
            joined([f.clause for f in row.exempting_clauses]
                   + [f"{f.clause} (open)" for f in row.indeterminate_clauses]),
        ) for row in result.obligations)
        reasons = [
            f"- {row.obligation} → {names.name(row.beneficiary)}: {text}"
            for row in result.obligations
            for text in ([_finding_text(f, several) for f in row.exempting_clauses]
                         + [f"open: {_finding_text(f, several)} Readings: "
                            + " / ".join(f.readings) for f in row.indeterminate_clauses]
                         + [f"read since {i.date} ({i.effect}s "
                            f"{joined(sorted(i.conditions.model_fields_set))})"
                            for i in row.interpretations]
                         + ([row.reason] if row.reason else []))
        ]
        deciding = result.deciding
        summary = (f"Overall: {result.status}"
                   + (f" (decided by {deciding.obligation}, help owed: {deciding.required_help})"
                      if deciding else ""))
        sections.append(Section(
            f"{treaty.label} in {scenario.name}: {names.label(result.ally)} for "
            f"{joined([names.name(b) for b in result.beneficiaries])}",
            ("obligation", "type", "owed to", "status", "help owed", "escape wording",
             "clauses"), rows, (*reasons, *result.notes, summary)))
    data = {"treaty": treaty.id, "scenario": scenario.id, "results": [{
        "ally": r.ally, "beneficiaries": list(r.beneficiaries), "status": r.status,
        "deciding_obligation": r.deciding.obligation if r.deciding else None,
        "required_help": r.required_help, "escape_wording": list(r.escape_wording),
        "notes": list(r.notes), "obligations": [_row_json(o) for o in r.obligations],
    } for r in results]}
    return Report(tuple(sections), data)


def coverage_summary(results: Sequence[tuple[Scenario, Treaty, Coverage]]) -> Report:
    """One row per scenario, ally and treaty: the overall status and what decided it."""
    names = cow_states()
    rows = []
    reasons = []
    data = []
    hidden = 0
    for scenario, treaty, result in results:
        if result.status == "not_applicable":
            hidden += 1  # nothing in force and owed to these belligerents
            continue
        deciding = result.deciding
        clauses = () if deciding is None else (
            deciding.exempting_clauses or deciding.indeterminate_clauses)
        why = clauses[0].reason if clauses else "every condition holds"
        rows.append((scenario.id, names.abbreviation(result.ally),
                     joined([names.abbreviation(b) for b in result.beneficiaries], "+"),
                     treaty.id, result.status,
                     result.required_help + (" †" if result.escape_wording else "")))
        if clauses:
            reasons.append(f"- {scenario.id} / {treaty.id}: {why}")
        data.append({"scenario": scenario.id, "treaty": treaty.id, "ally": result.ally,
                     "beneficiaries": list(result.beneficiaries), "status": result.status,
                     "deciding_obligation": deciding.obligation if deciding else None,
                     "required_help": result.required_help,
                     "escape_wording": list(result.escape_wording), "why": why})
    notes = ["States by their COW abbreviations; † escape wording (e.g. \"constitutional "
             "processes\").", *reasons]
    if hidden:
        notes.append(f"Not shown: {hidden} treaty and ally pairs with nothing in force and "
                     f"owed to the belligerents.")
    section = Section("Casus foederis: the built-in scenarios against the treaties their "
                      "allies signed", ("scenario", "ally", "for", "treaty", "status",
                                        "help owed"), tuple(rows), tuple(notes))
    return Report((section,), data)
