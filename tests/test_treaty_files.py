"""Bad treaty and scenario files: each is refused with its file, line and field.

Every case starts from a small valid treaty (or scenario) written below, changes
one thing, and runs ``tiedhands treaty check`` (or ``scenario check``) on it.
The check must exit 2 and name the file, the line of the offending value, the
field, and what was expected.  One case embeds ``!!python/object/apply`` calls
that would create a file if anything were executed; the test asserts that
nothing was.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from analysis.cli import app
from games.errors import InputError
from treaties.load import check_files, load_scenario, load_treaty
from treaties.schema import AtopEvidence

VALID_TREATY = """\
id: test-pact-2000
name: Test Pact
signed: 2000-01-01
parties: [2, 20]
sources:
  - citation: "An invented treaty for tests."
phases:
  - id: main
    start: 2000-02-01
obligations:
  - id: art1
    obligor: [2, 20]
    beneficiaries: all_other_parties
    type: defense
    conditions:
      threshold: armed_attack
    required_help: unspecified
    escape_wording: ["in accordance with its constitutional processes"]
    evidence:
      - article: "Art. 1"
        quote: "will act to meet the common danger"
        source_url: https://example.org/test-pact
        verified: false
"""

VALID_SCENARIO = """\
id: test-crisis
name: Test crisis
date: 2020-05-01
hostilities:
  - attacker: [365]
    target: [20]
    initiator: 365
    theatre: north-america
    severity: armed_attack
    date: 2020-05-01
allies:
  - ally: 2
    for: [20]
"""


def write(tmp_path: Path, text: str, name: str = "file.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def line_of(text: str, marker: str) -> int:
    """1-based number of the first line of ``text`` containing ``marker``."""
    return next(k for k, line in enumerate(text.splitlines(), 1) if marker in line)


def check(path: Path, kind: str = "treaty") -> tuple[int, str]:
    result = CliRunner().invoke(app, [kind, "check", str(path)])
    return result.exit_code, result.output


def test_the_valid_files_pass(tmp_path: Path) -> None:
    assert check(write(tmp_path, VALID_TREATY)) == (
        0, "1 treaty file checked: all valid\n")
    assert check(write(tmp_path, VALID_SCENARIO, "s.yaml"), "scenario")[0] == 0
    treaty = load_treaty(str(tmp_path / "file.yaml"))
    assert treaty.parties_on(treaty.signed) == (2, 20)


# (replace this, with that, a text on the line the error must name, field, words)
TREATY_CASES = {
    "unknown field": (
        "    type: defense\n", "    type: defense\n    casus: belli\n", "casus",
        "obligations[0].casus", "unknown field 'casus'"),
    "wrong type of value": (
        "    type: defense\n", "    type: [defense]\n", "type:", "obligations[0].type",
        "expected 'defense', 'offense'"),
    "unknown obligation type": (
        "    type: defense\n", "    type: alliance\n", "type:", "obligations[0].type",
        "got 'alliance'"),
    "date in the wrong format": (
        "signed: 2000-01-01\n", "signed: 01/01/2000\n", "signed", "signed",
        "expected a date written YYYY-MM-DD"),
    "a year is not a date": (
        "signed: 2000-01-01\n", "signed: 2000\n", "signed", "signed", "2000 is not a date"),
    "unknown COW code": (
        "parties: [2, 20]\n", "parties: [2, 20, 999]\n", "parties", "parties[2]",
        "999 is not a Correlates of War state code"),
    "COW code as text": (
        "parties: [2, 20]\n", "parties: [2, '20']\n", "parties", "parties[1]",
        "'20' is not a party"),
    "obligation with no evidence": (
        """    evidence:
      - article: "Art. 1"
        quote: "will act to meet the common danger"
        source_url: https://example.org/test-pact
        verified: false
""", "    evidence: []\n", "evidence", "obligations[0].evidence", "at least 1 item"),
    "evidence missing": (
        """    evidence:
      - article: "Art. 1"
        quote: "will act to meet the common danger"
        source_url: https://example.org/test-pact
        verified: false
