"""Properties of casus-foederis coverage on random treaties and scenarios.

The rules (``treaties.coverage``) imply laws that hold for every treaty and
crisis, whatever the corpus says:

* a status is explained: exempt exactly when an exempting clause is reported,
  indeterminate exactly when only open clauses are, triggered when neither;
* a condition can only restrict: deleting one never weakens the status;
* a graver crisis can only bind more: raising every severity never weakens it;
* the order in which hostilities are listed does not matter;
* the overall status is the strongest military obligation's, when one applies.
"""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.strategies import SEVERITY_LEVELS, scenario_documents, treaty_documents
from treaties.coverage import STATUS_STRENGTH, Coverage, coverage
from treaties.scenario import Scenario
from treaties.schema import Treaty

CONDITION_NAMES = ("non_provocation", "adversaries", "geography", "threshold", "objects",
                   "min_adversaries")


def run(treaty: dict[str, Any], scenario: dict[str, Any]) -> Coverage:
    return coverage(Treaty.model_validate(treaty), Scenario.model_validate(scenario), 2)


def strengths(result: Coverage) -> list[int]:
    return [STATUS_STRENGTH[row.status] for row in result.obligations]


@settings(max_examples=300, deadline=None)
@given(treaty_documents(), scenario_documents())
def test_every_status_is_explained(treaty: dict[str, Any], scenario: dict[str, Any]) -> None:
    result = run(treaty, scenario)
    for row in result.obligations:
        if row.status == "exempt":
            assert row.exempting_clauses
        elif row.status == "indeterminate":
            assert not row.exempting_clauses and row.indeterminate_clauses
            assert all(len(f.readings) == 2 for f in row.indeterminate_clauses)
        else:
            assert not row.exempting_clauses and not row.indeterminate_clauses
            assert row.reason
        for finding in row.exempting_clauses + row.indeterminate_clauses:
            assert finding.reason.endswith(".")


@settings(max_examples=300, deadline=None)
@given(treaty_documents(), scenario_documents(), st.data())
def test_deleting_a_condition_never_weakens_the_status(
        treaty: dict[str, Any], scenario: dict[str, Any], data: st.DataObject) -> None:
    before = strengths(run(treaty, scenario))
    looser = copy.deepcopy(treaty)
    obligation = data.draw(st.sampled_from(looser["obligations"]))
    present = [name for name in CONDITION_NAMES if name in obligation["conditions"]]
    if not present:
        return
    del obligation["conditions"][data.draw(st.sampled_from(present))]
    after = strengths(run(looser, scenario))
    assert all(b <= a for b, a in zip(before, after, strict=True)), (before, after)


@settings(max_examples=300, deadline=None)
@given(treaty_documents(), scenario_documents(), st.integers(1, 4))
def test_a_graver_crisis_never_weakens_the_status(
        treaty: dict[str, Any], scenario: dict[str, Any], steps: int) -> None:
    before = strengths(run(treaty, scenario))
    graver = copy.deepcopy(scenario)
    for hostility in graver["hostilities"]:
        level = SEVERITY_LEVELS.index(hostility["severity"])
        hostility["severity"] = SEVERITY_LEVELS[min(level + steps, len(SEVERITY_LEVELS) - 1)]
    after = strengths(run(treaty, graver))
    assert all(b <= a for b, a in zip(before, after, strict=True)), (before, after)


@settings(max_examples=200, deadline=None)
@given(treaty_documents(), scenario_documents(), st.randoms(use_true_random=False))
def test_the_order_of_hostilities_does_not_matter(
        treaty: dict[str, Any], scenario: dict[str, Any], rng: Any) -> None:
    shuffled = copy.deepcopy(scenario)
    rng.shuffle(shuffled["hostilities"])
    first, second = run(treaty, scenario), run(treaty, shuffled)

    def statuses(result: Coverage) -> dict[tuple[str, int], str]:
        return {(r.obligation, r.beneficiary): r.status for r in result.obligations}

    assert statuses(first) == statuses(second)
    assert first.status == second.status


@settings(max_examples=300, deadline=None)
@given(treaty_documents(), scenario_documents())
def test_overall_status_follows_the_strongest_military_obligation(
        treaty: dict[str, Any], scenario: dict[str, Any]) -> None:
    result = run(treaty, scenario)
    applying = [r for r in result.obligations if r.status != "not_applicable"]
    military = [r for r in applying if r.is_military]
    pool = military or applying
    expected = max((STATUS_STRENGTH[r.status] for r in pool), default=0)
    assert STATUS_STRENGTH[result.status] == expected
    if military:
        assert result.deciding in military
