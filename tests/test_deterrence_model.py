"""The extended-deterrence game: its layout, its SPE, and the Nash check beside them.

* The tree (:func:`analysis.models.deterrence.deterrence_game`) is the one the model
  describes: C keeps the status quo (0, 0) or challenges; A intervenes (I), gives
  limited aid (L) or stays out (S); C backs down (C: -b, A: -a_eff·short(X)) or
  presses on (C: p_X·v_C - c_C, A: -p_X·v_A - k_X - a_eff·short(X)), k_I = c_A,
  k_L = c_L, k_S = 0.
* Every SPE, written as a profile of the reduced strategic form, has regret exactly 0
  there (:func:`games.certificates.max_regret`), in exact arithmetic.
* :func:`analysis.verdicts.nash_check` lists Nash equilibria that are not subgame
  perfect, at documented parameter points (below, with the reason for each).
* pygambit 16.7 solves the same game (built by ``tests/gambit_bridge.py``): the set of
  pure SPE it certifies (every decision node best-responds, by
  ``MixedBehaviorProfile.node_value``, on and off the path) equals ours, and each SPE
  is among ``pygambit.nash.enumpure_solve``'s equilibria with the same payoffs.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.models.deterrence import (
    A_EFF,
    ALLY_NODE,
    PLAYERS,
    challenger_node,
    deterrence_game,
    numeric_game,
)
from analysis.parameters import resolve
from analysis.rules import ACTIONS, Action
from analysis.verdicts import nash_check, solve_play
from games.certificates import is_nash, max_regret, subgame_perfect_regret
from games.extensive_form import ExtensiveFormGame
from games.numbers import Payoff
from games.play import unflatten_behaviour
from games.solvers.spe import subgame_perfect_equilibria
from games.strategic import ReducedStrategy, mixed_to_behaviour, reduced_strategic_form
from games.subgames import subgame_roots
from games.symbolic import symbol
from tests.gambit_bridge import (
    pure_equilibria_by_label,
    pygambit_nodes,
    rational,
    tree_to_pygambit,
)
from tests.strategies import audience_costs, deterrence_parameters

F = Fraction
ALL_MEANS: frozenset[Action] = frozenset({"L", "S"})
UNSPECIFIED: frozenset[Action] = frozenset({"S"})
DEFAULTS = {k: v for k, v in resolve().values.items() if k != "a"}
"""The registry's defaults (the issue's worked example), without a."""


def at(short: frozenset[Action], a_eff: Fraction, **changes: Fraction) -> ExtensiveFormGame:
    """The numeric game at the defaults changed by ``changes``."""
    return numeric_game(deterrence_game(short), {**DEFAULTS, **changes}, a_eff)


# ----------------------------------------------------------------------------- layout
@pytest.mark.parametrize("short", [ALL_MEANS, UNSPECIFIED])
def test_free_symbols(short: frozenset[Action]) -> None:
    game = deterrence_game(short)
    assert sorted(s.name for s in game.free_symbols) == [
        "a_eff", "b", "c_A", "c_C", "c_L", "p_I", "p_L", "p_S", "v_A", "v_C"]
    assert all(s.is_real for s in game.free_symbols)
    # With nothing short there is no audience cost in the game at all.
    assert A_EFF not in {s.name for s in deterrence_game(frozenset()).free_symbols}


@pytest.mark.parametrize("short", [ALL_MEANS, UNSPECIFIED, frozenset({"I", "L", "S"})])
def test_node_layout_and_payoffs(short: frozenset[Action]) -> None:
    game = deterrence_game(short)
    assert game.players == PLAYERS == ("Challenger", "Ally")
    assert len(game.nodes) == 12
    # Pre-order: root, status quo, the ally's node, then C's node after I, L and S,
    # each followed by its two terminals (back down, press on).
    assert ALLY_NODE == 2 and [challenger_node(x) for x in ACTIONS] == [3, 6, 9]
    decisions = [i for i, n in enumerate(game.nodes) if n.infoset is not None]
    assert decisions == [0, 2, 3, 6, 9]
    assert subgame_roots(game) == (0, 2, 3, 6, 9)  # perfect information
    root, ally = game.infoset_of(0), game.infoset_of(ALLY_NODE)
    assert (game.players[root.player], root.actions) == ("Challenger", ("Status quo",
                                                                         "Challenge"))
    assert (game.players[ally.player], ally.actions) == (
        "Ally", ("Intervene", "Limited aid", "Stay out"))
    assert game.nodes[0].children == (1, ALLY_NODE)
    assert game.nodes[ALLY_NODE].children == (3, 6, 9)
    v_C, c_C, b, v_A, a_eff = (symbol(n) for n in ("v_C", "c_C", "b", "v_A", A_EFF))
    cost = {"I": symbol("c_A"), "L": symbol("c_L"), "S": sympy.Integer(0)}
    payoffs = game.node_payoffs
    assert tuple(payoffs[1]) == (0, 0)
    for x in ACTIONS:
        node = challenger_node(x)
        infoset = game.infoset_of(node)
        assert game.players[infoset.player] == "Challenger"
        assert infoset.actions == ("Back down", "Press on")
        back, press = game.nodes[node].children
        penalty = a_eff if x in short else 0
        p = symbol(f"p_{x}")
        assert sympy.expand(payoffs[back][0] + b) == 0
        assert sympy.expand(payoffs[back][1] + penalty) == 0
        assert sympy.expand(payoffs[press][0] - (p * v_C - c_C)) == 0
        assert sympy.expand(payoffs[press][1] - (-p * v_A - cost[x] - penalty)) == 0


# ----------------------------------------------------------------------------- SPE in the NF
def reduced_index(strategies: Sequence[ReducedStrategy],
                  behaviour: Sequence[Sequence[Payoff]]) -> int:
    """The reduced strategy a pure behaviour profile plays (its choices where specified)."""
    [index] = [k for k, s in enumerate(strategies)
               if all(behaviour[h][a] == 1 for h, a in s.choices)]
    return index


def spe_as_reduced_profiles(game: ExtensiveFormGame) -> list[tuple[tuple[Fraction, ...], ...]]:
    """Every SPE of ``game`` as a pure mixed profile of its reduced strategic form."""
    _, strategies = reduced_strategic_form(game)
    profiles = []
    for equilibrium in subgame_perfect_equilibria(game).equilibria:
        behaviour = unflatten_behaviour(game, equilibrium.profile)
        profile = []
        for player in range(game.n_players):
            index = reduced_index(strategies[player], behaviour)
            profile.append(tuple(F(int(k == index)) for k in range(len(strategies[player]))))
        profiles.append(tuple(profile))
    return profiles


def assert_spe_have_zero_regret(game: ExtensiveFormGame) -> None:
    normal, _ = reduced_strategic_form(game)
    assert normal.exact
    profiles = spe_as_reduced_profiles(game)
    assert profiles
    for profile in profiles:
        regret = max_regret(normal, profile)
        assert isinstance(regret, Fraction) and regret == 0
        assert is_nash(normal, profile)


@pytest.mark.parametrize("short, a_eff, changes", [
    (ALL_MEANS, F(0), {}), (ALL_MEANS, F(2), {}), (ALL_MEANS, F(6, 5), {}),
    (UNSPECIFIED, F(1), {}), (ALL_MEANS, F(2), {"c_C": F(10)}),
    (ALL_MEANS, F(0), {"c_C": F(4)}),
])
def test_spe_has_zero_regret_in_the_reduced_strategic_form(
        short: frozenset[Action], a_eff: Fraction, changes: dict[str, Fraction]) -> None:
    assert_spe_have_zero_regret(at(short, a_eff, **changes))


@settings(max_examples=150, deadline=None)
@given(deterrence_parameters(), audience_costs(), st.sampled_from([ALL_MEANS, UNSPECIFIED]))
def test_spe_has_zero_regret_at_random_parameters(
        values: dict[str, Fraction], a_eff: Fraction, short: frozenset[Action]) -> None:
    assert_spe_have_zero_regret(numeric_game(deterrence_game(short), values, a_eff))


# ----------------------------------------------------------------------------- Nash vs SPE
Row = tuple[dict[str, Payoff], dict[str, Payoff], bool, tuple[Payoff, ...]]


def labelled(short: frozenset[Action], a_eff: Fraction, **changes: Fraction) -> list[Row]:
    """nash_check at a point: each equilibrium's support (strategy labels), mark and payoffs.

    The check is completed, as in :func:`analysis.verdicts.analyze`, with the play
    selected at the same a_eff.
    """
    game = at(short, a_eff, **changes)
    play = solve_play(deterrence_game(short), {**DEFAULTS, **changes}, a_eff)
    _, strategies = reduced_strategic_form(game)
    check = nash_check(game, play)
    assert len(check.subgame_perfect) == len(check.result.equilibria)
    out = []
    for eq, perfect in zip(check.result.equilibria, check.subgame_perfect, strict=True):
        support = [{s.label: p for s, p in zip(strategies[i], eq.profile[i], strict=True) if p}
                   for i in range(2)]
        out.append((support[0], support[1], perfect, eq.payoffs))
    return out


def pure(game: ExtensiveFormGame, challenger: str,
         ally: str) -> tuple[list[Fraction], list[Fraction]]:
    """A pure profile of the reduced strategic form, by strategy labels."""
    _, strategies = reduced_strategic_form(game)
    return ([F(int(s.label == challenger)) for s in strategies[0]],
            [F(int(s.label == ally)) for s in strategies[1]])


def test_nash_check_flags_the_allys_non_credible_threat_to_intervene() -> None:
    # The example of docs/explanation/tied-hands-model.md: China-DPRK (all means owed)
    # with c_C = 7/2 and no audience cost.  ("1***", "1") — C keeps the status quo, A
    # "would intervene" — is a Nash equilibrium: intervention would leave C
    # p_I·v_C - c_C = -1/2 < 0, so C stays put, and A's plan is never tested.  It is
    # not credible: once challenged, A gets u_I = -21/5 from intervening against
    # u_L = -3 from limited aid (C presses on after both, π_I = 1/2 > 0).  The unique
    # SPE has A giving limited aid and C challenging.
    play = solve_play(deterrence_game(ALL_MEANS), {**DEFAULTS, "c_C": F(7, 2)}, F(0))
    assert (play.ally_action, play.challenge, len(play.result.equilibria)) == ("L", True, 1)
    found = labelled(ALL_MEANS, F(0), c_C=F(7, 2))
    threat = [row for row in found if row[:2] == ({"1***": 1}, {"1": 1})]
    assert threat == [({"1***": 1}, {"1": 1}, False, (F(0), F(0)))]
    # The SPE (challenge, press on everywhere; limited aid) is listed and marked.
    assert ({"2222": 1}, {"2": 1}, True, (F(3, 2), F(-3))) in found
    game = at(ALL_MEANS, F(0), c_C=F(7, 2))
    normal, strategies = reduced_strategic_form(game)
    profile = pure(game, "1***", "1")
    assert max_regret(normal, profile) == 0
    # Completed with the SPE's replies, A's regret in the subgame after a challenge is
    # u_L - u_I = -3 + 21/5 = 6/5.
    behaviour = mixed_to_behaviour(game, strategies, profile)
    for h in (2, 3, 4):
        behaviour[h] = (F(0), F(1))
    assert subgame_perfect_regret(game, behaviour) == F(6, 5)


def test_nash_check_flags_the_challengers_non_credible_threat_to_press_on() -> None:
    # Defaults with c_C = 9/2, no audience cost, all means owed: π_I = 3 - 9/2 + 1 =
    # -1/2 < 0, so after an intervention C should back down (-1 beats 3 - 9/2 = -3/2);
    # in the SPE the ally intervenes at no cost and C is deterred.  But "2222" —
    # challenge and press on whatever the ally does — against limited aid ("2") is a
    # Nash equilibrium: C's threat to press on after an intervention is off the path,
    # so it costs C nothing, and it makes I worth -p_I·v_A - c_A = -21/5 < -3 for L.
    # It is not credible: in the subgame after I, carrying it out loses C 1/2.
    play = solve_play(deterrence_game(ALL_MEANS), {**DEFAULTS, "c_C": F(9, 2)}, F(0))
    assert (play.ally_action, play.challenge) == ("I", False)
    found = labelled(ALL_MEANS, F(0), c_C=F(9, 2))
    assert ({"2222": 1}, {"2": 1}, False, (F(1, 2), F(-3))) in found
    game = at(ALL_MEANS, F(0), c_C=F(9, 2))
    normal, strategies = reduced_strategic_form(game)
    profile = pure(game, "2222", "2")
    assert max_regret(normal, profile) == 0
    assert subgame_perfect_regret(game, mixed_to_behaviour(game, strategies, profile)) == F(1, 2)


def test_nash_check_at_the_defaults_marks_only_the_spe() -> None:
    # Defaults, a_eff = 2, all means owed (the worked example): the unique SPE is
    # "challenge, press on after everything" ("2222") against intervention, payoffs
    # (p_I·v_C - c_C, -p_I·v_A - c_A) = (2, -21/5).  The docs count 6 extreme Nash
    # equilibria, one marked subgame perfect: the others are extreme points of a
    # component with the same play in which C, off the path, backs down after L or S
    # with some probability ("2221", "2122", ...) — not sequentially rational, since
    # pressing on pays 5 - 1 = 4 after L and 8 - 1 = 7 after S, against -b = -1.
    found = labelled(ALL_MEANS, F(2))
    assert len(found) == 6
    assert [row for row in found if row[2]] == [({"2222": 1}, {"1": 1}, True, (F(2), F(-21, 5)))]
    for challenger, ally, is_perfect, payoffs in found:
        assert ally == {"1": 1} and payoffs == (F(2), F(-21, 5))
        assert is_perfect == (challenger == {"2222": 1})


@pytest.mark.parametrize("short, a_eff, c_C", [
    (ALL_MEANS, F(2), F(10)),    # the us-china-nuclear-1960s parameters
    (ALL_MEANS, F(0), F(9, 2)),  # the challenger's-threat point above
])
def test_nash_check_marks_the_deterring_spe_subgame_perfect(
        short: frozenset[Action], a_eff: Fraction, c_C: Fraction) -> None:
    # π_I < 0: the unique SPE is (status quo; back down after everything; intervene).
    # In the reduced strategic form C's strategy is "1***", and ("1***", "1") is a pure,
    # hence extreme, Nash equilibrium: as the SPE's image it must be marked subgame
    # perfect, although "1***" says nothing about C's replies.
    [spe] = subgame_perfect_equilibria(at(short, a_eff, c_C=c_C)).equilibria
    assert spe.payoffs == (0, 0)
    found = labelled(short, a_eff, c_C=c_C)
    assert ({"1***": 1}, {"1": 1}, True, (F(0), F(0))) in found


def test_nash_check_marks_every_spe_image_subgame_perfect() -> None:
    # Only S short, a_eff = 1/10, p_I = p_L = 3/10, p_S = 7/20, c_C = 4 (else defaults):
    # π_I = π_L = 3 - 4 + 1 = 0, so C is indifferent after I and after L, and presses on
    # after S (π_S = 1/2).  One SPE has C press on after I and L: then A's values are
    # u_I = -21/5, u_L = -11/5, u_S = -7/5 - 1/10 = -3/2, so A stays out, and C, facing
    # p_S·v_C - c_C = -1/2 < 0, keeps the status quo.  Its reduced-form image
    # ("1***", "3") is a pure Nash equilibrium.  The selected SPE backs down after I and
    # L (A then intervenes at 0), and completing ("1***", "3") with it charges A 3/2.
    changes = {"p_I": F(3, 10), "p_L": F(3, 10), "p_S": F(7, 20), "c_C": F(4)}
    game = at(UNSPECIFIED, F(1, 10), **changes)
    spe = our_spe(game)
    induced = ((0, 0), (2, 2), (3, 1), (6, 1), (9, 1))  # status quo; S; press on ×3
    assert spe[induced] == (0, 0)
    found = labelled(UNSPECIFIED, F(1, 10), **changes)
    assert ({"1***": 1}, {"3": 1}, True, (F(0), F(0))) in found


# ----------------------------------------------------------------------------- pygambit
PYGAMBIT_POINTS = [
    pytest.param(ALL_MEANS, F(0), {}, id="defaults-a0"),
    pytest.param(ALL_MEANS, F(2), {}, id="defaults-a2"),
    pytest.param(ALL_MEANS, F(6, 5), {}, id="defaults-at-threshold"),
    pytest.param(UNSPECIFIED, F(2), {}, id="unspecified-a2"),
    pytest.param(UNSPECIFIED, F(1, 2), {"c_L": F(2)}, id="unspecified-cL2"),
    pytest.param(ALL_MEANS, F(2), {"c_C": F(10)}, id="us-china-nuclear"),
    pytest.param(ALL_MEANS, F(0), {"c_C": F(9, 2)}, id="threat-point"),
    pytest.param(ALL_MEANS, F(0), {"c_C": F(4)}, id="pi-I-zero"),
    pytest.param(ALL_MEANS, F(2), {"c_C": F(3)}, id="challenger-indifferent"),
]
"""Parameter points: the defaults, each knife edge, both regimes of π_I."""


@pytest.fixture
def gbt() -> Any:
    return pytest.importorskip("pygambit")


def gambit_spe(gbt: Any, game: ExtensiveFormGame) -> set[tuple[tuple[int, int], ...]]:
    """Pure SPE by pygambit's values: every (node, action) such that each node best-responds.

    In a perfect-information game a pure profile is subgame perfect iff, at every
    decision node, the chosen child's value to the mover (``node_value``, with play
    below following the profile, defined on and off the path) is the largest.
    """
    pg = tree_to_pygambit(game)
    handles = pygambit_nodes(game, pg)
    decisions = [i for i, n in enumerate(game.nodes) if n.infoset is not None]
    found = set()
    for choice in itertools.product(*(range(len(game.nodes[i].children)) for i in decisions)):
        profile = pg.mixed_behavior_profile(rational=True)
        for node, chosen in zip(decisions, choice, strict=True):
            for k, action in enumerate(handles[node].infoset.actions):
                profile[action] = gbt.Rational(int(k == chosen), 1)
        best_everywhere = True
        for node, chosen in zip(decisions, choice, strict=True):
            mover = handles[node].player
            values = [rational(profile.node_value(mover, handles[c]))
                      for c in game.nodes[node].children]
            best_everywhere = best_everywhere and values[chosen] == max(values)
        if best_everywhere:
            found.add(tuple(zip(decisions, choice, strict=True)))
    return found


def our_spe(game: ExtensiveFormGame) -> dict[tuple[tuple[int, int], ...], tuple[Payoff, ...]]:
    out = {}
    for eq in subgame_perfect_equilibria(game).equilibria:
        behaviour = unflatten_behaviour(game, eq.profile)
        choice = []
        for index, node in enumerate(game.nodes):
            if node.infoset is not None:
                [chosen] = [k for k, p in enumerate(behaviour[node.infoset]) if p == 1]
                choice.append((index, chosen))
        out[tuple(choice)] = eq.payoffs
    return out


@pytest.mark.parametrize("short, a_eff, changes", PYGAMBIT_POINTS)
def test_spe_set_agrees_with_pygambit(gbt: Any, short: frozenset[Action], a_eff: Fraction,
                                      changes: Mapping[str, Fraction]) -> None:
    game = at(short, a_eff, **changes)
    ours = our_spe(game)
    assert set(ours) == gambit_spe(gbt, game)
    theirs = pure_equilibria_by_label(game)
    _, strategies = reduced_strategic_form(game)
    for eq in subgame_perfect_equilibria(game).equilibria:
        behaviour = unflatten_behaviour(game, eq.profile)
        labels = tuple(strategies[i][reduced_index(strategies[i], behaviour)].label
                       for i in range(2))
        assert (labels, eq.payoffs) in theirs


def test_pygambit_points_cover_ties_and_both_regimes() -> None:
    counts = [len(our_spe(at(p.values[0], p.values[1], **p.values[2])))  # type: ignore[arg-type]
              for p in PYGAMBIT_POINTS]
    assert min(counts) == 1 and max(counts) >= 2