""", "", "- id: art1", "obligations[0].evidence", "required field is missing"),
    "quote longer than twelve words": (
        'quote: "will act to meet the common danger"',
        'quote: "each party will act to meet the common danger in accordance with its '
        'constitutional processes"', "quote:", "obligations[0].evidence[0].quote",
        "the quote has 15 words"),
    "verified as text": (
        "verified: false", "verified: 'no'", "verified", "obligations[0].evidence[0].verified",
        "expected a valid boolean"),
    "duplicate key": (
        "    type: defense\n", "    type: defense\n    type: offense\n", "offense",
        "obligations[0].type", "duplicate key"),
    "duplicate obligation id": (
        "        verified: false\n", """        verified: false
  - id: art1  # again
    obligor: [2]
    beneficiaries: [20]
    type: consultation
    required_help: consultation
    evidence:
      - {article: "Art. 2", quote: "consult", source_url: "https://example.org", verified: false}
""", "# again", "obligations[1].id", "duplicate id 'art1'"),
    "obligor who is not a party": (
        "    obligor: [2, 20]\n", "    obligor: [2, 200]\n", "obligor", "obligations[0].obligor[1]",
        "obligor 200 is not a party"),
    "unknown phase": (
        "    type: defense\n", "    type: defense\n    phases: [later]\n", "later",
        "obligations[0].phases[0]", "unknown phase 'later'"),
    "phase before signing": (
        "    start: 2000-02-01\n", "    start: 1999-02-01\n", "start", "phases[0].start",
        "starts before the signing date"),
    "unknown threshold": (
        "      threshold: armed_attack\n", "      threshold: war\n", "threshold",
        "obligations[0].conditions.threshold", "expected 'threat', 'armed_attack'"),
    "unknown region": (
        "      threshold: armed_attack\n",
        "      threshold: armed_attack\n      geography: {regions: [atlantis]}\n", "atlantis",
        "obligations[0].conditions.geography.regions[0]", "'atlantis' is not a known region"),
    "empty adversary condition": (
        "      threshold: armed_attack\n",
        "      threshold: armed_attack\n      adversaries: {}\n", "adversaries",
        "obligations[0].conditions.adversaries", "names nobody"),
    "malformed YAML": (
        "parties: [2, 20]\n", "parties: [2, 20\n", "sources", None, "malformed YAML"),
    "tab indentation": (
        "    type: defense\n", "\ttype: defense\n", "\ttype", None, "malformed YAML"),
    "anchors and aliases": (
        "parties: [2, 20]\n", "parties: &p [2, 20]\nalso: *p\n", "also", "also",
        "anchors and aliases are not supported"),
    "not a mapping": (VALID_TREATY, "- just\n- a list\n", "just", None, "not a mapping"),
}


@pytest.mark.parametrize("case", sorted(TREATY_CASES))
def test_a_bad_treaty_file_is_refused_with_its_line_and_field(tmp_path: Path,
                                                              case: str) -> None:
    old, new, marker, field, words = TREATY_CASES[case]
    assert old in VALID_TREATY
    text = VALID_TREATY.replace(old, new, 1)
    line = line_of(text, marker)
    path = write(tmp_path, text)
    code, output = check(path)
    assert code == 2, output
    assert f"{path}:{line}: " in output, output
    first = check_files([path], "treaty")[1][0]
    assert first.source == str(path)
    assert first.line == line
    assert first.field == field
    assert words in first.render(), first.render()
    assert "Traceback" not in output


def test_python_tags_are_refused_and_nothing_runs(tmp_path: Path) -> None:
    marker = tmp_path / "executed"
    payloads = [
        f"notes: !!python/object/apply:os.system ['touch {marker}']\n",
        f"notes: !!python/object/new:subprocess.check_call [['touch', '{marker}']]\n",
        "notes: !!python/name:os.system\n",
        "notes: !custom value\n",
    ]
    for payload in payloads:
        path = write(tmp_path, VALID_TREATY + payload)
        assert check(path)[0] == 2
        problem = check_files([path], "treaty")[1][0]
        assert (problem.line, problem.field) == (line_of(VALID_TREATY + payload, "notes"), "notes")
        assert "is not allowed" in problem.message
        with pytest.raises(InputError, match="is not allowed"):
            load_treaty(str(path))
    assert not marker.exists()


def test_duplicate_treaty_ids_across_files(tmp_path: Path) -> None:
    first = write(tmp_path, VALID_TREATY, "a.yaml")
    second = write(tmp_path, VALID_TREATY, "b.yaml")
    files, problems = check_files([tmp_path], "treaty")
    assert files == 2
    assert [(p.source, p.line, p.field) for p in problems] == [(str(second), 1, "id")]
    assert f"also in {first}" in problems[0].message
    code, output = check(tmp_path)
    assert code == 2 and "duplicate treaty id 'test-pact-2000'" in output


def test_check_reports_every_problem_as_json(tmp_path: Path) -> None:
    text = VALID_TREATY.replace("type: defense", "type: alliance").replace(
        "signed: 2000-01-01", "signed: yesterday")
    path = write(tmp_path, text)
    result = CliRunner().invoke(app, ["treaty", "check", str(path), "--format", "json"])
    assert result.exit_code == 2
    document = json.loads(result.output)
    assert document["ok"] is False
    assert [(p["line"], p["field"]) for p in document["problems"]] == [
        (3, "signed"), (line_of(text, "alliance"), "obligations[0].type")]


def test_loading_a_bad_file_raises_one_located_error(tmp_path: Path) -> None:
    path = write(tmp_path, VALID_TREATY.replace("type: defense", "type: alliance").replace(
        "signed: 2000-01-01", "signed: yesterday"))
    with pytest.raises(InputError) as raised:
        load_treaty(str(path))
    assert raised.value.render().startswith(f"{path}:3: signed: ")
    assert "[and 1 more problem]" in raised.value.render()


SCENARIO_CASES = {
    "probability-like severity": (
        "    severity: armed_attack\n", "    severity: 0.7\n", "severity",
        "hostilities[0].severity", "expected 'gray_zone'"),
    "initiator not a belligerent": (
        "    initiator: 365\n", "    initiator: 2\n", "initiator", "hostilities[0].initiator",
        "initiator 2 is not a belligerent"),
    "state on both sides": (
        "    target: [20]\n", "    target: [20, 365]\n", "target", "hostilities[0].target",
        "a state is on both sides"),
    "ally for a bystander": (
        "    for: [20]\n", "    for: [740]\n", "740", "allies[0].for[0]",
        "740 takes no part in the hostilities"),
    "parameter value NaN": (
        "allies:\n", "params:\n  c_A: {value: .nan, why: 'test'}\nallies:\n", "nan",
        "params.c_A.value", "nan is not a finite number"),
    "parameter without justification": (
        "allies:\n", "params:\n  c_A: {value: 2}\nallies:\n", "c_A", "params.c_A.why",
        "required field is missing"),
    "hostility after the scenario date": (
        "    date: 2020-05-01\n", "    date: 2020-06-01\n", "2020-06-01", "hostilities[0].date",
        "after the scenario date"),
}


@pytest.mark.parametrize("case", sorted(SCENARIO_CASES))
def test_a_bad_scenario_file_is_refused_with_its_line_and_field(tmp_path: Path,
                                                                case: str) -> None:
    old, new, marker, field, words = SCENARIO_CASES[case]
    assert old in VALID_SCENARIO
    text = VALID_SCENARIO.replace(old, new, 1)
    line = line_of(text, marker)
    path = write(tmp_path, text)
    code, output = check(path, "scenario")
    assert code == 2, output
    first = check_files([path], "scenario")[1][0]
    assert (first.source, first.line, first.field) == (str(path), line, field), first.render()
    assert words in first.render(), first.render()
    with pytest.raises(InputError):
        load_scenario(str(path))


def test_missing_file_and_unknown_id(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read the file"):
        load_treaty(str(tmp_path / "absent.yaml"))
    with pytest.raises(InputError, match="no built-in treaty 'nato'") as raised:
        load_treaty("nato")
    assert "north-atlantic-1949" in raised.value.render()
    code, output = check(tmp_path / "absent.yaml")
    assert code == 2 and "cannot read the file" in output


def test_atop_provenance_is_evidence_too(tmp_path: Path) -> None:
    # Imported treaties carry ATOP provenance instead of a quote (the ATOP import issue).
    text = VALID_TREATY.replace("sources:", "atopid: 9999\nsources:").replace(
        """      - article: "Art. 1"
        quote: "will act to meet the common danger"
        source_url: https://example.org/test-pact
        verified: false
