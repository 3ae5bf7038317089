"""Verdicts on the historical and hypothetical cases of the built-in corpus.

Each case is a treaty of the corpus in a scenario of the corpus, analysed with
:func:`analysis.verdicts.analyze`.  Where the verdict rests on coverage, the
expected answer is the one of ``tests/test_coverage_record.py`` (the treaties
issue's validation episodes); where it rests on the game, every number comes from
the closed form of ``tests/test_threshold_oracle.py`` at the parameters the
analysis resolved, or from the worked example of the issue (the defaults:
a* = 6/5 for an ally owing all means with no escape wording).
"""

from __future__ import annotations

from fractions import Fraction

import pytest

from analysis.compare import compare
from analysis.parameters import DEFAULTS_SOURCE, resolve
from analysis.verdicts import VERDICTS, Analysis, Reading, analyze
from tests.test_threshold_oracle import closed_form_threshold, pi
from treaties.load import builtin_scenarios, builtin_treaties, load_scenario, load_treaty

F = Fraction
WORKED_EXAMPLE = ("v_C=10", "c_C=1", "b=1", "p_I=0.3", "p_L=0.5", "p_S=0.8", "v_A=4",
                  "c_A=3", "c_L=1")
"""The issue's worked example (also the registry's defaults)."""


def analysed(treaty: str, scenario: str, ally: int | None = None,
             overrides: tuple[str, ...] = (),
             beneficiaries: tuple[int, ...] | None = None) -> Analysis:
    return analyze(load_treaty(treaty), load_scenario(scenario), ally, overrides,
                   beneficiaries=beneficiaries)


def only_reading(analysis: Analysis) -> Reading:
    assert len(analysis.readings) == 1, [r.reading for r in analysis.readings]
    return analysis.readings[0]


def game_values(analysis: Analysis) -> dict[str, Fraction]:
    return {k: v for k, v in analysis.params.values.items() if k != "a"}


def assert_closed_form(analysis: Analysis, reading: Reading) -> None:
    """Threshold, a*, and the verdict as the closed form gives them at the resolved params."""
    assert reading.modifiers is not None and reading.delta
    expected = closed_form_threshold(game_values(analysis), reading.modifiers.short)
    assert reading.threshold_effective == expected
    assert reading.threshold == expected / reading.delta
    a_eff = reading.delta * analysis.params["a"]
    verdict = ("irrelevant_credible_anyway" if expected == 0
               else "binding" if a_eff >= expected else "insufficient")
    assert reading.verdict == verdict


# ----------------------------------------------------------------------------- exempt
@pytest.mark.parametrize("scenario", ["sino-indian-1962", "sino-vietnamese-1979"])
def test_sino_soviet_is_exempt_outside_japan_and_its_allies(scenario: str) -> None:
    analysis = analysed("sino-soviet-1950", scenario)
    assert analysis.ally == 365
    assert 710 in analysis.coverage.beneficiaries
    reading = only_reading(analysis)
    assert analysis.verdict == reading.verdict == "irrelevant_exempt"
    assert "Japan" in reading.explanation
    # No game is solved for an exempt obligation.
    assert reading.without is None and reading.threshold is None and reading.modifiers is None


def test_sino_soviet_1979_explains_that_china_attacked_and_vietnam_is_no_ally_of_japan() -> None:
    reading = only_reading(analysed("sino-soviet-1950", "sino-vietnamese-1979"))
    assert reading.verdict == "irrelevant_exempt"
    assert "China is not the party attacked: it attacked Vietnam." in reading.explanation
    assert "The adversary, Vietnam, is neither Japan nor allied with Japan." in (
        reading.explanation)


def test_us_philippines_is_exempt_at_second_thomas_shoal() -> None:
    analysis = analysed("us-philippines-1951", "second-thomas-shoal-2024")
    reading = only_reading(analysis)
    assert reading.verdict == "irrelevant_exempt"
    assert "armed attack" in reading.explanation
    assert "gray-zone coercion does not meet it" in reading.explanation


def test_anglo_polish_is_exempt_against_the_soviet_invasion() -> None:
    # The secret protocol confined the British guarantee to Germany.
    analysis = analysed("anglo-polish-1939", "soviet-invasion-poland-1939")
    assert analysis.ally == 200
    reading = only_reading(analysis)
    assert reading.verdict == "irrelevant_exempt"
    assert "Germany" in reading.explanation


def test_soviet_vietnamese_owes_only_consultation() -> None:
    analysis = analysed("soviet-vietnamese-1978", "sino-vietnamese-1979", 365,
                        beneficiaries=(816,))
    reading = only_reading(analysis)
    assert reading.verdict == "irrelevant_no_obligation"
    assert "consultation" in reading.explanation
    assert analysis.coverage.status == "triggered"


