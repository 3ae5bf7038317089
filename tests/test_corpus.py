"""The built-in corpus: every treaty and scenario validates and is internally sound.

Facts asserted here come from the corpus files themselves (which cite their
sources) and from the issue that defines the corpus: the 16 treaty ids, the 12
scenario ids and their coding (hostilities, dates, severities, allies).
"""

from __future__ import annotations

import datetime as dt
import json
from importlib import resources

import pytest
from typer.testing import CliRunner

from analysis.cli import app
from treaties.fields import quote_words
from treaties.load import builtin_ids, builtin_scenarios, builtin_treaties, check_files
from treaties.regions import gazetteer
from treaties.schema import TextEvidence
from treaties.states import cow_states

TREATY_IDS = {
    "sino-soviet-1950", "sino-russian-2001", "china-dprk-1961", "russia-dprk-2024",
    "north-atlantic-1949", "us-philippines-1951", "us-japan-1960", "us-rok-1953", "anzus-1951",
    "seato-1954", "warsaw-pact-1955", "franco-russian-1892", "triple-alliance-1882",
    "anglo-japanese-1902", "anglo-polish-1939", "soviet-vietnamese-1978",
}

# id: (hostilities as (attackers, targets, severity), scenario date, {ally: beneficiaries})
SCENARIOS = {
    "sino-indian-1962": ([((710,), (750,), "major_war")], "1962-10-20", {365: {710}}),
    "sino-vietnamese-1979": ([((710,), (816,), "major_war")], "1979-02-17",
                             {365: {816, 710}}),
    "us-china-nuclear-1960s": ([((2,), (710,), "nuclear")], "1964", {365: {710}}),
    "second-thomas-shoal-2024": ([((710,), (840,), "gray_zone")], "2024-06-17", {2: {840}}),
    "philippine-vessel-armed-attack": ([((710,), (840,), "armed_attack")], "2025",
                                       {2: {840}}),
    "taiwan-strait-war": ([((710,), (713,), "major_war")], "2027", {}),
    "baltic-armed-attack": ([((365,), (366,), "armed_attack")], "2026", {2: {366}}),
    "korea-dprk-attacked": ([((732, 2), (731,), "major_war")], "2026",
                            {710: {731}, 365: {731}}),
    "korea-dprk-initiates": ([((731,), (732,), "major_war")], "2026",
                             {710: {731}, 365: {731}}),
    "july-crisis-1914": ([((300,), (345,), "major_war"), ((255,), (365,), "major_war"),
                          ((255,), (220,), "major_war")], "1914",
                         {220: {365}, 325: {300, 255}}),
    "soviet-invasion-poland-1939": ([((365,), (290,), "major_war")], "1939-09-17",
                                    {200: {290}}),
    "japan-senkaku-clash": ([((710,), (740,), "limited_clash")], "2026", {2: {740}}),
}


def test_the_corpus_has_the_issued_treaties_and_scenarios() -> None:
    assert set(builtin_ids("treaty")) >= TREATY_IDS
    assert set(builtin_ids("scenario")) == set(SCENARIOS)


def test_every_builtin_file_validates_through_check() -> None:
    folder = resources.files("treaties").joinpath("data")
    for kind, sub in (("treaty", "treaties"), ("scenario", "scenarios")):
        files, problems = check_files([str(folder.joinpath(sub))], kind)
        assert files == len(builtin_ids(kind))
        assert problems == [], [p.render() for p in problems]


def test_ids_match_file_names_and_are_unique() -> None:
    assert [t.id for t in builtin_treaties()] == list(builtin_ids("treaty"))
    assert [s.id for s in builtin_scenarios()] == list(builtin_ids("scenario"))


@pytest.mark.parametrize("treaty", builtin_treaties(), ids=lambda t: t.id)
def test_treaty_files_are_sound(treaty: object) -> None:
    from treaties.schema import Treaty

    assert isinstance(treaty, Treaty)
    assert treaty.sources, "every treaty cites its sources"
    for obligation in treaty.obligations:
        texts = [e for e in obligation.evidence if isinstance(e, TextEvidence)]
        assert texts, f"{obligation.id} has no quote"
        assert all(quote_words(e.quote) <= 12 for e in texts)
        assert set(obligation.obligor) <= set(treaty.party_codes)
        for phrase in obligation.escape_wording:
            assert phrase == phrase.strip() and phrase
        if obligation.type == "consultation":
            assert obligation.required_help == "consultation", obligation.id
    for phase in treaty.phases:
        assert phase.start >= treaty.signed


