r"""Equilibrium certificates: the maximum regret of a profile.

For a normal-form game and a mixed profile :math:`\sigma`, player *i*'s regret is

.. math:: r_i(\sigma) = \max_{s_i \in S_i} u_i(s_i, \sigma_{-i}) - u_i(\sigma),

and :math:`\sigma` is a Nash equilibrium iff :math:`\max_i r_i(\sigma) = 0`.

For an extensive-form game with perfect recall and a behaviour profile
:math:`\beta`, the best-response value of player *i* is computed in one pass
over the tree, information set by information set (deepest first), as in the
sequence form: the value of an own information set *h* is the best, over its
actions *a*, of the reach-weighted payoffs of the terminal nodes that follow
``(h, a)`` before any other own move, plus the values of the own information
sets that follow ``(h, a)`` immediately.

The subgame-perfect certificate is the largest regret in any subgame.  It is
computed locally: with every proper subgame already played as the profile says,
a profile is an equilibrium of a subgame iff no player gains in the subgame's
*local* game, whose leaves are its terminal nodes and the roots of its proper
subgames (valued at their continuation payoffs).  That keeps the check linear in
the size of the tree.

Exact games give exact regrets (``Fraction``); float games give floats, and a
profile passes when its regret is at most :func:`tolerance`.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

import numpy as np

from games.errors import UnsupportedGameError
from games.extensive_form import CHANCE, ExtensiveFormGame
from games.normal_form import NormalFormGame, PayoffArray
from games.numbers import Payoff, as_float
from games.subgames import subgame_roots

Behaviour = Sequence[Sequence[Payoff]]
"""Per information set (chance ones included), the probability of each action."""

RELATIVE_TOLERANCE = 1e-9


def tolerance(payoffs: Sequence[Payoff], exact: bool) -> float:
    """Regret allowed for a certificate: 0 for exact games, else ``1e-9 * max|payoff|``."""
    if exact:
        return 0.0
    scale = max((abs(as_float(p)) for p in payoffs), default=1.0)
    return RELATIVE_TOLERANCE * max(scale, 1.0)


def normal_form_tolerance(game: NormalFormGame) -> float:
    """The certificate tolerance of a normal-form game."""
    return tolerance([v for a in game.payoffs for v in a.flat], game.exact)


# ----------------------------------------------------------------------------- normal form
def strategy_values(game: NormalFormGame, profile: Sequence[Sequence[Payoff]],
                    player: int) -> PayoffArray:
    """Expected payoff of each of ``player``'s pure strategies against the others' mixtures."""
    array = np.moveaxis(game.payoffs[player], player, 0)
    for other in range(game.n_players - 1, -1, -1):
        if other == player:
            continue
        vector = np.array(list(profile[other]), dtype=array.dtype)
        array = np.tensordot(array, vector, axes=([array.ndim - 1], [0]))
    return array


def expected_payoffs(game: NormalFormGame,
                     profile: Sequence[Sequence[Payoff]]) -> tuple[Payoff, ...]:
    """Each player's expected payoff under a mixed profile."""
    return tuple(
        _dot(strategy_values(game, profile, i), profile[i]) for i in range(game.n_players))


def regrets(game: NormalFormGame, profile: Sequence[Sequence[Payoff]]) -> tuple[Payoff, ...]:
    """Each player's regret :math:`r_i(\\sigma)` under a mixed profile."""
    out = []
    for i in range(game.n_players):
        values = strategy_values(game, profile, i)
        out.append(max(values.flat) - _dot(values, profile[i]))
    return tuple(out)


def max_regret(game: NormalFormGame, profile: Sequence[Sequence[Payoff]]) -> Payoff:
    """The certificate of a mixed profile: the largest regret of any player."""
    return max(regrets(game, profile))


def is_nash(game: NormalFormGame, profile: Sequence[Sequence[Payoff]]) -> bool:
    """True when the mixed profile is a Nash equilibrium (regret within tolerance)."""
    regret = max_regret(game, profile)
    if game.exact:
        return bool(regret <= 0)
    return bool(as_float(regret) <= normal_form_tolerance(game))


def _dot(values: PayoffArray, weights: Sequence[Payoff]) -> Payoff:
    total: Payoff = Fraction(0) if values.dtype == object else 0.0
    for value, weight in zip(values.flat, weights, strict=True):
        total = total + value * weight
    return total


# ----------------------------------------------------------------------------- extensive form
def node_values(game: ExtensiveFormGame, behaviour: Behaviour) -> list[tuple[Payoff, ...]]:
    """Expected payoff vector at every node when play follows ``behaviour`` from there on."""
    values: list[tuple[Payoff, ...]] = [()] * len(game.nodes)
    totals = game.node_payoffs
    for index in range(len(game.nodes) - 1, -1, -1):
        node = game.nodes[index]
        if node.infoset is None:
            values[index] = totals[index]
            continue
        probs = behaviour[node.infoset]
        acc: list[Payoff] = [Fraction(0)] * game.n_players
        for prob, child in zip(probs, node.children, strict=True):
            if prob == 0:
                continue
            acc = [a + prob * v for a, v in zip(acc, values[child], strict=True)]
        values[index] = tuple(acc)
    return values