# ----------------------------------------------------------------------------- triggered
def test_sino_soviet_binds_against_an_ally_of_japan_at_the_scenarios_params() -> None:
    analysis = analysed("sino-soviet-1950", "us-china-nuclear-1960s")
    assert analysis.coverage.status == "triggered"
    # The scenario's params block sets c_C = 10; the rest are defaults.
    assert analysis.params["c_C"] == 10
    assert analysis.params.sources["c_C"].startswith("scenario us-china-nuclear-1960s: ")
    assert analysis.params.sources["v_C"] == DEFAULTS_SOURCE
    reading = only_reading(analysis)
    assert reading.modifiers is not None
    assert reading.modifiers.short == {"L", "S"} and reading.delta == 1
    # π_I = 3 - 10 + 1 < 0: the challenger backs down after an intervention.
    assert pi(game_values(analysis), "I") < 0
    assert_closed_form(analysis, reading)
    assert reading.threshold == 0
    # docs/explanation/tied-hands-model.md: π_S = 8 - 10 + 1 < 0 too, so C backs down
    # after any response, all three give the USSR 0 without the audience cost (three
    # SPE, ties), the tie rule picks intervention, and C challenges in neither solve.
    assert reading.verdict == "irrelevant_credible_anyway"
    assert reading.without is not None and reading.with_cost is not None
    assert len(reading.without.result.equilibria) == 3 and reading.ties
    assert reading.without.ally_action == "I"
    assert not reading.without.challenge and not reading.with_cost.challenge
    assert not any(reading.without.presses_on.values())


def test_sino_soviet_against_a_us_strike_binds_when_war_is_cheap() -> None:
    # The same case with --param c_C=1 (the docs' contrast): the worked example's numbers.
    analysis = analysed("sino-soviet-1950", "us-china-nuclear-1960s", overrides=("c_C=1",))
    assert analysis.params.sources["c_C"] == "--param"
    reading = only_reading(analysis)
    assert reading.verdict == "binding" and reading.threshold == F(6, 5)
    assert_closed_form(analysis, reading)


def test_us_philippines_triggered_by_an_armed_attack_on_a_public_vessel() -> None:
    analysis = analysed("us-philippines-1951", "philippine-vessel-armed-attack")
    assert analysis.coverage.status == "triggered"
    reading = only_reading(analysis)
    assert reading.modifiers is not None
    assert reading.modifiers.short == {"S"}
    assert reading.delta == F(1, 2)
    assert "escape-constitutional-processes" in reading.modifiers.rules
    assert [e.rule for e in reading.modifiers.escapes] == ["escape-constitutional-processes"]
    assert_closed_form(analysis, reading)


def test_nato_triggered_by_an_armed_attack_on_a_baltic_state() -> None:
    analysis = analysed("north-atlantic-1949", "baltic-armed-attack")
    assert analysis.coverage.status == "triggered"
    reading = only_reading(analysis)
    assert reading.modifiers is not None
    assert reading.modifiers.short == {"S"}
    assert reading.delta == 1 and reading.modifiers.escapes == ()
    assert_closed_form(analysis, reading)


# ----------------------------------------------------------------------------- worked example
def test_china_dprk_worked_example_binds_at_a_2() -> None:
    analysis = analysed("china-dprk-1961", "korea-dprk-attacked", overrides=(
        *WORKED_EXAMPLE, "a=2"))
    assert analysis.ally == 710
    assert all(analysis.params.sources[name] == "--param" for name in analysis.params.values)
    reading = only_reading(analysis)
    assert reading.modifiers is not None
    assert reading.modifiers.short == {"L", "S"} and reading.delta == 1
    assert reading.threshold == reading.threshold_effective == F(6, 5)
    assert reading.verdict == "binding"
    assert reading.without is not None and reading.with_cost is not None
    # Without the cost: u_L = -3 beats u_S = -16/5 and u_I = -21/5; with a_eff = 2 it is I.
    assert reading.without.ally_action == "L" and reading.with_cost.ally_action == "I"
    assert "6/5" in reading.explanation
    assert not reading.ties
    assert_closed_form(analysis, reading)


def test_china_dprk_worked_example_is_insufficient_at_a_1() -> None:
    analysis = analysed("china-dprk-1961", "korea-dprk-attacked", overrides=(
        *WORKED_EXAMPLE, "a=1"))
    reading = only_reading(analysis)
    assert reading.threshold == F(6, 5)
    assert reading.verdict == "insufficient"
    assert reading.with_cost is not None and reading.with_cost.ally_action == "L"


