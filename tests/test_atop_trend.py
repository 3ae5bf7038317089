"""``tiedhands atop trend``: the template, the unsolved classifier, the shares and the CLI.

Contract (the issue and :mod:`analysis.atop_trend`): for each imported alliance on
its start date, each member X is attacked at home by a non-member that started
it — a named threat when the alliance names one, and a state it does not name —
and every other member Y is analysed for X.  The readings are classified without
solving a game, exactly as :func:`analysis.verdicts.analyze` classifies them; a
dyad binds at least when every reading binds and at most when some does; shares
are means over dyads, then alliances, per decade signed.  Expected numbers come
from the Python API or from a derivation stated in the test, never from a run.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from analysis.atop_trend import (
    MonteCarlo,
    Trend,
    TrendReading,
    atop_trend,
    classify,
    instances,
    instantiate,
    template_date,
    trend_distributions,
)
from analysis.batch_verdicts import GameCache, ReadingPlan, evaluate
from analysis.parameters import PARAMETERS, resolve
from analysis.provenance import imports_hash
from analysis.rules import builtin_rulebook
from analysis.sampling import Uniform
from analysis.sweep import DrawPoints
from analysis.verdicts import VERDICTS, VerdictName, analyze
from tests.test_analysis_cli import assert_bad_input, assert_parses, invoke
from tests.test_atop_import import member_csv
from treaties.atop import import_atop, write_treaties
from treaties.coverage import coverage
from treaties.regions import gazetteer
from treaties.schema import Treaty
from treaties.states import cow_states, home_region
from treaties.validate import scenario_problems

FIXTURE = Path(__file__).parent / "data" / "atop"
DEFAULTS = {p.name: p.default for p in PARAMETERS}
POINTS: tuple[Mapping[str, Fraction], ...] = (
    {}, {"a": Fraction(1)}, {"a": Fraction(6, 5)}, {"a": Fraction(3), "v_A": Fraction(1)},
    {"a": Fraction(1, 2), "v_A": Fraction(8)}, {"a": Fraction(10), "v_A": Fraction(20)})
"""Parameter points (over the defaults) on both sides of the canonical threshold a* = 6/5,
at it (a tie), and where the ally would intervene without any audience cost."""


@pytest.fixture(scope="module")
def directory(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 5.1 fixture imported (alliances 3200, 9101-9105)."""
    folder = tmp_path_factory.mktemp("atop")
    result = import_atop(FIXTURE / "members-5.1.csv", FIXTURE / "alliances-5.1.csv")
    write_treaties(result.treaties, folder)
    return folder


@pytest.fixture(scope="module")
def imports() -> dict[int, Treaty]:
    """Every alliance of both fixture files, by atopid."""
    found = [*import_atop(FIXTURE / "members-5.1.csv", FIXTURE / "alliances-5.1.csv").treaties,
             *import_atop(FIXTURE / "members-4.01.csv").treaties]
    return {t.atopid or 0: t for t in found}


def verdict_at(reading: TrendReading, point: Mapping[str, Fraction]) -> VerdictName:
    """The verdict of one classified reading at one point (solved by the batch engine)."""
    if reading.fixed is not None:
        return reading.fixed
    values = {name: np.array([float(point.get(name, default))])
              for name, default in DEFAULTS.items()}
    plan = ReadingPlan("t", None, "text", None, reading.short, reading.delta)
    return VERDICTS[int(evaluate(plan, values, GameCache()).verdict[0])]


def run_trend(treaties: list[Treaty], distributions: Mapping[str, Uniform],
              draws: int) -> Trend:
    fixed = resolve(None, (), {name: "drawn" for name in distributions}).values
    return atop_trend(treaties, MonteCarlo(DrawPoints(distributions, fixed, 0, draws), False),
                      rulebook=builtin_rulebook())


# ------------------------------------------------------------------ the template
def test_home_region_covers_every_cow_state_with_a_region_tag() -> None:
    places = gazetteer()
    assert {home_region(s.code) for s in cow_states().spells} == {
        "americas", "europe", "africa", "middle-east", "asia", "oceania"}
    assert all(home_region(s.code) in places for s in cow_states().spells)
    with pytest.raises(ValueError, match="170"):
        home_region(170)


def test_template_scenarios_are_valid_hypothetical_attacks_at_home(
        imports: dict[int, Treaty]) -> None:
    for treaty in imports.values():
        on = template_date(treaty)
        members = treaty.parties_on(on)
        for instance in instances(treaty):
            scenario = instance.scenario
            hostility, = scenario.hostilities
            assert scenario.hypothetical and scenario_problems(scenario) == []
            assert scenario.id == f"atop-{treaty.atopid}-template" and scenario.date == on
            assert (hostility.target, hostility.attacker) == ((instance.target,),
                                                              (instance.attacker,))
            assert hostility.initiator == instance.attacker not in members
            assert hostility.theatre == home_region(instance.target)
            assert (hostility.severity, hostility.object) == ("armed_attack", "territory")


