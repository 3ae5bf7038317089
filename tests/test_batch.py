"""Differential tests of :mod:`games.batch` (vectorised backward induction at N points).

Oracles, all independent of the batch code:

* **The exact scalar SPE solver** (:func:`games.solvers.spe.subgame_perfect_equilibria`,
  Fractions) on random perfect-information trees whose payoffs are small rationals, so
  that exact ties are common.  At every point the batch's selected profile must be the
  SPE that a bottom-up lexicographic tie rule picks among *all* the scalar SPEs (the
  reference takes the minimum, over the scalar SPEs, of the priority ranks read at the
  decision nodes in reverse pre-order: every node comes after its descendants, so the
  minimum fixes each node's choice once everything below it is fixed), and the
  optimal-action bitmask at every node must be the set of actions whose exact
  continuation value (:func:`games.certificates.node_values` under that SPE) is the
  largest.
* **The analysis layer** (:func:`analysis.verdicts.solve_play`, exact, with its
  documented tie rule) on the canonical deterrence game at 1,000 exact points per set
  of short responses, many of them constructed to be exact ties.
* **A per-point float reference** of the definition (a plain Python loop) on float
  payoffs with near-ties at the edge of the tolerance and mixed scales: the batch
  solver's one-bound-then-recheck shortcut must not change any answer.
* **pure_equilibria** (and pygambit's ``enumpure_solve``) for :func:`pure_nash_mask`.
"""

from __future__ import annotations

import copy
import itertools
import random
import threading
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.models.deterrence import ALLY_NODE, challenger_node, deterrence_game
from analysis.rules import ACTIONS, Action
from analysis.verdicts import solve_play
from games.batch import BatchNormalForm, BatchSolution, BatchTree, pure_nash_mask
from games.certificates import node_values
from games.errors import InputError, UnsupportedGameError
from games.extensive_form import CHANCE, Chance, Decision, ExtensiveFormGame, Outcome, Terminal
from games.normal_form import NormalFormGame
from games.play import unflatten_behaviour
from games.results import Equilibrium
from games.solvers.pure import pure_equilibria
from games.solvers.spe import subgame_perfect_equilibria
from games.symbolic import symbol
from tests.benchmark_scripts import benchmark_module
from tests.strategies import perfect_information_trees, random_tree

F = Fraction
SMALL_RATIONALS = (*(F(k, 2) for k in range(-4, 5)), F(-1, 3), F(1, 3), F(2, 3))
"""Point values: halves in [-2, 2] and a few thirds, so exact ties are frequent."""

MAX_SPES = 4096
"""Points whose tree has more SPEs than this are skipped by the scalar comparison."""


# ----------------------------------------------------------------------------- helpers
def symbolic_copy(game: ExtensiveFormGame) -> tuple[ExtensiveFormGame, list[list[str]]]:
    """The same tree with every outcome payoff a symbol ``u<outcome>_<player>``."""
    names = [[f"u{k:03d}_{p}" for p in range(game.n_players)]
             for k in range(len(game.outcomes))]
    outcomes = tuple(Outcome(tuple(symbol(name) for name in row), o.label)
                     for row, o in zip(names, game.outcomes, strict=True))
    return ExtensiveFormGame(game.players, game.nodes, game.infosets, outcomes), names


def exact_copy(game: ExtensiveFormGame, table: Sequence[Sequence[Fraction]]) -> ExtensiveFormGame:
    """The same tree with outcome *k* paying ``table[k]`` (exact)."""
    outcomes = tuple(Outcome(tuple(row), o.label)
                     for row, o in zip(table, game.outcomes, strict=True))
    return ExtensiveFormGame(game.players, game.nodes, game.infosets, outcomes)


def chosen_actions(game: ExtensiveFormGame, equilibrium: Equilibrium) -> dict[int, int]:
    """The action a pure SPE plays at each decision node."""
    behaviour = unflatten_behaviour(game, equilibrium.profile)
    chosen = {}
    for index, node in enumerate(game.nodes):
        if node.infoset is None or game.infosets[node.infoset].player == CHANCE:
            continue
        [action] = [k for k, p in enumerate(behaviour[node.infoset]) if p == 1]
        chosen[index] = action
    return chosen