def best_response_value(game: ExtensiveFormGame, behaviour: Behaviour, player: int, *,
                        root: int = 0, leaves: frozenset[int] = frozenset(),
                        leaf_values: Sequence[tuple[Payoff, ...]] | None = None) -> Payoff:
    """Player's best expected payoff in the (local) game below ``root``.

    ``leaves`` are nodes below ``root`` treated as terminal with payoff
    ``leaf_values[node]`` (used for the local games of subgame perfection; ``root``
    itself is never cut off, even if it is in ``leaves``).  Requires perfect recall
    within the part of the tree examined.
    """
    totals = game.node_payoffs if leaf_values is None else leaf_values
    end = game.subtree_end
    # One pre-order pass: reach probability by chance and the others, and the last own
    # (information set, action) on the path ("parent sequence"), per node.
    reach: dict[int, Payoff] = {root: Fraction(1)}
    sequence: dict[int, tuple[int, int] | None] = {root: None}
    root_value: Payoff = Fraction(0)
    sequence_value: dict[tuple[int, int], Payoff] = {}
    children_of: dict[tuple[int, int] | None, list[int]] = {}
    index = root
    while index < end[root]:
        node = game.nodes[index]
        weight, seq = reach[index], sequence[index]
        if node.infoset is None or (index in leaves and index != root):
            if weight != 0:
                term = weight * totals[index][player]
                if seq is None:
                    root_value += term
                else:
                    sequence_value[seq] = sequence_value.get(seq, Fraction(0)) + term
            index = end[index]
            continue
        infoset = game.infosets[node.infoset]
        if infoset.player == player:
            bucket = children_of.setdefault(seq, [])
            if node.infoset not in bucket:
                bucket.append(node.infoset)
            for action, child in enumerate(node.children):
                reach[child] = weight
                sequence[child] = (node.infoset, action)
        else:
            probs = behaviour[node.infoset]
            for prob, child in zip(probs, node.children, strict=True):
                reach[child] = weight * prob
                sequence[child] = seq
        index += 1
    _check_recall(game, sequence, player)
    infoset_value: dict[int, Payoff] = {}
    for h in sorted({h for hs in children_of.values() for h in hs}, reverse=True):
        best: Payoff | None = None
        for action in range(len(game.infosets[h].actions)):
            value = sequence_value.get((h, action), Fraction(0))
            for successor in children_of.get((h, action), []):
                value += infoset_value[successor]
            if best is None or value > best:
                best = value
        assert best is not None
        infoset_value[h] = best
    return root_value + sum((infoset_value[h] for h in children_of.get(None, [])), Fraction(0))


def _check_recall(game: ExtensiveFormGame, sequence: dict[int, tuple[int, int] | None],
                  player: int) -> None:
    seen: dict[int, tuple[int, int] | None] = {}
    for node, seq in sequence.items():
        h = game.nodes[node].infoset
        if h is None or game.infosets[h].player != player:
            continue
        if seen.setdefault(h, seq) != seq:
            raise UnsupportedGameError(
                "the game does not have perfect recall",
                expected="a game with perfect recall for behaviour-strategy certificates")


def behaviour_regrets(game: ExtensiveFormGame, behaviour: Behaviour) -> tuple[Payoff, ...]:
    """Each player's gain from the best deviation in the whole game (Nash regret)."""
    values = node_values(game, behaviour)
    return tuple(best_response_value(game, behaviour, i) - values[0][i]
                 for i in range(game.n_players))


def subgame_perfect_regret(game: ExtensiveFormGame, behaviour: Behaviour) -> Payoff:
    """The largest regret of any player in any subgame (0 for an exact SPE)."""
    values = node_values(game, behaviour)
    roots = subgame_roots(game)
    root_set = frozenset(roots)
    worst: Payoff = Fraction(0)
    for root in roots:
        node = game.nodes[root]
        if node.infoset is None:
            continue
        infoset = game.infosets[node.infoset]
        if all(c in root_set or game.nodes[c].is_terminal for c in node.children):
            if infoset.player == CHANCE:
                continue
            i = infoset.player
            best = max(values[c][i] for c in node.children)
            worst = max(worst, best - values[root][i])
            continue
        for i in range(game.n_players):
            deviation = best_response_value(game, behaviour, i, root=root,
                                            leaves=root_set, leaf_values=values)
            worst = max(worst, deviation - values[root][i])
    return worst


def payoff_scale(game: ExtensiveFormGame) -> float:
    """The largest absolute payoff at any terminal node, outcomes added along the path."""
    totals = game.node_payoffs
    return max((abs(as_float(v)) for index, node in enumerate(game.nodes) if node.is_terminal
                for v in totals[index]), default=1.0)


def game_tolerance(game: ExtensiveFormGame) -> float:
    """The certificate tolerance of an extensive-form game (scaled by :func:`payoff_scale`)."""
    if game.exact:
        return 0.0
    return RELATIVE_TOLERANCE * max(payoff_scale(game), 1.0)
