"""ATOP import: every row accounted for, every flag coded as documented, files that validate.

Contract, from issue #11 and the module docstring of :mod:`treaties.atop`:

* the fixture (``tests/data/atop``, hand-written in ATOP's column format) imports with
  every data row either imported, rejected with its line and reason, or in an alliance
  that could not be written (with the reason);
* each condition flag changes coverage as the table in :mod:`treaties.atop` says: named
  threats restrict the adversaries; a flag whose content ATOP does not record leaves the
  obligation ``indeterminate`` (both readings reported), never ``exempt``;
  non-provocation is decided by the scenario's initiator;
* the 4.01 and 5.1 layouts, with headers in any case, give the same treaties;
* written files validate under the treaty schema and load back unchanged.

Expected statuses come from the documented mapping and the coverage rules of
:mod:`treaties.coverage`; expected verdicts from the canonical game's threshold
a* = 6/5 at the default parameters (:mod:`analysis.parameters`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest

from analysis.verdicts import analyze
from games.errors import InputError
from treaties.atop import import_atop, imported_from_atop, load_imports, write_treaties
from treaties.atop_csv import MEMBER_USED, read_member_file
from treaties.coverage import coverage
from treaties.load import check_files
from treaties.scenario import Scenario
from treaties.schema import AtopEvidence, Treaty

FIXTURE = Path(__file__).parent / "data" / "atop"
MEMBERS, ALLIANCES, MEMBERS_401 = (FIXTURE / "members-5.1.csv", FIXTURE / "alliances-5.1.csv",
                                   FIXTURE / "members-4.01.csv")

REJECTED = {19: "member = 'abc' is not a whole number",
            20: "defense = 2 is not a flag",
            21: "leaves (1969-01-01) on or before it enters (1970-01-01)",
            22: "the row has 15 fields; the header has 45",
            23: "repeats alliance 9101, member 2, phase 1 of line 4",
            24: "moent = 13 is not a month"}


# ------------------------------------------------------------ the fixture, row by row
def test_fixture_accounts_for_every_row() -> None:
    result = import_atop(MEMBERS, ALLIANCES)
    data_lines = set(range(2, 25))  # the header is line 1; 23 data rows
    assert result.rows_read == 23
    assert {r.line: r.reason for r in result.rows_rejected}.keys() == REJECTED.keys()
    for rejected in result.rows_rejected:
        assert REJECTED[rejected.line] in rejected.reason
    assert [(s.atopid, s.lines) for s in result.skipped] == [(9106, (18,))]
    assert "only one member" in result.skipped[0].reason
    assert [t.atopid for t in result.treaties] == [3200, 9101, 9102, 9103, 9104, 9105]
    imported = {r.line for r in result.members.rows} - {18}
    assert imported | set(REJECTED) | {18} == data_lines
    assert len(imported) == 16
    # every imported row is a party of its treaty, and every flag it sets is an
    # obligation with that member's ATOP evidence
    treaties = {t.atopid: t for t in result.treaties}
    for row in result.members.rows:
        if row.atopid == 9106:
            continue
        treaty = treaties[row.atopid]
        assert row.member in treaty.party_codes
        for flag, kind in (("defense", "defense"), ("offense", "offense"),
                           ("neutral", "neutrality"), ("nonagg", "non_aggression"),
                           ("consul", "consultation")):
            owed = [o for o in treaty.obligations if o.type == kind
                    and row.member in o.obligor and o.phases == (f"phase-{row.phase}",)]
            assert bool(owed) == (row.flags[flag] != 0), (row.line, flag)  # 1 or blank
            for obligation in owed:
                members = {e.member for e in obligation.evidence if isinstance(e, AtopEvidence)}
                assert row.member in members


def test_fixture_reports_unknown_columns_blanks_and_alliance_file_problems() -> None:
    result = import_atop(MEMBERS, ALLIANCES)
    assert result.members.header.unknown == ((45, "coder"),)
    assert result.members.notes == (
        "blank defense read as not recorded (the promise may or may not be made) on line 17",)
    assert result.alliances is not None
    assert [(r.line, r.atopid) for r in result.alliances.rejected] == [(9, 9109)]
    assert result.notes == ("1 alliance of the alliance file without member rows: 9110",)


def test_written_files_validate_and_load_back_unchanged(tmp_path: Path) -> None:
    result = import_atop(MEMBERS, ALLIANCES)
    paths = write_treaties(result.treaties, tmp_path / "atop")
    assert [p.name for p in paths] == [f"atop-{t.atopid}.yaml" for t in result.treaties]
    count, problems = check_files([tmp_path / "atop"], "treaty")
    assert (count, problems) == (6, [])
    assert load_imports(tmp_path / "atop") == result.treaties
    assert all(imported_from_atop(t) for t in result.treaties)


def test_writing_refuses_existing_files_without_force(tmp_path: Path) -> None:
    treaties = import_atop(MEMBERS).treaties
    write_treaties(treaties, tmp_path)
    before = (tmp_path / "atop-3200.yaml").read_bytes()
    with pytest.raises(InputError, match="an earlier import"):
        write_treaties(treaties, tmp_path)
    write_treaties(treaties, tmp_path, force=True)
    assert (tmp_path / "atop-3200.yaml").read_bytes() == before
    (tmp_path / "plain").write_text("x")
    with pytest.raises(InputError, match="not a directory"):
        write_treaties(treaties, tmp_path / "plain")


# ------------------------------------------------------------- dates, phases, members
def test_dates_phases_and_membership_spells() -> None:
    treaties = {t.atopid: t for t in import_atop(MEMBERS, ALLIANCES).treaties}
    sino = treaties[3200]
    assert str(sino.signed) == "1950-02-14"  # the alliance file's begin date
    assert [(p.id, str(p.start), str(p.end)) for p in sino.phases] == [
        ("phase-1", "1950-04-11", "1979-04-11")]
    phased = treaties[9101]
    assert [(p.id, str(p.start), str(p.end)) for p in phased.phases] == [
        ("phase-1", "1951-08-30", "1960-01-01"), ("phase-2", "1960-01-01", "None")]
    seato_like = treaties[9105]
    pakistan = next(p for p in seato_like.parties if p.state == 770)
    assert str(pakistan.left) == "1973-11-08"
    thailand = next(p for p in seato_like.parties if p.state == 800)
    assert str(thailand.joined) == "1955-01-01"  # month and day unknown: the first
    assert "Month or day unknown in ATOP on lines 15" in (seato_like.notes or "")


def test_asymmetric_obligations_per_member_and_phase() -> None:
    treaty = {t.atopid: t for t in import_atop(MEMBERS).treaties}[9101]
    owed = {(o.phases, o.type): o.obligor for o in treaty.obligations}
    assert owed[(("phase-2",), "defense")] == (2,)
    assert owed[(("phase-2",), "consultation")] == (2, 840)
    assert owed[(("phase-1",), "defense")] == (2, 840)
    late = next(o for o in treaty.obligations if o.phases == ("phase-2",)
                and o.type == "defense")
    assert late.conditions.non_provocation and late.conditions.unrecorded == ("location",)


@pytest.mark.parametrize("layout", ["4.01", "upper-case 5.1"])
def test_layouts_and_header_case_give_the_same_treaties(layout: str, tmp_path: Path) -> None:
    reference = {t.atopid: t for t in import_atop(MEMBERS).treaties}
    if layout == "4.01":
        other = {t.atopid: t for t in import_atop(MEMBERS_401).treaties}
        assert "without a phase column" in import_atop(MEMBERS_401).layout
        assert read_member_file(MEMBERS_401).header.unknown == ()
        assert other[3200].obligations == reference[3200].obligations
        assert other[3200].parties == reference[3200].parties
        return
    lines = MEMBERS.read_text().splitlines(keepends=True)
    shouted = tmp_path / "members.csv"
    shouted.write_text(lines[0].upper() + "".join(lines[1:]))
    assert [t.model_dump(exclude={"notes"}) for t in import_atop(shouted).treaties] == [
        t.model_dump(exclude={"notes"}) for t in reference.values()]


# ----------------------------------------------------- each flag and its coverage
def member_csv(rows: Sequence[Mapping[str, object]], path: Path) -> Path:
    """A member file with every column the importer reads; unspecified flags are 0."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=MEMBER_USED, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        filled: dict[str, object] = {column: 0 for column in MEMBER_USED}
        filled.update({"moent": 1, "dayent": 1, "phase": 1, "statthr1": "", "statthr2": ""})
        filled.update(row)
        writer.writerow(filled)
    path.write_text(buffer.getvalue())
    return path


