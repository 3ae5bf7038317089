"""``tiedhands respond``: restraint, countermeasures or sweeping controls against a partnership.

Solves the policy-response game (:mod:`analysis.models.response`) at one
parameter point — the SPE from the engine beside the closed forms — reports
the headline conditions (does overreaction produce the bloc? does a wedge
break it, and is it worth it?), and with ``--plot`` draws the (σ, θ_W) plane:
where each move is R's best and where the bloc forms.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer

from analysis.analysis_cli import (
    ForceOption,
    OutputOption,
    ReportFormatOption,
    report_and_plot_formats,
)
from analysis.capability_rules import CapabilityRules, exact, load_rules
from analysis.cli_common import emit, fail
from analysis.models.response import MOVES, RESPONSES, move_label
from analysis.parameters import ParameterValues
from analysis.plots import render_figure
from analysis.provenance import Provenance, provenance
from analysis.report import Report, Section
from analysis.respond import (
    RESPONSE_PARAMETERS,
    ClosedForms,
    Headline,
    MoveArrays,
    ResponsePlay,
    best_moves,
    closed_forms,
    headline,
    resolve_response,
    solve_response,
)
from games.errors import InputError
from games.io.files import write_bytes_atomic
from treaties.cooperation import CooperationProfile
from treaties.load import load_profile

GRID = 201
"""Points per axis of the (σ, θ_W) plot."""


def profile_gain(profile: CooperationProfile, rules: CapabilityRules) -> Fraction:
    """The partners' capability gain g from a profile, in percentage points: the sum over the
    (channel, capability) pairs of its ongoing entries (no end date) of shift × channel
    weight × the largest status weight, times 100 — the capability rules' own magnitudes,
    without roles or theatre."""
    best: dict[tuple[str, str], Fraction] = {}
    for entry in profile.entries:
        if entry.end is not None:
            continue  # ended cooperation adds nothing to what the partners can still deepen
        weight = exact(rules.status(entry.status).weight)
        for capability in entry.capabilities:
            key = (entry.channel, capability)
            best[key] = max(best.get(key, Fraction(0)), weight)
    return 100 * sum((exact(rules.shift(k).shift) * exact(rules.channel(c).weight) * w  # type: ignore[arg-type]
                      for (c, k), w in best.items()), Fraction(0))


def _text(value: Fraction) -> str:
    text = str(value) if value.denominator == 1 else f"{value} ({float(value):.4g})"
    return text.replace("-", "−")


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def _maybe(flag: bool | None, why_not: str) -> str:
    return f"n/a: {why_not}" if flag is None else _yes(flag)


def respond_report(params: ParameterValues, play: ResponsePlay, forms: ClosedForms,
                   found: Headline, record: Provenance) -> Report:
    """The parameters, every move's outcome, the SPE and the headline conditions."""
    closed = forms.at(params.values)
    parameters = Section("Parameters", ("name", "value", "meaning", "source"), tuple(
        (p.name, _text(params[p.name]), p.meaning, params.sources[p.name])
        for p in RESPONSE_PARAMETERS))
    moves = Section(
        "R's nine moves: what the partners do and what R gets",
        ("move", "d_1", "partner 1", "d_2", "partner 2", "bloc", "R's payoff", "SPE"),
        tuple((move_label(m), _text(closed.margins[(m, 1)]),
               "deepens" if play.deepens[(m, 1)] else "limits", _text(closed.margins[(m, 2)]),
               "deepens" if play.deepens[(m, 2)] else "limits",
               _yes(play.deepens[(m, 1)] and play.deepens[(m, 2)]),
               _text(closed.payoffs[m]), "★" if m == play.choice else "") for m in MOVES),
        ("d_i: partner i's payoff from deepening (limiting pays 0); it deepens iff d_i > 0 "
         "(an indifferent partner limits).",
         "The partners' choices are the engine's SPE; d_i and R's payoffs are the closed "
         "forms; they agree."))
    outcome = ("the partners form the bloc" if play.bloc else "no bloc forms")
    thresholds = found.wedge_threshold
    conditions = Section("Headline conditions", ("condition", "closed form", "here"), (
        ("R's best move (SPE)", "max over the nine moves", f"{move_label(play.choice)}: "
         f"{outcome}; R gets {_text(play.payoff[0])}"),
        ("Overreaction produces the bloc",
         "g − θ_W + σ − κ_i > 0 for i = 1, 2, and g − θ_T − κ_i ≤ 0 for some i",
         _yes(found.overreaction_backfires)
         + f" (bloc after sweeping: {_yes(found.bloc_after_sweeping)}; after targeted: "
           f"{_yes(found.bloc_after_targeted)})"),
        *((f"A wedge on partner {i} breaks the bloc after sweeping controls",
           f"ω ≥ g − θ_W + σ − κ_{i}",
           _maybe(found.wedge_breaks[i], "no bloc after sweeping controls to break")
           + f" (ω = {_text(params['omega'])}, threshold {_text(thresholds[i])})")
          for i in (1, 2)),
        ("The wedge is worth it (against the bloc it breaks)", "w < B",
         _maybe(found.wedge_worth_it, "no wedge breaks a bloc here")
         + f" (w = {_text(params['w'])}, B = {_text(params['B'])})"),
    ), ("Ties (a zero margin, or R indifferent) are settled by the rule in "
        "docs/explanation/policy-responses.md." + (" This point has one."
                                                   if closed.ties else ""),))
    data: dict[str, Any] = {
        "parameters": {p.name: {"value": str(params[p.name]),
                                "source": params.sources[p.name]} for p in RESPONSE_PARAMETERS},
        "spe": {"move": {"response": play.choice[0], "wedge": play.choice[1]},
                "bloc": play.bloc, "payoffs": [str(v) for v in play.payoff],
                "several_equilibria": play.ties},
        "moves": [{"response": m[0], "wedge": m[1],
                   "margins": {str(i): str(closed.margins[(m, i)]) for i in (1, 2)},
                   "deepens": {str(i): play.deepens[(m, i)] for i in (1, 2)},
                   "rival_payoff": str(closed.payoffs[m])} for m in MOVES],
        "headline": {"overreaction_backfires": found.overreaction_backfires,
                     "bloc_after_sweeping": found.bloc_after_sweeping,
                     "bloc_after_targeted": found.bloc_after_targeted,
                     "wedge_threshold": {str(i): str(v) for i, v in thresholds.items()},
                     "wedge_breaks": {str(i): v for i, v in found.wedge_breaks.items()},
                     "wedge_worth_it": found.wedge_worth_it},
        "closed_forms": {f"{m[0]}+wedge{m[1]}/partner{i}": str(forms.margins[(m, i)])
                         for m in MOVES for i in (1, 2)},
        "provenance": record.to_json()}
    scale = (("g comes from a cooperation profile in percentage points; set κ, θ, σ, ω, B "
              "and the costs on the same scale with --param (the defaults suit g = 3).",)
             if params.sources["g"].startswith("profile ") else ())
    return Report((parameters, moves, conditions), data,
                  (*scale, "The magnitudes are illustrative defaults unless set with --param; "
                   "the model's assumptions are in docs/explanation/policy-responses.md.",
                   record.line()))


