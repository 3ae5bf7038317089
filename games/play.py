"""Play under a behaviour profile: reach probabilities and the equilibrium path.

The probability of reaching node *x* is the product, over the moves on the path
from the root, of the probability that the mover (a player's behaviour or
chance) takes that move.  The equilibrium path is the set of nodes reached with
positive probability; for a pure profile without chance it is one path from the
root to a terminal node.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from games.extensive_form import CHANCE, ExtensiveFormGame
from games.numbers import Payoff


@dataclass(frozen=True)
class PathStep:
    """A move taken with positive probability on the equilibrium path."""

    node: int
    player: str
    infoset: str
    action: str
    probability: Payoff
    """Probability that play reaches ``node`` and this move is taken there."""


def reach_probabilities(game: ExtensiveFormGame,
                        behaviour: Sequence[Sequence[Payoff]]) -> list[Payoff]:
    """Probability of reaching each node when play follows ``behaviour``."""
    reach: list[Payoff] = [Fraction(0)] * len(game.nodes)
    reach[0] = Fraction(1)
    for index, node in enumerate(game.nodes):
        if node.infoset is None or reach[index] == 0:
            continue
        for prob, child in zip(behaviour[node.infoset], node.children, strict=True):
            reach[child] = reach[index] * prob
    return reach


def equilibrium_path(game: ExtensiveFormGame,
                     behaviour: Sequence[Sequence[Payoff]]) -> tuple[PathStep, ...]:
    """The moves taken with positive probability, in pre-order of their nodes."""
    reach = reach_probabilities(game, behaviour)
    steps = []
    for index, node in enumerate(game.nodes):
        if node.infoset is None or reach[index] == 0:
            continue
        infoset = game.infosets[node.infoset]
        player = "chance" if infoset.player == CHANCE else game.players[infoset.player]
        for action, (prob, child) in enumerate(zip(behaviour[node.infoset], node.children,
                                                   strict=True)):
            if reach[child] != 0:
                label = infoset.actions[action] or str(action + 1)
                steps.append(PathStep(index, player, infoset.label, label, reach[index] * prob))
    return tuple(steps)


def unflatten_behaviour(game: ExtensiveFormGame,
                        profile: Sequence[Sequence[Payoff]]) -> list[tuple[Payoff, ...]]:
    """Per information set behaviour from per-player flat vectors (chance from the game)."""
    behaviour: list[tuple[Payoff, ...]] = []
    position = [0] * game.n_players
    for infoset in game.infosets:
        if infoset.player == CHANCE:
            assert infoset.probabilities is not None
            behaviour.append(tuple(infoset.probabilities))
            continue
        start = position[infoset.player]
        stop = start + len(infoset.actions)
        behaviour.append(tuple(profile[infoset.player][start:stop]))
        position[infoset.player] = stop
    return behaviour
