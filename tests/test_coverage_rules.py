"""Each coverage rule on a small invented treaty, one clause at a time.

The treaty binds the United States (2) to the United Kingdom (200) and France
(220); the crises are invented.  Every expected status follows from the rule
table in ``treaties/coverage.py``'s docstring, which the comments restate.
"""

from __future__ import annotations

from typing import Any

from treaties.coverage import Coverage, coverage
from treaties.scenario import Scenario
from treaties.schema import Treaty


def treaty(conditions: dict[str, Any] | None = None, **obligation: Any) -> Treaty:
    return Treaty.model_validate({
        "id": "pact", "name": "Pact", "signed": "1950-01-01", "parties": [2, 200, 220],
        "sources": [{"citation": "invented"}],
        "phases": [{"id": "main", "start": "1950-01-01"}],
        "obligations": [{
            "id": "def", "obligor": [2, 200, 220], "type": "defense",
            "required_help": "all_means", "conditions": conditions or {},
            "evidence": [{"article": "Art. 1", "quote": "shall assist",
                          "source_url": "https://example.org", "verified": False}],
            **obligation}],
    })


def crisis(attacker: list[int], target: list[int], initiator: int, *,
           contested: bool = False, **scenario: Any) -> Scenario:
    return Scenario.model_validate({
        "id": "crisis", "name": "Crisis", "date": "2000-01-01",
        "hostilities": [{"attacker": attacker, "target": target, "initiator": initiator,
                         "initiator_contested": contested, "theatre": "europe",
                         "severity": "major_war", "date": "2000-01-01"}],
        **scenario})


def status(result: Coverage, beneficiary: int) -> str:
    (row,) = [r for r in result.obligations if r.beneficiary == beneficiary]
    return row.status


def test_non_provocation_is_about_the_beneficiary_not_its_side() -> None:
    # France (220) started it, the UK (200) fought beside it: the UK did not provoke.
    result = coverage(treaty({"non_provocation": True}), crisis([365], [200, 220], 220), 2, [200])
    assert status(result, 200) == "triggered"
    assert status(coverage(treaty({"non_provocation": True}), crisis([365], [200, 220], 220),
                           2, [220]), 220) == "exempt"


def test_a_contested_record_leaves_non_provocation_open_whoever_is_recorded() -> None:
    result = coverage(treaty({"non_provocation": True}),
                      crisis([365], [200], 365, contested=True), 2, [200])
    assert status(result, 200) == "indeterminate"
    (row,) = result.obligations
    assert [f.clause for f in row.indeterminate_clauses] == ["non_provocation"]


def test_striking_first_after_the_other_side_started_it_is_open() -> None:
    # The UK attacked Russia, but Russia is recorded as starting the hostilities.
    result = coverage(treaty(), crisis([200], [365], 365), 2, [200])
    assert status(result, 200) == "indeterminate"
    (row,) = result.obligations
    assert row.indeterminate_clauses[0].reason == (
        "Whether United Kingdom was attacked is open: it struck Russia, but Russia is recorded "
        "as having started the hostilities.")
    assert status(coverage(treaty(), crisis([200], [365], 200), 2, [200]), 200) == "exempt"


def test_a_class_the_scenario_does_not_settle_is_open() -> None:
    named = {"adversaries": {"class": "communist"}}
    listed = [{"class": "communist", "states": [710], "excluded": [2]}]
    open_ = coverage(treaty(named), crisis([731], [200], 731, classifications=listed), 2, [200])
    assert status(open_, 200) == "indeterminate"
    member = coverage(treaty(named), crisis([710], [200], 710, classifications=listed), 2,
                      [200])
    assert status(member, 200) == "triggered"
    outside = [{"class": "communist", "states": [710], "excluded": [731]}]
    assert status(coverage(treaty(named), crisis([731], [200], 731, classifications=outside),
                           2, [200]), 200) == "exempt"


def test_an_ally_fighting_the_beneficiary_owes_it_nothing() -> None:
    result = coverage(treaty(), crisis([2], [200], 2), 2, [200])
    (row,) = result.obligations
    assert row.status == "not_applicable"
    assert row.reason == "United States of America is itself fighting United Kingdom."


def test_an_interpretation_binds_only_the_state_that_made_it() -> None:
    # A US statement reads the Baltic states into a Western-Europe-only pledge: it widens
    # the US duty, not the British one.
    widened = treaty({"geography": {"regions": ["western-europe"]}}, interpretations=[{
        "date": "1990-01-01", "by": 2, "effect": "widen",
        "conditions": {"geography": {"regions": ["western-europe", "baltic-states"]}},
        "summary": "An invented statement.",
        "evidence": {"article": "Art. 1", "quote": "invented", "source_url": "https://e.org",
                     "verified": False}}])
    scenario = Scenario.model_validate({
        "id": "c", "name": "C", "date": "2000-01-01", "hostilities": [{
            "attacker": [365], "target": [220], "initiator": 365, "theatre": "baltic-states",
            "severity": "major_war", "date": "2000-01-01"}]})
    assert status(coverage(widened, scenario, 2, [220]), 220) == "triggered"
    assert status(coverage(widened, scenario, 200, [220]), 220) == "exempt"


def test_min_adversaries_counts_every_state_fighting_the_beneficiary_so_far() -> None:
    pact = treaty({"min_adversaries": 2})
    two = Scenario.model_validate({
        "id": "c", "name": "C", "date": "2000-02-01", "hostilities": [
            {"attacker": [365], "target": [200], "initiator": 365, "theatre": "europe",
             "severity": "major_war", "date": "2000-01-01"},
            {"attacker": [255], "target": [200], "initiator": 255, "theatre": "europe",
             "severity": "major_war", "date": "2000-02-01"}]})
    result = coverage(pact, two, 2, [200])
    assert status(result, 200) == "triggered"  # by the second attack, two adversaries
    (row,) = result.obligations
    assert "hostility 2" in row.reason
