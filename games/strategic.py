r"""The reduced strategic form of an extensive-form game, and profile conversions.

A *reduced* pure strategy of player *i* names an action only at the
information sets that the strategy itself does not rule out; two strategies
that differ only where play can never reach (given the player's own earlier
choices) are the same reduced strategy.  The reduced strategies are generated
in Gambit's order: a depth-first walk of the tree that follows every branch of
chance and of the other players, and branches over the actions (first action
first) at each of player *i*'s information sets the first time it is met.
Labels follow Gambit too: one character per information set of the player, the
1-based action number or ``*`` where the strategy says nothing.

Payoffs of the strategic form are expected payoffs over chance moves.  Mixed
strategies convert to behaviour strategies by Kuhn's theorem: the probability
of action *a* at *h* is the probability (under the mixed strategy) of
strategies that reach *h* and play *a*, divided by the probability of those
that reach *h*.  Where the player's own strategy never reaches *h*, the
behaviour is undefined and reported as uniform (Gambit's "centroid").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import TypeAlias

import numpy as np

from games.errors import SizeLimitError, UnsupportedGameError
from games.extensive_form import CHANCE, ExtensiveFormGame, last_own_moves
from games.normal_form import NormalFormGame
from games.numbers import Payoff

MAX_PROFILES = 1_000_000
"""Default limit on the number of pure profiles of a reduced strategic form."""

MAX_NODE_VISITS = 2_000_000
"""Limit on the work of building a strategic form (node visits), so it fails fast."""


_Pending: TypeAlias = "tuple[int, _Pending] | None"
"""A linked list of nodes still to visit: ``(node, rest)`` cells ending in None."""


def _too_large(what: str) -> SizeLimitError:
    return SizeLimitError(f"the reduced strategic form is too large: {what}",
                          field="strategic form",
                          expected="a smaller game")


@dataclass(frozen=True)
class ReducedStrategy:
    """A reduced pure strategy: the action index chosen at each reachable own information set."""

    choices: tuple[tuple[int, int], ...]
    label: str


def reduced_strategies(game: ExtensiveFormGame, player: int,
                       limit: int = MAX_PROFILES) -> tuple[ReducedStrategy, ...]:
    """``player``'s reduced pure strategies, in Gambit's order.

    Raises
    ------
    SizeLimitError
        If the player has more than ``limit`` reduced strategies.
    """
    own = game.player_infosets(player)
    found: list[ReducedStrategy] = []
    visits = 0
    # Each frame: (nodes still to visit, as a linked list of (node, rest) cells so that
    # pushing and popping cost O(1) and frames share their tails; choices so far).
    stack: list[tuple[_Pending, dict[int, int]]] = [((game.root, None), {})]
    while stack:
        pending, choices = stack.pop()
        branched = False
        while pending is not None:
            visits += 1
            if visits > MAX_NODE_VISITS:
                raise _too_large(f"more than {MAX_NODE_VISITS} node visits to list "
                                 f"{game.players[player]}'s strategies")
            index, pending = pending
            node = game.nodes[index]
            if node.infoset is None:
                continue
            if game.infosets[node.infoset].player != player:
                for child in reversed(node.children):
                    pending = (child, pending)
                continue
            if node.infoset in choices:
                pending = (node.children[choices[node.infoset]], pending)
                continue
            visits += len(node.children) * len(choices)  # the dictionary copies below
            for action in range(len(node.children) - 1, -1, -1):
                stack.append(((node.children[action], pending),
                              {**choices, node.infoset: action}))
            branched = True
            break
        if branched:
            continue
        label = "".join(str(choices[h] + 1) if h in choices else "*" for h in own) or "*"
        found.append(ReducedStrategy(tuple(sorted(choices.items())), label))
        if len(found) > limit:
            raise _too_large(f"player {game.players[player]} has more than {limit} "
                             "reduced strategies")
    return tuple(found)


def reduced_strategic_form(game: ExtensiveFormGame, *, max_profiles: int = MAX_PROFILES,
                           ) -> tuple[NormalFormGame, tuple[tuple[ReducedStrategy, ...], ...]]:
    """The reduced strategic form and each player's reduced strategies.

    Payoff arrays are exact when the tree is exact, float when it has floats,
    and sympy expressions when it is symbolic.
    """
    strategies = tuple(reduced_strategies(game, i, max_profiles)
                       for i in range(game.n_players))
    shape = tuple(len(s) for s in strategies)
    profiles = int(np.prod(shape, dtype=object))
    if profiles > max_profiles:
        raise _too_large(f"{profiles} profiles, more than the limit of {max_profiles}")
    if profiles * len(game.nodes) > MAX_NODE_VISITS:
        raise _too_large(f"{profiles} profiles x {len(game.nodes)} nodes is more than "
                         f"{MAX_NODE_VISITS} node visits")
    choice_maps = [[dict(s.choices) for s in player] for player in strategies]
    arrays = [np.empty(shape, dtype=object) for _ in game.players]
    for cell in np.ndindex(*shape):
        chosen: dict[int, int] = {}
        for player, k in enumerate(cell):
            chosen.update(choice_maps[player][k])
        payoff = _profile_payoffs(game, chosen)
        for i, value in enumerate(payoff):
            arrays[i][cell] = value
    labels = tuple(tuple(s.label for s in player) for player in strategies)
    normal = NormalFormGame.from_arrays(*arrays, players=game.players, strategies=labels,
                                        title=game.title, comment=game.comment)
    return normal, strategies


def _profile_payoffs(game: ExtensiveFormGame, chosen: dict[int, int]) -> tuple[Payoff, ...]:
    """Expected payoffs when each player's information set ``h`` plays ``chosen[h]``."""
    totals = game.node_payoffs
    result: list[Payoff] = [Fraction(0)] * game.n_players
    stack: list[tuple[int, Payoff]] = [(game.root, Fraction(1))]
    while stack:
        index, weight = stack.pop()
        node = game.nodes[index]
        if node.infoset is None:
            result = [r + weight * v for r, v in zip(result, totals[index], strict=True)]
            continue
        infoset = game.infosets[node.infoset]
        if infoset.player == CHANCE:
            assert infoset.probabilities is not None
            for prob, child in zip(infoset.probabilities, node.children, strict=True):
                if prob != 0:
                    stack.append((child, weight * prob))
        else:
            stack.append((node.children[chosen[node.infoset]], weight))
    return tuple(result)


