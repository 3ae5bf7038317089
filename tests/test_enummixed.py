"""Tests of the exact two-player solver :mod:`games.solvers.enummixed`.

Every expected number below is either derived by hand in a comment next to it
or computed by pygambit 16.7's ``enummixed_solve(rational=True)`` (the
differential test).
"""

from __future__ import annotations

from fractions import Fraction
from itertools import combinations, product
from typing import Any

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from games.certificates import expected_payoffs, max_regret
from games.errors import InputError, UnsupportedGameError
from games.normal_form import NormalFormGame
from games.results import SolverResult
from games.solvers.enummixed import (
    DEGENERATE_NOTE,
    extreme_equilibria,
    is_degenerate,
)
from tests.strategies import (
    SEEDED_GAME_BATCHES,
    bimatrix_games,
    float_bimatrix_games,
    positive_affine_maps,
    rational_bimatrix_games,
    seeded_bimatrix_game,
)

F = Fraction  # short name for the tables of expected values below
ExactProfile = tuple[tuple[Fraction, ...], ...]


def profiles(result: SolverResult) -> set[ExactProfile]:
    """The equilibrium profiles of a result, as a set."""
    return {tuple(tuple(F(p) for p in s) for s in eq.profile) for eq in result.equilibria}


def game(A: Any, B: Any) -> NormalFormGame:
    return NormalFormGame.from_arrays(A, B)


# ----------------------------------------------------------------------------- textbook games
# Matching pennies.  No pure equilibrium: in every cell one player gains by switching.
# Row's payoffs against column mixing (q, 1-q): row 1 gives q - (1-q), row 2 gives
# -q + (1-q); indifference gives q = 1/2, and symmetrically p = 1/2.  Payoffs 0, 0.
# Non-degenerate: no player has a tie between two payoffs against a pure strategy,
# and in a 2x2 game a fully mixed strategy has at most 2 best responses.
MATCHING_PENNIES = ([[1, -1], [-1, 1]], [[-1, 1], [1, -1]])
MATCHING_PENNIES_NE = {(((F(1, 2), F(1, 2)), (F(1, 2), F(1, 2))), (F(0), F(0)))}

# Battle of the sexes, payoffs (2,1) on (1,1) and (1,2) on (2,2), 0 elsewhere.
# Pure equilibria: (1,1) with payoffs (2,1) and (2,2) with payoffs (1,2); the
# off-diagonal cells give 0 to both and each player gains by switching.
# Mixed: column mixes (q, 1-q) so that row is indifferent, 2q = 1 - q, q = 1/3;
# row mixes (p, 1-p) so that column is indifferent, p = 2(1-p), p = 2/3.
# Payoffs: row 2q = 2/3, column p = 2/3.  Non-degenerate (no ties, as above).
BATTLE_OF_THE_SEXES = ([[2, 0], [0, 1]], [[1, 0], [0, 2]])
BATTLE_OF_THE_SEXES_NE = {
    (((F(1), F(0)), (F(1), F(0))), (F(2), F(1))),
    (((F(0), F(1)), (F(0), F(1))), (F(1), F(2))),
    (((F(2, 3), F(1, 3)), (F(1, 3), F(2, 3))), (F(2, 3), F(2, 3))),
}

# Prisoner's dilemma (cooperate, defect) with payoffs R=3, S=0, T=5, P=1.  Defect
# strictly dominates cooperate for both (5 > 3 and 1 > 0), so (defect, defect) is
# the unique equilibrium, with payoffs (1, 1).  Non-degenerate (no ties).
PRISONERS_DILEMMA = ([[3, 0], [5, 1]], [[3, 5], [0, 1]])
PRISONERS_DILEMMA_NE = {(((F(0), F(1)), (F(0), F(1))), (F(1), F(1)))}

