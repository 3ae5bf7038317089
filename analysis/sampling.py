"""Parameter grids and Monte Carlo draws for ``tiedhands sweep``.

Grids
-----
``--param name=start:stop:count`` is the inclusive grid of ``numpy.linspace``: the
``count`` points ``start + k (stop − start)/(count − 1)`` for ``k = 0, …, count − 1`` (one
point, ``start``, when ``count = 1``, which then needs ``start = stop``).  A sweep runs over
the product of all its grids.

Monte Carlo
-----------
``--dist name=kind(args)`` draws a parameter from one of six distributions.  The text is
read by a fixed grammar (a regular expression, with every number read by
:func:`~analysis.parameters.parse_number`); nothing is ever evaluated.

* ``beta(α, β)``: density ``x^(α−1) (1−x)^(β−1) / B(α, β)`` on ``[0, 1]``; mean ``α/(α+β)``.
* ``uniform(lo, hi)``: density ``1/(hi − lo)`` on ``[lo, hi]``; mean ``(lo + hi)/2``.
* ``normal(μ, σ)``: density ``φ((x − μ)/σ)/σ`` on ℝ; mean ``μ``.
* ``truncnormal(μ, σ, lo, hi)``: the normal conditioned on ``[lo, hi]``; with
  ``α = (lo − μ)/σ`` and ``β = (hi − μ)/σ``, mean ``μ + σ (φ(α) − φ(β))/(Φ(β) − Φ(α))``.
* ``lognormal(μ, σ)``: ``exp(N(μ, σ))`` on ``(0, ∞)``; mean ``exp(μ + σ²/2)``.
* ``fixed(x)``: the point mass at ``x``; mean ``x``.

A distribution whose support is not inside the parameter's (closed) domain is refused up
front (:func:`check_support`).  The drawn points are then *rejection sampled*: a point
is kept only when the whole parameter vector (the drawn values, plus the fixed values of
the other parameters) lies in every domain, within ±10⁹, and has ``p_I ≤ p_L ≤ p_S``.
The kept points are therefore draws from the product of the distributions conditioned on
that valid set ``V``; each attempt is kept with probability ``q = P(V)``, and the
rejected share of the attempts tends to ``1 − q``.

Determinism
-----------
Point ``i`` (counting from 0) belongs to block ``i // 2¹⁶``.  Block ``k`` is drawn by
:func:`draw_block` from its own generator, seeded with
``numpy.random.SeedSequence(seed).spawn(k + 1)[k]`` (:func:`block_seed`), so the value
of point ``i`` depends only on the seed, the distributions, the fixed values and ``i``;
never on the chunk size, the number of workers or the order they run in
(:func:`draws_for_points`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from types import MappingProxyType
from typing import Protocol

import numpy as np
import numpy.typing as npt

from analysis.parameters import (
    MAX_MAGNITUDE,
    PARAMETERS,
    REGISTRY,
    Parameter,
    parse_number,
    split_assignment,
)
from games.errors import InputError

FloatArray = npt.NDArray[np.float64]

BLOCK_SIZE: int = 2**16
"""Points per block; block ``k`` holds the points ``[k·2¹⁶, (k+1)·2¹⁶)``."""

MAX_GRID_COUNT: int = 10**8
"""Most points in one grid (``count`` of ``start:stop:count``)."""

MIN_NORMAL_MASS = 0.01
"""Least share of a ``normal``'s mass that must lie in the parameter's domain."""

MIN_ACCEPTED_SHARE = Fraction(1, 10**4)
"""A block whose acceptance falls below this share (after :data:`CAP_ATTEMPTS`) is refused."""

CAP_ATTEMPTS: int = 10**6
"""Attempted points in one block before the acceptance share is checked."""

PROBABILITIES = ("p_I", "p_L", "p_S")
"""The win probabilities, in the order they must satisfy (``p_I ≤ p_L ≤ p_S``)."""


# ================================================================================= grids
@dataclass(frozen=True)
class Grid:
    """The inclusive grid ``start:stop:count`` of one parameter (like ``numpy.linspace``).

    Its points are ``start + k (stop − start)/(count − 1)`` for ``k = 0, …, count − 1``
    (just ``start`` when ``count = 1``).
    """

    name: str
    start: float
    stop: float
    count: int

    def values(self) -> FloatArray:
        """The grid's points: ``numpy.linspace(start, stop, count)`` as float64.

        Examples
        --------
        >>> Grid("a", 0.0, 1.0, 5).values().tolist()
        [0.0, 0.25, 0.5, 0.75, 1.0]
        """
        return np.linspace(self.start, self.stop, self.count, dtype=np.float64)

    def __str__(self) -> str:
        return f"{self.name}={_fmt(self.start)}:{_fmt(self.stop)}:{self.count}"


def is_grid(text: str) -> bool:
    """True when the value of ``name=value`` is a grid (contains ``:``), e.g. ``a=0:20:11``.

    Examples
    --------
    >>> is_grid("a=0:20:11"), is_grid("a=2")
    (True, False)
    """
    return ":" in text.partition("=")[2]


def parse_grid(text: str) -> Grid:
    """The grid of ``name=start:stop:count`` (``--param``), checked against the registry.

    ``start`` and ``stop`` are read by :func:`~analysis.parameters.parse_number` and must lie
    in the parameter's domain; ``count`` is a whole number with
    ``1 ≤ count ≤`` :data:`MAX_GRID_COUNT`, and ``count = 1`` needs ``start = stop``.
    ``stop < start`` gives a descending grid, as ``numpy.linspace`` does.

    Raises
    ------
    InputError
        For a missing ``=``, an unknown parameter, a value that is not
        ``start:stop:count``, a bad number, an empty or too large grid, or a bound
        outside the domain.

    Examples
    --------
    >>> parse_grid("a=0:20:1001")
    Grid(name='a', start=0.0, stop=20.0, count=1001)
    >>> parse_grid("p_I = 0 : 3/10 : 4").values().round(2).tolist()
    [0.0, 0.1, 0.2, 0.3]
    """
    name, value = split_assignment(text, "a grid", "name=start:stop:count, e.g. a=0:20:1001")
    field = f"--param {name}"
    parts = value.split(":")
    if len(parts) != 3:
        raise InputError(f"{value.strip()!r} is not a grid", field=field,
                         expected="start:stop:count, e.g. 0:20:1001 "
                                  "(inclusive, like numpy.linspace)")
    start, stop, count = (_grid_number(part, role, field)
                          for part, role in zip(parts, ("start", "stop", "count"), strict=True))
    if count.denominator != 1:
        raise InputError(f"grid count {_show(count)} is not a whole number", field=field,
                         expected="a whole number of points, at least 1")
    if count < 1:
        raise InputError(f"empty grid: count is {count}", field=field,
                         expected="a grid of at least 1 point (start:stop:count with count ≥ 1)")
    if count > MAX_GRID_COUNT:
        raise InputError(f"grid of {count} points is too large", field=field,
                         expected=f"at most {MAX_GRID_COUNT} points per grid")
    if count == 1 and start != stop:
        raise InputError(f"a grid of 1 point needs start = stop (got {_show(start)} and "
                         f"{_show(stop)})", field=field,
                         expected="count ≥ 2, or a single value name=x")
    if count > 1 and start == stop:
        raise InputError(f"a grid of {count} points from {_show(start)} to {_show(stop)} "
                         f"repeats one value", field=field,
                         expected="start ≠ stop, or a single value name=x")
    parameter = REGISTRY[name]
    parameter.check(start, field)
    parameter.check(stop, field)
    return Grid(name, float(start), float(stop), int(count))


def _grid_number(text: str, role: str, field: str) -> Fraction:
    try:
        return parse_number(text, field)
    except InputError as error:
        raise InputError(f"grid {role}: {error.message}", field=field,
                         expected=error.expected) from None


# ========================================================================= distributions
class Distribution(Protocol):
    """A distribution of one parameter: its support, draws, mean and canonical text."""

    def support(self) -> tuple[float, float]:
        """The closure ``[lo, hi]`` of the support (either end may be infinite)."""
        ...

    def draw(self, rng: np.random.Generator, size: int) -> FloatArray:
        """``size`` independent float64 draws from ``rng``."""
        ...

    def mean(self) -> float:
        """The mean, in closed form."""
        ...

    def __str__(self) -> str:
        """The canonical text, e.g. ``beta(2, 5)``; :func:`parse_distribution` reads it back."""
        ...


@dataclass(frozen=True)
class Beta:
    """``beta(α, β)``: density ``x^(α−1) (1−x)^(β−1) / B(α, β)`` on ``[0, 1]``, ``α, β > 0``."""

    alpha: float
    beta: float

    def __post_init__(self) -> None:
        _check_arguments("beta", alpha=self.alpha, beta=self.beta)
        _positive("beta", "alpha", self.alpha)
        _positive("beta", "beta", self.beta)

    def support(self) -> tuple[float, float]:
        return (0.0, 1.0)

    def draw(self, rng: np.random.Generator, size: int) -> FloatArray:
        return np.asarray(rng.beta(self.alpha, self.beta, size), dtype=np.float64)

    def mean(self) -> float:
        """``α/(α + β)``."""
        return self.alpha / (self.alpha + self.beta)

    def __str__(self) -> str:
        return f"beta({_fmt(self.alpha)}, {_fmt(self.beta)})"


@dataclass(frozen=True)
class Uniform:
    """``uniform(lo, hi)``: density ``1/(hi − lo)`` on ``[lo, hi]``, ``lo < hi``."""

    lo: float
    hi: float

    def __post_init__(self) -> None:
        _check_arguments("uniform", lo=self.lo, hi=self.hi)
        _ordered("uniform", self.lo, self.hi)

    def support(self) -> tuple[float, float]:
        return (float(self.lo), float(self.hi))

    def draw(self, rng: np.random.Generator, size: int) -> FloatArray:
        return np.asarray(rng.uniform(self.lo, self.hi, size), dtype=np.float64)

    def mean(self) -> float:
        """``(lo + hi)/2``."""
        return (self.lo + self.hi) / 2

    def __str__(self) -> str:
        return f"uniform({_fmt(self.lo)}, {_fmt(self.hi)})"


@dataclass(frozen=True)
class Normal:
    """``normal(μ, σ)``: density ``φ((x − μ)/σ)/σ`` on the real line, ``σ > 0``."""

    mu: float
    sigma: float

    def __post_init__(self) -> None:
        _check_arguments("normal", mu=self.mu, sigma=self.sigma)
        _positive("normal", "sigma", self.sigma)

    def support(self) -> tuple[float, float]:
        return (-math.inf, math.inf)

    def draw(self, rng: np.random.Generator, size: int) -> FloatArray:
        return np.asarray(rng.normal(self.mu, self.sigma, size), dtype=np.float64)

    def mean(self) -> float:
        """``μ``."""
        return float(self.mu)

    def __str__(self) -> str:
        return f"normal({_fmt(self.mu)}, {_fmt(self.sigma)})"


@dataclass(frozen=True)
class TruncNormal:
    """``truncnormal(μ, σ, lo, hi)``: ``normal(μ, σ)`` conditioned on ``[lo, hi]``.

    Density ``φ((x − μ)/σ) / (σ (Φ(β) − Φ(α)))`` on ``[lo, hi]``, where
    ``α = (lo − μ)/σ`` and ``β = (hi − μ)/σ``; ``σ > 0`` and ``lo < hi``.  Draws come
    from ``scipy.stats.truncnorm`` (clipped to ``[lo, hi]`` against rounding).
    """

    mu: float
    sigma: float
    lo: float
    hi: float

    def __post_init__(self) -> None:
        _check_arguments("truncnormal", mu=self.mu, sigma=self.sigma, lo=self.lo, hi=self.hi)
        _positive("truncnormal", "sigma", self.sigma)
        _ordered("truncnormal", self.lo, self.hi)
        a, b = self._standard_bounds()
        if not a < b:
            raise InputError(f"[{_fmt(self.lo)}, {_fmt(self.hi)}] is too narrow to tell apart "
                             f"at scale sigma = {_fmt(self.sigma)} from mu = {_fmt(self.mu)}",
                             expected="truncnormal(mu, sigma, lo, hi) with "
                                      "(lo - mu)/sigma < (hi - mu)/sigma as floats")

    def support(self) -> tuple[float, float]:
        return (float(self.lo), float(self.hi))

    def _standard_bounds(self) -> tuple[float, float]:
        return ((self.lo - self.mu) / self.sigma, (self.hi - self.mu) / self.sigma)

    def draw(self, rng: np.random.Generator, size: int) -> FloatArray:
        from scipy.stats import truncnorm  # scipy is slow to import

        a, b = self._standard_bounds()
        values = truncnorm.rvs(a, b, loc=self.mu, scale=self.sigma, size=size,
                               random_state=rng)
        return np.clip(np.asarray(values, dtype=np.float64), self.lo, self.hi)

    def mean(self) -> float:
        """``μ + σ (φ(α) − φ(β))/(Φ(β) − Φ(α))``.

        Evaluated on the lower tail (an interval above the mean is reflected, using
        ``m(α, β) = −m(−β, −α)`` for the standardised mean ``m``), where ``Φ`` is
        accurate through ``erfc``; when even that underflows (an interval beyond about
        37 σ) the value comes from ``scipy.stats.truncnorm.mean``.
        """
        a, b = self._standard_bounds()
        sign = 1.0
        if a > 0:
            a, b, sign = -b, -a, -1.0
        mass = 0.5 * (math.erfc(-b / math.sqrt(2)) - math.erfc(-a / math.sqrt(2)))
        if mass > 1e-250:
            density = (math.exp(-a * a / 2) - math.exp(-b * b / 2)) / math.sqrt(2 * math.pi)
            return float(self.mu + sign * self.sigma * density / mass)
        from scipy.stats import truncnorm

        a, b = self._standard_bounds()
        return float(truncnorm.mean(a, b, loc=self.mu, scale=self.sigma))

    def __str__(self) -> str:
        return (f"truncnormal({_fmt(self.mu)}, {_fmt(self.sigma)}, {_fmt(self.lo)}, "
                f"{_fmt(self.hi)})")


@dataclass(frozen=True)
class LogNormal:
    """``lognormal(μ, σ)``: ``exp(X)`` for ``X ~ normal(μ, σ)``, on ``(0, ∞)``, ``σ > 0``."""

    mu: float
    sigma: float

    def __post_init__(self) -> None:
        _check_arguments("lognormal", mu=self.mu, sigma=self.sigma)
        _positive("lognormal", "sigma", self.sigma)

    def support(self) -> tuple[float, float]:
        return (0.0, math.inf)

    def draw(self, rng: np.random.Generator, size: int) -> FloatArray:
        return np.asarray(rng.lognormal(self.mu, self.sigma, size), dtype=np.float64)

    def mean(self) -> float:
        """``exp(μ + σ²/2)`` (``inf`` beyond the float range)."""
        exponent = self.mu + self.sigma**2 / 2
        return math.exp(exponent) if exponent < 709 else math.inf

    def __str__(self) -> str:
        return f"lognormal({_fmt(self.mu)}, {_fmt(self.sigma)})"


@dataclass(frozen=True)
class Fixed:
    """``fixed(x)``: the point mass at ``x``."""

    x: float

    def __post_init__(self) -> None:
        _check_arguments("fixed", x=self.x)

    def support(self) -> tuple[float, float]:
        return (float(self.x), float(self.x))

    def draw(self, rng: np.random.Generator, size: int) -> FloatArray:
        return np.full(size, self.x, dtype=np.float64)

    def mean(self) -> float:
        """``x``."""
        return float(self.x)

    def __str__(self) -> str:
        return f"fixed({_fmt(self.x)})"


_KINDS: Mapping[str, tuple[tuple[str, ...], Callable[..., Distribution]]] = MappingProxyType({
    "beta": (("alpha", "beta"), Beta),
    "uniform": (("lo", "hi"), Uniform),
    "normal": (("mu", "sigma"), Normal),
    "truncnormal": (("mu", "sigma", "lo", "hi"), TruncNormal),
    "lognormal": (("mu", "sigma"), LogNormal),
    "fixed": (("x",), Fixed),
})

_KNOWN = ", ".join(f"{kind}({', '.join(names)})" for kind, (names, _) in _KINDS.items())
_CALL = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_]*)\s*\(", re.ASCII)


def _check_arguments(kind: str, **arguments: float) -> None:
    for name, value in arguments.items():
        if not math.isfinite(value) or abs(value) > MAX_MAGNITUDE:
            raise InputError(f"{kind} argument {name} = {_fmt(value)} is not a finite number "
                             f"of at most {MAX_MAGNITUDE} in absolute value",
                             expected=_signature(kind))


def _positive(kind: str, name: str, value: float) -> None:
    if not value > 0:
        raise InputError(f"{name} must be > 0 (got {_fmt(value)})",
                         expected=f"{_signature(kind)} with {name} > 0")


def _ordered(kind: str, lo: float, hi: float) -> None:
    if not lo < hi:
        raise InputError(f"lo must be < hi (got lo = {_fmt(lo)}, hi = {_fmt(hi)})",
                         expected=f"{_signature(kind)} with lo < hi")


def _signature(kind: str) -> str:
    return f"{kind}({', '.join(_KINDS[kind][0])})"


def parse_distribution(text: str) -> tuple[str, Distribution]:
    """The parameter and distribution of ``name=kind(args)`` (``--dist``).

    The grammar is ``name = kind ( number {, number} )`` with spaces allowed, ``kind`` one
    of ``beta``, ``uniform``, ``normal``, ``truncnormal``, ``lognormal``, ``fixed`` and each
    number read by :func:`~analysis.parameters.parse_number` (``2``, ``0.3``, ``1e-3``,
    ``3/10``).  The distribution must fit the parameter's domain (:func:`check_support`).

    Raises
    ------
    InputError
        For a missing ``=``, an unknown parameter or distribution, the wrong number of
        arguments, an argument that is not a number, ``α ≤ 0`` or ``β ≤ 0``, ``σ ≤ 0``,
        ``lo ≥ hi``, text after the closing parenthesis, or a support outside the domain.

    Examples
    --------
    >>> name, dist = parse_distribution("p_I = beta(2, 5)")
    >>> name, str(dist), dist.mean()
    ('p_I', 'beta(2, 5)', 0.2857142857142857)
    >>> parse_distribution("a=truncnormal(2, 1/2, 0, 1e1)")[1]
    TruncNormal(mu=2.0, sigma=0.5, lo=0.0, hi=10.0)
    """
    name, sign, value = text.partition("=")
    name = name.strip()
    if not sign:
        raise InputError(f"{text!r} is not a distribution assignment", field="--dist",
                         expected="name=distribution, e.g. p_I=beta(2,5)")
    if name not in REGISTRY:
        raise InputError(f"unknown parameter {name!r}", field="--dist",
                         expected=f"one of {', '.join(REGISTRY)} (see tiedhands params)")
    field = f"--dist {name}"
    head = _CALL.match(value)
    if head is None:
        raise InputError(f"{value.strip()!r} is not a distribution", field=field,
                         expected=f"one of {_KNOWN}")
    kind = head.group(1).lower()
    if kind not in _KINDS:
        raise InputError(f"unknown distribution {head.group(1)!r}", field=field,
                         expected=f"one of {_KNOWN}")
    rest = value[head.end():]
    close = rest.find(")")
    if close < 0:
        raise InputError(f"{kind}( has no closing ')'", field=field, expected=_signature(kind))
    names, build = _KINDS[kind]
    texts = rest[:close].split(",") if rest[:close].strip() else []
    if len(texts) != len(names):
        plural = "" if len(names) == 1 else "s"
        raise InputError(f"{kind} takes {len(names)} argument{plural} ({', '.join(names)}), "
                         f"got {len(texts)}", field=field, expected=_signature(kind))
    arguments = []
    for argument, part in zip(names, texts, strict=True):
        try:
            arguments.append(float(parse_number(part, field)))
        except InputError as error:
            raise InputError(f"{kind} argument {argument}: {error.message}", field=field,
                             expected=error.expected) from None
    trailing = rest[close + 1:].strip()
    if trailing:
        raise InputError(f"unexpected text {trailing!r} after {kind}(...)", field=field,
                         expected=f"nothing after {_signature(kind)}")
    try:
        dist = build(*arguments)
    except InputError as error:
        raise InputError(error.message, field=field, expected=error.expected) from None
    check_support(name, dist)
    return name, dist


def parse_distributions(texts: Sequence[str], fixed: Collection[str] = ()
                        ) -> dict[str, Distribution]:
    """Every ``--dist`` of a command, refusing a parameter given twice or also fixed."""
    distributions: dict[str, Distribution] = {}
    for text in texts:
        name, distribution = parse_distribution(text)
        if name in distributions or name in fixed:
            raise InputError(f"{name} is given twice", field=f"--dist {name}",
                             expected="one distribution or value per parameter")
        distributions[name] = distribution
    return distributions


def check_support(name: str, dist: Distribution) -> None:
    """Refuse a distribution whose support does not fit the domain of parameter ``name``.

    ``normal(μ, σ)`` is the exception: its support is the whole line, so draws outside
    the domain are rejected and redrawn like draws out of order — a normal truncated to
    the domain, with the rejected share reported — and it is refused only when less than
    1% of its mass lies in the domain (use ``truncnormal`` to truncate explicitly).

    Any other continuous distribution must have its support ``[lo, hi]`` inside the closure of
    the domain (an end that is a boundary point has probability 0; :func:`draw_block`
    rejects such a draw should rounding produce it), with finite ends within ±10⁹.  A
    point mass (``lo = hi``, e.g. ``fixed(x)``) must lie in the domain itself, so
    ``fixed(0)`` is refused for ``b > 0``.

    Raises
    ------
    InputError
        For an unknown parameter or a support outside the domain
        (field ``--dist name``).

    Examples
    --------
    >>> check_support("p_I", Beta(2, 5))
    >>> check_support("p_I", Normal(0.5, 0.1))
    >>> check_support("p_I", Normal(5, 0.1))
    Traceback (most recent call last):
    ...
    games.errors.InputError: --dist p_I: normal(5, 0.1) puts 0% of its mass in 0 ≤ p_I ≤ 1, \
