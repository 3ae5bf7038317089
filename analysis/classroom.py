"""The classroom demonstration's logic: a treaty, a crisis and five sliders → what to show.

``tiedhands classroom`` serves a marimo app (:mod:`analysis.classroom_app`)
that is only a user interface; everything it shows is computed here, without
marimo, so that it can be tested without a browser:

* :func:`slider_specs` — the sliders for a, δ, c_A, p_I and p_S: their steps
  and their starting values (the scenario's parameters and the rulebook's δ);
* :func:`lesson` — the verdict at the sliders' values: :func:`~analysis.verdicts.analyze`
  with a, c_A, p_I and p_S as overrides, then every reading in which some
  response falls short solved again at the slider's δ (the rulebook's δ
  replaced, for the demonstration).  The verdict rule, the tie rule and the
  threshold are those of :mod:`analysis.verdicts` (the same
  :func:`~analysis.verdicts.solve_play` and
  :func:`~analysis.verdicts.threshold_effective`); at the rulebook's δ the
  lesson agrees with ``analyze`` exactly;
* :func:`signal_view` — the tying-hands signalling game at the treaty's point
  (a, δ): the closed-form regions, every PBE, and the (a, δ) region plot;
* :func:`view` — all of it as HTML fragments (inline SVG images as data
  URLs, so the page requests nothing beyond the marimo server).

The δ slider matters only where the treaty makes some response fall short:
where nothing is owed, or the crisis is exempt, no δ makes the audience cost
bite, and the verdict does not move, whatever a.
"""

from __future__ import annotations

import base64
import functools
import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from fractions import Fraction

from analysis.analysis_reports import exact, exact_and_decimal
from analysis.draw_cli import treaty_drawing
from analysis.drawing import tree_image
from analysis.models.deterrence import deterrence_game
from analysis.models.signalling import signalling_game
from analysis.parameters import ParameterValues, resolve
from analysis.plots import VERDICT_COLOURS, signal_regions
from analysis.rules import Modifiers
from analysis.signal import regions, signal_params
from analysis.verdicts import (
    ACTION_VERBS,
    Analysis,
    Reading,
    VerdictName,
    analyze,
    solve_play,
    threshold_effective,
    threshold_latex,
)
from games.errors import InputError
from games.solvers.pbe import all_pbe
from treaties.load import builtin_scenarios, builtin_treaties, load_scenario, load_treaty
from treaties.states import cow_states

__all__ = [
    "DEFAULT_SCENARIO",
    "DEFAULT_TREATY",
    "SLIDERS",
    "Lesson",
    "SignalView",
    "SliderSpec",
    "View",
    "as_fraction",
    "lesson",
    "reading_at",
    "scenario_choices",
    "signal_view",
    "slider_specs",
    "treaty_choices",
    "view",
]

DEFAULT_TREATY = "china-dprk-1961"
DEFAULT_SCENARIO = "korea-dprk-attacked"

SLIDERS: Mapping[str, str] = {
    "a": "Audience cost a",
    "delta": "δ: share of a that survives the escape wording",
    "c_A": "c_A: the ally's cost of intervening",
    "p_I": "p_I: challenger's chance of winning if the ally intervenes",
    "p_S": "p_S: challenger's chance of winning if the ally stays out",
}
"""The sliders, in order, with their labels (the browser test finds them by these)."""

_FALLBACK_DELTA = Fraction(1)


# ---------------------------------------------------------------------------- choices
def treaty_choices() -> dict[str, str]:
    """Dropdown options: ``"China–DPRK Treaty (1961) · china-dprk-1961"`` → id."""
    return {f"{t.label} · {t.id}": t.id for t in builtin_treaties()}


def scenario_choices() -> dict[str, str]:
    """Dropdown options: ``"<name> · <id>"`` → id."""
    return {f"{s.name} · {s.id}": s.id for s in builtin_scenarios()}


def choice_label(choices: Mapping[str, str], identifier: str) -> str:
    """The option whose value is ``identifier``."""
    return next(label for label, value in choices.items() if value == identifier)


# ---------------------------------------------------------------------------- sliders
@dataclass(frozen=True)
class SliderSpec:
    """One slider: its parameter, label, the values it can take and where it starts."""

    name: str
    label: str
    steps: tuple[float, ...]
    value: float


