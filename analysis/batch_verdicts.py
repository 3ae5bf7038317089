r"""Verdicts at many parameter points at once: :func:`analysis.verdicts.analyze`, vectorised.

Coverage and the rulebook do not depend on the game's parameters, so for one
treaty, scenario and ally they are worked out once (:func:`plan_readings`):
each reading either has a fixed verdict (``not_applicable``, ``irrelevant_*``
except ``credible_anyway``) or is *parametric* — the obligation is triggered and
some response falls short, with share δ > 0 of the audience cost surviving.

For a parametric reading the canonical game (:mod:`analysis.models.deterrence`)
is solved at every point by :class:`games.batch.BatchTree`, twice — with
:math:`a_{eff} = 0` and with :math:`a_{eff} = \delta a` — with the analysis
layer's tie rule as the priority order (the challenger backs down and keeps
the status quo when indifferent; the ally takes a compliant response first,
the most forceful first).  The threshold is the closed form of
:func:`analysis.verdicts.threshold_effective`, evaluated on the ally's action
values with the challenger's replies fixed:

.. math:: a^*_{eff} = \max\Bigl(0,\; \max_{Y \text{ short}} u_Y
          - \max_{X \text{ compliant}} u_X\Bigr), \qquad a^* = a^*_{eff} / \delta.

Every reading — fixed ones too — also reports what the challenger and the ally
do: a fixed reading's game is solved at the audience cost it leaves (none).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np
import numpy.typing as npt

from analysis.models.deterrence import A_EFF, ALLY_NODE, deterrence_game
from analysis.parameters import resolve
from analysis.rules import ACTIONS, Action, Rulebook, builtin_rulebook
from analysis.verdicts import VERDICTS, VerdictName, classify_readings
from games.batch import BatchSolution, BatchTree
from treaties.atop import imported_from_atop
from treaties.coverage import coverage
from treaties.scenario import Scenario
from treaties.schema import Treaty

_CODE = {name: np.int8(k) for k, name in enumerate(VERDICTS)}


@dataclass(frozen=True)
class ReadingPlan:
    """One reading of one treaty for one ally, ready to be evaluated at many points.

    ``fixed`` is the verdict when it does not depend on the parameters, else
    None.  ``short`` and ``delta`` come from the rulebook (empty and 0 when no
    military obligation is triggered).
    """

    treaty: str
    ally: int | None
    reading: str
    fixed: VerdictName | None
    short: frozenset[Action] = frozenset()
    delta: Fraction = Fraction(0)

    @property
    def label(self) -> str:
        """``treaty · ally · reading`` for tables and plots."""
        ally = "no listed ally" if self.ally is None else str(self.ally)
        return f"{self.treaty} · {ally}" + ("" if self.reading == "text" else
                                            f" · {self.reading}")


def plan_readings(treaties: Sequence[Treaty], scenario: Scenario, ally: int | None = None,
                  *, rulebook: Rulebook | None = None,
                  base: Mapping[str, Fraction] | None = None,
                  beneficiaries: Sequence[int] | None = None) -> list[ReadingPlan]:
    """The readings of every treaty in ``scenario``, for ``ally`` or each listed ally.

    As in :func:`analysis.compare.compare`, a treaty none of whose parties is a
    listed ally gives one ``not_applicable`` plan.  ``base`` is any valid
    parameter point (checked; which readings are parametric does not depend on it,
    so no game is solved here: :func:`analysis.verdicts.classify_readings`).
    ``beneficiaries`` are the belligerents the ally is analysed for (default: from
    the scenario).
    """
    rules = rulebook or builtin_rulebook()
    resolve(scenario, dict(base or {}))  # a valid point, as the verdicts need one
    plans = []
    for treaty in treaties:
        allies = ([ally] if ally is not None else list(dict.fromkeys(
            a.ally for a in scenario.allies if a.ally in treaty.party_codes)))
        if not allies:
            plans.append(ReadingPlan(treaty.id, None, "text", "not_applicable"))
        for chosen in allies:
            cover = coverage(treaty, scenario, chosen, beneficiaries)
            for kind in classify_readings(cover, rules, not imported_from_atop(treaty)):
                found = kind.modifiers
                short = found.short if found is not None else frozenset()
                delta = found.delta if found is not None and kind.verdict is None else 0
                plans.append(ReadingPlan(treaty.id, chosen, kind.reading, kind.verdict, short,
                                         Fraction(delta)))
    return plans


def tie_priority(short: frozenset[Action]) -> dict[int, tuple[int, ...]]:
    """The ally's tie order: compliant responses first, each group in I, L, S order."""
    order = sorted(range(len(ACTIONS)), key=lambda k: (ACTIONS[k] in short, k))
    return {ALLY_NODE: tuple(order)}


