"""``tiedhands atop import`` and ``tiedhands compare --atop`` end to end (CliRunner on the app).

Contract, from issue #11 and the other commands' conventions: the import writes one
file per alliance and a report that ends with the count of rows read, alliances written
and rows rejected, every rejected row with its line; it never overwrites a file without
``--force``.  ``compare --atop DIR`` gives one row per (scenario, atopid, phase, ally),
only for alliances in force at the scenario's date where the ally is a member, with the
δ = 1 upper-bound caveat.  Expected rows come from the Python API (``compare_atop``).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from analysis.atop_compare import ROW_FIELDS, compare_atop, row_record
from analysis.rules import builtin_rulebook
from tests.test_analysis_cli import assert_bad_input, assert_parses, invoke
from tests.test_atop_import import member_csv
from treaties.atop import load_imports
from treaties.load import load_scenario

FIXTURE = Path(__file__).parent / "data" / "atop"
MEMBERS, ALLIANCES = FIXTURE / "members-5.1.csv", FIXTURE / "alliances-5.1.csv"
COUNTS = "23 rows read = 16 imported + 1 in alliances not written + 6 rejected"
SCENARIOS = "sino-indian-1962,second-thomas-shoal-2024,philippine-vessel-armed-attack"


@pytest.fixture
def imported(tmp_path: Path) -> Path:
    directory = tmp_path / "atop"
    run = invoke("atop", "import", MEMBERS, "--alliances", ALLIANCES, "-o", directory)
    assert run.code == 0, run.stderr
    return directory


def test_import_writes_one_file_per_alliance_and_counts_every_row(tmp_path: Path) -> None:
    run = invoke("atop", "import", MEMBERS, "--alliances", ALLIANCES, "-o", tmp_path / "out")
    assert run.code == 0 and run.stderr == ""
    assert COUNTS in run.stdout
    assert run.stdout.rstrip().endswith("6 alliances written to " + str(tmp_path / "out")
                                        + ", 1 not written.")
    for line in ("19", "20", "21", "22", "23", "24"):
        assert f"│ {line} " in run.stdout
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        f"atop-{n}.yaml" for n in (3200, 9101, 9102, 9103, 9104, 9105)]


def test_import_json_report_lists_every_rejected_row(tmp_path: Path) -> None:
    report = invoke("atop", "import", MEMBERS, "--alliances", ALLIANCES, "-o",
                    tmp_path / "out", "--format", "json").json()
    assert (report["rows_read"], report["rows_rejected"],
            report["rows_in_alliances_not_written"]) == (23, 6, 1)
    assert report["alliances_written"] == [3200, 9101, 9102, 9103, 9104, 9105]
    assert [(Path(r["file"]).name, r["line"]) for r in report["rejected"]] == [
        ("members-5.1.csv", n) for n in range(19, 25)] + [("alliances-5.1.csv", 9)]
    assert [(Path(c["file"]).name, c["column"], c["name"]) for c in report["unknown_columns"]] == [
        ("members-5.1.csv", 45, "coder")]
    assert report["not_written"] == [{"atopid": 9106, "lines": [18],
                                      "reason": "only one member (2) has a row that parsed"}]


def test_import_also_writes_the_report_file(tmp_path: Path) -> None:
    run = invoke("atop", "import", MEMBERS, "-o", tmp_path / "out", "--report",
                 tmp_path / "report.md")
    assert run.code == 0
    text = (tmp_path / "report.md").read_text()
    assert "| 19 |" in text and "rows read" in text


def test_import_never_overwrites_without_force(imported: Path) -> None:
    before = (imported / "atop-3200.yaml").read_bytes()
    assert_bad_input(invoke("atop", "import", MEMBERS, "-o", imported),
                     "an earlier import", "--force")
    run = invoke("atop", "import", MEMBERS, "-o", imported, "--force")
    assert run.code == 0
    assert (imported / "atop-3200.yaml").read_bytes() != before  # now without the dates file


@pytest.mark.parametrize(("arguments", "fragments"), [
    (("absent.csv",), ("absent.csv", "no such file")),
    ((str(ALLIANCES),), ("no column member", "alliances-5.1.csv:1")),
])
def test_import_bad_files_exit_2_with_one_line(arguments: tuple[str, ...],
                                               fragments: tuple[str, ...],
                                               tmp_path: Path) -> None:
    assert_bad_input(invoke("atop", "import", *arguments, "-o", tmp_path / "out"), *fragments)


def test_import_with_nothing_importable_exits_2_after_the_report(tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    path.write_text("atopid,member,yrent,defense,offense,neutral,nonagg,consul\n"
                    "1,abc,1990,1,0,0,0,0\n")
    run = invoke("atop", "import", path, "-o", tmp_path / "out")
    assert run.code == 2
    assert "1 rows read = 0 imported + 0 in alliances not written + 1 rejected" in run.stdout
    assert run.stderr.count("\n") == 1 and "no alliance could be imported" in run.stderr
    assert not (tmp_path / "out").exists()


# ------------------------------------------------------------------- compare --atop
def test_compare_atop_rows_match_the_api(imported: Path) -> None:
    run = invoke("compare", "--atop", imported, "--scenarios", SCENARIOS, "--format", "csv")
    assert run.code == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0].startswith("# ATOP does not record escape wording")
    assert lines[1].startswith("# provenance: tiedhands ") and "ATOP imports " in lines[1]
    records = list(csv.DictReader(io.StringIO("\n".join(lines[2:]))))
    expected = compare_atop(load_imports(imported),
                            [load_scenario(s) for s in SCENARIOS.split(",")],
                            rulebook=builtin_rulebook())
    assert [tuple(r[k] for k in ("scenario", "atopid", "phase", "ally")) for r in records] == [
        (r.scenario.id, str(r.treaty.atopid), r.phase.removeprefix("phase-"),
         str(r.analysis.ally)) for r in expected]
    assert list(records[0]) == list(ROW_FIELDS)
    assert [r["verdict"] for r in records] == [row_record(r)["verdict"] for r in expected]


def test_compare_atop_only_alliances_in_force_where_the_ally_is_a_member(
        imported: Path) -> None:
    records = invoke("compare", "--atop", imported, "--scenario", SCENARIOS,
                     "--format", "json").json()["rows"]
    keys = [(r["scenario"], r["atopid"], r["phase"], r["ally"]) for r in records]
    # 1962: only 3200 (1950-1979) has the USSR (365); 9103 (1941-45) is over.
    # 2024: 9101 (phase 2, from 1960) and 9105 have the USA; 3200 ended in 1979.
    assert keys == [("sino-indian-1962", 3200, 1, 365),
                    ("second-thomas-shoal-2024", 9101, 2, 2),
                    ("second-thomas-shoal-2024", 9105, 1, 2),
                    ("philippine-vessel-armed-attack", 9101, 2, 2),
                    ("philippine-vessel-armed-attack", 9105, 1, 2)]
    by_key = {(r["scenario"], r["atopid"]): r for r in records}
    # An armed attack on a Philippine vessel: the US pledge (location unrecorded) is open,
    # so both readings; δ = 1 and a = 2 ≥ a* = 6/5 bind under the triggered one.
    open_row = by_key["philippine-vessel-armed-attack", 9101]
    assert (open_row["coverage"], open_row["verdict"]) == (
        "indeterminate", "binding | irrelevant_exempt")
    assert (open_row["binding_lower"], open_row["binding_upper"]) == (False, True)
    assert open_row["escape_recorded"] is False and open_row["delta"] == "1"
    # Gray-zone coercion does not meet ATOP's defence pledge (an attack): exempt.
    assert by_key["second-thomas-shoal-2024", 9101]["verdict"] == "irrelevant_exempt"


@pytest.mark.parametrize("output_format", ["table", "json", "markdown", "latex", "csv"])
def test_compare_atop_formats(output_format: str, imported: Path, tmp_path: Path) -> None:
    run = invoke("compare", "--atop", imported, "--scenario", SCENARIOS, "--format",
                 output_format)
    assert run.code == 0, run.stderr
    if output_format == "csv":
        assert "\nscenario,atopid,phase,ally," in run.stdout
    else:
        assert_parses(output_format, run.stdout)
    if output_format in ("table", "markdown", "latex"):
        assert "upper bound" in run.stdout
    if output_format == "json":
        assert json.loads(run.stdout)["provenance"]["atop_imports_hash"]


@pytest.mark.parametrize(("extra", "fragment"), [
    (("--treaties", "anzus-1951"), "--treaties with --atop"),
    (("--plot", "x.png"), "--plot with --atop"),
    (("--draws", "10", "--dist", "a=uniform(0,1)"), "--draws with --atop"),
    (("--dist", "a=uniform(0,1)"), "--dist with --atop"),
    (("--seed", "3"), "--seed with --atop"),
])
def test_compare_atop_refuses_options_that_do_not_apply(extra: tuple[str, ...], fragment: str,
                                                         imported: Path) -> None:
    assert_bad_input(invoke("compare", "--atop", imported, *extra), fragment, "atop trend")


def test_compare_atop_refuses_a_missing_or_empty_directory(tmp_path: Path) -> None:
    assert_bad_input(invoke("compare", "--atop", tmp_path / "absent"), "no such directory")
    assert_bad_input(invoke("compare", "--atop", tmp_path), "no atop-*.yaml file")
    (tmp_path / "atop-1.yaml").write_text("id: [\n")
    assert_bad_input(invoke("compare", "--atop", tmp_path), "atop-1.yaml:", "malformed YAML")


def test_analyze_on_an_import_says_the_verdict_is_an_upper_bound(imported: Path) -> None:
    arguments = ("analyze", "--treaty", imported / "atop-9101.yaml", "--scenario",
                 "philippine-vessel-armed-attack")
    document = invoke(*arguments, "--format", "json").json()
    assert document["coverage"]["escape_recorded"] is False
    assert document["verdict"] == "binding | irrelevant_exempt"
    assert "upper bound on binding" in invoke(*arguments).stdout
    built_in = invoke("analyze", "--treaty", "us-philippines-1951", "--scenario",
                      "philippine-vessel-armed-attack", "--format", "json").json()
    assert built_in["coverage"]["escape_recorded"] is True


def test_plain_compare_over_an_import_carries_the_caveat(imported: Path) -> None:
    treaty = str(imported / "atop-9101.yaml")
    arguments = ("compare", "--treaties", f"{treaty},us-philippines-1951", "--scenarios",
                 "philippine-vessel-armed-attack")
    cells = invoke(*arguments, "--format", "json").json()["cells"]
    assert [(c["treaty"], c["escape_recorded"]) for c in cells] == [
        ("atop-9101", False), ("us-philippines-1951", True)]
    assert "escape wording not recorded by ATOP" in cells[0]["explanation"]
    assert "ATOP imports (atop-9101)" in invoke(*arguments).stdout
    drawn = invoke(*arguments, "--draws", "50", "--dist", "a=uniform(0,4)")
    assert drawn.code == 0 and "ATOP imports (atop-9101)" in drawn.stdout


def test_overlapping_phases_give_one_row_each(tmp_path: Path) -> None:
    """Phase 2 starts before phase 1 ends: in the overlap, one row per phase, each
    analysed with that phase's obligations only (phase 1: defence; phase 2: consultation)."""
    rows = [{"atopid": 7000, "member": m, "yrent": 1990, "yrexit": 2010, "moexit": 1,
             "dayexit": 1, "defense": 1} for m in (2, 366)]
    rows += [{"atopid": 7000, "member": m, "yrent": 2000, "phase": 2, "consul": 1}
             for m in (2, 366)]
    directory = tmp_path / "atop"
    assert invoke("atop", "import", member_csv(rows, tmp_path / "m.csv"), "-o",
                  directory).code == 0
    scenario = Path(__file__).parents[1] / "treaties" / "data" / "scenarios"
    text = (scenario / "baltic-armed-attack.yaml").read_text()
    moved = tmp_path / "baltic-2005.yaml"
    moved.write_text(text.replace("2026-06-01", "2005-06-01"))
    records = invoke("compare", "--atop", directory, "--scenario", moved,
                     "--format", "json").json()["rows"]
    assert [(r["phase"], r["verdict"]) for r in records] == [
        (1, "binding"), (2, "irrelevant_no_obligation")]

