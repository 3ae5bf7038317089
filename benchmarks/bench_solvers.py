"""Speed of the exact solvers against pygambit and nashpy, measured in the same run.

Reports medians per game and ratios (never asserted anywhere: this machine is shared
and noisy).  Run with ``make bench`` or ``.venv/bin/python benchmarks/bench_solvers.py``.

* Strategic form: all extreme equilibria of random bimatrix games, ours (exact
  rationals) against pygambit's ``enummixed_solve(rational=True)`` (the same
  answer) and nashpy's support and vertex enumeration (floats, may miss
  equilibria on degenerate games).
* Trees: subgame-perfect equilibria of an extended-deterrence tree by backward
  induction, against pygambit's pure equilibria of the reduced strategic form
  (the nearest thing it computes; it has no SPE solver since 16.5) and a plain
  Python loop that hard-codes the same backward induction.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.progress import track
from rich.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from games import Decision, ExtensiveFormGame, NormalFormGame, Terminal
from games.solvers.enummixed import extreme_equilibria
from games.solvers.spe import subgame_perfect_equilibria
from tests.gambit_bridge import normal_to_pygambit, tree_to_pygambit

REPEATS = 7
F = Fraction


def median_seconds(function: Callable[[], object], repeats: int = REPEATS) -> float:
    """Median wall time of ``function`` over ``repeats`` calls, after one warm-up."""
    function()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def random_game(rng: np.random.Generator, size: int, integer: bool) -> NormalFormGame:
    """A size x size bimatrix game: integers in {-2..2} (degenerate) or rounded floats."""
    if integer:
        a, b = rng.integers(-2, 3, (2, size, size))
        return NormalFormGame.from_arrays(a, b)
    a, b = np.round(rng.normal(size=(2, size, size)), 3)
    return NormalFormGame.from_arrays(a, b)


def deterrence_tree(a: Fraction) -> ExtensiveFormGame:
    """The extended-deterrence tree of docs/examples with audience cost ``a``."""
    return ExtensiveFormGame.from_tree(
        Decision("Challenger", [
            ("Challenge", Decision("Ally", [
                ("Intervene", Decision("Challenger", [("Fight", Terminal((-1, -2))),
                                                      ("Back down", Terminal((F(-1, 2), 1)))])),
                ("Abstain", Decision("Challenger", [("Fight", Terminal((2, -a - 1))),
                                                    ("Back down", Terminal((F(-1, 2), -a)))])),
            ])),
            ("Status quo", Terminal((0, 0))),
        ]),
        players=["Challenger", "Ally"])


def plain_loop(a: Fraction) -> tuple[Fraction, Fraction]:
    """Backward induction of the same tree, written out by hand."""
    after_intervene = max(((F(-1), F(-2)), (F(-1, 2), F(1))), key=lambda v: v[0])
    after_abstain = max(((F(2), -a - 1), (F(-1, 2), -a)), key=lambda v: v[0])
    ally = max((after_intervene, after_abstain), key=lambda v: v[1])
    return max((ally, (F(0), F(0))), key=lambda v: v[0])


def main() -> None:
    import nashpy
    import pygambit

    console = Console(width=120)
    rng = np.random.default_rng(2026)
    table = Table(title="All extreme equilibria, median ms per game (ratios: theirs / ours)")
    for column in ("game", "ours exact", "pygambit enummixed", "ratio", "nashpy support",
                   "ratio", "nashpy vertex", "ratio"):
        table.add_column(column, justify="right")
    cases = [(size, integer) for size in (2, 3, 4, 5) for integer in (True, False)]
    for size, integer in track(cases, description="strategic-form games", console=console):
        games = [random_game(rng, size, integer) for _ in range(5)]
        ours = statistics.median(median_seconds(lambda g=g: extreme_equilibria(g), 3)
                                 for g in games)
        gambit_games = [normal_to_pygambit(g) for g in games]
        theirs = statistics.median(
            median_seconds(lambda g=g: pygambit.nash.enummixed_solve(g, rational=True), 3)
            for g in gambit_games)
        floats = [tuple(np.asarray(a, dtype=float) for a in g.to_float().payoffs)
                  for g in games]
        support = statistics.median(
            median_seconds(lambda f=f: list(nashpy.Game(*f).support_enumeration()), 3)
            for f in floats)
        vertex = statistics.median(
            median_seconds(lambda f=f: list(nashpy.Game(*f).vertex_enumeration()), 3)
            for f in floats)
        label = f"{size}x{size} {'integer' if integer else 'float'}"
        table.add_row(label, f"{ours * 1e3:.2f}", f"{theirs * 1e3:.2f}", f"{theirs / ours:.1f}",
                      f"{support * 1e3:.2f}", f"{support / ours:.1f}",
                      f"{vertex * 1e3:.2f}", f"{vertex / ours:.1f}")
    console.print(table)

    trees = Table(title="Extended-deterrence tree, median µs per solve (ratios: theirs / ours)")
    for column in ("solver", "µs", "ratio to ours"):
        trees.add_column(column, justify="right")
    a = Fraction(3, 2)
    ours = median_seconds(lambda: subgame_perfect_equilibria(deterrence_tree(a)), 201)
    gambit = median_seconds(
        lambda: pygambit.nash.enumpure_solve(tree_to_pygambit(deterrence_tree(a))), 201)
    loop = median_seconds(lambda: plain_loop(a), 2001)
    trees.add_row("ours: build + all SPE, certified", f"{ours * 1e6:.0f}", "1.0")
    trees.add_row("pygambit: build + enumpure (Nash, not SPE)", f"{gambit * 1e6:.0f}",
                  f"{gambit / ours:.2f}")
    trees.add_row("plain loop: hand-written backward induction", f"{loop * 1e6:.1f}",
                  f"{loop / ours:.3f}")
    console.print(trees)


if __name__ == "__main__":
    main()
