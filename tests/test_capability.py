"""Cooperation profiles, the capability rules, and what a profile changes in a scenario."""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from fractions import Fraction
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.capability import (
    capability_effects,
    scenario_roles,
    shifted,
    shifted_arrays,
    theatre_rule,
)
from analysis.capability_rules import (
    CapabilityRules,
    builtin_capability_rules,
    load_capability_rules,
    load_rules,
)
from analysis.rules import builtin_rulebook
from games.errors import InputError
from treaties.cooperation import CHANNELS, CooperationProfile
from treaties.load import builtin_ids, builtin_profiles, check_files, load_profile, load_scenario
from treaties.states import cow_states

PROFILES = ("nato", "russia-china-2020s", "russia-dprk", "us-japan", "us-philippines")
SOURCE = [{"citation": "Test fixture.", "url": "https://example.org/fixture"}]


def entry(**fields: Any) -> dict[str, Any]:
    return {"id": "one", "what": "test", "supplier": 365, "recipient": 710,
            "channel": "materiel_transfer", "capabilities": ["air"], "start": "2010-01-01",
            "sources": SOURCE, **fields}


def profile(*entries: dict[str, Any], partners: tuple[int, ...] = (365, 710)
            ) -> CooperationProfile:
    return CooperationProfile.model_validate(
        {"id": "test", "name": "Test", "partners": list(partners), "entries": list(entries)})


# ------------------------------------------------------------------ profiles
def test_the_built_in_profiles_load_and_validate() -> None:
    assert builtin_ids("profile") == PROFILES
    folder = resources.files("treaties").joinpath("data", "profiles")
    files, problems = check_files([str(folder)], "profile")
    assert (files, problems) == (5, [])
    for cooperation in builtin_profiles():
        assert len(cooperation.entries) >= 5
        for item in cooperation.entries:
            assert item.sources and all(s.url for s in item.sources), item.id
            assert item.start <= dt.date.today()  # facts, not forecasts
            assert {item.supplier, item.recipient} <= set(cooperation.partners)
            assert all(code in cow_states() for code in item.recipients)


def test_russia_china_codes_what_the_issue_names() -> None:
    """Engines, aspiration-only submarine propulsion, exercises and patrols, and intelligence
    help that is limited — as the issue lists them."""
    entries = {e.id: e for e in load_profile("russia-china-2020s").entries}
    assert entries["rd-93-engines"].channel == "materiel_transfer"
    assert entries["submarine-technology"].status == "aspiration"
    assert "undersea" in entries["submarine-technology"].capabilities
    assert {e.channel for e in entries.values()} == set(CHANNELS)
    assert entries["missile-early-warning-help"].status == "limited"
    assert any(e.mutual and e.channel == "joint_exercises" for e in entries.values())


@pytest.mark.parametrize(("fields", "message"), [
    ({"channel": "arms_sales"}, "channel"),
    ({"recipient": 365}, "supplier is also the recipient"),
    ({"recipient": 2}, "is not a partner"),
    ({"end": "2009-01-01"}, "ends before it starts"),
    ({"capabilities": []}, "capabilities"),
    ({"capabilities": ["air", "air"]}, "listed twice"),
    ({"status": "rumoured"}, "status"),
    ({"start": "2010-02-30"}, "not a date"),
    ({"supplier": 9999}, "not a Correlates of War state code"),
    ({"sources": []}, "sources"),
])
def test_bad_profile_entries_are_refused_with_their_field(
        tmp_path: Path, fields: dict[str, Any], message: str) -> None:
    document = {"id": "test", "name": "Test", "partners": [365, 710],
                "entries": [entry(**fields)]}
    import yaml

    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    with pytest.raises(InputError) as raised:
        load_profile(str(path))
    rendered = raised.value.render()
    assert message in rendered and re.match(rf"{re.escape(str(path))}:\d+: entries\[0\]\.",
                                            rendered)


def test_duplicate_entry_ids_are_refused(tmp_path: Path) -> None:
    import yaml

    path = tmp_path / "twice.yaml"
    path.write_text(yaml.safe_dump({"id": "test", "name": "Test", "partners": [365, 710],
                                    "entries": [entry(), copy.deepcopy(entry())]}))
    with pytest.raises(InputError, match="duplicate id 'one'"):
        load_profile(str(path))


def test_unknown_profile_id_lists_the_built_in_ones() -> None:
    with pytest.raises(InputError) as raised:
        load_profile("russia-china")
    assert "russia-china-2020s" in raised.value.render()


