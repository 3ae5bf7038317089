"""Normal-form utilities: pure equilibria for n players, IESDS, best responses."""

from __future__ import annotations

from fractions import Fraction as F

import numpy as np
import pytest
import sympy

from games import InputError, NormalFormGame
from games.certificates import max_regret
from games.solvers.best_response import best_responses
from games.solvers.dominance import iterated_elimination
from games.solvers.pure import pure_equilibria

# Prisoner's dilemma, strategies (Cooperate, Defect): mutual cooperation 3, temptation 5,
# sucker 0, mutual defection 1.  Defect strictly dominates Cooperate for both players.
PD_ROW = [[3, 0], [5, 1]]
PD_COL = [[3, 5], [0, 1]]


def test_prisoners_dilemma_pure_equilibrium_and_dominance() -> None:
    game = NormalFormGame.from_arrays(PD_ROW, PD_COL, strategies=[["C", "D"], ["C", "D"]])
    result = pure_equilibria(game)
    assert [eq.profile for eq in result.equilibria] == [((F(0), F(1)), (F(0), F(1)))]
    assert result.equilibria[0].payoffs == (F(1), F(1))
    reduced, removed = iterated_elimination(game)
    assert reduced.strategies == (("D",), ("D",))
    assert [(e.player, e.label) for e in removed] == [(0, "C"), (1, "C")]


def test_three_player_pure_equilibria() -> None:
    # Three-player coordination: everyone gets 1 when all choose the same action, else 0.
    # Pure equilibria: (0, 0, 0) and (1, 1, 1); every other profile has a player who gains 1
    # by switching... no: a lone deviant from a mismatched profile cannot create agreement
    # unless the other two already agree, so profiles where two agree and one differs are
    # not equilibria (the odd one out gains 1), and no profile has all three different.
    agree = np.zeros((2, 2, 2), dtype=int)
    agree[0, 0, 0] = agree[1, 1, 1] = 1
    game = NormalFormGame.from_arrays(agree, agree, agree)
    result = pure_equilibria(game)
    pure = [tuple(p.index(F(1)) for p in eq.profile) for eq in result.equilibria]
    assert pure == [(0, 0, 0), (1, 1, 1)]
    assert all(eq.max_regret == 0 for eq in result.equilibria)


def test_float_games_use_the_certificate_tolerance() -> None:
    # Payoffs 0.1 + 0.2 and 0.3 differ only by float rounding: both count as best.
    game = NormalFormGame.from_arrays([[0.1 + 0.2], [0.3]], [[1.0], [1.0]])
    assert len(pure_equilibria(game).equilibria) == 2
    assert best_responses(game, [[1.0, 0.0], [1.0]], 0) == (0, 1)


def test_iesds_removes_in_rounds() -> None:
    # Row: U strictly dominates D only after column R is removed (R is dominated by L).
    row = [[2, 0], [1, 3]]   # U, D against L, R
    col = [[3, 1], [2, 0]]   # L dominates R for the column player
    game = NormalFormGame.from_arrays(row, col, strategies=[["U", "D"], ["L", "R"]])
    reduced, removed = iterated_elimination(game)
    assert [(e.player, e.label) for e in removed] == [(1, "R"), (0, "D")]
    assert reduced.strategies == (("U",), ("L",))


def test_best_responses_to_a_mixed_strategy() -> None:
    # Matching pennies: against (1/2, 1/2) both of the row player's strategies earn 0.
    game = NormalFormGame.from_arrays([[1, -1], [-1, 1]], [[-1, 1], [1, -1]])
    half = (F(1, 2), F(1, 2))
    assert best_responses(game, [half, half], 0) == (0, 1)
    assert best_responses(game, [half, (F(1), F(0))], 0) == (0,)
    assert max_regret(game, [half, half]) == 0
    assert max_regret(game, [(F(1), F(0)), (F(1), F(0))]) == 2


def test_game_validation() -> None:
    with pytest.raises(InputError, match="not a finite number"):
        NormalFormGame.from_arrays([[np.nan]], [[0.0]])
    with pytest.raises(InputError, match="shape"):
        NormalFormGame.from_arrays([[1, 2]], [[1], [2]])
    with pytest.raises(InputError, match="duplicate player names"):
        NormalFormGame.from_arrays([[1]], [[1]], players=["A", "A"])
    with pytest.raises(InputError, match="symbolic payoffs"):
        pure_equilibria(NormalFormGame.from_arrays([sympy.Symbol("x"), 0]))


def test_exact_and_float_conversions() -> None:
    game = NormalFormGame.from_arrays([[0.1, 2]], [[1, 0.5]])
    exact = game.to_exact()
    assert exact.exact and exact.payoffs[0][0, 0] == F(1, 10)
    assert exact.to_float().payoffs[0].dtype == np.float64
    assert NormalFormGame.from_arrays(PD_ROW, PD_COL) == NormalFormGame.from_arrays(
        np.array(PD_ROW), np.array(PD_COL))