def test_verified_quotes_are_the_rule() -> None:
    quotes = [e for t in builtin_treaties() for o in t.obligations for e in o.evidence
              if isinstance(e, TextEvidence)]
    verified = [e for e in quotes if e.verified]
    # At the time of writing: 106 quotes, 89 verified (see the corpus notes for the rest).
    assert len(quotes) >= 100
    assert len(verified) / len(quotes) > 0.75


@pytest.mark.parametrize("scenario_id", sorted(SCENARIOS))
def test_scenarios_are_coded_as_issued(scenario_id: str) -> None:
    scenario = next(s for s in builtin_scenarios() if s.id == scenario_id)
    hostilities, date, allies = SCENARIOS[scenario_id]
    assert [(h.attacker, h.target, h.severity) for h in scenario.hostilities] == hostilities
    assert scenario.date.isoformat().startswith(date)
    coded: dict[int, set[int]] = {}
    for analysis in scenario.allies:
        coded.setdefault(analysis.ally, set()).update(analysis.for_)
    assert coded == allies
    for hostility in scenario.hostilities:
        assert hostility.theatre in gazetteer()
        assert all(code in cow_states() for code in hostility.belligerents)
    if not scenario.hypothetical:
        assert any(h.sources for h in scenario.hostilities) or scenario.sources


def test_sino_indian_initiator_is_recorded_as_contested() -> None:
    scenario = next(s for s in builtin_scenarios() if s.id == "sino-indian-1962")
    (war,) = scenario.hostilities
    assert war.initiator == 710 and war.initiator_contested and war.initiator_note


def test_us_japan_is_asymmetric() -> None:
    treaty = next(t for t in builtin_treaties() if t.id == "us-japan-1960")
    us = [o for o in treaty.obligations if o.type == "defense" and o.obligor == (2,)]
    assert len(us) == 1 and us[0].beneficiaries == (740,)


def test_treaty_list_json_has_the_issued_fields() -> None:
    result = CliRunner().invoke(app, ["treaty", "list", "--format", "json"])
    assert result.exit_code == 0
    listed = json.loads(result.output)
    assert isinstance(listed, list) and len(listed) == len(builtin_ids("treaty"))
    for entry in listed:
        assert {"id", "name", "signed", "parties"} <= set(entry)
        assert all(isinstance(code, int) for code in entry["parties"])
    soviet = next(e for e in listed if e["id"] == "sino-soviet-1950")
    assert (soviet["signed"], soviet["parties"], soviet["atopid"]) == (
        "1950-02-14", [365, 710], 3200)


def test_cow_state_list_is_complete_v2016() -> None:
    # COW v2016: 217 states in 243 membership spells (Correlates of War Project 2017).
    states = cow_states()
    assert len(states) == 217
    assert len(states.spells) == 243
    assert states.name(2) == "United States of America"
    assert states.is_member(290, dt.date(1939, 9, 1))
    assert not states.is_member(290, dt.date(1942, 1, 1))  # Poland's spells: 1918-39, 1945-


def test_region_containment_is_acyclic_and_answers_three_ways() -> None:
    places = gazetteer()
    for tag in places.regions:
        assert places.relation(tag, "world") == "within"
    assert places.relation("taiwan-strait", "seato-treaty-area") == "outside"
    assert places.relation("taiwan-strait", "pacific-area") == "possibly_within"
    assert places.relation("baltic-states", "europe") == "within"


def test_schema_reference_page_is_current() -> None:
    # Regenerate with: python -m treaties.schema_doc > docs/reference/treaty-schema.md
    from pathlib import Path

    from treaties.schema_doc import render_schema_reference

    page = Path(__file__).resolve().parents[1] / "docs" / "reference" / "treaty-schema.md"
    assert page.read_text(encoding="utf-8") == render_schema_reference()
    assert "`DEFCOADV`" in page.read_text(encoding="utf-8")
