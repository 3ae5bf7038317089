"""Subgames of an extensive-form game.

A non-terminal node *r* roots a (proper or whole) subgame when its information
set is a singleton and every information set met in *r*'s subtree lies entirely
inside that subtree.  Computed bottom-up in one pass: for each node, the
smallest and largest pre-order index of any member of any information set met
in its subtree.
"""

from __future__ import annotations

from games.extensive_form import ExtensiveFormGame


def subgame_roots(game: ExtensiveFormGame) -> tuple[int, ...]:
    """Non-terminal nodes that root a subgame, in pre-order (the root is always one)."""
    members = game.infoset_members
    end = game.subtree_end
    n = len(game.nodes)
    low = list(range(n))
    high = list(range(n))
    for index in range(n - 1, -1, -1):
        node = game.nodes[index]
        if node.infoset is not None:
            group = members[node.infoset]
            low[index] = min(low[index], group[0])
            high[index] = max(high[index], group[-1])
        for child in node.children:
            low[index] = min(low[index], low[child])
            high[index] = max(high[index], high[child])
    return tuple(
        index for index, node in enumerate(game.nodes)
        if node.infoset is not None
        and len(members[node.infoset]) == 1
        and low[index] >= index
        and high[index] < end[index]
    )
