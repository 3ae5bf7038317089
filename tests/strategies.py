"""Reusable hypothesis strategies (and seeded generators) for games in tests.

A plain module of ``@st.composite`` functions; import what you need::

    from tests.strategies import bimatrix_games

Bimatrix strategies build two-player :class:`~games.normal_form.NormalFormGame`
values.  Integer payoffs from a small range give many *degenerate* games (ties
in best responses), which is what exercises the exact solver's degenerate-vertex
handling; float payoffs are almost surely non-degenerate.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np
import numpy.typing as npt
from hypothesis import strategies as st

from games.normal_form import NormalFormGame

# ----------------------------------------------------------------------------- bimatrix games


@st.composite
def bimatrix_shapes(draw: st.DrawFn, min_strategies: int = 1,
                    max_strategies: int = 4) -> tuple[int, int]:
    """``(m, n)``: numbers of strategies of the row and the column player."""
    m = draw(st.integers(min_strategies, max_strategies))
    n = draw(st.integers(min_strategies, max_strategies))
    return m, n


@st.composite
def payoff_matrix(draw: st.DrawFn, shape: tuple[int, int],
                  values: st.SearchStrategy[object]) -> list[list[object]]:
    """An ``m x n`` list of lists drawn from ``values``."""
    m, n = shape
    return [[draw(values) for _ in range(n)] for _ in range(m)]


@st.composite
def bimatrix_games(draw: st.DrawFn, min_strategies: int = 1, max_strategies: int = 4,
                   values: st.SearchStrategy[object] | None = None) -> NormalFormGame:
    """A two-player game; by default integer payoffs in ``{-3, ..., 3}`` (often degenerate)."""
    shape = draw(bimatrix_shapes(min_strategies, max_strategies))
    values = st.integers(-3, 3) if values is None else values
    A = draw(payoff_matrix(shape, values))
    B = draw(payoff_matrix(shape, values))
    return NormalFormGame.from_arrays(np.array(A, dtype=object), np.array(B, dtype=object))


@st.composite
def rational_bimatrix_games(draw: st.DrawFn, min_strategies: int = 1,
                            max_strategies: int = 4) -> NormalFormGame:
    """A two-player game with Fraction payoffs in ``[-5, 5]``, denominators up to 6."""
    values = st.fractions(min_value=-5, max_value=5, max_denominator=6)
    return draw(bimatrix_games(min_strategies, max_strategies, values))


@st.composite
def float_bimatrix_games(draw: st.DrawFn, min_strategies: int = 1, max_strategies: int = 4,
                         magnitude: float = 10.0) -> NormalFormGame:
    """A two-player game with float payoffs in ``[-magnitude, magnitude]`` (no NaN/inf)."""
    values = st.floats(-magnitude, magnitude, allow_nan=False, allow_infinity=False,
                       allow_subnormal=False)
    shape = draw(bimatrix_shapes(min_strategies, max_strategies))
    A = np.array(draw(payoff_matrix(shape, values)), dtype=np.float64)
    B = np.array(draw(payoff_matrix(shape, values)), dtype=np.float64)
    return NormalFormGame.from_arrays(A, B)


@st.composite
def positive_affine_maps(draw: st.DrawFn) -> tuple[Fraction, Fraction]:
    """``(a, b)`` with ``a > 0``: the payoff map ``u -> a * u + b``, exact."""
    a = draw(st.fractions(min_value=Fraction(1, 10), max_value=10, max_denominator=12))
    b = draw(st.fractions(min_value=-10, max_value=10, max_denominator=12))
    return a, b


# ----------------------------------------------------------------------------- seeded games
def seeded_bimatrix_game(seed: int, *, integer: bool) -> NormalFormGame:
    """A reproducible random bimatrix game for differential tests (not a hypothesis strategy).

    Shape ``m x n`` with ``m, n`` uniform in ``2..5``.  ``integer=True`` draws
    payoffs uniformly from ``{-2, ..., 2}`` (mostly degenerate games); otherwise
    full-precision floats, from ``rng.random`` (uniform on ``[0, 1)``) for even
    seeds and ``rng.normal`` (standard normal) for odd seeds.
    """
    rng = np.random.default_rng(seed)
    m, n = (int(v) for v in rng.integers(2, 6, size=2))
    A: npt.NDArray[Any]
    B: npt.NDArray[Any]
    if integer:
        A, B = rng.integers(-2, 3, size=(m, n)), rng.integers(-2, 3, size=(m, n))
    elif seed % 2 == 0:
        A, B = rng.random((m, n)), rng.random((m, n))
    else:
        A, B = rng.normal(size=(m, n)), rng.normal(size=(m, n))
    return NormalFormGame.from_arrays(A, B, title=f"seed {seed}")
