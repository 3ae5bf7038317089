"""``tiedhands atop trend DIR``: the share of imported alliances whose audience costs bind.

Registered on ``tiedhands atop`` by :mod:`analysis.atop_cli`; the computation is
:mod:`analysis.atop_trend`, the outputs :mod:`analysis.atop_trend_report`.
Conventions as in :mod:`analysis.cli`: results on stdout or ``-o PATH`` (never
over a file without ``--force``), bad input as one line on stderr and exit code 2.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from analysis.analysis_cli import (
    DistOption,
    ForceOption,
    ImportsArgument,
    ParamOption,
    RulesOption,
    TableFormatOption,
    TableOutputOption,
    check_overrides,
    distinct_outputs,
    emit_report,
    refuse_existing,
    rulebook_from,
    write_output,
)
from analysis.analysis_reports import COMPARE_SUFFIXES, CompareFormat
from analysis.atop_trend import (
    MonteCarlo,
    Trend,
    atop_trend,
    check_trend_draws,
    trend_distributions,
)
from analysis.atop_trend_report import plot_footnote, trend_csv, trend_plot, trend_report
from analysis.cli_common import chosen_format, fail
from analysis.parameters import DEFAULTS_SOURCE, PARAMETERS, parse_assignment, resolve
from analysis.plots import plot_format
from analysis.provenance import imports_hash, provenance
from analysis.rules import Rulebook
from analysis.sweep import DrawPoints, first_valid_point
from games.errors import InputError
from games.io.files import write_bytes_atomic
from treaties.atop import load_imports
from treaties.schema import Treaty


def trend_command(
    directory: ImportsArgument,
    draws: Annotated[int, typer.Option(help="Monte Carlo draws.")] = 1000,
    seed: Annotated[int, typer.Option(help="Seed of the Monte Carlo draws.")] = 0,
    dist: DistOption = None,
    param: ParamOption = None,
    rules: RulesOption = None,
    output_format: TableFormatOption = None,
    output: TableOutputOption = None,
    force: ForceOption = False,
    plot: Annotated[Path | None, typer.Option(
        help="Also plot the shares by decade (.png or .svg).")] = None,
) -> None:
    """The share of alliances whose audience costs bind, by decade signed, over draws.

    Template: on each alliance's start date, an armed attack on a member X, in X's
    home region, by a non-member that started it; every other member is analysed
    for X, with the attacker a threat the alliance names (if any) and a state it
    does not name.  Lower bound: every reading binds; upper: some reading does.
    ATOP records no escape wording (δ = 1), so both are upper bounds on binding.
    Without --dist, a ~ uniform(0, 4) and v_A ~ uniform(1, 8): illustrative
    defaults, not estimates.
    """
    try:
        chosen = chosen_format(output_format, output, COMPARE_SUFFIXES, CompareFormat.table)
        image_format = plot_format(plot) if plot is not None else None
        refuse_existing(output, force, "--output")
        refuse_existing(plot, force, "--plot")
        distinct_outputs(output, plot)
        check_trend_draws(draws)
        overrides = param or []
        check_overrides(overrides)
        pinned = {parse_assignment(text)[0] for text in overrides}
        distributions, illustrative = trend_distributions(dist or [], pinned)
        drawn = {name: f"drawn from {d}" for name, d in distributions.items()}
        fixed = resolve(None, overrides, drawn).values
        points = DrawPoints(distributions, fixed, seed, draws)
        first_valid_point(points)  # the seed and the acceptance of the draws, before any work
        monte_carlo = MonteCarlo(points, illustrative, tuple(overrides))
        rulebook = rulebook_from(rules)
        imports = _imports(directory)
        trend = _with_progress(imports, monte_carlo, rulebook)
        sources = {**{p.name: DEFAULTS_SOURCE for p in PARAMETERS},
                   **{name: "--param" for name in pinned}, **drawn}
        record = provenance(rulebook.fingerprint(), sources, overrides,
                            atop_imports=imports_hash(directory))
        if plot is not None and image_format is not None:
            write_bytes_atomic(plot, trend_plot(trend, image_format,
                                                plot_footnote(trend, record)), force=force)
        if chosen is CompareFormat.csv:
            write_output(trend_csv(trend, record), output, force)
        else:
            emit_report(trend_report(trend, record), chosen, output, force)
    except InputError as error:
        raise fail(error) from None


def _imports(directory: Path) -> tuple[Treaty, ...]:
    """:func:`treaties.atop.load_imports`, blaming the DIR argument for a bad directory."""
    try:
        return load_imports(directory)
    except InputError as error:
        if error.field != "--atop":
            raise
        raise InputError(error.message, source=error.source, field="DIR",
                         expected=error.expected) from None


def _with_progress(imports: tuple[Treaty, ...], monte_carlo: MonteCarlo,
                   rulebook: Rulebook) -> Trend:
    """:func:`analysis.atop_trend.atop_trend` with a transient progress bar on a terminal's
    stderr, one step per alliance."""
    console = Console(stderr=True)
    columns = (TextColumn("instantiating"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=console, transient=True,
                  disable=not console.is_terminal) as bar:
        task = bar.add_task("trend", total=len(imports))
        return atop_trend(imports, monte_carlo, rulebook=rulebook,
                          progress=lambda: bar.advance(task))