def reference_selection(game: ExtensiveFormGame, equilibria: Sequence[Equilibrium],
                        orders: dict[int, tuple[int, ...]]) -> tuple[Equilibrium, dict[int, int]]:
    """The scalar SPE a bottom-up lexicographic tie rule picks, and its actions."""
    decision = [i for i, node in enumerate(game.nodes) if node.infoset is not None
                and game.infosets[node.infoset].player != CHANCE]
    keyed = []
    for equilibrium in equilibria:
        chosen = chosen_actions(game, equilibrium)
        key = tuple(orders[node].index(chosen[node]) for node in reversed(decision))
        keyed.append((key, equilibrium, chosen))
    _, equilibrium, chosen = min(keyed, key=lambda item: item[0])
    return equilibrium, chosen


def random_orders(game: ExtensiveFormGame, rng: random.Random,
                  ) -> dict[int, tuple[int, ...]]:
    """A random priority permutation at every decision node."""
    orders = {}
    for index, node in enumerate(game.nodes):
        if node.infoset is None or game.infosets[node.infoset].player == CHANCE:
            continue
        order = list(range(len(node.children)))
        rng.shuffle(order)
        orders[index] = tuple(order)
    return orders


def check_against_scalar(game: ExtensiveFormGame, tables: Sequence[Sequence[Sequence[Fraction]]],
                         orders: dict[int, tuple[int, ...]]) -> int:
    """Solve all points in one batch and each point exactly; assert agreement.

    Returns the number of points compared (points with too many SPEs are skipped).
    """
    symbolic, names = symbolic_copy(game)
    tree = BatchTree.compile(symbolic)
    params = {name: np.array([float(table[k][p]) for table in tables])
              for k, row in enumerate(names) for p, name in enumerate(row)}
    decision = tree.decision_nodes
    solution = tree.solve(params, priority=orders, record=decision, values=True)
    ties = solution.ties()
    compared = 0
    for i, table in enumerate(tables):
        exact = exact_copy(game, table)
        result = subgame_perfect_equilibria(exact, max_equilibria=MAX_SPES)
        if result.capped:
            continue
        compared += 1
        equilibrium, chosen = reference_selection(exact, result.equilibria, orders)
        # (a) the selected profile is the lexicographic pick among the scalar SPEs
        assert {d: int(solution.selected_at(d)[i]) for d in decision} == chosen, i
        # (b) the optimal set at every node is the exact argmax under that SPE
        behaviour = unflatten_behaviour(exact, equilibrium.profile)
        values = node_values(exact, behaviour)
        for d in decision:
            node = exact.nodes[d]
            player = exact.infosets[node.infoset or 0].player
            own = [values[c][player] for c in node.children]
            expected = sum(1 << j for j, v in enumerate(own) if v == max(own))
            assert int(solution.optimal_at(d)[i]) == expected, (i, d)
            np.testing.assert_allclose(solution.recorded[d][:, i], [float(v) for v in own],
                                       rtol=0, atol=1e-9)
        assert bool(ties[i]) == (len(result.equilibria) > 1), i
        assert solution.values is not None
        np.testing.assert_allclose(solution.values[:, i],
                                   [float(v) for v in equilibrium.payoffs], rtol=0, atol=1e-9)
    return compared


# ----------------------------------------------------------------------------- batch = scalar
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(game=perfect_information_trees(max_players=3, max_depth=4, max_nodes=20, exact=True),
       seed=st.integers(0, 2**32 - 1))
def test_batch_equals_scalar_spe_on_random_trees(game: ExtensiveFormGame, seed: int) -> None:
    rng = random.Random(seed)
    points = 16
    tables = [[[rng.choice(SMALL_RATIONALS) for _ in range(game.n_players)]
               for _ in game.outcomes] for _ in range(points)]
    # A few points keep the tree's own integer payoffs (ties between equal integers).
    tables[0] = [[F(str(v)) for v in o.payoffs] for o in game.outcomes]
    orders = random_orders(game, rng)
    assert check_against_scalar(game, tables, orders) >= points // 2


