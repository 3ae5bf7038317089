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
* **a wedge on partner i breaks the bloc** after sweeping controls iff
  :math:`\omega \ge d_i(W, 0)`, and is **worth it** (to R, against the bloc it
  prevents) iff :math:`w < B`.
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
from analysis.parameters import Parameter, ParameterValues, parse_assignment, parse_number
from games.errors import InputError
from games.extensive_form import ExtensiveFormGame
from games.numbers import to_fraction
from games.play import unflatten_behaviour
from games.results import Equilibrium, SolverResult
from games.solvers.spe import subgame_perfect_equilibria
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
    Parameter("k_W", "R's cost of sweeping controls", Fraction(3, 2)),
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
    pairs = (overrides.items() if isinstance(overrides, Mapping)
             else (parse_assignment(text, RESPONSE_REGISTRY) for text in overrides))
    for name, given in pairs:
        if name not in RESPONSE_REGISTRY:
            raise InputError(f"unknown parameter {name!r}", field="--param",
                             expected=f"one of {', '.join(RESPONSE_REGISTRY)}")
        exact = (parse_number(given, f"--param {name}") if isinstance(given, str)
                 else to_fraction(given, field=f"--param {name}"))
        RESPONSE_REGISTRY[name].check(exact, f"--param {name}")
        values[name], sources[name] = exact, "--param"
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
    return sympy.sympify(game.outcomes[outcome].payoffs[player])


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
    """The selected SPE: R's move, what each partner does after every move, the payoffs."""

    choice: Move
    deepens: Mapping[tuple[Move, Partner], bool]
    payoff: tuple[Fraction, Fraction, Fraction]
    ties: bool
    result: SolverResult

    @property
    def bloc(self) -> bool:
        """Both partners deepen on the equilibrium path."""
        return self.deepens[(self.choice, 1)] and self.deepens[(self.choice, 2)]


def solve_response(values: Mapping[str, Fraction]) -> ResponsePlay:
    """Solve the game exactly at ``values`` and select one SPE by the tie rule."""
    game = response_game().subs(dict(values))
    result = subgame_perfect_equilibria(game)
    plays: list[tuple[int, dict[tuple[Move, Partner], bool], Equilibrium]] = []
    partners: tuple[Partner, ...] = (1, 2)
    for equilibrium in result.equilibria:
        behaviour = unflatten_behaviour(game, equilibrium.profile)
        if any(p not in (0, 1) for h in behaviour for p in h):
            continue  # a mixed partner: only when it is indifferent; the rule makes it limit
        root = next(k for k, p in enumerate(behaviour[0]) if p == 1)
        deepens: dict[tuple[Move, Partner], bool] = {}
        for k, move in enumerate(MOVES):
            for partner in partners:
                infoset = _partner_infoset(game, k, partner)
                deepens[(move, partner)] = behaviour[infoset][DEEPEN] == 1
        plays.append((root, deepens, equilibrium))
    if not plays:
        raise AssertionError("the engine returned no pure SPE")  # impossible: dominance

    def key(item: tuple[int, dict[tuple[Move, Partner], bool], Equilibrium]) -> tuple[int, ...]:
        root, deepens, _ = item
        return (sum(deepens.values()), root)

    root, deepens, chosen = min(plays, key=key)
    payoff = tuple(Fraction(v) for v in chosen.payoffs)
    return ResponsePlay(MOVES[root], deepens, (payoff[0], payoff[1], payoff[2]),
                        len(result.equilibria) > 1, result)


def _partner_infoset(game: ExtensiveFormGame, move_index: int, partner: Partner) -> int:
    first = game.nodes[game.nodes[0].children[move_index]]
    node = first if partner == 1 else game.nodes[first.children[0]]
    assert node.infoset is not None
    return node.infoset


# ------------------------------------------------------------- headline results
@dataclass(frozen=True)
class Headline:
    """The headline conditions at a point, with the numbers they compare."""

    overreaction_backfires: bool
    bloc_after_sweeping: bool
    bloc_after_targeted: bool
    wedge_threshold: Mapping[Partner, Fraction]
    wedge_breaks: Mapping[Partner, bool]
    wedge_worth_it: bool


def headline(values: Mapping[str, Fraction]) -> Headline:
    """Overreaction, and the wedge after sweeping controls, at ``values`` (exact)."""
    forms = closed_forms().at(values)
    after_sweeping = forms.blocs[("sweeping", 0)]
    after_targeted = forms.blocs[("targeted", 0)]
    threshold: dict[Partner, Fraction] = {i: forms.margins[(("sweeping", 0), i)]
                                          for i in (1, 2)}
    return Headline(after_sweeping and not after_targeted, after_sweeping, after_targeted,
                    threshold, {i: values["omega"] >= threshold[i] for i in (1, 2)},
                    values["w"] < values["B"])


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
    :func:`solve_response`: a zero margin limits, R takes the first best move)."""
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