def one_alliance(tmp_path: Path, **flags: object) -> Treaty:
    """Alliance 7000: the USA (2) and the UK (200), both with the same flags, from 1990."""
    rows = [{"atopid": 7000, "member": member, "yrent": 1990, **flags} for member in (2, 200)]
    result = import_atop(member_csv(rows, tmp_path / "m.csv"))
    assert not result.rows_rejected and len(result.treaties) == 1
    return result.treaties[0]


def attack_on_britain(initiator: int = 365, severity: str = "armed_attack") -> Scenario:
    """Russia (365) attacks the UK (200) in Europe in 2000; the USA is the ally."""
    return Scenario.model_validate({
        "id": "attack-on-britain", "name": "A test attack", "date": "2000-06-01",
        "hypothetical": True,
        "hostilities": [{"attacker": [365], "target": [200], "initiator": initiator,
                         "theatre": "western-europe", "severity": severity,
                         "date": "2000-06-01"}],
        "allies": [{"ally": 2, "for": [200]}]})


# (flags, status, the clause that decides it); Russia (365) attacks and starts it.
DEFENCE_CASES: dict[str, tuple[dict[str, object], str, str | None]] = {
    "no condition": ({}, "triggered", None),
    "named threat is the attacker": ({"defcoadv": 1, "statthr1": 365}, "triggered", None),
    # ATOP names at most two threat states, never "or its allies": the list is open.
    "named threat is someone else": ({"defcoadv": 1, "statthr1": 710}, "indeterminate",
                                     "adversaries"),
    "adversary flag, no threat named": ({"defcoadv": 1}, "indeterminate", "adversaries"),
    "location": ({"defcoloc": 1}, "indeterminate", "geography"),
    "specific conflict": ({"defcocon": 1}, "indeterminate", "conflict"),
    "number of adversaries": ({"defconum": 1}, "indeterminate", "min_adversaries"),
    "demands": ({"defcodem": 1}, "indeterminate", "demands"),
    "non-provocation, attacker started it": ({"defconpr": 1}, "triggered", None),
    "summary flag only": ({"defcon": 1}, "indeterminate", "other_condition"),
    "blank location flag": ({"defcoloc": ""}, "indeterminate", "geography"),
}