def test_the_attackers_are_the_named_threat_then_the_lowest_unnamed_state(
        imports: dict[int, Treaty]) -> None:
    alliance = instantiate(imports[3200], builtin_rulebook())
    # Named: 740 (Japan).  Unnamed: the lowest COW code in the system on 1950-04-11 that is
    # neither a member (365, 710) nor named: 2 (the United States).
    assert alliance.attackers == (740, 2) and alliance.named_attacker
    assert alliance.date == template_date(imports[3200])
    no_threat = instantiate(imports[9101], builtin_rulebook())
    # 9101's members are 2 and 840: the lowest other code in the system in 1951 is 20 (Canada).
    assert no_threat.attackers == (20,) and not no_threat.named_attacker
    assert cow_states().is_member(20, no_threat.date)


# ------------------------------------------------------- (a) the differential test
def test_the_classifier_gives_the_verdicts_of_analyze_for_every_fixture_dyad(
        imports: dict[int, Treaty]) -> None:
    rules = builtin_rulebook()
    seen: set[str] = set()
    for treaty in imports.values():
        members = treaty.parties_on(template_date(treaty))
        for instance in instances(treaty):
            for ally in (m for m in members if m != instance.target):
                cover = coverage(treaty, instance.scenario, ally, [instance.target])
                readings = classify(cover, rules)
                for point in POINTS:
                    expected = analyze(treaty, instance.scenario, ally, dict(point),
                                       beneficiaries=[instance.target], rulebook=rules,
                                       with_nash=False)
                    verdicts = [r.verdict for r in expected.readings]
                    assert [verdict_at(r, point) for r in readings] == verdicts, (
                        treaty.id, instance, point)
                    seen.update(verdicts)
    assert seen == {"irrelevant_no_obligation", "irrelevant_exempt",
                    "irrelevant_credible_anyway", "binding", "insufficient"}


# ------------------------------------------------------------ (b) a known answer
def test_alliance_3200_binds_at_most_when_a_reaches_six_fifths(
        imports: dict[int, Treaty]) -> None:
    """3200: defence against the named threat 740, threshold armed attack, δ = 1.

    Attacked by 740 the obligation is triggered; attacked by an unnamed state it is
    indeterminate (ATOP names at most two threat states and never their allies, so the
    list is open).  So every dyad has a triggered and an exempt reading: the lower share is
    0 in every draw, and the upper share is 1 in a draw exactly when the triggered
    reading binds.  With every parameter at its default, the help owed (military aid:
    L and S fall short, δ = 1) poses the canonical game, whose threshold is a* = 6/5
    (analysis/parameters.py); the ally then complies exactly when a ≥ a* (a tie goes to
    the compliant response).  With a ~ uniform(0, 4), P(a ≥ 6/5) = (4 − 6/5)/4 = 0.7.
    Over n = 4000 draws the upper share is binomial: within 4 standard errors
    √(0.7 · 0.3 / n) of 0.7.
    """
    treaty = imports[3200]
    rules = builtin_rulebook()
    named, unnamed = (i for i in instances(treaty) if i.target == 710)
    assert [r.fixed for r in classify(coverage(treaty, named.scenario, 365, [710]), rules)] == [
        None]
    open_reading = classify(coverage(treaty, unnamed.scenario, 365, [710]), rules)
    assert [r.fixed for r in open_reading] == [None, "irrelevant_exempt"]
    canonical = analyze(treaty, named.scenario, 365, beneficiaries=[710], rulebook=rules)
    assert canonical.readings[0].threshold == Fraction(6, 5)
    n = 4000
    trend = run_trend([treaty], {"a": Uniform(0.0, 4.0)}, n)
    row = trend.rows[-1]
    assert (row.label, row.alliances, row.dyads, row.indeterminate) == ("all", 1, 2, 2)
    assert trend.rows[0].label == "1950s"
    assert row.lower.mean == row.lower.high == 0.0
    assert abs(row.upper.mean - 0.7) <= 4 * (0.7 * 0.3 / n) ** 0.5