@pytest.mark.parametrize("seed", range(24))
def test_batch_equals_scalar_spe_with_chance(seed: int) -> None:
    """Seeded trees that surely have chance nodes, default and shuffled priorities."""
    rng = random.Random(seed)
    for _ in range(50):
        game = random_tree(rng, players=1 + seed % 3, max_depth=4, perfect_information=True,
                           chance=True, payoff_range=2, max_nodes=18)
        if any(game.infosets[n.infoset].player == CHANCE
               for n in game.nodes if n.infoset is not None):
            break
    tables = [[[rng.choice(SMALL_RATIONALS) for _ in range(game.n_players)]
               for _ in game.outcomes] for _ in range(12)]
    default = {d: tuple(range(len(game.nodes[d].children)))
               for d in BatchTree.compile(game).decision_nodes}
    assert check_against_scalar(game, tables, default) >= 6
    assert check_against_scalar(game, tables, random_orders(game, rng)) >= 6


# ----------------------------------------------------------------------------- deterrence
SHORT_SETS = (frozenset({"S"}), frozenset({"L", "S"}))
DETERRENCE_POINTS = 1000
PROBABILITIES = (F(0), F(1, 4), F(1, 3), F(1, 2), F(2, 3), F(3, 4), F(1))
MAGNITUDES = (F(0), F(1, 2), F(1), F(3, 2), F(2), F(3), F(4))


def ally_tie_rule(short: frozenset[Action]) -> dict[int, tuple[int, ...]]:
    """The analysis tie rule for the ally: compliant responses first, then I, L, S."""
    return {ALLY_NODE: tuple(sorted(range(3), key=lambda k: (ACTIONS[k] in short, k)))}


def ally_values_at_zero(values: dict[str, Fraction]) -> dict[Action, Fraction]:
    """The ally's value of each response at a_eff = 0 (challenger backs down on a tie)."""
    cost = {"I": values["c_A"], "L": values["c_L"], "S": F(0)}
    result = {}
    for x in ACTIONS:
        p = values[f"p_{x}"]
        presses = p * values["v_C"] - values["c_C"] > -values["b"]
        result[x] = -p * values["v_A"] - cost[x] if presses else F(0)
    return result


def deterrence_point(rng: random.Random, short: frozenset[Action],
                     ) -> tuple[dict[str, Fraction], Fraction]:
    """Exact parameters (p_I <= p_L <= p_S) and a positive a_eff, often at exact ties."""
    p_I, p_L, p_S = sorted(rng.choice(PROBABILITIES) for _ in range(3))
    values = {"p_I": p_I, "p_L": p_L, "p_S": p_S}
    for name in ("v_C", "c_C", "b", "v_A", "c_A", "c_L"):
        values[name] = rng.choice(MAGNITUDES)
    if rng.random() < 0.4:  # the challenger indifferent after X: p_X·v_C − c_C = −b
        x = rng.choice(ACTIONS)
        values["c_C"] = values[f"p_{x}"] * values["v_C"] + values["b"]
    if rng.random() < 0.2:  # the ally indifferent between I and L if pressed after both
        values["c_L"] = values["c_A"] + (values["p_I"] - values["p_L"]) * values["v_A"]
    a_eff = rng.choice(MAGNITUDES[1:])
    if rng.random() < 0.3:  # exactly the threshold: the ally indifferent at a_eff
        u = ally_values_at_zero(values)
        gap = (max(u[x] for x in ACTIONS if x in short)
               - max(u[x] for x in ACTIONS if x not in short))
        if gap > 0:
            a_eff = gap
    return values, a_eff


