"""Payoff and probability values: exact rationals, floats and sympy expressions.

Conventions
-----------
* ``int``, :class:`fractions.Fraction` and sympy rationals are *exact*; the
  engine stores them as :class:`~fractions.Fraction`.
* A ``float`` is read as the shortest decimal that prints as it (``0.1`` is
  ``1/10``), which is also how Gambit reads decimal payoffs.  This is what a
  person who typed the number meant, and it makes the exact solver agree with
  Gambit's rational solvers on the same file.
* A sympy expression with free symbols is *symbolic*; it becomes a number only
  through ``subs``.  Text is never parsed into sympy: symbolic payoffs come
  from the Python API.
"""

from __future__ import annotations

import math
from fractions import Fraction
from numbers import Integral, Rational, Real
from typing import TypeAlias, TypeGuard

import numpy as np
import sympy

from games.errors import InputError

Payoff: TypeAlias = int | float | Fraction | sympy.Expr


def is_symbolic(value: object) -> TypeGuard[sympy.Basic]:
    """Return True when ``value`` is a sympy expression with free symbols."""
    return isinstance(value, sympy.Basic) and bool(value.free_symbols)


def is_exact(value: object) -> bool:
    """Return True for an exact rational value (int, Fraction or sympy Rational)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, Rational | Integral):
        return True
    return isinstance(value, sympy.Rational)


def to_fraction(value: object, *, field: str | None = None) -> Fraction:
    """Convert a finite number to an exact :class:`~fractions.Fraction`.

    Floats are read through their shortest decimal representation
    (``repr``), so ``0.1`` becomes ``1/10``.

    Raises
    ------
    InputError
        If the value is not a finite real number (NaN, infinity, a symbol, text).
    """
    if isinstance(value, bool):
        raise InputError(f"{value!r} is not a number", field=field, expected="a finite number")
    if isinstance(value, Fraction):
        return value
    if isinstance(value, Integral):
        return Fraction(int(value))
    if isinstance(value, Rational):
        return Fraction(int(value.numerator), int(value.denominator))
    if isinstance(value, sympy.Basic):
        if isinstance(value, sympy.Rational):
            return Fraction(int(value.p), int(value.q))
        if value.free_symbols:
            raise InputError(
                f"symbolic value {value} has no numeric value",
                field=field,
                expected="a number; substitute parameters first with subs()",
            )
        return to_fraction(_sympy_float(value, field), field=field)
    if isinstance(value, Real | np.floating):
        number = float(value)
        if not math.isfinite(number):
            raise InputError(f"{number} is not a finite number", field=field,
                             expected="a finite number")
        return Fraction(repr(number))
    raise InputError(f"{value!r} is not a number", field=field, expected="a finite number")


def normalise(value: object, *, field: str | None = None) -> Payoff:
    """Return the engine's canonical form of a payoff or probability.

    Exact numbers become :class:`~fractions.Fraction`, floats stay floats (after
    a finiteness check), sympy numbers without symbols become Fractions or
    floats, and sympy expressions with symbols are kept as they are.
    """
    if isinstance(value, bool):
        raise InputError(f"{value!r} is not a number", field=field, expected="a finite number")
    if is_exact(value):
        return to_fraction(value, field=field)
    if isinstance(value, sympy.Basic):
        if value.free_symbols:
            return value
        return normalise(_sympy_float(value, field), field=field)
    if isinstance(value, Real | np.floating):
        number = float(value)
        if not math.isfinite(number):
            raise InputError(f"{number} is not a finite number", field=field,
                             expected="a finite number")
        return number
    raise InputError(f"{value!r} is not a number", field=field,
                     expected="a finite number or a sympy expression")


def _sympy_float(value: sympy.Basic, field: str | None) -> float:
    """A sympy number as a float; infinite, undefined or complex values are refused."""
    try:
        return float(value)
    except (TypeError, ValueError):
        raise InputError(f"{value} is not a finite real number", field=field,
                         expected="a finite real number") from None


def as_float(value: Payoff) -> float:
    """Convert a numeric payoff to float (symbolic values raise :class:`InputError`)."""
    if is_symbolic(value):
        raise InputError(f"symbolic value {value} has no numeric value",
                         expected="a number; substitute parameters first with subs()")
    return float(value)


def format_number(value: Payoff) -> str:
    """Render a value compactly: ``3``, ``-1/3``, ``0.25`` or a sympy expression."""
    if isinstance(value, Fraction):
        return str(value.numerator) if value.denominator == 1 else str(value)
    if isinstance(value, float):
        return repr(value)
    return str(value)
