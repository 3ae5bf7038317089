"""The decomposition of deterrence into tied hands and capability channels (issue #9).

The known answer is worked out by hand below; the other tests check the
acceptance properties on every built-in scenario and profile, and the Monte
Carlo decomposition against the exact one point by point.
"""

from __future__ import annotations

import itertools
from fractions import Fraction
from typing import Any

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from analysis.batch_verdicts import ReadingPlan
from analysis.capability import capability_effects, scenario_roles
from analysis.capability_rules import (
    CapabilityRule,
    CapabilityRules,
    Countermeasure,
    builtin_capability_rules,
)
from analysis.decompose import AUDIENCE, decompose, decompose_draws, decompose_point
from analysis.parameters import resolve
from analysis.rules import ACTIONS, builtin_rulebook
from analysis.sampling import Fixed, Uniform
from analysis.sweep import DrawPoints
from games.errors import InputError
from tests.benchmark_scripts import benchmark_module
from treaties.cooperation import CHANNELS, CooperationProfile
from treaties.load import builtin_profiles, builtin_scenarios, load_scenario, load_treaty

SOURCE = [{"citation": "Test fixture.", "url": "https://example.org/fixture"}]


def profile(*entries: dict[str, Any], partners: tuple[int, ...] = (365, 731)
            ) -> CooperationProfile:
    """A profile of the given entries (each a partial entry: defaults filled in)."""
    filled = [{"id": f"entry-{k}", "what": "test", "start": "2000-01-01", "sources": SOURCE,
               **entry} for k, entry in enumerate(entries)]
    return CooperationProfile.model_validate(
        {"id": "test", "name": "Test", "partners": list(partners), "entries": filled})


def with_rules(**changes: Any) -> CapabilityRules:
    """The built-in rules with some sections replaced (validated)."""
    base = builtin_capability_rules().model_dump()
    return CapabilityRules.model_validate({**base, **changes})


def strike_shift(shift: float) -> CapabilityRules:
    rules = builtin_capability_rules()
    capabilities = [c if c.capability != "strike" else
                    CapabilityRule.model_validate({**c.model_dump(), "shift": shift})
                    for c in rules.capabilities]
    return with_rules(capabilities=[c.model_dump() for c in capabilities])


# --------------------------------------------------------------- known answer
def test_known_answer_at_a_stated_point() -> None:
    r"""China–DPRK 1961 (all means, no escape wording: L and S fall short, δ = 1) in
    korea-dprk-attacked, with one transfer of strike capability to the protégé (the DPRK)
    whose shift is set to 1/5, at v_C = 10, c_C = 5/2, b = 1, p = (3/10, 1/2, 7/10),
    v_A = 10, c_A = 5, c_L = 5/2, a = 2.

    The challenger presses on after X iff p_X·10 − 5/2 > −1, i.e. p_X > 3/20: always here.
    So the ally's values are I: −10 p_I − 5, L: −10 p_L − 5/2 − a_eff, S: −10 p_S − a_eff.

    * none:      I −8, L −7.5, S −7   → stays out;  margin 7 − 5/2 = 9/2
    * AC:        I −8, L −9.5, S −9   → intervenes; margin 3 − 5/2 = 1/2
    * MT (p_S = 1/2): I −8, L −7.5, S −5 → stays out; margin 5 − 5/2 = 5/2
    * AC + MT:   I −8, L −9.5, S −7   → stays out; margin 5/2

    Shapley: φ_AC = ½[(1/2 − 9/2) + (5/2 − 5/2)] = −2 and
    φ_MT = ½[(5/2 − 9/2) + (5/2 − 1/2)] = 0; they add up to 5/2 − 9/2 = −2.  Arming the
    protégé does nothing alone to the ally's choice, but it undoes what the audience cost
    does (the ally would rather let the stronger protégé fight alone).
    """
    scenario = load_scenario("korea-dprk-attacked")
    treaty = load_treaty("china-dprk-1961")
    point = {"v_C": 10, "c_C": "5/2", "b": 1, "p_I": "3/10", "p_L": "1/2", "p_S": "7/10",
             "v_A": 10, "c_A": 5, "c_L": "5/2", "a": 2}
    params = resolve(scenario, point)
    roles = scenario_roles(scenario, 710)
    assert roles.proteges == (731,) and set(roles.challengers) == {732, 2}
    transfer = profile({"supplier": 365, "recipient": 731, "channel": "materiel_transfer",
                        "capabilities": ["strike"]})
    effects = capability_effects(transfer, scenario, strike_shift(0.2), roles)
    assert effects.shifts("materiel_transfer") == {"p_I": 0, "p_L": 0,
                                                   "p_S": Fraction(-1, 5)}
    [found] = decompose(treaty, scenario, params, effects, builtin_rulebook())
    assert found.plan.short == frozenset({"L", "S"}) and found.plan.delta == 1
    expected = {(): ("S", Fraction(9, 2)), (AUDIENCE,): ("I", Fraction(1, 2)),
                ("materiel_transfer",): ("S", Fraction(5, 2)),
                (AUDIENCE, "materiel_transfer"): ("S", Fraction(5, 2))}
    for factors, (action, margin) in expected.items():
        outcome = found.outcomes[frozenset(factors)]
        assert (outcome.ally_action, outcome.margin, outcome.challenge) == (action, margin,
                                                                          True)
    assert found.shares == {AUDIENCE: Fraction(-2), "materiel_transfer": Fraction(0)}
    assert found.change == Fraction(-2)