so its draws would almost all be rejected; use beta, uniform or truncnormal (expected a \
distribution with at least 1% of its mass in the domain)
    """
    if name not in REGISTRY:
        raise InputError(f"unknown parameter {name!r}", field="--dist",
                         expected=f"one of {', '.join(REGISTRY)} (see tiedhands params)")
    parameter = REGISTRY[name]
    field = f"--dist {name}"
    lo, hi = dist.support()
    if lo == hi:
        if not _in_domain(parameter, lo):
            raise InputError(f"{dist} puts {name} = {_fmt(lo)} outside its domain", field=field,
                             expected=parameter.domain)
        return
    lower = -math.inf if parameter.lower is None else float(parameter.lower)
    upper = math.inf if parameter.upper is None else float(parameter.upper)
    if isinstance(dist, Normal):
        mass = _normal_mass((lower - dist.mu) / dist.sigma, (upper - dist.mu) / dist.sigma)
        if mass < MIN_NORMAL_MASS:
            advice = ("beta, uniform or truncnormal" if parameter.upper is not None
                      else "lognormal or truncnormal")
            raise InputError(f"{dist} puts {100 * mass:.2g}% of its mass in {parameter.domain}, "
                             f"so its draws would almost all be rejected; use {advice}",
                             field=field,
                             expected="a distribution with at least 1% of its mass in the "
                                      "domain")
        return
    if lo < lower or hi > upper:
        kind = str(dist).partition("(")[0]
        if parameter.upper is not None:
            advice, closure = "beta, uniform or truncnormal", f"[{_fmt(lower)}, {_fmt(upper)}]"
        else:
            advice = f"lognormal, or uniform or truncnormal with lo ≥ {_fmt(lower)}"
            closure = f"[{_fmt(lower)}, inf)"
        raise InputError(f"{kind} has support {_interval(lo, hi)} but {name} must satisfy "
                         f"{parameter.domain}; use {advice}", field=field,
                         expected=f"a distribution on {closure}")
    if any(math.isfinite(end) and abs(end) > MAX_MAGNITUDE for end in (lo, hi)):
        raise InputError(f"{dist} reaches beyond ±{MAX_MAGNITUDE}", field=field,
                         expected=f"a support within [-{MAX_MAGNITUDE}, {MAX_MAGNITUDE}]")


def _normal_mass(low: float, high: float) -> float:
    """Φ(high) − Φ(low) for the standard normal, accurate in both tails (via erfc)."""
    if low > 0:  # upper tail: Q(low) − Q(high), Q(z) = 1 − Φ(z) = erfc(z/√2)/2
        return 0.5 * (math.erfc(low / math.sqrt(2)) - math.erfc(high / math.sqrt(2)))
    return 0.5 * (math.erfc(-high / math.sqrt(2)) - math.erfc(-low / math.sqrt(2)))


# ================================================================================= draws
def block_seed(seed: int, block: int) -> np.random.SeedSequence:
    """The seed of block ``block``: ``SeedSequence(seed).spawn(block + 1)[block]``.

    Built directly as ``SeedSequence(seed, spawn_key=(block,))``, which has the same
    state, without spawning the ``block`` children before it.

    Raises
    ------
    InputError
        When ``seed`` is not a non-negative integer (field ``--seed``).
    ValueError
        When ``block`` is negative.
    """
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise InputError(f"seed {seed!r} is not a non-negative integer", field="--seed",
                         expected="a whole number ≥ 0, e.g. --seed 12345")
    if isinstance(block, bool) or not isinstance(block, int | np.integer) or block < 0:
        raise ValueError(f"block must be a non-negative integer, got {block!r}")
    return np.random.SeedSequence(int(seed), spawn_key=(int(block),))


@dataclass(frozen=True, eq=False)
class Draws:
    """Accepted draws: one read-only float64 array per drawn parameter.

    ``attempted`` counts every point drawn, kept or not; ``rejected`` those refused
    (``attempted − rejected`` are kept).  The rejected share ``rejected/attempted``
    estimates ``1 − P(V)`` for the valid set ``V`` (see the module docstring).
    """

    values: Mapping[str, FloatArray]
    attempted: int
    rejected: int
    blocks: Mapping[int, tuple[int, int]] = field(default_factory=dict)
    """Each block drawn: (points attempted, points rejected) — to count a block once."""

    @property
    def rejected_share(self) -> float:
        """``rejected/attempted`` (0 when nothing was attempted)."""
        return self.rejected / self.attempted if self.attempted else 0.0


def draw_block(distributions: Mapping[str, Distribution],
               fixed: Mapping[str, float | Fraction], seed: int, block: int,
               size: int = BLOCK_SIZE) -> Draws:
    """The ``size`` accepted points of block ``block``, by rejection sampling.

    The generator is ``numpy.random.default_rng(block_seed(seed, block))``.  Each round
    draws, for the ``n`` points still missing, ``n`` values of every distribution in the
    registry's order (whatever the mapping's order) and keeps, in order, the points whose
    full parameter vector is valid: every value in its parameter's domain (``b > 0``
    strictly) and within ±10⁹, and ``p_I ≤ p_L ≤ p_S``.  Rounds repeat until ``size``
    points are kept.

    Parameters
    ----------
    distributions
        The drawn parameters.  Each must fit its domain (:func:`check_support`).
    fixed
        Values of parameters that are not drawn (an entry for a drawn parameter is
        ignored); a parameter in neither takes its registry default.
    seed, block
        The seed of the run and the block's index (:func:`block_seed`).
    size
        Points to keep (:data:`BLOCK_SIZE` in a sweep; fewer only in tests).

    Raises
    ------
    InputError
        For an unknown parameter, a support or fixed value outside its domain, fixed
        probabilities out of order, a bad seed, or when, after at least 10⁶ attempted
        points, fewer than 1 in 10⁴ were kept (the ordering or the domains are almost
        never met).
    """
    if size < 0:
        raise ValueError(f"size must be non-negative, got {size}")
    rng = np.random.default_rng(block_seed(seed, block))
    order = _drawn_order(distributions)
    constants = _constants(distributions, fixed)
    kept: dict[str, list[FloatArray]] = {name: [] for name in order}
    attempted = accepted = 0
    while accepted < size:
        need = size - accepted
        batch = {name: distributions[name].draw(rng, need) for name in order}
        valid = _valid(batch, constants, need)
        for name in order:
            kept[name].append(batch[name][valid])
        attempted += need
        accepted += int(np.count_nonzero(valid))
        if attempted >= CAP_ATTEMPTS and accepted < attempted * MIN_ACCEPTED_SHARE:
            raise _almost_never(distributions, order, constants, accepted, attempted)
    values = {name: _frozen(np.concatenate(kept[name]) if kept[name]
                            else np.empty(0, dtype=np.float64)) for name in order}
    return Draws(MappingProxyType(values), attempted, attempted - accepted,
                 {block: (attempted, attempted - accepted)})


def draws_for_points(distributions: Mapping[str, Distribution],
                     fixed: Mapping[str, float | Fraction], seed: int, start: int,
                     stop: int) -> Draws:
    """The draws of the global points ``[start, stop)``.

    Point ``i`` is point ``i mod 2¹⁶`` of block ``i // 2¹⁶`` (:func:`draw_block`); the
    blocks covering the range are drawn whole and sliced, so any chunking of ``[0, N)``
    concatenates to the same values.  ``attempted`` and ``rejected`` are summed over
    the blocks touched, *each counted whole* even when only part of it is returned: a
    report of the rejected share should sum them once per block (e.g. with chunks that
    are whole blocks).  A chunk that is not a whole block redraws its blocks, so sweeps
    should chunk in multiples of :data:`BLOCK_SIZE`.

    Raises
    ------
    InputError
        As :func:`draw_block`.
    ValueError
        Unless ``0 ≤ start ≤ stop``.
    """
    if not 0 <= start <= stop:
        raise ValueError(f"need 0 ≤ start ≤ stop, got start={start}, stop={stop}")
    order = _drawn_order(distributions)
    if start == stop:
        _constants(distributions, fixed)
        block_seed(seed, 0)
        empty = {name: _frozen(np.empty(0, dtype=np.float64)) for name in order}
        return Draws(MappingProxyType(empty), 0, 0)
    pieces: dict[str, list[FloatArray]] = {name: [] for name in order}
    blocks: dict[int, tuple[int, int]] = {}
    for block in range(start // BLOCK_SIZE, (stop - 1) // BLOCK_SIZE + 1):
        draws = draw_block(distributions, fixed, seed, block)
        low = max(start - block * BLOCK_SIZE, 0)
        high = min(stop - block * BLOCK_SIZE, BLOCK_SIZE)
        for name in order:
            pieces[name].append(draws.values[name][low:high])
        blocks.update(draws.blocks)
    values = {name: _frozen(np.concatenate(pieces[name])) for name in order}
    return Draws(MappingProxyType(values), sum(a for a, _ in blocks.values()),
                 sum(r for _, r in blocks.values()), blocks)


def _drawn_order(distributions: Mapping[str, Distribution]) -> tuple[str, ...]:
    """The drawn parameters in registry order (unknown names refused)."""
    for name in distributions:
        if name not in REGISTRY:
            raise InputError(f"unknown parameter {name!r}", field="--dist",
                             expected=f"one of {', '.join(REGISTRY)} (see tiedhands params)")
    return tuple(p.name for p in PARAMETERS if p.name in distributions)


def _constants(distributions: Mapping[str, Distribution],
               fixed: Mapping[str, float | Fraction]) -> dict[str, float]:
    """Every parameter's value that is the same for all points, checked.

    These are the ``fixed`` values and defaults of the parameters not drawn, and the
    points of drawn point masses.  Supports are checked, and constants must be in their
    domains and (among the probabilities) in order, so that an impossible ordering is
    refused at once rather than after 10⁶ rejected draws.
    """
    for name in fixed:
        if name not in REGISTRY:
            raise InputError(f"unknown parameter {name!r}", field="--param",
                             expected=f"one of {', '.join(REGISTRY)} (see tiedhands params)")
    constants: dict[str, float] = {}
    for parameter in PARAMETERS:
        name = parameter.name
        if name in distributions:
            check_support(name, distributions[name])
            lo, hi = distributions[name].support()
            if lo == hi:
                constants[name] = lo
            continue
        value = float(fixed.get(name, parameter.default))
        if not _in_domain(parameter, value):
            raise InputError(f"{name} = {_fmt(value)} is outside its domain",
                             field=f"--param {name}", expected=parameter.domain)
        constants[name] = value
    for i, low in enumerate(PROBABILITIES):
        for high in PROBABILITIES[i + 1:]:
            if low in constants and high in constants and constants[low] > constants[high]:
                raise InputError(
                    f"{low} = {_fmt(constants[low])} > {high} = {_fmt(constants[high])} for "
                    "every draw", field="--param",
                    expected="p_I ≤ p_L ≤ p_S (the ally's help can only lower the "
                             "challenger's chance of winning)")
    return constants


def _valid(batch: Mapping[str, FloatArray], constants: Mapping[str, float],
           size: int) -> npt.NDArray[np.bool_]:
    """Which points are valid: drawn values in their domains, probabilities in order."""
    valid = np.ones(size, dtype=np.bool_)
    for name, values in batch.items():
        parameter = REGISTRY[name]
        valid &= np.abs(values) <= MAX_MAGNITUDE  # also refuses nan and ±inf
        if parameter.lower is not None:
            lower = float(parameter.lower)
            valid &= values > lower if parameter.lower_open else values >= lower
        if parameter.upper is not None:
            valid &= values <= float(parameter.upper)
    p_I, p_L, p_S = (batch[name] if name in batch else np.float64(constants[name])
                     for name in PROBABILITIES)
    valid &= (p_I <= p_L) & (p_L <= p_S)
    return valid


def _almost_never(distributions: Mapping[str, Distribution], order: tuple[str, ...],
                  constants: Mapping[str, float], accepted: int, attempted: int) -> InputError:
    drawn = ", ".join(f"{name} ~ {distributions[name]}" for name in order)
    held = [f"{name} = {_fmt(constants[name])}" for name in PROBABILITIES
            if name not in distributions]
    with_fixed = f" with {', '.join(held)} fixed" if held else ""
    return InputError(
        f"only {accepted:,} of {attempted:,} draws were accepted for {drawn or 'no distribution'}"
        f"{with_fixed}: the ordering p_I ≤ p_L ≤ p_S (or a parameter's domain) is almost "
        "never met", field="--dist",
        expected=f"distributions under which at least 1 draw in {MIN_ACCEPTED_SHARE.denominator}"
                 " satisfies p_I ≤ p_L ≤ p_S and every domain")


def _in_domain(parameter: Parameter, value: float) -> bool:
    if not math.isfinite(value) or abs(value) > MAX_MAGNITUDE:
        return False
    if parameter.lower is not None:
        lower = float(parameter.lower)
        if value < lower or (parameter.lower_open and value == lower):
            return False
    return parameter.upper is None or value <= float(parameter.upper)


def _frozen(values: FloatArray) -> FloatArray:
    values.setflags(write=False)
    return values


def _fmt(value: float) -> str:
    """The shortest text that reads back as ``value`` (``2`` rather than ``2.0``)."""
    value = float(value)
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    text = repr(value)
    return text[:-2] if text.endswith(".0") else text


def _interval(lo: float, hi: float) -> str:
    return (f"{'[' if math.isfinite(lo) else '('}{_fmt(lo)}, "
            f"{_fmt(hi)}{']' if math.isfinite(hi) else ')'}")


def _show(value: Fraction) -> str:
    return str(value) if value.denominator == 1 else f"{value} ({float(value):g})"