def mixed_to_behaviour(game: ExtensiveFormGame,
                       strategies: Sequence[Sequence[ReducedStrategy]],
                       mixed: Sequence[Sequence[Payoff]]) -> list[tuple[Payoff, ...]]:
    """Convert a mixed profile over reduced strategies to behaviour, per information set.

    Chance information sets keep their probabilities; information sets that the
    owner's own mixed strategy never reaches get the uniform distribution.

    Raises
    ------
    UnsupportedGameError
        If the game does not have perfect recall (Kuhn's theorem does not apply).
    """
    if not game.has_perfect_recall:
        raise UnsupportedGameError(
            "the game does not have perfect recall, so mixed strategies have no "
            "equivalent behaviour strategies", expected="a game with perfect recall")
    members = game.infoset_members
    behaviour: list[tuple[Payoff, ...]] = []
    for h, infoset in enumerate(game.infosets):
        if infoset.player == CHANCE:
            assert infoset.probabilities is not None
            behaviour.append(tuple(infoset.probabilities))
            continue
        player = infoset.player
        # With perfect recall every node of h has the same own history, so "reaches h"
        # can be read at the first node: the strategy makes the own choices on its path.
        path = [(game.nodes[p].infoset, a) for p, a in game.path_to(members[h][0])]
        needed = [(hh, a) for hh, a in path
                  if hh is not None and game.infosets[hh].player == player]
        reach: Payoff = Fraction(0)
        per_action: list[Payoff] = [Fraction(0)] * len(infoset.actions)
        for strategy, prob in zip(strategies[player], mixed[player], strict=True):
            if prob == 0:
                continue
            choices = dict(strategy.choices)
            if all(choices.get(hh) == a for hh, a in needed) and h in choices:
                reach += prob
                per_action[choices[h]] += prob
        if reach == 0:
            uniform = Fraction(1, len(infoset.actions))
            behaviour.append(tuple(uniform for _ in infoset.actions))
        else:
            behaviour.append(tuple(p / reach for p in per_action))
    return behaviour


def flatten_behaviour(game: ExtensiveFormGame,
                      behaviour: Sequence[Sequence[Payoff]]) -> tuple[tuple[Payoff, ...], ...]:
    """Per player, the flat list of action probabilities, information set by information set."""
    return tuple(
        tuple(p for h in game.player_infosets(i) for p in behaviour[h])
        for i in range(game.n_players))


def unreached_infosets(game: ExtensiveFormGame,
                       behaviour: Sequence[Sequence[Payoff]]) -> tuple[int, ...]:
    """Information sets that their owner's own behaviour never reaches.

    Behaviour there is undefined (any choice gives the same outcome); the
    conversion from mixed strategies reports it as uniform.  Requires perfect
    recall, so that each information set has one own history.
    """
    last = last_own_moves(game)
    members = game.infoset_members
    reach: list[Payoff] = [Fraction(1)] * len(game.infosets)
    for h, infoset in enumerate(game.infosets):
        if infoset.player == CHANCE:
            continue
        previous = last[members[h][0]][infoset.player]
        if previous is not None:
            before, action = previous
            reach[h] = reach[before] * behaviour[before][action]
    return tuple(h for h, infoset in enumerate(game.infosets)
                 if infoset.player != CHANCE and reach[h] == 0)
