"""Differential tests of :func:`games.solvers.spe.subgame_perfect_equilibria` on random trees.

Two independent oracles:

* **Brute force** (perfect-information trees).  Every pure behaviour profile (one
  action per decision node) is enumerated, expected payoffs are computed at every
  node by walking the tree, and a profile is kept when, at every subgame root (in
  perfect information: every decision and chance node), no player gains by
  switching to any other pure behaviour within that subgame.  The deviations are
  enumerated too: two profiles are deviations of each other for player *i* in the
  subgame at *r* when they agree everywhere except at *i*'s nodes below *r*, so a
  profile passes at ``(r, i)`` iff its value to *i* at *r* is the largest within its
  class.  Nothing here uses :mod:`games.certificates` or :mod:`games.solvers`.
* **pygambit 16.7** (:mod:`tests.gambit_bridge` builds the same tree): every
  subgame-perfect equilibrium is a Nash equilibrium of the reduced strategic form,
  so each pure SPE must be among ``enumpure_solve``'s equilibria, and every SPE
  must have ``MixedBehaviorProfile.max_regret() == 0``; subgame roots must be
  pygambit's (``Node.is_subgame_root``); for two players,
  ``enummixed_solve(rational=True)`` gives the payoff vectors of all extreme
  equilibria, which our ``--all`` path must reproduce.

The trees come from :func:`tests.strategies.random_tree`; a failing case names its
seed in the test id and :func:`pi_tree` / :func:`imperfect_tree` rebuild it.
"""

from __future__ import annotations

import functools
import itertools
import math
import random
from collections import defaultdict
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import pytest

from games.certificates import behaviour_regrets, subgame_perfect_regret
from games.extensive_form import CHANCE, ExtensiveFormGame
from games.numbers import Payoff
from games.play import unflatten_behaviour
from games.results import SolverResult, TiedChoice
from games.solve import solve_tree
from games.solvers.spe import subgame_perfect_equilibria
from games.strategic import reduced_strategies
from games.subgames import subgame_roots
from tests.strategies import random_tree

pygambit = pytest.importorskip("pygambit")

from tests.gambit_bridge import (  # noqa: E402
    pure_equilibria_by_label,
    pygambit_nodes,
    rational,
    tree_to_pygambit,
)

F = Fraction
PI_SEEDS = range(300)
IMPERFECT_SEEDS = range(150)
MAX_PURE_PROFILES = 2000
"""Brute force enumerates at most this many pure behaviour profiles per tree."""

FlatProfile = tuple[tuple[Fraction, ...], ...]


