r"""Best responses in normal-form games.

Player *i*'s pure best responses to the others' mixed strategies
:math:`\sigma_{-i}` are :math:`\arg\max_{s_i} u_i(s_i, \sigma_{-i})`.
"""

from __future__ import annotations

from collections.abc import Sequence

from games.certificates import normal_form_tolerance, strategy_values
from games.normal_form import NormalFormGame
from games.numbers import Payoff


def best_responses(game: NormalFormGame, profile: Sequence[Sequence[Payoff]],
                   player: int) -> tuple[int, ...]:
    """Indices of ``player``'s pure best responses to the others' mixed strategies.

    ``profile[player]`` is ignored.  Exact games compare exactly; float games
    allow the certificate tolerance.
    """
    values = list(strategy_values(game, profile, player).flat)
    best = max(values)
    slack = 0.0 if game.exact else normal_form_tolerance(game)
    return tuple(k for k, v in enumerate(values) if v >= best - slack)
