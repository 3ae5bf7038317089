"""``tiedhands signal`` and the signalling games' equilibria checked in pygambit.

Expected results: the signalling issue's acceptance points (an exempt treaty
gives δ = 0 and no informative equilibrium; the defaults at δ = 1 give an
informative separating equilibrium), the closed forms of
``tests/test_signalling_oracle.py`` (at the defaults with δ = 1/2 the weak
challenger challenges a tied ally with probability 1/7), and pygambit: every
PBE, written as a behaviour profile of the whole game tree, has zero regret.
"""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from analysis.cli import app
from analysis.models.signalling import defaults, extensive_game, signalling_game
from games.solvers.pbe import SignallingEquilibrium, all_pbe

ENV = {"COLUMNS": "200"}


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["signal", *args], env=ENV)
    return result.exit_code, result.output


def document(*args: str) -> dict[str, Any]:
    code, output = run(*args, "--format", "json")
    assert code == 0, output
    return json.loads(output)  # type: ignore[no-any-return]


def test_an_exempt_treaty_gives_cheap_talk() -> None:
    data = document("--treaty", "sino-soviet-1950", "--scenario", "sino-indian-1962")
    assert data["delta"] == "0"
    assert data["equilibria"] and not any(eq["informative"] for eq in data["equilibria"])
    code, output = run("--treaty", "sino-soviet-1950", "--scenario", "sino-indian-1962")
    assert code == 0 and "Informative equilibrium at δ = 0: no" in output


def test_a_binding_treaty_separates_at_the_defaults() -> None:
    data = document("--treaty", "china-dprk-1961", "--scenario", "korea-dprk-attacked")
    assert data["delta"] == "1"
    separating = [eq for eq in data["equilibria"] if eq["type"] == "separating"]
    assert separating and all(eq["informative"] for eq in separating)
    assert separating[0]["strategies"]["ally"] == {"R": {"T": "1", "N": "0"},
                                                   "U": {"T": "0", "N": "1"}}
    assert set(data["conditions_latex"]) >= {"P1 separating", "P5 semi-separating"}


def test_escape_wording_halves_the_tie() -> None:
    # US–Philippines: staying out falls short, "constitutional processes" keeps 1/2.
    data = document("--treaty", "us-philippines-1951", "--scenario",
                    "philippine-vessel-armed-attack")
    assert data["delta"] == "1/2"
    (semi,) = [eq for eq in data["equilibria"] if eq["type"] == "semi_separating"]
    assert semi["strategies"]["challenger"]["weak"]["T"] == {"Q": "6/7", "X": "1/7"}
    assert not [eq for eq in data["equilibria"] if eq["type"] == "separating"]


def test_both_models_and_an_indeterminate_treaty() -> None:
    data = document("--treaty", "us-japan-1960", "--scenario", "japan-senkaku-clash",
                    "--model", "both")
    assert [r["reading"] for r in data["readings"]] == ["triggered reading", "exempt reading"]
    for reading in data["readings"]:
        sinking = reading["models"]["sinking-costs"]
        assert any(eq["type"] == "separating" and eq["informative"] for eq in sinking)


@pytest.mark.parametrize("args, words", [
    (("--param", "zeta=1"), "unknown parameter 'zeta'"),
    (("--param", "v_U=5"), "0 < v_U < c_A < v_R"),
    (("--param", "q=nan"), "is not a number"),
    (("--model", "bluff"), "unknown model 'bluff'"),
    (("--plot", "regions.gif"), "expected .png or .svg"),
])
def test_bad_input_is_one_line(args: tuple[str, ...], words: str) -> None:
    code, output = run("--treaty", "china-dprk-1961", "--scenario", "korea-dprk-attacked",
                       *args)
    assert code == 2
    assert words in output and "Traceback" not in output