# --------------------------------------------------------- acceptance points
@pytest.mark.parametrize("scenario", builtin_scenarios(), ids=lambda s: s.id)
def test_sino_russian_2001_has_no_audience_cost_share(scenario: Any) -> None:
    """Consultation only (Art. 9): no response falls short, so the audience cost is a null
    factor in every scenario, for every built-in profile and every reading."""
    treaty = load_treaty("sino-russian-2001")
    params = resolve(scenario)
    allies = []
    for party in treaty.party_codes:  # as the ally, unless it fights the protégé itself
        try:
            allies.append(scenario_roles(scenario, party, parties=treaty.party_codes))
        except InputError as error:  # it is a belligerent itself
            assert "fights its protégé" in str(error) or "is also a protégé" in str(error)
    assert allies
    for cooperation, roles in itertools.product(builtin_profiles(), allies):
        effects = capability_effects(cooperation, scenario, builtin_capability_rules(), roles)
        for found in decompose(treaty, scenario, params, effects, builtin_rulebook()):
            assert found.shares[AUDIENCE] == 0
            assert sum(found.shares.values()) == found.change
            for coalition, outcome in found.outcomes.items():
                assert outcome.a_eff == 0
                assert outcome == _without_audience(found.outcomes, coalition, outcome)


def _without_audience(outcomes: Any, coalition: frozenset[str], outcome: Any) -> Any:
    twin = outcomes[coalition - {AUDIENCE}]
    return type(outcome)(coalition, twin.values, twin.a_eff, twin.ally_action,
                         twin.challenge, twin.margin, twin.clipped, twin.ties)


def _full_offset(channels: tuple[str, ...]) -> CapabilityRules:
    counters = [Countermeasure(id=f"counter-{c.replace('_', '-')}", channel=c, offset=1,
                               assumption=True, why="Test: full offset.", source="Test.")
                for c in channels]  # type: ignore[arg-type]
    return with_rules(countermeasures=[m.model_dump() for m in counters])


CASES = [("us-philippines-1951", "philippine-vessel-armed-attack", "russia-china-2020s", 2),
         ("us-philippines-1951", "philippine-vessel-armed-attack", "us-philippines", 2),
         ("china-dprk-1961", "korea-dprk-attacked", "russia-dprk", 710),
         ("north-atlantic-1949", "baltic-armed-attack", "nato", 2),
         ("us-japan-1960", "japan-senkaku-clash", "us-japan", 2)]


