r"""The Shapley value of a cooperative game given by its characteristic function.

For players :math:`N` (:math:`n = |N|`) and a value :math:`v(S)` for every
coalition :math:`S \subseteq N`, player :math:`i` receives

.. math:: \phi_i = \sum_{S \subseteq N \setminus \{i\}}
          \frac{|S|!\,(n - |S| - 1)!}{n!}\,\bigl(v(S \cup \{i\}) - v(S)\bigr),

its marginal contribution averaged over every order in which the players
could join (Shapley 1953).  The values are *efficient*
(:math:`\sum_i \phi_i = v(N) - v(\emptyset)`), *symmetric*, give a *null*
player (one whose joining never changes :math:`v`) zero, and are *additive*
in :math:`v`.  With exact values (``int``, :class:`~fractions.Fraction`) the
result is exact; float values and numpy arrays are combined with float weights.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from fractions import Fraction
from itertools import combinations
from math import factorial
from typing import Any, TypeVar

PlayerT = TypeVar("PlayerT", bound=Hashable)

MAX_PLAYERS = 16
"""The most players accepted: the value is needed at all 2ⁿ coalitions."""


def coalitions(players: Sequence[PlayerT]) -> list[frozenset[PlayerT]]:
    """Every subset of ``players``, smallest first."""
    return [frozenset(chosen) for size in range(len(players) + 1)
            for chosen in combinations(players, size)]


def shapley_values(players: Sequence[PlayerT],
                   value: Callable[[frozenset[PlayerT]], Any] | Mapping[frozenset[PlayerT], Any]
                   ) -> dict[PlayerT, Any]:
    """The Shapley value of each player.

    Parameters
    ----------
    players
        The players, each once.
    value
        :math:`v(S)` for every coalition (a function of a frozenset, or a mapping
        holding every coalition); any values that can be subtracted and scaled:
        exact numbers, floats or numpy arrays (element by element).

    Examples
    --------
    The glove game: player 1 holds a left glove, players 2 and 3 a right one;
    a pair is worth 1.

    >>> v = lambda s: int(1 in s and (2 in s or 3 in s))
    >>> shapley_values([1, 2, 3], v)
    {1: Fraction(2, 3), 2: Fraction(1, 6), 3: Fraction(1, 6)}
    """
    n = len(players)
    if len(set(players)) != n:
        raise ValueError("a player is listed twice")
    if n > MAX_PLAYERS:
        raise ValueError(f"{n} players; at most {MAX_PLAYERS}")
    lookup = value if isinstance(value, Mapping) else {s: value(s) for s in coalitions(players)}
    result: dict[PlayerT, Any] = {}
    for player in players:
        others = [p for p in players if p != player]
        total: Any = 0
        for coalition in coalitions(others):
            weight = Fraction(factorial(len(coalition)) * factorial(n - len(coalition) - 1),
                              factorial(n))
            gain = lookup[coalition | {player}] - lookup[coalition]
            exact = isinstance(gain, int | Fraction) and not isinstance(gain, bool)
            total = total + (weight if exact else float(weight)) * gain
        result[player] = total
    return result