@pytest.mark.parametrize("short", SHORT_SETS, ids=lambda s: "".join(sorted(s)))
def test_deterrence_batch_equals_solve_play(short: frozenset[Action]) -> None:
    rng = random.Random(20260 + len(short))
    points = [deterrence_point(rng, short) for _ in range(DETERRENCE_POINTS)]
    game = deterrence_game(short)
    tree = BatchTree.compile(game)
    names = [n for n in tree.parameters if n != "a_eff"]
    params = {n: np.array([float(v[n]) for v, _ in points]) for n in names}
    tied = 0
    for label, costs in (("a_eff = 0", [F(0)] * len(points)),
                         ("a_eff > 0", [a for _, a in points])):
        solution = tree.solve({**params, "a_eff": np.array([float(a) for a in costs])},
                              priority=ally_tie_rule(short))
        ties = solution.ties()
        tied += int(ties.sum())
        for i, ((values, _), a_eff) in enumerate(zip(points, costs, strict=True)):
            play = solve_play(game, values, a_eff, short)
            where = f"{label}, point {i}: {values}, a_eff={a_eff}"
            assert ACTIONS[solution.selected_at(ALLY_NODE)[i]] == play.ally_action, where
            assert bool(solution.selected_at(0)[i] == 1) == play.challenge, where
            for x in ACTIONS:
                assert bool(solution.selected_at(challenger_node(x))[i] == 1) == \
                    play.presses_on[x], where
            assert bool(ties[i]) == play.ties, where
    assert tied >= DETERRENCE_POINTS // 4  # ties are exercised, not incidental


# ----------------------------------------------------------------------------- float semantics
def float_reference(game: ExtensiveFormGame, payoffs: npt.NDArray[np.float64],
                    probs: dict[int, npt.NDArray[np.float64]],
                    orders: dict[int, tuple[int, ...]]) -> tuple[dict[int, list[int]],
                                                                dict[int, list[int]]]:
    """The definition, point by point in Python floats: masks and selected actions."""
    n = payoffs.shape[-1]
    terminals = [i for i, node in enumerate(game.nodes) if node.is_terminal]
    masks: dict[int, list[int]] = {}
    chosen: dict[int, list[int]] = {}
    for point in range(n):
        slack = 1e-12 * max(1.0, float(np.abs(payoffs[..., point]).max()))
        value: dict[int, list[float]] = {}
        for index in range(len(game.nodes) - 1, -1, -1):
            node = game.nodes[index]
            if node.infoset is None:
                value[index] = [float(v) for v in payoffs[terminals.index(index), :, point]]
                continue
            player = game.infosets[node.infoset].player
            rows = [value[c] for c in node.children]
            if player == CHANCE:
                total = [0.0] * game.n_players
                for w, row in zip(probs[index][:, point], rows, strict=True):
                    total = [t + float(w) * r for t, r in zip(total, row, strict=True)]
                value[index] = total
                continue
            own = [row[player] for row in rows]
            best = max(own)
            optimal = [j for j, v in enumerate(own) if v >= best - slack]
            pick = next(j for j in orders[index] if j in optimal)
            masks.setdefault(index, []).append(sum(1 << j for j in optimal))
            chosen.setdefault(index, []).append(pick)
            value[index] = rows[pick]
    return masks, chosen


def near_tie_payoffs(rng: np.random.Generator, shape: tuple[int, int, int],
                     mixed_scales: bool) -> npt.NDArray[np.float64]:
    """Small integers times a scale, nudged by multiples of the tolerance around its edge."""
    t, p, n = shape
    scale = 10.0 ** rng.integers(-14, 9, n) if mixed_scales else 10.0 ** rng.integers(-2, 7)
    base = rng.integers(-2, 3, shape).astype(np.float64)
    nudge = rng.choice([0.0, 0.0, 0.5e-12, -0.5e-12, 0.99e-12, 1.01e-12, 2e-12, 1e-11, 1e-9],
                       shape)
    payoffs: npt.NDArray[np.float64] = (base + nudge * 2.0 ** rng.integers(0, 2, shape)) * scale
    plain = rng.random(n) < 0.7  # most points without near-ties, as in a real sweep
    scales = np.broadcast_to(scale, n)[plain]
    payoffs[..., plain] = rng.normal(size=(t, p, int(plain.sum()))) * scales
    return payoffs


