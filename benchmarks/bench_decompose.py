"""Speed of ``tiedhands decompose --draws``: the batch decomposition against a plain loop of
exact decompositions, measured in one run on the same draws.

Run with ``.venv/bin/python benchmarks/bench_decompose.py`` (about half a minute) or
``--quick`` (a few seconds).  Nothing here asserts a time; the script prints per-draw
costs and their ratio.

* **Case.**  ``us-philippines-1951`` in ``philippine-vessel-armed-attack`` with the
  ``russia-china-2020s`` profile: the audience cost and three channels, so 2⁴ = 16
  combinations of factors are solved at every draw.  Drawn: ``a ~ lognormal(1, 0.5)`` and
  ``c_C ~ uniform(2, 5)``; the rest at the scenario's values with ``c_L = 3``.
* **Batch.**  :func:`analysis.decompose.decompose_draws` on 2¹⁸ draws (four Monte Carlo
  blocks; every combination solved by :class:`games.batch.BatchTree`).
* **Plain loop.**  :func:`analysis.decompose.decompose_point` (exact rationals, the scalar
  SPE solver with certificates) at each of the first draws, one after another.
* **Agreement.**  On those draws the loop's mean margins and deterred shares, per
  combination, equal the batch's on the same draws (to 1e-12 and exactly).
"""

from __future__ import annotations

import argparse
import sys
import time
from fractions import Fraction
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis.batch_verdicts import plan_readings
from analysis.capability import capability_effects, scenario_roles
from analysis.capability_rules import builtin_capability_rules
from analysis.decompose import decompose_draws, decompose_point
from analysis.parameters import resolve
from analysis.rules import builtin_rulebook
from analysis.sampling import parse_distributions
from analysis.sweep import DrawPoints, first_valid_point
from treaties.load import load_profile, load_scenario, load_treaty


def main(quick: bool) -> None:
    """Measure, check agreement and print the table."""
    scenario = load_scenario("philippine-vessel-armed-attack")
    treaty = load_treaty("us-philippines-1951")
    effects = capability_effects(load_profile("russia-china-2020s"), scenario,
                                 builtin_capability_rules(), scenario_roles(scenario, 2))
    distributions = parse_distributions(["a=lognormal(1,0.5)", "c_C=uniform(2,5)"])
    base = resolve(scenario, ["c_L=3"], {name: "drawn" for name in distributions})
    draws = 1 << (16 if quick else 18)
    loop_draws = 50 if quick else 400
    points = DrawPoints(distributions, base.values, 0, draws)
    [plan] = plan_readings([treaty], scenario, 2, rulebook=builtin_rulebook(),
                           base=first_valid_point(points))

    start = time.perf_counter()
    batch = decompose_draws(plan, points, effects)
    batch_seconds = time.perf_counter() - start

    sample = DrawPoints(distributions, base.values, 0, loop_draws)
    values = sample.chunk(0, loop_draws).values
    start = time.perf_counter()
    margins: dict[frozenset[str], list[float]] = {}
    deterred: dict[frozenset[str], int] = {}
    for k in range(loop_draws):
        point = base.replace(a=Fraction(float(values["a"][k])),
                             c_C=Fraction(float(values["c_C"][k])))
        found = decompose_point(plan, point, effects)
        for coalition, outcome in found.outcomes.items():
            margins.setdefault(coalition, []).append(float(outcome.margin))
            deterred[coalition] = deterred.get(coalition, 0) + (not outcome.challenge)
    loop_seconds = time.perf_counter() - start
    check = decompose_draws(plan, sample, effects)
    agree = all(abs(check.mean_margin[c] - float(np.mean(margins[c]))) < 1e-12
                and check.deterred[c] == deterred[c] / loop_draws for c in margins)

    per_batch = batch_seconds / draws * 1e6
    per_loop = loop_seconds / loop_draws * 1e6
    table = Table(title=f"decompose: {len(batch.factors)} factors, "
                        f"{2 ** len(batch.factors)} combinations per draw")
    for column in ("method", "draws", "seconds", "µs per draw", "ratio"):
        table.add_column(column, justify="right" if column != "method" else "left")
    table.add_row("batch (decompose_draws)", f"{draws:,}", f"{batch_seconds:.2f}",
                  f"{per_batch:.2f}", "1×")
    table.add_row("plain loop (decompose_point, exact)", f"{loop_draws:,}",
                  f"{loop_seconds:.2f}", f"{per_loop:,.0f}", f"{per_loop / per_batch:,.0f}×")
    console = Console()
    console.print(table)
    console.print(f"Agreement on the {loop_draws} looped draws: "
                  f"{'every combination equal' if agree else 'DIFFERENT'}.")
    console.print(f"Deterred share, no factor → all: {100 * batch.deterred[frozenset()]:.2f}% "
                  f"→ {100 * batch.deterred[frozenset(batch.factors)]:.2f}%.")
    if not agree:
        raise SystemExit(1)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run of a few seconds")
    main(parser.parse_args().quick)