# Rock-paper-scissors (win 1, lose -1, tie 0), zero-sum.  The uniform strategy makes
# the opponent indifferent among all three strategies (every row and every column of
# A and of B = -A sums to 0),
# so (uniform, uniform) is an equilibrium with value 0.  It is the only one: if a
# player's strategy x is not uniform, some pure strategy of the opponent earns
# strictly more than 0 against it (the opponent's payoffs to R, P, S against x are
# x_S - x_P, x_R - x_S, x_P - x_R, which sum to 0 and are not all 0), so the
# opponent's equilibrium payoff would exceed the value 0 of the game.
# Non-degenerate: against a pure strategy the three replies give 0, 1, -1
# (one best reply); against a mix of two strategies, e.g. (p, 1-p, 0) of R and P,
# the column payoffs are p - 1, p, 1 - 2p and p - 1 < p, so at most 2 best
# replies; with full support at most 3.  The same holds for each pair by symmetry.
ROCK_PAPER_SCISSORS = (
    [[0, -1, 1], [1, 0, -1], [-1, 1, 0]],
    [[0, 1, -1], [-1, 0, 1], [1, -1, 0]],
)
ROCK_PAPER_SCISSORS_NE = {((tuple([F(1, 3)] * 3), tuple([F(1, 3)] * 3)), (F(0), F(0)))}

# von Stengel (2007), AGT ch. 3, degenerate 3x2 example: rows top, middle, bottom.
# A = [[3,3],[2,5],[0,6]], B = [[3,3],[2,6],[3,1]].  Against top, column gets 3 from
# both columns: a pure strategy with two best responses, so the game is degenerate.
# With column playing (q, 1-q) row gets top 3, middle 5 - 3q, bottom 6 - 6q; top is a
# best response iff q >= 2/3 (and q >= 1/2), so {top} x {(q, 1-q): 2/3 <= q <= 1} is a
# continuum of equilibria with extreme points q = 1 and q = 2/3, payoffs (3, 3).
# Mixed equilibrium on middle/bottom: x = (0, p, 1-p) makes column indifferent,
# 2p + 3(1-p) = 6p + (1-p), p = 1/3; y = (q, 1-q) makes row indifferent between
# middle and bottom, 5 - 3q = 6 - 6q, q = 1/3, and top then gives 3 < 4.  Payoffs:
# row 5 - 3q = 4, column 2/3 + 2 = 8/3.  No other pure equilibrium: column's best
# reply to middle is right, row's best reply to right is bottom; column's best
# reply to bottom is left, row's best reply to left is top.
VON_STENGEL_DEGENERATE = ([[3, 3], [2, 5], [0, 6]], [[3, 3], [2, 6], [3, 1]])
VON_STENGEL_DEGENERATE_NE = {
    (((F(1), F(0), F(0)), (F(1), F(0))), (F(3), F(3))),
    (((F(1), F(0), F(0)), (F(2, 3), F(1, 3))), (F(3), F(3))),
    (((F(0), F(1, 3), F(2, 3)), (F(1, 3), F(2, 3))), (F(4), F(8, 3))),
}

# von Stengel (2007), AGT ch. 3, the non-degenerate version (B's top row is (3, 2)):
# equilibria (top, left), ((4/5, 1/5, 0), (2/3, 1/3)) and ((0, 1/3, 2/3), (1/3, 2/3)).
# Derivation of the middle one: x = (p, 1-p, 0) makes column indifferent,
# 3p + 2(1-p) = 2p + 6(1-p), p = 4/5; y = (q, 1-q) makes row indifferent between top
# and middle, 3 = 5 - 3q, q = 2/3 (bottom gives 2 < 3).  Payoffs (3, 14/5).  The last
# one as in the degenerate game, payoffs (4, 8/3); (top, left) gives (3, 3).
VON_STENGEL_NONDEGENERATE = ([[3, 3], [2, 5], [0, 6]], [[3, 2], [2, 6], [3, 1]])
VON_STENGEL_NONDEGENERATE_NE = {
    (((F(1), F(0), F(0)), (F(1), F(0))), (F(3), F(3))),
    (((F(4, 5), F(1, 5), F(0)), (F(2, 3), F(1, 3))), (F(3), F(14, 5))),
    (((F(0), F(1, 3), F(2, 3)), (F(1, 3), F(2, 3))), (F(4), F(8, 3))),
}

# Matching pennies with column 1 duplicated (columns 1 and 2 identical).  Writing
# s = y1 + y2, the game is matching pennies in (x, s), so x = (1/2, 1/2) and s = 1/2,
# y3 = 1/2: a segment of equilibria y = (t, 1/2 - t, 1/2), 0 <= t <= 1/2, with
# extreme points t = 1/2 and t = 0; payoffs (0, 0).  Degenerate: the mixed
# strategy (1/2, 1/2) of support 2 has all 3 columns as best responses.
DUPLICATED_COLUMN = ([[1, 1, -1], [-1, -1, 1]], [[-1, -1, 1], [1, 1, -1]])
DUPLICATED_COLUMN_NE = {
    (((F(1, 2), F(1, 2)), (F(1, 2), F(0), F(1, 2))), (F(0), F(0))),
    (((F(1, 2), F(1, 2)), (F(0), F(1, 2), F(1, 2))), (F(0), F(0))),
}

