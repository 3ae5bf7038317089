"""Grids and Monte Carlo draws for ``tiedhands sweep`` (``analysis/sampling.py``).

Expected values come from the issue's specification (inclusive ``numpy.linspace`` grids;
the six-distribution grammar; rejection of draws with p_I ≤ p_L ≤ p_S violated; blocks
of 2¹⁶ points seeded by ``SeedSequence(seed).spawn``), from the closed-form means of the
distributions (beta α/(α+β), uniform (lo+hi)/2, normal μ, lognormal exp(μ+σ²/2)), and
from ``scipy.stats.truncnorm.mean`` for the truncated normal.  Statistical checks allow
5 standard errors with fixed seeds, so they are deterministic.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import truncnorm

from analysis.parameters import MAX_MAGNITUDE, PARAMETERS, REGISTRY
from analysis.sampling import (
    BLOCK_SIZE,
    Beta,
    Distribution,
    Fixed,
    Grid,
    LogNormal,
    Normal,
    TruncNormal,
    Uniform,
    block_seed,
    check_support,
    draw_block,
    draws_for_points,
    is_grid,
    parse_distribution,
    parse_grid,
)
from games.errors import InputError

ORDERED = {"p_L": 0.5, "p_S": 0.8}


# ================================================================================= grids
def test_grid_values_are_inclusive_linspace() -> None:
    grid = parse_grid("a=0:20:1001")
    assert grid == Grid("a", 0.0, 20.0, 1001)
    values = grid.values()
    assert values.dtype == np.float64 and len(values) == 1001
    assert values[0] == 0.0 and values[-1] == 20.0
    assert np.array_equal(values, np.linspace(0, 20, 1001))
    assert str(grid) == "a=0:20:1001"


@pytest.mark.parametrize(("text", "expected"), [
    ("p_I=0:1:11", Grid("p_I", 0.0, 1.0, 11)),
    (" p_I = 0 : 3/10 : 4 ", Grid("p_I", 0.0, 0.3, 4)),
    ("v_C=1e-3:1e3:2", Grid("v_C", 0.001, 1000.0, 2)),
    ("a=5:5:1", Grid("a", 5.0, 5.0, 1)),
    ("a=20:0:5", Grid("a", 20.0, 0.0, 5)),          # descending, as numpy.linspace
    ("c_A=0:2:1e2", Grid("c_A", 0.0, 2.0, 100)),      # a whole count may be written 1e2
    ("b=1/2:2:100000000", Grid("b", 0.5, 2.0, 10**8)),
])
def test_parse_grid_accepts(text: str, expected: Grid) -> None:
    assert parse_grid(text) == expected


def test_single_point_grid_and_descending_values() -> None:
    assert parse_grid("a=5:5:1").values().tolist() == [5.0]
    assert parse_grid("a=20:0:5").values().tolist() == [20.0, 15.0, 10.0, 5.0, 0.0]


@pytest.mark.parametrize(("text", "field", "message"), [
    ("a", "--param", "'a' is not a grid"),
    ("x=0:1:2", "--param", "unknown parameter 'x'"),
    ("a=0:1", "--param a", "'0:1' is not a grid"),
    ("a=0:1:2:3", "--param a", "is not a grid"),
    ("a=0:20:0", "--param a", "empty grid: count is 0"),
    ("a=0:20:-3", "--param a", "empty grid: count is -3"),
    ("a=0:20:2.5", "--param a", "grid count 5/2 (2.5) is not a whole number"),
    ("a=0:20:1", "--param a", "a grid of 1 point needs start = stop (got 0 and 20)"),
    ("a=0:20:100000001", "--param a", "grid of 100000001 points is too large"),
    ("a=0::3", "--param a", "grid stop: '' is not a number"),
    ("a=zero:1:3", "--param a", "grid start: 'zero' is not a number"),
    ("a=0:1:x", "--param a", "grid count: 'x' is not a number"),
    ("a=-1:2:3", "--param a", "a = -1 is outside its domain"),
    ("p_I=0:1.5:3", "--param p_I", "p_I = 3/2 (1.5) is outside its domain"),
    ("b=0:1:3", "--param b", "b = 0 is outside its domain"),
    ("a=0:2e9:3", "--param a", "a = 2000000000 is too large"),
])
def test_parse_grid_refuses(text: str, field: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_grid(text)
    assert caught.value.field == field
    assert message in caught.value.message


def test_parse_grid_errors_say_what_is_expected() -> None:
    with pytest.raises(InputError) as caught:
        parse_grid("x=0:1:2")
    assert caught.value.expected is not None and "v_C, c_C, b" in caught.value.expected
    with pytest.raises(InputError) as caught:
        parse_grid("a=0:20:0")
    assert caught.value.expected is not None and "at least 1 point" in caught.value.expected
    with pytest.raises(InputError) as caught:
        parse_grid("b=0:1:3")
    assert caught.value.expected == "b > 0"


def test_is_grid() -> None:
    assert is_grid("a=0:20:11") and is_grid("a = 0 : 1 : 2") and is_grid("a=:")
    assert not is_grid("a=2") and not is_grid("a=3/2") and not is_grid("a:2")


# ========================================================================= distributions
@pytest.mark.parametrize(("text", "name", "dist", "canonical"), [
    ("p_I=beta(2,5)", "p_I", Beta(2, 5), "beta(2, 5)"),
    ("  p_I =  beta ( 2 , 5 )  ", "p_I", Beta(2, 5), "beta(2, 5)"),
    ("p_I=Beta(1/2, 3/2)", "p_I", Beta(0.5, 1.5), "beta(0.5, 1.5)"),
    ("p_S=uniform(0.6, 1)", "p_S", Uniform(0.6, 1), "uniform(0.6, 1)"),
    ("a=uniform(0,1e-3)", "a", Uniform(0, 0.001), "uniform(0, 0.001)"),
    ("p_L=truncnormal(0.5, 0.1, 0, 1)", "p_L", TruncNormal(0.5, 0.1, 0, 1),
     "truncnormal(0.5, 0.1, 0, 1)"),
    ("a=truncnormal(-1, 2, 0, 10)", "a", TruncNormal(-1, 2, 0, 10), "truncnormal(-1, 2, 0, 10)"),
    ("v_C=lognormal(2, 0.5)", "v_C", LogNormal(2, 0.5), "lognormal(2, 0.5)"),
    ("b=lognormal(-1,1)", "b", LogNormal(-1, 1), "lognormal(-1, 1)"),
    ("b=uniform(0, 2)", "b", Uniform(0, 2), "uniform(0, 2)"),
    ("c_L=beta(2, 2)", "c_L", Beta(2, 2), "beta(2, 2)"),
    ("p_I=fixed(3/10)", "p_I", Fixed(0.3), "fixed(0.3)"),
    ("b=fixed(1e-6)", "b", Fixed(1e-6), "fixed(1e-06)"),
])
def test_parse_distribution_accepts(text: str, name: str, dist: Distribution,
                                    canonical: str) -> None:
    assert parse_distribution(text) == (name, dist)
    assert str(dist) == canonical
    assert parse_distribution(f"{name}={canonical}") == (name, dist)


KINDS = ("beta(alpha, beta), uniform(lo, hi), normal(mu, sigma), "
         "truncnormal(mu, sigma, lo, hi), lognormal(mu, sigma), fixed(x)")


@pytest.mark.parametrize(("text", "field", "message", "expected"), [
    ("p_I beta(2,5)", "--dist", "'p_I beta(2,5)' is not a distribution assignment",
     "name=distribution, e.g. p_I=beta(2,5)"),
    ("q=beta(2,5)", "--dist", "unknown parameter 'q'", "one of v_C, c_C, b, p_I"),
    ("p_I=gamma(2,5)", "--dist p_I", "unknown distribution 'gamma'", f"one of {KINDS}"),
    ("p_I=0.3", "--dist p_I", "'0.3' is not a distribution", f"one of {KINDS}"),
    ("p_I=beta", "--dist p_I", "'beta' is not a distribution", f"one of {KINDS}"),
    ("p_I=", "--dist p_I", "'' is not a distribution", f"one of {KINDS}"),
    ("p_I=beta(2)", "--dist p_I", "beta takes 2 arguments (alpha, beta), got 1",
     "beta(alpha, beta)"),
    ("p_I=beta()", "--dist p_I", "beta takes 2 arguments (alpha, beta), got 0",
     "beta(alpha, beta)"),
    ("a=truncnormal(1,2,3)", "--dist a", "truncnormal takes 4 arguments (mu, sigma, lo, hi), "
     "got 3", "truncnormal(mu, sigma, lo, hi)"),
    ("a=fixed(1,2)", "--dist a", "fixed takes 1 argument (x), got 2", "fixed(x)"),
    ("a=lognormal(1,x)", "--dist a", "lognormal argument sigma: 'x' is not a number",
     "a finite number"),
    ("a=lognormal(1,)", "--dist a", "lognormal argument sigma: '' is not a number",
     "a finite number"),
    ("a=lognormal(1,2**3)", "--dist a", "'2**3' is not a number", "a finite number"),
    ("a=lognormal(1,1/0)", "--dist a", "'1/0' divides by zero", "a number"),
    ("a=lognormal(1,(2))", "--dist a", "lognormal argument sigma: '(2' is not a number",
     "a finite number"),
    ("p_I=beta(0,5)", "--dist p_I", "alpha must be > 0 (got 0)",
     "beta(alpha, beta) with alpha > 0"),
    ("p_I=beta(2,-5)", "--dist p_I", "beta must be > 0 (got -5)",
     "beta(alpha, beta) with beta > 0"),
    ("a=lognormal(0,-1)", "--dist a", "sigma must be > 0 (got -1)",
     "lognormal(mu, sigma) with sigma > 0"),
    ("a=truncnormal(1,0,0,2)", "--dist a", "sigma must be > 0 (got 0)",
     "truncnormal(mu, sigma, lo, hi) with sigma > 0"),
    ("p_I=uniform(0.5, 0.5)", "--dist p_I", "lo must be < hi (got lo = 0.5, hi = 0.5)",
     "uniform(lo, hi) with lo < hi"),
    ("a=truncnormal(1,1,3,2)", "--dist a", "lo must be < hi (got lo = 3, hi = 2)",
     "truncnormal(mu, sigma, lo, hi) with lo < hi"),
    ("a=uniform(0,1e10)", "--dist a", "uniform argument hi = 10000000000 is not a finite number",
     "uniform(lo, hi)"),
    ("p_I=beta(2,5)x", "--dist p_I", "unexpected text 'x' after beta(...)",
     "nothing after beta(alpha, beta)"),
    ("p_I=beta(2,5));import os", "--dist p_I", "unexpected text ');import os' after beta(...)",
     "nothing after beta(alpha, beta)"),
    ("p_I=beta(2,5", "--dist p_I", "beta( has no closing ')'", "beta(alpha, beta)"),
    ("p_I=__import__('os')", "--dist p_I", "unknown distribution '__import__'",
     f"one of {KINDS}"),
])
def test_parse_distribution_refuses(text: str, field: str, message: str, expected: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_distribution(text)
    assert caught.value.field == field
    assert message in caught.value.message
    assert caught.value.expected is not None and expected in caught.value.expected


@pytest.mark.parametrize("build", [
    lambda: Beta(0, 1), lambda: Beta(1, -1), lambda: Uniform(1, 1), lambda: Normal(0, 0),
    lambda: Normal(math.nan, 1), lambda: TruncNormal(0, -1, 0, 1), lambda: TruncNormal(0, 1, 1, 0),
    lambda: LogNormal(0, -2), lambda: Fixed(math.inf), lambda: Uniform(0, 2e9),
    lambda: TruncNormal(1, 1, 0, 1e-300),  # (lo − μ)/σ = (hi − μ)/σ in floats
])
def test_constructors_refuse_bad_arguments(build: Callable[[], Distribution]) -> None:
    with pytest.raises(InputError):
        build()


# ============================================================================== supports
NORMAL_FOR_P_I = ("normal(5, 0.1) puts 0% of its mass in 0 ≤ p_I ≤ 1, so its draws would "
                  "almost all be rejected; use beta, uniform or truncnormal")


@pytest.mark.parametrize(("text", "message"), [
    ("p_I=normal(5, 0.1)", NORMAL_FOR_P_I),
    ("p_S=lognormal(-1, 0.1)", "lognormal has support [0, inf) but p_S must satisfy 0 ≤ p_S ≤ 1"),
    ("p_L=uniform(0.5, 1.5)", "uniform has support [0.5, 1.5] but p_L must satisfy"),
    ("p_L=truncnormal(0.5, 1, -1, 1)", "truncnormal has support [-1, 1] but p_L must satisfy"),
    ("a=normal(-10, 1)", "normal(-10, 1) puts 7.6e-22% of its mass in a ≥ 0, so its draws "
     "would almost all be rejected; use lognormal or truncnormal"),
    ("v_C=uniform(-1, 3)", "uniform has support [-1, 3] but v_C must satisfy v_C ≥ 0"),
    ("b=truncnormal(1, 1, -1, 3)", "but b must satisfy b > 0"),
    ("p_I=fixed(1.5)", "fixed(1.5) puts p_I = 1.5 outside its domain"),
    ("a=fixed(-1)", "fixed(-1) puts a = -1 outside its domain"),
    ("b=fixed(0)", "fixed(0) puts b = 0 outside its domain"),
])
def test_supports_outside_the_domain_are_refused(text: str, message: str) -> None:
    name = text.partition("=")[0]
    with pytest.raises(InputError) as caught:
        parse_distribution(text)
    assert caught.value.field == f"--dist {name}"
    assert message in caught.value.message


def test_supports_inside_the_closed_domain_are_accepted() -> None:
    # The closure of b > 0 is b ≥ 0: a continuous draw of exactly 0 has probability 0 (and is
    # rejected by draw_block should it happen); only a point mass must respect the open bound.
    accepted: list[tuple[str, Distribution]] = [
        ("p_I", Beta(2, 5)), ("p_I", Uniform(0, 1)), ("p_I", Fixed(0)), ("p_S", Fixed(1)),
        ("b", LogNormal(0, 1)), ("b", Uniform(0, 2)), ("b", Beta(1, 1)),
        ("a", TruncNormal(2, 1, 0, 5)), ("v_C", Fixed(1e9))]
    for name, dist in accepted:
        check_support(name, dist)
    with pytest.raises(InputError, match="unknown parameter 'zz'"):
        check_support("zz", Beta(1, 1))
    with pytest.raises(InputError, match="at most 1000000000 in absolute value"):
        check_support("v_C", Fixed(1e9 + 1))


def test_support_message_names_the_domain() -> None:
    with pytest.raises(InputError) as caught:
        check_support("p_I", Normal(5, 0.1))
    assert caught.value.message == NORMAL_FOR_P_I
    assert caught.value.expected == "a distribution with at least 1% of its mass in the domain"


def test_a_normal_is_truncated_to_the_domain_by_rejection() -> None:
    # normal(0.3, 0.1) on 0 ≤ p_I ≤ 1 (p_L = p_S = 1 fixed so the ordering never binds):
    # a draw is rejected with probability Φ(−3) + 1 − Φ(7) ≈ 0.00135 (closed form).
    check_support("p_I", Normal(0.3, 0.1))
    draws = draw_block({"p_I": Normal(0.3, 0.1)}, {"p_L": 1.0, "p_S": 1.0}, 11, 0)
    values = draws.values["p_I"]
    assert values.min() >= 0 and values.max() <= 1
    expected = 0.5 * math.erfc(3 / math.sqrt(2)) + 0.5 * math.erfc(7 / math.sqrt(2))
    share = draws.rejected / draws.attempted
    assert abs(share - expected) < 5 * math.sqrt(expected * (1 - expected) / draws.attempted)


# ============================================================================ seeds, blocks
@pytest.mark.parametrize(("seed", "block"), [(0, 0), (0, 5), (12345, 0), (12345, 3),
                                             (2**70, 17), (7, 1000)])
def test_block_seed_is_the_spawned_child(seed: int, block: int) -> None:
    child = np.random.SeedSequence(seed).spawn(block + 1)[block]
    ours = block_seed(seed, block)
    assert ours.state == child.state
    assert np.array_equal(ours.generate_state(8), child.generate_state(8))
    assert np.array_equal(np.random.default_rng(ours).random(5),
                          np.random.default_rng(child).random(5))


@pytest.mark.parametrize("seed", [-1, 1.5, True, "3", None])
def test_block_seed_refuses_bad_seeds(seed: object) -> None:
    with pytest.raises(InputError) as caught:
        block_seed(seed, 0)  # type: ignore[arg-type]
    assert caught.value.field == "--seed"
    assert "is not a non-negative integer" in caught.value.message


def test_block_seed_refuses_a_negative_block() -> None:
    with pytest.raises(ValueError, match="block must be a non-negative integer"):
        block_seed(0, -1)


CHUNK_DISTRIBUTIONS: dict[str, Distribution] = {
    "p_I": Uniform(0, 1), "a": LogNormal(0, 0.5), "v_C": Beta(2, 3)}


@pytest.mark.parametrize("chunk", [1000, 65536, 100000, 131072])
def test_any_chunking_gives_the_same_draws(chunk: int) -> None:
    total = 200_000
    whole = draws_for_points(CHUNK_DISTRIBUTIONS, ORDERED, 2024, 0, total)
    pieces = [draws_for_points(CHUNK_DISTRIBUTIONS, ORDERED, 2024, start,
                               min(start + chunk, total)) for start in range(0, total, chunk)]
    for name in CHUNK_DISTRIBUTIONS:
        joined = np.concatenate([piece.values[name] for piece in pieces])
        assert joined.shape == (total,)
        assert np.array_equal(joined, whole.values[name])


def test_points_are_sliced_from_their_blocks() -> None:
    first = draw_block(CHUNK_DISTRIBUTIONS, ORDERED, 9, 0)
    second = draw_block(CHUNK_DISTRIBUTIONS, ORDERED, 9, 1)
    across = draws_for_points(CHUNK_DISTRIBUTIONS, ORDERED, 9, BLOCK_SIZE - 5, BLOCK_SIZE + 7)
    expected = np.concatenate([first.values["p_I"][-5:], second.values["p_I"][:7]])
    assert np.array_equal(across.values["p_I"], expected)
    # Partial blocks count whole in attempted/rejected.
    assert across.attempted == first.attempted + second.attempted
    assert across.rejected == first.rejected + second.rejected


def test_empty_and_bad_ranges() -> None:
    empty = draws_for_points(CHUNK_DISTRIBUTIONS, ORDERED, 1, 10, 10)
    assert all(len(v) == 0 for v in empty.values.values()) and empty.attempted == 0
    assert set(empty.values) == set(CHUNK_DISTRIBUTIONS)
    with pytest.raises(ValueError, match="start ≤ stop"):
        draws_for_points(CHUNK_DISTRIBUTIONS, ORDERED, 1, 10, 5)
    with pytest.raises(ValueError, match="start ≤ stop"):
        draws_for_points(CHUNK_DISTRIBUTIONS, ORDERED, 1, -1, 5)
    with pytest.raises(InputError, match="--seed"):
        draws_for_points(CHUNK_DISTRIBUTIONS, ORDERED, -1, 0, 0)


def test_same_seed_same_draws_other_seed_other_draws() -> None:
    one = draw_block(CHUNK_DISTRIBUTIONS, ORDERED, 42, 3, size=5000)
    again = draw_block(CHUNK_DISTRIBUTIONS, ORDERED, 42, 3, size=5000)
    other = draw_block(CHUNK_DISTRIBUTIONS, ORDERED, 43, 3, size=5000)
    other_block = draw_block(CHUNK_DISTRIBUTIONS, ORDERED, 42, 4, size=5000)
    for name in CHUNK_DISTRIBUTIONS:
        assert np.array_equal(one.values[name], again.values[name])
        assert not np.array_equal(one.values[name], other.values[name])
        assert not np.array_equal(one.values[name], other_block.values[name])
    assert (one.attempted, one.rejected) == (again.attempted, again.rejected)


def test_mapping_order_does_not_matter() -> None:
    forward = draw_block(CHUNK_DISTRIBUTIONS, ORDERED, 5, 0, size=3000)
    backward = draw_block(dict(reversed(CHUNK_DISTRIBUTIONS.items())), ORDERED, 5, 0, size=3000)
    assert list(forward.values) == ["v_C", "p_I", "a"]  # registry order
    for name in CHUNK_DISTRIBUTIONS:
        assert np.array_equal(forward.values[name], backward.values[name])


def test_draws_are_read_only_float64() -> None:
    draws = draw_block({"p_I": Beta(2, 5), "a": Fixed(2)}, ORDERED, 1, 0, size=100)
    assert set(draws.values) == {"p_I", "a"}
    for values in draws.values.values():
        assert values.dtype == np.float64 and values.shape == (100,)
        with pytest.raises(ValueError, match="read-only"):
            values[0] = 0.0
    assert np.all(draws.values["a"] == 2.0)


# ===================================================================== validity (property)
def _interval(lo: float, hi: float, ends: st.SearchStrategy[float] | None = None,
              ) -> st.SearchStrategy[tuple[float, float]]:
    """Pairs lo ≤ a < b ≤ hi (from ``ends`` when given)."""
    ends = st.floats(lo, hi) if ends is None else ends
    return st.tuples(ends, ends).filter(lambda pair: pair[0] != pair[1]).map(
        lambda pair: (min(pair), max(pair)))


def _truncnormals(mus: st.SearchStrategy[float], sigmas: st.SearchStrategy[float],
                  intervals: st.SearchStrategy[tuple[float, float]],
                  ) -> st.SearchStrategy[Distribution]:
    """Truncated normals whose standardised bounds differ as floats (else refused)."""
    return st.tuples(mus, sigmas, intervals).filter(
        lambda t: (t[2][0] - t[0]) / t[1] < (t[2][1] - t[0]) / t[1]).map(
        lambda t: TruncNormal(t[0], t[1], *t[2]))


def _within(lo: float, hi: float) -> st.SearchStrategy[Distribution]:
    """Distributions whose support lies in [lo, hi]."""
    return st.one_of(
        _interval(lo, hi).map(lambda pair: Uniform(*pair)),
        _truncnormals(st.floats(lo, hi), st.floats(0.01, 1), _interval(lo, hi)),
        st.floats(lo, hi).map(Fixed),
    )


_FULL = st.one_of(st.builds(Beta, st.floats(0.5, 2), st.floats(0.5, 2)), st.just(Uniform(0, 1)))
_COST = st.one_of(
    st.builds(LogNormal, st.floats(-2, 2), st.floats(0.1, 2)),
    st.builds(Beta, st.floats(0.05, 3), st.floats(0.05, 3)),
    _within(0, 5),
)


@st.composite
def _setups(draw: st.DrawFn) -> tuple[dict[str, Distribution], dict[str, float]]:
    """Distributions (the probabilities mostly ordered, p_I sometimes over all of [0, 1])
    and fixed values for the rest."""
    dists: dict[str, Distribution] = {}
    fixed: dict[str, float] = {}
    ranges = {"p_I": st.one_of(_within(0, 0.35), _FULL), "p_L": _within(0.35, 0.65),
              "p_S": _within(0.65, 1)}
    constants = {"p_I": st.floats(0, 0.35), "p_L": st.floats(0.35, 0.65),
                 "p_S": st.floats(0.65, 1)}
    for name in ("p_I", "p_L", "p_S"):
        if draw(st.booleans()):
            dists[name] = draw(ranges[name])
        elif draw(st.booleans()):
            fixed[name] = draw(constants[name])
    for name in ("v_C", "c_C", "b", "v_A", "c_A", "c_L", "a"):
        if draw(st.booleans()):
            # b > 0: a point mass at 0 is refused up front (check_support), not drawn
            dists[name] = draw(_COST.filter(lambda d: not (isinstance(d, Fixed) and d.x <= 0))
                               if REGISTRY[name].lower_open else _COST)
        elif draw(st.booleans()):
            fixed[name] = draw(st.floats(0.5, 10))
    return dists, fixed


def _in_domain(name: str, values: np.ndarray) -> bool:
    parameter = REGISTRY[name]
    lower = float(parameter.lower) if parameter.lower is not None else -math.inf
    ok = values > lower if parameter.lower_open else values >= lower
    if parameter.upper is not None:
        ok &= values <= float(parameter.upper)
    return bool(np.all(ok & (np.abs(values) <= MAX_MAGNITUDE)))


@settings(max_examples=60, deadline=None)
@given(_setups(), st.integers(0, 2**64), st.integers(0, 50), st.integers(0, 300))
def test_every_accepted_draw_is_valid(setup: tuple[dict[str, Distribution], dict[str, float]],
                                      seed: int, block: int, size: int) -> None:
    dists, fixed = setup
    draws = draw_block(dists, fixed, seed, block, size=size)
    assert draws.attempted == size + draws.rejected and draws.rejected >= 0
    assert list(draws.values) == [p.name for p in PARAMETERS if p.name in dists]
    point = {p.name: np.full(size, float(fixed.get(p.name, p.default))) for p in PARAMETERS}
    for name, values in draws.values.items():
        assert values.shape == (size,) and values.dtype == np.float64
        lo, hi = dists[name].support()
        assert np.all((values >= lo) & (values <= hi))
        point[name] = values
    for name, values in point.items():
        assert _in_domain(name, values), name
    assert np.all(point["p_I"] <= point["p_L"]) and np.all(point["p_L"] <= point["p_S"])


# Numbers whose shortest text parse_number reads (exponents up to 300).
_ROUND_TRIP = st.floats(0, 1e9).filter(lambda x: x == 0 or x >= 1e-200)


@settings(max_examples=100, deadline=None)
@given(st.one_of(
    _interval(0, 1e9, _ROUND_TRIP).map(lambda pair: Uniform(*pair)),
    st.builds(Beta, _ROUND_TRIP.filter(bool), _ROUND_TRIP.filter(bool)),
    st.builds(LogNormal, _ROUND_TRIP, _ROUND_TRIP.filter(bool)),
    _truncnormals(_ROUND_TRIP, _ROUND_TRIP.filter(bool), _interval(0, 1e9, _ROUND_TRIP)),
    _ROUND_TRIP.map(Fixed),
))
def test_canonical_text_reads_back(dist: Distribution) -> None:
    assert parse_distribution(f"a={dist}") == ("a", dist)


# ====================================================================== rejection, means
def test_rejected_share_tends_to_one_half() -> None:
    # p_I ~ uniform(0, 1), p_L = 0.5, p_S = 0.8: an attempt is kept iff p_I ≤ 1/2, so
    # q = P(kept) = 1/2 and the rejected share of the N attempts tends to 1 − q = 1/2 with
    # standard error √(q(1 − q)/N) (the same for negative-binomial sampling, which stops at
    # a fixed number of kept points).  Kept p_I are uniform on [0, 1/2]: mean 1/4,
    # standard deviation (1/2)/√12.
    draws = draws_for_points({"p_I": Uniform(0, 1)}, ORDERED, 31337, 0, 4 * BLOCK_SIZE)
    share = draws.rejected / draws.attempted
    assert share == draws.rejected_share
    assert abs(share - 0.5) <= 5 * math.sqrt(0.25 / draws.attempted)
    kept = draws.values["p_I"]
    assert kept.max() <= 0.5
    assert abs(kept.mean() - 0.25) <= 5 * (0.5 / math.sqrt(12)) / math.sqrt(len(kept))


def test_no_rejection_without_constraints() -> None:
    draws = draw_block({"a": LogNormal(0, 1)}, {}, 3, 0)
    assert draws.rejected == 0 and draws.attempted == BLOCK_SIZE


def _scipy_truncnorm_mean(dist: TruncNormal) -> float:
    a, b = (dist.lo - dist.mu) / dist.sigma, (dist.hi - dist.mu) / dist.sigma
    return float(truncnorm.mean(a, b, loc=dist.mu, scale=dist.sigma))


@pytest.mark.parametrize(("dist", "reference"), [
    (Beta(2, 5), 2 / 7),                                  # α/(α+β)
    (Beta(0.5, 0.5), 0.5),
    (Uniform(-1, 3), 1.0),                                # (lo+hi)/2
    (Normal(1, 2), 1.0),                                  # μ
    (LogNormal(0, 0.5), math.exp(0.125)),                 # exp(μ + σ²/2)
    (LogNormal(1, 0.25), math.exp(1 + 0.03125)),
    (TruncNormal(0.5, 0.3, 0, 1), None),                  # scipy.stats.truncnorm.mean
    (TruncNormal(0, 1, 1, 3), None),
    (TruncNormal(2, 1, -1, 0), None),
    (Fixed(0.7), 0.7),
])
def test_sample_means_match_closed_forms(dist: Distribution, reference: float | None) -> None:
    if isinstance(dist, TruncNormal):
        reference = _scipy_truncnorm_mean(dist)
    assert reference is not None
    assert dist.mean() == pytest.approx(reference, rel=1e-12, abs=1e-12)
    sample = dist.draw(np.random.default_rng(20240601), 200_000)
    assert sample.dtype == np.float64 and sample.shape == (200_000,)
    standard_error = float(sample.std(ddof=1)) / math.sqrt(len(sample))
    assert abs(float(sample.mean()) - reference) <= 5 * standard_error + 1e-15


def test_block_means_match_closed_forms() -> None:
    # Through the block machinery (no rejection: a and v_C have no ordering constraint).
    dists: dict[str, Distribution] = {"a": LogNormal(0.5, 0.4), "v_C": TruncNormal(3, 2, 0, 6)}
    draws = draws_for_points(dists, {}, 99, 0, 2 * BLOCK_SIZE)
    for name, dist in dists.items():
        values = draws.values[name]
        standard_error = float(values.std(ddof=1)) / math.sqrt(len(values))
        assert abs(float(values.mean()) - dist.mean()) <= 5 * standard_error
    assert dists["a"].mean() == pytest.approx(math.exp(0.5 + 0.08))


@pytest.mark.parametrize(("mu", "sigma", "lo", "hi"), [
    (0, 1, -1, 1), (0, 1, 5, 6), (0, 1, -6, -5), (0, 1, 30, 31), (0, 1, -31, -30),
    (0, 1, 40, 41), (0, 1, -41, -40), (0.5, 0.01, 0, 1), (3, 0.5, 0, 0.1), (0, 1, -0.1, 20),
])
def test_truncnormal_mean_agrees_with_scipy(mu: float, sigma: float, lo: float,
                                            hi: float) -> None:
    dist = TruncNormal(mu, sigma, lo, hi)
    assert dist.mean() == pytest.approx(_scipy_truncnorm_mean(dist), rel=1e-9, abs=1e-12)
    assert lo <= dist.mean() <= hi


def test_lognormal_mean_overflows_to_infinity() -> None:
    assert LogNormal(1000, 1).mean() == math.inf


# ========================================================================== refusals
def test_impossible_ordering_is_refused_quickly() -> None:
    began = time.monotonic()
    with pytest.raises(InputError) as caught:
        draw_block({"p_I": Uniform(0.6, 0.9)}, {"p_L": 0.5}, 1, 0)
    assert time.monotonic() - began < 5
    error = caught.value
    assert error.field == "--dist"
    assert "p_I ~ uniform(0.6, 0.9)" in error.message
    assert "p_L = 0.5, p_S = 0.8 fixed" in error.message   # p_S at its default
    assert "p_I ≤ p_L ≤ p_S" in error.message and "almost never met" in error.message
    assert error.message.startswith("only 0 of 1,048,576 draws were accepted")


def test_fixed_values_are_checked_up_front() -> None:
    with pytest.raises(InputError) as caught:
        draw_block({"p_I": Uniform(0, 1)}, {"p_L": 0.9, "p_S": 0.1}, 1, 0)
    assert caught.value.field == "--param"
    assert "p_L = 0.9 > p_S = 0.1 for every draw" in caught.value.message
    with pytest.raises(InputError) as caught:  # a point mass counts as fixed
        draw_block({"p_I": Fixed(0.9)}, {}, 1, 0)
    assert "p_I = 0.9 > p_L = 0.5 for every draw" in caught.value.message
    with pytest.raises(InputError) as caught:
        draw_block({"p_I": Uniform(0, 1)}, {"b": 0.0}, 1, 0)
    assert caught.value.field == "--param b" and caught.value.expected == "b > 0"
    with pytest.raises(InputError, match="unknown parameter 'zz'"):
        draw_block({"p_I": Uniform(0, 1)}, {"zz": 1.0}, 1, 0)
    with pytest.raises(InputError, match="unknown parameter 'zz'"):
        draw_block({"zz": Uniform(0, 1)}, {}, 1, 0)
    with pytest.raises(InputError, match="of its mass in"):
        draw_block({"p_I": Normal(5, 0.1)}, {}, 1, 0)


def test_fixed_values_may_be_fractions_and_drawn_names_win() -> None:
    draws = draw_block({"p_L": Uniform(0.4, 0.6)}, {"p_L": 5.0, "p_I": Fraction(1, 2)}, 8, 0,
                       size=1000)
    assert np.all((draws.values["p_L"] >= 0.4) & (draws.values["p_L"] <= 0.6))
    assert np.all(draws.values["p_L"] >= 0.5)
    assert draws.rejected > 0  # p_L < p_I = 1/2 is refused
