"""Vectorised verdicts (``analysis/batch_verdicts.py``) against the exact scalar analysis.

Expected values come from :func:`analysis.verdicts.analyze`, which solves the game
exactly (rationals) for every subgame-perfect equilibrium and selects one by the
documented tie rule.  At every point, :func:`~analysis.batch_verdicts.evaluate` on float
arrays must give the same verdict, the same play without and with the audience cost
(the ally's response, whether C challenges, whether another SPE exists), the same
``deters`` and the same threshold a* (float against Fraction, within 10⁻⁹ relative).

Points are exact rationals with small denominators, so that ties occur by chance, and
some are built to be ties: the challenger indifferent between backing down and
pressing on (p_X·v_C − c_C = −b), at the root (v_C = c_C = 0), the ally indifferent
between responses (c_A = (p_S − p_I)·v_A and the like, with C pressing on after each),
and a = a* exactly (the ally indifferent between complying and falling short).  The
constructions use the closed forms of ``analysis/models/deterrence.py`` only to *pick*
points; what is expected there always comes from ``analyze``.

Readings with a fixed verdict are checked against the same verdict from ``analyze`` and
their play against :func:`analysis.verdicts.solve_play` at a_eff = 0.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import cache
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.batch_verdicts import (
    GameCache,
    PlayArrays,
    ReadingPlan,
    VerdictArrays,
    evaluate,
    plan_readings,
    tie_priority,
)
from analysis.models.deterrence import ALLY_NODE, deterrence_game
from analysis.parameters import PARAMETERS, resolve
from analysis.rules import ACTIONS, Rulebook, builtin_rulebook, load_rulebook
from analysis.verdicts import VERDICTS, Play, analyze, solve_play
from tests.strategies import audience_costs, deterrence_parameters
from treaties.load import builtin_scenarios, builtin_treaties
from treaties.scenario import Scenario

Point = dict[str, Fraction]

# A rules file that gives two more kinds of reading: with only limited aid falling short
# of "all means" (parametric, short = {L}), and with the constitutional-processes hedge
# leaving none of the audience cost (irrelevant_discretionary: fixed, short = {S}).
CUSTOM_RULES = """\
help:
  - id: help-all-means
    required_help: all_means
    short: [L]
    why: test
    source: test
escape:
  - id: escape-constitutional-processes
    phrase: constitutional processes
    delta: 0
    why: test
    source: test
"""


@dataclass(frozen=True)
class Case:
    """One reading of one treaty in one scenario, under one rulebook."""

    scenario: Scenario
    plan: ReadingPlan
    rulebook: Rulebook
    rules_name: str

    @property
    def id(self) -> str:
        return f"{self.scenario.id}:{self.plan.label}:{self.rules_name}"


@cache
def custom_rulebook() -> Rulebook:
    import tempfile

    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "rules.yaml"
        path.write_text(CUSTOM_RULES, encoding="utf-8")
        return load_rulebook(str(path))


@cache
def all_cases() -> tuple[Case, ...]:
    """Every built-in treaty × scenario reading, plus the custom rulebook's extra kinds."""
    treaties = list(builtin_treaties())
    cases = []
    for scenario in builtin_scenarios():
        for plan in plan_readings(treaties, scenario, base=resolve(scenario).values):
            cases.append(Case(scenario, plan, builtin_rulebook(), "builtin"))
    custom = custom_rulebook()
    for scenario in builtin_scenarios():
        for plan in plan_readings(treaties, scenario, rulebook=custom,
                                  base=resolve(scenario).values):
            if plan.short in (frozenset({"L"}),) or plan.fixed == "irrelevant_discretionary":
                cases.append(Case(scenario, plan, custom, "custom"))
    return tuple(cases)


PARAMETRIC = [c for c in all_cases() if c.plan.fixed is None]
FIXED = [c for c in all_cases() if c.plan.fixed is not None]
TREATIES = {t.id: t for t in builtin_treaties()}