@dataclass
class GameCache:
    """Compiled games by set of short responses (one per sweep; never shared globally)."""

    trees: dict[frozenset[Action], BatchTree] = field(default_factory=dict)

    def tree(self, short: frozenset[Action]) -> BatchTree:
        """The compiled canonical game for ``short``."""
        if short not in self.trees:
            self.trees[short] = BatchTree.compile(deterrence_game(short))
        return self.trees[short]


@dataclass(frozen=True)
class PlayArrays:
    """What is played at each point: the ally's response and whether C challenges."""

    ally: npt.NDArray[np.int8]
    challenge: npt.NDArray[np.bool_]
    ties: npt.NDArray[np.bool_]


@dataclass(frozen=True)
class VerdictArrays:
    """One reading evaluated at N points (``threshold`` is NaN for fixed verdicts)."""

    verdict: npt.NDArray[np.int8]
    without: PlayArrays
    with_cost: PlayArrays
    threshold: npt.NDArray[np.float64]

    @property
    def deters(self) -> npt.NDArray[np.bool_]:
        """The challenger challenges without the audience cost and not with it."""
        return np.asarray(self.without.challenge & ~self.with_cost.challenge)

    @property
    def ties(self) -> npt.NDArray[np.bool_]:
        """Some node has several optimal actions in either solve."""
        return np.asarray(self.without.ties | self.with_cost.ties)


def _play(solution: BatchSolution) -> PlayArrays:
    return PlayArrays(solution.selected_at(ALLY_NODE).copy(), solution.selected_at(0) == 1,
                      solution.ties())


def evaluate(plan: ReadingPlan, params: Mapping[str, npt.NDArray[np.float64]],
             cache: GameCache) -> VerdictArrays:
    """The verdict of ``plan`` at every point of ``params`` (one array per parameter)."""
    tree = cache.tree(plan.short)
    n = len(next(iter(params.values())))
    values = {name: params[name] for name in tree.parameters if name != A_EFF}
    priority = tie_priority(plan.short)
    without = tree.solve({**values, A_EFF: np.zeros(n)}, priority=priority,
                         record=(ALLY_NODE,))
    base = _play(without)
    if plan.fixed is not None:
        return VerdictArrays(np.full(n, _CODE[plan.fixed]), base, base, np.full(n, np.nan))
    a_eff = float(plan.delta) * np.asarray(params["a"], dtype=np.float64)
    with_cost = _play(tree.solve({**values, A_EFF: a_eff}, priority=priority))
    threshold = threshold_arrays(without.recorded[ALLY_NODE], plan.short) / float(plan.delta)
    short_codes = np.array([ACTIONS[k] in plan.short for k in range(len(ACTIONS))])
    verdict = np.where(~short_codes[base.ally], _CODE["irrelevant_credible_anyway"],
                       np.where(short_codes[with_cost.ally], _CODE["insufficient"],
                                _CODE["binding"])).astype(np.int8)
    return VerdictArrays(verdict, base, with_cost, threshold)


def threshold_arrays(ally_values: npt.NDArray[np.float64],
                     short: frozenset[Action]) -> npt.NDArray[np.float64]:
    """:math:`a^*_{eff}` from the ally's action values ``(3, N)`` at a_eff = 0."""
    compliant = [k for k, a in enumerate(ACTIONS) if a not in short]
    falling = [k for k, a in enumerate(ACTIONS) if a in short]
    best = ally_values[compliant].max(axis=0)
    gap = ally_values[falling].max(axis=0) - best
    result: npt.NDArray[np.float64] = np.maximum(gap, 0.0)
    return result

