r"""``tiedhands atop trend``: the share of ATOP alliances whose audience costs bind, by decade.

The template
------------
For each imported alliance, on its start date :math:`t` (the first day a phase is in
force with two members: ATOP's unknown months and days can date one member's entry
before the others'),
with members :math:`M = ` ``parties_on(t)``: for each member :math:`X \in M`, a
hypothetical armed attack on :math:`X`'s territory in :math:`X`'s home region
(:func:`treaties.states.home_region`), on :math:`t`, by a non-member :math:`N` that
starts it (so :math:`X` is not the initiator).  Every other member :math:`Y` is
analysed for :math:`X`: the directed dyad :math:`Y \to X`, the obligations :math:`Y`
owes :math:`X` (:func:`treaties.coverage.coverage`).  Alliances whose members never
overlap are left out and counted.

The attacker matters only to named-adversary conditions, so the template is
instantiated twice: (i) :math:`N` = the first state an obligation names as an
adversary that is not a member on :math:`t`, when there is one; (ii) :math:`N` = a
state no obligation names: the lowest COW code in the state system on :math:`t`
(else, before 1816, the lowest code at all) that is neither a member nor named.  A
dyad's readings are the union, over the instantiations, of its coverage's readings.

Readings
--------
A coverage is read without solving the game, by the same function as
:func:`analysis.verdicts.analyze` (:func:`analysis.verdicts.classify_readings`):
nothing applies → ``not_applicable``; the deciding obligation is not military →
``irrelevant_no_obligation``; exempt → ``irrelevant_exempt``; indeterminate → the
triggered reading and ``irrelevant_exempt``; triggered → the rulebook
(:func:`analysis.rules.modifiers`): no response falls short →
``irrelevant_no_obligation``, δ = 0 → ``irrelevant_discretionary``, else a
*parametric* reading (the responses that fall short, δ), whose verdict depends on
the parameters.  Each distinct parametric reading :math:`r` is evaluated once at
every draw :math:`d` (:func:`analysis.batch_verdicts.evaluate`):
:math:`B_r(d) = 1` when its verdict is ``binding``; a fixed reading never binds.

Shares
------
A dyad :math:`k` with readings :math:`R_k` binds at least (lower bound) when every
reading binds and at most (upper bound) when some reading does:

.. math:: L_k(d) = \prod_{r \in R_k} B_r(d), \qquad U_k(d) = \max_{r \in R_k} B_r(d).

Alliance :math:`j`'s share is the mean over its :math:`n_j` dyads (a dyad owed
nothing counts as not binding), :math:`s_j(d) = n_j^{-1} \sum_{k \in j} L_k(d)`, and a
decade's (by the year signed, :math:`\lfloor y/10 \rfloor \cdot 10`) is the mean over
its alliances, :math:`S_D(d) = |D|^{-1} \sum_{j \in D} s_j(d)`.  Grouping dyads by
their set of readings :math:`g`, :math:`S = A\,W\,\Lambda` with :math:`W_{jg}` the
share of alliance :math:`j`'s dyads with readings :math:`g`, :math:`A` the averaging
matrix of the decades and :math:`\Lambda_{gd}` the indicator of :math:`g` at draw
:math:`d`.  The report gives the mean of :math:`S_D` over the draws and its 5th and
95th percentiles.

ATOP records no escape wording, so every imported obligation has δ = 1, the most
binding reading: the shares are upper bounds on binding.

Parameters not drawn take their defaults or ``--param`` values.  Without ``--dist``
the draws are :data:`DEFAULT_DISTRIBUTIONS` (``a ~ uniform(0, 4)``,
``v_A ~ uniform(1, 8)``): illustrative defaults, not estimates, replaced by any
``--dist``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import numpy.typing as npt

from analysis.batch_verdicts import GameCache, ReadingPlan, evaluate
from analysis.rules import Action, Rulebook
from analysis.sampling import Distribution, parse_distributions
from analysis.sweep import DEFAULT_CHUNK, DrawPoints, chunks
from analysis.verdicts import VERDICTS, VerdictName, classify_readings
from games.errors import InputError
from treaties.coverage import Coverage, coverage
from treaties.scenario import Scenario
from treaties.schema import Treaty
from treaties.states import cow_states, home_region

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

TEMPLATE = ("Template: on each alliance's start date, an armed attack on the territory of a "
            "member X, in X's home region, by a non-member that started it; every other "
            "member Y is analysed for X (the dyad Y → X), once with the attacker a threat "
            "the alliance names (when it names one) and once with a state it does not name.")
"""The scenario template, in one sentence for every output."""

DEFAULT_DISTRIBUTIONS = ("a=uniform(0,4)", "v_A=uniform(1,8)")
"""The draws without ``--dist`` (for the parameters not fixed by ``--param``):
illustrative defaults, not estimates."""

MAX_TREND_DRAWS = 10**6
"""Most draws: the per-draw shares of every decade are kept for the percentiles."""

PERCENTILES = (5.0, 95.0)
"""The range over draws reported beside each mean share."""

_BINDING = VERDICTS.index("binding")


@dataclass(frozen=True)
class TrendReading:
    """One reading of a dyad: a fixed verdict, or parametric (``fixed`` None).

    A parametric reading is the game to solve: the responses that fall short of
    the help owed and the share δ > 0 of the audience cost that survives.
    """

    fixed: VerdictName | None
    short: frozenset[Action] = frozenset()
    delta: Fraction = Fraction(0)


def classify(cover: Coverage, rulebook: Rulebook) -> tuple[TrendReading, ...]:
    """The readings of a coverage (:func:`analysis.verdicts.classify_readings`), unsolved."""
    return tuple(TrendReading(kind.verdict) if kind.verdict is not None or
                 kind.modifiers is None else
                 TrendReading(None, kind.modifiers.short, kind.modifiers.delta)
                 for kind in classify_readings(cover, rulebook))


# ------------------------------------------------------------------ the template
@dataclass(frozen=True)
class Instance:
    """The template for one target member and one attacker."""

    target: int
    attacker: int
    named: bool
    scenario: Scenario


@dataclass(frozen=True)
class Dyad:
    """Ally ``ally`` analysed for ``beneficiary``: its readings over the instantiations."""

    ally: int
    beneficiary: int
    readings: tuple[TrendReading, ...]
    indeterminate: bool
    """Some instantiation leaves the coverage indeterminate (a triggered and an exempt
    reading of the text)."""


@dataclass(frozen=True)
class AllianceTemplate:
    """One alliance under the template: its date, members, attackers and dyads."""

    treaty: Treaty
    date: dt.date
    members: tuple[int, ...]
    attackers: tuple[int, ...]
    named_attacker: bool
    dyads: tuple[Dyad, ...]

    @property
    def decade(self) -> int:
        """The decade the alliance was signed in (1950 for 1954)."""
        return self.treaty.signed.year // 10 * 10


def template_date(treaty: Treaty) -> dt.date:
    """The alliance's start date: the first day a phase is in force with two members.

    The candidates are the phase starts and the accession dates, in order; when none
    has two members (an alliance whose members never overlap), the earliest phase
    start, and the alliance is then left out.
    """
    candidates = sorted({p.start for p in treaty.phases}
                        | {p.joined for p in treaty.parties if p.joined is not None})
    for day in candidates:
        if any(p.in_force(day) for p in treaty.phases) and len(treaty.parties_on(day)) >= 2:
            return day
    return min(p.start for p in treaty.phases)


def named_threats(treaty: Treaty) -> tuple[int, ...]:
    """Every state an obligation names as an adversary, in order of first mention."""
    return tuple(dict.fromkeys(s for o in treaty.obligations if o.conditions.adversaries
                               for s in o.conditions.adversaries.states))


def attackers(treaty: Treaty, on: dt.date, members: Collection[int]
              ) -> tuple[tuple[int, bool], ...]:
    """The attackers of the template, each with whether the alliance names it: a named
    threat (when there is one), then an unnamed state.

    The named threat is the first one that is not a member on ``on``; the unnamed
    state the lowest COW code in the state system on ``on`` (else the lowest at all)
    that is neither a member nor named.  An alliance of every state has no unnamed
    attacker (and then, without a named threat, none at all).
    """
    states = cow_states()
    named = named_threats(treaty)
    threat = [(s, True) for s in named if s not in members][:1]
    codes = sorted({s.code for s in states.spells} - set(members) - set(named))
    unnamed = next((c for c in codes if states.is_member(c, on)), codes[0] if codes else None)
    return (*threat, *([] if unnamed is None else [(unnamed, False)]))


def template_scenario(treaty: Treaty, target: int, attacker: int, on: dt.date) -> Scenario:
    """The validated, hypothetical scenario: ``attacker`` attacks ``target`` at home on ``on``."""
    states = cow_states()
    return Scenario.model_validate({
        "id": f"atop-{treaty.atopid}-template",
        "name": (f"Template for {treaty.label}: {states.label(attacker)} attacks "
                 f"{states.label(target)}"),
        "date": on, "hypothetical": True,
        "hostilities": [{"attacker": [attacker], "target": [target], "initiator": attacker,
                         "theatre": home_region(target), "severity": "armed_attack",
                         "object": "territory", "date": on}]})


def instances(treaty: Treaty) -> tuple[Instance, ...]:
    """Every (target member, attacker) instantiation of the template."""
    on = template_date(treaty)
    members = treaty.parties_on(on)
    chosen = attackers(treaty, on, members)
    return tuple(Instance(x, n, named, template_scenario(treaty, x, n, on))
                 for x in members for n, named in chosen)


def instantiate(treaty: Treaty, rulebook: Rulebook) -> AllianceTemplate:
    """The alliance under the template: every dyad's readings, over the instantiations."""
    on = template_date(treaty)
    members = treaty.parties_on(on)
    found = instances(treaty)
    dyads = []
    for x in members:
        for y in (m for m in members if m != x):
            covers = [coverage(treaty, i.scenario, y, [x]) for i in found if i.target == x]
            readings = tuple(dict.fromkeys(r for c in covers for r in classify(c, rulebook)))
            open_ = any(c.deciding is not None and c.deciding.is_military
                        and c.deciding.status == "indeterminate" for c in covers)
            dyads.append(Dyad(y, x, readings, open_))
    return AllianceTemplate(treaty, on, members,
                            tuple(dict.fromkeys(i.attacker for i in found)),
                            any(i.named for i in found), tuple(dyads))