@pytest.mark.parametrize("case", DEFENCE_CASES)
def test_each_defence_flag_changes_coverage_as_documented(case: str, tmp_path: Path) -> None:
    flags, status, clause = DEFENCE_CASES[case]
    treaty = one_alliance(tmp_path, defense=1, **flags)
    cover = coverage(treaty, attack_on_britain(), 2)
    assert cover.status == status
    deciding = cover.deciding
    assert deciding is not None
    found = [f.clause for f in (*deciding.exempting_clauses, *deciding.indeterminate_clauses)]
    assert found == ([] if clause is None else [clause])
    verdict = analyze(treaty, attack_on_britain(), 2, with_nash=False).verdict
    # military_aid: limited aid and staying out fall short; δ = 1 (no escape wording
    # recorded) and a = 2 ≥ a* = 6/5, so the triggered reading binds.
    assert verdict == {"triggered": "binding", "exempt": "irrelevant_exempt",
                       "indeterminate": "binding | irrelevant_exempt"}[status]


def test_non_provocation_is_decided_by_the_scenarios_initiator(tmp_path: Path) -> None:
    provoked = attack_on_britain(initiator=200)  # Russia attacks, but Britain started it
    with_flag = one_alliance(tmp_path, defense=1, defconpr=1)
    assert coverage(with_flag, provoked, 2).status == "exempt"
    assert coverage(with_flag, attack_on_britain(initiator=365), 2).status == "triggered"
    without_flag = one_alliance(tmp_path, defense=1)
    assert coverage(without_flag, provoked, 2).status == "triggered"


