"""Symbolic payoffs: substitution and conditions for optimality.

Expected conditions are derived with sympy from the payoffs written in each test
(the derivation is the comment), never copied from the code under test.
"""

from __future__ import annotations

from fractions import Fraction as F

import pytest
import sympy

from games import Chance, Decision, ExtensiveFormGame, InputError, NormalFormGame, Terminal
from games.solvers.spe import subgame_perfect_equilibria
from games.symbolic import best_response_conditions, optimality_conditions, symbol

a, c_A, v_A, p = (symbol(n) for n in ("a", "c_A", "v_A", "p"))


def deterrence() -> ExtensiveFormGame:
    """Challenger challenges or not; the ally fights (cost c_A) or abstains (loses v_A, pays a)."""
    return ExtensiveFormGame.from_tree(
        Decision("Challenger", [
            ("Status quo", Terminal((0, 0))),
            ("Challenge", Decision("Ally", [
                ("Fight", Terminal((-1, -c_A))),
                ("Abstain", Terminal((1, -v_A - a))),
            ])),
        ]),
        players=["Challenger", "Ally"])


def test_audience_cost_threshold_matches_the_closed_form() -> None:
    # The ally fights iff -c_A >= -v_A - a, i.e. a >= c_A - v_A (solve for a with sympy).
    conditions = optimality_conditions(deterrence(), node=2)
    threshold = sympy.solve(sympy.Eq(-c_A, -v_A - a), a)[0]
    assert sympy.simplify(threshold - (c_A - v_A)) == 0
    fight = conditions["Fight"]
    for values in ({c_A: 3, v_A: 1, a: 2}, {c_A: 3, v_A: 1, a: F(19, 10)},
                   {c_A: 1, v_A: 2, a: 0}):
        expected = values[a] >= values[c_A] - values[v_A]
        assert bool(fight.subs(values)) is expected
        assert bool(conditions["Abstain"].subs(values)) is (
            values[a] <= values[c_A] - values[v_A])


def test_subs_gives_the_numeric_game_and_the_spe_flips_at_the_threshold() -> None:
    game = deterrence()
    assert game.symbolic and game.free_symbols == {a, c_A, v_A}
    # c_A = 3, v_A = 1: threshold a* = 2.  Below it the ally abstains and the challenger
    # challenges (payoff 1 > 0); above it the ally fights and the challenger stays put.
    below = subgame_perfect_equilibria(game.subs({"a": 1, "c_A": 3, "v_A": 1}))
    above = subgame_perfect_equilibria(game.subs({"a": 3, "c_A": 3, "v_A": 1}))
    assert [eq.payoffs for eq in below.equilibria] == [(F(1), F(-2))]
    assert [eq.payoffs for eq in above.equilibria] == [(F(0), F(0))]
    at = subgame_perfect_equilibria(game.subs({"a": 2, "c_A": 3, "v_A": 1}))
    assert len(at.equilibria) == 2 and at.ties


def test_subs_keeps_exact_values_exact_and_floats_float() -> None:
    game = deterrence()
    exact = game.subs({"a": F(1, 3), "c_A": 2, "v_A": 0})
    assert exact.exact
    assert exact.outcomes[2].payoffs == (F(1), F(-1, 3))
    floats = game.subs({"a": 0.5, "c_A": 2, "v_A": 0})
    assert floats.outcomes[2].payoffs[1] == -0.5 and not floats.exact


def test_missing_parameter_is_named() -> None:
    with pytest.raises(InputError, match=r"no value for parameter.*v_A"):
        deterrence().subs({"a": 1, "c_A": 1})


def test_symbolic_games_are_refused_by_numeric_solvers() -> None:
    with pytest.raises(InputError, match="substitute parameters first"):
        subgame_perfect_equilibria(deterrence())


def test_conditions_follow_the_continuation_and_chance() -> None:
    # If the ally stands, Nature makes the challenger resolved with probability p (war:
    # the ally pays c_A) or irresolute (it backs down: the ally gains 1); folding costs a.
    # Stand is worth p * (-c_A) + (1 - p) * 1, Fold -a: Stand is optimal iff
    # p * (-c_A) + (1 - p) >= -a.
    game = ExtensiveFormGame.from_tree(
        Decision("Ally", [
            ("Stand", Chance([("Resolved", p, Terminal((-c_A,))),
                              ("Irresolute", 1 - p, Terminal((1,)))])),
            ("Fold", Terminal((-a,))),
        ]),
        players=["Ally"])
    stand = optimality_conditions(game, node=0)["Stand"]
    expected = sympy.Ge(p * (-c_A) + (1 - p), -a)
    for values in ({p: F(1, 2), c_A: 4, a: 1}, {p: F(1, 2), c_A: 4, a: F(1, 2)},
                   {p: F(1, 4), c_A: 2, a: 0}):
        assert bool(stand.subs(values)) is bool(expected.subs(values))


def test_conditions_need_a_choice_below() -> None:
    game = deterrence()
    with pytest.raises(InputError, match="no choice given"):
        optimality_conditions(game, node=0)
    # With the ally fighting (infoset 1, action 0) the challenger prefers the status quo
    # iff 0 >= -1: always.
    assert optimality_conditions(game, node=0, choices={1: 0})["Status quo"] == sympy.true


def test_best_response_conditions_in_a_symbolic_bimatrix() -> None:
    # Row player: Hawk vs Dove with prize v and fight cost c: Hawk against Hawk pays
    # (v - c) / 2, Dove against Hawk pays 0, so Hawk is a best response to Hawk iff v >= c.
    v, c = symbol("v"), symbol("c")
    row = [[(v - c) / 2, v], [0, v / 2]]
    game = NormalFormGame.from_arrays(row, [[r[0] for r in row], [r[1] for r in row]],
                                      strategies=[["Hawk", "Dove"], ["Hawk", "Dove"]])
    conditions = best_response_conditions(game, player=0, others=[0, 0])
    for values in ({v: 2, c: 1}, {v: 1, c: 2}, {v: 1, c: 1}):
        assert bool(conditions["Hawk"].subs(values)) is (values[v] >= values[c])
    numeric = game.subs({"v": 2, "c": 4})
    assert numeric.exact and numeric.payoffs[0][0, 0] == F(-1)
