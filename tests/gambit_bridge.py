"""Test-only bridge: build the same game in pygambit 16.7 (the test oracle).

Kept out of the package on purpose: pygambit is an optional extra and
``games`` never depends on it.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from games import CHANCE, ExtensiveFormGame, NormalFormGame


def _rational(value: object) -> Any:
    import pygambit as gbt

    number = Fraction(str(value)) if isinstance(value, float) else Fraction(value)  # type: ignore[arg-type]
    return gbt.Rational(number.numerator, number.denominator)


def tree_to_pygambit(game: ExtensiveFormGame) -> Any:
    """The same tree as a pygambit ``Game`` (labels generated where empty)."""
    import pygambit as gbt

    g = gbt.Game.new_tree(players=list(game.players), title=game.title or "game")
    players = list(g.players)
    handles: dict[int, Any] = {0: g.root}
    made: dict[int, Any] = {}
    outcomes = [g.add_outcome(f"o{k + 1}", [_rational(v) for v in o.payoffs])
                for k, o in enumerate(game.outcomes)]
    for index, node in enumerate(game.nodes):
        handle = handles[index]
        if node.outcome is not None:
            g.set_outcome(handle, outcomes[node.outcome])
        if node.infoset is None:
            continue
        infoset = game.infosets[node.infoset]
        if node.infoset in made:
            g.append_infoset(handle, made[node.infoset])
        else:
            owner = g.players.chance if infoset.player == CHANCE else players[infoset.player]
            labels = [a if a else str(k + 1) for k, a in enumerate(infoset.actions)]
            if len(set(labels)) != len(labels):
                labels = [str(k + 1) for k in range(len(labels))]
            g.append_move(handle, owner, labels)
            if infoset.label:
                handle.infoset.label = infoset.label
            made[node.infoset] = handle.infoset
            if infoset.probabilities is not None:
                g.set_chance_probs(handle.infoset,
                                   [_rational(p) for p in infoset.probabilities])
        for child, child_handle in zip(node.children, list(handle.children), strict=True):
            handles[child] = child_handle
    return g


def normal_to_pygambit(game: NormalFormGame) -> Any:
    """The same strategic game in pygambit, with exact payoffs."""
    import numpy as np
    import pygambit as gbt

    exact = game.to_exact()
    arrays = [np.vectorize(_rational, otypes=[object])(a) for a in exact.payoffs]
    return gbt.Game.from_arrays(*arrays, title=game.title or "game")


def rational(value: object) -> Fraction:
    """A pygambit number as a Fraction."""
    return Fraction(str(value))


def pure_equilibria_by_label(game: ExtensiveFormGame,
                             ) -> set[tuple[tuple[str, ...], tuple[Fraction, ...]]]:
    """pygambit's pure Nash equilibria of a tree: (each player's strategy label, payoffs)."""
    import pygambit as gbt

    pg = tree_to_pygambit(game)
    found = set()
    for eq in gbt.nash.enumpure_solve(pg).equilibria:
        labels = []
        for player in pg.players:
            [label] = [s.label for s in player.strategies if eq[s] == 1]
            labels.append(label)
        found.add((tuple(labels), tuple(rational(eq.payoff(p)) for p in pg.players)))
    return found


def pygambit_nodes(game: ExtensiveFormGame, pg: Any) -> list[Any]:
    """pygambit's node for each of our nodes (children are in action order in both)."""
    handles: list[Any] = [None] * len(game.nodes)
    handles[0] = pg.root
    for index, node in enumerate(game.nodes):
        for child, handle in zip(node.children, handles[index].children, strict=True):
            handles[child] = handle
    return handles