# --------------------------------------------------- (c) an unrecorded condition
def test_an_unrecorded_condition_gives_lower_zero_and_upper_the_binding_share(
        imports: dict[int, Treaty]) -> None:
    """9101 (phase 1): each member's defence is limited to a location ATOP does not
    record (``defcoloc``), so both dyads are indeterminate: a triggered reading and an
    exempt one.  Lower share 0; upper share = the triggered reading's binding share."""
    treaty = imports[9101]
    alliance = instantiate(treaty, builtin_rulebook())
    assert all(d.indeterminate and len(d.readings) == 2 for d in alliance.dyads)
    triggered, exempt = alliance.dyads[0].readings
    assert triggered.fixed is None and exempt == TrendReading("irrelevant_exempt")
    distributions = {"a": Uniform(0.0, 4.0), "v_A": Uniform(1.0, 8.0)}
    trend = run_trend([treaty], distributions, 1000)
    fixed = resolve(None, (), {name: "drawn" for name in distributions}).values
    values = DrawPoints(distributions, fixed, 0, 1000).chunk(0, 1000).values
    plan = ReadingPlan("t", None, "text", None, triggered.short, triggered.delta)
    binding = float(np.mean(evaluate(plan, values, GameCache()).verdict
                            == VERDICTS.index("binding")))
    row = trend.rows[-1]
    assert (row.dyads, row.indeterminate) == (2, 2)
    assert row.lower.mean == row.lower.high == 0.0
    assert row.upper.mean == pytest.approx(binding) and 0 < binding < 1


def test_shares_average_dyads_then_alliances_and_leave_out_lone_members(
        imports: dict[int, Treaty], tmp_path: Path) -> None:
    """The fixture's 5.1 alliances and one whose members never overlap (7000).

    9103 and 9104 owe no military help; 3200, 9101 and 9102 have the same triggered
    reading.  9105 starts on 19 February 1955, when its four members are in (member
    800's unknown entry month dates it to 1 January, before the others): the US, 800
    and 770 each owe the other three an open defence pledge, and 900's defence flag is
    blank (a pledge that may be made): all 12 dyads bind at most like 3200's.
    """
    lonely = import_atop(member_csv([
        {"atopid": 7000, "member": 2, "yrent": 1990, "yrexit": 1991, "defense": 1},
        {"atopid": 7000, "member": 200, "yrent": 1992, "defense": 1}],
        tmp_path / "m.csv")).treaties
    treaties = [*(imports[k] for k in (3200, 9101, 9102, 9103, 9104, 9105)), *lonely]
    assert str(template_date(imports[9105])) == "1955-02-19"
    trend = run_trend(treaties, {"a": Uniform(0.0, 4.0)}, 500)
    assert [t.atopid for t in trend.left_out] == [7000]
    shares = {a.template.treaty.atopid: a.upper for a in trend.alliances}
    assert shares[9103] == shares[9104] == 0.0 and shares[3200] == shares[9101] == shares[9102]
    assert shares[9105] == pytest.approx(shares[3200])
    by_label = {r.label: r for r in trend.rows}
    assert list(by_label) == ["1900s", "1940s", "1950s", "2000s", "all"]
    assert by_label["1950s"].upper.mean == pytest.approx(
        (shares[3200] + shares[9101] + shares[9105]) / 3)
    assert by_label["all"].upper.mean == pytest.approx(sum(shares.values()) / 6)
    assert all(r.lower.mean == 0.0 for r in trend.rows)


def test_default_distributions_yield_to_param_and_to_dist() -> None:
    assert {n: str(d) for n, d in trend_distributions([], set())[0].items()} == {
        "a": "uniform(0, 4)", "v_A": "uniform(1, 8)"}
    drawn, illustrative = trend_distributions([], {"a"})
    assert list(drawn) == ["v_A"] and illustrative
    drawn, illustrative = trend_distributions(["c_A=uniform(0,2)"], set())
    assert list(drawn) == ["c_A"] and not illustrative


# ----------------------------------------------------------------------- (d) CLI
def decade_rows(text: str) -> list[dict[str, str]]:
    lines = text.splitlines()
    assert lines[0].startswith("# Template:") and any(
        line.startswith("# provenance: tiedhands ") for line in lines)
    return list(csv.DictReader(io.StringIO("\n".join(x for x in lines if x[:1] != "#"))))


@pytest.mark.parametrize("output_format", ["table", "json", "csv", "markdown", "latex"])
def test_trend_speaks_every_format(directory: Path, output_format: str) -> None:
    run = invoke("atop", "trend", directory, "--draws", "200", "--format", output_format)
    assert run.code == 0, run.stderr
    if output_format == "csv":
        rows = decade_rows(run.stdout)
        assert [r["decade"] for r in rows] == ["1900s", "1940s", "1950s", "2000s", "all"]
        assert float(rows[-1]["lower_mean"]) <= float(rows[-1]["upper_mean"])
    else:
        assert_parses(output_format, run.stdout)
    if output_format != "json":
        delta = r"$\delta$ = 1" if output_format == "latex" else "δ = 1"
        assert delta in run.stdout and "illustrative defaults" in run.stdout


