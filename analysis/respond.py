r"""Solving the policy-response game: the SPE, its closed forms and the headline conditions.

The game is :func:`analysis.models.response.response_game`.  Its subgame-perfect
equilibria come from the engine (:func:`games.solvers.spe.subgame_perfect_equilibria`,
the partners' simultaneous stage solved as a normal form).  Because a partner's
payoff from deepening does not depend on what the other partner does, each
partner has a dominant action, and the closed forms are

.. math:: \text{partner } i \text{ deepens after } (r, x) \iff
          d_i(r, x) = g - \theta_r + \sigma [r = W] - \kappa_i - \omega [x = i] > 0,

a bloc forms iff both deepen, and R picks the move with the highest
:math:`-k_r - w[x \ne 0] - B[\text{bloc}] + \lambda\theta_r`.  The selection rule
for ties: an indifferent partner limits (so a wedge with
:math:`\omega = d_i` breaks the bloc), and an indifferent R takes the least
escalatory move (restraint, then targeted, then sweeping; no wedge before a
wedge on partner 1 before one on partner 2).  The headline conditions:

* **overreaction produces the bloc** iff :math:`d_i(W, 0) > 0` for both partners
  while :math:`d_i(T, 0) \le 0` for at least one;
* **a wedge on partner i breaks the bloc** after sweeping controls (when they make one)
  iff :math:`\omega \ge d_i(W, 0)`, and, when some wedge does, it is **worth it** (to R,
  against the bloc it prevents) iff :math:`w < B`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

import numpy as np
import numpy.typing as npt
import sympy

from analysis.models.response import (
    DEEPEN,
    MOVES,
    Move,
    deepening_value,
    response_game,
    rival_payoff,
)
from analysis.parameters import Parameter, ParameterValues, apply_overrides
from games.certificates import subgame_perfect_regret
from games.errors import InputError
from games.extensive_form import ExtensiveFormGame
from games.normal_form import NormalFormGame
from games.numbers import to_fraction
from games.solvers.pure import pure_equilibria
from games.symbolic import symbol

Partner = Literal[1, 2]

RESPONSE_PARAMETERS: tuple[Parameter, ...] = (
    Parameter("g", "the partners' capability gain from deepening", Fraction(3)),
    Parameter("kappa_1", "partner 1's cost of deepening (its reluctance)", Fraction(1)),
    Parameter("kappa_2", "partner 2's cost of deepening (its reluctance)", Fraction(2)),
    Parameter("theta_T", "how much targeted countermeasures cut the gain", Fraction(3, 2)),
    Parameter("theta_W", "how much sweeping controls cut the gain (≥ theta_T)", Fraction(2)),
    Parameter("sigma", "the push: what sweeping controls add to each partner's value of "
                       "deepening", Fraction(2), lower_open=True),
    Parameter("k_T", "R's cost of targeted countermeasures", Fraction(1)),
    Parameter("k_W", "R's cost of sweeping controls", Fraction(7, 4)),
    Parameter("w", "R's cost of a wedge offer", Fraction(1)),
    Parameter("omega", "what a wedge offer takes off the targeted partner's value of "
                       "deepening", Fraction(3)),
    Parameter("B", "R's cost of the bloc (both partners deepen)", Fraction(10)),
    Parameter("lambda", "R's value of each unit of capability denied", Fraction(1)),
)
"""The registry of the response game.  The defaults are illustrative: at them targeted
countermeasures are R's best move, and sweeping controls would produce the bloc that
targeted ones prevent."""

RESPONSE_REGISTRY: Mapping[str, Parameter] = {p.name: p for p in RESPONSE_PARAMETERS}
DEFAULTS_SOURCE = "illustrative default (see docs/explanation/policy-responses.md)"


def resolve_response(overrides: Sequence[str] | Mapping[str, Fraction | int | str] = (),
                     base: Mapping[str, tuple[Fraction, str]] | None = None
                     ) -> ParameterValues:
    """The response game's parameters: ``--param`` > ``base`` (value, source) > default.

    Raises
    ------
    InputError
        For an unknown name, a value outside its domain, or θ_W < θ_T.
    """
    values = {p.name: p.default for p in RESPONSE_PARAMETERS}
    sources = {p.name: DEFAULTS_SOURCE for p in RESPONSE_PARAMETERS}
    for name, (value, source) in (base or {}).items():
        RESPONSE_REGISTRY[name].check(value, source)
        values[name], sources[name] = value, source
    apply_overrides(values, sources, overrides, RESPONSE_REGISTRY)
    if values["theta_W"] < values["theta_T"]:
        raise InputError(f"theta_W = {values['theta_W']} is below theta_T = "
                         f"{values['theta_T']}", field="--param",
                         expected="theta_W ≥ theta_T (sweeping controls cut at least as "
                                  "much as targeted ones)")
    return ParameterValues(values, sources)


# ------------------------------------------------------------------ closed forms
def deepening_margin(move: Move, partner: Partner) -> sympy.Expr:
    """:math:`d_i(r, x)`, derived from the game: partner ``partner``'s payoff from deepening
    minus that from limiting, which is the same whatever the other partner does."""
    game = response_game()
    subgame = game.nodes[0].children[MOVES.index(move)]
    one = game.nodes[subgame]
    index = partner  # payoff index: 0 is R
    values = []
    for other in (DEEPEN, 1 - DEEPEN):
        if partner == 1:
            deepen = game.nodes[game.nodes[one.children[DEEPEN]].children[other]]
            limit = game.nodes[game.nodes[one.children[1 - DEEPEN]].children[other]]
        else:
            deepen = game.nodes[game.nodes[one.children[other]].children[DEEPEN]]
            limit = game.nodes[game.nodes[one.children[other]].children[1 - DEEPEN]]
        values.append(sympy.expand(_payoff(game, deepen.outcome, index)
                                   - _payoff(game, limit.outcome, index)))
    if sympy.simplify(values[0] - values[1]) != 0:
        raise AssertionError("a partner's gain from deepening depends on the other partner")
    return values[0]


def _payoff(game: ExtensiveFormGame, outcome: int | None, player: int) -> sympy.Expr:
    assert outcome is not None
    value = game.outcomes[outcome].payoffs[player]
    if isinstance(value, sympy.Expr):
        return value
    exact = to_fraction(value)  # a constant payoff the engine stored as a number
    return sympy.Rational(exact.numerator, exact.denominator)


@dataclass(frozen=True)
class ClosedForms:
    """The closed forms of the SPE, one per move: each partner's deepening margin and R's
    payoff with and without the bloc."""

    margins: Mapping[tuple[Move, Partner], sympy.Expr]
    rival: Mapping[tuple[Move, bool], sympy.Expr]

    def at(self, values: Mapping[str, Fraction]) -> ClosedPlay:
        """The play the closed forms give at a point (exact)."""
        mapping = {symbol(k): sympy.Rational(v.numerator, v.denominator)
                   for k, v in values.items()}
        margins = {key: _fraction(expr.xreplace(mapping)) for key, expr in self.margins.items()}
        deepens = {key: m > 0 for key, m in margins.items()}
        blocs = {move: deepens[(move, 1)] and deepens[(move, 2)] for move in MOVES}
        payoffs = {move: _fraction(self.rival[(move, blocs[move])].xreplace(mapping))
                   for move in MOVES}
        best = max(payoffs.values())
        choice = next(move for move in MOVES if payoffs[move] == best)
        return ClosedPlay(margins, deepens, blocs, payoffs, choice,
                          sum(1 for p in payoffs.values() if p == best) > 1
                          or any(m == 0 for m in margins.values()))


@dataclass(frozen=True)
class ClosedPlay:
    """The closed forms evaluated at a point."""

    margins: Mapping[tuple[Move, Partner], Fraction]
    deepens: Mapping[tuple[Move, Partner], bool]
    blocs: Mapping[Move, bool]
    payoffs: Mapping[Move, Fraction]
    choice: Move
    ties: bool


def closed_forms() -> ClosedForms:
    """Every move's deepening margins (derived from the game) and R's two payoffs."""
    partners: tuple[Partner, ...] = (1, 2)
    margins = {(move, partner): deepening_margin(move, partner)
               for move in MOVES for partner in partners}
    for (move, partner), expression in margins.items():  # the model's own statement
        assert sympy.expand(expression - deepening_value(move, partner)) == 0
    rival = {(move, bloc): rival_payoff(move, bloc) for move in MOVES for bloc in (False, True)}
    return ClosedForms(margins, rival)


def _fraction(value: sympy.Expr) -> Fraction:
    rational = sympy.Rational(value)
    return Fraction(int(rational.p), int(rational.q))


# -------------------------------------------------------------------- the SPE
@dataclass(frozen=True)
class ResponsePlay:
    """The selected SPE: R's move, what each partner does after every move, the payoffs.

    ``ties`` is true when another SPE exists (a partner or R indifferent); ``regret`` is
    the engine's subgame-perfect certificate of the selected profile (exactly 0).
    """

    choice: Move
    deepens: Mapping[tuple[Move, Partner], bool]
    payoff: tuple[Fraction, Fraction, Fraction]
    ties: bool
    regret: Fraction

    @property
    def bloc(self) -> bool:
        """Both partners deepen on the equilibrium path."""
        return self.deepens[(self.choice, 1)] and self.deepens[(self.choice, 2)]


def solve_response(values: Mapping[str, Fraction]) -> ResponsePlay:
    """Solve the game exactly at ``values`` by backward induction, selecting by the tie rule.

    Each partners' stage (after each of R's nine moves) is a two-player normal form, solved
    for its pure equilibria by the engine (:func:`games.solvers.pure.pure_equilibria`; a
    partner's dominant action makes every equilibrium pure except where it is indifferent);
    the rule keeps the one in which indifferent partners limit.  R then takes its best move,
    the least escalatory when indifferent.  The assembled profile is certified subgame
    perfect by :func:`games.certificates.subgame_perfect_regret`.  Solving stage by stage
    keeps the work linear in the moves even where partners are indifferent everywhere (the
    set of all SPE then has up to 4⁹ members).
    """
    game = response_game().subs(dict(values))
    behaviour: list[list[Fraction]] = [[Fraction(0)] * len(h.actions) for h in game.infosets]
    deepens: dict[tuple[Move, Partner], bool] = {}
    stage_payoffs = []
    ties = False
    for k, move in enumerate(MOVES):
        cells = _stage_cells(game, k)
        stage = NormalFormGame.from_arrays(
            *([[_outcome(game, cells[a][b])[player] for b in (0, 1)] for a in (0, 1)]
              for player in (1, 2)), players=["Partner 1", "Partner 2"],
            strategies=[["Deepen", "Limit"], ["Deepen", "Limit"]])
        found = [eq.profile for eq in pure_equilibria(stage).equilibria]
        pure = [(int(profile[0][1] == 1), int(profile[1][1] == 1)) for profile in found]
        ties = ties or len(pure) > 1
        one, two = min(pure, key=lambda actions: (-sum(actions), actions))  # limits first
        deepens[(move, 1)], deepens[(move, 2)] = one == DEEPEN, two == DEEPEN
        behaviour[_partner_infoset(game, k, 1)][one] = Fraction(1)
        behaviour[_partner_infoset(game, k, 2)][two] = Fraction(1)
        stage_payoffs.append(_outcome(game, cells[one][two]))
    rival = [payoffs[0] for payoffs in stage_payoffs]
    best = max(rival)
    root = rival.index(best)  # MOVES is in the tie order
    ties = ties or rival.count(best) > 1
    behaviour[game.nodes[0].infoset or 0][root] = Fraction(1)
    regret = Fraction(subgame_perfect_regret(game, behaviour))
    if regret != 0:
        raise AssertionError(f"the selected profile has regret {regret}")
    payoff = stage_payoffs[root]
    return ResponsePlay(MOVES[root], deepens, (payoff[0], payoff[1], payoff[2]), ties, regret)


def _stage_cells(game: ExtensiveFormGame, move_index: int) -> list[list[int]]:
    """The terminal node after partner 1's action a and partner 2's action b."""
    first = game.nodes[game.nodes[0].children[move_index]]
    return [[game.nodes[first.children[a]].children[b] for b in (0, 1)] for a in (0, 1)]


def _outcome(game: ExtensiveFormGame, node: int) -> tuple[Fraction, Fraction, Fraction]:
    outcome = game.nodes[node].outcome
    assert outcome is not None
    values = tuple(Fraction(v) for v in game.outcomes[outcome].payoffs)
    return values[0], values[1], values[2]


def _partner_infoset(game: ExtensiveFormGame, move_index: int, partner: Partner) -> int:
    first = game.nodes[game.nodes[0].children[move_index]]
    node = first if partner == 1 else game.nodes[first.children[0]]
    assert node.infoset is not None
    return node.infoset


# ------------------------------------------------------------- headline results
@dataclass(frozen=True)
class Headline:
    """The headline conditions at a point, with the numbers they compare.

    ``wedge_breaks`` is None for both partners when sweeping controls make no bloc (there is
    nothing to break); ``wedge_worth_it`` is None unless some wedge breaks the bloc, and
    then says whether paying w beats suffering the bloc B.
    """

    overreaction_backfires: bool
    bloc_after_sweeping: bool
    bloc_after_targeted: bool
    wedge_threshold: Mapping[Partner, Fraction]
    wedge_breaks: Mapping[Partner, bool | None]
    wedge_worth_it: bool | None


def headline(values: Mapping[str, Fraction]) -> Headline:
    """Overreaction, and the wedge after sweeping controls, at ``values`` (exact)."""
    forms = closed_forms().at(values)
    after_sweeping = forms.blocs[("sweeping", 0)]
    after_targeted = forms.blocs[("targeted", 0)]
    partners: tuple[Partner, ...] = (1, 2)
    threshold = {i: forms.margins[(("sweeping", 0), i)] for i in partners}
    breaks: dict[Partner, bool | None] = {
        i: values["omega"] >= threshold[i] if after_sweeping else None for i in partners}
    worth = values["w"] < values["B"] if any(breaks.values()) else None
    return Headline(after_sweeping and not after_targeted, after_sweeping, after_targeted,
                    threshold, breaks, worth)


FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class MoveArrays:
    """The closed forms at many points: R's move (index into :data:`MOVES`), whether the
    bloc forms on the path, and whether it would form after each move."""

    choice: npt.NDArray[np.int64]
    bloc: npt.NDArray[np.bool_]
    bloc_after: npt.NDArray[np.bool_]
    """Shape ``(9, ...)``: the bloc after each move, in :data:`MOVES` order."""


def best_moves(values: Mapping[str, FloatArray]) -> MoveArrays:
    """R's move and the blocs at many points (the closed forms in numpy; ties as in
    :func:`solve_response`: a zero margin limits, R takes the first best move).

    In floats an exact tie can round either way (``0.1`` is not exact), so on the lines where
    R or a partner is indifferent this can differ from the exact solvers; it draws plots.
    """
    payoffs = []
    blocs = []
    for move in MOVES:
        response, wedge = move
        zero = np.zeros_like(values["g"])
        cut: FloatArray = {"restraint": zero, "targeted": values["theta_T"],
                           "sweeping": values["theta_W"]}[response]
        push = values["sigma"] if response == "sweeping" else zero
        deepen = [values["g"] - cut + push - values[f"kappa_{i}"]
                  - (values["omega"] if wedge == i else 0.0) > 0 for i in (1, 2)]
        bloc = np.logical_and(deepen[0], deepen[1])
        cost: FloatArray = {"restraint": zero, "targeted": values["k_T"],
                            "sweeping": values["k_W"]}[response]
        payoffs.append(-cost - (values["w"] if wedge else zero)
                       - np.where(bloc, values["B"], 0.0) + values["lambda"] * cut)
        blocs.append(bloc)
    table = np.stack(np.broadcast_arrays(*payoffs))
    choice = np.argmax(table, axis=0)
    bloc_table = np.stack(np.broadcast_arrays(*blocs))
    return MoveArrays(choice, np.take_along_axis(bloc_table, choice[None], axis=0)[0],
                      bloc_table)
