"""The engine's audience-cost threshold and selected play against the closed form.

The oracle is the closed form of the extended-deterrence game
(:mod:`analysis.models.deterrence`), solved by hand by backward induction.  With
π_X = p_X·v_C - c_C + b (the challenger's gain from pressing on over backing down
after response X):

* π_I < 0: the challenger backs down after an intervention, so intervening costs
  the ally nothing and it complies at no cost: a*_eff = 0;
* π_I > 0: since p_I ≤ p_L ≤ p_S (and v_C ≥ 0), π_L, π_S ≥ π_I > 0, so the challenger
  presses on after every response, and the ally's values are
  u_I = -p_I·v_A - c_A, u_L = -p_L·v_A - c_L - a_eff·[L short], u_S = -p_S·v_A - a_eff·[S short];

  - L and S short: a*_eff = max(0, c_A - (p_S - p_I)·v_A, (c_A - c_L) - (p_L - p_I)·v_A);
  - only S short:  a*_eff = max(0, min(c_A - (p_S - p_I)·v_A, c_L - (p_S - p_L)·v_A)).

Tie rule (analysis.verdicts): an indifferent ally takes the first optimal response
in the order I, L, S; an indifferent challenger backs down, and does not challenge.
So the ally complies iff a_eff ≥ a*_eff, and the challenger challenges iff
p_X·v_C - c_C > 0 for the ally's selected response X (pressing on then beats both
backing down, -b < 0, and the status quo, 0).

:func:`test_closed_form_follows_from_the_engines_continuation_values` derives the
same formulas symbolically from :func:`games.symbolic.continuation_values`.  The
property tests draw exact rationals (``tests.strategies.deterrence_parameters``) and
run :func:`analysis.verdicts.analyze` on a minimal synthetic treaty and scenario with
the parameters as overrides; the knife edges π_I = 0 and δ·a = a*_eff (where the
tie rule decides) are excluded there and tested on their own, where ``ties`` must
be reported.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import sympy
from hypothesis import assume, event, given, settings
from hypothesis import strategies as st

from analysis.models.deterrence import (
    A_EFF,
    ALLY_NODE,
    challenger_node,
    deterrence_game,
)
from analysis.rules import ACTIONS, Action
from analysis.verdicts import Reading, analyze, solve_play, threshold_effective, threshold_latex
from games.symbolic import continuation_values
from tests.strategies import audience_costs, deterrence_parameters
from treaties.scenario import Scenario
from treaties.schema import Treaty

F = Fraction
ALL_MEANS: frozenset[Action] = frozenset({"L", "S"})
UNSPECIFIED: frozenset[Action] = frozenset({"S"})
HELP_FOR_SHORT = {ALL_MEANS: "all_means", UNSPECIFIED: "unspecified"}
ESCAPES: dict[Fraction, tuple[str, ...]] = {
    # δ = product of the escape factors of the built-in rulebook (0.5 each).
    F(1): (),
    F(1, 2): ("in accordance with its constitutional processes",),
    F(1, 4): ("in accordance with its constitutional processes",
              "subject to the laws of the parties"),
}
"""Escape wording of the synthetic treaty, by the δ it leaves."""


# ----------------------------------------------------------------------------- the oracle
def pi(values: Mapping[str, Fraction], action: Action) -> Fraction:
    """π_X: the challenger's gain from pressing on over backing down after ``action``."""
    return values[f"p_{action}"] * values["v_C"] - values["c_C"] + values["b"]


def closed_form_threshold(values: Mapping[str, Fraction], short: frozenset[str]) -> Fraction:
    """a*_eff from the closed form (at π_I = 0 the challenger backs down, so 0)."""
    p_I, p_L, p_S = values["p_I"], values["p_L"], values["p_S"]
    v_A, c_A, c_L = values["v_A"], values["c_A"], values["c_L"]
    if pi(values, "I") <= 0:
        return F(0)
    if short == ALL_MEANS:
        return max(F(0), c_A - (p_S - p_I) * v_A, (c_A - c_L) - (p_L - p_I) * v_A)
    if short == UNSPECIFIED:
        return max(F(0), min(c_A - (p_S - p_I) * v_A, c_L - (p_S - p_L) * v_A))
    raise ValueError(f"no closed form for short = {sorted(short)}")


@dataclass(frozen=True)
class Predicted:
    """The play the closed form predicts at one a_eff, under the tie rule."""

    ally_action: Action
    challenge: bool
    presses_on: dict[Action, bool]


