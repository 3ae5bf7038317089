"""``tiedhands signal``: the tying-hands signalling game for a treaty and a crisis."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path
from typing import Annotated, Any

import typer

from analysis.analysis_reports import exact
from analysis.cli_common import chosen_format, emit, fail
from analysis.plots import signal_regions
from analysis.report import SUFFIX_FORMATS, OutputFormat, Report, Section, joined
from analysis.rules import load_rulebook
from analysis.signal import CONDITIONS_LATEX, SignalAnalysis, analyze_signal
from games.errors import InputError
from games.io.files import write_bytes_atomic
from games.signalling import SignallingGame
from games.solvers.pbe import SignallingEquilibrium
from treaties.load import load_scenario, load_treaty
from treaties.states import cow_states

MODELS = {"tying-hands": ("tying-hands",), "sinking-costs": ("sinking-costs",),
          "both": ("tying-hands", "sinking-costs")}


def _mixed(probabilities: Sequence[Fraction], labels: Sequence[str]) -> str:
    parts = [f"{label}" if p == 1 else f"{label} {exact(p)}"
             for label, p in zip(labels, probabilities, strict=True) if p > 0]
    return ", ".join(parts)


def equilibrium_json(game: SignallingGame, eq: SignallingEquilibrium) -> dict[str, Any]:
    """One PBE in the issue's JSON layout (exact numbers as strings)."""
    off = next((o for o in eq.off_path if o is not None), None)
    return {
        "type": eq.kind, "informative": eq.informative,
        "strategies": {
            "ally": {t: dict(zip(game.messages, map(exact, eq.sender[k]), strict=True))
                     for k, t in enumerate(game.sender_types)},
            "challenger": {tau: {s: dict(zip(game.responses, map(exact, eq.receiver[j][m]),
                                             strict=True))
                                 for m, s in enumerate(game.messages)}
                           for j, tau in enumerate(game.receiver_types)}},
        "beliefs": {s: None if b is None else exact(b[0])
                    for s, b in zip(game.messages, eq.beliefs, strict=True)},
        "off_path_beliefs": None if off is None or off.interval is None
        else [exact(off.interval[0]), exact(off.interval[1])],
        "intuitive_criterion": eq.intuitive,
        "ally_payoffs": dict(zip(game.sender_types, map(exact, eq.sender_payoffs), strict=True)),
    }


def signal_report(analysis: SignalAnalysis) -> Report:
    """Tables of every PBE per reading and model, and the JSON document."""
    names = cow_states()
    sections = [Section(
        f"Signalling: {analysis.treaty.label} in {analysis.scenario.name}, "
        f"{names.label(analysis.ally)}", ("parameter", "value", "source"),
        tuple((k, exact(v), analysis.sources[k]) for k, v in analysis.params.items()))]
    readings: list[dict[str, Any]] = []
    for reading in analysis.readings:
        models: dict[str, list[dict[str, Any]]] = {}
        for model, (game, result) in reading.results.items():
            rows = tuple((
                eq.kind, "yes" if eq.informative else "no",
                "; ".join(f"{t}: {_mixed(eq.sender[k], game.messages)}"
                          for k, t in enumerate(game.sender_types)),
                "; ".join(f"{tau} after {s}: {_mixed(eq.receiver[j][m], game.responses)}"
                          for j, tau in enumerate(game.receiver_types)
                          for m, s in enumerate(game.messages)),
                joined([f"Pr(R|{s}) = {exact(b[0])}" if b is not None else f"{s} off path"
                        for s, b in zip(game.messages, eq.beliefs, strict=True)], "; "),
                "yes" if eq.intuitive else "no") for eq in result.equilibria)
            sections.append(Section(
                f"{model}, {reading.reading}: δ = {exact(reading.delta)} ({reading.why})",
                ("type", "informative", "ally", "challenger", "beliefs", "intuitive"), rows,
                result.notes))
            models[model] = [equilibrium_json(game, eq) for eq in result.equilibria]
        readings.append({"reading": reading.reading, "delta": exact(reading.delta),
                         "why": reading.why, "models": models})
    first = readings[0]
    data = {"treaty": analysis.treaty.id, "scenario": analysis.scenario.id,
            "ally": analysis.ally, "model": list(first["models"]), "delta": first["delta"],
            "params": {k: {"value": exact(v), "source": analysis.sources[k]}
                       for k, v in analysis.params.items()},
            "equilibria": [eq for eqs in first["models"].values() for eq in eqs],
            "readings": readings, "conditions_latex": dict(CONDITIONS_LATEX)}
    informative = any(eq["informative"] for eq in data["equilibria"])
    summary = (f"Informative equilibrium at δ = {first['delta']}: "
               f"{'yes' if informative else 'no'}",)
    return Report(tuple(sections), data, summary)


def signal_command(
    treaty: Annotated[str, typer.Option(help="A built-in treaty id or a YAML file.")],
    scenario: Annotated[str, typer.Option(help="A built-in scenario id or a YAML file.")],
    ally: Annotated[int | None, typer.Option(help="COW code of the ally.")] = None,
    params: Annotated[list[str] | None, typer.Option(
        "--param", help="name=value for q, pi_tough, v_R, v_U, c_A, a, g, w_weak, w_tough, m "
                        "(repeatable).")] = None,
    model: Annotated[str, typer.Option(
        help="tying-hands, sinking-costs or both.")] = "tying-hands",
    rules: Annotated[Path | None, typer.Option(help="YAML rules replacing built-in ones.")]
    = None,
    output_format: Annotated[OutputFormat | None, typer.Option(
        "--format", help="table, json, markdown or latex.")] = None,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write to this file.")]
    = None,
    plot: Annotated[Path | None, typer.Option(
        help="Draw the (a, δ) regions (.png or .svg).")] = None,
    force: Annotated[bool, typer.Option(help="Overwrite existing files.")] = False,
) -> None:
    """Perfect Bayesian equilibria of the tying-hands game at the treaty's δ."""
    try:
        if model not in MODELS:
            raise InputError(f"unknown model {model!r}", field="--model",
                             expected="tying-hands, sinking-costs or both")
        chosen_format(output_format, output, SUFFIX_FORMATS, OutputFormat.table)
        image_format = None
        if plot is not None:
            image_format = plot.suffix.lower().lstrip(".")
            if image_format not in ("png", "svg"):
                raise InputError("cannot tell the image format", source=str(plot),
                                 field="--plot", expected=".png or .svg")
            if plot.exists() and not force:
                raise InputError("the file already exists; use --force to overwrite it",
                                 source=str(plot), field="--plot")
        analysis = analyze_signal(load_treaty(treaty), load_scenario(scenario),
                                  MODELS[model], params or [], ally=ally,  # type: ignore[arg-type]
                                  rulebook=load_rulebook(None if rules is None else str(rules)))
        emit(signal_report(analysis), output_format, output, force)
        if plot is not None and image_format is not None:
            title = f"Tying hands: {analysis.treaty.id} in {analysis.scenario.id}"
            write_bytes_atomic(plot, signal_regions(analysis.params, analysis.readings[0].delta,
                                                    title, image_format), force=force)
    except InputError as error:
        raise fail(error) from None
