r"""How much of deterrence comes from tied hands, and how much from capability.

For a treaty, a scenario and a cooperation profile the *factors* are the
treaty's audience cost and each capability channel the profile reaches.
Switching on a set :math:`S` of factors gives a game: the channels in
:math:`S` move the win probabilities (:mod:`analysis.capability`), and the
audience cost, when in :math:`S`, is :math:`a_{eff} = \delta a` on the
responses that fall short (:mod:`analysis.rules`); otherwise it is 0.  Its
subgame-perfect equilibrium, selected by the tie rule of
:mod:`analysis.verdicts`, gives the ally's response :math:`X^*(S)` and the
challenger's **challenge margin**

.. math:: m(S) = p_{X^*(S)}(S)\, v_C - c_C,

what the challenger expects from pressing on against that response; it
challenges exactly when :math:`m(S) > 0` (backing down costs :math:`b > 0`).
The change :math:`m(N) - m(\emptyset)` from no factor to all of them is split
among the factors by the Shapley value (:mod:`games.shapley`), so the parts
add up to the change and a factor that changes nothing gets zero.  A reading
whose audience cost never applies (no obligation triggered, exempt, δ = 0)
makes the audience cost such a null factor.

Over Monte Carlo draws the same split is made of the change in the mean
margin and of the change in the share of draws in which the challenger is
deterred (does not challenge), each coalition solved at every draw by
:class:`games.batch.BatchTree`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from analysis.batch_verdicts import GameCache, ReadingPlan, plan_readings, tie_priority
from analysis.capability import (
    CapabilityEffects,
    ScenarioRoles,
    Shifts,
    shifted,
    shifted_arrays,
)
from analysis.models.deterrence import A_EFF, ALLY_NODE, deterrence_game
from analysis.parameters import ParameterValues
from analysis.rules import ACTIONS, Action, Rulebook
from analysis.sweep import DrawPoints, chunks
from analysis.verdicts import solve_play
from games.errors import InputError
from games.shapley import coalitions, shapley_values
from treaties.scenario import Scenario
from treaties.schema import Treaty

AUDIENCE = "audience cost"
"""The name of the tied-hands factor."""

Factor = str
DRAW_CHUNK = 1 << 16
"""Draws solved at once: one Monte Carlo block (so every block is drawn once)."""

MAX_DECOMPOSE_DRAWS = 10**7
"""The most draws ``decompose`` accepts (each is solved once per set of factors)."""


@dataclass(frozen=True)
class Outcome:
    """The selected SPE with one set of factors switched on."""

    factors: frozenset[Factor]
    values: Mapping[str, Fraction]
    a_eff: Fraction
    ally_action: Action
    challenge: bool
    margin: Fraction
    clipped: bool
    ties: bool


@dataclass(frozen=True)
class Decomposition:
    """One reading at one parameter point: every coalition's outcome and the Shapley split."""

    plan: ReadingPlan
    factors: tuple[Factor, ...]
    outcomes: Mapping[frozenset[Factor], Outcome]
    shares: Mapping[Factor, Fraction]

    @property
    def baseline(self) -> Outcome:
        """No audience cost, no capability cooperation."""
        return self.outcomes[frozenset()]

    @property
    def full(self) -> Outcome:
        """Every factor switched on."""
        return self.outcomes[frozenset(self.factors)]

    @property
    def change(self) -> Fraction:
        """m(all factors) − m(none): the sum of the shares."""
        return self.full.margin - self.baseline.margin

    def alone(self, factor: Factor) -> Fraction:
        """The change from switching on ``factor`` by itself."""
        return self.outcomes[frozenset({factor})].margin - self.baseline.margin


Cooperation = CapabilityEffects | Sequence[CapabilityEffects]
"""One profile's effects, or several profiles' (the same scenario, ally and protégés)."""


def factor_shifts(cooperation: Cooperation) -> dict[Factor, Shifts]:
    """Every capability factor and the change it makes to the win probabilities.

    With one profile the factors are its channels (``materiel_transfer``, …); with several,
    each profile's channels are separate factors, named ``profile/channel``.

    Raises
    ------
    InputError
        For no profile, a profile given twice, or effects worked out for different
        scenarios or roles.
    """
    profiles = [cooperation] if isinstance(cooperation, CapabilityEffects) else list(cooperation)
    several = len(profiles) > 1
    if not profiles:
        raise InputError("no cooperation profile", field="--profile",
                         expected="at least one profile")
    if len({(e.scenario.id, e.roles) for e in profiles}) > 1:
        raise InputError("the profiles' effects were worked out for different scenarios or "
                         "roles", field="--profile",
                         expected="every profile applied to the same scenario and ally")
    if several and len({e.profile.id for e in profiles}) != len(profiles):
        raise InputError("a profile is given twice", field="--profile",
                         expected="each profile once")
    return {(f"{e.profile.id}/{c}" if several else c): e.shifts(c)
            for e in profiles for c in e.channels}


def _audience(plan: ReadingPlan, on: bool, a: Fraction) -> Fraction:
    """a_eff for a coalition: δ·a when the audience cost is on and the reading applies."""
    return plan.delta * a if on and plan.fixed is None else Fraction(0)