def as_fraction(value: float | int | Fraction | str) -> Fraction:
    """A slider's float as the exact number it stands for (``0.3`` → 3/10).

    Examples
    --------
    >>> as_fraction(0.1 + 0.2), as_fraction(1.2), as_fraction(2)
    (Fraction(3, 10), Fraction(6, 5), Fraction(2, 1))
    """
    if isinstance(value, Fraction):
        return value
    return Fraction(value).limit_denominator(10_000)


def _steps(lower: Fraction, upper: Fraction, step: Fraction,
           extra: Sequence[Fraction]) -> tuple[float, ...]:
    """The multiples of ``step`` in [lower, upper], the bounds and ``extra``, as floats."""
    first = -(-lower // step)
    grid = {step * k for k in range(int(first), int(upper // step) + 1)}
    grid |= {lower, upper, *(e for e in extra if lower <= e <= upper)}
    return tuple(float(v) for v in sorted(grid))


def slider_specs(treaty_id: str, scenario_id: str) -> dict[str, SliderSpec]:
    """The five sliders for a treaty and a scenario, starting at the scenario's values.

    a runs from 0 to max(6, 2a) in steps of 0.1, δ from 0 to 1 in steps of
    0.05 (starting at the rulebook's δ, or 1 where no response falls short),
    c_A from 0 to max(10, 2c_A) in steps of 0.1; p_I runs up to p_L and p_S
    down to p_L, so the probabilities stay in order (p_I ≤ p_L ≤ p_S).
    """
    treaty, scenario = load_treaty(treaty_id), load_scenario(scenario_id)
    params = resolve(scenario)
    found = _first_modifiers(analyze(treaty, scenario, with_nash=False))
    delta = found.delta if found is not None and found.short else _FALLBACK_DELTA
    a, c_A, p_I, p_L, p_S = (params[n] for n in ("a", "c_A", "p_I", "p_L", "p_S"))
    tenth, twentieth = Fraction(1, 10), Fraction(1, 20)
    specs = [
        SliderSpec("a", SLIDERS["a"], _steps(Fraction(0), max(Fraction(6), 2 * a), tenth,
                                             [a]), float(a)),
        SliderSpec("delta", SLIDERS["delta"], _steps(Fraction(0), Fraction(1), twentieth,
                                                     [delta]), float(delta)),
        SliderSpec("c_A", SLIDERS["c_A"], _steps(Fraction(0), max(Fraction(10), 2 * c_A), tenth,
                                                 [c_A]), float(c_A)),
        SliderSpec("p_I", SLIDERS["p_I"], _steps(Fraction(0), p_L, twentieth, [p_I]),
                   float(p_I)),
        SliderSpec("p_S", SLIDERS["p_S"], _steps(p_L, Fraction(1), twentieth, [p_S]),
                   float(p_S)),
    ]
    return {spec.name: spec for spec in specs}


def _first_modifiers(analysis: Analysis) -> Modifiers | None:
    return next((r.modifiers for r in analysis.readings if r.modifiers is not None), None)


# ---------------------------------------------------------------------------- the lesson
@dataclass(frozen=True)
class Lesson:
    """The analysis at the sliders' values.

    ``analysis`` is :func:`~analysis.verdicts.analyze`'s, with every reading in
    which some response falls short solved again at ``delta``;
    ``rulebook_delta`` is the δ the rulebook gives (None where nothing falls short).
    """

    analysis: Analysis
    delta: Fraction
    rulebook_delta: Fraction | None

    @property
    def reading(self) -> Reading:
        """The first reading (the only one unless coverage is indeterminate)."""
        return self.analysis.readings[0]

    @property
    def verdict(self) -> str:
        """The verdict; two joined by `` | `` when coverage is indeterminate."""
        return self.analysis.verdict

    @property
    def threshold(self) -> Fraction | None:
        """a*: the least audience cost at which the ally complies (first reading)."""
        return self.reading.threshold

    @property
    def deters(self) -> bool:
        """The challenger challenges without the audience cost and not with it."""
        return self.reading.deters

    @property
    def delta_matters(self) -> bool:
        """Whether some reading lets δ enter the game (some response falls short)."""
        return self.rulebook_delta is not None

    def tree_svg(self) -> str:
        """The game the verdict solved, with the selected SPE highlighted (SVG text)."""
        drawing = treaty_drawing(self.analysis)
        return tree_image(drawing.game, "svg", equilibrium=drawing.behaviour,
                          title=drawing.title).decode("utf-8")


def lesson(treaty_id: str, scenario_id: str,
           values: Mapping[str, float | Fraction]) -> Lesson:
    """The verdict for a treaty and a scenario at the sliders' ``values``.

    ``values`` may hold ``a``, ``delta``, ``c_A``, ``p_I`` and ``p_S`` (floats
    from the sliders or exact numbers); the others keep the scenario's values,
    and a missing ``delta`` is the rulebook's.

    Raises
    ------
    InputError
        For an unknown name, a value outside its domain, or probabilities out
        of order (p_I ≤ p_L ≤ p_S).
    """
    unknown = sorted(set(values) - set(SLIDERS))
    if unknown:
        raise InputError(f"unknown slider {unknown[0]!r}", field="classroom",
                         expected=f"one of {', '.join(SLIDERS)}")
    overrides = {name: as_fraction(v) for name, v in values.items() if name != "delta"}
    analysis = analyze(load_treaty(treaty_id), load_scenario(scenario_id), None, overrides,
                       with_nash=False)
    found = _first_modifiers(analysis)
    rulebook_delta = found.delta if found is not None and found.short else None
    given = values.get("delta")
    delta = (as_fraction(given) if given is not None
             else rulebook_delta if rulebook_delta is not None else _FALLBACK_DELTA)
    if not 0 <= delta <= 1:
        raise InputError(f"δ = {exact(delta)} is outside its domain", field="delta",
                         expected="0 ≤ δ ≤ 1")
    readings = tuple(reading_at(r, analysis.params, delta) for r in analysis.readings)
    return Lesson(replace(analysis, readings=readings), delta, rulebook_delta)


def reading_at(reading: Reading, params: ParameterValues, delta: Fraction) -> Reading:
    """``reading`` with the audience cost's surviving share set to ``delta``.

    Readings in which no response falls short (not applicable, exempt, no
    military help owed) do not depend on δ and are returned as they are.
    Otherwise the verdict rule of :func:`analysis.verdicts.analyze` is applied
    at a_eff = δ·a: δ = 0 is ``irrelevant_discretionary``; else the game is
    solved without and with the audience cost (same solver and tie rule) and
    the verdict is ``irrelevant_credible_anyway``, ``binding`` or ``insufficient``.
    """
    found = reading.modifiers
    if found is None or not found.short:
        return reading
    chosen = replace(found, delta=delta)
    source = ("from the rulebook" if delta == found.delta
              else f"set on the slider; the rulebook gives {exact(found.delta)}")
    if delta == 0:
        return Reading(reading.reading, "irrelevant_discretionary",
                       f"δ = 0 ({source}): none of the audience cost survives, so the treaty "
                       "cannot change what the ally does.", chosen)
    game = deterrence_game(found.short)
    values = {k: v for k, v in params.values.items() if k != "a"}
    a_eff = delta * params["a"]
    without = solve_play(game, values, Fraction(0), found.short)
    with_cost = solve_play(game, values, a_eff, found.short)
    threshold_eff = threshold_effective(game, values, without.presses_on, found.short)
    threshold = threshold_eff / delta
    act0 = ACTION_VERBS[without.ally_action]
    act1 = ACTION_VERBS[with_cost.ally_action]
    cost = (f"a_eff = δ·a = {exact(delta)} · {exact(params['a'])} = {exact(a_eff)} "
            f"(δ {source})")
    verdict: VerdictName
    if without.ally_action not in found.short:
        verdict = "irrelevant_credible_anyway"
        because = f"Without any audience cost the ally would already {act0}, which complies."
    elif with_cost.ally_action not in found.short:
        verdict = "binding"
        because = (f"Without the audience cost the ally would {act0}; with {cost} it would "
                   f"{act1}. The threshold is a* = {exact_and_decimal(threshold)}.")
    else:
        verdict = "insufficient"
        because = (f"Even with {cost} the ally would {act1}; it would need "
                   f"a ≥ a* = {exact_and_decimal(threshold)}.")
    return Reading(reading.reading, verdict, because, chosen, without, with_cost, threshold,
                   threshold_eff, threshold_latex(game, without.presses_on, found.short))


# ---------------------------------------------------------------------------- signalling
@dataclass(frozen=True)
class SignalView:
    """The tying-hands signalling game at the treaty's point (a, δ)."""

    a: Fraction
    delta: Fraction
    why: str
    regions: tuple[str, ...]
    equilibria: tuple[tuple[str, bool, bool], ...]
    """(kind, informative, passes the intuitive criterion) of every PBE; the kind says
    which signal a pooling equilibrium pools on (``pooling on T``)."""
    title: str

    @property
    def informative(self) -> bool:
        """Some PBE lets the challenger learn the ally's resolve."""
        return any(informative for _, informative, _ in self.equilibria)

    def svg(self) -> str:
        """The (a, δ) region plot with the treaty's point (SVG text, drawn once per point)."""
        return _regions_svg(self.a, self.delta, self.title)


def signal_view(current: Lesson) -> SignalView:
    """The signalling game at the lesson's a and δ.

    The signalling δ is the lesson's δ where staying out falls short of a
    triggered obligation and 0 otherwise (as :func:`analysis.signal.treaty_deltas`,
    with the rulebook's δ replaced by the slider's); the other parameters
    are the signalling model's classroom defaults.
    """
    reading = next((r for r in current.analysis.readings if r.modifiers is not None), None)
    a = current.analysis.params["a"]
    if reading is not None and reading.modifiers is not None and "S" in reading.modifiers.short:
        delta = reading.modifiers.delta
        why = "staying out falls short of the treaty, so tying hands costs δ·a to break"
    else:
        delta = Fraction(0)
        why = ("staying out breaks nothing the treaty owes here, so tying hands is cheap "
               "talk (δ = 0)")
    values, _ = signal_params([f"a={a}"])
    game = signalling_game("tying-hands", values, delta)
    result = all_pbe(game)
    title = (f"Tying hands: {current.analysis.treaty.id} in {current.analysis.scenario.id}, "
             f"a = {exact_and_decimal(a)}, δ = {exact_and_decimal(delta)}")
    return SignalView(a, delta, why, tuple(regions(values, a, delta)),
                      tuple((_kind(eq.kind, [game.messages[m] for m in eq.on_path]),
                             eq.informative, eq.intuitive) for eq in result.equilibria),
                      title)


def _kind(kind: str, on_path: Sequence[str]) -> str:
    """``pooling on T``, ``separating``, ``semi-separating``."""
    text = kind.replace("_", "-")
    return f"{text} on {on_path[0]}" if kind == "pooling" and len(on_path) == 1 else text


@functools.lru_cache(maxsize=64)
def _regions_svg(a: Fraction, delta: Fraction, title: str) -> str:
    values, _ = signal_params([f"a={a}"])
    return signal_regions(values, delta, title, "svg").decode("utf-8")


# ---------------------------------------------------------------------------- HTML
@dataclass(frozen=True)
class View:
    """What the app shows: the verdict panel, the tree tab and the signalling tab (HTML)."""

    panel: str
    tree: str
    signal: str
    lesson: Lesson | None


def view(treaty_id: str, scenario_id: str, values: Mapping[str, float | Fraction]) -> View:
    """The lesson at the sliders' values as HTML; bad values become a message, not an error."""
    try:
        current = lesson(treaty_id, scenario_id, values)
    except InputError as error:
        message = (f'<div id="th-panel"><p id="th-verdict" data-verdict="error" '
                   f'style="color:#b00020"><strong>Cannot analyse:</strong> '
                   f"{html.escape(error.render())}</p></div>")
        return View(message, "", "", None)
    return View(panel_html(current), tree_html(current), signal_html(signal_view(current)),
                current)


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def panel_html(current: Lesson) -> str:
    """The verdict, a*, δ, whether the challenger is deterred, and why (ids ``th-*``).

    The panel's ``data-*`` attributes repeat the treaty, scenario, verdict and
    the sliders' values as the lesson read them, so that a browser can tell
    when the page shows a new setting.
    """
    analysis = current.analysis
    first = current.reading
    names = cow_states()
    verdict = current.verdict
    colour = VERDICT_COLOURS.get(first.verdict, "#dddddd")
    threshold = "—" if current.threshold is None else exact_and_decimal(current.threshold)
    if current.delta_matters:
        given = exact_and_decimal(current.rulebook_delta or Fraction(0))
        delta = (f"δ = {exact_and_decimal(current.delta)}"
                 + ("" if current.delta == current.rulebook_delta else
                    f" (the rulebook gives {given})"))
    else:
        delta = "δ does not enter: no response falls short of the treaty here"
    if first.without is not None and first.with_cost is not None:
        deterred = (f"{_yes(current.deters)} (challenges without the audience cost: "
                    f"{_yes(first.without.challenge)}; with it: "
                    f"{_yes(first.with_cost.challenge)})")
    else:
        deterred = "no (the treaty does not change the game)"
    several = len(analysis.readings) > 1
    others = "".join(f"<li>{html.escape(r.reading) + ': ' if several else ''}"
                     f"<strong>{html.escape(r.verdict)}</strong> — {html.escape(r.explanation)}"
                     "</li>" for r in analysis.readings)
    rows = [
        ("th-verdict", "Verdict",
         f'<span style="background:{colour};padding:0.1em 0.4em;border-radius:0.3em">'
         f"{html.escape(verdict)}</span>"),
        ("th-threshold", "Threshold a*", html.escape(threshold)),
        ("th-deters", "Challenger deterred", html.escape(deterred)),
        ("th-delta", "Share of a kept", html.escape(delta)),
        ("th-ally", "Ally", html.escape(names.label(analysis.ally))),
        ("th-others", "Other parameters", html.escape(", ".join(
            f"{name} = {exact(value)}" for name, value in analysis.params.values.items()
            if name not in SLIDERS))),
    ]
    heading = 'style="text-align:left;padding-right:1em;white-space:nowrap"'
    body = "".join(f'<tr id="{rid}"><th {heading}>{name}</th><td>{value}</td></tr>'
                   for rid, name, value in rows)
    attributes = {"treaty": analysis.treaty.id, "scenario": analysis.scenario.id,
                  "verdict": verdict, "deters": _yes(current.deters),
                  **{name.lower().replace("_", "-"): exact(value)
                     for name, value in _settings(current).items()}}
    data = "".join(f' data-{name}="{html.escape(value)}"' for name, value in attributes.items())
    return (f'<div id="th-panel"{data}><table>{body}</table>'
            f'<ul id="th-explanation">{others}</ul></div>')


def _settings(current: Lesson) -> dict[str, Fraction]:
    """The sliders' values as the lesson read them."""
    params = current.analysis.params
    return {name: current.delta if name == "delta" else params[name] for name in SLIDERS}


def _image(svg: str, alt: str, element_id: str) -> str:
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return (f'<img id="{element_id}" alt="{html.escape(alt)}" '
            f'src="data:image/svg+xml;base64,{data}" '
            'style="max-width:100%;max-height:88vh;height:auto;width:auto">')


def tree_html(current: Lesson) -> str:
    """The game tree with the selected equilibrium's path in red (an inline SVG image)."""
    return _image(current.tree_svg(), "game tree with the equilibrium path", "th-tree")


def signal_html(signal: SignalView) -> str:
    """The (a, δ) region plot with the treaty's point, and the PBE at that point."""
    rows = "".join(f"<li>{html.escape(kind)}: informative {_yes(informative)}, intuitive "
                   f"criterion {_yes(intuitive)}</li>"
                   for kind, informative, intuitive in signal.equilibria)
    found = ", ".join(signal.regions) or "none"
    return (f'<div id="th-signal" data-informative="{_yes(signal.informative)}">'
            f"<p>Treaty's point: a = {html.escape(exact_and_decimal(signal.a))}, "
            f"δ = {html.escape(exact_and_decimal(signal.delta))} — {html.escape(signal.why)}.</p>"
            f"<p>Closed-form equilibria here: {html.escape(found)}. Informative equilibrium: "
            f"<strong id=\"th-informative\">{_yes(signal.informative)}</strong>.</p>"
            f"<ul>{rows}</ul>"
            f"{_image(signal.svg(), '(a, δ) regions of the tying-hands game', 'th-regions')}"
            "<p>Other parameters: the signalling model's classroom defaults "
            "(see docs/explanation/signalling.md).</p></div>")

