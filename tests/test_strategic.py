"""Differential tests of :mod:`games.strategic` and of Gambit files, against pygambit 16.7.

On random trees (2-3 players, chance, imperfect information with perfect recall,
from :func:`tests.strategies.random_tree`) the oracle is pygambit:

* ``reduced_strategic_form`` must have pygambit's reduced strategies, labels and
  order included, and pygambit's payoffs (``Game.to_arrays``);
* ``mixed_to_behaviour`` must agree with ``MixedStrategyProfile.as_behavior`` at
  every information set that the owner's own mixed strategy reaches, and expected
  payoffs must agree;
* games written by ``write_efg`` / ``write_nfg`` and read by pygambit must have the
  equilibria our solvers find on the original game.

A failing case names its seed in the test id; :func:`strategic_tree` rebuilds it.
"""

from __future__ import annotations

import functools
import math
import random
import warnings
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from games.certificates import expected_payoffs
from games.extensive_form import CHANCE, ExtensiveFormGame
from games.io.gambit import GambitLabelWarning, write_efg, write_nfg
from games.normal_form import NormalFormGame
from games.solvers.enummixed import extreme_equilibria
from games.solvers.pure import pure_equilibria
from games.strategic import ReducedStrategy, mixed_to_behaviour, reduced_strategic_form
from tests.strategies import random_tree, seeded_bimatrix_game

pygambit = pytest.importorskip("pygambit")

from tests.gambit_bridge import (  # noqa: E402
    pygambit_nodes,
    rational,
    tree_to_pygambit,
)
from tests.test_spe_random import behaviour_payoffs  # noqa: E402

F = Fraction
TREE_SEEDS = range(240)
MAX_PROFILES = 3000
"""Random trees are redrawn until their reduced strategic form has at most this many cells."""


