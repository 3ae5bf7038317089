"""``compare --draws``: the treaty × scenario matrix over Monte Carlo draws.

Each scenario is swept with the same seed (common random numbers: the raw draws are
the same, though rejection against each scenario's fixed probabilities can make the
kept draws differ); parameters without a distribution take
the scenario's values, ``--param`` overrides, or the defaults.  A cell reports
the share of draws per verdict and the share in which the audience cost
deters the challenge.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from analysis.analysis_reports import VERDICT_CODES
from analysis.batch_verdicts import ReadingPlan
from analysis.provenance import Provenance
from analysis.report import Report, Section, records_csv
from analysis.rules import Rulebook
from analysis.sampling import Distribution
from analysis.sweep import Totals, run_sweep, setup_sweep
from analysis.verdicts import VERDICTS
from treaties.scenario import Scenario
from treaties.schema import Treaty

SHARE_FIELDS = ("scenario", "treaty", "ally", "reading", "points",
                *(f"share_{v}" for v in VERDICTS), "share_deters", "share_no_challenge",
                "share_ties")
"""The fields of one ``compare --draws`` record (JSON and CSV)."""


@dataclass(frozen=True)
class ScenarioShares:
    """One scenario swept: its readings and their totals."""

    scenario: Scenario
    plans: tuple[ReadingPlan, ...]
    totals: Totals


def compare_draws(treaties: Sequence[Treaty], scenarios: Sequence[Scenario],
                  overrides: Sequence[str], distributions: Mapping[str, Distribution],
                  seed: int, draws: int, *, rulebook: Rulebook,
                  progress: Callable[[int], None] | None = None) -> list[ScenarioShares]:
    """Every treaty in every scenario over the same ``draws`` Monte Carlo points."""
    found = []
    for scenario in scenarios:
        setup = setup_sweep(treaties, scenario, distributions=distributions, draws=draws,
                            seed=seed, fixed=overrides, rulebook=rulebook)
        found.append(ScenarioShares(scenario, setup.plans,
                                    run_sweep(setup.plans, setup.points, progress=progress)))
    return found


def _share(count: int, total: int) -> float:
    return count / total if total else 0.0


def share_records(results: Sequence[ScenarioShares]) -> list[dict[str, object]]:
    """One record per scenario, treaty, ally and reading (shares as fractions)."""
    records: list[dict[str, object]] = []
    for result in results:
        n = result.totals.points
        for k, plan in enumerate(result.plans):
            record: dict[str, object] = {"scenario": result.scenario.id, "treaty": plan.treaty,
                                         "ally": plan.ally, "reading": plan.reading,
                                         "points": n}
            for j, verdict in enumerate(VERDICTS):
                record[f"share_{verdict}"] = _share(int(result.totals.verdicts[k, j]), n)
            record["share_deters"] = _share(int(result.totals.deters[k]), n)
            record["share_no_challenge"] = _share(n - int(result.totals.challenged[k]), n)
            record["share_ties"] = _share(int(result.totals.ties[k]), n)
            records.append(record)
    return records


def _shares(totals: Totals, k: int) -> str:
    n = max(totals.points, 1)
    return " · ".join(f"{VERDICT_CODES[v]} {100 * c / n:.1f}%"
                      for v, c in zip(VERDICTS, totals.verdicts[k], strict=True) if c)


def _modal(totals: Totals, k: int) -> str:
    """``IN 43`` — the most frequent verdict's code and percentage (``EX`` alone at 100%)."""
    j = int(totals.verdicts[k].argmax())
    code = VERDICT_CODES[VERDICTS[j]]
    if totals.verdicts[k, j] == totals.points:
        return code
    return f"{code} {100 * totals.verdicts[k, j] / max(totals.points, 1):.0f}"


def _cell(result: ScenarioShares, treaty: str) -> str:
    """The modal verdict of each applicable reading of ``treaty`` (``NA`` when none)."""
    parts = [_modal(result.totals, k) for k, plan in enumerate(result.plans)
             if plan.treaty == treaty and plan.fixed != "not_applicable"]
    return "/".join(dict.fromkeys(parts)) or VERDICT_CODES["not_applicable"]


def shares_report(results: Sequence[ScenarioShares], description: Sequence[str],
                  provenance: Provenance) -> Report:
    """The matrix of modal verdicts, then every applicable reading's shares."""
    treaties = list(dict.fromkeys(p.treaty for r in results for p in r.plans))
    rows = tuple((t, *(_cell(r, t) for r in results)) for t in treaties)
    legend = ("Scenarios: " + ", ".join(f"{k} = {r.scenario.id}"
                                        for k, r in enumerate(results, start=1)) + ".",
              "Each cell: the most frequent verdict and its share of the draws in percent, "
              "the code alone when every draw gives it ("
              + ", ".join(f"{c} {v.replace('_', ' ')}" for v, c in VERDICT_CODES.items())
              + "); X/Y: several allies or readings.")
    n = results[0].totals.points if results else 0
    matrix = Section(f"Most frequent verdict over {n:,} draws",
                     ("treaty", *(str(k) for k in range(1, len(results) + 1))), rows, legend)
    listed = tuple(
        (str(number), result.scenario.id, plan.treaty, str(plan.ally), plan.reading,
         _shares(result.totals, k),
         f"{100 * int(result.totals.deters[k]) / max(n, 1):.1f}%",
         f"{100 * (n - int(result.totals.challenged[k])) / max(n, 1):.1f}%")
        for number, result in enumerate(results, start=1)
        for k, plan in enumerate(result.plans) if plan.fixed != "not_applicable")
    rejected = ", ".join(f"{k} {100 * r.totals.rejected / max(r.totals.attempted, 1):.1f}%"
                         for k, r in enumerate(results, start=1))
    details = Section("Applicable cells: share of draws per verdict",
                      ("#", "scenario", "treaty", "ally", "reading", "verdicts", "deters",
                       "no challenge"), listed,
                      ("deters: the audience cost deters the challenge (the challenger "
                       "challenges without it and not with it).",
                       f"Monte Carlo standard error of a share p: √(p(1−p)/{n:,}), at most "
                       f"{50 / max(n, 1) ** 0.5:.2g} percentage points.",
                       f"Draws rejected and redrawn for breaking p_I ≤ p_L ≤ p_S or a domain, "
                       f"by scenario (over whole blocks of 2¹⁶): {rejected}."))
    data = {"sweep": list(description), "cells": share_records(results),
            "provenance": provenance.to_json()}
    return Report((matrix, details), data, (*description, provenance.line()))


def shares_csv(results: Sequence[ScenarioShares], description: Sequence[str],
               provenance: Provenance) -> str:
    """CSV: ``# `` comment lines (what was drawn, the provenance), a header, one row per
    reading."""
    return records_csv((*description, provenance.line()), SHARE_FIELDS,
                       share_records(results))
