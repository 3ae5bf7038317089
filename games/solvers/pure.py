r"""All pure-strategy Nash equilibria of an n-player normal-form game.

A pure profile :math:`s` is a Nash equilibrium iff for every player *i*,
:math:`u_i(s) \ge u_i(s_i', s_{-i})` for all :math:`s_i'`.  Vectorised: for
each player take the maximum of ``payoffs[i]`` along axis *i*; the equilibria
are the cells where every player's payoff attains that maximum.  Exact games
compare exactly; float games allow the certificate tolerance.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import numpy.typing as npt

from games.certificates import max_regret, normal_form_tolerance
from games.errors import InputError
from games.normal_form import NormalFormGame
from games.numbers import Payoff
from games.results import Equilibrium, SolverResult


def best_response_mask(game: NormalFormGame, player: int) -> npt.NDArray[np.bool_]:
    """Boolean array: True where ``player``'s strategy is a best response to the others'."""
    payoffs = game.payoffs[player]
    best = np.max(payoffs, axis=player, keepdims=True)
    if payoffs.dtype == object:
        return np.asarray(payoffs == best, dtype=bool)
    return np.asarray(payoffs >= best - normal_form_tolerance(game), dtype=bool)


def pure_equilibria(game: NormalFormGame) -> SolverResult:
    """Every pure-strategy Nash equilibrium, in lexicographic order of profiles."""
    if game.symbolic:
        raise InputError("the game has symbolic payoffs", field="payoffs",
                         expected="numbers; substitute parameters first with subs()")
    mask = np.ones(game.shape, dtype=bool)
    for player in range(game.n_players):
        mask &= best_response_mask(game, player)
    one: Payoff = Fraction(1) if game.exact else 1.0
    zero: Payoff = Fraction(0) if game.exact else 0.0
    equilibria = []
    for cell in zip(*np.nonzero(mask), strict=True):
        pure = tuple(int(k) for k in cell)
        profile = tuple(tuple(one if k == s else zero for k in range(n))
                        for s, n in zip(pure, game.shape, strict=True))
        equilibria.append(Equilibrium(
            profile=profile,
            payoffs=tuple(game.payoffs[i][pure] for i in range(game.n_players)),
            max_regret=max_regret(game, profile)))
    return SolverResult(concept="NE", method="enumpure", exact=game.exact,
                        equilibria=tuple(equilibria))