@pytest.mark.parametrize("seed", range(16))
def test_float_semantics_match_the_definition(seed: int) -> None:
    rng = np.random.default_rng(seed)
    game = random_tree(random.Random(seed), players=1 + seed % 3, max_depth=4,
                       perfect_information=True, chance=seed % 2 == 0, payoff_range=2)
    tree = BatchTree.compile(game)
    n = 400
    payoffs = near_tie_payoffs(rng, (len(tree.terminals), game.n_players, n),
                               mixed_scales=seed % 4 < 2)
    probs = {}
    for c in tree.chance_nodes:
        w = rng.integers(1, 4, (len(game.nodes[c].children), n)).astype(np.float64)
        probs[c] = w / w.sum(axis=0)
    orders = random_orders(game, random.Random(seed))
    solution = tree.solve_payoffs(payoffs, probs, priority=orders)
    masks, chosen = float_reference(game, payoffs, probs, orders)
    for d in tree.decision_nodes:
        assert solution.optimal_at(d).tolist() == masks[d], d
        assert solution.selected_at(d).tolist() == chosen[d], d


# ----------------------------------------------------------------------------- chunking
def assert_same_solution(whole: BatchSolution, parts: Sequence[BatchSolution]) -> None:
    np.testing.assert_array_equal(whole.optimal, np.concatenate([p.optimal for p in parts], 1))
    np.testing.assert_array_equal(whole.selected,
                                  np.concatenate([p.selected for p in parts], 1))
    np.testing.assert_array_equal(whole.ties(), np.concatenate([p.ties() for p in parts]))
    for node, row in whole.recorded.items():
        np.testing.assert_array_equal(row, np.concatenate([p.recorded[node] for p in parts], 1))
    assert whole.values is not None
    np.testing.assert_array_equal(whole.values, np.concatenate([p.values for p in parts], 1))


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1),
       cuts=st.lists(st.integers(1, 299), max_size=6, unique=True),
       mixed_scales=st.booleans())
def test_chunks_equal_one_solve(seed: int, cuts: list[int], mixed_scales: bool) -> None:
    rng = np.random.default_rng(seed)
    game = random_tree(random.Random(seed), players=1 + seed % 3, max_depth=4,
                       perfect_information=True, chance=seed % 2 == 0, payoff_range=2)
    tree = BatchTree.compile(game)
    n = 300
    payoffs = near_tie_payoffs(rng, (len(tree.terminals), game.n_players, n), mixed_scales)
    probs = {c: np.full((len(game.nodes[c].children), n), 1 / len(game.nodes[c].children))
             for c in tree.chance_nodes}
    orders = random_orders(game, random.Random(seed))
    options: dict[str, Any] = {"priority": orders, "record": tree.decision_nodes,
                               "values": True}
    whole = tree.solve_payoffs(payoffs, probs, **options)
    bounds = [0, *sorted(cuts), n]
    parts = [tree.solve_payoffs(payoffs[..., a:b], {c: w[:, a:b] for c, w in probs.items()},
                                **options) for a, b in itertools.pairwise(bounds)]
    assert_same_solution(whole, parts)


def test_chunks_equal_one_solve_on_the_deterrence_game() -> None:
    """Parameters in, not payoffs: evaluation and solving split at arbitrary points."""
    rng = np.random.default_rng(7)
    tree = BatchTree.compile(deterrence_game({"L", "S"}))
    n = 5000
    params = {name: rng.integers(0, 4, n) / rng.integers(1, 4, n) for name in tree.parameters}
    p = np.sort(rng.random((3, n)), axis=0)
    params.update(p_I=p[0], p_L=p[1], p_S=p[2])
    priority = ally_tie_rule(frozenset({"L", "S"}))
    whole = tree.solve(params, priority=priority, record=(ALLY_NODE,), values=True)
    bounds = [0, 1, 2, 777, 2**12, 4999, n]
    parts = [tree.solve({k: v[a:b] for k, v in params.items()}, priority=priority,
                        record=(ALLY_NODE,), values=True)
             for a, b in itertools.pairwise(bounds)]
    assert_same_solution(whole, parts)
    assert whole.ties().any() and not whole.ties().all()


