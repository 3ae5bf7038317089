"""The policy-response game (issue #10): the engine's SPE against the closed forms,
overreaction at a documented point, and the wedge condition at its boundary."""

from __future__ import annotations

import json
import random
from collections import Counter
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
import sympy
from typer.testing import CliRunner

from analysis.capability_rules import builtin_capability_rules
from analysis.cli import app
from analysis.models.response import MOVES, deepening_value, response_game
from analysis.respond import (
    RESPONSE_PARAMETERS,
    best_moves,
    closed_forms,
    deepening_margin,
    headline,
    resolve_response,
    solve_response,
)
from analysis.respond_cli import profile_gain
from games.errors import InputError
from games.play import unflatten_behaviour
from games.solvers.spe import subgame_perfect_equilibria
from games.symbolic import symbol
from treaties.cooperation import CooperationProfile
from treaties.load import load_profile

NAMES = [p.name for p in RESPONSE_PARAMETERS]


def random_point(rng: random.Random) -> dict[str, Fraction]:
    """Exact parameters on a grid of quarters (so that ties happen and are skipped), with
    ranges wide enough that each of R's nine moves is sometimes best."""
    def quarter(top: int) -> Fraction:
        return Fraction(rng.randint(0, 4 * top), 4)

    point = {"g": quarter(8), "kappa_1": quarter(6), "kappa_2": quarter(6),
             "theta_T": quarter(6), "theta_W": quarter(6), "sigma": quarter(4) + Fraction(1, 4),
             "k_T": quarter(3), "k_W": quarter(3), "w": quarter(3), "omega": quarter(6),
             "B": quarter(12), "lambda": quarter(2)}
    low, high = sorted((point["theta_T"], point["theta_W"]))
    point["theta_T"], point["theta_W"] = low, high
    return point


# ------------------------------------------------------------ the closed forms
def test_the_deepening_margin_read_off_the_game_is_the_model() -> None:
    """d_i(r, x), derived from the tree's payoffs, is g − θ_r + σ[r = W] − κ_i − ω[x = i]
    and does not depend on the other partner (else deepening_margin raises)."""
    g, sigma, omega = symbol("g"), symbol("sigma"), symbol("omega")
    kappa_2, theta_W = symbol("kappa_2"), symbol("theta_W")
    assert sympy.expand(deepening_margin(("sweeping", 2), 2)
                        - (g - theta_W + sigma - kappa_2 - omega)) == 0
    for move in MOVES:
        for partner in (1, 2):
            assert sympy.expand(deepening_margin(move, partner)
                                - deepening_value(move, partner)) == 0


def test_the_spe_equals_the_closed_forms_on_random_exact_points() -> None:
    """On 1,200 random exact points without a tie, the SPE (each partners' stage solved as a
    normal form by the engine) gives R's move, every partner's choice after every move and
    R's payoff exactly as the closed forms do, with a zero-regret certificate; and the
    points cover every one of R's nine moves."""
    rng = random.Random(10)
    forms = closed_forms()
    chosen: Counter[tuple[str, int]] = Counter()
    while sum(chosen.values()) < 1200:
        point = random_point(rng)
        closed = forms.at(point)
        if closed.ties:
            continue
        play = solve_response(point)
        assert play.choice == closed.choice, point
        assert dict(play.deepens) == dict(closed.deepens), point
        assert play.payoff[0] == closed.payoffs[closed.choice]
        assert not play.ties and play.regret == 0
        chosen[play.choice] += 1
    assert set(chosen) == set(MOVES), chosen


def test_the_whole_tree_solver_finds_the_same_single_spe() -> None:
    """Where nobody is indifferent the game has one SPE: the engine's backward induction
    over the whole tree (:func:`subgame_perfect_equilibria`) finds exactly the play selected
    stage by stage, on 150 random exact points."""
    rng = random.Random(12)
    forms = closed_forms()
    compared = 0
    while compared < 150:
        point = random_point(rng)
        if forms.at(point).ties:
            continue
        game = response_game().subs(point)
        [equilibrium] = subgame_perfect_equilibria(game).equilibria
        behaviour = unflatten_behaviour(game, equilibrium.profile)
        play = solve_response(point)
        assert behaviour[0][MOVES.index(play.choice)] == 1
        assert tuple(equilibrium.payoffs) == play.payoff
        compared += 1


def test_indifference_everywhere_is_solved_at_once() -> None:
    """With every margin zero the whole tree has 4⁹ SPE; the stage-by-stage solver applies
    the rule (partners limit, R restrains) without enumerating them."""
    point = resolve_response({"g": 0, "kappa_1": 0, "kappa_2": 0, "theta_T": 0,
                              "theta_W": 1, "sigma": 1, "omega": 0}).values
    play = solve_response(point)
    assert play.choice == ("restraint", 0) and play.ties and not play.bloc
    assert not any(play.deepens.values()) and play.regret == 0