def regions_plot(values: Mapping[str, Fraction], image_format: str, footnote: str) -> bytes:
    """The (σ, θ_W) plane: R's best response by colour (hatched where it adds a wedge) and
    the region where the bloc forms outlined."""
    sigma_top = max(4 * float(values["sigma"]), 1.0)
    theta_low = float(values["theta_T"])
    theta_top = max(theta_low + 4 * max(float(values["theta_W"]) - theta_low, 0.5), 1.0)
    sigma_axis = np.linspace(sigma_top / GRID, sigma_top, GRID)
    theta_axis = np.linspace(theta_low, theta_top, GRID)
    sigma_grid, theta_grid = np.meshgrid(sigma_axis, theta_axis)
    arrays = {k: np.full(sigma_grid.shape, float(v)) for k, v in values.items()}
    arrays.update(sigma=sigma_grid, theta_W=theta_grid)
    found = best_moves(arrays)
    return render_figure(lambda: _regions(sigma_axis, theta_axis, found, values, footnote),
                         image_format)


_RESPONSE_COLOURS = {"restraint": "#a1d99b", "targeted": "#9ecae1", "sweeping": "#fdae6b"}


def _regions(sigma_axis: Any, theta_axis: Any, found: MoveArrays,
             values: Mapping[str, Fraction], footnote: str) -> Any:
    from matplotlib.artist import Artist
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.colors import ListedColormap
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    figure = Figure(figsize=(6.4, 4.8))
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    response = np.vectorize(lambda k: RESPONSES.index(MOVES[k][0]))(found.choice)
    extent = (sigma_axis[0], sigma_axis[-1], theta_axis[0], theta_axis[-1])
    axes.imshow(response, origin="lower", extent=extent, aspect="auto", vmin=-0.5, vmax=2.5,
                cmap=ListedColormap([_RESPONSE_COLOURS[r] for r in RESPONSES]))
    wedged = np.vectorize(lambda k: MOVES[k][1] != 0)(found.choice)
    handles: list[Artist] = [Patch(facecolor=_RESPONSE_COLOURS[r], label=f"R's best: {r}")
                             for r in RESPONSES]
    if wedged.any():
        axes.contourf(sigma_axis, theta_axis, wedged.astype(float), levels=[0.5, 1.5],
                      colors="none", hatches=["//"])
        handles.append(Patch(facecolor="white", edgecolor="#404040", hatch="//",
                             label="... with a wedge offer"))
    overreach = found.bloc_after[MOVES.index(("sweeping", 0))]
    if overreach.any() and not overreach.all():
        axes.contour(sigma_axis, theta_axis, overreach.astype(float), levels=[0.5],
                     colors="#de2d26", linewidths=1.5)
    handles.append(Line2D([], [], color="#de2d26", label=(
        "right of the line: sweeping\ncontrols would make the bloc" if overreach.any()
        and not overreach.all() else "sweeping controls would\nmake the bloc everywhere"
        if overreach.all() else "sweeping controls never\nmake the bloc")))
    if found.bloc.any():
        axes.contourf(sigma_axis, theta_axis, found.bloc.astype(float), levels=[0.5, 1.5],
                      colors="none", hatches=[".."])
    handles.append(Patch(facecolor="white", edgecolor="#404040", hatch=".." if found.bloc.any()
                         else None, label="the bloc forms in equilibrium" if found.bloc.any()
                         else "the bloc never forms\nin equilibrium here"))
    axes.plot([float(values["sigma"])], [float(values["theta_W"])], marker="*",
              color="black", markersize=10, linestyle="none", clip_on=False)
    axes.set_xlabel("σ: the push of sweeping controls", fontsize=8)
    axes.set_ylabel("θ_W: what sweeping controls cut", fontsize=8)
    axes.tick_params(labelsize=7)
    axes.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=7,
                frameon=False)
    axes.set_title("R's best response to the partnership (★: this point)", fontsize=9)
    figure.tight_layout(rect=(0.0, 0.06, 1.0, 1.0))
    figure.text(0.01, 0.01, footnote, fontsize=5, wrap=True, va="bottom", ha="left",
                color="#404040")
    return figure


