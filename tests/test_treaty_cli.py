"""The ``treaty``, ``scenario`` and ``coverage`` commands, end to end.

Contract (from the treaties issue and the CLI conventions): ``--format
table|json|markdown``; an argument with ``/`` or a ``.yaml``/``.yml`` suffix is
a path, anything else a built-in id; bad input gives exit 2 and one line on
stderr; ``-o`` never overwrites without ``--force``.  Expected statuses come from
the corpus (see ``test_coverage_record.py`` for their sources).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from analysis.cli import app
from tests.test_treaty_files import VALID_SCENARIO, VALID_TREATY

ENV = {"COLUMNS": "200"}


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args), env=ENV)
    return result.exit_code, result.output


@pytest.mark.parametrize("output_format", ["table", "json", "markdown"])
@pytest.mark.parametrize("command", [
    ("treaty", "list"), ("scenario", "list"), ("treaty", "show", "anglo-polish-1939"),
    ("scenario", "show", "july-crisis-1914"),
    ("coverage", "--treaty", "anglo-polish-1939", "--scenario", "soviet-invasion-poland-1939"),
    ("coverage", "--scenario", "sino-indian-1962"),
])
def test_every_command_speaks_every_format(command: tuple[str, ...],
                                           output_format: str) -> None:
    code, output = invoke(*command, "--format", output_format)
    assert code == 0, output
    if output_format == "json":
        json.loads(output)
    elif output_format == "markdown":
        assert "\n|---|" in output
    else:
        assert "┃" in output


def test_treaty_show_lists_obligations_and_marks_unverified_quotes() -> None:
    code, output = invoke("treaty", "show", "us-rok-1953")
    assert code == 0
    assert "(unverified)" in output  # the US understanding's text was not seen in a source
    document = json.loads(invoke("treaty", "show", "us-rok-1953", "--format", "json")[1])
    assert document["id"] == "us-rok-1953"
    assert {o["type"] for o in document["obligations"]} >= {"defense"}


def test_coverage_json_carries_status_clauses_and_evidence() -> None:
    code, output = invoke("coverage", "--treaty", "sino-soviet-1950", "--scenario",
                          "sino-indian-1962", "--format", "json")
    assert code == 0
    (result,) = json.loads(output)["results"]
    assert (result["ally"], result["status"], result["deciding_obligation"]) == (
        365, "exempt", "art1-defence")
    defence = next(o for o in result["obligations"] if o["obligation"] == "art1-defence")
    (clause,) = defence["exempting_clauses"]
    assert clause["clause"] == "adversaries"
    assert clause["reason"] == "The adversary, India, is neither Japan nor allied with Japan."
    assert all(e["verified"] for e in clause["evidence"])


def test_coverage_for_a_chosen_ally_and_belligerent() -> None:
    code, output = invoke("coverage", "--treaty", "sino-soviet-1950", "--scenario",
                          "sino-vietnamese-1979", "--ally", "365", "--for", "816",
                          "--format", "json")
    assert code == 0
    (result,) = json.loads(output)["results"]
    assert result["beneficiaries"] == [816] and result["status"] == "not_applicable"


def test_coverage_summary_over_the_corpus() -> None:
    code, output = invoke("coverage", "--format", "json")
    assert code == 0
    rows = {(r["scenario"], r["treaty"], r["ally"]): r["status"] for r in json.loads(output)}
    assert rows["sino-indian-1962", "sino-soviet-1950", 365] == "exempt"
    assert rows["baltic-armed-attack", "north-atlantic-1949", 2] == "triggered"
    assert rows["japan-senkaku-clash", "us-japan-1960", 2] == "indeterminate"
    assert "not_applicable" not in rows.values()


def test_paths_and_ids(tmp_path: Path) -> None:
    (tmp_path / "pact.yaml").write_text(VALID_TREATY, encoding="utf-8")
    (tmp_path / "crisis.yml").write_text(VALID_SCENARIO, encoding="utf-8")
    code, output = invoke("coverage", "--treaty", str(tmp_path / "pact.yaml"),
                          "--scenario", str(tmp_path / "crisis.yml"), "--format", "json")
    assert code == 0, output
    (result,) = json.loads(output)["results"]
    # Russia attacks Canada (20) in North America with an armed attack; the pact's one
    # condition is an armed-attack threshold, so the US duty is triggered.
    assert (result["ally"], result["status"]) == (2, "triggered")
    code, output = invoke("treaty", "show", "no-such-pact")
    assert code == 2 and "no built-in treaty 'no-such-pact'" in output


def test_output_file_needs_force_to_be_replaced(tmp_path: Path) -> None:
    target = tmp_path / "coverage.md"
    args = ("coverage", "--treaty", "us-japan-1960", "--scenario", "japan-senkaku-clash",
            "-o", str(target))
    assert invoke(*args)[0] == 0
    first = target.read_text(encoding="utf-8")
    assert first.startswith("### ") and "indeterminate" in first
    target.write_text("mine", encoding="utf-8")
    code, output = invoke(*args)
    assert code == 2 and "already exists" in output
    assert target.read_text(encoding="utf-8") == "mine"
    assert invoke(*args, "--force")[0] == 0
    assert target.read_text(encoding="utf-8") == first


def test_bad_ally_code_is_one_line_exit_2() -> None:
    code, output = invoke("coverage", "--treaty", "us-japan-1960", "--scenario",
                          "japan-senkaku-clash", "--ally", "9999")
    assert code == 2
    assert output.strip().splitlines() == [
        "tiedhands: error: --ally: 9999 is not a Correlates of War state code "
        "(expected a COW code, e.g. 2 = USA, 365 = Russia)"]


def test_console_script_check_exits_2_with_no_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(VALID_TREATY.replace("type: defense", "type: alliance"), encoding="utf-8")
    completed = subprocess.run(
        [str(Path(sys.executable).parent / "tiedhands"), "treaty", "check", str(bad),
         "--format", "json"], capture_output=True, text=True, check=False, env=None)
    assert completed.returncode == 2
    assert "Traceback" not in completed.stderr + completed.stdout
    problems = json.loads(completed.stdout)["problems"]
    assert [(p["line"], p["field"]) for p in problems] == [(14, "obligations[0].type")]


def test_text_that_looks_like_markup_is_printed_as_written(tmp_path: Path) -> None:
    path = tmp_path / "pact.yaml"
    text = VALID_TREATY.replace("name: Test Pact", 'name: "Evil [/bold] pact"')
    path.write_text(text + 'notes: "[red]not a colour[/red] and [bold]\\n"\n',
                    encoding="utf-8")
    code, output = invoke("treaty", "show", str(path))
    assert code == 0, output
    assert "[red]not a colour[/red] and [bold]" in output
    assert "Evil [/bold] pact" in output


def test_a_user_threshold_table_replaces_the_default(tmp_path: Path) -> None:
    # A reader who holds that ramming and water cannon may amount to an armed attack
    # turns the Second Thomas Shoal exemption into an open question.
    table = tmp_path / "thresholds.yaml"
    table.write_text("armed_attack: {gray_zone: ambiguous, limited_clash: met, "
                     "armed_attack: met, major_war: met, nuclear: met}\n", encoding="utf-8")
    args = ("coverage", "--treaty", "us-philippines-1951", "--scenario",
            "second-thomas-shoal-2024", "--format", "json")
    default = json.loads(invoke(*args)[1])["results"][0]["status"]
    code, output = invoke(*args, "--thresholds", str(table))
    assert code == 0, output
    assert (default, json.loads(output)["results"][0]["status"]) == ("exempt", "indeterminate")


@pytest.mark.parametrize("text, words", [
    ("armed_attack: {gray_zone: maybe, limited_clash: met, armed_attack: met, major_war: met, "
     "nuclear: met}\n", ":1: armed_attack.gray_zone: got 'maybe' (expected met, not_met or "
     "ambiguous)"),
    ("armed_attack: {gray_zone: met}\n", ":1: armed_attack: the row must give every severity"),
    ("war: {}\n", ":1: war: unknown threshold 'war'"),
])
def test_a_bad_threshold_table_is_refused(tmp_path: Path, text: str, words: str) -> None:
    table = tmp_path / "t.yaml"
    table.write_text(text, encoding="utf-8")
    code, output = invoke("coverage", "--treaty", "us-japan-1960", "--scenario",
                          "japan-senkaku-clash", "--thresholds", str(table))
    assert code == 2
    assert f"{table}{words}" in output