def test_the_numpy_closed_forms_equal_the_exact_ones() -> None:
    rng = random.Random(11)
    forms = closed_forms()
    points = [p for p in (random_point(rng) for _ in range(2000)) if not forms.at(p).ties]
    arrays = {name: np.array([float(p[name]) for p in points]) for name in NAMES}
    found = best_moves(arrays)
    for k, point in enumerate(points):
        closed = forms.at(point)
        assert MOVES[int(found.choice[k])] == closed.choice
        assert bool(found.bloc[k]) == closed.blocs[closed.choice]


# ------------------------------------------------------- the documented point
def test_overreaction_produces_the_bloc_at_the_defaults() -> None:
    """At the defaults (g = 3, κ = (1, 2), θ_T = 3/2, θ_W = 2, σ = 2): after sweeping
    controls d = (3 − 2 + 2 − 1, 3 − 2 + 2 − 2) = (2, 1), so both deepen and the bloc forms;
    after targeted countermeasures d = (1/2, −1/2), so partner 2 limits.  R's payoffs:
    restraint −10 (bloc), targeted −1 + 3/2 = 1/2, sweeping −7/4 − 10 + 2 = −39/4, and with a
    wedge (cost 1) that breaks the bloc −7/4 − 1 + 2 = −3/4; so R chooses targeted
    countermeasures and no bloc forms."""
    values = resolve_response().values
    found = headline(values)
    assert found.overreaction_backfires
    assert (found.bloc_after_sweeping, found.bloc_after_targeted) == (True, False)
    play = solve_response(values)
    assert play.choice == ("targeted", 0) and not play.bloc
    assert play.payoff[0] == Fraction(1, 2)
    assert play.deepens[(("sweeping", 0), 1)] and play.deepens[(("sweeping", 0), 2)]
    assert play.deepens[(("targeted", 0), 1)] and not play.deepens[(("targeted", 0), 2)]
    assert closed_forms().at(values).payoffs[("sweeping", 0)] == Fraction(-39, 4)
    assert closed_forms().at(values).payoffs[("sweeping", 2)] == Fraction(-3, 4)


# --------------------------------------------------------- the wedge boundary
@pytest.mark.parametrize("partner", [1, 2])
def test_the_wedge_breaks_the_bloc_exactly_from_its_threshold(partner: int) -> None:
    """ω* = g − θ_W + σ − κ_i (2 for partner 1, 1 for partner 2 at the defaults): at
    ω = ω* the targeted partner is indifferent and limits, so the bloc is broken; at
    ω = ω* − 1/1000 it still deepens."""
    base = resolve_response().values
    threshold = base["g"] - base["theta_W"] + base["sigma"] - base[f"kappa_{partner}"]
    move = ("sweeping", partner)
    at = resolve_response({"omega": threshold}).values
    below = resolve_response({"omega": threshold - Fraction(1, 1000)}).values
    assert headline(at).wedge_threshold[partner] == threshold  # type: ignore[index]
    assert headline(at).wedge_breaks[partner]  # type: ignore[index]
    assert not headline(below).wedge_breaks[partner]  # type: ignore[index]
    assert not solve_response(at).deepens[(move, partner)]  # type: ignore[index]
    assert solve_response(below).deepens[(move, partner)]  # type: ignore[index]
    assert solve_response(at).ties  # the indifferent partner: several SPE, rule applied
    assert headline(at).wedge_worth_it  # w = 1 < B = 10


def test_the_wedge_is_worth_it_below_the_bloc_cost() -> None:
    """After sweeping controls with a bloc-breaking wedge, R compares −w with −B; with no
    bloc after sweeping, or no wedge strong enough, the questions do not arise."""
    assert headline(resolve_response({"w": 9, "B": 10}).values).wedge_worth_it
    assert headline(resolve_response({"w": 10, "B": 10}).values).wedge_worth_it is False
    no_bloc = headline(resolve_response({"sigma": "1/10"}).values)
    assert not no_bloc.bloc_after_sweeping
    assert dict(no_bloc.wedge_breaks) == {1: None, 2: None} and no_bloc.wedge_worth_it is None
    weak = headline(resolve_response({"omega": 0}).values)
    assert dict(weak.wedge_breaks) == {1: False, 2: False} and weak.wedge_worth_it is None
    # With denial valued highly (λ = 5), sweeping + a wedge is R's best: −7/4 − 1 + 10 beats
    # targeted −1 + 15/2; with w = B the wedge no longer pays and R turns to targeted.
    play = solve_response(resolve_response({"lambda": 5}).values)
    assert play.choice == ("sweeping", 1) and not play.bloc  # wedges tie: partner 1 first
    assert play.payoff[0] == Fraction(-7, 4) - 1 + 5 * 2
    assert solve_response(resolve_response({"lambda": 5, "w": 10}).values).choice == (
        "targeted", 0)