def test_the_corpus_has_every_kind_of_reading() -> None:
    kinds = {(c.plan.short, c.plan.delta) for c in PARAMETRIC}
    assert {(frozenset({"S"}), Fraction(1, 2)), (frozenset({"S"}), Fraction(1)),
            (frozenset({"L", "S"}), Fraction(1)), (frozenset({"L", "S"}), Fraction(1, 2)),
            (frozenset({"L"}), Fraction(1))} <= kinds
    fixed = {c.plan.fixed for c in FIXED}
    assert {"not_applicable", "irrelevant_exempt", "irrelevant_no_obligation",
            "irrelevant_discretionary"} <= fixed
    assert any(c.plan.short for c in FIXED)  # a fixed reading whose game has a short response
    assert any(c.plan.ally is None for c in FIXED)
    assert len(PARAMETRIC) * (100 + 8 * len(CONSTRUCTIONS)) >= 1000  # points compared in all


# ------------------------------------------------------------------------ the points
def random_point(rng: random.Random) -> Point:
    """Exact values in the domains, denominators up to 4 (probabilities up to 10)."""

    def rational(high: int) -> Fraction:
        d = rng.choice((1, 2, 3, 4))
        return Fraction(rng.randint(0, high * d), d)

    p_I, p_L, p_S = sorted(Fraction(rng.randint(0, d), d)
                           for d in rng.choices((2, 4, 5, 10), k=3))
    return {"v_C": rational(20), "c_C": rational(12),
            "b": Fraction(rng.randint(1, 12), rng.choice((1, 2, 4))),
            "p_I": p_I, "p_L": p_L, "p_S": p_S, "v_A": rational(10), "c_A": rational(8),
            "c_L": rational(4), "a": rational(8)}


def ally_values(point: Point) -> dict[str, Fraction]:
    """The ally's value of each response at a_eff = 0, C pressing on iff p_X·v_C − c_C > −b."""
    cost = {"I": point["c_A"], "L": point["c_L"], "S": Fraction(0)}
    values: dict[str, Fraction] = {}
    for x in ACTIONS:
        p = point[f"p_{x}"]
        presses = p * point["v_C"] - point["c_C"] > -point["b"]
        values[x] = -p * point["v_A"] - cost[x] if presses else Fraction(0)
    return values


def challenger_indifferent(point: Point, plan: ReadingPlan, rng: random.Random) -> Point:
    x = rng.choice(ACTIONS)
    return {**point, "c_C": point[f"p_{x}"] * point["v_C"] + point["b"]}


def root_indifferent(point: Point, plan: ReadingPlan, rng: random.Random) -> Point:
    return {**point, "v_C": Fraction(0), "c_C": Fraction(0)}


def ally_indifferent(point: Point, plan: ReadingPlan, rng: random.Random) -> Point:
    """C always presses on (c_C = 0 < b); two or three responses worth the same to A."""
    p_I, p_L, p_S, v_A = point["p_I"], point["p_L"], point["p_S"], point["v_A"]
    changed = {**point, "c_C": Fraction(0)}
    pair = rng.choice(["IS", "LS", "IL", "ILS"])
    if pair in ("IS", "ILS"):
        changed["c_A"] = (p_S - p_I) * v_A
    if pair in ("LS", "ILS"):
        changed["c_L"] = (p_S - p_L) * v_A
    if pair == "IL":
        changed["c_A"] = changed["c_L"] + (p_L - p_I) * v_A
    return changed


def at_threshold(point: Point, plan: ReadingPlan, rng: random.Random) -> Point:
    """a = a* exactly: with the cost, the ally's best short response ties its best compliant one."""
    values = ally_values(point)
    short = plan.short or frozenset({"S"})
    delta = plan.delta or Fraction(1)
    gap = (max(values[y] for y in short)
           - max((values[x] for x in ACTIONS if x not in short), default=Fraction(0)))
    return {**point, "a": gap / delta} if gap > 0 else point


def equal_chances(point: Point, plan: ReadingPlan, rng: random.Random) -> Point:
    p = point["p_L"]
    return {**point, "p_I": p, "p_S": p, "c_A": Fraction(0), "c_L": Fraction(0)}