""", """      - {source: atop, atopid: 9999, member: 2, variables: {defense: 1, defcoloc: 0}}
""")
    treaty = load_treaty(str(write(tmp_path, text)))
    (evidence,) = treaty.obligations[0].evidence
    assert isinstance(evidence, AtopEvidence)
    assert evidence.variables == {"defense": 1, "defcoloc": 0}
    wrong = write(tmp_path, text.replace("atopid: 9999, member", "atopid: 1, member"), "w.yaml")
    problem = check_files([wrong], "treaty")[1][0]
    assert (problem.field, problem.message) == (
        "obligations[0].evidence[0].atopid", "atopid 1 differs from the treaty's 9999")


REVIEW_CASES = {
    # A union field reports the one real problem, not one per way of writing it.
    "bad code among beneficiaries": (
        "    beneficiaries: all_other_parties\n", "    beneficiaries: [2, 999]\n",
        "obligations[0].beneficiaries[1]", "999 is not a Correlates of War state code"),
    "misspelt all_other_parties": (
        "    beneficiaries: all_other_parties\n", "    beneficiaries: all_parties\n",
        "obligations[0].beneficiaries", "expected 'all_other_parties'"),
    "yes is not true": (
        "verified: false", "verified: yes", "obligations[0].evidence[0].verified",
        "got 'yes' (expected a valid boolean)"),
    "leading zero": ("parties: [2, 20]\n", "parties: [2, 020]\n", "parties[1]",
                     "020 has a leading zero (expected 20"),
    "url pattern": ("source_url: https://example.org/test-pact", "source_url: example.org",
                    "obligations[0].evidence[0].source_url",
                    "wrong form: got 'example.org' (expected an http(s) address)"),
    "terminal escape codes": ("name: Test Pact\n", 'name: "\\e[31mRED"\n', "name",
                              "the text contains control characters"),
    "Hangul quote too long": (
        'quote: "will act to meet the common danger"', 'quote: "' + "가" * 30 + '"',
        "obligations[0].evidence[0].quote", "the quote has 15 words"),
    "long value shortened": ("name: Test Pact\n", "name: [" + "1, " * 100 + "1]\n",
                             "name", "..."),
}


@pytest.mark.parametrize("case", sorted(REVIEW_CASES))
def test_messages_name_the_real_problem(tmp_path: Path, case: str) -> None:
    old, new, field, words = REVIEW_CASES[case]
    path = write(tmp_path, VALID_TREATY.replace(old, new, 1))
    problems = check_files([path], "treaty")[1]
    assert len(problems) == 1, [p.render() for p in problems]
    assert problems[0].field == field
    assert words in problems[0].render(), problems[0].render()
    assert len(problems[0].render()) < 400


def test_unknown_field_in_atop_evidence_lists_the_atop_fields(tmp_path: Path) -> None:
    text = VALID_TREATY.replace(
        """      - article: "Art. 1"
        quote: "will act to meet the common danger"
        source_url: https://example.org/test-pact
        verified: false
""", "      - {source: atop, atopid: 1, member: 2, variables: {defense: 1}, extra: 1}\n")
    (problem,) = check_files([write(tmp_path, text)], "treaty")[1]
    assert problem.expected == "one of: source, atopid, member, variables"


def test_empty_files_and_directories(tmp_path: Path) -> None:
    empty = write(tmp_path, "# only a comment\n", "empty.yaml")
    (problem,) = check_files([empty], "treaty")[1]
    assert (problem.line, problem.message) == (1, "the document is not a mapping of fields")
    folder = tmp_path / "nothing-here"
    folder.mkdir()
    code, output = check(folder)
    assert code == 2 and "the directory holds no .yaml or .yml file" in output
    assert check(tmp_path / "nothing-here", "scenario")[0] == 2
    with pytest.raises(InputError, match="this is a directory"):
        load_treaty(str(folder) + "/")