def test_a_defence_pledge_needs_an_armed_attack(tmp_path: Path) -> None:
    treaty = one_alliance(tmp_path, defense=1)
    assert coverage(treaty, attack_on_britain(severity="gray_zone"), 2).status == "exempt"


@pytest.mark.parametrize(("flags", "kind", "status", "clause"), [
    ({"offense": 1, "offcoloc": 1}, "offense", "indeterminate", "geography"),
    ({"offense": 1, "offcoadv": 1, "statthr1": 710}, "offense", "indeterminate",
     "adversaries"),
    ({"offense": 1, "offcoadv": 1, "statthr1": 365}, "offense", "triggered", None),
    ({"offense": "", "consul": 1}, "offense", "indeterminate", "type"),
    ({"offense": 1, "offconum": 1}, "offense", "indeterminate", "min_adversaries"),
    ({"neutral": 1, "neucoatt": 1}, "neutrality", "triggered", None),
    ({"neutral": 1, "neucocon": 1}, "neutrality", "indeterminate", "conflict"),
    ({"consul": 1, "concoreq": 1}, "consultation", "indeterminate", "request"),
    ({"consul": 1, "concoloc": 1}, "consultation", "indeterminate", "geography"),
    ({"nonagg": 1}, "non_aggression", "exempt", "type"),
])
def test_the_other_families(flags: dict[str, int], kind: str, status: str,
                            clause: str | None, tmp_path: Path) -> None:
    treaty = one_alliance(tmp_path, **flags)
    cover = coverage(treaty, attack_on_britain(), 2)
    (row,) = [o for o in cover.obligations if o.type == kind]
    assert row.status == status
    found = [f.clause for f in (*row.exempting_clauses, *row.indeterminate_clauses)]
    assert found == ([] if clause is None else [clause])


def test_neutrality_conditional_on_attack_lapses_when_the_partner_started_it(
        tmp_path: Path) -> None:
    treaty = one_alliance(tmp_path, neutral=1, neucoatt=1)
    assert coverage(treaty, attack_on_britain(initiator=200), 2).status == "exempt"


# ------------------------------------------------------------------ malformed input
@pytest.mark.parametrize(("cells", "reason"), [
    ({"atopid": ""}, "atopid is missing"),
    ({"atopid": -4}, "atopid = -4 is not a positive id"),
    ({"member": 999}, "member = 999 is not a Correlates of War state code"),
    ({"member": "2.5"}, "member = '2.5' is not a whole number"),
    ({"yrent": ""}, "yrent is missing"),
    ({"yrent": 1700}, "yrent = 1700 is not a year between 1800 and 2100"),
    ({"dayent": 32}, "dayent = 32 is not a day"),
    ({"moent": 2, "dayent": 30}, "1990-02-30 is not a calendar date"),
    ({"phase": 0}, "phase = 0 is not a phase number"),
    ({"defcoloc": "yes"}, "defcoloc = 'yes' is not a whole number"),
    ({"consul": -1}, "consul = -1 is not a flag"),
    ({"statthr1": 4242}, "statthr1 = 4242 is not a Correlates of War state code"),
    ({"defense": "nan"}, None),  # missing, read as absent
])
def test_malformed_values_reject_their_row_only(cells: dict[str, object], reason: str | None,
                                                tmp_path: Path) -> None:
    good: dict[str, object] = {"atopid": 7000, "member": 2, "yrent": 1990, "defense": 1}
    rows: list[dict[str, object]] = [good, {**good, "member": 200},
                                     {**good, "member": 220, **cells}]
    result = import_atop(member_csv(rows, tmp_path / "m.csv"))
    if reason is None:
        assert not result.rows_rejected
        return
    assert [r.line for r in result.rows_rejected] == [4]
    assert result.rows_rejected[0].reason.startswith(reason)
    assert result.treaties[0].party_codes == (2, 200)