# ------------------------------------------------------------------ parameters
@pytest.mark.parametrize(("overrides", "message"), [
    (["theta_W=1"], "theta_W = 1 is below theta_T = 3/2"),
    (["sigma=0"], "sigma = 0 is outside its domain"),
    (["B=-1"], "B = -1 is outside its domain"),
    (["gamma=1"], "unknown parameter 'gamma'"),
    (["g=nan"], "is not a number"),
    (["g=1/0"], "divides by zero"),
])
def test_bad_parameters_are_refused(overrides: list[str], message: str) -> None:
    with pytest.raises(InputError, match=message.replace("(", r"\(")):
        resolve_response(overrides)


def test_a_profile_sets_g_from_the_capability_rules() -> None:
    """russia-china-2020s: materiel air, surveillance, strike (drone components), command
    (limited ½) and undersea (aspiration 0); exercises command, strike, undersea (½ weight);
    intelligence information and surveillance (½ weight, limited ½) — in points ×100."""
    rules = builtin_capability_rules()
    gain = profile_gain(load_profile("russia-china-2020s"), rules)
    by_hand = 100 * (Fraction(3, 100) + Fraction(2, 100) + Fraction(3, 100) + Fraction(1, 100)
                     + Fraction(1, 2) * (Fraction(2, 100) + Fraction(3, 100) + Fraction(3, 100))
                     + Fraction(1, 4) * (Fraction(2, 100) + Fraction(2, 100)))
    assert gain == by_hand


# ------------------------------------------------------------------------- CLI
def invoke(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, [str(a) for a in args], env={"COLUMNS": "200"})
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("output_format", ["table", "json", "markdown", "latex"])
def test_respond_speaks_every_format(output_format: str) -> None:
    code, out, _ = invoke("respond", "--format", output_format)
    assert code == 0
    if output_format == "json":
        document = json.loads(out)
        assert document["spe"]["move"] == {"response": "targeted", "wedge": 0}
        assert document["headline"]["overreaction_backfires"] is True
        assert document["provenance"]["tiedhands_version"]
    else:
        assert "Targeted countermeasures" in out and "provenance:" in out


def test_respond_plots_reproducibly_and_refuses_bad_input(tmp_path: Path) -> None:
    first, second = tmp_path / "a.svg", tmp_path / "b.svg"
    assert invoke("respond", "--plot", first, "--format", "json")[0] == 0
    assert invoke("respond", "--plot", second, "--format", "json")[0] == 0
    assert first.read_bytes() == second.read_bytes()
    assert invoke("respond", "--plot", first)[0] == 2  # exists, no --force
    for args, message in [(("--param", "theta_W=1"), "theta_W = 1 is below"),
                          (("--param", "g=1", "--param", "g=2"), "given twice"),
                          (("--rules", tmp_path / "x.yaml"), "--rules without --profile"),
                          (("--profile", "nowhere"), "no built-in profile"),
                          (("--plot", tmp_path / "x.pdf"), ".png or .svg")]:
        code, out, err = invoke("respond", *args)
        assert code == 2 and out == "" and message in err and len(err.splitlines()) == 1
    code, out, _ = invoke("respond", "--profile", "russia-china-2020s", "--format", "json")
    assert code == 0
    assert json.loads(out)["parameters"]["g"]["source"].startswith(
        "profile russia-china-2020s")


def test_the_game_has_three_players_and_nine_moves() -> None:
    game = response_game()
    assert tuple(game.players) == ("Rival", "Partner 1", "Partner 2")
    assert len(game.nodes[0].children) == len(MOVES) == 9


def test_ended_cooperation_adds_nothing_to_g() -> None:
    source = [{"citation": "Test fixture.", "url": "https://example.org/fixture"}]
    entry = {"id": "one", "what": "test", "supplier": 365, "recipient": 710,
             "channel": "materiel_transfer", "capabilities": ["air"], "start": "2010-01-01",
             "sources": source}
    ongoing = CooperationProfile.model_validate(
        {"id": "t", "name": "T", "partners": [365, 710], "entries": [entry]})
    ended = CooperationProfile.model_validate(
        {"id": "t", "name": "T", "partners": [365, 710],
         "entries": [{**entry, "end": "2012-01-01"}]})
    rules = builtin_capability_rules()
    assert profile_gain(ongoing, rules) == 3  # the air shift 3/100, in points
    assert profile_gain(ended, rules) == 0


def test_latex_output_escapes_the_greek() -> None:
    code, out, _ = invoke("respond", "--format", "latex")
    assert code == 0 and not set("θσκωλ★−") & set(out)
    assert r"$\theta$" in out