def threshold_after_ally_tie(point: Point, plan: ReadingPlan, rng: random.Random) -> Point:
    return at_threshold(ally_indifferent(point, plan, rng), plan, rng)


CONSTRUCTIONS: tuple[Callable[[Point, ReadingPlan, random.Random], Point], ...] = (
    challenger_indifferent, root_indifferent, ally_indifferent, at_threshold, equal_chances,
    threshold_after_ally_tie)


def points_for(plan: ReadingPlan, seed: int, random_count: int,
               per_construction: int) -> list[Point]:
    rng = random.Random(seed)
    points = [random_point(rng) for _ in range(random_count)]
    for construct in CONSTRUCTIONS:
        points += [construct(random_point(rng), plan, rng) for _ in range(per_construction)]
    for point in points:  # every point valid, exact and complete
        resolve(None, point)
    return points


def as_arrays(points: Sequence[Point]) -> dict[str, npt.NDArray[np.float64]]:
    return {p.name: np.array([float(point[p.name]) for point in points]) for p in PARAMETERS}


# ------------------------------------------------------------------------ comparisons
def play_mismatches(arrays_play: PlayArrays, i: int, play: Play, label: str) -> list[str]:
    ally = ACTIONS[int(arrays_play.ally[i])]
    challenge = bool(arrays_play.challenge[i])
    ties = bool(arrays_play.ties[i])
    wrong = []
    if (ally, challenge, ties) != (play.ally_action, play.challenge, play.ties):
        wrong.append(f"{label}: batch ({ally}, challenge={challenge}, ties={ties}) != scalar "
                     f"({play.ally_action}, challenge={play.challenge}, ties={play.ties})")
    return wrong


def compare_parametric(case: Case, points: Sequence[Point], arrays: VerdictArrays) -> list[str]:
    """Every difference between the batch and ``analyze``, point by point."""
    treaty = TREATIES[case.plan.treaty]
    problems = []
    for i, point in enumerate(points):
        analysis = analyze(treaty, case.scenario, case.plan.ally, point,
                           rulebook=case.rulebook, with_nash=False)
        reading = next(r for r in analysis.readings if r.reading == case.plan.reading)
        assert reading.without is not None and reading.with_cost is not None
        assert reading.threshold is not None
        wrong = []
        verdict = VERDICTS[int(arrays.verdict[i])]
        if verdict != reading.verdict:
            wrong.append(f"verdict {verdict} != {reading.verdict}")
        wrong += play_mismatches(arrays.without, i, reading.without, "without")
        wrong += play_mismatches(arrays.with_cost, i, reading.with_cost, "with")
        if bool(arrays.deters[i]) != reading.deters:
            wrong.append(f"deters {bool(arrays.deters[i])} != {reading.deters}")
        if bool(arrays.ties[i]) != reading.ties:
            wrong.append(f"ties {bool(arrays.ties[i])} != {reading.ties}")
        if not math.isclose(float(arrays.threshold[i]), float(reading.threshold),
                            rel_tol=1e-9, abs_tol=1e-12):
            wrong.append(f"a* {arrays.threshold[i]!r} != {reading.threshold}")
        if wrong:
            shown = {k: str(v) for k, v in point.items()}
            problems.append(f"point {i} {shown}: " + "; ".join(wrong))
    return problems


@pytest.mark.parametrize("case", PARAMETRIC, ids=[c.id for c in PARAMETRIC])
def test_batch_equals_scalar_on_random_and_tied_points(case: Case) -> None:
    """100 random exact points and 8 of each of the 6 tie constructions: 148 per reading."""
    points = points_for(case.plan, seed=PARAMETRIC.index(case), random_count=100,
                        per_construction=8)
    arrays = evaluate(case.plan, as_arrays(points), GameCache())
    assert arrays.verdict.shape == arrays.threshold.shape == (len(points),)
    problems = compare_parametric(case, points, arrays)
    assert not problems, f"{len(problems)} points differ:\n" + "\n".join(problems[:10])
    # The sample reaches ties (by construction) and more than one verdict.
    assert arrays.ties.sum() >= 8
    assert len(set(arrays.verdict.tolist())) >= 2


