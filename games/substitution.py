"""Substituting parameter values into symbolic payoffs and probabilities."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from fractions import Fraction
from typing import Any

import sympy

from games.errors import InputError
from games.numbers import Payoff, is_symbolic, normalise


def symbol_mapping(params: Mapping[str | sympy.Symbol, object],
                   symbols: Iterable[sympy.Symbol]) -> dict[sympy.Symbol, Any]:
    """Turn ``{name or Symbol: value}`` into a sympy substitution with exact values.

    A name matches every symbol of the game with that name, whatever its
    assumptions (``Symbol("a", real=True)`` and ``Symbol("a")`` are different
    sympy objects but the same parameter to a user).  Names the game does not
    use are ignored.
    """
    by_name: dict[str, list[sympy.Symbol]] = {}
    for known in symbols:
        by_name.setdefault(known.name, []).append(known)
    mapping: dict[sympy.Symbol, Any] = {}
    for key, value in params.items():
        name = key.name if isinstance(key, sympy.Symbol) else str(key)
        number = normalise(value, field=name)
        if is_symbolic(number):
            raise InputError(f"value {number} for {name} is not a number", field=name,
                             expected="a number")
        exact = (sympy.Rational(number.numerator, number.denominator)
                 if isinstance(number, Fraction) else number)
        for target in by_name.get(name, []):
            mapping[target] = exact
    return mapping


def substitute(value: Payoff, mapping: dict[sympy.Symbol, Any], field_name: str) -> Payoff:
    """Replace parameters in ``value``; every parameter must receive a value."""
    if not is_symbolic(value):
        return value
    result = value.xreplace(mapping)
    if result.free_symbols:
        missing = ", ".join(sorted(str(s) for s in result.free_symbols))
        raise InputError(f"no value for parameter(s) {missing}", field=field_name,
                         expected="a value for every parameter")
    return normalise(result, field=field_name)
