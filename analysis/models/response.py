r"""The policy-response game: restraint, targeted countermeasures or sweeping controls
against a partnership, with or without a wedge offer.

Three players, payoffs in named sympy symbols:

1. The rival R chooses a response :math:`r` — restraint (cost 0, no effect),
   targeted countermeasures (cost :math:`k_T`, cutting the partners' capability
   gain :math:`g` by :math:`\theta_T`) or sweeping controls (cost :math:`k_W`,
   cutting :math:`g` by :math:`\theta_W \ge \theta_T` but adding :math:`\sigma > 0`
   to each partner's value of deepening: the push) — and whether to add a wedge
   offer (cost :math:`w`) aimed at partner 1 or partner 2, lowering that
   partner's value of deepening by :math:`\omega`.  R sees everything: perfect
   information.
2. Partners 1 and 2 then deepen (D) or limit (L), simultaneously.  Partner
   :math:`i` gets

   .. math:: u_i(D) = g - \theta_r + \sigma\,[r = W] - \kappa_i - \omega\,[\text{wedge on } i],
             \qquad u_i(L) = 0,

   whatever the other partner does.
3. If both deepen a bloc forms, costing R the amount :math:`B`.  R gets

   .. math:: u_R = -k_r - w\,[\text{wedge}] - B\,[\text{bloc}] + \lambda\,\theta_r,

   with :math:`k_R = \theta_R = 0` for restraint.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

import sympy

from games.extensive_form import Decision, ExtensiveFormGame, Terminal
from games.symbolic import symbol

PLAYERS = ("Rival", "Partner 1", "Partner 2")

Response = Literal["restraint", "targeted", "sweeping"]
RESPONSES: tuple[Response, ...] = ("restraint", "targeted", "sweeping")
"""R's responses, from the least to the most escalatory (the tie order)."""

Wedge = Literal[0, 1, 2]
WEDGES: tuple[Wedge, ...] = (0, 1, 2)
"""No wedge offer, or one aimed at partner 1 or partner 2 (no wedge first in the tie order)."""

RESPONSE_LABELS: Mapping[Response, str] = {
    "restraint": "Restraint", "targeted": "Targeted countermeasures",
    "sweeping": "Sweeping controls"}

Move = tuple[Response, Wedge]
MOVES: tuple[Move, ...] = tuple((r, x) for r in RESPONSES for x in WEDGES)
"""R's nine moves, in the order of the root's actions (and of the tie rule)."""

DEEPEN, LIMIT = 0, 1
"""The partners' action indices."""


def move_label(move: Move) -> str:
    """``Sweeping controls``, ``Sweeping controls + wedge on partner 2``."""
    response, wedge = move
    return RESPONSE_LABELS[response] + (f" + wedge on partner {wedge}" if wedge else "")


def cost(response: Response) -> sympy.Expr:
    """R's cost of a response: 0, k_T or k_W."""
    return {"restraint": sympy.Integer(0), "targeted": symbol("k_T"),
            "sweeping": symbol("k_W")}[response]


def cut(response: Response) -> sympy.Expr:
    """How much a response cuts the partners' gain: 0, θ_T or θ_W."""
    return {"restraint": sympy.Integer(0), "targeted": symbol("theta_T"),
            "sweeping": symbol("theta_W")}[response]


def deepening_value(move: Move, partner: Literal[1, 2]) -> sympy.Expr:
    """Partner ``partner``'s payoff from deepening after R's ``move``."""
    response, wedge = move
    push = symbol("sigma") if response == "sweeping" else sympy.Integer(0)
    offer = symbol("omega") if wedge == partner else sympy.Integer(0)
    return symbol("g") - cut(response) + push - symbol(f"kappa_{partner}") - offer


def rival_payoff(move: Move, bloc: bool) -> sympy.Expr:
    """R's payoff after ``move`` when a bloc forms or not."""
    response, wedge = move
    return (-cost(response) - (symbol("w") if wedge else 0)
            - (symbol("B") if bloc else 0) + symbol("lambda") * cut(response))


def response_game() -> ExtensiveFormGame:
    """The game with symbolic payoffs (R's nine moves; each followed by the partners'
    simultaneous choice, partner 2 not seeing partner 1's).

    Examples
    --------
    >>> game = response_game()
    >>> len(game.players), len(game.nodes[0].children)
    (3, 9)
    >>> " ".join(sorted(s.name for s in game.free_symbols))
    'B g k_T k_W kappa_1 kappa_2 lambda omega sigma theta_T theta_W w'

    """
    moves = []
    for move in MOVES:
        tag = move_label(move)
        first = []
        for one in (DEEPEN, LIMIT):
            second = []
            for two in (DEEPEN, LIMIT):
                payoffs = (rival_payoff(move, one == two == DEEPEN),
                           deepening_value(move, 1) if one == DEEPEN else sympy.Integer(0),
                           deepening_value(move, 2) if two == DEEPEN else sympy.Integer(0))
                second.append((("Deepen", "Limit")[two], Terminal(payoffs)))
            first.append((("Deepen", "Limit")[one],
                          Decision("Partner 2", second, infoset=f"partner 2 after {tag}")))
        moves.append((tag, Decision("Partner 1", first, infoset=f"partner 1 after {tag}")))
    return ExtensiveFormGame.from_tree(Decision("Rival", moves, infoset="Rival"),
                                       players=list(PLAYERS),
                                       title="Responses to a partnership: restraint, "
                                             "countermeasures, controls and wedges")