def decompose_point(plan: ReadingPlan, params: ParameterValues,
                    cooperation: Cooperation) -> Decomposition:
    """The exact decomposition of the challenge margin for one reading at one point."""
    moves = factor_shifts(cooperation)
    factors = (AUDIENCE, *moves)
    game = deterrence_game(plan.short)
    outcomes = {}
    for coalition in coalitions(factors):
        values, clipped = shifted(params.values, [moves[f] for f in factors[1:]
                                                  if f in coalition])
        a_eff = _audience(plan, AUDIENCE in coalition, values["a"])
        play = solve_play(game, {k: v for k, v in values.items() if k != "a"}, a_eff, plan.short)
        margin = values[f"p_{play.ally_action}"] * values["v_C"] - values["c_C"]
        outcomes[frozenset(coalition)] = Outcome(
            frozenset(coalition), values, a_eff, play.ally_action, play.challenge, margin,
            clipped, play.ties)
    margins = {c: o.margin for c, o in outcomes.items()}
    shares = shapley_values(factors, margins)
    return Decomposition(plan, factors, outcomes, {f: shares[f] for f in factors})


def decompose(treaty: Treaty, scenario: Scenario, params: ParameterValues,
              cooperation: Cooperation, rulebook: Rulebook) -> list[Decomposition]:
    """The decomposition for every reading of ``treaty`` for the effects' ally and protégés."""
    roles = roles_of(cooperation)
    plans = plan_readings([treaty], scenario, roles.ally, rulebook=rulebook,
                          base=params.values, beneficiaries=roles.proteges)
    return [decompose_point(plan, params, cooperation) for plan in plans]


def roles_of(cooperation: Cooperation) -> ScenarioRoles:
    """The roles the effects were worked out for."""
    first = cooperation if isinstance(cooperation, CapabilityEffects) else cooperation[0]
    return first.roles


@dataclass(frozen=True)
class DrawDecomposition:
    """One reading over Monte Carlo draws: per coalition the mean margin and the deterred
    share, and the Shapley split of the change in each."""

    plan: ReadingPlan
    factors: tuple[Factor, ...]
    draws: int
    mean_margin: Mapping[frozenset[Factor], float]
    deterred: Mapping[frozenset[Factor], float]
    clipped: Mapping[frozenset[Factor], float]
    ties: Mapping[frozenset[Factor], float]
    margin_shares: Mapping[Factor, float]
    deterred_shares: Mapping[Factor, float]
    rejected: int
    attempted: int


def decompose_draws(plan: ReadingPlan, points: DrawPoints, cooperation: Cooperation, *,
                    progress: Callable[[int], None] | None = None) -> DrawDecomposition:
    """The decomposition of ``plan`` over every draw of ``points``, in chunks of 2¹⁶."""
    moves = factor_shifts(cooperation)
    factors = (AUDIENCE, *moves)
    tree = GameCache().tree(plan.short)
    priority = tie_priority(plan.short)
    every = coalitions(factors)
    margin_sum = dict.fromkeys(every, 0.0)
    deterred = dict.fromkeys(every, 0)
    clipped = dict.fromkeys(every, 0)
    ties = dict.fromkeys(every, 0)
    blocks: dict[int, tuple[int, int]] = {}
    for start, stop in chunks(points.size, DRAW_CHUNK):
        chunk = points.chunk(start, stop)
        blocks.update(chunk.blocks)
        for coalition in every:
            values, bound = shifted_arrays(chunk.values, [moves[f] for f in factors[1:]
                                                          if f in coalition])
            a_eff = (float(plan.delta) * values["a"] if AUDIENCE in coalition
                     and plan.fixed is None else np.zeros(stop - start))
            solution = tree.solve({**{k: values[k] for k in tree.parameters if k != A_EFF},
                                   A_EFF: a_eff}, priority=priority)
            ally = solution.selected_at(ALLY_NODE)
            p = np.choose(ally, [values[f"p_{a}"] for a in ACTIONS])
            margin_sum[coalition] += float(np.sum(p * values["v_C"] - values["c_C"]))
            deterred[coalition] += int(np.count_nonzero(solution.selected_at(0) == 0))
            clipped[coalition] += int(np.count_nonzero(bound))
            ties[coalition] += int(np.count_nonzero(solution.ties()))
        if progress is not None:
            progress(stop - start)
    n = points.size
    means = {c: margin_sum[c] / n for c in every}
    shares = {c: deterred[c] / n for c in every}
    return DrawDecomposition(
        plan, factors, n, means, shares, {c: clipped[c] / n for c in every},
        {c: ties[c] / n for c in every}, _split(factors, means), _split(factors, shares),
        sum(r for _, r in blocks.values()), sum(a for a, _ in blocks.values()))


def _split(factors: Sequence[Factor], values: Mapping[frozenset[Factor], float]
           ) -> dict[Factor, float]:
    found = shapley_values(factors, values)
    return {f: float(found[f]) for f in factors}