def test_plots_and_latex(tmp_path: Path) -> None:
    svg = tmp_path / "regions.svg"
    args = ("--treaty", "china-dprk-1961", "--scenario", "korea-dprk-attacked")
    assert run(*args, "--plot", str(svg))[0] == 0
    first = svg.read_bytes()
    assert run(*args, "--plot", str(svg))[0] == 2  # exists: needs --force
    assert run(*args, "--plot", str(svg), "--force")[0] == 0
    assert svg.read_bytes() == first and first.startswith(b"<?xml")
    png = tmp_path / "regions.png"
    assert run(*args, "--plot", str(png))[0] == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    code, output = run(*args, "--format", "latex")
    assert code == 0 and r"\begin{tabular}" in output


# ------------------------------------------------------------------- pygambit
def behaviour_of(eq: SignallingEquilibrium, delta: Fraction, values: dict[str, Fraction],
                 model: str) -> dict[str, dict[str, Fraction]]:
    """The PBE as probabilities per information set label of the whole tree."""
    game = signalling_game(model, values, delta)  # type: ignore[arg-type]
    plan: dict[str, dict[str, Fraction]] = {}
    for k, t in enumerate(game.sender_types):
        plan[f"ally {t}"] = dict(zip(game.messages, eq.sender[k], strict=True))
        for signal in game.messages:
            cost = delta * values["a"] if signal == "T" else 0
            fights = values["c_A"] <= values[f"v_{t}"] + cost
            plan[f"ally {t} after {signal} X"] = {"F": Fraction(int(fights)),
                                                   "B": Fraction(int(not fights))}
    for j, tau in enumerate(game.receiver_types):
        for m, signal in enumerate(game.messages):
            plan[f"{tau} after {signal}"] = dict(zip(game.responses, eq.receiver[j][m],
                                                     strict=True))
    return plan


def random_values(seed: int) -> dict[str, Fraction]:
    """Parameters satisfying the model's assumptions (small exact numbers)."""
    import random

    rng = random.Random(seed)
    v_U = Fraction(rng.randint(1, 6), 2)
    c_A = v_U + Fraction(rng.randint(1, 6), 2)
    return {"q": Fraction(rng.randint(1, 9), 10), "pi_tough": Fraction(rng.randint(1, 9), 10),
            "v_U": v_U, "c_A": c_A, "v_R": c_A + Fraction(rng.randint(1, 4), 2),
            "a": Fraction(rng.randint(0, 12), 4), "g": Fraction(rng.randint(1, 3)),
            "w_weak": -Fraction(rng.randint(1, 3)), "w_tough": Fraction(rng.randint(1, 3)),
            "m": Fraction(rng.randint(0, 8), 4)}


CASES = [("tying-hands", Fraction(1), None), ("tying-hands", Fraction(1, 2), None),
         ("tying-hands", Fraction(0), None), ("sinking-costs", Fraction(1), None)] + [
    (model, Fraction(seed % 5, 4), seed) for seed in range(40)
    for model in ("tying-hands", "sinking-costs")]


@pytest.mark.parametrize("model, delta, seed", CASES)
def test_every_pbe_has_zero_regret_in_pygambit(model: str, delta: Fraction,
                                               seed: int | None) -> None:
    gbt = pytest.importorskip("pygambit")
    from tests.gambit_bridge import tree_to_pygambit

    values = defaults() if seed is None else random_values(seed)
    tree = extensive_game(model, values, delta)  # type: ignore[arg-type]
    pg = tree_to_pygambit(tree)
    scale = max(abs(v) for o in tree.outcomes for v in o.payoffs)
    result = all_pbe(signalling_game(model, values, delta))  # type: ignore[arg-type]
    assert result.equilibria
    for eq in result.equilibria:
        plan = behaviour_of(eq, delta, values, model)
        profile = pg.mixed_behavior_profile(rational=True)
        for player in pg.players:
            for infoset in player.infosets:
                for action in infoset.actions:
                    probability = plan[infoset.label][action.label]
                    profile[action] = gbt.Rational(probability.numerator,
                                                   probability.denominator)
        assert float(profile.max_regret()) <= 1e-9 * float(scale)