def test_the_points_cover_every_parametric_verdict_and_exact_ties() -> None:
    """Across the plans, each parametric verdict occurs, and so does a tie at a = a*."""
    seen: set[str] = set()
    threshold_ties = 0
    for case in PARAMETRIC:
        rng = random.Random(1000 + PARAMETRIC.index(case))
        plain = [random_point(rng) for _ in range(40)]
        seen |= {VERDICTS[int(v)] for v in
                 evaluate(case.plan, as_arrays(plain), GameCache()).verdict}
        points = [at_threshold(p, case.plan, rng) for p in plain]
        arrays = evaluate(case.plan, as_arrays(points), GameCache())
        exact = np.array([float(p["a"]) for p in points])
        at_star = np.isclose(exact, arrays.threshold, rtol=1e-12) & (arrays.threshold > 0)
        # At a = a* the ally is indifferent with the cost and complies (the tie rule).
        assert (arrays.with_cost.ties[at_star]).all()
        assert (VERDICTS.index("binding") == arrays.verdict[at_star]).all()
        threshold_ties += int(at_star.sum())
    assert {"irrelevant_credible_anyway", "binding", "insufficient"} <= seen
    assert threshold_ties >= 50


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=st.sampled_from(PARAMETRIC),
       drawn=st.lists(st.tuples(deterrence_parameters(), audience_costs()), min_size=1,
                      max_size=20))
def test_batch_equals_scalar_on_hypothesis_points(
        case: Case, drawn: list[tuple[dict[str, Fraction], Fraction]]) -> None:
    points = [{**values, "a": a} for values, a in drawn]
    arrays = evaluate(case.plan, as_arrays(points), GameCache())
    problems = compare_parametric(case, points, arrays)
    assert not problems, "\n".join(problems[:5])


# ------------------------------------------------------------------------ fixed readings
FIXED_POINTS = points_for(ReadingPlan("-", None, "text", None, frozenset({"S"}), Fraction(1)),
                          seed=99, random_count=60, per_construction=5)


def test_fixed_readings_match_analyze_and_the_base_play() -> None:
    """Every fixed reading of every scenario: its verdict at every point, no a*, no
    deterrence, and the play at a_eff = 0 of :func:`solve_play` (the tie rule with the
    reading's short responses)."""
    arrays_in = as_arrays(FIXED_POINTS)
    games = GameCache()
    base_plays: dict[tuple[frozenset[str], int], Play] = {}
    problems = []
    checked = 0
    for case in FIXED:
        plan = case.plan
        arrays = evaluate(plan, arrays_in, games)
        assert plan.fixed is not None and plan.delta == 0
        assert (arrays.verdict == VERDICTS.index(plan.fixed)).all(), case.id
        assert np.isnan(arrays.threshold).all(), case.id
        assert not arrays.deters.any(), case.id
        for name in ("ally", "challenge", "ties"):
            assert np.array_equal(getattr(arrays.without, name),
                                  getattr(arrays.with_cost, name)), (case.id, name)
        game = deterrence_game(plan.short)
        for i, point in enumerate(FIXED_POINTS):
            key = (plan.short, i)
            if key not in base_plays:
                values = {k: v for k, v in point.items() if k != "a"}
                base_plays[key] = solve_play(game, values, Fraction(0), plan.short)
            problems += [f"{case.id} point {i}: {p}" for p in
                         play_mismatches(arrays.without, i, base_plays[key], "base")]
            checked += 1
    assert not problems, f"{len(problems)} differ:\n" + "\n".join(problems[:10])
    assert checked >= 10_000