# ---------------------------------------------------------------------- the draws
@dataclass(frozen=True)
class MonteCarlo:
    """The draws: the points, whether the distributions are the illustrative defaults,
    and the ``--param`` values."""

    points: DrawPoints
    illustrative: bool
    overrides: tuple[str, ...] = ()

    def description(self) -> str:
        """One line: draws, seed, distributions (and whether they are the defaults)."""
        drawn = ", ".join(f"{n} ~ {d}" for n, d in self.points.distributions.items())
        origin = (" (illustrative defaults, not estimates; replaced by any --dist)"
                  if self.illustrative else "")
        fixed = f"; fixed: {', '.join(self.overrides)}" if self.overrides else ""
        return (f"Monte Carlo: {self.points.count:,} draws, seed {self.points.seed}, "
                f"{drawn or 'nothing drawn'}{origin}; other parameters at their defaults"
                f"{fixed}.")


def trend_distributions(texts: Sequence[str],
                        pinned: Collection[str]) -> tuple[dict[str, Distribution], bool]:
    """The ``--dist`` distributions, else the defaults for the parameters not pinned;
    and whether the defaults were used."""
    if texts:
        return parse_distributions(texts, pinned), False
    defaults = [t for t in DEFAULT_DISTRIBUTIONS if t.partition("=")[0] not in pinned]
    return parse_distributions(defaults, pinned), bool(defaults)


