"""The ``analyze``, ``compare``, ``params`` and ``rules show`` commands, end to end.

Contract: every format parses; the canonical case (China for North Korea,
all means, no escape wording) is ``binding`` with a* = 6/5 at the defaults;
bad parameters and rules files give exit 2 with one line on stderr naming the
culprit; files are never overwritten without ``--force``; every output of
``analyze`` and ``compare`` carries its provenance.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from analysis.cli import app
from analysis.parameters import PARAMETERS
from analysis.provenance import corpus_hash
from analysis.report import latex_escape
from analysis.rules import builtin_rulebook
from games.extensive_form import ExtensiveFormGame
from games.io.gambit import read_game
from treaties.load import builtin_scenarios, builtin_treaties

ENV = {"COLUMNS": "200"}
CANONICAL = ("--treaty", "china-dprk-1961", "--scenario", "korea-dprk-attacked")
SMALL_COMPARE = ("--scenarios", "korea-dprk-attacked,japan-senkaku-clash")


@dataclass(frozen=True)
class Run:
    """What a command did: exit code and the two streams."""

    code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        assert self.code == 0, self.stderr
        return json.loads(self.stdout)


def invoke(*args: str | Path) -> Run:
    result = CliRunner().invoke(app, [str(a) for a in args], env=ENV)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Run(result.exit_code, result.stdout, result.stderr)


def assert_bad_input(run: Run, *fragments: str) -> str:
    """Exit 2, nothing on stdout, one line on stderr holding every fragment."""
    assert run.code == 2, (run.code, run.stdout, run.stderr)
    assert run.stdout == ""
    lines = run.stderr.splitlines()
    assert len(lines) == 1 and "Traceback" not in run.stderr, run.stderr
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
    return lines[0]


def csv_records(text: str) -> list[dict[str, str]]:
    first, rest = text.split("\n", 1)
    assert first.startswith("# provenance: tiedhands ")
    return list(csv.DictReader(io.StringIO(rest)))


def assert_parses(output_format: str, text: str) -> None:
    if output_format == "json":
        assert "provenance" in json.loads(text)
    elif output_format == "csv":
        assert csv_records(text)
    elif output_format == "latex":
        assert "\\begin{tabular}" in text and "\\end{tabular}" in text
        assert "provenance: tiedhands" in text
    elif output_format == "markdown":
        assert "\n|---|" in text and "provenance: tiedhands" in text
    else:
        assert "┃" in text and "provenance: tiedhands" in text


# ------------------------------------------------------------------ analyze
@pytest.mark.parametrize("output_format", ["table", "json", "markdown", "latex"])
def test_analyze_speaks_every_format(output_format: str) -> None:
    run = invoke("analyze", *CANONICAL, "--format", output_format)
    assert run.code == 0, run.stderr
    assert_parses(output_format, run.stdout)


def test_analyze_canonical_case_binds_at_six_fifths() -> None:
    document = invoke("analyze", *CANONICAL, "--format", "json").json()
    assert (document["verdict"], document["threshold"]) == ("binding", "6/5")
    assert document["threshold_float"] == 1.2
    assert (document["ally_action_without"], document["ally_action_with"]) == ("L", "I")
    assert document["coverage"]["status"] == "triggered"
    assert document["coverage"]["deciding_obligation"] == "art2-defence"
    assert document["params"]["p_I"]["value"] == "3/10"
    assert document["params"]["p_I"]["float"] == 0.3
    assert document["provenance"]["rulebook_fingerprint"] == builtin_rulebook().fingerprint()
    nash = document["readings"][0]["nash"]
    assert any(n["subgame_perfect"] for n in nash) and not all(n["subgame_perfect"] for n in nash)
    assert [s["selected"] for s in document["readings"][0]["spe"]].count(True) == 1


def test_analyze_with_a_small_audience_cost_is_insufficient() -> None:
    document = invoke("analyze", *CANONICAL, "--param", "a=1", "--format", "json").json()
    assert document["verdict"] == "insufficient"
    assert document["params"]["a"]["source"] == "--param"
    assert document["provenance"]["parameter_sources"]["a"] == "--param"


def test_analyze_table_marks_non_credible_nash_equilibria() -> None:
    run = invoke("analyze", *CANONICAL)
    assert run.code == 0, run.stderr
    assert "binding" in run.stdout and "6/5 (1.2)" in run.stdout
    assert "not subgame perfect (a move off the path is not optimal)" in run.stdout


def test_analyze_indeterminate_coverage_gives_two_readings() -> None:
    document = invoke("analyze", "--treaty", "us-japan-1960", "--scenario",
                      "japan-senkaku-clash", "--format", "json").json()
    assert document["coverage"]["status"] == "indeterminate"
    assert [r["verdict"] for r in document["readings"]] == [
        "irrelevant_credible_anyway", "irrelevant_exempt"]


@pytest.mark.parametrize(("param", "name"), [
    ("zz=1", "zz"), ("p_I=nan", "p_I"), ("p_I=1.5", "p_I"), ("p_I=0.9", "p_I")])
def test_analyze_refuses_bad_parameters(param: str, name: str) -> None:
    assert_bad_input(invoke("analyze", *CANONICAL, "--param", param), "--param", name)


@pytest.mark.parametrize(("contents", "line"), [
    ("escape:\n  - id: x\n    phrase: some hedge\n    delta: 0.5\n    why: w\n    source: s\n"
     "    colour: red\n", 7),
    ("escape:\n  - id: x\n    phrase: some hedge\n    delta: 2\n    why: w\n    source: s\n", 4),
    ("escape: [a, b\n  : {\n", 2),
])
def test_analyze_refuses_a_bad_rules_file(tmp_path: Path, contents: str, line: int) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text(contents, encoding="utf-8")
    assert_bad_input(invoke("analyze", *CANONICAL, "--rules", rules), f"{rules}:{line}")


def test_a_rules_file_can_make_the_hedge_free_the_ally(tmp_path: Path) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text("escape:\n  - id: escape-constitutional-processes\n"
                     "    phrase: constitutional processes\n    delta: 0\n"
                     "    why: The hedge frees the ally.\n    source: Test.\n", encoding="utf-8")
    args = ("analyze", "--treaty", "us-philippines-1951", "--scenario",
            "philippine-vessel-armed-attack", "--format", "json")
    document = invoke(*args, "--rules", rules).json()
    assert document["verdict"] == "irrelevant_discretionary"
    assert document["delta"] == "0"
    assert invoke(*args).json()["verdict"] != "irrelevant_discretionary"


def test_export_efg_writes_the_game_and_never_overwrites(tmp_path: Path) -> None:
    path = tmp_path / "game.efg"
    assert invoke("analyze", *CANONICAL, "--format", "json", "--export-efg", path).code == 0
    game = read_game(path)
    assert isinstance(game, ExtensiveFormGame) and game.players == ("Challenger", "Ally")
    before = path.read_bytes()
    assert_bad_input(invoke("analyze", *CANONICAL, "--export-efg", path), "already exists")
    assert path.read_bytes() == before
    run = invoke("analyze", *CANONICAL, "--param", "a=1", "--format", "json", "--export-efg",
                 path, "--force")
    assert run.code == 0, run.stderr


def test_export_efg_needs_a_solved_verdict(tmp_path: Path) -> None:
    run = invoke("analyze", "--treaty", "china-dprk-1961", "--scenario", "korea-dprk-initiates",
                 "--export-efg", tmp_path / "game.efg")
    assert_bad_input(run, "--export-efg", "irrelevant_exempt")
    assert not (tmp_path / "game.efg").exists()


def test_analyze_writes_latex_to_a_tex_file(tmp_path: Path) -> None:
    path = tmp_path / "verdict.tex"
    assert invoke("analyze", *CANONICAL, "-o", path).code == 0
    assert_parses("latex", path.read_text(encoding="utf-8"))
    assert_bad_input(invoke("analyze", *CANONICAL, "-o", path), "already exists")


# ------------------------------------------------------------------ compare
@pytest.mark.parametrize("output_format", ["table", "json", "csv", "markdown", "latex"])
def test_compare_speaks_every_format(output_format: str) -> None:
    run = invoke("compare", *SMALL_COMPARE, "--format", output_format)
    assert run.code == 0, run.stderr
    assert_parses(output_format, run.stdout)


def test_compare_json_has_one_record_per_cell_and_provenance() -> None:
    document = invoke("compare", "--format", "json").json()
    expected = sum(max(1, len({a.ally for a in s.allies if a.ally in t.party_codes}))
                   for t in builtin_treaties() for s in builtin_scenarios())
    assert len(document["cells"]) == expected
    verdicts = {cell["verdict"] for cell in document["cells"]}
    assert "binding" in verdicts
    binding = [c for c in document["cells"] if c["verdict"] == "binding"]
    assert {"threshold", "threshold_effective", "delta", "deters", "ties", "explanation",
            "ally"} <= set(binding[0])
    assert document["provenance"]["corpus_hash"] == corpus_hash()


def test_compare_csv_records_match_the_json() -> None:
    records = csv_records(invoke("compare", *SMALL_COMPARE, "--format", "csv").stdout)
    document = invoke("compare", *SMALL_COMPARE, "--format", "json").json()
    assert len(records) == len(document["cells"])
    assert [r["verdict"] for r in records] == [c["verdict"] for c in document["cells"]]


def test_compare_table_is_a_matrix_with_codes() -> None:
    run = invoke("compare", *SMALL_COMPARE)
    assert run.code == 0, run.stderr
    assert "BI 1.2" in run.stdout and "CA/EX" in run.stdout
    assert "1 = korea-dprk-attacked" in run.stdout


def test_compare_plots_png_and_reproducible_svg(tmp_path: Path) -> None:
    png, svg = tmp_path / "x.png", tmp_path / "x.svg"
    args = ("compare", *SMALL_COMPARE, "--format", "json")
    assert invoke(*args, "--plot", png).code == 0
    assert png.read_bytes().startswith(b"\x89PNG")
    assert invoke(*args, "--plot", svg).code == 0
    first = svg.read_bytes()
    assert_bad_input(invoke(*args, "--plot", svg), "already exists")
    assert invoke(*args, "--plot", svg, "--force").code == 0
    assert svg.read_bytes() == first and b"<svg" in first


def test_compare_refuses_other_plot_formats(tmp_path: Path) -> None:
    assert_bad_input(invoke("compare", "--plot", tmp_path / "x.gif"), "--plot", ".png or .svg")


# ------------------------------------------------------------ params, rules
def test_params_lists_the_registry() -> None:
    document = invoke("params", "--format", "json").json()
    assert [p["name"] for p in document["parameters"]] == [p.name for p in PARAMETERS]
    assert len(document["parameters"]) == 10


def test_rules_show_includes_the_fingerprint(tmp_path: Path) -> None:
    document = invoke("rules", "show", "--format", "json").json()
    assert document["fingerprint"] == builtin_rulebook().fingerprint()
    assert {r["id"] for r in document["escape"]} >= {"escape-constitutional-processes"}
    assert "\\begin{tabular}" in invoke("rules", "show", "--format", "latex").stdout


def test_corpus_hash_is_twelve_hex_digits() -> None:
    assert re.fullmatch(r"[0-9a-f]{12}", corpus_hash())


def test_latex_escape_covers_the_special_characters() -> None:
    assert latex_escape("a_eff & 50% #1 $2 {x}") == r"a\_eff \& 50\% \#1 \$2 \{x\}"
    assert latex_escape("back\\slash") == r"back\textbackslash{}slash"


# ------------------------------------------------------------ review regressions
def test_tie_rule_prefers_a_compliant_response_under_a_custom_rule(tmp_path: Path) -> None:
    # With only limited aid short and a_eff equal to the threshold, the ally is indifferent
    # between limited aid and staying out; the tie rule takes the compliant response.
    rules = tmp_path / "rules.yaml"
    rules.write_text("help:\n  - id: help-all-means\n    required_help: all_means\n"
                     "    short: [L]\n    why: test\n    source: test\n", encoding="utf-8")
    result = CliRunner().invoke(app, [
        "analyze", "--treaty", "china-dprk-1961", "--scenario", "korea-dprk-attacked",
        "--rules", str(rules), "--param", "a=1/5", "--format", "json"], env=ENV)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["ally_action_with"] != "L"
    assert data["verdict"] in ("binding", "irrelevant_credible_anyway")


@pytest.mark.parametrize("args, words", [
    (["analyze", "--param", "a=99999999999e300"], "is too large"),
    (["compare", "--treaties", " , "], "no id or file given"),
    (["compare", "--scenarios", ""], "no id or file given"),
    (["analyze", "-o", "/", "--format", "json"], "this is a directory"),
    (["analyze", "-o", "/no/such/dir/x.json"], "the directory does not exist"),
])
def test_review_refusals(args: list[str], words: str) -> None:
    base = ["--treaty", "china-dprk-1961", "--scenario", "korea-dprk-attacked"] \
        if args[0] == "analyze" else []
    result = CliRunner().invoke(app, [*args[:1], *base, *args[1:]], env=ENV)
    assert result.exit_code == 2, result.output
    assert words in result.output and "Traceback" not in result.output


def test_latex_escapes_bars_angles_and_degrees() -> None:
    assert latex_escape("a | b > 0 < 1, 21°30′") == (
        r"a \textbar{} b \textgreater{} 0 \textless{} 1, 21\textdegree{}30'")
