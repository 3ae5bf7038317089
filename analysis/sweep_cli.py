"""``tiedhands sweep``: verdicts over parameter grids or Monte Carlo draws.

Thin: parse the grids, distributions and fixed values, plan the readings, run
:func:`analysis.sweep.run_sweep` with a progress bar, and write the summary
(stdout or ``--format``), the rows (``-o``) and the plot (``--plot``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
)

from analysis.analysis_cli import (
    DistOption,
    DrawsOption,
    ForceOption,
    RulesOption,
    SeedOption,
    _treaties,
    check_codes,
    distinct_outputs,
    refuse_existing,
    rulebook_from,
)
from analysis.batch_verdicts import ReadingPlan
from analysis.cli_common import chosen_format, emit, fail
from analysis.parameters import parse_assignment
from analysis.plots import plot_format
from analysis.provenance import provenance
from analysis.report import SUFFIX_FORMATS, OutputFormat
from analysis.sampling import Distribution, Grid, is_grid, parse_distributions, parse_grid
from analysis.sweep import (
    DEFAULT_CHUNK,
    ChunkResult,
    GridPicture,
    Points,
    Totals,
    check_draws,
    run_sweep,
    setup_sweep,
)
from analysis.sweep_output import row_writer, rows_format, summary_report
from analysis.sweep_plots import grid_plot, shares_plot, shown_readings
from games.errors import InputError
from games.io.files import write_bytes_atomic
from treaties.load import load_scenario


def sweep_command(
    scenario: Annotated[str, typer.Option(help="A built-in scenario id or a YAML file.")],
    treaty: Annotated[list[str] | None, typer.Option(
        "--treaty", "--treaties", help="A treaty id or YAML file (repeatable, or "
                                       "comma-separated; default: every built-in treaty).")
    ] = None,
    ally: Annotated[int | None, typer.Option(
        help="COW code of the ally (default: each of the scenario's listed allies that is "
             "a party).")] = None,
    param: Annotated[list[str] | None, typer.Option(
        "--param", help="A grid name=start:stop:count (inclusive, like numpy.linspace; the "
                        "sweep is the product of all grids) or a fixed value name=value "
                        "(repeatable).")] = None,
    draws: DrawsOption = None,
    seed: SeedOption = None,
    dist: DistOption = None,
    rules: RulesOption = None,
    output_format: Annotated[OutputFormat | None, typer.Option(
        "--format", help="Format of the summary on stdout: table, json, markdown or "
                         "latex.")] = None,
    output: Annotated[Path | None, typer.Option(
        "-o", "--output", help="Write one row per point and reading here (.parquet or "
                               ".csv; with no suffix, Parquet above 10⁶ rows).")
    ] = None,
    force: ForceOption = False,
    plot: Annotated[Path | None, typer.Option(
        help="Also plot (.png or .svg): a line for one grid, a heatmap for two, verdict "
             "shares for Monte Carlo or three or more grids.")] = None,
    chunk_size: Annotated[int, typer.Option(
        help="Points per chunk (memory ∝ chunk; results do not depend on it).")
    ] = DEFAULT_CHUNK,
    scheduler: Annotated[str | None, typer.Option(
        help="Run the chunks as tasks on this Dask scheduler (the dask extra), e.g. "
             "tcp://127.0.0.1:8786.")] = None,
) -> None:
    """Sweep parameters over grids or Monte Carlo draws and report the share of each verdict.

    Every reading of the treaties in the scenario is solved at every point in
    numpy (the batch solver); parameters not swept or drawn take the
    scenario's values, --param values, or the defaults.
    """
    try:
        chosen = chosen_format(output_format, None, SUFFIX_FORMATS, OutputFormat.table)
        image_format = plot_format(plot) if plot is not None else None
        refuse_existing(output, force, "--output")
        refuse_existing(plot, force, "--plot")
        distinct_outputs(output, plot)
        check_codes(ally, [])
        if seed is not None and draws is None:
            raise InputError("--seed without --draws", field="--seed",
                             expected="--seed with --draws N (grids are not random)")
        seed = 0 if seed is None else seed
        grids, fixed = _split_params(param or [])
        distributions = _distributions(dist or [], grids, fixed, draws)
        crisis = load_scenario(scenario)
        rulebook = rulebook_from(rules)
        setup = setup_sweep(_treaties(treaty), crisis, grids=grids, distributions=distributions,
                            draws=draws, seed=seed, fixed=fixed, ally=ally, rulebook=rulebook)
        plans, points, base = setup.plans, setup.points, setup.params
        record = provenance(rulebook.fingerprint(), base.sources)
        picture = (GridPicture.empty(tuple(grids), shown_readings(plans, len(grids)))
                   if plot is not None and draws is None and len(grids) <= 2 else None)
        with ExitStack() as stack:
            sinks: list[Callable[[ChunkResult], None]] = []
            if output is not None:
                rows = points.size * len(plans)
                output_kind, note = rows_format(output, rows)
                if note:
                    Console(stderr=True).print(note, highlight=False)
                header = [*setup.description, record.line()]
                sinks.append(stack.enter_context(
                    row_writer(output, output_kind, plans, force=force, header=header)))
            if picture is not None:
                sinks.append(picture.add)
            totals = _with_progress(plans, points, sinks, chunk_size, scheduler)
        if plot is not None and image_format is not None:
            image = (grid_plot(plans, picture, crisis.name, image_format)
                     if picture is not None
                     else shares_plot(plans, totals, crisis.name, image_format))
            write_bytes_atomic(plot, image, force=force)
        emit(summary_report(plans, totals, setup.description, record, draws is not None),
             chosen, None, force)
    except InputError as error:
        raise fail(error) from None


def _split_params(texts: Sequence[str]) -> tuple[list[Grid], list[str]]:
    """Grids (``name=start:stop:count``) and fixed values (``name=value``)."""
    grids = [parse_grid(text) for text in texts if is_grid(text)]
    fixed = [text for text in texts if not is_grid(text)]
    swept = {g.name for g in grids}
    for name, _ in (parse_assignment(text) for text in fixed):
        if name in swept:
            raise InputError(f"{name} is both swept and fixed", field=f"--param {name}",
                             expected="a grid or a value, not both")
    return grids, fixed


def _distributions(texts: Sequence[str], grids: Sequence[Grid], fixed: Sequence[str],
                   draws: int | None) -> dict[str, Distribution]:
    """The ``--dist`` distributions, checked against ``--draws`` and ``--param``."""
    if draws is None:
        if texts:
            raise InputError("--dist needs --draws", field="--dist",
                             expected="--draws N with the distributions")
        if not grids:
            raise InputError("nothing to sweep", field="--param",
                             expected="a grid such as --param a=0:20:1001, or --draws N "
                                      "with --dist p_I=beta(2,5)")
        return {}
    check_draws(draws)
    if grids:
        raise InputError(f"a grid ({grids[0]}) with --draws", field="--param",
                         expected="either grids or Monte Carlo draws, not both")
    if not texts:
        raise InputError("--draws without --dist", field="--dist",
                         expected="at least one distribution, e.g. --dist p_I=beta(2,5)")
    return parse_distributions(texts, {parse_assignment(text)[0] for text in fixed})


def _with_progress(plans: Sequence[ReadingPlan], points: Points,
                   sinks: Sequence[Callable[[ChunkResult], None]], chunk_size: int,
                   scheduler: str | None) -> Totals:
    """:func:`run_sweep` with a progress bar on a terminal's stderr."""
    console = Console(stderr=True)
    columns = (TextColumn("sweeping"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console, transient=True,
                  disable=not console.is_terminal) as bar:
        task = bar.add_task("sweep", total=points.size)
        return run_sweep(plans, points, chunk_size=chunk_size, sinks=sinks,
                         progress=lambda done: bar.advance(task, done), scheduler=scheduler)
