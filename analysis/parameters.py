"""The parameters of the extended-deterrence game: one registry, validated in one place.

Every parameter has a name (the ``--param`` name), a meaning, a default, a
domain and the source of its default.  Values are exact rationals: ``0.3`` on
the command line or in a scenario is 3/10, so the game is solved exactly.

Precedence, highest first: ``--param name=value``, the scenario's ``params:``
block, the default.  :class:`ParameterValues` records where each value came
from, and every report lists it.

The defaults are illustrative, not estimates: they make the canonical case
(an ally owing all means, with no escape wording) one where the audience cost
binds, with threshold a* = 6/5.  Users should set their own.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import pairwise

from games.errors import InputError
from games.numbers import to_fraction
from treaties.scenario import Scenario

MAX_MAGNITUDE = 10**9
"""Largest absolute value of a parameter (keeps every number printable as a float)."""

DEFAULTS_SOURCE = "illustrative default (see docs/explanation/tied-hands-model.md)"


@dataclass(frozen=True)
class Parameter:
    """One parameter of the game: its meaning, default and domain.

    ``lower``/``upper`` bound the domain; ``lower_open`` makes the lower bound
    strict (``b > 0``).
    """

    name: str
    meaning: str
    default: Fraction
    lower: Fraction | None = Fraction(0)
    upper: Fraction | None = None
    lower_open: bool = False

    @property
    def domain(self) -> str:
        """The domain as text, e.g. ``0 ≤ p_I ≤ 1`` or ``b > 0``."""
        if self.upper is not None:
            return f"{self.lower} ≤ {self.name} ≤ {self.upper}"
        return f"{self.name} {'>' if self.lower_open else '≥'} {self.lower}"

    def check(self, value: Fraction, field: str) -> None:
        """Refuse a value outside the domain (or beyond ±10⁹, far past any sensible scale)."""
        if abs(value) > MAX_MAGNITUDE:
            raise InputError(f"{self.name} = {value} is too large", field=field,
                             expected=f"a value of at most {MAX_MAGNITUDE} in absolute value")
        below = self.lower is not None and (
            value <= self.lower if self.lower_open else value < self.lower)
        above = self.upper is not None and value > self.upper
        if below or above:
            raise InputError(f"{self.name} = {_show(value)} is outside its domain", field=field,
                             expected=self.domain)


PARAMETERS: tuple[Parameter, ...] = (
    Parameter("v_C", "the challenger's value of winning the war", Fraction(10)),
    Parameter("c_C", "the challenger's cost of war", Fraction(1)),
    Parameter("b", "the challenger's cost of backing down after challenging", Fraction(1),
              lower_open=True),
    Parameter("p_I", "probability the challenger wins if the ally intervenes",
              Fraction(3, 10), upper=Fraction(1)),
    Parameter("p_L", "probability the challenger wins if the ally gives limited aid",
              Fraction(1, 2), upper=Fraction(1)),
    Parameter("p_S", "probability the challenger wins if the ally stays out",
              Fraction(4, 5), upper=Fraction(1)),
    Parameter("v_A", "the ally's stake: what it loses if the challenger wins", Fraction(4)),
    Parameter("c_A", "the ally's cost of intervening with combat forces", Fraction(3)),
    Parameter("c_L", "the ally's cost of limited aid", Fraction(1)),
    Parameter("a", "the nominal audience cost of falling short of the treaty", Fraction(2)),
)
"""The registry.  Its order is the order of every table."""

REGISTRY: Mapping[str, Parameter] = {p.name: p for p in PARAMETERS}

_NUMBER = re.compile(r"[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?(/\d+)?", re.ASCII)


@dataclass(frozen=True)
class ParameterValues:
    """Resolved parameter values (exact) and the source of each."""

    values: Mapping[str, Fraction]
    sources: Mapping[str, str]

    def __getitem__(self, name: str) -> Fraction:
        return self.values[name]

    def replace(self, **changes: Fraction) -> ParameterValues:
        """A copy with some values changed (sources say ``replaced``)."""
        for name, value in changes.items():
            if name not in REGISTRY:
                raise InputError(f"unknown parameter {name!r}", field="parameters",
                                 expected=f"one of {', '.join(REGISTRY)}")
            REGISTRY[name].check(to_fraction(value, field=name), name)
        values = {**self.values, **{k: to_fraction(v, field=k) for k, v in changes.items()}}
        sources = {**self.sources, **{k: "replaced" for k in changes}}
        check_ordering(values, "parameters")
        return ParameterValues(values, sources)


def parse_number(text: str, field: str) -> Fraction:
    """An exact number from text: ``2``, ``0.3``, ``1e-3`` or ``3/2`` (never evaluated).

    Examples
    --------
    >>> parse_number("0.3", "--param p_I")
    Fraction(3, 10)
    >>> parse_number("3/2", "--param a")
    Fraction(3, 2)
    """
    cleaned = text.strip()
    exponent = re.search(r"[eE]([-+]?\d+)", cleaned, re.ASCII)
    if len(cleaned) > 60 or (exponent is not None and abs(int(exponent.group(1))) > 300):
        raise InputError(f"{text[:20]!r}... is too long or too large" if len(text) > 20
                         else f"{text!r} is too large", field=field,
                         expected="a number of at most 60 characters, exponent at most 300")
    if not _NUMBER.fullmatch(cleaned):
        raise InputError(f"{text!r} is not a number", field=field,
                         expected="a finite number such as 2, 0.3, 1e-3 or 3/2")
    if "/" in cleaned:
        numerator, denominator = cleaned.split("/")
        if int(denominator) == 0:
            raise InputError(f"{text!r} divides by zero", field=field, expected="a number")
        return Fraction(numerator) / int(denominator)
    return Fraction(cleaned)


def parse_assignment(text: str, names: Collection[str] | None = None) -> tuple[str, Fraction]:
    """``name=value`` from the command line, the name checked against ``names``
    (default: this registry)."""
    name, value = split_assignment(text, "an assignment", "name=value, e.g. a=2 or p_I=0.3",
                                   names)
    return name, parse_number(value, f"--param {name}")


def split_assignment(text: str, kind: str, example: str,
                     names: Collection[str] | None = None) -> tuple[str, str]:
    """``name`` and the value's text from ``name=…``, the name checked against ``names``
    (default: this registry); ``kind`` and ``example`` word the error for a missing ``=``."""
    known = REGISTRY if names is None else names
    name, sign, value = text.partition("=")
    name = name.strip()
    if not sign:
        raise InputError(f"{text!r} is not {kind}", field="--param", expected=example)
    if name not in known:
        raise InputError(f"unknown parameter {name!r}", field="--param",
                         expected=f"one of {', '.join(known)}"
                                  + (" (see tiedhands params)" if names is None else ""))
    return name, value


def resolve(scenario: Scenario | None = None,
            overrides: Sequence[str] | Mapping[str, Fraction | float | str] = (),
            varying: Mapping[str, str] | None = None) -> ParameterValues:
    """The parameter values for a scenario: ``--param`` > scenario > default.

    Parameters
    ----------
    scenario
        Its ``params:`` block supplies values (with their one-line reasons).
    overrides
        ``name=value`` strings from the command line, or a mapping of names to
        numbers or number texts (``"3.5"``, ``"3/2"``: read exactly, never evaluated).
    varying
        Parameters a sweep varies, each with a description that becomes its
        source (e.g. ``drawn from beta(2, 5)``); their values here are
        placeholders, and the ordering is checked among the others only.

    Raises
    ------
    InputError
        For an unknown name, a value outside its domain, or probabilities
        out of order (p_I ≤ p_L ≤ p_S).
    """
    values = {p.name: p.default for p in PARAMETERS}
    sources = {p.name: DEFAULTS_SOURCE for p in PARAMETERS}
    if scenario is not None:
        for name, override in scenario.params.items():
            field = f"scenario {scenario.id}: params.{name}"
            if name not in REGISTRY:
                raise InputError(f"unknown parameter {name!r}", field=field,
                                 expected=f"one of {', '.join(REGISTRY)}")
            value = to_fraction(override.value)
            REGISTRY[name].check(value, field)
            values[name] = value
            sources[name] = f"scenario {scenario.id}: {override.why}"
    apply_overrides(values, sources, overrides)
    probabilities = [sources[p] for p in ("p_I", "p_L", "p_S")]
    blamed = ("--param" if "--param" in probabilities else
              f"scenario {scenario.id}: params" if scenario is not None
              and any(p.startswith("scenario") for p in probabilities) else "parameters")
    check_ordering(values, blamed, skip=tuple(varying or ()))
    for name, description in (varying or {}).items():
        sources[name] = description
    return ParameterValues(values, sources)


def apply_overrides(values: dict[str, Fraction], sources: dict[str, str],
                    overrides: Sequence[str] | Mapping[str, Fraction | float | int | str],
                    registry: Mapping[str, Parameter] = REGISTRY) -> None:
    """Set ``--param`` values (``name=value`` texts, or a mapping of names to numbers or
    number texts) in ``values``, each checked against its domain, with ``--param`` as source.
    """
    pairs: Iterable[tuple[str, Fraction | float | int | str]] = (
        overrides.items() if isinstance(overrides, Mapping)
        else (parse_assignment(text, registry) for text in overrides))
    for name, given in pairs:
        if name not in registry:
            raise InputError(f"unknown parameter {name!r}", field="--param",
                             expected=f"one of {', '.join(registry)}")
        exact = (parse_number(given, f"--param {name}") if isinstance(given, str)
                 else to_fraction(given, field=f"--param {name}"))
        registry[name].check(exact, f"--param {name}")
        values[name] = exact
        sources[name] = "--param"


def check_ordering(values: Mapping[str, Fraction], field: str,
                   skip: Collection[str] = ()) -> None:
    """Refuse win probabilities out of order: intervention helps most, staying out least.

    Probabilities named in ``skip`` (varied by a sweep) are left out of the check.
    """
    checked = [name for name in ("p_I", "p_L", "p_S") if name not in skip]
    if any(values[a] > values[b] for a, b in pairwise(checked)):
        shown = ", ".join(f"{name} = {_show(values[name])}" for name in checked)
        raise InputError(
            f"{shown} are out of order", field=field,
            expected="p_I ≤ p_L ≤ p_S (the ally's help can only lower the "
                     "challenger's chance of winning)")


def _show(value: Fraction) -> str:
    return str(value) if value.denominator == 1 else f"{value} ({float(value):g})"