@pytest.mark.parametrize(("treaty_id", "scenario_id", "profile_id", "ally"), CASES)
def test_full_countermeasures_restore_the_equilibrium(treaty_id: str, scenario_id: str,
                                                      profile_id: str, ally: int) -> None:
    """A countermeasure offsetting a channel in full leaves every outcome as it is without
    that channel, and its share zero; offsetting every channel restores the no-cooperation
    equilibrium with and without the audience cost."""
    scenario = load_scenario(scenario_id)
    treaty = load_treaty(treaty_id)
    cooperation = next(p for p in builtin_profiles() if p.id == profile_id)
    roles = scenario_roles(scenario, ally)
    for point in ({}, {"c_L": 3, "v_C": 3}, {"v_A": 1, "c_C": 4}):
        params = resolve(scenario, point)
        plain = capability_effects(cooperation, scenario, builtin_capability_rules(), roles)
        assert plain.channels, "the case should reach someone"
        for offset in [(c,) for c in plain.channels] + [plain.channels]:
            effects = capability_effects(cooperation, scenario, _full_offset(offset), roles)
            assert all(effects.shifts(c) == dict.fromkeys(("p_I", "p_L", "p_S"), 0)
                       for c in offset)
            for found in decompose(treaty, scenario, params, effects, builtin_rulebook()):
                assert all(found.shares[c] == 0 for c in offset)
                for coalition, outcome in found.outcomes.items():
                    twin = found.outcomes[coalition - set(offset)]
                    assert (outcome.ally_action, outcome.challenge, outcome.margin) == (
                        twin.ally_action, twin.challenge, twin.margin)


fractions = st.fractions(min_value=0, max_value=20, max_denominator=20)
probabilities = st.lists(st.fractions(min_value=0, max_value=1, max_denominator=40),
                         min_size=3, max_size=3).map(sorted)


@settings(max_examples=300, deadline=None)
@given(probabilities, st.tuples(fractions, fractions, fractions, fractions, fractions),
       st.fractions(min_value=0, max_value=4, max_denominator=8),
       st.sampled_from([frozenset(), frozenset({"S"}), frozenset({"L", "S"})]),
       st.fractions(min_value=Fraction(1, 100), max_value=1, max_denominator=100),
       st.sampled_from(["materiel_transfer", "joint_exercises", "intelligence_sharing"]),
       st.lists(st.sampled_from(["strike", "air", "undersea", "information"]), min_size=1,
                max_size=3, unique=True))
@example(p=[Fraction(3, 10), Fraction(2, 5), Fraction(3, 5)],
         costs=(Fraction(4), Fraction(2), Fraction(1), Fraction(5), Fraction(1)),
         a=Fraction(1, 2), short=frozenset({"S"}), shift=Fraction(1, 5),
         channel="materiel_transfer", capabilities=["strike", "air"])
def test_transfers_to_the_protege_never_raise_intervention(
        p: list[Fraction], costs: tuple[Fraction, ...], a: Fraction,
        short: frozenset[str], shift: Fraction, channel: str,
        capabilities: list[str]) -> None:
    """Whatever the point, the help owed and the size of the transfer, capability given to
    the protégé never moves the ally to a more forceful response (I > L > S), with or
    without the audience cost.

    The pinned example is why the order is kept by flooring p_S at p_L rather than by
    lowering p_L and p_I to p_S: lowering p_S by 2/5 to 1/5 and p_L, p_I with it would make
    the challenger (v_C = 4, c_C = 2, b = 1) back down after every response, and the ally,
    which stays out at p = (3/10, 2/5, 3/5) (values −5.3, −1.4, −1.1), would then
    intervene at no cost.
    """
    v_C, c_C, v_A, c_A, c_L = costs
    scenario = load_scenario("korea-dprk-attacked")
    roles = scenario_roles(scenario, 710)
    transfer = profile({"supplier": 365, "recipient": 731, "channel": channel,
                        "capabilities": capabilities})
    rules = builtin_capability_rules()
    sized = with_rules(capabilities=[{**c.model_dump(), "shift": float(shift)}
                                     for c in rules.capabilities])
    effects = capability_effects(transfer, scenario, sized, roles)
    params = resolve(scenario, {"v_C": v_C, "c_C": c_C, "b": 1, "p_I": p[0], "p_L": p[1],
                                "p_S": p[2], "v_A": v_A, "c_A": c_A, "c_L": c_L, "a": a})
    plan = ReadingPlan("test", 710, "text", None, short, Fraction(1))  # type: ignore[arg-type]
    found = decompose_point(plan, params, effects)
    rank = {action: k for k, action in enumerate(ACTIONS)}  # 0 = I, the most forceful
    for audience in (frozenset(), frozenset({AUDIENCE})):
        before = found.outcomes[audience].ally_action
        after = found.outcomes[audience | {channel}].ally_action
        assert rank[after] >= rank[before]