def check_trend_draws(draws: int) -> None:
    """Refuse a number of draws outside 1..:data:`MAX_TREND_DRAWS`."""
    if not 1 <= draws <= MAX_TREND_DRAWS:
        raise InputError(f"--draws {draws}", field="--draws",
                         expected=f"between 1 and {MAX_TREND_DRAWS:,}")


@dataclass(frozen=True)
class Band:
    """A share over draws: its mean and its 5th and 95th percentiles."""

    mean: float
    low: float
    high: float

    @classmethod
    def over(cls, values: FloatArray) -> Band:
        """The band of the per-draw ``values``."""
        low, high = np.percentile(values, PERCENTILES)
        return cls(float(values.mean()), float(low), float(high))


@dataclass(frozen=True)
class DecadeShares:
    """One decade (``decade`` None: every alliance) over the draws."""

    decade: int | None
    alliances: int
    dyads: int
    indeterminate: int
    """Dyads with an indeterminate reading."""
    lower: Band
    upper: Band

    @property
    def label(self) -> str:
        """``1950s``, or ``all``."""
        return "all" if self.decade is None else f"{self.decade}s"


@dataclass(frozen=True)
class AllianceShares:
    """One alliance: its template and its mean shares over the draws."""

    template: AllianceTemplate
    lower: float
    upper: float