# ----------------------------------------------------------------------------- normal form
@st.composite
def integer_games(draw: st.DrawFn) -> npt.NDArray[np.float64]:
    """Payoffs ``(P, s_1, ..., s_P, N)`` of 2- or 3-player games, integers in -2..2."""
    players = draw(st.sampled_from([2, 3]))
    shape = tuple(draw(st.integers(1, 4 if players == 2 else 3)) for _ in range(players))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    return rng.integers(-2, 3, (players, *shape, 10)).astype(np.float64)


def pure_profiles(payoffs: npt.NDArray[np.float64], point: int) -> set[tuple[int, ...]]:
    """pure_equilibria's profiles at one point (exact integers)."""
    arrays = [np.vectorize(int, otypes=[object])(a[..., point]) for a in payoffs]
    result = pure_equilibria(NormalFormGame.from_arrays(*arrays))
    return {tuple(s.index(1) for s in eq.profile) for eq in result.equilibria}


@settings(max_examples=60, deadline=None)
@given(payoffs=integer_games())
def test_pure_nash_mask_equals_pure_equilibria(payoffs: npt.NDArray[np.float64]) -> None:
    mask = pure_nash_mask(payoffs)
    assert mask.shape == payoffs.shape[1:]
    for point in range(payoffs.shape[-1]):
        found = {tuple(int(k) for k in cell) for cell in zip(*np.nonzero(mask[..., point]),
                                                            strict=True)}
        assert found == pure_profiles(payoffs, point), point


def test_pure_nash_mask_equals_pygambit_enumpure() -> None:
    gbt = pytest.importorskip("pygambit")
    from tests.gambit_bridge import normal_to_pygambit

    rng = np.random.default_rng(11)
    for shape in ((2, 2), (3, 2), (2, 4), (3, 3), (2, 2, 2), (2, 3, 2)):
        payoffs = rng.integers(-1, 2, (len(shape), *shape, 8)).astype(np.float64)
        mask = pure_nash_mask(payoffs)
        for point in range(payoffs.shape[-1]):
            arrays = [np.vectorize(int, otypes=[object])(a[..., point]) for a in payoffs]
            pg = normal_to_pygambit(NormalFormGame.from_arrays(*arrays))
            theirs = set()
            for eq in gbt.nash.enumpure_solve(pg).equilibria:
                theirs.add(tuple(next(k for k, s in enumerate(player.strategies) if eq[s] == 1)
                                 for player in pg.players))
            ours = {tuple(int(k) for k in c)
                    for c in zip(*np.nonzero(mask[..., point]), strict=True)}
            assert ours == theirs, (shape, point)


def test_batch_normal_form_equals_substituted_games() -> None:
    a, b = symbol("a"), symbol("b")
    game = NormalFormGame.from_arrays(
        np.array([[a, 0], [1, b]], dtype=object), np.array([[1, a], [b, 0]], dtype=object))
    batch = BatchNormalForm.compile(game)
    grid = [F(k, 2) for k in range(-2, 3)]
    points = [(x, y) for x in grid for y in grid]
    mask = batch.pure_equilibria({"a": [float(x) for x, _ in points],
                                  "b": [float(y) for _, y in points]})
    for i, (x, y) in enumerate(points):
        result = pure_equilibria(game.subs({"a": x, "b": y}))
        expected = {tuple(s.index(1) for s in eq.profile) for eq in result.equilibria}
        assert {tuple(int(k) for k in c)
                for c in zip(*np.nonzero(mask[..., i]), strict=True)} == expected, (x, y)


# ----------------------------------------------------------------------------- errors
def entry_game() -> ExtensiveFormGame:
    x = symbol("x")
    return ExtensiveFormGame.from_tree(Decision("E", [
        ("Out", Terminal((0, 2))),
        ("In", Decision("I", [("Fight", Terminal((-1, x))), ("Accommodate", Terminal((1, 1)))])),
    ]), players=["E", "I"])


def test_imperfect_information_is_unsupported() -> None:
    game = ExtensiveFormGame.from_tree(Decision("A", [
        ("U", Decision("B", [("l", Terminal((1, 0))), ("r", Terminal((0, 1)))], infoset="h")),
        ("D", Decision("B", [("l", Terminal((0, 1))), ("r", Terminal((1, 0)))], infoset="h")),
    ]), players=["A", "B"])
    with pytest.raises(UnsupportedGameError, match="perfect information"):
        BatchTree.compile(game)