def test_capability_to_the_challenger_never_lowers_the_margin() -> None:
    """Raising every p_X can only raise p_X*·v_C − c_C at the ally's best response: checked
    for Russia–China in the South China Sea (China the challenger) at three points."""
    treaty = load_treaty("us-philippines-1951")
    scenario = load_scenario("philippine-vessel-armed-attack")
    cooperation = next(p for p in builtin_profiles() if p.id == "russia-china-2020s")
    effects = capability_effects(cooperation, scenario, builtin_capability_rules(),
                                 scenario_roles(scenario, 2))
    assert {c.role for c in effects.contributions} == {"challenger"}
    for point in ({}, {"c_L": 3, "v_C": 3}, {"c_L": 3, "a": 3, "c_C": "3.6"}):
        [found] = decompose(treaty, scenario, resolve(scenario, point), effects,
                            builtin_rulebook())
        for coalition, outcome in found.outcomes.items():
            for channel in effects.channels:
                if channel not in coalition:
                    assert found.outcomes[coalition | {channel}].margin >= outcome.margin


# ---------------------------------------------------------- Monte Carlo
def test_draws_agree_with_the_exact_decomposition_point_by_point() -> None:
    """The batch decomposition over draws equals the exact one at every draw: the deterred
    counts exactly and the mean margins to float precision; the shares are the Shapley
    values of those means."""
    treaty = load_treaty("china-dprk-1961")
    scenario = load_scenario("korea-dprk-attacked")
    transfer = profile({"supplier": 365, "recipient": 731, "channel": "materiel_transfer",
                        "capabilities": ["strike"]},
                       {"supplier": 365, "recipient": 732, "channel": "joint_exercises",
                        "capabilities": ["air"]}, partners=(365, 731, 732))
    effects = capability_effects(transfer, scenario, strike_shift(0.2),
                                 scenario_roles(scenario, 710))
    base = resolve(scenario, {"c_C": "5/2", "p_I": "3/10", "p_L": "1/2", "p_S": "7/10",
                              "c_A": 5, "c_L": "5/2", "v_A": 10},
                   {"v_C": "drawn", "a": "drawn"})
    distributions = {"v_C": Uniform(1.0, 12.0), "a": Uniform(0.0, 4.0)}
    points = DrawPoints(distributions, base.values, 7, 400)
    [plan] = [d.plan for d in decompose(treaty, scenario, base, effects, builtin_rulebook())]
    drawn = decompose_draws(plan, points, effects)
    values = points.chunk(0, 400).values
    margins: dict[frozenset[str], list[float]] = {}
    deterred: dict[frozenset[str], int] = {}
    for k in range(400):
        point = base.replace(v_C=Fraction(float(values["v_C"][k])),
                             a=Fraction(float(values["a"][k])))
        exact = decompose_point(plan, point, effects)
        for coalition, outcome in exact.outcomes.items():
            margins.setdefault(coalition, []).append(float(outcome.margin))
            deterred[coalition] = deterred.get(coalition, 0) + (not outcome.challenge)
    for coalition in margins:
        assert drawn.mean_margin[coalition] == pytest.approx(np.mean(margins[coalition]),
                                                             abs=1e-12)
        assert drawn.deterred[coalition] == deterred[coalition] / 400
    assert sum(drawn.deterred_shares.values()) == pytest.approx(
        drawn.deterred[frozenset(drawn.factors)] - drawn.deterred[frozenset()], abs=1e-12)
    assert drawn.attempted == 1 << 16 and drawn.rejected == 0


