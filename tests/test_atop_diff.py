"""``tiedhands atop diff``: the built-in treaties against their ATOP rows, field by field.

Contract, from the issue and the module docstring of :mod:`treaties.atop_diff`: each
built-in treaty with an ``atopid`` is compared with ``DIR/atop-<atopid>.yaml``; each
disagreement is a record (treaty, atopid, field, member, corpus value, ATOP value, note);
treaties whose file is not in DIR are listed, not an error; the exit code is 0 with or
without disagreements and 2 (one line on stderr) for bad input.

Every expected list below is worked out by hand from the ATOP-format rows written in
the test (or the fixture ``tests/data/atop``) and the built-in treaty YAML, with the
rules of :mod:`treaties.atop_diff`; nothing is computed by the code under test.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest

from tests.test_analysis_cli import assert_bad_input, invoke
from treaties.atop import import_atop, write_treaties
from treaties.atop_csv import MEMBER_USED
from treaties.atop_diff import (
    ATOP_ONLY,
    CORPUS_ONLY,
    NOT_RECORDED_TEXT,
    TreatyDiff,
    atop_treaties,
    diff_directory,
    diff_treaty,
)
from treaties.load import builtin_treaties, load_treaty
from treaties.schema import Treaty

FIXTURE = Path(__file__).parent / "data" / "atop"
MEMBERS, ALLIANCES = FIXTURE / "members-5.1.csv", FIXTURE / "alliances-5.1.csv"
ALLIANCE_COLUMNS = ("atopid", "begyr", "begmo", "begday", "endyr", "endmo", "endday")
UNKNOWN_DAY = ("; the import's notes say some ATOP month or day is unknown (an entry is "
               "read as the first day it could be, an exit as the last)")

Record = tuple[str, int | None, str, str, str]
"""(field, member, corpus value, ATOP value, note) of one disagreement."""


# ------------------------------------------------------------------ ATOP-format rows
def _date(text: str | None) -> list[str]:
    """``YYYY-MM-DD`` (or ``YYYY-MM``: day unknown) as year, month and day cells."""
    if text is None:
        return ["0", "0", "0"]
    parts = text.split("-")
    return [*parts, *["0"] * (3 - len(parts))]


def member_row(atopid: int, member: int, entry: str, exit_: str | None = None, phase: int = 1,
               **flags: int) -> dict[str, str]:
    """One member row; every flag not given is 0, threat states blank."""
    row = dict.fromkeys(MEMBER_USED, "0")
    row.update(statthr1="", statthr2="", atopid=str(atopid), member=str(member),
               phase=str(phase))
    row.update(zip(("yrent", "moent", "dayent"), _date(entry), strict=True))
    row.update(zip(("yrexit", "moexit", "dayexit"), _date(exit_), strict=True))
    row.update({k: str(v) for k, v in flags.items()})
    return row


def write_csv(path: Path, columns: Sequence[str], rows: Sequence[Mapping[str, str]]) -> Path:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def import_rows(tmp_path: Path, rows: Sequence[Mapping[str, str]],
                alliances: Sequence[tuple[int, str, str | None]] = ()) -> Path:
    """Import the rows (and alliance rows: atopid, begin, end) into ``tmp_path/atop``."""
    members = write_csv(tmp_path / "members.csv", MEMBER_USED, rows)
    alliance_file = write_csv(tmp_path / "alliances.csv", ALLIANCE_COLUMNS, [
        dict(zip(ALLIANCE_COLUMNS, [str(a), *_date(begin), *_date(end)], strict=True))
        for a, begin, end in alliances]) if alliances else None
    result = import_atop(members, alliance_file)
    assert not result.rows_rejected and not result.skipped
    directory = tmp_path / "atop"
    write_treaties(result.treaties, directory)
    return directory


def diff_of(directory: Path, treaty: str | Treaty) -> TreatyDiff:
    corpus = load_treaty(treaty) if isinstance(treaty, str) else treaty
    result = diff_directory(directory, [corpus])
    assert not result.missing
    return result.diffs[0]


def records(diff: TreatyDiff) -> list[Record]:
    return [(c.field, c.member, c.corpus, c.atop, c.note) for c in diff.disagreements]


# The built-in codings, as ATOP rows that match them (by hand, from the YAML files).
def sino_soviet(end: str | None = "1980-04-11", **flags: int) -> list[dict[str, str]]:
    """Art. 1 defence against Japan (740) and Art. 4 consultation, 1950-04-11 to ``end``."""
    flags = {"defense": 1, "defcoadv": 1, "statthr1": 740, "consul": 1, **flags}
    return [member_row(3200, m, "1950-04-11", end, **flags) for m in (365, 710)]


SINO_ALLIANCE = [(3200, "1950-02-14", "1980-04-11")]
WARSAW = (339, 355, 315, 265, 310, 290, 360, 365)
WARSAW_EXIT = {339: "1968-09-12", 265: "1990-10-02"}


def warsaw_pact(members: Sequence[int] = WARSAW) -> list[dict[str, str]]:
    """Art. 4 defence limited to Europe, Art. 3 consultation; Albania and the GDR left."""
    return [member_row(3285, m, "1955-06-05", WARSAW_EXIT.get(m, "1991-07-01"), defense=1,
                       defcoloc=1, consul=1) for m in members]


def us_rok(**us_flags: int) -> list[dict[str, str]]:
    """Art. 3 defence in the Pacific (the US's only if the ROK does not provoke), Art. 2
    consultation."""
    flags = {"defense": 1, "defcoloc": 1, "consul": 1}
    return [member_row(3240, 2, "1954-11-17", **{**flags, "defconpr": 1, **us_flags}),
            member_row(3240, 732, "1954-11-17", **flags)]


def triple_alliance(**flags: int) -> list[dict[str, str]]:
    """Art. 2 against France (220) and Art. 3 against two great powers, both unless
    provoked; Art. 4 neutrality; Art. 5 consultation."""
    flags = {"defense": 1, "defcoadv": 1, "statthr1": 220, "defconpr": 1, "defconum": 1,
             "neutral": 1, "consul": 1, **flags}
    return [member_row(1350, m, "1882-05-20", "1915-05-04", **flags) for m in (255, 300, 325)]


def anglo_japanese() -> list[dict[str, str]]:
    """Three phases: 1902 (neutrality, defence against two powers in the Far East), 1905 and
    1911 (defence unless provoked, Far East and India); consultation throughout."""
    phases = [("1902-01-30", "1905-08-12", {"neutral": 1, "neucoloc": 1, "defconum": 1}),
              ("1905-08-12", "1911-07-13", {"defconpr": 1}),
              ("1911-07-13", "1923-08-17", {"defconpr": 1})]
    return [member_row(1415, m, entry, exit_, phase=k, defense=1, defcoloc=1, consul=1,
                       concoloc=1, **extra)
            for k, (entry, exit_, extra) in enumerate(phases, start=1) for m in (200, 740)]


SEATO = (2, 200, 220, 900, 920, 840, 800, 770)


def seato() -> list[dict[str, str]]:
    """Art. IV(1) defence in the treaty area, the US's against communist aggression only
    (ATOP: an adversary condition without a threat state); Pakistan left in 1973."""
    return [member_row(3260, m, "1955-02-19", "1973-11-08" if m == 770 else None, defense=1,
                       defcoloc=1, consul=1, concoloc=1, defcoadv=int(m == 2)) for m in SEATO]


# ------------------------------------------------------------------ (a) the fixture
def test_fixture_sino_soviet_differs_only_in_its_end(tmp_path: Path) -> None:
    result = import_atop(MEMBERS, ALLIANCES)
    write_treaties(result.treaties, tmp_path)
    diff = diff_of(tmp_path, "sino-soviet-1950")
    assert records(diff) == [("end", None, "1980-04-11", "1979-04-11",
                              "ATOP's date is 366 days earlier")]
    assert diff.caveats == ()
    # parties 2, signed, end, then per member joined, left, types and 9 defence checks
    assert len(diff.checks) == 2 + 1 + 1 + 2 * (3 + 9)


def test_fixture_lists_every_other_builtin_as_not_in_dir(tmp_path: Path) -> None:
    result = import_atop(MEMBERS, ALLIANCES)
    write_treaties(result.treaties, tmp_path)
    diff = diff_directory(tmp_path, atop_treaties(None))
    with_atopid = {t.id for t in builtin_treaties() if t.atopid is not None}
    assert [d.treaty for d in diff.diffs] == ["sino-soviet-1950"]
    assert {m.treaty for m in diff.missing} == with_atopid - {"sino-soviet-1950"}
    assert len(diff.missing) == 14
    assert [c.field for c in diff.disagreements] == ["end"]


# ------------------------------------------------------------------ (b) each rule
def test_a_member_in_atop_only(tmp_path: Path) -> None:
    rows = [*sino_soviet(), member_row(3200, 731, "1950-04-11", "1980-04-11", defense=1,
                                       defcoadv=1, statthr1=740, consul=1)]
    diff = diff_of(import_rows(tmp_path, rows, SINO_ALLIANCE), "sino-soviet-1950")
    assert records(diff) == [("parties", 731, "not a party", "party", "a party in ATOP only")]


def test_a_member_in_the_corpus_only(tmp_path: Path) -> None:
    directory = import_rows(tmp_path, warsaw_pact([m for m in WARSAW if m != 360]),
                            [(3285, "1955-05-14", "1991-07-01")])
    assert records(diff_of(directory, "warsaw-pact-1955")) == [
        ("parties", 360, "party", "not a party", "a party in the corpus only")]


def test_an_obligation_type_in_atop_only(tmp_path: Path) -> None:
    diff = diff_of(import_rows(tmp_path, sino_soviet(nonagg=1), SINO_ALLIANCE),
                   "sino-soviet-1950")
    assert records(diff) == [
        ("types", m, "defense, consultation", "defense, non_aggression, consultation",
         "only in ATOP: non_aggression") for m in (365, 710)]


def test_an_obligation_type_in_the_corpus_only(tmp_path: Path) -> None:
    diff = diff_of(import_rows(tmp_path, sino_soviet(consul=0), SINO_ALLIANCE),
                   "sino-soviet-1950")
    assert records(diff) == [("types", m, "defense, consultation", "defense",
                              "only in the corpus: consultation") for m in (365, 710)]


def test_non_provocation_in_atop_only(tmp_path: Path) -> None:
    diff = diff_of(import_rows(tmp_path, sino_soviet(defconpr=1), SINO_ALLIANCE),
                   "sino-soviet-1950")
    assert records(diff) == [("defense.non_provocation", m, "none", "non-provocation",
                              ATOP_ONLY) for m in (365, 710)]


def test_non_provocation_in_the_corpus_only(tmp_path: Path) -> None:
    directory = import_rows(tmp_path, us_rok(defconpr=0), [(3240, "1953-10-01", None)])
    assert records(diff_of(directory, "us-rok-1953")) == [
        ("defense.non_provocation", 2, "non-provocation", "none", CORPUS_ONLY)]


def test_a_location_flag_without_a_corpus_geography(tmp_path: Path) -> None:
    diff = diff_of(import_rows(tmp_path, sino_soviet(defcoloc=1), SINO_ALLIANCE),
                   "sino-soviet-1950")
    assert records(diff) == [("defense.geography", m, "none", NOT_RECORDED_TEXT, ATOP_ONLY)
                             for m in (365, 710)]


def test_a_corpus_geography_without_a_location_flag(tmp_path: Path) -> None:
    directory = import_rows(tmp_path, us_rok(defcoloc=0), [(3240, "1953-10-01", None)])
    geography = "regions pacific-area; administered by USA (2), ROK (732)"
    assert records(diff_of(directory, "us-rok-1953")) == [
        ("defense.geography", 2, geography, "none", CORPUS_ONLY)]


def test_a_demands_flag_the_corpus_has_no_field_for(tmp_path: Path) -> None:
    diff = diff_of(import_rows(tmp_path, sino_soviet(defcodem=1), SINO_ALLIANCE),
                   "sino-soviet-1950")
    assert records(diff) == [("defense.demands", m, "none", NOT_RECORDED_TEXT, ATOP_ONLY)
                             for m in (365, 710)]


def test_a_summary_flag_alone_is_another_condition(tmp_path: Path) -> None:
    rows = sino_soviet(defcoadv=0, statthr1=0, defcon=1)
    diff = diff_of(import_rows(tmp_path, rows, SINO_ALLIANCE), "sino-soviet-1950")
    corpus = "states JPN (740); allies of JPN (740)"
    assert records(diff) == [
        record for m in (365, 710) for record in (
            ("defense.adversaries", m, corpus, "none", CORPUS_ONLY),
            ("defense.other_condition", m, "none", NOT_RECORDED_TEXT, ATOP_ONLY))]


def test_an_adversary_count_flag(tmp_path: Path) -> None:
    diff = diff_of(import_rows(tmp_path, sino_soviet(defconum=1), SINO_ALLIANCE),
                   "sino-soviet-1950")
    assert records(diff) == [("defense.min_adversaries", m, "none", NOT_RECORDED_TEXT,
                              ATOP_ONLY) for m in (365, 710)]


def test_other_threat_states(tmp_path: Path) -> None:
    diff = diff_of(import_rows(tmp_path, sino_soviet(statthr1=2), SINO_ALLIANCE),
                   "sino-soviet-1950")
    assert records(diff) == [
        ("defense.adversaries", m, "states JPN (740); allies of JPN (740)", "states USA (2)",
         "only the corpus names JPN (740); only ATOP names USA (2)") for m in (365, 710)]


def test_an_adversary_flag_without_threat_states_agrees_with_a_caveat(tmp_path: Path) -> None:
    diff = diff_of(import_rows(tmp_path, sino_soviet(statthr1=0), SINO_ALLIANCE),
                   "sino-soviet-1950")
    assert records(diff) == []
    assert [(c.field, c.member, c.note) for c in diff.caveats] == [
        ("defense.adversaries", m, "agreement on 'limited to adversaries' only: ATOP does not "
                                   "name the threat states") for m in (365, 710)]


def test_a_corpus_class_against_an_unrecorded_adversary_agrees_with_a_caveat(
        tmp_path: Path) -> None:
    diff = diff_of(import_rows(tmp_path, seato(), [(3260, "1954-09-08", None)]), "seato-1954")
    assert records(diff) == []
    assert [(c.field, c.member, c.corpus, c.atop, c.note) for c in diff.caveats] == [
        ("defense.adversaries", 2, "class communist", NOT_RECORDED_TEXT,
         "agreement on 'limited to adversaries' only: neither names states; the corpus's "
         "allies_of and class have no ATOP counterpart")]


def test_dates_in_days_with_the_unknown_day_noted(tmp_path: Path) -> None:
    rows = [member_row(3200, 365, "1950-04", "1980-04-11", defense=1, defcoadv=1,
                       statthr1=740, consul=1),
            member_row(3200, 710, "1950-04-11", "1960-03-15", defense=1, defcoadv=1,
                       statthr1=740, consul=1)]
    diff = diff_of(import_rows(tmp_path, rows, SINO_ALLIANCE), "sino-soviet-1950")
    assert records(diff) == [
        ("joined", 365, "1950-04-11", "1950-04-01", "ATOP's date is 10 days earlier"
         + UNKNOWN_DAY),
        ("left", 710, "1980-04-11", "1960-03-15", "ATOP's date is 7332 days earlier")]


def test_an_alliance_still_in_force_in_atop(tmp_path: Path) -> None:
    directory = import_rows(tmp_path, sino_soviet(end=None), [(3200, "1950-02-14", None)])
    assert records(diff_of(directory, "sino-soviet-1950")) == [
        ("end", None, "1980-04-11", "in force", "ended in the corpus, in force in ATOP")]


def test_without_the_alliance_file_atop_starts_at_the_first_entry(tmp_path: Path) -> None:
    diff = diff_of(import_rows(tmp_path, sino_soviet()), "sino-soviet-1950")
    assert records(diff) == [("signed", None, "1950-02-14", "1950-04-11",
                              "ATOP's date is 56 days later")]


def test_help_short_of_military_support(tmp_path: Path) -> None:
    directory = import_rows(tmp_path, sino_soviet(), SINO_ALLIANCE)
    corpus = load_treaty("sino-soviet-1950")
    art1, art4 = corpus.obligations
    consult_only = corpus.model_copy(update={"obligations": (
        art1.model_copy(update={"required_help": "consultation"}), art4)})
    assert records(diff_of(directory, consult_only)) == [
        ("defense.help", m, "consultation", "military_aid",
         "the corpus promises no active military support") for m in (365, 710)]


def test_a_military_duty_to_some_parties_only(tmp_path: Path) -> None:
    directory = import_rows(tmp_path, triple_alliance(defconum=0),
                            [(1350, "1882-05-20", "1915-05-04")])
    corpus = load_treaty("triple-alliance-1882")
    without_art3 = corpus.model_copy(update={"obligations": tuple(
        o for o in corpus.obligations if o.id != "art3-two-great-powers")})
    owed = {255: "ITA (325)", 300: "ITA (325)", 325: "GMY (255)"}
    assert records(diff_of(directory, without_art3)) == [
        ("defense.beneficiaries", m, owed[m], "all other parties",
         "owed to different states (ATOP: to all other members)") for m in (255, 300, 325)]


def test_treaty_diff_works_on_two_treaties_directly() -> None:
    corpus = load_treaty("sino-soviet-1950")
    diff = diff_treaty(corpus, corpus, "itself")
    assert diff.disagreements == () and diff.source == "itself"


# ------------------------------------------------------------------ (c) matching rows
MATCHING = {
    "sino-soviet-1950": (sino_soviet, SINO_ALLIANCE),
    "warsaw-pact-1955": (warsaw_pact, [(3285, "1955-05-14", "1991-07-01")]),
    "us-rok-1953": (us_rok, [(3240, "1953-10-01", None)]),
    "triple-alliance-1882": (triple_alliance, [(1350, "1882-05-20", "1915-05-04")]),
    "anglo-japanese-1902": (anglo_japanese, [(1415, "1902-01-30", "1923-08-17")]),
}


@pytest.mark.parametrize("treaty", sorted(MATCHING))
def test_rows_that_match_a_builtin_give_no_disagreement(tmp_path: Path, treaty: str) -> None:
    rows, alliances = MATCHING[treaty]
    diff = diff_of(import_rows(tmp_path, rows(), alliances), treaty)
    assert records(diff) == [] and diff.caveats == ()
    assert len(diff.checks) > 10


# ------------------------------------------------------------------ (d) the command
@pytest.fixture
def fixture_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "atop"
    write_treaties(import_atop(MEMBERS, ALLIANCES).treaties, directory)
    return directory


def test_cli_table(fixture_dir: Path) -> None:
    run = invoke("atop", "diff", fixture_dir)
    assert run.code == 0, run.stderr
    assert "ATOP's date is 366 days earlier" in run.stdout
    assert "1 treaty compared, 28 fields compared, 1 disagreement, 14 not in" in run.stdout
    assert "atop-3180.yaml" in run.stdout and "escape wording" in run.stdout


def test_cli_json(fixture_dir: Path) -> None:
    data = invoke("atop", "diff", fixture_dir, "--format", "json").json()
    assert data["disagreements"] == [{
        "treaty": "sino-soviet-1950", "atopid": 3200, "field": "end", "member": None,
        "corpus": "1980-04-11", "atop": "1979-04-11", "note": "ATOP's date is 366 days earlier"}]
    assert data["fields_compared"] == 28 and len(data["not_in_directory"]) == 14
    assert data["treaties_compared"][0]["disagreements"] == 1


def test_cli_csv_markdown_and_latex(fixture_dir: Path) -> None:
    text = invoke("atop", "diff", fixture_dir, "--format", "csv").stdout
    first, rest = text.split("\n", 1)
    assert first.startswith("# 1 treaty compared")
    assert [r["field"] for r in csv.DictReader(io.StringIO(rest))] == ["end"]
    assert "\n|---|" in invoke("atop", "diff", fixture_dir, "--format", "markdown").stdout
    assert "\\begin{tabular}" in invoke("atop", "diff", fixture_dir, "--format", "latex").stdout


def test_cli_treaties_option(fixture_dir: Path) -> None:
    data = invoke("atop", "diff", fixture_dir, "--treaties", "sino-soviet-1950,seato-1954",
                  "--format", "json").json()
    assert [t["treaty"] for t in data["treaties_compared"]] == ["sino-soviet-1950"]
    assert data["not_in_directory"] == [{"treaty": "seato-1954", "atopid": 3260,
                                         "file": "atop-3260.yaml"}]


def test_cli_output_file_is_never_overwritten_without_force(fixture_dir: Path,
                                                            tmp_path: Path) -> None:
    target = tmp_path / "diff.json"
    assert invoke("atop", "diff", fixture_dir, "-o", target).code == 0
    assert json.loads(target.read_text())["fields_compared"] == 28
    target.write_text("keep")
    assert_bad_input(invoke("atop", "diff", fixture_dir, "-o", target), "already exists")
    assert target.read_text() == "keep"
    assert invoke("atop", "diff", fixture_dir, "-o", target, "--force").code == 0
    assert json.loads(target.read_text())["fields_compared"] == 28


def test_cli_missing_directory(tmp_path: Path) -> None:
    assert_bad_input(invoke("atop", "diff", tmp_path / "nowhere"), "no such directory")


def test_cli_unknown_treaty_and_treaty_without_atopid(fixture_dir: Path) -> None:
    assert_bad_input(invoke("atop", "diff", fixture_dir, "--treaties", "no-such-treaty"),
                     "no-such-treaty")
    assert_bad_input(invoke("atop", "diff", fixture_dir, "--treaties", "russia-dprk-2024"),
                     "has no atopid")


def test_cli_broken_files_in_the_directory(fixture_dir: Path) -> None:
    (fixture_dir / "atop-3260.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    assert_bad_input(invoke("atop", "diff", fixture_dir), "atop-3260.yaml")
    (fixture_dir / "atop-3260.yaml").unlink()
    (fixture_dir / "atop-3180.yaml").write_bytes((fixture_dir / "atop-9101.yaml").read_bytes())
    assert_bad_input(invoke("atop", "diff", fixture_dir), "atop-3180.yaml",
                     "atopid: not a file written by tiedhands atop import")
    (fixture_dir / "atop-3180.yaml").unlink()
    built_in = Path(__file__).parents[1] / "treaties" / "data" / "treaties"
    (fixture_dir / "atop-3180.yaml").write_bytes(
        (built_in / "north-atlantic-1949.yaml").read_bytes())
    assert_bad_input(invoke("atop", "diff", fixture_dir), "atop-3180.yaml",
                     "evidence: not a file written by tiedhands atop import")