# --------------------------------------------------------------------- rules
def test_every_built_in_magnitude_is_flagged_as_an_assumption() -> None:
    rules = builtin_capability_rules()
    magnitudes = [*rules.roles, *rules.capabilities, *rules.channels, *rules.statuses,
                  *rules.theatres, *rules.countermeasures]
    assert magnitudes and all(r.assumption for r in magnitudes)
    assert set(rules.assumptions()) == {r.id for r in magnitudes}
    assert all(r.why and r.source for r in rules.all_rules())


def test_a_user_file_replaces_rules_by_id_and_adds_countermeasures(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(
        "capabilities:\n"
        "  - {id: capability-air, capability: air, shift: 0.1, assumption: true,\n"
        "     why: mine, source: mine}\n"
        "countermeasures:\n"
        "  - {id: counter-air, channel: materiel_transfer, capabilities: [air],\n"
        "     against: challenger, offset: 0.5, assumption: true, why: mine, source: mine}\n"
        "escape:\n"
        "  - {id: escape-constitutional-processes, phrase: constitutional processes,\n"
        "     delta: 1, why: mine, source: mine}\n")
    rulebook, rules = load_rules(str(path))
    assert rules.shift("air").shift == 0.1
    assert [m.id for m in rules.countermeasures] == ["counter-air"]
    assert rules.fingerprint() != builtin_capability_rules().fingerprint()
    assert next(e for e in rulebook.escape
                if e.id == "escape-constitutional-processes").delta == 1
    assert rulebook.fingerprint() != builtin_rulebook().fingerprint()
    with pytest.raises(InputError, match="unknown field 'escape'"):
        load_capability_rules(str(path))  # capability rules only


@pytest.mark.parametrize(("text", "message"), [
    ("roles:\n  - {id: role-extra, role: ally, moves: {p_I: -1}, assumption: false,\n"
     "     why: x, source: x}\n", ":2: roles[0].role: rule 'role-extra' covers the role "
     "'ally', as rule 'role-ally' does"),
    ("capabilities:\n  - {id: capability-air, capability: air, shift: 2, assumption: true,\n"
     "     why: x, source: x}\n", "less than or equal to 1"),
    ("capabilities:\n  - {id: capability-air, capability: air, shift: .nan, "
     "assumption: true,\n     why: x, source: x}\n", "finite"),
    ("countermeasures:\n  - {id: c, channel: joint_exercises, offset: 1.5, assumption: true,"
     "\n     why: x, source: x}\n", "less than or equal to 1"),
    ("theatres:\n  - {id: t, regions: [atlantis], assumption: true, why: x, source: x}\n",
     "not a known region"),
    ("theatres:\n  - {id: t, regions: [world], assumption: true, why: x, source: x}\n",
     ":2: theatres[0].regions[0]: region 'world' is already listed by theatre rule "
     "'theatre-anywhere'"),
    ("weights: {}\n", "unknown section 'weights'"),
    ("- just a list\n", "not a mapping"),
    ("capabilities: [\n", "malformed YAML"),
    ("countermeasures:\n  - {id: c1, channel: joint_exercises, offset: 0.5, assumption: true,"
     "\n     why: x, source: x}\n  - {id: c1, channel: intelligence_sharing, offset: 0.5,"
     "\n     assumption: true, why: x, source: x}\n",
     ":4: countermeasures[1].id: rule id 'c1' is repeated"),
    ("roles:\n  - {id: role-ally, role: ally, moves: {p_I: '-1'}, assumption: true,\n"
     "     why: x, source: x}\n", "roles[0].moves.p_I"),
    ("theatres:\n  - {id: t, regions: [india], weights: {air: true}, assumption: true,\n"
     "     why: x, source: x}\n", "theatres[0].weights.air"),
    ("countermeasures:\n  - {id: c, channel: joint_exercises, capabilities: [air, air],\n"
     "     offset: 0.5, assumption: true, why: x, source: x}\n", "listed twice"),
])
def test_bad_rules_files_are_refused(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(text)
    with pytest.raises(InputError) as raised:
        load_rules(str(path))
    assert message in raised.value.render() and str(path) in raised.value.render()


def test_the_narrowest_theatre_rule_wins() -> None:
    rules = builtin_capability_rules()
    assert theatre_rule(rules, "south-china-sea").id == "theatre-anywhere"
    assert theatre_rule(rules, "sino-indian-border").id == "theatre-land-border"
    assert theatre_rule(rules, "baltic-states").id == "theatre-land-border"  # in eastern-europe
    narrower = CapabilityRules.model_validate({**rules.model_dump(), "theatres": [
        *(t.model_dump() for t in rules.theatres),
        {"id": "theatre-baltic", "regions": ["baltic-states"], "weights": {"air": 2},
         "assumption": True, "why": "x", "source": "x"}]})
    assert theatre_rule(narrower, "baltic-states").id == "theatre-baltic"
    assert theatre_rule(narrower, "poland").id == "theatre-land-border"


# ------------------------------------------------------------------- effects
def test_roles_follow_the_scenario() -> None:
    scenario = load_scenario("korea-dprk-initiates")
    roles = scenario_roles(scenario, 710)
    assert roles.proteges == (731,) and roles.role(731) == "protege"
    assert roles.role(710) == "ally" and roles.role(365) is None
    assert all(roles.role(s) == "challenger" for s in roles.challengers)
    no_allies = scenario_roles(load_scenario("taiwan-strait-war"))
    assert (no_allies.ally, no_allies.proteges, no_allies.challengers) == (None, (713,), (710,))
    # 1979: the USSR is analysed for Vietnam (1978 treaty) and for China (1950 treaty); the
    # treaty's parties pick the protégé, and without a treaty the first listed side is taken.
    war = load_scenario("sino-vietnamese-1979")
    assert scenario_roles(war, 365, parties=(365, 710)).proteges == (710,)
    assert scenario_roles(war, 365, parties=(365, 710)).challengers == (816,)
    assert scenario_roles(war, 365, parties=(365, 816)).proteges == (816,)
    assert scenario_roles(war, 365).proteges == (816,)
    with pytest.raises(InputError, match="the ally 365 fights its protégé 366"):
        scenario_roles(load_scenario("baltic-armed-attack"), 365)
    with pytest.raises(InputError, match="no hostility involves 2"):
        scenario_roles(war, 365, [2])
    senkaku = load_scenario("japan-senkaku-clash")
    with pytest.raises(InputError, match="the ally 740 is also a protégé"):
        scenario_roles(senkaku, 740, [740])
    with pytest.raises(InputError, match="fight each other"):
        scenario_roles(senkaku, 2, [740, 710])
    with pytest.raises(InputError, match="the ally 2 fights its protégé 731"):
        scenario_roles(load_scenario("korea-dprk-attacked"), 2, [731])


def test_each_entry_is_counted_by_role_with_its_factors() -> None:
    """Two transfers of the same capability count once (the larger status weight); a mutual
    exercise reaches both sides; an aspiration counts zero; a countermeasure offsets its
    channel and capability only."""
    scenario = load_scenario("philippine-vessel-armed-attack")  # 710 attacks 840; ally 2
    cooperation = profile(
        entry(id="a", supplier=365, recipient=710, capabilities=["air"], status="limited"),
        entry(id="b", supplier=365, recipient=710, capabilities=["air", "strike"]),
        entry(id="c", supplier=2, recipient=840, channel="joint_exercises", mutual=True,
              capabilities=["command"]),
        entry(id="d", supplier=365, recipient=710, capabilities=["undersea"],
              status="aspiration"),
        entry(id="e", supplier=2, recipient=840, channel="intelligence_sharing",
              capabilities=["information"], start="2030-01-01"),
        partners=(2, 365, 710, 840))
    base = builtin_capability_rules()
    counter = {"id": "counter", "channel": "materiel_transfer", "capabilities": ["strike"],
               "against": "challenger", "offset": 0.5, "assumption": True, "why": "x",
               "source": "x"}
    rules = CapabilityRules.model_validate({**base.model_dump(), "countermeasures": [
        counter, {**counter, "id": "counter-2", "offset": 0.5}]})
    effects = capability_effects(cooperation, scenario, rules, scenario_roles(scenario, 2))
    by_key = {(c.channel, c.role, c.capability): c for c in effects.contributions}
    air = by_key[("materiel_transfer", "challenger", "air")]
    assert air.entries == ("a", "b") and air.status_weight == 1
    strike = by_key[("materiel_transfer", "challenger", "strike")]
    assert strike.offset == Fraction(3, 4)  # 1 − (1 − ½)(1 − ½)
    assert by_key[("materiel_transfer", "challenger", "undersea")].size == 0
    # shifts: air 3/100 + strike 3/100 · ¼ = 15/400 to every p
    assert effects.shifts("materiel_transfer") == dict.fromkeys(("p_I", "p_L", "p_S"),
                                                                Fraction(3, 80))
    # command 2/100 · ½: the ally lowers p_I, p_L; the protégé lowers p_S
    assert effects.shifts("joint_exercises") == {"p_I": Fraction(-1, 100),
                                                 "p_L": Fraction(-1, 100),
                                                 "p_S": Fraction(-1, 100)}
    assert [s.entry for s in effects.skipped] == ["e"]
    assert effects.channels == ("materiel_transfer", "joint_exercises")
    assert "counter" in effects.rules_used() and "status-aspiration" in effects.rules_used()


def test_clipping_keeps_the_probabilities_in_order() -> None:
    scenario = load_scenario("korea-dprk-attacked")
    cooperation = profile(entry(supplier=365, recipient=731, capabilities=["air"]),
                          partners=(365, 731))
    rules = CapabilityRules.model_validate({**builtin_capability_rules().model_dump(),
                                            "capabilities": [
        {**c.model_dump(), "shift": 0.5 if c.capability == "air" else c.shift}
        for c in builtin_capability_rules().capabilities]})
    effects = capability_effects(cooperation, scenario, rules, scenario_roles(scenario, 710))
    values = {"p_I": Fraction(1, 10), "p_L": Fraction(2, 5), "p_S": Fraction(3, 5)}
    moved, clipped = shifted(values, [effects.shifts("materiel_transfer")])
    assert clipped and (moved["p_I"], moved["p_L"], moved["p_S"]) == (
        Fraction(1, 10), Fraction(2, 5), Fraction(2, 5))
    unmoved, none = shifted(values, [])
    assert unmoved == values and not none
    arrays, bound = shifted_arrays({k: np.array([float(v), float(v)]) for k, v in
                                    values.items()}, [effects.shifts("materiel_transfer")])
    assert bound.tolist() == [True, True] and arrays["p_S"].tolist() == [0.4, 0.4]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(0, 1), min_size=3, max_size=3).map(sorted),
       st.floats(0, 1), st.sampled_from(["challenger", "ally", "protege"]))