# The 4x4 identity coordination game (both players get 1 when they choose the same
# strategy, else 0).  Against x, column's payoffs are x itself, so its best replies
# are argmax(x) and likewise for row.  In an equilibrium supp(y) is inside argmax(x),
# which is inside supp(x), inside argmax(y), inside supp(y): all four sets are one set
# S and x, y are constant on S.  Conversely (uniform on S, uniform on S) is an
# equilibrium for every non-empty S: 2^4 - 1 = 15 equilibria, payoffs (1/|S|, 1/|S|).
# Non-degenerate: the best replies argmax(x) lie in supp(x).
COORDINATION = ([[int(i == j) for j in range(4)] for i in range(4)],) * 2
COORDINATION_NE = {
    ((uniform, uniform), (F(1, len(S)), F(1, len(S))))
    for k in range(1, 5) for S in combinations(range(4), k)
    for uniform in [tuple(F(1, len(S)) if i in S else F(0) for i in range(4))]
}

TEXTBOOK = [
    pytest.param(MATCHING_PENNIES, MATCHING_PENNIES_NE, False, id="matching-pennies"),
    pytest.param(BATTLE_OF_THE_SEXES, BATTLE_OF_THE_SEXES_NE, False, id="battle-of-the-sexes"),
    pytest.param(PRISONERS_DILEMMA, PRISONERS_DILEMMA_NE, False, id="prisoners-dilemma"),
    pytest.param(ROCK_PAPER_SCISSORS, ROCK_PAPER_SCISSORS_NE, False, id="rock-paper-scissors"),
    pytest.param(VON_STENGEL_NONDEGENERATE, VON_STENGEL_NONDEGENERATE_NE, False,
                 id="von-stengel-nondegenerate"),
    pytest.param(VON_STENGEL_DEGENERATE, VON_STENGEL_DEGENERATE_NE, True,
                 id="von-stengel-degenerate"),
    pytest.param(DUPLICATED_COLUMN, DUPLICATED_COLUMN_NE, True, id="duplicated-column"),
    pytest.param(COORDINATION, COORDINATION_NE, False, id="identity-coordination-4x4"),
]


@pytest.mark.parametrize(("matrices", "expected", "degenerate"), TEXTBOOK)
def test_textbook_games(matrices: tuple[Any, Any], expected: set[Any], degenerate: bool) -> None:
    g = game(*matrices)
    result = extreme_equilibria(g)
    assert {(eq.profile, eq.payoffs) for eq in result.equilibria} == expected
    assert len(result.equilibria) == len(expected)
    assert (result.concept, result.method, result.exact, result.complete) == (
        "NE", "exact", True, True)
    assert result.degenerate is degenerate
    assert is_degenerate(g) is degenerate
    assert result.notes == ((DEGENERATE_NOTE,) if degenerate else ())
    for eq in result.equilibria:
        assert eq.max_regret == 0
        assert isinstance(eq.max_regret, F)
        assert all(isinstance(p, F) for s in eq.profile for p in s)
        assert all(isinstance(v, F) for v in eq.payoffs)
    assert [eq.profile for eq in result.equilibria] == sorted(eq.profile
                                                              for eq in result.equilibria)


def test_float_payoffs_are_read_as_decimals() -> None:
    # Battle of the sexes times 1/10, typed as floats: 0.2 is read as 1/5 and 0.1 as
    # 1/10 (shortest decimal).  Scaling by 1/10 keeps the equilibria (derived above)
    # and multiplies the payoffs by 1/10: (1/5, 1/10), (1/10, 1/5), (1/15, 1/15).
    g = game([[0.2, 0.0], [0.0, 0.1]], [[0.1, 0.0], [0.0, 0.2]])
    result = extreme_equilibria(g)
    assert {(eq.profile, eq.payoffs) for eq in result.equilibria} == {
        (profile, tuple(v / 10 for v in payoffs)) for profile, payoffs in BATTLE_OF_THE_SEXES_NE}