def test_fixed_draws_reduce_to_the_point_decomposition() -> None:
    """With every drawn parameter fixed at the point, the mean-margin shares over draws are
    the exact shares."""
    treaty = load_treaty("us-philippines-1951")
    scenario = load_scenario("philippine-vessel-armed-attack")
    cooperation = next(p for p in builtin_profiles() if p.id == "us-philippines")
    effects = capability_effects(cooperation, scenario, builtin_capability_rules(),
                                 scenario_roles(scenario, 2))
    params = resolve(scenario, {"c_L": 3, "v_C": 3})
    [exact] = decompose(treaty, scenario, params, effects, builtin_rulebook())
    points = DrawPoints({"v_C": Fixed(3.0)}, params.values, 0, 1000)
    drawn = decompose_draws(exact.plan, points, effects)
    for factor in exact.factors:
        assert drawn.margin_shares[factor] == pytest.approx(float(exact.shares[factor]),
                                                            abs=1e-12)


def test_channels_are_the_factors_in_order() -> None:
    scenario = load_scenario("philippine-vessel-armed-attack")
    cooperation = next(p for p in builtin_profiles() if p.id == "russia-china-2020s")
    effects = capability_effects(cooperation, scenario, builtin_capability_rules(),
                                 scenario_roles(scenario, 2))
    assert effects.channels == CHANNELS


# ------------------------------------------------------------- several profiles
def test_several_profiles_are_separate_factors() -> None:
    """Russia–China (the challenger's partner) and US–Philippines (the ally and protégé) at
    once: each profile's channels are factors of their own; with everything on, the
    probabilities are those of both profiles' shifts together; the shares add up; and one
    profile given as a list of one is the one-profile decomposition."""
    treaty = load_treaty("us-philippines-1951")
    scenario = load_scenario("philippine-vessel-armed-attack")
    roles = scenario_roles(scenario, 2)
    profiles = {p.id: capability_effects(p, scenario, builtin_capability_rules(), roles)
                for p in builtin_profiles() if p.id in ("russia-china-2020s", "us-philippines")}
    params = resolve(scenario, {"c_L": 3, "a": 3, "c_C": "3.6"})
    [both] = decompose(treaty, scenario, params, list(profiles.values()), builtin_rulebook())
    assert both.factors == (AUDIENCE, *(f"{p}/{c}" for p, e in profiles.items()
                                        for c in e.channels))
    assert sum(both.shares.values()) == both.change
    total = {name: params[name] + sum(e.shifts(c)[name] for e in profiles.values()
                                      for c in e.channels) for name in ("p_I", "p_L", "p_S")}
    assert {name: both.full.values[name] for name in total} == total
    for profile_id, effects in profiles.items():
        [alone] = decompose(treaty, scenario, params, effects, builtin_rulebook())
        [listed] = decompose(treaty, scenario, params, [effects], builtin_rulebook())
        assert alone.shares == listed.shares
        for channel in effects.channels:  # each factor alone moves the margin the same way
            assert both.alone(f"{profile_id}/{channel}") == alone.alone(channel)
    with pytest.raises(InputError, match="given twice"):
        decompose(treaty, scenario, params, [profiles["us-philippines"]] * 2,
                  builtin_rulebook())
    elsewhere = load_scenario("second-thomas-shoal-2024")
    other = capability_effects(next(iter(builtin_profiles())), elsewhere,
                               builtin_capability_rules(), scenario_roles(elsewhere, 2))
    with pytest.raises(InputError, match="different scenarios or roles"):
        decompose(treaty, scenario, params, [profiles["us-philippines"], other],
                  builtin_rulebook())


def test_benchmark_quick_run(capsys: pytest.CaptureFixture[str]) -> None:
    """``benchmarks/bench_decompose.py --quick`` runs end to end and its batch and exact
    decompositions agree on the looped draws (so the script cannot rot)."""
    with benchmark_module("bench_decompose") as module:
        module.main(quick=True)
    out = capsys.readouterr().out
    assert "every combination equal" in out and "plain loop" in out