def test_the_array_shift_equals_the_exact_shift(p: list[float], shift: float,
                                                role: str) -> None:
    scenario = load_scenario("korea-dprk-attacked")  # 710 ally of 731; 732 and 2 attack
    recipient = {"challenger": 732, "ally": 710, "protege": 731}[role]
    cooperation = profile(entry(supplier=365, recipient=recipient, capabilities=["air"]),
                          partners=(365, recipient))
    base = builtin_capability_rules()
    rules = CapabilityRules.model_validate({**base.model_dump(), "capabilities": [
        {**c.model_dump(), "shift": shift if c.capability == "air" else c.shift}
        for c in base.capabilities]})
    effects = capability_effects(cooperation, scenario, rules, scenario_roles(scenario, 710))
    values = {"p_I": Fraction(p[0]), "p_L": Fraction(p[1]), "p_S": Fraction(p[2])}
    exact, _ = shifted(values, [effects.shifts(c) for c in effects.channels])
    arrays, bound = shifted_arrays({k: np.array([float(v)]) for k, v in values.items()},
                                   [effects.shifts(c) for c in effects.channels])
    for name in values:
        assert arrays[name][0] == pytest.approx(float(exact[name]), abs=1e-15)
    assert exact["p_I"] <= exact["p_L"] <= exact["p_S"]
    assert all(0 <= exact[name] <= 1 for name in values)
    del bound  # floats can round across a bound; the flag is checked exactly elsewhere