def test_payoffs_are_in_the_original_payoffs_not_shifted() -> None:
    # All payoffs lowered by 100 (the solver shifts them up internally): the
    # prisoner's dilemma equilibrium payoffs become (1 - 100, 1 - 100).
    A, B = PRISONERS_DILEMMA
    g = game([[v - 100 for v in row] for row in A], [[v - 100 for v in row] for row in B])
    [eq] = extreme_equilibria(g).equilibria
    assert eq.payoffs == (F(-99), F(-99))


def test_one_strategy_each() -> None:
    # A 1x1 game: the only profile is an equilibrium, payoffs are the entries.
    [eq] = extreme_equilibria(game([[F(7, 3)]], [[-4]])).equilibria
    assert eq.profile == ((F(1),), (F(1),))
    assert eq.payoffs == (F(7, 3), F(-4))


def test_constant_game_lists_the_vertices_of_the_whole_product() -> None:
    # All payoffs 0: every profile is an equilibrium, the set is simplex x simplex,
    # whose extreme points are the 2 x 3 pure profiles.
    result = extreme_equilibria(game(np.zeros((2, 3), dtype=int), np.zeros((2, 3), dtype=int)))
    pure = {(tuple(F(int(i == a)) for i in range(2)), tuple(F(int(j == b)) for j in range(3)))
            for a, b in product(range(2), range(3))}
    assert profiles(result) == pure
    assert result.degenerate


# ----------------------------------------------------------------------------- errors
def test_three_players_are_refused() -> None:
    g = NormalFormGame.from_arrays(*(np.zeros((2, 2, 2), dtype=int),) * 3)
    with pytest.raises(UnsupportedGameError, match="two-player") as info:
        extreme_equilibria(g)
    assert info.value.expected == "a two-player (bimatrix) game"
    with pytest.raises(UnsupportedGameError):
        is_degenerate(g)


def test_one_player_is_refused() -> None:
    with pytest.raises(UnsupportedGameError):
        extreme_equilibria(NormalFormGame.from_arrays([1, 2]))


def test_symbolic_payoffs_are_refused() -> None:
    t = sympy.Symbol("t")
    A = np.array([[t, 0], [0, 1]], dtype=object)
    g = NormalFormGame.from_arrays(A, np.ones((2, 2), dtype=int))
    with pytest.raises(InputError, match="parameter") as info:
        extreme_equilibria(g)
    assert not isinstance(info.value, UnsupportedGameError)
    assert info.value.expected is not None and "subs()" in info.value.expected
    # After substituting a value for t the game solves.
    assert extreme_equilibria(g.subs({"t": 2})).equilibria


def test_size_guard() -> None:
    # C(3 + 3, 3) = 20 bases per polytope.
    g = game(*[[[1, 2, 3], [3, 1, 2], [2, 3, 1]]] * 2)
    assert extreme_equilibria(g, max_bases=20).equilibria
    with pytest.raises(UnsupportedGameError, match="max_bases=19") as info:
        extreme_equilibria(g, max_bases=19)
    assert info.value.expected is not None and "max_bases" in info.value.expected
    # 12 x 12 needs C(24, 12) = 2,704,156 bases, beyond the default limit.
    big = game(np.ones((12, 12), dtype=int), np.ones((12, 12), dtype=int))
    with pytest.raises(UnsupportedGameError, match="2,704,156"):
        extreme_equilibria(big)
    with pytest.raises(UnsupportedGameError, match="2,704,156"):
        is_degenerate(big)


# ----------------------------------------------------------------------------- pygambit


@pytest.fixture(scope="module")
def gbt() -> Any:
    return pytest.importorskip("pygambit")


def to_pygambit(gbt: Any, g: NormalFormGame) -> Any:
    """The same game in pygambit, from the exact Fractions of ``g.to_exact()``.

    pygambit 16.7 stores a payoff given as ``pygambit.Rational`` through its text
    ``"p/q"``, exactly; the read-back check below confirms both sides see the same
    numbers.
    """
    exact = g.to_exact()
    arrays = [[[gbt.Rational(v.numerator, v.denominator) for v in row] for row in a.tolist()]
              for a in exact.payoffs]
    pg = gbt.Game.from_arrays(*arrays)
    players = list(pg.players)
    for profile in product(*(range(k) for k in exact.shape)):
        for i, player in enumerate(players):
            assert F(str(pg[profile][player])) == exact.payoffs[i][profile]
    return pg


