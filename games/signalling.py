"""Signalling games: a sender with a private type sends a message; a receiver responds.

A :class:`SignallingGame` is the normal form of one signalling stage.  Nature
draws, independently, the sender's type t (prior ``sender_prior``) and the
receiver's type τ (prior ``receiver_prior``); each knows only its own.  The
sender sends a message m, the receiver sees it and chooses a response r.
Payoffs ``sender_payoff[t][τ][m][r]`` and ``receiver_payoff[t][τ][m][r]`` are
those after any continuation play in which both types are known (solved
beforehand by backward induction).  Solvers live in :mod:`games.solvers.pbe`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from games.errors import InputError
from games.numbers import to_fraction

Table = tuple[tuple[tuple[tuple[Fraction, ...], ...], ...], ...]
"""``table[t][τ][m][r]``: a payoff for sender type, receiver type, message, response."""


@dataclass(frozen=True)
class SignallingGame:
    """One signalling stage with exact payoffs; validated on construction.

    Examples
    --------
    >>> game = SignallingGame.from_payoffs(
    ...     ["strong", "weak"], [Fraction(1, 3), Fraction(2, 3)], ["receiver"], [1],
    ...     ["beer", "quiche"], ["duel", "yield"],
    ...     sender=[[[[0, 2], [1, 3]]], [[[1, 3], [0, 2]]]],
    ...     receiver=[[[[0, 1], [0, 1]]], [[[1, 0], [1, 0]]]])
    >>> game.n_sender_types, game.n_messages
    (2, 2)
    """

    sender_types: tuple[str, ...]
    sender_prior: tuple[Fraction, ...]
    receiver_types: tuple[str, ...]
    receiver_prior: tuple[Fraction, ...]
    messages: tuple[str, ...]
    responses: tuple[str, ...]
    sender_payoff: Table
    receiver_payoff: Table

    @classmethod
    def from_payoffs(cls, sender_types: Sequence[str], sender_prior: Sequence[object],
                     receiver_types: Sequence[str], receiver_prior: Sequence[object],
                     messages: Sequence[str], responses: Sequence[str], *,
                     sender: Any, receiver: Any) -> SignallingGame:
        """Build a game from nested lists of numbers (made exact)."""
        return cls(tuple(sender_types), _probabilities(sender_prior, "sender_prior"),
                   tuple(receiver_types), _probabilities(receiver_prior, "receiver_prior"),
                   tuple(messages), tuple(responses),
                   _table(sender, "sender payoff"), _table(receiver, "receiver payoff"))

    def __post_init__(self) -> None:
        shape = (len(self.sender_types), len(self.receiver_types), len(self.messages),
                 len(self.responses))
        if min(shape) == 0:
            raise InputError("every list of types, messages and responses needs an entry",
                             field="signalling game", expected="non-empty lists")
        for name, prior, types in (("sender_prior", self.sender_prior, self.sender_types),
                                   ("receiver_prior", self.receiver_prior,
                                    self.receiver_types)):
            if len(prior) != len(types):
                raise InputError(f"{len(prior)} probabilities for {len(types)} types",
                                 field=name, expected="one probability per type")
        for name, table in (("sender payoff", self.sender_payoff),
                            ("receiver payoff", self.receiver_payoff)):
            if _shape(table) != shape:
                raise InputError(f"the {name} table has shape {_shape(table)}", field=name,
                                 expected=f"shape {shape} (sender type, receiver type, "
                                          "message, response)")

    @property
    def n_sender_types(self) -> int:
        """Number of sender types."""
        return len(self.sender_types)

    @property
    def n_messages(self) -> int:
        """Number of messages."""
        return len(self.messages)

    def sender_value(self, t: int, m: int,
                     reply: Sequence[Sequence[Fraction]]) -> Fraction:
        """Sender type t's expected payoff from message m when each receiver type τ
        answers m with the mixed response ``reply[τ]``."""
        return sum((q * r * self.sender_payoff[t][tau][m][k]
                    for tau, q in enumerate(self.receiver_prior)
                    for k, r in enumerate(reply[tau])), Fraction(0))

    def receiver_value(self, tau: int, m: int, belief: Sequence[Fraction], k: int) -> Fraction:
        """Receiver type τ's expected payoff from response k to message m under a belief."""
        return sum((mu * self.receiver_payoff[t][tau][m][k] for t, mu in enumerate(belief)),
                   Fraction(0))


def _probabilities(values: Sequence[object], field: str) -> tuple[Fraction, ...]:
    numbers = tuple(to_fraction(v, field=field) for v in values)
    if any(p < 0 for p in numbers) or sum(numbers) != 1:
        raise InputError(f"the probabilities {[str(p) for p in numbers]} are not a distribution",
                         field=field, expected="non-negative numbers that sum to 1")
    return numbers


def _table(values: Any, field: str) -> Table:
    try:
        return tuple(tuple(tuple(tuple(to_fraction(v, field=field) for v in row)
                                 for row in per_message)
                           for per_message in per_receiver)
                     for per_receiver in values)
    except TypeError:
        raise InputError("the payoffs are not a nested list of numbers", field=field,
                         expected="payoff[sender type][receiver type][message][response]"
                         ) from None


def _shape(table: Table) -> tuple[int, ...]:
    sizes = {(len(table), len(a), len(b), len(c)) for a in table for b in a for c in b}
    return sizes.pop() if len(sizes) == 1 else (-1,)