def respond_command(
    param: Annotated[list[str] | None, typer.Option(
        "--param", help="Set a parameter, name=value (repeatable; exact: 0.3 is 3/10); the "
                        "names are in the report's first table.")] = None,
    profile: Annotated[str | None, typer.Option(
        "--profile", help="Take g, the partners' capability gain, from a cooperation profile "
                          "(percentage points, from the capability rules).")] = None,
    rules: Annotated[Path | None, typer.Option(
        "--rules", help="Capability rules replacing the built-in ones by id (with "
                        "--profile).")] = None,
    output_format: ReportFormatOption = None,
    output: OutputOption = None,
    force: ForceOption = False,
    plot: Annotated[Path | None, typer.Option(
        help="Also draw the (σ, θ_W) regions: R's best response and where the bloc forms "
             "(.png or .svg).")] = None,
) -> None:
    """Restraint, targeted countermeasures or sweeping controls against a partnership, and
    wedge diplomacy: when does overreaction create the bloc it fears?

    The rival R responds (and may add a wedge offer aimed at one partner); the two
    partners then deepen or limit their cooperation at once. The SPE comes from the
    engine, beside the closed forms; parameters are set with --param (see the table).
    """
    try:
        report_format, image_format = report_and_plot_formats(output_format, output, plot,
                                                              force)
        overrides = param or []
        check_overrides_response(overrides)
        base: dict[str, tuple[Fraction, str]] = {}
        fingerprint = None
        if profile is not None:
            _, capability_rules = load_rules(None if rules is None else str(rules))
            found_profile = load_profile(profile)
            fingerprint = capability_rules.fingerprint()
            base["g"] = (profile_gain(found_profile, capability_rules),
                         f"profile {found_profile.id}: its ongoing entries' capability gain "
                         f"in percentage points, by capability rules {fingerprint} "
                         f"(assumption: true: see tiedhands rules capability)")
        elif rules is not None:
            raise InputError("--rules without --profile", field="--rules",
                             expected="--rules with --profile (the rules size a profile)")
        params = resolve_response(overrides, base)
        record = provenance("not used", dict(params.sources), overrides,
                            capability_rules=fingerprint)
        play = solve_response(params.values)
        found = headline(params.values)
        if plot is not None and image_format is not None:
            footnote = ("Illustrative magnitudes unless set with --param. " + record.line())
            write_bytes_atomic(plot, regions_plot(params.values, image_format, footnote),
                               force=force)
        emit(respond_report(params, play, closed_forms(), found, record), report_format,
             output, force)
    except InputError as error:
        raise fail(error) from None


def check_overrides_response(overrides: list[str]) -> None:
    """Refuse a repeated ``--param`` name before any work."""
    names = [text.partition("=")[0].strip() for text in overrides]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise InputError(f"--param {repeated[0]} is given twice", field="--param",
                         expected="each parameter once")