def test_fixed_readings_have_the_verdict_of_analyze_at_any_point() -> None:
    rng = random.Random(7)
    sample = [FIXED_POINTS[k] for k in rng.sample(range(len(FIXED_POINTS)), 4)]
    for case in FIXED:
        if case.plan.ally is None:  # no listed ally is a party: not applicable, as compare says
            assert case.plan.fixed == "not_applicable"
            assert not any(a.ally in TREATIES[case.plan.treaty].party_codes
                           for a in case.scenario.allies)
            continue
        for point in sample:
            analysis = analyze(TREATIES[case.plan.treaty], case.scenario, case.plan.ally,
                               point, rulebook=case.rulebook, with_nash=False)
            reading = next(r for r in analysis.readings if r.reading == case.plan.reading)
            assert reading.verdict == case.plan.fixed, case.id
            assert reading.threshold is None and not reading.deters


# ------------------------------------------------------------------------ small pieces
def test_tie_priority_puts_compliant_responses_first_most_forceful_first() -> None:
    assert tie_priority(frozenset({"S"})) == {ALLY_NODE: (0, 1, 2)}
    assert tie_priority(frozenset({"L", "S"})) == {ALLY_NODE: (0, 1, 2)}
    assert tie_priority(frozenset({"L"})) == {ALLY_NODE: (0, 2, 1)}
    assert tie_priority(frozenset({"I"})) == {ALLY_NODE: (1, 2, 0)}
    assert tie_priority(frozenset()) == {ALLY_NODE: (0, 1, 2)}


def test_the_game_cache_compiles_one_tree_per_set_of_short_responses() -> None:
    games = GameCache()
    arrays = as_arrays(FIXED_POINTS[:3])
    for case in all_cases()[:40]:
        evaluate(case.plan, arrays, games)
    assert set(games.trees) == {c.plan.short for c in all_cases()[:40]}
    assert games.tree(frozenset({"S"})) is games.tree(frozenset({"S"}))


def test_the_canonical_case_binds_at_six_fifths() -> None:
    case = next(c for c in PARAMETRIC if c.scenario.id == "korea-dprk-attacked"
                and c.plan.treaty == "china-dprk-1961" and c.rules_name == "builtin")
    values = {k: np.array([float(v), float(v), float(v)])
              for k, v in resolve(case.scenario).values.items()}
    values["a"] = np.array([1.0, 1.2, 2.0])
    arrays = evaluate(case.plan, values, GameCache())
    assert [VERDICTS[int(v)] for v in arrays.verdict] == ["insufficient", "binding", "binding"]
    assert np.allclose(arrays.threshold, 1.2, rtol=1e-12)
    assert arrays.ties.tolist() == [False, True, False]


def test_large_terms_that_cancel_exactly_are_a_tie_not_a_choice() -> None:
    # p_S·v_C − c_C = −b exactly in rationals (0.123456789·1e9 − 123456789.1 = −0.1), but
    # p_S·v_C carries a float rounding error of ~1e-8: far above 1e-12 × the largest
    # payoff (~3.5), well within 1e-12 × the size of the terms (~1.2e8).  The batch
    # tolerance scales with the terms, so the challenger's indifference is kept and the
    # verdict is analyze's (reviewer's case).
    treaty = next(t for t in builtin_treaties() if t.id == "china-dprk-1961")
    scenario = next(s for s in builtin_scenarios() if s.id == "korea-dprk-attacked")
    exact = {"v_C": Fraction(10**9), "c_C": Fraction("123456789.1"), "b": Fraction(1, 10),
             "p_I": Fraction("0.123456789"), "p_L": Fraction("0.123456789"),
             "p_S": Fraction("0.123456789")}
    reference = analyze(treaty, scenario, 710, exact, with_nash=False).readings[0]
    base = resolve(scenario, exact)
    (plan,) = plan_readings([treaty], scenario, 710, base=base.values)
    arrays = evaluate(plan, {k: np.array([float(v)]) for k, v in base.values.items()},
                      GameCache())
    assert VERDICTS[int(arrays.verdict[0])] == reference.verdict == "irrelevant_credible_anyway"
    assert bool(arrays.ties[0]) and reference.ties