def test_line_numbers_count_blank_lines_and_a_runaway_quote_stops_the_import(
        tmp_path: Path) -> None:
    path = member_csv([{"atopid": 7000, "member": 2, "yrent": 1990, "defense": 1},
                       {"atopid": 7000, "member": 200, "yrent": 1990, "defense": 1}],
                      tmp_path / "m.csv")
    header, first, second = path.read_text().splitlines()
    path.write_text("\n".join([header, "", first, "", second.replace(",1990,", ",1700,")])
                    + "\n")
    result = import_atop(path)
    assert [(r.line, r.reason.split(" ")[0]) for r in result.rows_rejected] == [(5, "yrent")]
    # An unbalanced quote would make the rest of the file one field: refused at its line.
    path.write_text("\n".join([header, first.replace("7000", '"7000', 1), second]) + "\n")
    with pytest.raises(InputError, match="quoted field runs over a line break") as raised:
        import_atop(path)
    assert f"{path}:2:" in str(raised.value)


@pytest.mark.parametrize(("content", "message"), [
    (b"", "the file is empty"),
    (b"atopid,member\n1,2\n", "no column yrent"),
    (b"atopid,member,yrent,MEMBER\n", "column 'member' appears twice"),
    (b"\xff\xfe atopid", "not UTF-8 text"),
    (b"atopid,member,yrent\n1,2\x00,1990\n", "NUL bytes"),
])
def test_files_that_cannot_be_read_are_refused_with_the_file_named(
        content: bytes, message: str, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message) as raised:
        import_atop(path)
    assert str(path) in str(raised.value)


def test_missing_files_and_directories_are_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        import_atop(tmp_path / "absent.csv")
    with pytest.raises(InputError, match="directory"):
        import_atop(tmp_path)
    with pytest.raises(InputError, match="no such directory"):
        load_imports(tmp_path / "absent")
    with pytest.raises(InputError, match="no atop-"):
        load_imports(tmp_path)


def test_an_alliance_without_obligations_is_not_written(tmp_path: Path) -> None:
    rows = [{"atopid": 7000, "member": m, "yrent": 1990} for m in (2, 200)]
    result = import_atop(member_csv(rows, tmp_path / "m.csv"))
    assert result.treaties == ()
    assert [(s.atopid, s.lines) for s in result.skipped] == [(7000, (2, 3))]
    assert "no obligation flag" in result.skipped[0].reason


# ------------------------------------------------------ spells, the alliance file, dates
def test_a_member_absent_from_a_middle_phase_has_two_spells(tmp_path: Path) -> None:
    """The USA is in phases 1 and 3 but not 2: not a party in phase 2."""
    spell = {"moexit": 1, "dayexit": 1}
    rows = [{"atopid": 7000, "member": 2, "yrent": 1950, "yrexit": 1955, **spell, "defense": 1},
            {"atopid": 7000, "member": 200, "yrent": 1950, "yrexit": 1955, **spell,
             "defense": 1},
            {"atopid": 7000, "member": 200, "yrent": 1955, "yrexit": 1960, **spell,
             "phase": 2, "defense": 1},
            {"atopid": 7000, "member": 20, "yrent": 1955, "yrexit": 1960, **spell,
             "phase": 2, "defense": 1},
            {"atopid": 7000, "member": 2, "yrent": 1960, "phase": 3, "defense": 1},
            {"atopid": 7000, "member": 200, "yrent": 1960, "phase": 3, "defense": 1}]
    (treaty,) = import_atop(member_csv(rows, tmp_path / "m.csv")).treaties
    usa = [(str(p.joined), str(p.left)) for p in treaty.parties if p.state == 2]
    assert usa == [("None", "1955-01-01"), ("1960-01-01", "None")]
    assert check_files([write_treaties([treaty], tmp_path / "out")[0]], "treaty")[1] == []
    assert treaty.parties_on(dt.date(1957, 1, 1)) == (200, 20)
    assert treaty.parties_on(dt.date(1965, 1, 1)) == (2, 200)
    assert "overlap" not in (treaty.notes or "")


