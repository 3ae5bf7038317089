"""Speed of the batch solver (:mod:`games.batch`) against the scalar exact solver,
pygambit and nashpy, all measured in one run on the canonical deterrence game.

Run with ``.venv/bin/python benchmarks/bench_batch.py`` (about two minutes: nashpy's
vertex enumeration takes ~70 ms a game) or ``--quick`` (a smoke run of a few seconds:
10⁵ points, 100 samples, 10 for nashpy).  Nothing here asserts a time: the machine is
shared and noisy, so the script prints medians/totals, ratios and the targets they are
read against.

* **Game.**  ``deterrence_game({"L", "S"})`` (7 terminals, 2 players, 5 decision
  nodes), the analysis tie rule as priorities.  Parameters are drawn uniformly
  (``p_I ≤ p_L ≤ p_S`` sorted from U[0, 1]; values and costs from U[0, 4] or U[0, 2])
  and rounded to multiples of 1/1024, so that the float payoffs are exact and the
  exact solvers see the very same game.
* **Batch.**  10⁶ and 10⁷ points in chunks of 2¹⁶: per chunk, draw → evaluate the
  payoffs (``BatchTree.payoffs``) → solve (``solve_payoffs``) → the *floor*, one
  ``np.copyto`` of the same payoff array into a preallocated buffer.  Reported per
  game: solve only, evaluate + solve, floor.
* **Alternatives, on a sample of the same draws.**  The scalar exact path
  (``analysis.verdicts.solve_play``: substitute, every SPE with certificates, tie
  rule; and ``subgame_perfect_equilibria`` alone); pygambit building the tree and
  running ``enumpure_solve``; nashpy's ``vertex_enumeration`` on the reduced strategic
  form (``games.strategic.reduced_strategic_form``, two float matrices).
* **Agreement, on the sample.**  The batch SPE equals the scalar one (ally action,
  challenge, replies, ties), and its image in the reduced strategic form (one reduced
  strategy per player) is among pygambit's pure equilibria and among nashpy's
  vertex-enumeration equilibria (nashpy can miss equilibria of degenerate games; the
  misses are counted, not fatal).
* **Memory.**  The peak RSS (``ru_maxrss``) of a fresh subprocess running the 10⁷-point
  chunked sweep (draw, evaluate, solve, keep totals), next to the peak of one that only
  imports the same modules.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from rich.console import Console
from rich.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis.models.deterrence import ALLY_NODE, challenger_node, deterrence_game, numeric_game
from analysis.rules import ACTIONS, Action
from analysis.verdicts import solve_play
from games.batch import BatchSolution, BatchTree
from games.extensive_form import ExtensiveFormGame
from games.solvers.spe import subgame_perfect_equilibria
from games.strategic import reduced_strategic_form, reduced_strategies

SHORT: frozenset[Action] = frozenset({"L", "S"})
CHUNK = 2**16
GRID = 1024
"""Draws are rounded to multiples of 1/GRID (exact floats, exact products)."""
COARSE = 4
"""The tie-heavy agreement sample: every parameter a multiple of 1/4."""

UPPER = {"v_C": 4.0, "c_C": 2.0, "b": 2.0, "v_A": 4.0, "c_A": 2.0, "c_L": 1.0, "a_eff": 2.0}
TARGETS = {"pygambit": 5000.0, "floor": 5.0, "rss": 2.0**30}

FloatArray = npt.NDArray[np.float64]


def draw(seed: int, n: int, grid: int = GRID) -> dict[str, FloatArray]:
    """``n`` parameter points from the generator of ``seed`` (one per chunk), on a grid."""
    rng = np.random.default_rng(seed)
    p = np.sort(np.round(rng.random((3, n)) * grid) / grid, axis=0)
    params = {"p_I": p[0], "p_L": p[1], "p_S": p[2]}
    for name, upper in UPPER.items():
        params[name] = np.round(rng.random(n) * upper * grid) / grid
    return params


def tie_rule() -> dict[int, tuple[int, ...]]:
    """The analysis tie rule: an indifferent ally prefers compliant responses, then I, L, S."""
    return {ALLY_NODE: tuple(sorted(range(3), key=lambda k: (ACTIONS[k] in SHORT, k)))}


# ----------------------------------------------------------------------------- batch
@dataclass
class BatchTiming:
    """Seconds spent in each step of a chunked sweep of ``points`` points."""

    points: int
    draw: float = 0.0
    evaluate: float = 0.0
    solve: float = 0.0
    floor: float = 0.0

    def per_game(self, seconds: float) -> float:
        """Nanoseconds per game."""
        return seconds / self.points * 1e9


def time_batch(tree: BatchTree, points: int) -> BatchTiming:
    """Draw, evaluate, solve and copy ``points`` points in chunks of 2¹⁶ (timed apart)."""
    timing = BatchTiming(points)
    priority = tie_rule()
    buffer = np.zeros((len(tree.terminals), tree.game.n_players, CHUNK))
    warm = tree.payoffs(draw(10**6, CHUNK))
    tree.solve_payoffs(warm, priority=priority)  # warm-up: the solver's scratch arrays
    np.copyto(buffer, warm)  # and the floor's buffer (its pages faulted in)
    for k, start in enumerate(range(0, points, CHUNK)):
        n = min(CHUNK, points - start)
        t0 = time.perf_counter()
        params = draw(k, n)
        t1 = time.perf_counter()
        payoffs = tree.payoffs(params)
        t2 = time.perf_counter()
        tree.solve_payoffs(payoffs, priority=priority)
        t3 = time.perf_counter()
        np.copyto(buffer[..., :n], payoffs)
        t4 = time.perf_counter()
        timing.draw += t1 - t0
        timing.evaluate += t2 - t1
        timing.solve += t3 - t2
        timing.floor += t4 - t3
    return timing


def rss_sweep(points: int) -> dict[str, Any]:
    """The chunked sweep alone (run in a fresh process): totals and peak RSS.

    ``maxrss_bytes`` is the process's peak, imports included; ``sweep_peak_bytes`` the
    peak since just before the sweep (Linux: writing 5 to ``/proc/self/clear_refs``
    resets ``VmHWM``), or None where that is not available.
    """
    tree = BatchTree.compile(deterrence_game(SHORT))
    priority = tie_rule()
    try:
        Path("/proc/self/clear_refs").write_text("5")
        reset = True
    except OSError:
        reset = False
    challenges = ties = 0
    start = time.perf_counter()
    for k, first in enumerate(range(0, points, CHUNK)):
        solution = tree.solve(draw(k, min(CHUNK, points - first)), priority=priority)
        challenges += int(np.count_nonzero(solution.selected_at(0)))
        ties += int(np.count_nonzero(solution.ties()))
    seconds = time.perf_counter() - start
    sweep_peak = None
    if reset:
        status = Path("/proc/self/status").read_text().splitlines()
        sweep_peak = int(next(x for x in status if x.startswith("VmHWM:")).split()[1]) * 1024
    return {"points": points, "challenges": challenges, "ties": ties, "seconds": seconds,
            "maxrss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
            "sweep_peak_bytes": sweep_peak}


def peak_rss(points: int) -> dict[str, Any]:
    """Run :func:`rss_sweep` in a fresh interpreter and read its report."""
    done = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--rss-sweep",
                           str(points)], capture_output=True, text=True, check=True)
    report: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return report


# ----------------------------------------------------------------------------- samples
@dataclass
class Sample:
    """Sample points as exact games, and the batch solution there."""

    values: list[dict[str, Fraction]]
    a_eff: list[Fraction]
    games: list[ExtensiveFormGame]
    solution: BatchSolution


def sample(tree: BatchTree, size: int, grid: int = GRID, seed: int = 0) -> Sample:
    """``size`` draws (seed 0 is the sweep's first chunk), exact and batch-solved."""
    params = draw(seed, size, grid)
    values = [{name: Fraction(float(params[name][i])) for name in params if name != "a_eff"}
              for i in range(size)]
    costs = [Fraction(float(a)) for a in params["a_eff"]]
    games = [numeric_game(tree.game, v, a) for v, a in zip(values, costs, strict=True)]
    return Sample(values, costs, games, tree.solve(params, priority=tie_rule()))


def per_game(function: Any, items: Sequence[Any]) -> tuple[float, list[Any]]:
    """Seconds per item of ``function`` over ``items`` (after one warm-up call), and results."""
    function(items[0])
    start = time.perf_counter()
    results = [function(item) for item in items]
    return (time.perf_counter() - start) / len(items), results


def selected_labels(game: ExtensiveFormGame, solution: BatchSolution,
                    point: int) -> tuple[str, ...]:
    """The reduced strategy (Gambit's label) of each player in the batch profile at ``point``."""
    chosen = {game.nodes[d].infoset: int(solution.selected_at(d)[point])
              for d in solution.decision_nodes}
    labels = []
    for player in range(game.n_players):
        [label] = [s.label for s in reduced_strategies(game, player)
                   if all(chosen[h] == a for h, a in s.choices)]
        labels.append(label)
    return tuple(labels)


def gambit_solve(game: ExtensiveFormGame) -> Any:
    """pygambit: build the tree, then all pure equilibria of its reduced strategic form."""
    import pygambit as gbt

    from tests.gambit_bridge import tree_to_pygambit

    built = tree_to_pygambit(game)
    return built, gbt.nash.enumpure_solve(built)


def gambit_labels(solved: Any) -> set[tuple[str, ...]]:
    """The pure equilibria of ``enumpure_solve`` as reduced-strategy labels."""
    built, result = solved
    return {tuple(next(s.label for s in player.strategies if eq[s] == 1)
                  for player in built.players) for eq in result.equilibria}


def strategic_matrices(game: ExtensiveFormGame,
                       ) -> tuple[FloatArray, FloatArray, tuple[tuple[str, ...], ...]]:
    """The reduced strategic form as two float matrices, with the strategy labels."""
    normal, _ = reduced_strategic_form(game)
    a, b = (np.asarray(x, dtype=np.float64) for x in normal.payoffs)
    return a, b, normal.strategies


def nashpy_vertex(matrices: tuple[FloatArray, FloatArray, Any]) -> list[Any]:
    """nashpy's vertex enumeration, every equilibrium (warnings on degenerate games muted)."""
    import nashpy

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return list(nashpy.Game(matrices[0], matrices[1]).vertex_enumeration())


@dataclass
class Agreement:
    """On how many sample points each oracle agrees with the batch."""

    points: int
    ties: int
    scalar: int
    gambit: int
    nashpy: int
    nashpy_points: int


def check_sample(tree: BatchTree, drawn: Sample,
                 nashpy_points: int) -> tuple[Agreement, dict[str, float]]:
    """Solve a sample with every oracle: the agreement counts and seconds per game."""
    size = len(drawn.games)
    scalar_s, plays = per_game(lambda i: solve_play(tree.game, drawn.values[i], drawn.a_eff[i],
                                                    SHORT), range(size))
    spe_s, _ = per_game(subgame_perfect_equilibria, drawn.games)
    gambit_s, solved = per_game(gambit_solve, drawn.games)
    matrices = [strategic_matrices(g) for g in drawn.games[:nashpy_points]]
    nashpy_s, vertex = per_game(nashpy_vertex, matrices)

    solution = drawn.solution
    ties = solution.ties()
    scalar = 0
    for i, play in enumerate(plays):
        scalar += int(
            ACTIONS[solution.selected_at(ALLY_NODE)[i]] == play.ally_action
            and bool(solution.selected_at(0)[i] == 1) == play.challenge
            and all(bool(solution.selected_at(challenger_node(x))[i] == 1) == play.presses_on[x]
                    for x in ACTIONS)
            and bool(ties[i]) == play.ties)
    labels = [selected_labels(g, solution, i) for i, g in enumerate(drawn.games)]
    gambit = sum(label in gambit_labels(s) for label, s in zip(labels, solved, strict=True))
    nashpy = 0
    for (_, _, strategies), found, label in zip(matrices, vertex, labels, strict=False):
        row = np.eye(len(strategies[0]))[strategies[0].index(label[0])]
        column = np.eye(len(strategies[1]))[strategies[1].index(label[1])]
        nashpy += any(np.allclose(r, row) and np.allclose(c, column) for r, c in found)
    seconds = {"scalar": scalar_s, "spe": spe_s, "gambit": gambit_s, "nashpy": nashpy_s}
    return Agreement(size, int(ties.sum()), scalar, gambit, nashpy, len(matrices)), seconds


# ----------------------------------------------------------------------------- report
def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    """Run the benchmark and print its tables; return the numbers (for the smoke test)."""
    parser = argparse.ArgumentParser(description="Batch solver benchmark (see the module).")
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: 10^5 points, 100 samples (10 for nashpy)")
    parser.add_argument("--rss-sweep", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.rss_sweep is not None:
        print(json.dumps(rss_sweep(args.rss_sweep)))
        return {}
    sizes = (10**5,) if args.quick else (10**6, 10**7)
    samples = 100 if args.quick else 1000
    nashpy_samples = 10 if args.quick else samples
    console = Console(width=120)

    tree = BatchTree.compile(deterrence_game(SHORT))
    timings = [time_batch(tree, n) for n in sizes]
    batch = timings[-1]
    solve_ns, full_ns = batch.per_game(batch.solve), batch.per_game(batch.evaluate + batch.solve)
    floor_ns = batch.per_game(batch.floor)
    table = Table(title="Batch solver, deterrence_game({L, S}), chunks of 2^16: ns per game")
    for column in ("points", "draw", "evaluate + solve", "solve only", "floor (np.copyto)",
                   "solve ÷ floor"):
        table.add_column(column, justify="right")
    for t in timings:
        table.add_row(f"{t.points:,}", f"{t.per_game(t.draw):.1f}",
                      f"{t.per_game(t.evaluate + t.solve):.1f}", f"{t.per_game(t.solve):.1f}",
                      f"{t.per_game(t.floor):.1f}", f"{t.solve / t.floor:.2f}")
    console.print(table)

    # ------------------------------------------------------------------ alternatives
    found, seconds = check_sample(tree, sample(tree, samples), nashpy_samples)
    tied, _ = check_sample(tree, sample(tree, samples, COARSE, seed=1), nashpy_samples)
    costs = Table(title=f"Per game on the sample ({samples:,} points; nashpy {nashpy_samples:,})"
                        f", ratios to the batch at {batch.points:,} points")
    for column in ("solver", "µs per game", "÷ batch solve only", "÷ batch evaluate + solve"):
        costs.add_column(column, justify="right")
    rows = [("batch: solve only", solve_ns / 1e3), ("batch: evaluate + solve", full_ns / 1e3),
            ("floor: one np.copyto of the payoffs", floor_ns / 1e3),
            ("scalar exact: solve_play (subs, all SPEs, tie rule)", seconds["scalar"] * 1e6),
            ("scalar exact: subgame_perfect_equilibria only", seconds["spe"] * 1e6),
            ("pygambit: build tree + enumpure_solve", seconds["gambit"] * 1e6),
            ("nashpy: vertex_enumeration, reduced strategic form", seconds["nashpy"] * 1e6)]
    for label, micro in rows:
        costs.add_row(label, f"{micro:,.3f}", f"{micro * 1e3 / solve_ns:,.1f}",
                      f"{micro * 1e3 / full_ns:,.1f}")
    console.print(costs)

    # ------------------------------------------------------------------ agreement
    agree = Table(title=f"Do the answers agree with the batch SPE? (sample on the 1/{GRID} "
                        f"grid; tie-heavy sample on the 1/{COARSE} grid)")
    for column in ("check", "agree", "of", "agree, tie-heavy", "of"):
        agree.add_column(column, justify="right")
    for label, name, total in (
            ("scalar exact SPE (solve_play: play and ties flag)", "scalar", "points"),
            ("its profile is among pygambit's enumpure equilibria", "gambit", "points"),
            ("... among nashpy's vertex enumeration (a miss is nashpy's)", "nashpy",
             "nashpy_points"),
            ("points with ties (several SPEs)", "ties", "points")):
        agree.add_row(label, *(f"{getattr(a, key):,}" for a in (found, tied)
                               for key in (name, total)))
    console.print(agree)

    # ------------------------------------------------------------------ memory and targets
    rss = peak_rss(sizes[-1])
    baseline = peak_rss(0)
    gambit_ratio = seconds["gambit"] * 1e9 / solve_ns
    targets = Table(title="Targets (read, never asserted)")
    for column in ("measure", "value", "target", "met"):
        targets.add_column(column, justify="right")
    checks: list[tuple[str, str, str, bool | None]] = [
        ("pygambit ÷ batch (solve only)", f"{gambit_ratio:,.0f}×", "≥ 5,000×",
         gambit_ratio >= TARGETS["pygambit"]),
        ("pygambit ÷ batch (evaluate + solve)", f"{seconds['gambit'] * 1e9 / full_ns:,.0f}×",
         "—", None),
        ("batch solve ÷ floor", f"{solve_ns / floor_ns:.2f}×", "≤ 5×",
         solve_ns / floor_ns <= TARGETS["floor"]),
        ("scalar solve_play ÷ batch (solve only)",
         f"{seconds['scalar'] * 1e9 / solve_ns:,.0f}×", "—", None),
        ("nashpy vertex ÷ batch (solve only)", f"{seconds['nashpy'] * 1e9 / solve_ns:,.0f}×",
         "—", None),
        (f"peak RSS, {rss['points']:,}-point chunked sweep (fresh process, "
         f"{rss['seconds']:.1f} s)", f"{rss['maxrss_bytes'] / 2**20:,.0f} MiB", "< 1 GiB",
         rss["maxrss_bytes"] < TARGETS["rss"]),
        ("peak RSS, same process with no points", f"{baseline['maxrss_bytes'] / 2**20:,.0f} MiB",
         "—", None),
    ]
    if rss["sweep_peak_bytes"] is not None:
        checks.append(("peak RSS during the sweep itself (VmHWM reset after imports)",
                       f"{rss['sweep_peak_bytes'] / 2**20:,.0f} MiB", "—", None))
    for label, value, target, met in checks:
        targets.add_row(label, value, target, "—" if met is None else ("yes" if met else "NO"))
    console.print(targets)
    return {"timings": timings, "agreement": found, "tie_heavy": tied, "rss": rss,
            "baseline_rss": baseline}


if __name__ == "__main__":
    main()