# ----------------------------------------------------------------------------- trees
def pi_tree(seed: int) -> ExtensiveFormGame:
    """The perfect-information tree of ``seed``: 1-3 players, chance in every other seed.

    ``players = 1 + seed % 3`` and ``chance = seed % 2 == 0`` cycle through all six
    combinations; depth is ``3 + (seed // 6) % 4``; every fourth seed has outcomes
    at inner nodes too.  Payoffs are integers in ``{-2, ..., 2}``.  Trees with more
    than :data:`MAX_PURE_PROFILES` pure profiles, or without a chance node when
    chance is on, are redrawn from the same generator, so the tree is a function of
    the seed alone.
    """
    rng = random.Random(seed)
    chance = seed % 2 == 0
    while True:
        game = random_tree(rng, players=1 + seed % 3, max_depth=3 + (seed // 6) % 4,
                           perfect_information=True, chance=chance, payoff_range=2,
                           max_nodes=30, nonterminal_outcomes=seed % 4 == 3)
        if n_pure_profiles(game) <= MAX_PURE_PROFILES and has_chance(game) == chance:
            return game


def imperfect_tree(seed: int) -> ExtensiveFormGame:
    """A two-player tree of ``seed`` with at least one information set of two or more nodes.

    A chance node in every other seed, depth ``2 + seed % 4``, payoffs in
    ``{-2, ..., 2}``; drawn again from the same generator until some information set
    is not a singleton (and, for even seeds, there is a chance node).
    """
    rng = random.Random(10_000 + seed)
    chance = seed % 2 == 0
    while True:
        game = random_tree(rng, players=2, max_depth=2 + seed % 4, perfect_information=False,
                           chance=chance, payoff_range=2, max_nodes=25,
                           nonterminal_outcomes=seed % 5 == 4)
        if any(len(m) > 1 for m in game.infoset_members) and has_chance(game) == chance:
            return game


def has_chance(game: ExtensiveFormGame) -> bool:
    return any(h.player == CHANCE for h in game.infosets)


def decision_nodes(game: ExtensiveFormGame) -> tuple[int, ...]:
    return tuple(n for n, node in enumerate(game.nodes)
                 if node.infoset is not None and game.infosets[node.infoset].player != CHANCE)


def n_pure_profiles(game: ExtensiveFormGame) -> int:
    count = 1
    for n in decision_nodes(game):
        count *= len(game.nodes[n].children)
    return count


# ----------------------------------------------------------------------------- brute force
def path_totals(game: ExtensiveFormGame) -> list[tuple[Fraction, ...]]:
    """Sum of the outcomes from the root to each node, inclusive (Gambit's payoff rule)."""
    totals: list[tuple[Fraction, ...]] = []
    for node in game.nodes:  # pre-order: the parent comes first
        base = (tuple(F(0) for _ in game.players) if node.parent is None
                else totals[node.parent])
        if node.outcome is not None:
            payoffs = game.outcomes[node.outcome].payoffs
            base = tuple(b + F(p) for b, p in zip(base, payoffs, strict=True))
        totals.append(base)
    return totals


def pure_values(game: ExtensiveFormGame, totals: Sequence[tuple[Fraction, ...]],
                choice: dict[int, int]) -> list[tuple[Fraction, ...]]:
    """Expected payoff vector at every node when decision node ``n`` plays ``choice[n]``."""
    values: list[tuple[Fraction, ...]] = [()] * len(game.nodes)
    for index in range(len(game.nodes) - 1, -1, -1):
        node = game.nodes[index]
        if node.infoset is None:
            values[index] = tuple(totals[index])
            continue
        infoset = game.infosets[node.infoset]
        if infoset.player == CHANCE:
            assert infoset.probabilities is not None
            acc = [F(0)] * game.n_players
            for prob, child in zip(infoset.probabilities, node.children, strict=True):
                acc = [a + F(prob) * v for a, v in zip(acc, values[child], strict=True)]
            values[index] = tuple(acc)
        else:
            values[index] = values[node.children[choice[index]]]
    return values


class BruteForce:
    """Every pure behaviour profile of a perfect-information tree, and which are SPE."""

    def __init__(self, game: ExtensiveFormGame) -> None:
        self.game = game
        self.deciders = decision_nodes(game)
        position = {n: k for k, n in enumerate(self.deciders)}
        totals = path_totals(game)
        self.profiles = list(itertools.product(
            *(range(len(game.nodes[n].children)) for n in self.deciders)))
        self.values = [pure_values(game, totals, dict(zip(self.deciders, p, strict=True)))
                       for p in self.profiles]
        inner = [n for n, node in enumerate(game.nodes) if node.infoset is not None]
        end = game.subtree_end
        passes = [True] * len(self.profiles)
        for root in inner:
            for player in range(game.n_players):
                # Positions the player may change in the subgame at root: its own nodes there.
                free = {position[n] for n in self.deciders
                        if root <= n < end[root] and self.owner(n) == player}
                fixed = [k for k in range(len(self.deciders)) if k not in free]
                best: dict[tuple[int, ...], Fraction] = defaultdict(lambda: F(-10**9))
                keys = [tuple(p[k] for k in fixed) for p in self.profiles]
                for key, values in zip(keys, self.values, strict=True):
                    best[key] = max(best[key], values[root][player])
                for k, (key, values) in enumerate(zip(keys, self.values, strict=True)):
                    if values[root][player] < best[key]:
                        passes[k] = False
        self.spe = [k for k, ok in enumerate(passes) if ok]

    def owner(self, node: int) -> int:
        infoset = self.game.nodes[node].infoset
        assert infoset is not None
        return self.game.infosets[infoset].player

    def choice(self, k: int) -> dict[int, int]:
        return dict(zip(self.deciders, self.profiles[k], strict=True))

    def flat(self, k: int) -> FlatProfile:
        """Profile ``k`` as per-player one-hot action probabilities, information set order."""
        game, choice = self.game, self.choice(k)
        out = []
        for player in range(game.n_players):
            probs: list[Fraction] = []
            for h in game.player_infosets(player):
                [node] = game.infoset_members[h]
                probs += [F(int(a == choice[node])) for a in range(len(game.infosets[h].actions))]
            out.append(tuple(probs))
        return tuple(out)

    def ties(self, k: int) -> tuple[TiedChoice, ...]:
        """Decision nodes where, given profile ``k`` below them, several actions are optimal."""
        found = []
        values, choice = self.values[k], self.choice(k)
        for n in self.deciders:
            player = self.owner(n)
            options = [values[c][player] for c in self.game.nodes[n].children]
            optimal = tuple(a for a, v in enumerate(options) if v == max(options))
            if len(optimal) > 1:
                found.append(TiedChoice(n, optimal, choice[n]))
        return tuple(found)


@functools.cache
def pi_case(seed: int) -> tuple[ExtensiveFormGame, SolverResult]:
    game = pi_tree(seed)
    return game, subgame_perfect_equilibria(game)


def as_fractions(profile: Sequence[Sequence[Payoff]]) -> FlatProfile:
    return tuple(tuple(F(p) for p in player) for player in profile)  # type: ignore[arg-type]


def behaviour_of(game: ExtensiveFormGame, profile: Sequence[Sequence[Payoff]],
                 ) -> list[tuple[Payoff, ...]]:
    """Per-information-set probabilities of a flat profile, checking its length."""
    assert [len(p) for p in profile] == [
        sum(len(game.infosets[h].actions) for h in game.player_infosets(i))
        for i in range(game.n_players)]
    return unflatten_behaviour(game, profile)


def behaviour_payoffs(game: ExtensiveFormGame,
                      behaviour: Sequence[Sequence[Payoff]]) -> tuple[Fraction, ...]:
    """Expected payoffs of a behaviour profile, by a walk from the root (no engine code)."""
    totals = path_totals(game)
    result = [F(0)] * game.n_players
    stack: list[tuple[int, Fraction]] = [(0, F(1))]
    while stack:
        index, weight = stack.pop()
        node = game.nodes[index]
        if node.infoset is None:
            result = [r + weight * v for r, v in zip(result, totals[index], strict=True)]
            continue
        for prob, child in zip(behaviour[node.infoset], node.children, strict=True):
            if prob:
                stack.append((child, weight * F(prob)))  # type: ignore[arg-type]
    return tuple(result)


# ----------------------------------------------------------------------------- brute force tests
def test_pi_trees_cover_players_chance_and_ties() -> None:
    # The sample is what the docstring of pi_tree says it is, and often has ties.
    games = [pi_case(seed)[0] for seed in PI_SEEDS]
    assert {g.n_players for g in games} == {1, 2, 3}
    assert sum(has_chance(g) for g in games) == 150
    assert all(all(len(m) == 1 for m in g.infoset_members) for g in games)
    several = sum(len(pi_case(seed)[1].equilibria) > 1 for seed in PI_SEEDS)
    assert several >= 100, several


@pytest.mark.parametrize("seed", PI_SEEDS)
def test_spe_equal_brute_force_on_perfect_information_trees(seed: int) -> None:
    game, result = pi_case(seed)
    brute = BruteForce(game)
    # In perfect information every inner node roots a subgame.
    assert subgame_roots(game) == tuple(n for n, node in enumerate(game.nodes)
                                        if node.infoset is not None)
    expected = {brute.flat(k): k for k in brute.spe}
    ours = [as_fractions(eq.profile) for eq in result.equilibria]
    assert len(ours) == len(set(ours)), "an equilibrium is listed twice"
    assert set(ours) == set(expected)
    assert result.complete and not result.capped and result.exact
    for eq in result.equilibria:
        k = expected[as_fractions(eq.profile)]
        assert eq.payoffs == brute.values[k][0]
        assert eq.max_regret == 0
        # Ties: exactly the decision nodes where, given this profile below them,
        # several actions are optimal for the mover.
        assert eq.ties == brute.ties(k)
        # Each tied alternative starts another SPE that agrees with this one below the node.
        for tie in eq.ties:
            below = [n for n in brute.deciders
                     if tie.node < n < game.subtree_end[tie.node]]
            for action in tie.actions:
                assert any(brute.choice(j)[tie.node] == action
                           and all(brute.choice(j)[n] == brute.choice(k)[n] for n in below)
                           for j in brute.spe)
    # Several SPE exist exactly when some equilibrium has a tie.
    assert result.ties == (len(brute.spe) > 1)


SMALL_PI_SEEDS = [s for s in range(0, 300, 3) if n_pure_profiles(pi_tree(s)) <= 64]


@pytest.mark.parametrize("seed", SMALL_PI_SEEDS)
def test_brute_force_agrees_with_pure_enumeration_of_deviations(seed: int) -> None:
    # Check of the oracle itself on the smaller trees: the SPE set is unchanged when the
    # deviation condition is tested by re-enumerating every deviation literally.
    game = pi_case(seed)[0]
    brute = BruteForce(game)
    inner = [n for n, node in enumerate(game.nodes) if node.infoset is not None]
    end = game.subtree_end
    literal = []
    for k, profile in enumerate(brute.profiles):
        ok = True
        for root, player in itertools.product(inner, range(game.n_players)):
            mine = [j for j, n in enumerate(brute.deciders)
                    if root <= n < end[root] and brute.owner(n) == player]
            for other, values in zip(brute.profiles, brute.values, strict=True):
                same_elsewhere = all(other[j] == profile[j] for j in range(len(profile))
                                     if j not in mine)
                if same_elsewhere and values[root][player] > brute.values[k][root][player]:
                    ok = False
        if ok:
            literal.append(k)
    assert literal == brute.spe


# ----------------------------------------------------------------------------- pygambit
def pure_reduced_labels(game: ExtensiveFormGame, profile: Sequence[Sequence[Payoff]],
                        ) -> tuple[str, ...]:
    """Each player's reduced strategy that a pure behaviour profile plays (by label)."""
    behaviour = behaviour_of(game, profile)
    labels = []
    for player in range(game.n_players):
        matching = [s.label for s in reduced_strategies(game, player)
                    if all(behaviour[h][a] == 1 for h, a in s.choices)]
        assert len(matching) == 1, matching
        labels.append(matching[0])
    return tuple(labels)


@pytest.mark.parametrize("seed", PI_SEEDS)
def test_every_spe_is_a_pygambit_pure_equilibrium(seed: int) -> None:
    game, result = pi_case(seed)
    theirs = pure_equilibria_by_label(game)
    assert result.equilibria
    for eq in result.equilibria:
        assert (pure_reduced_labels(game, eq.profile), eq.payoffs) in theirs


# ----------------------------------------------------------------------------- imperfect info
@functools.cache
def imperfect_case(seed: int) -> tuple[ExtensiveFormGame, SolverResult]:
    game = imperfect_tree(seed)
    return game, subgame_perfect_equilibria(game)


def gambit_mixed_payoffs(game: ExtensiveFormGame) -> set[tuple[Fraction, ...]]:
    """Payoff vectors of pygambit's extreme equilibria (``enummixed_solve``, rational)."""
    pg = tree_to_pygambit(game)
    result: Any = pygambit.nash.enummixed_solve(pg, rational=True)
    return {tuple(rational(eq.payoff(p)) for p in pg.players) for eq in result.equilibria}


MAX_BASES = 2000
"""Compare Nash equilibria with pygambit only when C(m + n, m) is at most this."""


def small_strategic_form(game: ExtensiveFormGame) -> bool:
    m, n = (len(reduced_strategies(game, i)) for i in range(2))
    return math.comb(m + n, m) <= MAX_BASES


def test_imperfect_trees_cover_single_and_several_subgames() -> None:
    games = [imperfect_case(s)[0] for s in IMPERFECT_SEEDS]
    single = [g for g in games if subgame_roots(g) == (0,)]
    several = [g for g in games if len(subgame_roots(g)) > 1]
    assert len(single) >= 30 and len(several) >= 80, (len(single), len(several))
    assert all(small_strategic_form(g) for g in single)
    assert sum(small_strategic_form(g) for g in games) >= 100
    # Mixed subgame equilibria occur too.
    assert sum(any(p not in (0, 1) for eq in imperfect_case(s)[1].equilibria
                   for player in eq.profile for p in player) for s in IMPERFECT_SEEDS) >= 30


def gambit_max_regret(game: ExtensiveFormGame, pg: Any,
                      behaviour: Sequence[Sequence[Payoff]]) -> Fraction:
    """pygambit's ``MixedBehaviorProfile.max_regret()`` (0 iff Nash) of a behaviour profile."""
    handles = pygambit_nodes(game, pg)
    profile = pg.mixed_behavior_profile(rational=True)
    for h, infoset in enumerate(game.infosets):
        if infoset.player == CHANCE:
            continue
        theirs = handles[game.infoset_members[h][0]].infoset
        for action, p in zip(theirs.actions, behaviour[h], strict=True):
            value = F(p)  # type: ignore[arg-type]
            profile[action] = pygambit.Rational(value.numerator, value.denominator)
    return rational(profile.max_regret())


@pytest.mark.parametrize("seed", IMPERFECT_SEEDS)
def test_spe_on_imperfect_information_trees(seed: int) -> None:
    game, result = imperfect_case(seed)
    pg = tree_to_pygambit(game)
    # Subgames: the same roots as pygambit's Node.is_subgame_root.
    handles = pygambit_nodes(game, pg)
    assert subgame_roots(game) == tuple(n for n, node in enumerate(game.nodes)
                                        if not node.is_terminal and handles[n].is_subgame_root)
    assert result.equilibria, "every finite game with perfect recall has an SPE"
    assert result.complete and result.exact
    for eq in result.equilibria:
        behaviour = behaviour_of(game, eq.profile)
        assert subgame_perfect_regret(game, behaviour) == 0
        assert behaviour_regrets(game, behaviour) == (0, 0)
        assert gambit_max_regret(game, pg, behaviour) == 0
        assert eq.max_regret == 0
        assert eq.payoffs == behaviour_payoffs(game, behaviour)
    if not small_strategic_form(game):
        return  # vertex enumeration would take minutes, in pygambit as here
    # Nash equilibria of the reduced strategic form: the same extreme equilibria as
    # pygambit's, by payoff vector.
    everything = solve_tree(game, all_equilibria=True)
    nash_payoffs = {tuple(F(v) for v in eq.payoffs) for eq in everything.equilibria}  # type: ignore[arg-type]
    assert nash_payoffs == gambit_mixed_payoffs(game)
    if subgame_roots(game) == (0,):
        # One subgame: subgame perfection is Nash equilibrium, so every SPE payoff
        # vector is an extreme Nash equilibrium's.
        assert {eq.payoffs for eq in result.equilibria} <= nash_payoffs
