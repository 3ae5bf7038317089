"""Properties of verdicts that hold at every parameter point.

Each follows from the model (:mod:`analysis.models.deterrence`) whatever the
numbers, so they are checked on random exact parameters
(``tests.strategies.deterrence_parameters``), through :func:`analysis.verdicts.analyze`
on the minimal synthetic treaty and crisis of ``tests/test_threshold_oracle.py``:

* **A larger audience cost never lowers intervention.**  Raising ``a`` lowers only
  the values of the responses that fall short, and the challenger's replies do not
  depend on it; so the ally's selected response never moves down the order
  I > L > S, never stops complying, and (a more intervening response leaves the
  challenger a lower p_X, hence a lower value of challenging) deterrence never
  fails where it held.
* **Unspecified help never buys more intervention than all means.**  Under
  ``unspecified`` only S falls short; under ``all_means`` L does too.  Limited aid
  is worth more to the ally under ``unspecified`` and nothing else changes, so the
  ally never intervenes (I) under ``unspecified`` unless it does under ``all_means``,
  never stays out under ``unspecified`` unless it does under ``all_means``, and when
  the two selections differ the one under ``unspecified`` is limited aid.  Its
  threshold is never higher (closed form: max(0, min(x, y')) ≤ max(0, x, y)).

  The stronger reading "never higher on the whole order I > L > S" is *not* a
  property of the model: when intervening is too dear, penalising L and S alike
  (all means) leaves the ally staying out, while exempting L (unspecified) makes
  it give limited aid; :func:`test_unspecified_can_select_limited_aid_where_all_means_stays_out`
  pins such a point, where the closed form agrees with the engine.
* **Units do not matter.**  Multiplying every payoff parameter (v_C, c_C, b, v_A,
  c_A, c_L) and ``a`` by c > 0 multiplies every payoff of the game by c, so the
  subgame-perfect equilibria, the verdict and the ties are unchanged and the
  thresholds are multiplied by c.
"""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.rules import ACTIONS, Action
from analysis.verdicts import Play, Reading
from tests.strategies import (
    PAYOFF_NAMES,
    audience_costs,
    deterrence_parameters,
    rescalings,
    small_rationals,
)
from tests.test_threshold_oracle import (
    ALL_MEANS,
    ESCAPES,
    UNSPECIFIED,
    engine_reading,
    predicted_play,
)

F = Fraction

PATTERNS = st.sampled_from([ALL_MEANS, UNSPECIFIED])
DELTAS = st.sampled_from(sorted(ESCAPES))


def plays(reading: Reading) -> tuple[Play, Play]:
    assert reading.without is not None and reading.with_cost is not None
    return reading.without, reading.with_cost


def rank(action: Action) -> int:
    """0 for intervention, 1 for limited aid, 2 for staying out."""
    return ACTIONS.index(action)


@settings(max_examples=300, deadline=None)
@given(deterrence_parameters(), audience_costs(), small_rationals(0, 10), PATTERNS, DELTAS)
def test_raising_the_audience_cost_never_lowers_intervention(
        values: dict[str, Fraction], a: Fraction, raise_by: Fraction,
        short: frozenset[Action], delta: Fraction) -> None:
    low = engine_reading(values, a, short, delta)
    high = engine_reading(values, a + raise_by, short, delta)
    _, low_play = plays(low)
    _, high_play = plays(high)
    assert rank(high_play.ally_action) <= rank(low_play.ally_action)
    if low_play.ally_action not in short:
        assert high_play.ally_action not in short
    assert high_play.challenge <= low_play.challenge
    # The threshold does not depend on a; the verdict only moves towards binding.
    assert high.threshold == low.threshold
    if low.verdict in ("binding", "irrelevant_credible_anyway"):
        assert high.verdict == low.verdict
    assert {low.verdict, high.verdict} <= {
        "irrelevant_credible_anyway", "binding", "insufficient"}


@settings(max_examples=300, deadline=None)
@given(deterrence_parameters(), audience_costs(), DELTAS)
def test_unspecified_help_never_selects_more_intervention_than_all_means(
        values: dict[str, Fraction], a: Fraction, delta: Fraction) -> None:
    specific = engine_reading(values, a, ALL_MEANS, delta)
    loose = engine_reading(values, a, UNSPECIFIED, delta)
    for all_means, unspecified in zip(plays(specific), plays(loose), strict=True):
        if unspecified.ally_action == "I":
            assert all_means.ally_action == "I"
        if unspecified.ally_action == "S":
            assert all_means.ally_action == "S"
        if unspecified.ally_action != all_means.ally_action:
            assert unspecified.ally_action == "L"
        assert unspecified.presses_on == all_means.presses_on
    assert loose.threshold_effective is not None and specific.threshold_effective is not None
    assert loose.threshold_effective <= specific.threshold_effective


def test_unspecified_can_select_limited_aid_where_all_means_stays_out() -> None:
    # π_I = 1/4 > 0, so the challenger presses on after everything.  At a_eff = 1/4:
    # u_I = -5, u_L = -4 (- 1/4 when L falls short), u_S = -(5/7)(16/3) - 1/4 = -341/84.
    # All means: u_S = -4.06 > u_L = -4.25 > u_I, so S; unspecified: u_L = -4 is best.
    values = {"v_C": F(0), "c_C": F(0), "b": F(1, 4), "p_I": F(0), "p_L": F(0),
              "p_S": F(5, 7), "v_A": F(16, 3), "c_A": F(5), "c_L": F(4)}
    for short, expected in ((ALL_MEANS, "S"), (UNSPECIFIED, "L")):
        assert predicted_play(values, short, F(1, 4)).ally_action == expected
        _, with_cost = plays(engine_reading(values, F(1), short, F(1, 4)))
        assert with_cost.ally_action == expected


@settings(max_examples=300, deadline=None)
@given(deterrence_parameters(), audience_costs(), rescalings(), PATTERNS, DELTAS)
def test_rescaling_every_payoff_rescales_thresholds_only(
        values: dict[str, Fraction], a: Fraction, factor: Fraction,
        short: frozenset[Action], delta: Fraction) -> None:
    scaled = {k: v * factor if k in PAYOFF_NAMES else v for k, v in values.items()}
    before = engine_reading(values, a, short, delta)
    after = engine_reading(scaled, a * factor, short, delta)
    assert after.verdict == before.verdict
    assert before.threshold is not None and before.threshold_effective is not None
    assert after.threshold == before.threshold * factor
    assert after.threshold_effective == before.threshold_effective * factor
    assert after.ties == before.ties
    for old, new in zip(plays(before), plays(after), strict=True):
        assert new.a_eff == old.a_eff * factor
        assert (new.ally_action, new.challenge, new.ties) == (
            old.ally_action, old.challenge, old.ties)
        assert new.presses_on == old.presses_on
        assert len(new.result.equilibria) == len(old.result.equilibria)
