"""``compare --atop DIR``: every imported ATOP alliance in force, against scenarios.

For each scenario and each imported alliance with a phase in force on the
scenario's date, every ally the scenario lists that is then a member is
analysed (:func:`analysis.verdicts.analyze`).  One row per (scenario, atopid,
phase, ally), keyed by ATOP ids and COW codes so that it merges back into a
scholar's dyad or member data.

ATOP does not record escape wording, so an imported obligation has δ = 1, the
most binding reading: ``binding`` on an import is an upper bound, and each
row says so (``escape_recorded: false``).  An indeterminate coverage (a
condition ATOP records without its content) gives both readings:
``binding_lower`` is true when every reading binds, ``binding_upper`` when any does.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from analysis.analysis_reports import exact_and_decimal, fraction_fields, reading_code
from analysis.provenance import Provenance
from analysis.report import Report, Section, records_csv
from analysis.rules import Rulebook
from analysis.verdicts import Analysis, analyze
from treaties.atop import imported_from_atop
from treaties.scenario import Scenario
from treaties.schema import Treaty
from treaties.states import cow_states

ROW_FIELDS = ("scenario", "atopid", "phase", "ally", "ally_abbrev", "beneficiaries", "coverage",
              "verdict", "binding_lower", "binding_upper", "delta", "threshold",
              "threshold_float", "deters", "open_clauses", "escape_recorded", "treaty")
"""The columns of one ``compare --atop`` row (CSV and JSON)."""


@dataclass(frozen=True)
class AtopRow:
    """One imported alliance, in one phase, for one ally, in one scenario."""

    scenario: Scenario
    treaty: Treaty
    phase: str
    analysis: Analysis

    @property
    def binding_upper(self) -> bool:
        """Some reading binds."""
        return any(r.verdict == "binding" for r in self.analysis.readings)

    @property
    def binding_lower(self) -> bool:
        """Every reading binds."""
        return all(r.verdict == "binding" for r in self.analysis.readings)


def atop_phase(phase: str) -> int | str:
    """ATOP's phase number from an imported phase id (``phase-2`` → 2); other ids unchanged."""
    number = phase.removeprefix("phase-")
    return int(number) if number.isdigit() else phase


def phases_in_force(treaty: Treaty, scenario: Scenario) -> tuple[Treaty, ...]:
    """The treaty cut to each phase in force on the scenario's date (usually one).

    ATOP's phases should not overlap; when an import's do (its notes say so), each
    phase in force gives its own row: the treaty with only that phase and the
    obligations that hold in it.
    """
    return tuple(treaty.model_copy(update={
        "phases": (phase,),
        "obligations": tuple(o for o in treaty.obligations
                             if o.phases is None or phase.id in o.phases)})
        for phase in treaty.phases if phase.in_force(scenario.date))


def compare_atop(treaties: Sequence[Treaty], scenarios: Sequence[Scenario],
                 overrides: Sequence[str] = (), *, rulebook: Rulebook,
                 progress: Callable[[], None] | None = None) -> list[AtopRow]:
    """Every alliance in force at each scenario's date, for each listed ally that is a
    member, one row per phase in force.

    ``progress`` is called once per scenario and treaty.
    """
    rows = []
    for scenario in scenarios:
        allies = list(dict.fromkeys(a.ally for a in scenario.allies))
        for treaty in treaties:
            members = treaty.parties_on(scenario.date)
            for phase in phases_in_force(treaty, scenario):
                for ally in (a for a in allies if a in members):
                    rows.append(AtopRow(scenario, treaty, phase.phases[0].id, analyze(
                        phase, scenario, ally, overrides, rulebook=rulebook, with_nash=False)))
            if progress is not None:
                progress()
    return rows


def row_record(row: AtopRow) -> dict[str, Any]:
    """One row as a flat record (the fields of :data:`ROW_FIELDS`)."""
    analysis = row.analysis
    first = analysis.readings[0]
    open_clauses = [f"{f.clause}: {f.reason}" for o in analysis.coverage.obligations
                    for f in o.indeterminate_clauses if o is analysis.coverage.deciding]
    threshold = fraction_fields("threshold", first.threshold)
    return {
        "scenario": row.scenario.id, "atopid": row.treaty.atopid,
        "phase": atop_phase(row.phase),
        "ally": analysis.ally, "ally_abbrev": cow_states().abbreviation(analysis.ally),
        "beneficiaries": " ".join(map(str, analysis.coverage.beneficiaries)),
        "coverage": analysis.coverage.status, "verdict": analysis.verdict,
        "binding_lower": row.binding_lower, "binding_upper": row.binding_upper,
        "delta": fraction_fields("delta", first.delta)["delta"],
        "threshold": threshold["threshold"], "threshold_float": threshold["threshold_float"],
        "deters": any(r.deters for r in analysis.readings),
        "open_clauses": "; ".join(dict.fromkeys(open_clauses)),
        "escape_recorded": not imported_from_atop(row.treaty), "treaty": row.treaty.id,
    }


def atop_compare_csv(rows: Sequence[AtopRow], provenance: Provenance) -> str:
    """CSV: ``# `` comment lines (the upper-bound caveat, the provenance), a header, the rows."""
    return records_csv((UPPER_BOUND_NOTE, provenance.line()), ROW_FIELDS,
                       (row_record(r) for r in rows))


UPPER_BOUND_NOTE = ("ATOP does not record escape wording: imported obligations have δ = 1 (the "
                    "most binding reading), so 'binding' is an upper bound on binding.")


def atop_compare_report(rows: Sequence[AtopRow], scenarios: Sequence[Scenario],
                        alliances: int, provenance: Provenance) -> Report:
    """The rows as a table, with per-scenario counts, the caveat and the provenance."""
    listed = tuple(
        (r.scenario.id, str(r.treaty.atopid),
         str(atop_phase(r.phase)),
         f"{cow_states().abbreviation(r.analysis.ally)} ({r.analysis.ally})",
         r.analysis.coverage.status.replace("_", " "),
         "/".join(reading_code(x) for x in r.analysis.readings),
         exact_and_decimal(r.analysis.readings[0].threshold))
        for r in rows)
    counts = []
    for scenario in scenarios:
        own = [r for r in rows if r.scenario.id == scenario.id]
        counts.append(f"{scenario.id} ({scenario.date}): {len(own)} row{'s' * (len(own) != 1)} "
                      f"from {len({r.treaty.atopid for r in own})} of {alliances} alliances; "
                      f"binding {sum(r.binding_lower for r in own)} (every reading) to "
                      f"{sum(r.binding_upper for r in own)} (some reading).")
    table = Section("ATOP alliances in force, per phase and ally",
                    ("scenario", "atopid", "phase", "ally", "coverage", "verdict", "a*"), listed,
                    (*counts, UPPER_BOUND_NOTE,
                     "Verdict codes as in tiedhands compare; X/Y: triggered/exempt readings of a "
                     "condition ATOP records without its content."))
    data = {"scenarios": [s.id for s in scenarios], "alliances": alliances,
            "rows": [row_record(r) for r in rows], "note": UPPER_BOUND_NOTE,
            "provenance": provenance.to_json()}
    return Report((table,), data, (provenance.line(),))
