"""Edge cases found in review, each with the answer derived in its comment."""

from __future__ import annotations

from fractions import Fraction as F

import pytest
import sympy

from games import (
    Chance,
    Decision,
    ExtensiveFormGame,
    InputError,
    NormalFormGame,
    Terminal,
)
from games.certificates import is_nash
from games.solvers.spe import subgame_perfect_equilibria


def test_a_game_where_nobody_moves() -> None:
    # The root is terminal: one (empty) equilibrium with the root's payoffs.
    game = ExtensiveFormGame.from_tree(Terminal((1, 2)), players=["A", "B"])
    [equilibrium] = subgame_perfect_equilibria(game).equilibria
    assert equilibrium.profile == ((), ()) and equilibrium.payoffs == (F(1), F(2))


def test_huge_exact_payoffs_stay_exact() -> None:
    # 10**400 does not fit a float; A takes it over 0.
    big = 10**400
    game = ExtensiveFormGame.from_tree(
        Decision("A", [("L", Terminal((big, 0))), ("R", Terminal((0, 0)))]), players=["A", "B"])
    [equilibrium] = subgame_perfect_equilibria(game).equilibria
    assert equilibrium.payoffs == (F(big), F(0)) and equilibrium.max_regret == 0


def simultaneous(sunk: object, last: object, direct: object) -> ExtensiveFormGame:
    """A picks T or D; B, not seeing it, picks l (B gets ``direct``) or r, which passes a
    node paying B ``sunk`` and then ends paying B ``last``.  A wants B to play l after T
    and r after D."""
    def column(after_l: int, after_r: int) -> Decision:
        return Decision("B", [
            ("l", Terminal((after_l, direct))),
            ("r", Decision("B", [("ok", Terminal((after_r, last)))], payoffs=(0, sunk))),
        ], infoset="h")
    return ExtensiveFormGame.from_tree(
        Decision("A", [("T", column(1, 0)), ("D", column(0, 1))]), players=["A", "B"])


def test_float_rounding_does_not_break_ties_in_imperfect_subgames() -> None:
    # B's l pays 0.3 and r pays 0.1 + 0.2 = 0.30000000000000004 in floats.  In exact
    # arithmetic (1/10 + 2/10 = 3/10) B is indifferent and the float game must agree.
    floats = subgame_perfect_equilibria(simultaneous(0.1, 0.2, 0.3))
    exact = subgame_perfect_equilibria(simultaneous(F(1, 10), F(2, 10), F(3, 10)))
    assert len(exact.equilibria) > 1
    assert len(floats.equilibria) == len(exact.equilibria)
    assert {tuple(tuple(float(p) for p in player) for player in eq.profile)
            for eq in floats.equilibria} == {
        tuple(tuple(float(p) for p in player) for player in eq.profile)
        for eq in exact.equilibria}


def test_float_tie_tolerance_scales_with_accumulated_payoffs() -> None:
    # 3000 steps each paying 1.0, then L = 0.3 against R = 0.1 (on the way) + 0.2: a tie
    # in exact arithmetic, so two SPE, even though the accumulated floats differ by ~5e-13.
    spec: Decision | Terminal = Decision("P", [
        ("L", Terminal((0.3,))),
        ("R", Decision("P", [("-", Terminal((0.2,)))], payoffs=(0.1,)))])
    for _ in range(3000):
        spec = Decision("P", [("on", spec)], payoffs=(1.0,))
    result = subgame_perfect_equilibria(ExtensiveFormGame.from_tree(spec, players=["P"]))
    assert len(result.equilibria) == 2 and result.ties


def test_exact_certificates_never_round() -> None:
    # Row's regret at (T, L) is 1/10**400 > 0: not an equilibrium, however small.
    tiny = F(1, 10**400)
    game = NormalFormGame.from_arrays([[0, 0], [tiny, tiny]], [[0, 0], [0, 0]])
    assert not is_nash(game, [(F(1), F(0)), (F(1), F(0))])
    assert is_nash(game, [(F(0), F(1)), (F(1), F(0))])


@pytest.mark.parametrize("spec", [
    "oops",
    Terminal(5),  # type: ignore[arg-type]
    Decision("A", [("L", "oops")]),  # type: ignore[list-item]
    Decision("A", [("L", Terminal((1,)), "extra")]),  # type: ignore[list-item]
    Chance([("h", F(1, 2))]),  # type: ignore[list-item]
])
def test_malformed_tree_specs_are_input_errors(spec: object) -> None:
    with pytest.raises(InputError):
        ExtensiveFormGame.from_tree(spec, players=["A"])  # type: ignore[arg-type]


@pytest.mark.parametrize(("value", "shown"), [(0, "zoo"), (-1, "I")])
def test_substitution_into_infinite_or_complex_values(value: int, shown: str) -> None:
    # 1/x at x = 0 is complex infinity (zoo); sqrt(x) at x = -1 is I.
    x = sympy.Symbol("x")
    payoff = 1 / x if value == 0 else sympy.sqrt(x)
    game = ExtensiveFormGame.from_tree(Terminal((payoff,)), players=["P"])
    with pytest.raises(InputError, match=f"{shown} is not a finite real number"):
        game.subs({"x": value})


def test_a_game_without_players_has_no_strategic_form() -> None:
    # Nature alone: the SPE is just the expectation; there is nothing to put in a table.
    from games import UnsupportedGameError
    from games.solve import solve_tree

    game = ExtensiveFormGame.from_tree(
        Chance([("a", F(1, 2), Terminal(())), ("b", F(1, 2), Terminal(()))]), players=[])
    assert len(solve_tree(game).equilibria) == 1
    with pytest.raises(UnsupportedGameError, match="no players"):
        solve_tree(game, all_equilibria=True)
