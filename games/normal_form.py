r"""Normal-form (strategic-form) games with n players.

A game has players :math:`i = 1, \dots, n`, finite strategy sets :math:`S_i`
and payoff functions :math:`u_i : S_1 \times \dots \times S_n \to \mathbb{R}`.
Here :math:`u_i` is stored as an array ``payoffs[i]`` of shape
``(|S_1|, ..., |S_n|)``: entry ``payoffs[i][s_1, ..., s_n]`` is player *i*'s
payoff when each player *j* plays strategy ``s_j``.

Payoff arrays are either ``float64`` (a *float game*) or ``object`` arrays of
:class:`~fractions.Fraction` and sympy expressions (an *exact* or *symbolic*
game).  Integer input is exact.  Games are immutable values: methods return
new games.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np
import numpy.typing as npt
import sympy

from games.errors import InputError
from games.numbers import Payoff, is_symbolic, normalise, to_fraction
from games.substitution import substitute, symbol_mapping

PayoffArray = npt.NDArray[Any]


def _payoff_array(values: object, *, field_name: str) -> PayoffArray:
    """Return a float64 array for float input, else an object array of canonical values."""
    array = np.asarray(values)
    if array.dtype.kind == "f":
        if not np.all(np.isfinite(array)):
            raise InputError("payoff is not a finite number", field=field_name,
                             expected="finite payoffs (no NaN or infinity)")
        return np.array(array, dtype=np.float64)
    if array.dtype.kind in "iu":
        out = np.empty(array.shape, dtype=object)
        for index, value in np.ndenumerate(array):
            out[index] = Fraction(int(value))
        return out
    if array.dtype.kind == "b":
        raise InputError("payoffs are booleans", field=field_name, expected="numbers")
    out = np.empty(array.shape, dtype=object)
    for index, value in np.ndenumerate(array):
        out[index] = normalise(value, field=field_name)
    if all(isinstance(v, float) for v in out.flat) and out.size:
        return np.array(out, dtype=np.float64)
    return out


@dataclass(frozen=True, eq=False)
class NormalFormGame:
    """A finite game in strategic form.

    Parameters
    ----------
    payoffs
        One array per player, each of shape ``tuple(len(s) for s in strategies)``.
    players
        Player names, unique.
    strategies
        Strategy labels per player.  Labels may be empty or repeated, as in Gambit.
    title
        A title for the game.
    comment
        A free-text comment, kept in Gambit files.

    Examples
    --------
    >>> g = NormalFormGame.from_arrays([[3, 0], [5, 1]], [[3, 5], [0, 1]])
    >>> g.shape
    (2, 2)
    >>> g.exact
    True
    """

    payoffs: tuple[PayoffArray, ...]
    players: tuple[str, ...]
    strategies: tuple[tuple[str, ...], ...]
    title: str = ""
    comment: str = field(default="")

    def __post_init__(self) -> None:
        if len(self.players) < 1:
            raise InputError("a game needs at least one player", field="players")
        if len(set(self.players)) != len(self.players):
            raise InputError(f"duplicate player names {list(self.players)}", field="players",
                             expected="unique player names")
        if len(self.payoffs) != len(self.players):
            raise InputError(
                f"{len(self.payoffs)} payoff arrays for {len(self.players)} players",
                field="payoffs", expected="one payoff array per player")
        if len(self.strategies) != len(self.players):
            raise InputError(
                f"{len(self.strategies)} strategy lists for {len(self.players)} players",
                field="strategies", expected="one strategy list per player")
        shape = tuple(len(s) for s in self.strategies)
        if any(n < 1 for n in shape):
            raise InputError("a player has no strategies", field="strategies",
                             expected="at least one strategy per player")
        for player, array in zip(self.players, self.payoffs, strict=True):
            if array.shape != shape:
                raise InputError(f"payoff array of shape {array.shape}",
                                 field=f"payoffs[{player}]", expected=f"shape {shape}")
        for array in self.payoffs:
            array.flags.writeable = False

    # ------------------------------------------------------------------ building
    @classmethod
    def from_arrays(
        cls,
        *arrays: object,
        players: Sequence[str] | None = None,
        strategies: Sequence[Sequence[str]] | None = None,
        title: str = "",
        comment: str = "",
    ) -> NormalFormGame:
        """Build a game from one payoff array per player.

        Missing player names become ``"1"``, ``"2"``, ...; missing strategy
        labels become ``"1"``, ``"2"``, ... for each player.
        """
        converted = tuple(
            _payoff_array(a, field_name=f"payoffs[{i + 1}]") for i, a in enumerate(arrays))
        if not converted:
            raise InputError("no payoff arrays given", field="payoffs")
        if any(a.dtype == object for a in converted):
            converted = tuple(_as_object(a) for a in converted)
        shape = converted[0].shape
        names = tuple(players) if players is not None else tuple(
            str(i + 1) for i in range(len(converted)))
        labels = (tuple(tuple(s) for s in strategies) if strategies is not None
                  else tuple(tuple(str(k + 1) for k in range(n)) for n in shape))
        return cls(converted, names, labels, title, comment)

    # ------------------------------------------------------------------ queries
    @property
    def n_players(self) -> int:
        """Number of players."""
        return len(self.players)

    @property
    def shape(self) -> tuple[int, ...]:
        """Number of strategies of each player."""
        return tuple(len(s) for s in self.strategies)

    @property
    def symbolic(self) -> bool:
        """True when some payoff is a sympy expression with free symbols."""
        return any(a.dtype == object and any(is_symbolic(v) for v in a.flat)
                   for a in self.payoffs)

    @property
    def exact(self) -> bool:
        """True when every payoff is an exact rational (no floats, no symbols)."""
        return all(a.dtype == object and all(isinstance(v, Fraction) for v in a.flat)
                   for a in self.payoffs)

    @property
    def free_symbols(self) -> frozenset[sympy.Symbol]:
        """The parameters the payoffs depend on."""
        found: set[sympy.Symbol] = set()
        for array in self.payoffs:
            if array.dtype == object:
                for value in array.flat:
                    if is_symbolic(value):
                        found |= value.free_symbols
        return frozenset(found)

    def payoff(self, player: int, profile: Sequence[int]) -> Payoff:
        """Payoff to ``player`` (0-based) at the pure profile ``profile``."""
        value: Payoff = self.payoffs[player][tuple(profile)]
        return value

    # ------------------------------------------------------------------ conversions
    def to_exact(self) -> NormalFormGame:
        """Return the game with every payoff as a Fraction (floats read as decimals)."""
        arrays = tuple(_map(a, lambda v, i=i: to_fraction(v, field=f"payoffs[{i + 1}]"))
                       for i, a in enumerate(self.payoffs))
        return NormalFormGame(arrays, self.players, self.strategies, self.title, self.comment)

    def to_float(self) -> NormalFormGame:
        """Return the game with float64 payoffs (symbolic payoffs raise InputError)."""
        arrays = tuple(_to_float_array(a) for a in self.payoffs)
        return NormalFormGame(arrays, self.players, self.strategies, self.title, self.comment)

    def subs(self, params: Mapping[str | sympy.Symbol, object]) -> NormalFormGame:
        """Substitute parameter values into symbolic payoffs.

        Values that are exact (ints, Fractions) keep the game exact where the
        payoffs are rational functions of them; float values give floats.
        """
        mapping = symbol_mapping(params, self.free_symbols)
        arrays = []
        for i, array in enumerate(self.payoffs):
            if array.dtype != object:
                arrays.append(array)
                continue
            arrays.append(_map(array, lambda v, i=i: substitute(v, mapping, f"payoffs[{i + 1}]")))
        return NormalFormGame.from_arrays(*arrays, players=self.players,
                                          strategies=self.strategies, title=self.title,
                                          comment=self.comment)

    def payoff_matrices(self) -> tuple[PayoffArray, PayoffArray]:
        """Return ``(A, B)`` for a two-player game (row player's, column player's)."""
        if self.n_players != 2:
            raise InputError(f"game has {self.n_players} players", field="players",
                             expected="a two-player game")
        return self.payoffs[0], self.payoffs[1]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, NormalFormGame):
            return NotImplemented
        return (
            self.players == other.players
            and self.strategies == other.strategies
            and self.title == other.title
            and self.comment == other.comment
            and all(a.dtype == b.dtype and a.shape == b.shape and bool(np.all(a == b))
                    for a, b in zip(self.payoffs, other.payoffs, strict=True))
        )

    def __hash__(self) -> int:
        return hash((self.players, self.strategies, self.title,
                     tuple(tuple(a.flat) for a in self.payoffs)))

    def __repr__(self) -> str:
        kind = "symbolic" if self.symbolic else "exact" if self.exact else "float"
        dims = "x".join(str(n) for n in self.shape)
        return f"NormalFormGame({self.title!r}, players={list(self.players)}, {dims}, {kind})"


def _as_object(array: PayoffArray) -> PayoffArray:
    if array.dtype == object:
        return array
    return _map(array, float)


def _map(array: PayoffArray, function: Any) -> PayoffArray:
    out = np.empty(array.shape, dtype=object)
    for index, value in np.ndenumerate(array):
        out[index] = function(value)
    return out


def _to_float_array(array: PayoffArray) -> PayoffArray:
    if array.dtype != object:
        return np.array(array, dtype=np.float64)
    out = np.empty(array.shape, dtype=np.float64)
    for index, value in np.ndenumerate(array):
        if is_symbolic(value):
            raise InputError(f"symbolic payoff {value}", field="payoffs",
                             expected="numbers; substitute parameters first with subs()")
        out[index] = float(value)
    return out