def strategic_tree(seed: int) -> ExtensiveFormGame:
    """The random tree of ``seed`` (a function of the seed alone).

    2 or 3 players (``2 + seed % 2``); a chance node when ``(seed // 2) % 2 == 0``;
    depth ``2 + seed % 4``; every fifth tree of perfect information, the others
    with at least one information set of several nodes;
    outcomes at inner nodes for every third seed; float payoffs in ``[-10, 10]``
    for ``seed % 4 == 3``, otherwise integers in ``[-5, 5]``.
    """
    rng = random.Random(20_000 + seed)
    chance = (seed // 2) % 2 == 0
    perfect_information = seed % 5 == 0
    while True:
        game = random_tree(rng, players=2 + seed % 2, max_depth=2 + seed % 4,
                           perfect_information=perfect_information, chance=chance,
                           payoff_range=None if seed % 4 == 3 else 5, max_nodes=25,
                           nonterminal_outcomes=seed % 3 == 0)
        has_chance = any(h.player == CHANCE for h in game.infosets)
        imperfect = any(len(m) > 1 for m in game.infoset_members)
        if (n_reduced_profiles(game) <= MAX_PROFILES and has_chance == chance
                and imperfect != perfect_information):
            return game


def n_reduced_profiles(game: ExtensiveFormGame) -> int:
    from games.strategic import reduced_strategies

    return math.prod(len(reduced_strategies(game, i)) for i in range(game.n_players))


@functools.cache
def case(seed: int) -> tuple[ExtensiveFormGame, NormalFormGame,
                             tuple[tuple[ReducedStrategy, ...], ...], Any]:
    game = strategic_tree(seed)
    normal, strategies = reduced_strategic_form(game)
    return game, normal, strategies, tree_to_pygambit(game)


def close(ours: object, theirs: Fraction) -> bool:
    """Exact equality for Fractions; floats within 1e-9 (pygambit is exact on their decimals)."""
    if isinstance(ours, Fraction):
        return ours == theirs
    return math.isclose(float(ours), float(theirs), rel_tol=1e-9, abs_tol=1e-9)  # type: ignore[arg-type]


# ----------------------------------------------------------------------------- strategic form
def test_sample_covers_what_it_should() -> None:
    games = [case(seed)[0] for seed in TREE_SEEDS]
    assert {g.n_players for g in games} == {2, 3}
    assert sum(any(h.player == CHANCE for h in g.infosets) for g in games) == 120
    imperfect = [g for g in games if any(len(m) > 1 for m in g.infoset_members)]
    assert len(imperfect) == 192
    assert all(g.has_perfect_recall for g in games)
    # Some players never move (their only reduced strategy is "*").
    assert any(len(case(s)[2][i]) == 1 for s in TREE_SEEDS for i in range(case(s)[0].n_players))


@pytest.mark.parametrize("seed", TREE_SEEDS)
def test_reduced_strategic_form_matches_pygambit(seed: int) -> None:
    game, normal, strategies, pg = case(seed)
    theirs = [[s.label for s in player.strategies] for player in pg.players]
    assert [list(labels) for labels in normal.strategies] == theirs
    assert [[s.label for s in player] for player in strategies] == theirs
    arrays = pg.to_arrays()
    assert len(arrays) == game.n_players
    for ours, their in zip(normal.payoffs, arrays, strict=True):
        assert ours.shape == their.shape
        assert all(close(a, rational(b)) for a, b in zip(ours.flat, their.flat, strict=True))


# ----------------------------------------------------------------------------- mixed -> behaviour
MIXED_SEEDS = [s for s in TREE_SEEDS if s % 4 != 3]  # exact payoffs


@pytest.mark.parametrize("seed", MIXED_SEEDS)
def test_mixed_to_behaviour_matches_pygambit(seed: int) -> None:
    game, normal, strategies, pg = case(seed)
    rng = random.Random(seed)
    handles = pygambit_nodes(game, pg)
    players = list(pg.players)
    for _ in range(3):
        # Weights with zeros, so that some information sets go unreached.
        mixed: list[tuple[Fraction, ...]] = []
        profile = pg.mixed_strategy_profile(rational=True)
        for player in players:
            weights = [rng.choice([0, 0, 1, 2, 5]) for _ in player.strategies]
            if not any(weights):
                weights[rng.randrange(len(weights))] = 1
            probs = tuple(F(w, sum(weights)) for w in weights)
            mixed.append(probs)
            for strategy, p in zip(player.strategies, probs, strict=True):
                profile[strategy] = pygambit.Rational(p.numerator, p.denominator)
        ours = mixed_to_behaviour(game, strategies, mixed)
        theirs = profile.as_behavior()
        for h, infoset in enumerate(game.infosets):
            their_infoset = handles[game.infoset_members[h][0]].infoset
            if infoset.player == CHANCE:
                assert ours[h] == tuple(rational(a.prob) for a in their_infoset.actions)
                continue
            # The owner's own mixed strategy reaches h with the probability of the reduced
            # strategies that name an action there (pygambit's Strategy.action).
            own = sum((rational(profile[s]) for s in their_infoset.player.strategies
                       if s.action(their_infoset) is not None), F(0))
            assert theirs.is_defined_at(their_infoset) == (own > 0)
            if own > 0:
                assert ours[h] == tuple(rational(theirs[a]) for a in their_infoset.actions)
            else:
                # pygambit leaves it undefined; ours is the uniform distribution
                # (the documented convention of games.strategic).
                n = len(infoset.actions)
                assert ours[h] == tuple(F(1, n) for _ in range(n))
        payoffs = tuple(rational(profile.payoff(p)) for p in players)
        assert expected_payoffs(normal, mixed) == payoffs
        assert behaviour_payoffs(game, ours) == payoffs
        assert tuple(rational(theirs.payoff(p)) for p in players) == payoffs


# ----------------------------------------------------------------------------- file round trip
def read_back(tmp_path: Path, name: str, text: str, reader: Any) -> Any:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return reader(str(path))


@pytest.mark.parametrize("seed", range(50))
def test_bimatrix_round_trip_through_nfg(seed: int, tmp_path: Path) -> None:
    game = seeded_bimatrix_game(30_000 + seed, integer=seed % 2 == 0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", GambitLabelWarning)
        text = write_nfg(game)
    pg = read_back(tmp_path, "game.nfg", text, pygambit.read_nfg)
    assert [len(p.strategies) for p in pg.players] == list(game.shape)
    theirs = {(tuple(tuple(rational(eq[s]) for s in player.strategies)
                     for player in pg.players),
               tuple(rational(eq.payoff(p)) for p in pg.players))
              for eq in pygambit.nash.enummixed_solve(pg, rational=True).equilibria}
    result = extreme_equilibria(game)
    ours = {(eq.profile, eq.payoffs) for eq in result.equilibria}
    assert len(ours) == len(result.equilibria)
    assert ours == theirs


def pure_profiles_by_label(normal: NormalFormGame) -> dict[tuple[str, ...], tuple[object, ...]]:
    """Our pure equilibria of a strategic form: strategy labels -> payoffs."""
    found = {}
    for eq in pure_equilibria(normal).equilibria:
        labels = tuple(normal.strategies[i][list(probs).index(1)]
                       for i, probs in enumerate(eq.profile))
        found[labels] = tuple(eq.payoffs)
    return found


@pytest.mark.parametrize("seed", range(50))
def test_tree_round_trip_through_efg(seed: int, tmp_path: Path) -> None:
    # Seeds 0-49 of strategic_tree: 2 and 3 players, with and without chance, integer and
    # float payoffs (floats are written as repr(float); pygambit reads the decimal exactly).
    game, normal, _, _ = case(seed)
    with warnings.catch_warnings():
        warnings.simplefilter("error", GambitLabelWarning)
        text = write_efg(game)
    pg = read_back(tmp_path, "game.efg", text, pygambit.read_efg)
    assert [[s.label for s in p.strategies] for p in pg.players] == [
        list(labels) for labels in normal.strategies]
    theirs = {}
    for eq in pygambit.nash.enumpure_solve(pg).equilibria:
        labels = []
        for player in pg.players:
            [label] = [s.label for s in player.strategies if eq[s] == 1]
            labels.append(label)
        theirs[tuple(labels)] = tuple(rational(eq.payoff(p)) for p in pg.players)
    ours = pure_profiles_by_label(normal)
    assert ours.keys() == theirs.keys()
    for labels, payoffs in ours.items():
        assert all(close(a, b) for a, b in zip(payoffs, theirs[labels], strict=True))