def test_the_alliance_files_end_bounds_the_member_rows(tmp_path: Path) -> None:
    rows = [{"atopid": 7000, "member": 2, "yrent": 1950, "defense": 1},
            {"atopid": 7000, "member": 200, "yrent": 1950, "yrexit": 1970, "defense": 1},
            {"atopid": 7000, "member": 20, "yrent": 1965, "defense": 1}]
    alliances = tmp_path / "a.csv"
    alliances.write_text("atopid,begyr,begmo,begday,endyr,endmo,endday\n"
                         "7000,1951,1,1,1960,6,30\n")
    result = import_atop(member_csv(rows, tmp_path / "m.csv"), alliances)
    assert [(r.line, r.reason) for r in result.rows_rejected] == [
        (4, "the member enters (1965-01-01) on or after the alliance's end in the alliance "
            "file (1960-06-30)")]
    (treaty,) = result.treaties
    assert [str(p.end) for p in treaty.phases] == ["1960-06-30"]
    assert treaty.party_codes == (2, 200) and str(treaty.signed) == "1950-01-01"
    notes = treaty.notes or ""
    assert "after the first member entry; the earlier date is used" in notes
    assert "Exits after the alliance's end in the alliance file (or none) on lines 2, 3" in notes


@pytest.mark.parametrize(("cells", "expected"), [
    ({"yrexit": 1960}, "1960-12-31"),  # only the year: the last day it could be
    ({"yrexit": 1960, "moexit": 2}, "1960-02-29"),
    ({"yrexit": 1960, "moexit": 2, "dayexit": 3}, "1960-02-03"),
])
def test_an_exit_with_an_unknown_month_or_day_is_its_last_possible_day(
        cells: dict[str, object], expected: str, tmp_path: Path) -> None:
    rows = [{"atopid": 7000, "member": m, "yrent": 1950, "defense": 1, **cells}
            for m in (2, 200)]
    (treaty,) = import_atop(member_csv(rows, tmp_path / "m.csv")).treaties
    assert str(treaty.phases[0].end) == expected


@pytest.mark.parametrize(("cells", "reason"), [
    ({"yrexit": 0, "moexit": 6}, "yrexit = 0 (still in effect) but moexit = 6"),
    ({"phase": ""}, "phase is missing (the file has a phase column)"),
    ({"defense": "1e0"}, "defense = '1e0' is not a whole number"),
    ({"defense": "1_0"}, "defense = '1_0' is not a whole number"),
    ({"member": "\u0662"}, "member = '\u0662' is not a whole number"),
    ({"atopid": "10000000000"}, "atopid = 10000000000 is out of range"),
    ({"specthrt": -1}, "specthrt = -1 is negative"),
])
def test_more_values_that_reject_their_row(cells: dict[str, object], reason: str,
                                           tmp_path: Path) -> None:
    good: dict[str, object] = {"atopid": 7000, "member": 2, "yrent": 1990, "defense": 1}
    rows = [good, {**good, "member": 200}, {**good, "member": 220, **cells}]
    result = import_atop(member_csv(rows, tmp_path / "m.csv"))
    assert [r.line for r in result.rows_rejected] == [4]
    assert result.rows_rejected[0].reason.startswith(reason)


@pytest.mark.parametrize("missing", ["", ".", "NA", "nan"])
def test_missing_markers_leave_a_condition_unrecorded(missing: str, tmp_path: Path) -> None:
    treaty = one_alliance(tmp_path, defense=1, defcoloc=missing)
    (obligation,) = treaty.obligations
    assert obligation.conditions.unrecorded == ("location",)