def test_china_dprk_worked_example_at_the_threshold_is_a_tie_resolved_to_comply() -> None:
    analysis = analysed("china-dprk-1961", "korea-dprk-attacked", overrides=(
        *WORKED_EXAMPLE, "a=6/5"))
    reading = only_reading(analysis)
    assert reading.verdict == "binding"
    assert reading.ties
    assert reading.with_cost is not None and reading.with_cost.ally_action == "I"


def test_china_dprk_at_the_threshold_has_two_spe() -> None:
    # docs/explanation/tied-hands-model.md, knife edges: with --param a=6/5 the case is
    # binding with two SPE (the ally indifferent between intervening and limited aid).
    reading = only_reading(analysed("china-dprk-1961", "korea-dprk-attacked",
                                    overrides=("a=6/5",)))
    assert reading.with_cost is not None
    assert len(reading.with_cost.result.equilibria) == 2


def test_china_dprk_deters_when_war_costs_the_challenger_more() -> None:
    # docs/explanation/tied-hands-model.md §Deterrence, --param c_C=3.5: against limited
    # aid C's war is worth 0.5·10 - 3.5 = 3/2 > 0, against intervention 0.3·10 - 3.5 < 0;
    # π_I = 1/2 > 0, so the threshold stays at 6/5.
    analysis = analysed("china-dprk-1961", "korea-dprk-attacked", overrides=("c_C=3.5",))
    reading = only_reading(analysis)
    assert reading.verdict == "binding" and reading.deters
    assert reading.threshold == F(6, 5)
    assert reading.without is not None and reading.with_cost is not None
    assert (reading.without.ally_action, reading.without.challenge) == ("L", True)
    assert (reading.with_cost.ally_action, reading.with_cost.challenge) == ("I", False)
    assert_closed_form(analysis, reading)


@pytest.mark.parametrize("a, verdict, action, tail", [
    ("3", "binding", "I", "Without the audience cost the ally would stay out; with a_eff = "
                          "3/2 (1.5) it would intervene. The threshold is a* = 2."),
    ("1", "insufficient", "S", "Even with a_eff = 1/2 (0.5) the ally would stay out; it would "
                               "need a ≥ 2."),
])
def test_us_philippines_with_costly_limited_aid(a: str, verdict: str, action: str,
                                                tail: str) -> None:
    # docs/how-to/override-the-rulebook.md §5: c_L = 3 makes limited aid a worse
    # compliant response than staying out; a*_eff = min(3 - 2, 3 - 1.2) = 1, δ = 1/2, a* = 2.
    analysis = analysed("us-philippines-1951", "philippine-vessel-armed-attack",
                        overrides=("c_L=3", f"a={a}"))
    reading = only_reading(analysis)
    assert reading.verdict == verdict
    assert reading.threshold_effective == 1 and reading.threshold == 2
    assert reading.with_cost is not None and reading.with_cost.ally_action == action
    assert reading.explanation.endswith(tail)
    assert_closed_form(analysis, reading)


def test_the_defaults_are_the_worked_example() -> None:
    assert resolve(None, WORKED_EXAMPLE).values == resolve().values


# ----------------------------------------------------------------------------- indeterminate
def test_us_japan_senkaku_is_analysed_under_both_readings() -> None:
    analysis = analysed("us-japan-1960", "japan-senkaku-clash")
    assert analysis.coverage.status == "indeterminate"
    triggered, exempt = analysis.readings
    assert triggered.reading == "triggered reading"
    assert exempt.reading == "exempt reading"
    assert exempt.verdict == "irrelevant_exempt"
    assert triggered.verdict in VERDICTS and triggered.verdict != "irrelevant_exempt"
    assert triggered.modifiers is not None and triggered.modifiers.short == {"S"}
    assert triggered.delta == F(1, 2)
    assert_closed_form(analysis, triggered)
    assert analysis.verdict == f"{triggered.verdict} | irrelevant_exempt"


# ----------------------------------------------------------------------------- compare
def test_compare_gives_a_known_verdict_in_every_cell() -> None:
    treaties, scenarios = builtin_treaties(), builtin_scenarios()
    calls = []
    cells = compare(treaties, scenarios, progress=lambda: calls.append(1))
    assert len(calls) == len(treaties) * len(scenarios)
    assert len(cells) >= len(treaties) * len(scenarios)
    for cell in cells:
        names = cell.verdict.split(" | ")
        assert 1 <= len(names) <= 2, cell.verdict
        assert all(name in VERDICTS for name in names), cell.verdict
        if cell.analysis is None:
            assert cell.verdict == "not_applicable"
            assert not any(a.ally in cell.treaty.party_codes for a in cell.scenario.allies)
        else:
            assert cell.ally in cell.treaty.party_codes
            for reading in cell.analysis.readings:
                assert reading.nash is None  # compare skips the Nash check
    # The corpus exercises more than one verdict.
    assert len({cell.verdict for cell in cells}) >= 4