def test_trend_json_carries_template_draws_and_provenance(directory: Path) -> None:
    document = invoke("atop", "trend", directory, "--draws", "300", "--seed", "3",
                      "--param", "a=2", "--format", "json").json()
    assert document["template"].startswith("Template:") and "δ = 1" in document["note"]
    assert document["monte_carlo"] | {"attempted": 0} == {
        "draws": 300, "seed": 3, "distributions": {"v_A": "uniform(1, 8)"},
        "illustrative_defaults": True, "fixed": ["a=2"], "attempted": 0, "rejected": 0,
        "percentiles": [5.0, 95.0]}
    assert document["provenance"]["atop_imports_hash"] == imports_hash(directory)
    assert document["left_out"] == []
    assert {a["atopid"] for a in document["alliances"]} == {3200, 9101, 9102, 9103, 9104, 9105}
    assert document["decades"][-1]["decade"] == "all"


def test_trend_plots_png_and_reproducible_svg(directory: Path, tmp_path: Path) -> None:
    png, svg, again = tmp_path / "t.png", tmp_path / "t.svg", tmp_path / "u.svg"
    for path in (png, svg, again):
        run = invoke("atop", "trend", directory, "--draws", "100", "--plot", path,
                     "--format", "json")
        assert run.code == 0, run.stderr
    assert png.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert b"<svg" in svg.read_bytes() and svg.read_bytes() == again.read_bytes()


def test_trend_writes_files_atomically_and_refuses_to_overwrite(directory: Path,
                                                               tmp_path: Path) -> None:
    output = tmp_path / "trend.json"
    assert invoke("atop", "trend", directory, "--draws", "50", "-o", output).code == 0
    assert "decades" in json.loads(output.read_text(encoding="utf-8"))
    assert_bad_input(invoke("atop", "trend", directory, "--draws", "50", "-o", output),
                     "--output", "already exists")
    assert invoke("atop", "trend", directory, "--draws", "50", "-o", output,
                  "--force").code == 0
    csv_file = tmp_path / "trend.csv"
    assert invoke("atop", "trend", directory, "--draws", "50", "-o", csv_file).code == 0
    assert decade_rows(csv_file.read_text(encoding="utf-8"))


@pytest.mark.parametrize(("arguments", "fragments"), [
    (("--dist", "a=uniform(4,0)"), ("--dist",)),
    (("--dist", "zz=uniform(0,1)"), ("zz",)),
    (("--draws", "0"), ("--draws",)),
    (("--param", "p_I=0.9"), ("p_I",)),
    (("--plot", "trend.pdf"), ("--plot", ".png")),
])
def test_trend_refuses_bad_options(directory: Path, arguments: tuple[str, ...],
                                   fragments: tuple[str, ...]) -> None:
    assert_bad_input(invoke("atop", "trend", directory, *arguments), *fragments)


def test_trend_refuses_a_missing_or_empty_directory(tmp_path: Path) -> None:
    assert_bad_input(invoke("atop", "trend", tmp_path / "nowhere"), "DIR", "no such directory")
    assert_bad_input(invoke("atop", "trend", tmp_path), "DIR", "no atop-*.yaml")


def test_an_alliance_of_every_state_has_no_attacker_and_is_left_out(tmp_path: Path) -> None:
    """With every COW state a member and no threat named, no state is left to attack."""
    codes = sorted({s.code for s in cow_states().spells})
    rows = [{"atopid": 7000, "member": code, "yrent": 1990, "defense": 1} for code in codes]
    (treaty,) = import_atop(member_csv(rows, tmp_path / "m.csv")).treaties
    other = import_atop(FIXTURE / "members-4.01.csv").treaties
    trend = run_trend([treaty, *other], {"a": Uniform(0.0, 4.0)}, 100)
    assert [t.atopid for t in trend.left_out] == [7000]


def test_decades_are_by_the_year_signed(tmp_path: Path) -> None:
    """Signed in 1959 and in 1960: two decades (a year ending in 9 stays in its decade)."""
    rows = [{"atopid": atopid, "member": m, "yrent": year, "defense": 1}
            for atopid, year in ((7001, 1959), (7002, 1960)) for m in (2, 200)]
    treaties = import_atop(member_csv(rows, tmp_path / "m.csv")).treaties
    trend = run_trend(list(treaties), {"a": Uniform(0.0, 4.0)}, 100)
    assert [(r.label, r.alliances) for r in trend.rows] == [
        ("1950s", 1), ("1960s", 1), ("all", 2)]