def predicted_play(values: Mapping[str, Fraction], short: frozenset[str],
                   a_eff: Fraction) -> Predicted:
    """Backward induction by hand, straight from the model's description."""
    cost = {"I": values["c_A"], "L": values["c_L"], "S": F(0)}
    presses = {x: pi(values, x) > 0 for x in ACTIONS}          # ties: back down
    ally = {x: (-values[f"p_{x}"] * values["v_A"] - cost[x] if presses[x] else F(0))
            - (a_eff if x in short else F(0)) for x in ACTIONS}
    best = max(ally.values())
    action = next(x for x in ACTIONS if ally[x] == best)       # ties: I, then L, then S
    challenger = (values[f"p_{action}"] * values["v_C"] - values["c_C"] if presses[action]
                  else -values["b"])
    return Predicted(action, challenger > 0, presses)           # ties: no challenge


# ----------------------------------------------------------------------------- the engine
@functools.cache
def synthetic_case(required_help: str, delta: Fraction) -> tuple[Treaty, Scenario]:
    """A minimal treaty (party 2 owes party 20) and a crisis that triggers it.

    One unconditional defence obligation, with the help owed and escape wording
    that the built-in rulebook discounts to ``delta``; the scenario is one armed
    attack by 365 on 20, with ally 2 analysed for 20 and no ``params`` block.
    """
    treaty = Treaty.model_validate({
        "id": "synthetic-pact", "name": "Synthetic pact", "signed": dt.date(2000, 1, 1),
        "parties": [2, 20], "sources": [{"citation": "generated for the tests"}],
        "phases": [{"id": "main", "start": dt.date(2000, 1, 1)}],
        "obligations": [{
            "id": "defence", "obligor": [2], "beneficiaries": [20], "type": "defense",
            "required_help": required_help, "escape_wording": list(ESCAPES[delta]),
            "evidence": [{"article": "Art. 1", "quote": "an invented clause",
                          "source_url": "https://example.org", "verified": False}],
        }],
    })
    scenario = Scenario.model_validate({
        "id": "synthetic-crisis", "name": "Synthetic crisis", "date": dt.date(2001, 1, 1),
        "hostilities": [{"attacker": [365], "target": [20], "initiator": 365,
                         "theatre": "europe", "severity": "armed_attack",
                         "date": dt.date(2001, 1, 1)}],
        "allies": [{"ally": 2, "for": [20]}],
    })
    return treaty, scenario


def engine_reading(values: Mapping[str, Fraction], a: Fraction, short: frozenset[Action],
                   delta: Fraction) -> Reading:
    """The single reading of :func:`analyze` on the synthetic case with these parameters."""
    treaty, scenario = synthetic_case(HELP_FOR_SHORT[short], delta)
    analysis = analyze(treaty, scenario, 2, {**values, "a": a}, with_nash=False)
    [reading] = analysis.readings
    assert reading.modifiers is not None
    assert reading.modifiers.short == short and reading.delta == delta
    return reading


def check_against_closed_form(values: dict[str, Fraction], a: Fraction,
                              short: frozenset[Action], delta: Fraction) -> None:
    a_eff = delta * a
    expected = closed_form_threshold(values, short)
    assume(pi(values, "I") != 0 and a_eff != expected)  # knife edges: tested below
    event(f"pi_I {'> 0' if pi(values, 'I') > 0 else '< 0'}")
    reading = engine_reading(values, a, short, delta)
    assert reading.threshold_effective == expected
    assert reading.threshold == expected / delta
    assert reading.without is not None and reading.with_cost is not None
    for play, cost in ((reading.without, F(0)), (reading.with_cost, a_eff)):
        predicted = predicted_play(values, short, cost)
        assert play.a_eff == cost
        assert (play.ally_action not in short) == (cost >= expected)
        assert play.ally_action == predicted.ally_action
        assert play.challenge == predicted.challenge
        assert dict(play.presses_on) == predicted.presses_on
    verdict = ("irrelevant_credible_anyway" if expected == 0
               else "binding" if a_eff > expected else "insufficient")
    event(verdict)
    assert reading.verdict == verdict


@settings(max_examples=1000, deadline=None)
@given(deterrence_parameters(), audience_costs(), st.sampled_from(sorted(ESCAPES)))
def test_all_means_threshold_and_play_match_the_closed_form(
        values: dict[str, Fraction], a: Fraction, delta: Fraction) -> None:
    check_against_closed_form(values, a, ALL_MEANS, delta)