def test_missing_parameter() -> None:
    with pytest.raises(InputError, match="no values for x"):
        BatchTree.compile(entry_game()).solve({"y": [1.0]})


def test_mismatched_lengths() -> None:
    x, y = symbol("x"), symbol("y")
    two = BatchTree.compile(ExtensiveFormGame.from_tree(
        Decision("A", [("l", Terminal((x,))), ("r", Terminal((y,)))]), players=["A"]))
    with pytest.raises(InputError, match="different shapes"):
        two.solve({"x": [1.0, 2.0], "y": [1.0, 2.0, 3.0]})
    with pytest.raises(InputError, match="size"):
        two.solve({"x": [1.0, 2.0], "y": 1.0}, size=3)


def test_nan_payoff_names_the_point() -> None:
    tree = BatchTree.compile(entry_game())
    with pytest.raises(InputError, match="not finite at point 2"):
        tree.solve({"x": [0.0, 1.0, np.nan, 3.0]})
    with pytest.raises(InputError, match="not finite at point 1"):
        pure_nash_mask(np.array([[[1.0, np.inf]]]))


def test_chance_probabilities_checked_at_every_point() -> None:
    p, q = symbol("p"), symbol("q")
    game = ExtensiveFormGame.from_tree(Chance([
        ("a", p, Decision("A", [("x", Terminal((1,))), ("y", Terminal((0,)))])),
        ("b", q, Terminal((2,))),
    ]), players=["A"])
    tree = BatchTree.compile(game)
    fine = tree.solve({"p": [0.25, 0.5], "q": [0.75, 0.5]}, values=True)
    assert fine.values is not None
    np.testing.assert_allclose(fine.values[0], [1.75, 1.5])
    with pytest.raises(InputError, match="at point 1"):
        tree.solve({"p": [0.25, 0.5, 0.5], "q": [0.75, 0.6, 0.5]})
    with pytest.raises(InputError, match="at point 0"):
        tree.solve({"p": [-0.5], "q": [1.5]})


def test_bad_priority_and_record() -> None:
    tree = BatchTree.compile(entry_game())
    params = {"x": [0.0, 1.0]}
    with pytest.raises(InputError, match="permutation"):
        tree.solve(params, priority={2: (0, 0)})
    with pytest.raises(InputError, match="permutation"):
        tree.solve(params, priority={2: (0, 1, 2)})
    with pytest.raises(InputError, match="not a decision node"):
        tree.solve(params, priority={1: (0,)})
    with pytest.raises(InputError, match="not a decision node"):
        tree.solve(params, priority={99: (0, 1)})
    with pytest.raises(InputError, match="not a decision node"):
        tree.solve(params, record=(3,))
    with pytest.raises(InputError, match="payoff array of shape"):
        tree.solve_payoffs(np.zeros((2, 2, 5)))
    with pytest.raises(InputError, match="not a decision node"):
        tree.solve(params).selected_at(1)


def test_values_and_priority_on_a_small_game() -> None:
    """Entry deterrence: the incumbent is indifferent at x = 1; priority picks the reply."""
    tree = BatchTree.compile(entry_game())
    x = np.array([0.0, 1.0, 2.0])
    default = tree.solve({"x": x}, values=True)
    assert default.selected_at(2).tolist() == [1, 0, 0]
    assert default.optimal_at(2).tolist() == [2, 3, 1]
    assert default.ties().tolist() == [False, True, False]
    assert default.values is not None
    assert default.values.tolist() == [[1.0, 0.0, 0.0], [1.0, 2.0, 2.0]]
    flipped = tree.solve({"x": x}, priority={2: (1, 0)}, values=True)
    assert flipped.selected_at(2).tolist() == [1, 1, 0]
    assert flipped.values is not None
    assert flipped.values.tolist() == [[1.0, 1.0, 0.0], [1.0, 1.0, 2.0]]