def test_two_threat_states_and_the_specific_threat_go_to_the_evidence(tmp_path: Path) -> None:
    treaty = one_alliance(tmp_path, defense=1, defcoadv=1, statthr1=710, statthr2=740,
                          specthrt=1)
    (obligation,) = treaty.obligations
    assert obligation.conditions.adversaries is not None
    assert obligation.conditions.adversaries.states == (710, 740)
    assert obligation.conditions.unrecorded == ("adversaries",)  # the list is open
    evidence = obligation.evidence[0]
    assert isinstance(evidence, AtopEvidence)
    assert {k: evidence.variables[k] for k in ("statthr1", "statthr2", "specthrt")} == {
        "statthr1": 710, "statthr2": 740, "specthrt": 1}


def test_absent_columns_and_odd_threats_are_reported(tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    path.write_text("atopid,member,yrent,defense,offense,neutral,nonagg,consul,statthr1\n"
                    "7000,2,1990,1,0,0,0,0,200\n7000,200,1990,1,0,0,0,0,200\n")
    result = import_atop(path)
    assert result.notes[0].startswith("Columns not in the member file, read as missing in "
                                      "every row: moent, dayent, yrexit")
    notes = result.treaties[0].notes or ""
    assert "Line 2 names member 200 as a threat." in notes
    assert "Line 2 names threat states but no adversary condition" in notes


def test_a_latin_1_file_is_refused_at_the_line_of_the_first_bad_byte(tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    path.write_bytes(b"atopid,member,yrent,defense,offense,neutral,nonagg,consul,coder\n"
                     b"7000,2,1990,1,0,0,0,0,Ren\xe9\n")
    with pytest.raises(InputError, match=r"m\.csv:2: not UTF-8 text"):
        import_atop(path)


def test_force_replaces_an_earlier_import_and_only_imports_load(tmp_path: Path) -> None:
    write_treaties(import_atop(MEMBERS).treaties, tmp_path)
    later = import_atop(MEMBERS_401).treaties
    write_treaties(later, tmp_path, force=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["atop-3200.yaml", "atop-9201.yaml"]
    assert load_imports(tmp_path) == later
    built_in = Path(__file__).parents[1] / "treaties" / "data" / "treaties"
    (tmp_path / "atop-3200.yaml").write_text((built_in / "sino-soviet-1950.yaml").read_text())
    with pytest.raises(InputError, match="not a file written by tiedhands atop import"):
        load_imports(tmp_path)
    (tmp_path / "atop-3200.yaml").unlink()
    (tmp_path / "atop-9201.yaml").rename(tmp_path / "atop-1.yaml")
    with pytest.raises(InputError, match=r"atop-1\.yaml: atopid: not a file written"):
        load_imports(tmp_path)


def test_an_unwritable_directory_is_refused_without_a_traceback(tmp_path: Path) -> None:
    treaties = import_atop(MEMBERS).treaties
    (tmp_path / "file").write_text("x")
    with pytest.raises(InputError, match="cannot write there"):
        write_treaties(treaties, tmp_path / "file" / "sub")
    (tmp_path / "dangling").symlink_to(tmp_path / "nowhere")
    with pytest.raises(InputError):
        write_treaties(treaties, tmp_path / "dangling")
    with pytest.raises(InputError, match="no directory given"):
        write_treaties(treaties, "")


def test_a_runaway_quote_in_a_large_file_is_refused_at_its_line(tmp_path: Path) -> None:
    """Past 128 KiB, Python's csv module gives up with a field-size error far below the
    quote; the import names the line where the quoted field starts."""
    rows = [{"atopid": 7000 + k // 2, "member": (2, 200)[k % 2], "yrent": 1990, "defense": 1}
            for k in range(3000)]
    path = member_csv(rows, tmp_path / "m.csv")
    lines = path.read_text().splitlines()
    lines[4] = lines[4].replace(",1990,", ',"1990,', 1)
    path.write_text("\n".join(lines) + "\n")
    assert path.stat().st_size > 131072
    with pytest.raises(InputError, match=r"m\.csv:5: a quoted field runs on"):
        import_atop(path)
