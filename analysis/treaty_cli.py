"""The ``treaty``, ``scenario`` and ``coverage`` commands.

An argument containing ``/`` or ending in ``.yaml``/``.yml`` is a file;
anything else is the id of a built-in treaty or scenario.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from analysis.cli_common import emit, fail
from analysis.report import OutputFormat
from analysis.treaty_reports import (
    coverage_report,
    coverage_summary,
    problems_report,
    scenario_list,
    scenario_show,
    treaty_list,
    treaty_show,
)
from games.errors import InputError
from treaties.coverage import coverage
from treaties.load import (
    Kind,
    builtin_scenarios,
    builtin_treaties,
    check_files,
    load_scenario,
    load_treaty,
)
from treaties.scenario import Scenario
from treaties.schema import Treaty
from treaties.states import cow_states
from treaties.thresholds import DEFAULT_THRESHOLDS, load_threshold_table

treaty_app = typer.Typer(help="List, show and check treaties.", no_args_is_help=True)
scenario_app = typer.Typer(help="List, show and check scenarios.", no_args_is_help=True)

FormatOption = Annotated[OutputFormat | None, typer.Option(
    "--format", help="table, json, markdown or latex (default: from the -o suffix, else "
                     "table).")]
OutputOption = Annotated[Path | None, typer.Option(
    "-o", "--output", help="Write to this file (.txt, .json or .md) instead of stdout.")]
ForceOption = Annotated[bool, typer.Option(help="Overwrite the -o file if it exists.")]


@treaty_app.command("list")
def treaty_list_command(output_format: FormatOption = None, output: OutputOption = None,
                        force: ForceOption = False) -> None:
    """List the built-in treaties."""
    try:
        emit(treaty_list(builtin_treaties()), output_format, output, force)
    except InputError as error:
        raise fail(error) from None


@treaty_app.command("show")
def treaty_show_command(
    treaty: Annotated[str, typer.Argument(help="A built-in treaty id or a YAML file.")],
    output_format: FormatOption = None, output: OutputOption = None, force: ForceOption = False,
) -> None:
    """Show a treaty: parties, phases, obligations, evidence and interpretations."""
    try:
        emit(treaty_show(load_treaty(treaty)), output_format, output, force)
    except InputError as error:
        raise fail(error) from None


@scenario_app.command("list")
def scenario_list_command(output_format: FormatOption = None, output: OutputOption = None,
                          force: ForceOption = False) -> None:
    """List the built-in scenarios."""
    try:
        emit(scenario_list(builtin_scenarios()), output_format, output, force)
    except InputError as error:
        raise fail(error) from None


@scenario_app.command("show")
def scenario_show_command(
    scenario: Annotated[str, typer.Argument(help="A built-in scenario id or a YAML file.")],
    output_format: FormatOption = None, output: OutputOption = None, force: ForceOption = False,
) -> None:
    """Show a scenario: hostilities, alignments, allies analysed, parameter overrides."""
    try:
        emit(scenario_show(load_scenario(scenario)), output_format, output, force)
    except InputError as error:
        raise fail(error) from None


def check_command(kind: Kind, paths: list[Path], output_format: OutputFormat | None) -> None:
    """Validate files of one kind and print every problem (exit 2 if any)."""
    try:
        files, problems = check_files(paths, kind)
        emit(problems_report(kind, files, problems), output_format, None, False)
    except InputError as error:
        raise fail(error) from None
    if problems:
        raise typer.Exit(2)


@treaty_app.command("check")
def treaty_check_command(
    paths: Annotated[list[Path], typer.Argument(help="Treaty files or directories of them.")],
    output_format: FormatOption = None,
) -> None:
    """Validate treaty files; print every problem with file, line and field (exit 2 if any)."""
    check_command("treaty", paths, output_format)


@scenario_app.command("check")
def scenario_check_command(
    paths: Annotated[list[Path], typer.Argument(help="Scenario files or directories of them.")],
    output_format: FormatOption = None,
) -> None:
    """Validate scenario files; print every problem with file, line and field (exit 2 if any)."""
    check_command("scenario", paths, output_format)


def coverage_command(
    treaty: Annotated[str | None, typer.Option(
        help="A built-in treaty id or a YAML file (default: every built-in treaty that "
             "binds an ally of the scenario).")] = None,
    scenario: Annotated[str | None, typer.Option(
        help="A built-in scenario id or a YAML file (default: every built-in scenario).")
    ] = None,
    ally: Annotated[int | None, typer.Option(
        help="COW code of the ally (default: the scenario's allies that are parties, "
             "else every party).")] = None,
    for_: Annotated[list[int] | None, typer.Option(
        "--for", help="COW code of a belligerent the ally is analysed for (repeatable; "
                      "default: from the scenario).")] = None,
    thresholds: Annotated[Path | None, typer.Option(
        help="YAML severity × threshold table replacing the default rows it gives.")] = None,
    output_format: FormatOption = None, output: OutputOption = None, force: ForceOption = False,
) -> None:
    """Is the ally's obligation triggered in the scenario, and which clauses let it out?

    With --treaty and --scenario: every obligation in detail.  Without one of
    them: one summary row per scenario, ally and treaty over the built-in corpus.
    """
    try:
        for code in [*([ally] if ally is not None else []), *(for_ or [])]:
            if code not in cow_states():
                raise InputError(f"{code} is not a Correlates of War state code",
                                 field="--ally" if code == ally else "--for",
                                 expected="a COW code, e.g. 2 = USA, 365 = Russia")
        table = (load_threshold_table(str(thresholds)) if thresholds is not None
                 else DEFAULT_THRESHOLDS)
        treaties = [load_treaty(treaty)] if treaty is not None else list(builtin_treaties())
        scenarios = ([load_scenario(scenario)] if scenario is not None
                     else list(builtin_scenarios()))
        if treaty is not None and scenario is not None:
            results = [coverage(treaties[0], scenarios[0], a, for_ or None, thresholds=table)
                       for a in _allies(treaties[0], scenarios[0], ally)]
            report = coverage_report(results, treaties[0], scenarios[0])
        else:
            report = coverage_summary([
                (s, t, coverage(t, s, a, for_ or None, thresholds=table))
                for s in scenarios for t in treaties
                for a in _allies(t, s, ally, listed_only=True)])
        emit(report, output_format, output, force)
    except InputError as error:
        raise fail(error) from None


def _allies(treaty: Treaty, scenario: Scenario, ally: int | None,
            listed_only: bool = False) -> list[int]:
    """The allies to analyse: the one asked for, else the scenario's that are parties.

    Without a listed ally, every party is analysed, unless ``listed_only``.
    """
    if ally is not None:
        return [ally] if not listed_only or ally in treaty.party_codes else []
    listed = [a.ally for a in scenario.allies if a.ally in treaty.party_codes]
    if listed or listed_only:
        return list(dict.fromkeys(listed))
    return list(treaty.party_codes)
