"""The signalling analysis: a treaty's δ, the PBE of the tying-hands and sinking-costs games.

δ comes from the same coverage and rulebook as the complete-information
verdicts: δ = [staying out falls short] × δ_escape for a triggered military
obligation, 0 when the treaty exempts the crisis or promises no military help.
An indeterminate coverage is analysed under both readings.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from analysis.models.signalling import (
    SIGNAL_REGISTRY,
    Model,
    check_assumptions,
    defaults,
    signalling_game,
)
from analysis.parameters import parse_assignment
from analysis.rules import Rulebook, builtin_rulebook, modifiers
from analysis.verdicts import default_ally
from games.signalling import SignallingGame
from games.solvers.pbe import PBEResult, all_pbe
from treaties.coverage import Coverage, coverage
from treaties.scenario import Scenario
from treaties.schema import Treaty

CONDITIONS_LATEX: Mapping[str, str] = {
    "P1 separating": r"\pi c_A \ge v_U \;\wedge\; \delta a \ge v_U (1-\pi)/\pi",
    "P2 pooling on T with commitment": r"\delta a \ge c_A - v_U \;\wedge\; \pi c_A \le v_U",
    "P3 pooling on T without commitment":
        r"\delta a < c_A - v_U \;\wedge\; \delta a \le v_U (1-\pi)/\pi \;\wedge\; q \ge \varphi",
    "P4 pooling on N": r"q \ge \varphi \;\vee\; \delta a < c_A - v_U",
    "P5 semi-separating":
        r"\delta a < c_A - v_U \;\wedge\; q < \varphi \;\wedge\; \delta a < v_U (1-\pi)/\pi",
    "SC separating": r"(1-\pi) v_U \le m \le (1-\pi) c_A",
}
"""The closed-form existence conditions (φ = g/(g − w_weak)); see docs/explanation/signalling.md."""


@dataclass(frozen=True)
class SignalReading:
    """One reading of the treaty: its δ, why, and the equilibria of each model."""

    reading: str
    delta: Fraction
    why: str
    results: Mapping[str, tuple[SignallingGame, PBEResult]]


@dataclass(frozen=True)
class SignalAnalysis:
    """The signalling analysis of a treaty in a scenario."""

    treaty: Treaty
    scenario: Scenario
    ally: int
    coverage: Coverage
    params: Mapping[str, Fraction]
    sources: Mapping[str, str]
    readings: tuple[SignalReading, ...]


def signal_params(overrides: Sequence[str]) -> tuple[dict[str, Fraction], dict[str, str]]:
    """Defaults replaced by ``name=value`` overrides; checked against the model's assumptions."""
    values = defaults()
    sources = {name: "classroom default (docs/explanation/signalling.md)" for name in values}
    for text in overrides:
        name, value = parse_assignment(text, SIGNAL_REGISTRY)
        values[name] = value
        sources[name] = "--param"
    check_assumptions(values)
    return values, sources


def treaty_deltas(cover: Coverage, rulebook: Rulebook) -> list[tuple[str, Fraction, str]]:
    """(reading, δ, why) for the coverage: one reading, or two when it is indeterminate."""
    deciding = cover.deciding
    if deciding is None or not deciding.is_military:
        return [("text", Fraction(0), "no military help is owed here, so tying hands costs "
                                      "nothing to break")]
    if deciding.status == "exempt":
        return [("text", Fraction(0), f"{deciding.obligation} is exempt here")]
    found = modifiers(deciding.required_help, deciding.escape_wording, rulebook)
    delta = found.delta if "S" in found.short else Fraction(0)
    why = (f"{deciding.obligation} is triggered; staying out "
           f"{'falls short' if 'S' in found.short else 'complies'}; rules "
           f"{', '.join(found.rules)}")
    if deciding.status == "indeterminate":
        return [("triggered reading", delta, why),
                ("exempt reading", Fraction(0), "the open clause read against the obligation")]
    return [("text", delta, why)]


def analyze_signal(treaty: Treaty, scenario: Scenario, models: Sequence[Model],
                   overrides: Sequence[str] = (), *, ally: int | None = None,
                   rulebook: Rulebook | None = None) -> SignalAnalysis:
    """δ from the treaty, then every PBE of each model at that δ."""
    values, sources = signal_params(overrides)
    chosen = ally if ally is not None else default_ally(treaty, scenario)
    cover = coverage(treaty, scenario, chosen)
    readings = tuple(
        SignalReading(label, delta, why, {
            model: (game, all_pbe(game))
            for model in models for game in [signalling_game(model, values, delta)]})
        for label, delta, why in treaty_deltas(cover, rulebook or builtin_rulebook()))
    return SignalAnalysis(treaty, scenario, chosen, cover, values, sources, readings)


def regions(values: Mapping[str, Fraction], a: Fraction, delta: Fraction) -> list[str]:
    """Which equilibria the closed forms say exist at (a, δ) (for plots)."""
    v = {**values, "a": a}
    pi, v_U, c_A, q = v["pi_tough"], v["v_U"], v["c_A"], v["q"]
    phi = v["g"] / (v["g"] - v["w_weak"])
    cost, edge = delta * a, v_U * (1 - pi) / pi
    found = []
    if pi * c_A >= v_U and cost >= edge:
        found.append("P1 separating")
    if cost >= c_A - v_U and pi * c_A <= v_U:
        found.append("P2 pooling on T with commitment")
    if cost < c_A - v_U and cost <= edge and q >= phi:
        found.append("P3 pooling on T without commitment")
    if q >= phi or cost < c_A - v_U:
        found.append("P4 pooling on N")
    if 0 < cost < c_A - v_U and q < phi and cost < edge:  # at cost 0, x = 1: cheap talk
        found.append("P5 semi-separating")
    return found