@settings(max_examples=1000, deadline=None)
@given(deterrence_parameters(), audience_costs(), st.sampled_from(sorted(ESCAPES)))
def test_unspecified_threshold_and_play_match_the_closed_form(
        values: dict[str, Fraction], a: Fraction, delta: Fraction) -> None:
    check_against_closed_form(values, a, UNSPECIFIED, delta)


def test_the_worked_example_by_hand() -> None:
    # The defaults (the worked example): π_I = 3 - 1 + 1 = 3 > 0;
    # all means: max(0, 3 - 1/2·4, 2 - 1/5·4) = max(0, 1, 6/5) = 6/5;
    # unspecified: max(0, min(3 - 2, 1 - 6/5)) = 0.
    values = {"v_C": F(10), "c_C": F(1), "b": F(1), "p_I": F(3, 10), "p_L": F(1, 2),
              "p_S": F(4, 5), "v_A": F(4), "c_A": F(3), "c_L": F(1)}
    assert closed_form_threshold(values, ALL_MEANS) == F(6, 5)
    assert closed_form_threshold(values, UNSPECIFIED) == 0
    assert predicted_play(values, ALL_MEANS, F(0)).ally_action == "L"
    assert predicted_play(values, ALL_MEANS, F(2)).ally_action == "I"


# ----------------------------------------------------------------------------- knife edges
@settings(max_examples=150, deadline=None)
@given(deterrence_parameters(), audience_costs(), st.sampled_from([ALL_MEANS, UNSPECIFIED]))
def test_challenger_indifferent_after_intervention_is_a_tie(
        values: dict[str, Fraction], a: Fraction, short: frozenset[Action]) -> None:
    # π_I = 0: pressing on after I pays the challenger exactly -b.  Both replies are
    # subgame perfect; the tie rule backs down, so intervening costs the ally nothing.
    values = {**values, "c_C": values["p_I"] * values["v_C"] + values["b"]}
    assert pi(values, "I") == 0
    reading = engine_reading(values, a, short, F(1))
    assert reading.ties
    assert reading.without is not None and reading.with_cost is not None
    assert reading.without.ties and reading.with_cost.ties
    assert not reading.without.presses_on["I"]
    assert reading.threshold_effective == 0
    assert reading.without.ally_action == "I"
    assert reading.verdict == "irrelevant_credible_anyway"


@settings(max_examples=200, deadline=None)
@given(deterrence_parameters(presses_on=True), st.sampled_from([ALL_MEANS, UNSPECIFIED]),
       st.sampled_from(sorted(ESCAPES)))
def test_audience_cost_exactly_at_the_threshold_is_a_tie(
        values: dict[str, Fraction], short: frozenset[Action], delta: Fraction) -> None:
    # δ·a = a*_eff > 0: the ally is indifferent between complying and its best short
    # response; the tie rule takes the more compliant one, so the cost binds exactly.
    expected = closed_form_threshold(values, short)
    assume(expected > 0)
    reading = engine_reading(values, expected / delta, short, delta)
    assert reading.with_cost is not None and reading.with_cost.ties
    assert reading.ties
    assert reading.threshold_effective == expected
    assert reading.with_cost.ally_action not in short
    assert reading.verdict == "binding"


# ----------------------------------------------------------------------------- lower level
@settings(max_examples=300, deadline=None)
@given(deterrence_parameters(), st.sampled_from([ALL_MEANS, UNSPECIFIED]), audience_costs())
def test_solve_play_and_threshold_effective_directly(
        values: dict[str, Fraction], short: frozenset[Action], a_eff: Fraction) -> None:
    # The same oracle, one level down: the game, the exact SPE and the threshold.
    expected = closed_form_threshold(values, short)
    assume(a_eff != expected)
    game = deterrence_game(short)
    play = solve_play(game, values, a_eff)
    without = solve_play(game, values, F(0))
    assert threshold_effective(game, values, without.presses_on, short) == expected
    predicted = predicted_play(values, short, a_eff)
    assert (play.ally_action, play.challenge) == (predicted.ally_action, predicted.challenge)
    assert (play.ally_action not in short) == (a_eff > expected)


# ----------------------------------------------------------------------------- symbolic
def symbols_of(game: Any) -> dict[str, sympy.Symbol]:
    return {s.name: s for s in game.free_symbols}


