"""The ``analyze``, ``compare``, ``params`` and ``rules show`` commands.

``analyze`` gives the tied-hands verdict for one treaty, scenario and ally;
``compare`` the verdict of every treaty in every scenario; ``params`` and
``rules show`` list the parameters and the rules they rest on.  Conventions as
in :mod:`analysis.cli`: results on stdout or ``-o PATH`` (never over a file
without ``--force``), bad input as one line on stderr and exit code 2.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from analysis.analysis_reports import (
    COMPARE_SUFFIXES,
    CompareFormat,
    analysed_game,
    analysis_report,
    compare_csv,
    compare_report,
    params_report,
    rules_report,
)
from analysis.atop_compare import atop_compare_csv, atop_compare_report, compare_atop
from analysis.capability_reports import capability_rules_report
from analysis.capability_rules import load_rules
from analysis.cli_common import chosen_format, fail, stdout_console
from analysis.compare import Cell, compare
from analysis.compare_draws import compare_draws, shares_csv, shares_report
from analysis.parameters import (
    DEFAULTS_SOURCE,
    PARAMETERS,
    REGISTRY,
    parse_assignment,
    resolve,
)
from analysis.plots import plot_format, verdict_heatmap
from analysis.provenance import imports_hash, provenance
from analysis.report import SUFFIX_FORMATS, OutputFormat, Report, print_report, render
from analysis.rules import Rulebook, load_rulebook
from analysis.sampling import parse_distributions
from analysis.sweep import DrawPoints, check_draws, first_valid_point
from analysis.verdicts import Analysis, analyze
from games.errors import InputError
from games.io.files import write_bytes_atomic, write_text_atomic
from games.io.gambit import write_game
from treaties.atop import ESCAPE_NOTE, imported_from_atop, load_imports
from treaties.load import builtin_scenarios, builtin_treaties, load_scenario, load_treaty
from treaties.scenario import Scenario
from treaties.schema import Treaty
from treaties.states import cow_states

rules_app = typer.Typer(help="Show the rules that turn treaty text into the game.",
                        no_args_is_help=True)

ReportFormatOption = Annotated[OutputFormat | None, typer.Option(
    "--format", help="table, json, markdown or latex (default: from the -o suffix, else "
                     "table).")]
OutputOption = Annotated[Path | None, typer.Option(
    "-o", "--output", help="Write to this file (.txt, .json, .md or .tex) instead of stdout.")]
ForceOption = Annotated[bool, typer.Option(help="Overwrite existing output files.")]
ParamOption = Annotated[list[str] | None, typer.Option(
    "--param", help="Set a parameter, name=value (repeatable; exact: 0.3 is 3/10). "
                    "See tiedhands params.")]
DrawsOption = Annotated[int | None, typer.Option(
    help="Monte Carlo: this many draws of the --dist parameters; the report gives the share "
         "of draws per verdict.")]
SeedOption = Annotated[int | None, typer.Option(
    help="Seed of the Monte Carlo draws (default 0; with --draws only).")]
DistOption = Annotated[list[str] | None, typer.Option(
    "--dist", help="A distribution name=beta(α,β) | uniform(lo,hi) | normal(μ,σ) | "
                   "truncnormal(μ,σ,lo,hi) | lognormal(μ,σ) | fixed(x) "
                   "(repeatable; with --draws).")]
TableFormatOption = Annotated[CompareFormat | None, typer.Option(
    "--format", help="table, json, csv, markdown or latex (default: from the -o suffix, "
                     "else table).")]
TableOutputOption = Annotated[Path | None, typer.Option(
    "-o", "--output", help="Write to this file (.txt, .json, .csv, .md or .tex) instead "
                           "of stdout.")]
ImportsArgument = Annotated[Path, typer.Argument(
    metavar="DIR", help="A directory of treaty files written by tiedhands atop import.")]
RulesOption = Annotated[Path | None, typer.Option(
    "--rules", help="YAML file of rules replacing the built-in ones by id "
                    "(the built-in rules: tiedhands rules show).")]


# ------------------------------------------------------------------- output
def write_output(text: str, output: Path | None, force: bool) -> None:
    """``text`` to stdout, or atomically to ``output`` (never over a file without force)."""
    if output is None:
        sys.stdout.write(text)
    else:
        write_text_atomic(output, text, force=force)


def emit_report(report: Report, output_format: str, output: Path | None, force: bool) -> None:
    """Print a report (rich tables on a terminal) or write it to ``output``."""
    if output is None and output_format == "table":
        print_report(report, stdout_console())
    else:
        write_output(render(report, OutputFormat(output_format)), output, force)


def refuse_existing(path: Path | None, force: bool, option: str) -> None:
    """Refuse early, before any work, an output path that cannot be written.

    A directory, a missing parent directory, or (without ``--force``) an
    existing file.
    """
    if path is None:
        return
    if path.is_dir():
        raise InputError("this is a directory", source=str(path), field=option,
                         expected="a file name")
    if not path.resolve().parent.is_dir():
        raise InputError("the directory does not exist", source=str(path), field=option,
                         expected="a file in an existing directory")
    if not force and path.exists():
        raise InputError("the file already exists; use --force to overwrite it",
                         source=str(path), field=option)


def report_and_plot_formats(output_format: OutputFormat | None, output: Path | None,
                            plot: Path | None, force: bool) -> tuple[OutputFormat, str | None]:
    """The report and image formats, refusing before any work outputs that cannot be
    written (an unknown suffix, an existing file without --force, one file for both)."""
    report_format = chosen_format(output_format, output, SUFFIX_FORMATS, OutputFormat.table)
    image_format = plot_format(plot) if plot is not None else None
    refuse_existing(output, force, "--output")
    refuse_existing(plot, force, "--plot")
    distinct_outputs(output, plot)
    return report_format, image_format


def distinct_outputs(*paths: Path | None) -> None:
    """Refuse the same file named for two outputs."""
    named = [p.resolve() for p in paths if p is not None]
    if len(set(named)) != len(named):
        raise InputError("the same file is named for two outputs", field="--output",
                         expected="a different file for each output")


def rulebook_from(rules: Path | None) -> Rulebook:
    """The rulebook in effect: the built-in rules, replaced by id from ``rules``."""
    return load_rulebook(None if rules is None else str(rules))


def check_codes(ally: int | None, beneficiaries: Sequence[int]) -> None:
    """Refuse a code that is not a Correlates of War state."""
    for option, codes in (("--ally", [] if ally is None else [ally]), ("--for", beneficiaries)):
        for code in codes:
            if code not in cow_states():
                raise InputError(f"{code} is not a Correlates of War state code",
                                 field=option, expected="a COW code, e.g. 2 = USA, 365 = Russia")


def check_overrides(overrides: Sequence[str]) -> None:
    """Refuse a ``--param`` with an unknown name or a value outside its domain, up front."""
    for text in overrides:
        name, value = parse_assignment(text)
        REGISTRY[name].check(value, f"--param {name}")


# ------------------------------------------------------------------ analyze
def analyze_command(
    treaty: Annotated[str, typer.Option(help="A built-in treaty id or a YAML file.")],
    scenario: Annotated[str, typer.Option(help="A built-in scenario id or a YAML file.")],
    ally: Annotated[int | None, typer.Option(
        help="COW code of the ally (default: the scenario's first listed ally that is a "
             "party, else the treaty's first party).")] = None,
    for_: Annotated[list[int] | None, typer.Option(
        "--for", help="COW code of a belligerent the ally is analysed for (repeatable; "
                      "default: from the scenario).")] = None,
    param: ParamOption = None,
    rules: RulesOption = None,
    output_format: ReportFormatOption = None,
    output: OutputOption = None,
    force: ForceOption = False,
    export_efg: Annotated[Path | None, typer.Option(
        "--export-efg", help="Also write the analysed game (at a_eff = δ·a) as a Gambit "
                             ".efg file.")] = None,
) -> None:
    """Does the treaty's audience cost change what the ally does, and does it deter?

    Checks coverage, applies the rules, solves the extended-deterrence game
    exactly without and with the audience cost, and prints the verdict, the
    threshold a*, the subgame-perfect equilibrium and the Nash equilibria.
    """
    try:
        chosen = chosen_format(output_format, output, SUFFIX_FORMATS, OutputFormat.table)
        check_codes(ally, for_ or [])
        refuse_existing(output, force, "--output")
        refuse_existing(export_efg, force, "--export-efg")
        distinct_outputs(output, export_efg)
        rulebook = rulebook_from(rules)
        analysis = analyze(load_treaty(treaty), load_scenario(scenario), ally, param or [],
                           beneficiaries=for_ or None, rulebook=rulebook)
        report = analysis_report(analysis, provenance(rulebook.fingerprint(),
                                                      analysis.params.sources))
        if export_efg is not None:
            export_game(analysis, export_efg, force)
        emit_report(report, chosen, output, force)
    except InputError as error:
        raise fail(error) from None


def export_game(analysis: Analysis, path: Path, force: bool) -> None:
    """Write the game the verdict solved (at a_eff = δ·a) as a Gambit ``.efg`` file.

    Raises
    ------
    InputError
        When the verdict was decided without solving a game, or the file
        exists and ``force`` is false.
    """
    games = [g for r in analysis.readings if (g := analysed_game(analysis.params, r))]
    if not games:
        raise InputError(f"the verdict ({analysis.verdict}) was decided without solving the "
                         f"game, so there is no game to export", field="--export-efg",
                         expected="a treaty and scenario whose verdict is binding, "
                                  "insufficient or irrelevant_credible_anyway")
    write_game(games[0], path, force=force)


# ------------------------------------------------------------------ compare
def compare_command(
    treaties: Annotated[list[str] | None, typer.Option(
        "--treaties", help="A treaty id or YAML file (repeatable, or comma-separated; "
                           "default: every built-in treaty).")] = None,
    scenarios: Annotated[list[str] | None, typer.Option(
        "--scenarios", "--scenario", help="A scenario id or YAML file (repeatable, or "
                                          "comma-separated; default: every built-in scenario).")
    ] = None,
    param: ParamOption = None,
    rules: RulesOption = None,
    atop: Annotated[Path | None, typer.Option(
        "--atop", help="Compare the treaties imported from ATOP into this directory (tiedhands "
                       "atop import) instead: one row per alliance in force, phase and ally.")
    ] = None,
    output_format: TableFormatOption = None,
    output: TableOutputOption = None,
    force: ForceOption = False,
    plot: Annotated[Path | None, typer.Option(
        help="Also draw the verdicts as a heatmap (.png or .svg).")] = None,
    draws: DrawsOption = None,
    seed: SeedOption = None,
    dist: DistOption = None,
) -> None:
    """The verdict of every treaty in every scenario, for each listed ally that is a party.

    The table is a matrix (rows: treaties; columns: scenarios, numbered) of
    short verdict codes, followed by the cells where the treaty applies.  With
    --draws and --dist, each cell gives the share of draws per verdict instead.
    With --atop DIR, every imported ATOP alliance in force at a scenario's date is
    analysed for each listed ally that is a member, one row per (atopid, phase, ally).
    """
    if atop is not None:
        given = {"--treaties": treaties is not None, "--plot": plot is not None,
                 "--draws": draws is not None, "--dist": bool(dist), "--seed": seed is not None}
        compare_atop_command(atop, scenarios, param or [], rules, output_format, output, force,
                             [option for option, present in given.items() if present])
        return
    if draws is not None or dist or seed is not None:
        compare_draws_command(treaties, scenarios, param or [], rules, output_format, output,
                              force, plot, draws, seed, dist or [])
        return
    try:
        chosen = chosen_format(output_format, output, COMPARE_SUFFIXES, CompareFormat.table)
        image_format = plot_format(plot) if plot is not None else None
        refuse_existing(output, force, "--output")
        refuse_existing(plot, force, "--plot")
        distinct_outputs(output, plot)
        overrides = param or []
        check_overrides(overrides)
        resolve(None, overrides)  # the ordering p_I ≤ p_L ≤ p_S, before any work
        rulebook = rulebook_from(rules)
        cells = compare_with_progress(_treaties(treaties), _scenarios(scenarios), overrides,
                                      rulebook)
        record = provenance(rulebook.fingerprint(), overrides=overrides)
        if plot is not None and image_format is not None:
            write_bytes_atomic(plot, verdict_heatmap(cells, image_format), force=force)
        if chosen is CompareFormat.csv:
            write_output(compare_csv(cells, record), output, force)
        else:
            emit_report(compare_report(cells, record), chosen, output, force)
    except InputError as error:
        raise fail(error) from None


def compare_atop_command(directory: Path, scenarios: list[str] | None,
                         overrides: Sequence[str], rules: Path | None,
                         output_format: CompareFormat | None, output: Path | None, force: bool,
                         refused: Sequence[str]) -> None:
    """``compare --atop DIR``: the imported ATOP alliances in force, per phase and ally
    (``refused``: the options given that do not go with --atop)."""
    try:
        chosen = chosen_format(output_format, output, COMPARE_SUFFIXES, CompareFormat.table)
        if refused:
            raise InputError(f"{refused[0]} with --atop", field=refused[0],
                             expected="--atop DIR with --scenarios (the share binding over "
                                      "draws: tiedhands atop trend)")
        refuse_existing(output, force, "--output")
        check_overrides(overrides)
        resolve(None, overrides)
        rulebook = rulebook_from(rules)
        imports = load_imports(directory)
        chosen_scenarios = _scenarios(scenarios)
        console = Console(stderr=True)
        columns = (TextColumn("comparing"), BarColumn(), MofNCompleteColumn())
        with Progress(*columns, console=console, transient=True,
                      disable=not console.is_terminal) as bar:
            task = bar.add_task("compare", total=len(imports) * len(chosen_scenarios))
            rows = compare_atop(imports, chosen_scenarios, overrides, rulebook=rulebook,
                                progress=lambda: bar.advance(task))
        record = provenance(rulebook.fingerprint(), overrides=overrides,
                            atop_imports=imports_hash(directory))
        if chosen is CompareFormat.csv:
            write_output(atop_compare_csv(rows, record), output, force)
        else:
            emit_report(atop_compare_report(rows, chosen_scenarios, len(imports), record),
                        chosen, output, force)
    except InputError as error:
        raise fail(error) from None


def compare_draws_command(treaties: list[str] | None, scenarios: list[str] | None,
                          overrides: Sequence[str], rules: Path | None,
                          output_format: CompareFormat | None, output: Path | None,
                          force: bool, plot: Path | None, draws: int | None,
                          seed: int | None, dist: Sequence[str]) -> None:
    """``compare --draws N --dist ...``: verdict shares per cell over Monte Carlo draws."""
    try:
        chosen = chosen_format(output_format, output, COMPARE_SUFFIXES, CompareFormat.table)
        if plot is not None:
            raise InputError("--plot with --draws", field="--plot",
                             expected="the verdict heatmap without --draws, or tiedhands "
                                      "sweep --draws ... --plot for the shares of one scenario")
        if draws is None or not dist:
            raise InputError("--draws, --dist and --seed go together",
                             field="--draws" if draws is None else "--dist",
                             expected="--draws N with at least one --dist (and --seed S)")
        seed = 0 if seed is None else seed
        check_draws(draws)
        refuse_existing(output, force, "--output")
        check_overrides(overrides)
        pinned = {parse_assignment(text)[0] for text in overrides}
        distributions = parse_distributions(dist, pinned)
        rulebook = rulebook_from(rules)
        chosen_scenarios = _scenarios(scenarios)
        chosen_treaties = _treaties(treaties)
        drawn = {name: f"drawn from {d}" for name, d in distributions.items()}
        for scenario in chosen_scenarios:
            base = resolve(scenario, overrides, drawn).values
            first_valid_point(DrawPoints(distributions, base, seed, draws))
        console = Console(stderr=True)
        columns = (TextColumn("comparing"), BarColumn(), MofNCompleteColumn())
        with Progress(*columns, console=console, transient=True,
                      disable=not console.is_terminal) as bar:
            task = bar.add_task("compare", total=draws * len(chosen_scenarios))
            results = compare_draws(chosen_treaties, chosen_scenarios, overrides,
                                    distributions, seed, draws, rulebook=rulebook,
                                    progress=lambda done: bar.advance(task, done))
        sources = {**{p.name: DEFAULTS_SOURCE for p in PARAMETERS},
                   **{name: "--param" for name in pinned}, **drawn}
        record = provenance(rulebook.fingerprint(), sources, overrides)
        description = [f"Monte Carlo: {draws:,} draws, seed {seed}, "
                       + ", ".join(f"{n} ~ {d}" for n, d in distributions.items())]
        imports = [t.id for t in chosen_treaties if imported_from_atop(t)]
        if imports:
            description.append(f"ATOP imports ({', '.join(imports)}): {ESCAPE_NOTE}")
        if chosen is CompareFormat.csv:
            write_output(shares_csv(results, description, record), output, force)
        else:
            emit_report(shares_report(results, description, record), chosen, output, force)
    except InputError as error:
        raise fail(error) from None


def _references(values: Sequence[str]) -> list[str]:
    """Repeated and comma-separated references, in order, without duplicates."""
    parts = [part.strip() for value in values for part in value.split(",")]
    return list(dict.fromkeys(part for part in parts if part))


def _treaties(references: Sequence[str] | None) -> list[Treaty]:
    if references is None:
        return list(builtin_treaties())
    return [load_treaty(reference) for reference in _nonempty(references, "--treaties")]


def _scenarios(references: Sequence[str] | None) -> list[Scenario]:
    if references is None:
        return list(builtin_scenarios())
    return [load_scenario(reference) for reference in _nonempty(references, "--scenarios")]


def _nonempty(references: Sequence[str], option: str) -> list[str]:
    found = _references(references)
    if not found:
        raise InputError("no id or file given", field=option,
                         expected="ids or files, repeated or separated by commas")
    return found


def compare_with_progress(treaties: Sequence[Treaty], scenarios: Sequence[Scenario],
                          overrides: Sequence[str], rulebook: Rulebook) -> list[Cell]:
    """:func:`analysis.compare.compare` with a transient progress bar on a terminal's stderr."""
    console = Console(stderr=True)
    columns = (TextColumn("comparing"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=console, transient=True,
                  disable=not console.is_terminal) as bar:
        task = bar.add_task("compare", total=len(treaties) * len(scenarios))
        return compare(treaties, scenarios, overrides, rulebook=rulebook,
                       progress=lambda: bar.advance(task))


# ------------------------------------------------------------ params, rules
def params_command(output_format: ReportFormatOption = None, output: OutputOption = None,
                   force: ForceOption = False) -> None:
    """The parameters of the game: meaning, default, domain and where the default comes from."""
    try:
        chosen = chosen_format(output_format, output, SUFFIX_FORMATS, OutputFormat.table)
        emit_report(params_report(), chosen, output, force)
    except InputError as error:
        raise fail(error) from None


@rules_app.command("show")
def rules_show_command(rules: RulesOption = None, output_format: ReportFormatOption = None,
                       output: OutputOption = None, force: ForceOption = False) -> None:
    """The rules in effect: help rules, escape rules, the unlisted rule and the fingerprint."""
    try:
        chosen = chosen_format(output_format, output, SUFFIX_FORMATS, OutputFormat.table)
        origin = ("built-in (analysis/data/rules.yaml)" if rules is None
                  else f"built-in, replaced by id from {rules}")
        emit_report(rules_report(rulebook_from(rules), origin), chosen, output, force)
    except InputError as error:
        raise fail(error) from None


@rules_app.command("capability")
def rules_capability_command(rules: Annotated[Path | None, typer.Option(
                                 "--rules", help="YAML file of rules replacing the built-in "
                                                 "capability rules by id.")] = None,
                             output_format: ReportFormatOption = None,
                             output: OutputOption = None, force: ForceOption = False) -> None:
    """The capability rules in effect: roles, capabilities, channels, statuses, theatres and
    countermeasures, each with its assumption flag, and the fingerprint."""
    try:
        chosen = chosen_format(output_format, output, SUFFIX_FORMATS, OutputFormat.table)
        origin = ("built-in (analysis/data/capability_rules.yaml)" if rules is None
                  else f"built-in, replaced by id from {rules}")
        _, capability_rules = load_rules(None if rules is None else str(rules))
        emit_report(capability_rules_report(capability_rules, origin), chosen, output, force)
    except InputError as error:
        raise fail(error) from None