def test_repeated_solves_reuse_scratch_without_aliasing() -> None:
    """Results of one solve are untouched by the next (scratch arrays are reused)."""
    tree = BatchTree.compile(deterrence_game({"S"}))
    rng = np.random.default_rng(3)
    first_params = {n: rng.random(64) for n in tree.parameters}
    first = tree.solve(first_params, record=(ALLY_NODE,), values=True)
    copies = (first.optimal.copy(), first.selected.copy(), first.recorded[ALLY_NODE].copy())
    assert first.values is not None
    values = first.values.copy()
    for _ in range(3):
        tree.solve({n: rng.random(64) for n in tree.parameters}, record=(ALLY_NODE,),
                   values=True)
    np.testing.assert_array_equal(first.optimal, copies[0])
    np.testing.assert_array_equal(first.selected, copies[1])
    np.testing.assert_array_equal(first.recorded[ALLY_NODE], copies[2])
    np.testing.assert_array_equal(first.values, values)
    again = tree.solve(first_params, record=(ALLY_NODE,), values=True)
    np.testing.assert_array_equal(again.selected, first.selected)


def test_threads_and_copies_have_their_own_scratch() -> None:
    """Concurrent solves on one tree (one scratch pool per thread) equal serial ones."""
    tree = BatchTree.compile(deterrence_game({"L", "S"}))
    rng = np.random.default_rng(5)
    batches = [{n: rng.integers(0, 4, 3000) / 2 for n in tree.parameters} for _ in range(4)]
    serial = [tree.solve(p, values=True).selected for p in batches]
    results: dict[int, list[npt.NDArray[Any]]] = {}

    def work(k: int) -> None:
        results[k] = [tree.solve(batches[(k + r) % 4], values=True).selected
                      for r in range(12)]

    threads = [threading.Thread(target=work, args=(k,)) for k in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for k, found in results.items():
        for r, selected in enumerate(found):
            np.testing.assert_array_equal(selected, serial[(k + r) % 4])
    twin = copy.deepcopy(tree)
    np.testing.assert_array_equal(twin.solve(batches[0], values=True).selected, serial[0])


def test_huge_payoffs_fall_back_to_the_exact_slack() -> None:
    """Squares overflow the one-pass bound; the per-point slack is then used throughout."""
    tree = BatchTree.compile(entry_game())
    payoffs = tree.payoffs({"x": np.zeros(4)})
    payoffs[2, 1] = 1e200  # accommodate
    payoffs[1, 1] = [1e200, 1e200 * (1 - 1e-13), 1e200 * (1 - 1e-11), -1e200]  # fight
    solution = tree.solve_payoffs(payoffs)
    assert solution.optimal_at(2).tolist() == [3, 3, 2, 2]
    assert solution.selected_at(2).tolist() == [0, 0, 1, 1]


def test_symbolic_expression_is_evaluated_like_sympy() -> None:
    """Lambdified payoffs agree with sympy's own substitution."""
    x = symbol("x")
    game = ExtensiveFormGame.from_tree(Decision("A", [
        ("l", Terminal((sympy.Rational(1, 3) * x**2 - 1,))), ("r", Terminal((x / 7,)))]),
        players=["A"])
    tree = BatchTree.compile(game)
    grid = np.linspace(-3, 3, 13)
    payoffs = tree.payoffs({"x": grid})
    for k, value in enumerate(grid):
        exact = game.subs({"x": F(value).limit_denominator(10)})
        assert payoffs[:, 0, k].tolist() == pytest.approx(
            [float(exact.node_payoffs[t][0]) for t in tree.terminals])


# ----------------------------------------------------------------------------- benchmark smoke
def test_benchmark_quick_run(capsys: pytest.CaptureFixture[str]) -> None:
    """``benchmarks/bench_batch.py --quick`` runs end to end (so the script cannot rot)."""
    with benchmark_module("bench_batch") as module:
        report = module.main(["--quick"])
    out = capsys.readouterr().out
    assert "pygambit" in out and "floor" in out and "agree" in out
    for sample in (report["agreement"], report["tie_heavy"]):
        assert sample.scalar == sample.points and sample.gambit == sample.points
    assert report["tie_heavy"].ties > 0
    assert 0 < report["rss"]["maxrss_bytes"] < 2**30