@dataclass(frozen=True)
class Trend:
    """The decades (then every alliance), the alliances, and what was left out."""

    rows: tuple[DecadeShares, ...]
    alliances: tuple[AllianceShares, ...]
    left_out: tuple[Treaty, ...]
    """Alliances whose members are never two at once, or that leave no state to attack them
    (no template)."""
    readings: tuple[TrendReading, ...]
    """The distinct parametric readings evaluated."""
    monte_carlo: MonteCarlo
    attempted: int
    rejected: int


def atop_trend(treaties: Sequence[Treaty], monte_carlo: MonteCarlo, *, rulebook: Rulebook,
               progress: Callable[[], None] | None = None) -> Trend:
    """The share of alliances whose audience costs bind, by decade, over the draws.

    ``progress`` is called after each alliance is instantiated.
    """
    templates: list[AllianceTemplate] = []
    left_out: list[Treaty] = []
    for treaty in treaties:
        on = template_date(treaty)
        members = treaty.parties_on(on)
        if len(members) < 2 or not attackers(treaty, on, members):
            left_out.append(treaty)
        else:
            templates.append(instantiate(treaty, rulebook))
        if progress is not None:
            progress()
    if not templates:
        raise InputError("no alliance ever has two members at once",
                         expected="imported alliances whose members overlap in time")
    readings = tuple(dict.fromkeys(r for t in templates for d in t.dyads for r in d.readings
                                   if r.fixed is None))
    index = {r: k for k, r in enumerate(readings)}
    signatures = tuple(dict.fromkeys(_signature(d, index) for t in templates for d in t.dyads))
    column = {s: k for k, s in enumerate(signatures)}
    weights = np.zeros((len(templates), len(signatures)))
    for j, template in enumerate(templates):
        for dyad in template.dyads:
            weights[j, column[_signature(dyad, index)]] += 1 / len(template.dyads)
    binding, attempted, rejected = _binding(readings, monte_carlo.points)
    lower = np.array([_all(binding, s) for s in signatures], dtype=np.float64)
    upper = np.array([_any(binding, s) for s in signatures], dtype=np.float64)
    decades: list[int | None] = [*sorted({t.decade for t in templates}), None]
    groups = [[t for t in templates if d in (None, t.decade)] for d in decades]
    average = np.array([[1 / len(g) if d in (None, t.decade) else 0.0 for t in templates]
                        for d, g in zip(decades, groups, strict=True)])
    low, high = average @ weights @ lower, average @ weights @ upper
    rows = tuple(DecadeShares(d, len(g), sum(len(t.dyads) for t in g),
                              sum(x.indeterminate for t in g for x in t.dyads),
                              Band.over(low[k]), Band.over(high[k]))
                 for k, (d, g) in enumerate(zip(decades, groups, strict=True)))
    alliances = tuple(AllianceShares(t, float(a), float(b)) for t, a, b in zip(
        templates, weights @ lower.mean(axis=1), weights @ upper.mean(axis=1), strict=True))
    return Trend(rows, alliances, tuple(left_out), readings, monte_carlo, attempted, rejected)


Signature = tuple[bool, tuple[int, ...]]
"""A dyad's readings: whether one is fixed (never binds), and the parametric ones' indices."""


def _signature(dyad: Dyad, index: Mapping[TrendReading, int]) -> Signature:
    return (any(r.fixed is not None for r in dyad.readings),
            tuple(sorted(index[r] for r in dyad.readings if r.fixed is None)))


def _all(binding: BoolArray, signature: Signature) -> BoolArray:
    fixed, indices = signature
    if fixed or not indices:
        return np.zeros(binding.shape[1], dtype=np.bool_)
    return np.asarray(binding[list(indices)].all(axis=0))


def _any(binding: BoolArray, signature: Signature) -> BoolArray:
    return np.asarray(binding[list(signature[1])].any(axis=0))


def _binding(readings: Sequence[TrendReading],
             points: DrawPoints) -> tuple[BoolArray, int, int]:
    """Whether each reading binds at each draw ``(readings, draws)``, and the draws attempted
    and rejected (over whole blocks)."""
    binding = np.zeros((len(readings), points.count), dtype=np.bool_)
    cache = GameCache()
    blocks: dict[int, tuple[int, int]] = {}
    for start, stop in chunks(points.count, DEFAULT_CHUNK):
        chunk = points.chunk(start, stop)
        blocks.update(chunk.blocks)
        for k, reading in enumerate(readings):
            plan = ReadingPlan("atop trend template", None, "text", None, reading.short,
                               reading.delta)
            binding[k, start:stop] = evaluate(plan, chunk.values, cache).verdict == _BINDING
    return (binding, sum(a for a, _ in blocks.values()), sum(r for _, r in blocks.values()))