def ally_values(game: Any, presses: Mapping[Action, bool]) -> dict[Action, sympy.Expr]:
    """The ally's value of each response, from the engine's symbolic continuation values."""
    choices = {game.nodes[challenger_node(x)].infoset: int(presses[x]) for x in ACTIONS}
    values = continuation_values(game, ALLY_NODE, choices)
    return {x: sympy.expand(values[k][1]) for k, x in enumerate(ACTIONS)}


def crossing(u: Mapping[Action, sympy.Expr], compliant: Action, shortfall: Action,
             a_eff: sympy.Symbol) -> sympy.Expr:
    """The a_eff at which a compliant response and a short one are worth the same."""
    [root] = sympy.solve(sympy.Eq(u[compliant], u[shortfall]), a_eff)
    return sympy.expand(root)


def test_closed_form_follows_from_the_engines_continuation_values() -> None:
    for short in (ALL_MEANS, UNSPECIFIED):
        game = deterrence_game(short)
        s = symbols_of(game)
        p = {x: s[f"p_{x}"] for x in ACTIONS}
        v_C, c_C, b, v_A, c_A, c_L, a_eff = (s[n] for n in (
            "v_C", "c_C", "b", "v_A", "c_A", "c_L", A_EFF))
        # The challenger's reply after X: press on iff π_X = p_X·v_C - c_C + b > 0.
        for x in ACTIONS:
            back_down, press_on = continuation_values(game, challenger_node(x), {})
            assert sympy.expand(press_on[0] - back_down[0] - (p[x] * v_C - c_C + b)) == 0
        # π_L - π_I and π_S - π_I are (p_L - p_I)·v_C and (p_S - p_I)·v_C: never negative.
        assert sympy.expand((p["L"] - p["I"]) * v_C - (p["L"] * v_C - p["I"] * v_C)) == 0

        # π_I < 0 (backs down after I, whatever it does after L and S): I is worth 0,
        # which no response beats, so the threshold is 0.
        for after_l in (False, True):
            for after_s in (False, True):
                u = ally_values(game, {"I": False, "L": after_l, "S": after_s})
                assert u["I"] == 0

        # π_I > 0: presses on after everything.  Each short response Y stops being
        # preferred at the a_eff solving u_best_compliant = u_Y.
        u = ally_values(game, {"I": True, "L": True, "S": True})
        assert u["I"] == sympy.expand(-p["I"] * v_A - c_A)
        assert sympy.diff(u["S"], a_eff) == -1

        term_s = sympy.expand(c_A - (p["S"] - p["I"]) * v_A)
        if short == ALL_MEANS:
            assert crossing(u, "I", "S", a_eff) == term_s
            assert crossing(u, "I", "L", a_eff) == sympy.expand(
                (c_A - c_L) - (p["L"] - p["I"]) * v_A)
        else:
            # Only S falls short: the ally needs a_eff ≥ u_S - max(u_I, u_L)
            # = min(u_S - u_I, u_S - u_L) at a_eff = 0.
            assert sympy.diff(u["L"], a_eff) == 0
            base = {x: u[x].subs(a_eff, 0) for x in ACTIONS}
            assert sympy.expand(base["S"] - base["I"]) == term_s
            assert sympy.expand(base["S"] - base["L"]) == sympy.expand(
                c_L - (p["S"] - p["L"]) * v_A)


def test_threshold_latex_is_the_closed_form() -> None:
    game = deterrence_game(ALL_MEANS)
    s = symbols_of(game)
    p_I, p_L, p_S, v_A, c_A, c_L = (s[n] for n in ("p_I", "p_L", "p_S", "v_A", "c_A", "c_L"))
    presses = {x: True for x in ACTIONS}
    expected = sympy.Max(0, sympy.expand(c_A - (p_S - p_I) * v_A),
                         sympy.expand((c_A - c_L) - (p_L - p_I) * v_A))
    assert threshold_latex(game, presses, ALL_MEANS) == sympy.latex(expected)
    # Only S short: max(0, u_S - max(u_I, u_L)), written with the model's values.
    game = deterrence_game(UNSPECIFIED)
    s = symbols_of(game)
    p_I, p_L, p_S, v_A, c_A, c_L = (s[n] for n in ("p_I", "p_L", "p_S", "v_A", "c_A", "c_L"))
    expected = sympy.Max(0, -p_S * v_A - sympy.Max(-p_I * v_A - c_A, -p_L * v_A - c_L))
    assert threshold_latex(game, presses, UNSPECIFIED) == sympy.latex(expected)
