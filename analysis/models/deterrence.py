"""The canonical extended-deterrence game, with the treaty's audience cost.

Two players, perfect information, payoffs in named sympy symbols:

1. The challenger C keeps the status quo (0, 0) or challenges the protégé.
2. The ally A intervenes with combat forces (I), gives limited aid (L: arms,
   money, advisers) or stays out (S).
3. C backs down, paying b (A: -a_eff·short(X)), or presses on to war:
   C gets p_X·v_C - c_C and A gets -p_X·v_A - k_X - a_eff·short(X), with
   k_I = c_A, k_L = c_L, k_S = 0.

short(X) is 1 when response X falls short of the treaty (from the rulebook)
and a_eff = δ·a is the audience cost that survives the escape wording.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction

import sympy

from analysis.rules import ACTIONS, Action
from games.extensive_form import Decision, ExtensiveFormGame, Terminal
from games.symbolic import symbol

PLAYERS = ("Challenger", "Ally")
ACTION_LABELS: Mapping[Action, str] = {"I": "Intervene", "L": "Limited aid", "S": "Stay out"}
A_EFF = "a_eff"
"""The name of the effective audience-cost symbol in the game's payoffs."""

ALLY_NODE = 2
"""Index of the ally's decision node (pre-order: root, status quo, ally)."""


def challenger_node(action: Action) -> int:
    """Index of the challenger's node after the ally's response ``action``."""
    return 3 + 3 * ACTIONS.index(action)


def deterrence_game(short: frozenset[Action] | set[Action]) -> ExtensiveFormGame:
    """The game with symbolic payoffs, for a set of responses that fall short.

    Examples
    --------
    >>> game = deterrence_game({"S"})
    >>> [game.nodes[i].infoset is not None for i in (0, 2, 3)]
    [True, True, True]
    >>> sorted(s.name for s in game.free_symbols)
    ['a_eff', 'b', 'c_A', 'c_C', 'c_L', 'p_I', 'p_L', 'p_S', 'v_A', 'v_C']
    """
    v_C, c_C, b, v_A, a_eff = (symbol(n) for n in ("v_C", "c_C", "b", "v_A", A_EFF))
    cost = {"I": symbol("c_A"), "L": symbol("c_L"), "S": sympy.Integer(0)}
    responses = []
    for action in ACTIONS:
        p = symbol(f"p_{action}")
        penalty = a_eff if action in short else sympy.Integer(0)
        responses.append((ACTION_LABELS[action], Decision("Challenger", [
            ("Back down", Terminal((-b, -penalty))),
            ("Press on", Terminal((p * v_C - c_C, -p * v_A - cost[action] - penalty))),
        ], infoset=f"after {ACTION_LABELS[action]}")))
    tree = Decision("Challenger", [
        ("Status quo", Terminal((0, 0))),
        ("Challenge", Decision("Ally", responses, infoset="Ally")),
    ], infoset="Challenger")
    return ExtensiveFormGame.from_tree(tree, players=list(PLAYERS),
                                       title="Extended deterrence with tied hands")


def numeric_game(game: ExtensiveFormGame, values: Mapping[str, Fraction],
                 a_eff: Fraction) -> ExtensiveFormGame:
    """The game at parameter values and an effective audience cost (exact)."""
    return game.subs({**values, A_EFF: a_eff})