# ------------------------------------------------------------- profile commands
def test_profile_list_show_and_check(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from analysis.cli import app

    runner = CliRunner()
    listed = runner.invoke(app, ["profile", "list", "--format", "json"])
    assert listed.exit_code == 0
    assert [p["id"] for p in json.loads(listed.stdout)] == list(PROFILES)
    shown = runner.invoke(app, ["profile", "show", "russia-china-2020s", "--format", "json"])
    assert shown.exit_code == 0
    assert json.loads(shown.stdout) == load_profile("russia-china-2020s").model_dump(
        mode="json", by_alias=True)
    assert runner.invoke(app, ["profile", "check", "treaties/data/profiles"]).exit_code == 0
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: bad\nname: Bad\npartners: [365, 710]\nentries:\n  - id: x\n"
                   "    what: y\n    supplier: 365\n    recipient: 365\n"
                   "    channel: joint_exercises\n    capabilities: [air]\n"
                   "    start: 2020-01-01\n    sources: [{citation: c}]\n")
    checked = runner.invoke(app, ["profile", "check", str(bad)])
    assert checked.exit_code == 2
    assert f"{bad}:8: entries[0].recipient: the supplier is also the recipient" in \
        checked.stdout
    missing = runner.invoke(app, ["profile", "show", "no-such-profile"])
    assert missing.exit_code == 2 and "no built-in profile 'no-such-profile'" in missing.stderr
