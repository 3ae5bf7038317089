"""The ``capability`` and ``decompose`` commands: the capability lens beside tied hands.

``capability`` shows what a cooperation profile changes in a scenario and why,
rule by rule; ``decompose`` splits the change in the challenger's challenge
margin (and, with ``--draws``, in the share of draws in which it is deterred)
into the treaty's audience cost and each capability channel.  Conventions as
in :mod:`analysis.cli`: results on stdout or ``-o PATH`` (never over a file
without ``--force``), bad input as one line on stderr and exit code 2.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from analysis.analysis_cli import (
    DistOption,
    ForceOption,
    OutputOption,
    ParamOption,
    ReportFormatOption,
    SeedOption,
    check_codes,
    check_overrides,
    report_and_plot_formats,
)
from analysis.batch_verdicts import ReadingPlan, plan_readings
from analysis.capability import CapabilityEffects, capability_effects, scenario_roles, shifted
from analysis.capability_plots import decomposition_plot, shifts_plot
from analysis.capability_reports import capability_report, decompose_report
from analysis.capability_rules import PROBABILITIES, load_rules
from analysis.cli_common import emit, fail
from analysis.decompose import (
    MAX_DECOMPOSE_DRAWS,
    Decomposition,
    DrawDecomposition,
    decompose,
    decompose_draws,
)
from analysis.parameters import ParameterValues, parse_assignment, resolve
from analysis.provenance import Provenance, provenance
from analysis.rules import Rulebook
from analysis.sampling import parse_distributions
from analysis.sweep import DrawPoints, first_valid_point
from analysis.verdicts import Analysis, analyze, default_ally
from games.errors import InputError
from games.io.files import write_bytes_atomic
from treaties.load import load_profile, load_scenario, load_treaty
from treaties.scenario import Scenario
from treaties.schema import Treaty

ProfileOption = Annotated[str, typer.Option(
    "--profile", help="A built-in cooperation profile id (tiedhands capability --help lists "
                      "them: russia-china-2020s, us-philippines, us-japan, nato, russia-dprk) "
                      "or a YAML file.")]
ScenarioOption = Annotated[str, typer.Option("--scenario", help="A built-in scenario id or a "
                                                                "YAML file.")]
AllyOption = Annotated[int | None, typer.Option(
    "--ally", help="COW code of the ally (default: the scenario's first listed ally that is "
                   "a party).")]
ForOption = Annotated[list[int] | None, typer.Option(
    "--for", help="COW code of a protégé (repeatable; default: from the scenario).")]
CapabilityRulesOption = Annotated[Path | None, typer.Option(
    "--rules", help="YAML file replacing built-in rules by id: capability rules (roles, "
                    "capabilities, channels, statuses, theatres, countermeasures) and/or "
                    "treaty rules (help, escape, unlisted_escape).")]
ProfilesOption = Annotated[list[str], typer.Option(
    "--profile", help="A built-in cooperation profile id or a YAML file; repeat it to weigh "
                      "several partnerships at once (each profile's channels are then "
                      "separate factors).")]
PlotOption = Annotated[Path | None, typer.Option(help="Also draw a bar chart (.png or .svg).")]


def _setup(profiles: Sequence[str], scenario_ref: str, treaty_ref: str | None,
           ally: int | None, beneficiaries: Sequence[int], overrides: Sequence[str],
           rules: Path | None, varying: dict[str, str] | None = None
           ) -> tuple[list[CapabilityEffects], Treaty | None, Scenario, ParameterValues,
                      Rulebook]:
    check_codes(ally, beneficiaries)
    check_overrides(overrides)
    rulebook, capability_rules = load_rules(None if rules is None else str(rules))
    scenario = load_scenario(scenario_ref)
    treaty = None if treaty_ref is None else load_treaty(treaty_ref)
    chosen = ally if ally is not None or treaty is None else default_ally(treaty, scenario)
    roles = scenario_roles(scenario, chosen, beneficiaries or None,
                           () if treaty is None else treaty.party_codes)
    references = list(dict.fromkeys(profiles))
    if len(references) != len(profiles):
        raise InputError("a profile is given twice", field="--profile",
                         expected="each profile once")
    effects = [capability_effects(load_profile(reference), scenario, capability_rules, roles)
               for reference in references]
    return effects, treaty, scenario, resolve(scenario, overrides, varying), rulebook


def plot_footnote(effects: CapabilityEffects | Sequence[CapabilityEffects],
                  record: Provenance) -> str:
    """The small print of every plot: which numbers are assumptions, and the provenance."""
    every = [effects] if isinstance(effects, CapabilityEffects) else list(effects)
    flagged = ("Illustrative magnitudes: the capability rules used are flagged assumption: true"
               if any(e.assumptions() for e in every)
               else "No capability rule used is flagged as an assumption")
    return f"{flagged}. {record.line()}"


def _record(rulebook: Rulebook, effects: CapabilityEffects, sources: dict[str, str],
            overrides: Sequence[str]) -> Provenance:
    return provenance(rulebook.fingerprint(), sources, overrides,
                      capability_rules=effects.rules.fingerprint())


def capability_command(
    profile: ProfileOption,
    scenario: ScenarioOption,
    treaty: Annotated[str | None, typer.Option(
        "--treaty", help="Also give this treaty's verdict without and with the "
                         "cooperation.")] = None,
    ally: AllyOption = None,
    beneficiaries: ForOption = None,
    param: ParamOption = None,
    rules: CapabilityRulesOption = None,
    output_format: ReportFormatOption = None,
    output: OutputOption = None,
    force: ForceOption = False,
    plot: PlotOption = None,
) -> None:
    """What a cooperation profile changes in a scenario, and why.

    Each entry in effect at the scenario's date raises its recipients' capability;
    by the recipient's role (challenger, ally, protégé) the capability rules turn
    it into changes of the win probabilities p_I, p_L and p_S, channel by channel.
    Every magnitude used that is an assumption is named in the output.
    """
    try:
        report_format, image_format = report_and_plot_formats(output_format, output, plot, force)
        overrides = param or []
        [effects], chosen, scenario_found, params, rulebook = _setup(
            [profile], scenario, treaty, ally, beneficiaries or [], overrides, rules)
        analyses: list[tuple[Analysis, Analysis]] = []
        if chosen is not None:
            after, _ = shifted(params.values, [effects.shifts(c) for c in effects.channels])
            pinned: dict[str, Fraction] = {k: v for k, v in params.values.items()
                                           if params.sources[k] == "--param"}
            moved: dict[str, Fraction] = {**pinned, **{p: after[p] for p in PROBABILITIES}}
            without, with_it = (analyze(chosen, scenario_found, effects.roles.ally, given,
                                        beneficiaries=effects.roles.proteges,
                                        rulebook=rulebook,
                                        with_nash=False) for given in (pinned, moved))
            analyses.append((without, with_it))
        record = _record(rulebook, effects, dict(params.sources), overrides)
        if plot is not None and image_format is not None:
            write_bytes_atomic(plot, shifts_plot(effects, image_format,
                                                 plot_footnote(effects, record)), force=force)
        emit(capability_report(effects, params, analyses, record), report_format, output,
             force)
    except InputError as error:
        raise fail(error) from None


def decompose_command(
    treaty: Annotated[str, typer.Option("--treaty", help="A built-in treaty id or a YAML "
                                                         "file.")],
    scenario: ScenarioOption,
    profiles: ProfilesOption,
    ally: AllyOption = None,
    beneficiaries: ForOption = None,
    param: ParamOption = None,
    rules: CapabilityRulesOption = None,
    draws: Annotated[int | None, typer.Option(
        help="Monte Carlo: this many draws of the --dist parameters; the report splits the "
             "change in the mean margin and in the share of draws deterred.")] = None,
    seed: SeedOption = None,
    dist: DistOption = None,
    output_format: ReportFormatOption = None,
    output: OutputOption = None,
    force: ForceOption = False,
    plot: PlotOption = None,
) -> None:
    """How much of deterrence comes from tied hands, and how much from each capability channel.

    The factors are the treaty's audience cost and every capability channel the
    profile reaches (with several --profile, each profile's channels separately:
    e.g. the challenger's partner and the ally's own cooperation). The change in
    the challenger's challenge margin
    p_X*·v_C − c_C (X* the ally's response in the selected SPE) from no factor
    to all of them is split by the Shapley value. With --draws and --dist, the
    change in the mean margin and in the share of draws in which the challenger
    is deterred are split the same way.
    """
    try:
        report_format, image_format = report_and_plot_formats(output_format, output, plot, force)
        overrides = param or []
        monte_carlo = draws is not None or bool(dist) or seed is not None
        if monte_carlo and (draws is None or not dist):
            raise InputError("--draws, --dist and --seed go together",
                             field="--draws" if draws is None else "--dist",
                             expected="--draws N with at least one --dist (and --seed S)")
        if draws is not None and not 1 <= draws <= MAX_DECOMPOSE_DRAWS:
            raise InputError(f"--draws {draws}", field="--draws",
                             expected=f"between 1 and {MAX_DECOMPOSE_DRAWS:,}")
        pinned = {parse_assignment(text)[0] for text in overrides} if monte_carlo else set()
        distributions = parse_distributions(dist or [], pinned) if monte_carlo else {}
        drawn = {name: f"drawn from {d}" for name, d in distributions.items()}
        effects, chosen, scenario_found, params, rulebook = _setup(
            profiles, scenario, treaty, ally, beneficiaries or [], overrides, rules, drawn)
        assert chosen is not None
        roles = effects[0].roles
        names = ", ".join(e.profile.id for e in effects)
        description = [f"treaty {chosen.id}, scenario {scenario_found.id}, "
                       f"profile{'s' * (len(effects) > 1)} {names}, ally {roles.ally}"]
        found: list[Decomposition] = []
        found_draws: list[DrawDecomposition] = []
        if draws is None:
            found = decompose(chosen, scenario_found, params, effects, rulebook)
        else:
            seed = 0 if seed is None else seed
            points = DrawPoints(distributions, params.values, seed, draws)
            plans = plan_readings([chosen], scenario_found, roles.ally,
                                  rulebook=rulebook, base=first_valid_point(points),
                                  beneficiaries=roles.proteges)
            description.append(f"Monte Carlo: {draws:,} draws, seed {seed}, "
                               + ", ".join(f"{n} ~ {d}" for n, d in distributions.items()))
            found_draws = _draw_all(plans, points, effects)
        record = _record(rulebook, effects[0], dict(params.sources), overrides)
        if plot is not None and image_format is not None:
            title = f"{chosen.id} × {names} in {scenario_found.id}"
            image = decomposition_plot(found, found_draws, image_format, title,
                                       plot_footnote(effects, record))
            write_bytes_atomic(plot, image, force=force)
        emit(decompose_report(effects, found, found_draws, description, record),
             report_format, output, force)
    except InputError as error:
        raise fail(error) from None


def _draw_all(plans: Sequence[ReadingPlan], points: DrawPoints,
              effects: Sequence[CapabilityEffects]) -> list[DrawDecomposition]:
    console = Console(stderr=True)
    columns = (TextColumn("decomposing"), BarColumn(), MofNCompleteColumn())
    results = []
    with Progress(*columns, console=console, transient=True,
                  disable=not console.is_terminal) as bar:
        task = bar.add_task("decompose", total=points.size * len(plans))
        for plan in plans:
            results.append(decompose_draws(plan, points, effects,
                                           progress=lambda done: bar.advance(task, done)))
    return results
