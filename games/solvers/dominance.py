r"""Iterated elimination of strictly dominated strategies (IESDS).

Strategy :math:`s_i` is strictly dominated by :math:`t_i` when
:math:`u_i(t_i, s_{-i}) > u_i(s_i, s_{-i})` for every profile :math:`s_{-i}` of
the others' remaining strategies.  Removing such strategies, one round after
another until none is left, never removes a strategy used in a Nash
equilibrium, and the order of removal does not change the result.  Only
domination by pure strategies is checked.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from games.errors import InputError
from games.normal_form import NormalFormGame


@dataclass(frozen=True)
class Elimination:
    """One removed strategy: whose, which (original index and label), and by what."""

    player: int
    strategy: int
    label: str
    dominated_by: int


def iterated_elimination(game: NormalFormGame) -> tuple[NormalFormGame, tuple[Elimination, ...]]:
    """Remove strictly dominated strategies until none remain.

    Returns the reduced game and the eliminations in the order they were made
    (strategy indices refer to the original game).
    """
    if game.symbolic:
        raise InputError("the game has symbolic payoffs", field="payoffs",
                         expected="numbers; substitute parameters first with subs()")
    remaining = [list(range(n)) for n in game.shape]
    removed: list[Elimination] = []
    changed = True
    while changed:
        changed = False
        for player in range(game.n_players):
            sub = game.payoffs[player][np.ix_(*remaining)]
            values = np.moveaxis(sub, player, 0).reshape(len(remaining[player]), -1)
            for row in range(len(remaining[player])):
                for other in range(len(remaining[player])):
                    if other != row and bool(np.all(values[other] > values[row])):
                        original = remaining[player][row]
                        removed.append(Elimination(player, original,
                                                   game.strategies[player][original],
                                                   remaining[player][other]))
                        remaining[player].pop(row)
                        changed = True
                        break
                if changed:
                    break
            if changed:
                break
    arrays = tuple(np.array(a[np.ix_(*remaining)]) for a in game.payoffs)
    strategies = tuple(tuple(game.strategies[i][k] for k in keep)
                       for i, keep in enumerate(remaining))
    reduced = NormalFormGame(arrays, game.players, strategies, game.title, game.comment)
    return reduced, tuple(removed)