def gambit_extreme_equilibria(gbt: Any, pg: Any) -> set[ExactProfile]:
    result = gbt.nash.enummixed_solve(pg, rational=True)
    return {tuple(tuple(F(str(eq[s])) for s in player.strategies) for player in pg.players)
            for eq in result.equilibria}


@pytest.mark.slow
@pytest.mark.parametrize(("integer", "seeds"), SEEDED_GAME_BATCHES)
def test_agrees_with_pygambit_enummixed(gbt: Any, integer: bool, seeds: list[int]) -> None:
    mismatches = []
    for seed in seeds:
        g = seeded_bimatrix_game(seed, integer=integer)
        result = extreme_equilibria(g)
        ours = [eq.profile for eq in result.equilibria]
        assert len(ours) == len(set(ours)), f"seed {seed}: duplicate equilibria"
        theirs = gambit_extreme_equilibria(gbt, to_pygambit(gbt, g))
        if set(ours) != theirs:
            mismatches.append(f"seed {seed} ({'x'.join(map(str, g.shape))}): "
                              f"only ours {set(ours) - theirs}, only pygambit {theirs - set(ours)}")
    assert not mismatches, "\n".join(mismatches)


# ----------------------------------------------------------------------------- properties
def check_certified(g: NormalFormGame, result: SolverResult) -> None:
    """Each profile is a distribution with exact zero regret and the stated payoffs."""
    exact = g.to_exact()
    assert result.equilibria, "every finite game has a Nash equilibrium"
    for eq in result.equilibria:
        for strategy in eq.profile:
            assert all(p >= 0 for p in strategy)
            assert sum(strategy) == 1
        assert max_regret(exact, eq.profile) == 0
        assert eq.payoffs == expected_payoffs(exact, eq.profile)
    listed = [eq.profile for eq in result.equilibria]
    assert listed == sorted(listed)
    assert len(set(listed)) == len(listed)
    assert result.degenerate == is_degenerate(g)
    assert (DEGENERATE_NOTE in result.notes) == result.degenerate


@given(bimatrix_games())
def test_property_integer_games_are_certified(g: NormalFormGame) -> None:
    check_certified(g, extreme_equilibria(g))


@given(rational_bimatrix_games())
def test_property_rational_games_are_certified(g: NormalFormGame) -> None:
    check_certified(g, extreme_equilibria(g))


@given(float_bimatrix_games())
def test_property_float_games_are_certified(g: NormalFormGame) -> None:
    check_certified(g, extreme_equilibria(g))


@given(bimatrix_games(), positive_affine_maps(), st.sampled_from([0, 1]))
def test_property_positive_affine_invariance(g: NormalFormGame, affine: tuple[F, F],
                                             player: int) -> None:
    # Best responses, hence equilibria, are unchanged by u_i -> a u_i + b with a > 0.
    a, b = affine
    arrays = [np.array(p, dtype=object) for p in g.to_exact().payoffs]
    arrays[player] = arrays[player] * a + b
    transformed = NormalFormGame.from_arrays(*arrays)
    assert profiles(extreme_equilibria(transformed)) == profiles(extreme_equilibria(g))


@given(rational_bimatrix_games())
def test_property_transposed_game_swaps_the_players(g: NormalFormGame) -> None:
    # (x, y) is an equilibrium of (A, B) iff (y, x) is one of (B^T, A^T).
    A, B = g.payoff_matrices()
    swapped = NormalFormGame.from_arrays(np.array(B.T), np.array(A.T))
    expected = {(y, x) for x, y in profiles(extreme_equilibria(g))}
    assert profiles(extreme_equilibria(swapped)) == expected


@settings(max_examples=50)
@given(float_bimatrix_games(min_strategies=2))
def test_property_nondegenerate_games_have_an_odd_number(g: NormalFormGame) -> None:
    # A non-degenerate bimatrix game has an odd number of equilibria
    # (Lemke and Howson 1964; von Stengel 2007, ch. 3).
    result = extreme_equilibria(g)
    if not result.degenerate:
        assert len(result.equilibria) % 2 == 1
