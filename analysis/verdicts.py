"""Verdicts: does the treaty's audience cost change what the ally does, and does it deter?

:func:`analyze` checks coverage, applies the rulebook, builds the
extended-deterrence game (:mod:`analysis.models.deterrence`) and solves it for
its subgame-perfect equilibria twice: without the audience cost (a_eff = 0)
and with it (a_eff = δ·a).  The verdict is the first rule that applies:

1. ``not_applicable`` — not in force at the date, or nothing owed to the party attacked;
2. ``irrelevant_no_obligation`` — only consultation, neutrality or non-aggression is
   owed, or the help owed leaves every response compliant;
3. ``irrelevant_exempt`` — every military obligation is exempt here;
4. ``irrelevant_discretionary`` — triggered, but the escape wording leaves δ = 0;
5. ``irrelevant_credible_anyway`` — without the audience cost the ally already complies;
6. ``binding`` — the ally falls short without it and complies with it;
7. ``insufficient`` — the ally still falls short with it.

Ties: the engine returns every SPE; the verdict follows one documented
selection — an indifferent ally takes its most compliant optimal response (I,
then L, then S), an indifferent challenger backs down or does not challenge —
and reports ``ties`` when another SPE exists.  An ``indeterminate`` coverage is
analysed under both readings.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Literal

import sympy

from analysis.models.deterrence import (
    A_EFF,
    ACTION_LABELS,
    ALLY_NODE,
    deterrence_game,
    numeric_game,
)
from analysis.parameters import ParameterValues, resolve
from analysis.rules import ACTIONS, Action, Modifiers, Rulebook, builtin_rulebook, modifiers
from games.certificates import subgame_perfect_regret
from games.extensive_form import ExtensiveFormGame
from games.play import unflatten_behaviour
from games.results import Equilibrium, SolverResult
from games.solvers.enummixed import extreme_equilibria
from games.solvers.spe import subgame_perfect_equilibria
from games.strategic import mixed_to_behaviour, reduced_strategic_form, unreached_infosets
from games.symbolic import continuation_values
from treaties.atop import imported_from_atop
from treaties.coverage import Coverage, ObligationCoverage, coverage
from treaties.scenario import Scenario
from treaties.schema import Treaty

VerdictName = Literal[
    "not_applicable", "irrelevant_no_obligation", "irrelevant_exempt",
    "irrelevant_discretionary", "irrelevant_credible_anyway", "binding", "insufficient"]
VERDICTS: tuple[VerdictName, ...] = (
    "not_applicable", "irrelevant_no_obligation", "irrelevant_exempt",
    "irrelevant_discretionary", "irrelevant_credible_anyway", "binding", "insufficient")

_CHALLENGER_INFOSETS = {"I": 2, "L": 3, "S": 4}
ACTION_VERBS: Mapping[Action, str] = {"I": "intervene", "L": "give limited aid",
                                      "S": "stay out"}
_ROOT_INFOSET, _ALLY_INFOSET = 0, 1


@dataclass(frozen=True)
class Play:
    """The selected SPE at one audience cost: who does what."""

    a_eff: Fraction
    ally_action: Action
    challenge: bool
    presses_on: Mapping[Action, bool]
    ties: bool
    result: SolverResult


@dataclass(frozen=True)
class NashCheck:
    """The Nash equilibria of the reduced strategic form, each marked subgame perfect or not."""

    result: SolverResult
    subgame_perfect: tuple[bool, ...]


@dataclass(frozen=True)
class Reading:
    """The verdict under one reading of the treaty (two readings when coverage is open)."""

    reading: str
    verdict: VerdictName
    explanation: str
    modifiers: Modifiers | None = None
    without: Play | None = None
    with_cost: Play | None = None
    threshold: Fraction | None = None
    threshold_effective: Fraction | None = None
    threshold_latex: str | None = None
    nash: NashCheck | None = None

    @property
    def delta(self) -> Fraction | None:
        """The share of the audience cost that survives the escape wording."""
        return None if self.modifiers is None else self.modifiers.delta

    @property
    def deters(self) -> bool:
        """The challenger challenges without the audience cost and not with it."""
        return (self.without is not None and self.with_cost is not None
                and self.without.challenge and not self.with_cost.challenge)

    @property
    def ties(self) -> bool:
        """Some node has several optimal actions in either solve."""
        return any(p is not None and p.ties for p in (self.without, self.with_cost))


@dataclass(frozen=True)
class Analysis:
    """A treaty, a crisis and an ally: coverage, parameters and the verdict(s)."""

    treaty: Treaty
    scenario: Scenario
    ally: int
    coverage: Coverage
    params: ParameterValues
    rulebook: str
    readings: tuple[Reading, ...] = field(default=())

    @property
    def verdict(self) -> str:
        """The verdict; two joined by `` | `` when coverage is indeterminate."""
        return " | ".join(r.verdict for r in self.readings)


def analyze(treaty: Treaty, scenario: Scenario, ally: int | None = None,
            overrides: Sequence[str] | Mapping[str, Fraction | float | str] = (), *,
            beneficiaries: Sequence[int] | None = None, rulebook: Rulebook | None = None,
            with_nash: bool = True) -> Analysis:
    """The tied-hands verdict for one treaty, scenario and ally.

    Parameters
    ----------
    treaty, scenario
        The treaty and the crisis.
    ally
        COW code of the ally (default: the scenario's first listed ally that
        is a party, else the treaty's first party).
    overrides
        Parameter values (``name=value`` strings or a mapping), above the
        scenario's ``params`` and the defaults.
    beneficiaries
        The belligerents the ally is analysed for (default: from the scenario).
    rulebook
        The rules (default: the built-in rulebook).
    with_nash
        Also solve the reduced strategic form for every Nash equilibrium.
    """
    rules = rulebook or builtin_rulebook()
    params = resolve(scenario, overrides)
    chosen = ally if ally is not None else default_ally(treaty, scenario)
    cover = coverage(treaty, scenario, chosen, beneficiaries)
    readings = _readings(cover, params, rules, with_nash, not imported_from_atop(treaty))
    return Analysis(treaty, scenario, chosen, cover, params, rules.fingerprint(), readings)


def default_ally(treaty: Treaty, scenario: Scenario) -> int:
    """The scenario's first listed ally that is a party, else the treaty's first party."""
    listed = [a.ally for a in scenario.allies if a.ally in treaty.party_codes]
    return listed[0] if listed else treaty.party_codes[0]


@dataclass(frozen=True)
class ReadingKind:
    """One reading as coverage and the rulebook decide it, before any game is solved.

    ``verdict`` is the verdict when it does not depend on the parameters, else None:
    the obligation is triggered, some response falls short (``modifiers.short``) and a
    share δ > 0 of the audience cost survives, so the game decides.  ``explanation``
    is the whole explanation of a fixed verdict, or the first part (the help owed and
    δ) of a parametric one.
    """

    reading: str
    verdict: VerdictName | None
    explanation: str
    modifiers: Modifiers | None = None


def classify_readings(cover: Coverage, rules: Rulebook,
                      escape_recorded: bool = True) -> tuple[ReadingKind, ...]:
    """The readings of a coverage: rules 1-4 of the verdict, or the game to solve.

    An ``indeterminate`` coverage has two readings: triggered, and exempt.
    ``escape_recorded`` is False for a treaty whose escape wording was not recorded
    (an ATOP import), which the explanation then says.
    """
    deciding = cover.deciding
    if deciding is None:
        reasons = " ".join(dict.fromkeys(o.reason for o in cover.obligations if o.reason))
        text = reasons or "The ally owes the belligerents nothing under this treaty."
        return (ReadingKind("text", "not_applicable", " ".join([text, *cover.notes])),)
    if not deciding.is_military:
        return (ReadingKind("text", "irrelevant_no_obligation",
                            f"Only {deciding.type.replace('_', '-')} is owed here "
                            f"({deciding.obligation}); no military help is promised."),)
    if deciding.status == "exempt":
        return (ReadingKind("text", "irrelevant_exempt", _exempt_explanation(deciding)),)
    if deciding.status == "indeterminate":
        open_clauses = "; ".join(f"{f.clause}: {f.reason}" for f in
                                 deciding.indeterminate_clauses)
        return (_triggered_kind(deciding, rules, "triggered reading", escape_recorded),
                ReadingKind("exempt reading", "irrelevant_exempt",
                            f"If the open clause is read against the obligation "
                            f"({open_clauses}), {deciding.obligation} does not apply and "
                            f"nothing falls short."))
    return (_triggered_kind(deciding, rules, "text", escape_recorded),)


def _readings(cover: Coverage, params: ParameterValues, rules: Rulebook,
              with_nash: bool, escape_recorded: bool = True) -> tuple[Reading, ...]:
    return tuple(
        Reading(kind.reading, kind.verdict, kind.explanation, kind.modifiers)
        if kind.verdict is not None else _solved(kind, params, with_nash)
        for kind in classify_readings(cover, rules, escape_recorded))


def _exempt_explanation(row: ObligationCoverage) -> str:
    clauses = dict.fromkeys(f"{f.clause}" + (f" ({f.article})" if f.article else "")
                            + f": {f.reason}" for f in row.exempting_clauses)
    return (f"{row.obligation} is exempt here, so the ally can stay out without breaking the "
            f"text. " + " ".join(clauses))


def _triggered_kind(row: ObligationCoverage, rules: Rulebook, label: str,
                    escape_recorded: bool) -> ReadingKind:
    found = modifiers(row.required_help, row.escape_wording, rules)
    if not found.short:
        return ReadingKind(label, "irrelevant_no_obligation",
                           f"The help owed ({row.required_help}) leaves every response "
                           f"compliant (rule {found.help_rule}).", found)
    wording = "; ".join(f'"{e.phrase}" ({e.rule}, ×{e.delta})' for e in found.escapes)
    if found.delta == 0:
        return ReadingKind(label, "irrelevant_discretionary",
                           f"The obligation is triggered, but its escape wording leaves none "
                           f"of the audience cost: {wording}.", found)
    names = ", ".join(ACTION_LABELS[a].lower() for a in ACTIONS if a in found.short)
    help_text = (f"The obligation ({row.obligation}) is triggered; with help owed "
                 f"'{row.required_help}', {names} fall{'s' * (len(found.short) == 1)} short. "
                 f"δ = {_fraction(found.delta)}" + (
                     f" from {wording}." if wording else " (no escape wording)." if
                     escape_recorded else " (escape wording not recorded by ATOP: an upper "
                                          "bound on binding)."))
    return ReadingKind(label, None, help_text, found)


def _solved(kind: ReadingKind, params: ParameterValues, with_nash: bool) -> Reading:
    """A parametric reading, solved at ``params``: rules 5-7 of the verdict."""
    found = kind.modifiers
    assert found is not None
    a_eff = found.delta * params["a"]
    game = deterrence_game(found.short)
    values = {k: v for k, v in params.values.items() if k != "a"}
    without = solve_play(game, values, Fraction(0), found.short)
    with_cost = solve_play(game, values, a_eff, found.short)
    threshold_eff = threshold_effective(game, values, without.presses_on, found.short)
    latex = threshold_latex(game, without.presses_on, found.short)
    nash = nash_check(numeric_game(game, values, a_eff), with_cost) if with_nash else None
    threshold = threshold_eff / found.delta
    act0 = ACTION_VERBS[without.ally_action]
    act1 = ACTION_VERBS[with_cost.ally_action]
    if without.ally_action not in found.short:
        verdict: VerdictName = "irrelevant_credible_anyway"
        because = f"Without any audience cost the ally would already {act0}, which complies."
    elif with_cost.ally_action not in found.short:
        verdict = "binding"
        because = (f"Without the audience cost the ally would {act0}; with a_eff = "
                   f"{_fraction(a_eff)} it would {act1}. The threshold is "
                   f"a* = {_fraction(threshold)}.")
    else:
        verdict = "insufficient"
        because = (f"Even with a_eff = {_fraction(a_eff)} the ally would {act1}; it would need "
                   f"a ≥ {_fraction(threshold)}.")
    return Reading(kind.reading, verdict, f"{kind.explanation} {because}", found, without,
                   with_cost, threshold, threshold_eff, latex, nash)


def _fraction(value: Fraction) -> str:
    return str(value) if value.denominator == 1 else f"{value} ({float(value):.4g})"


def solve_play(game: ExtensiveFormGame, values: Mapping[str, Fraction],
               a_eff: Fraction, short: frozenset[Action] = frozenset()) -> Play:
    """Solve the game exactly at ``a_eff`` and select the SPE by the documented tie rule."""
    numeric = numeric_game(game, values, a_eff)
    result = subgame_perfect_equilibria(numeric)
    selected = min(result.equilibria, key=lambda eq: _preference(numeric, eq, short))
    behaviour = unflatten_behaviour(numeric, selected.profile)

    def chosen(infoset: int) -> int:
        return next(k for k, p in enumerate(behaviour[infoset]) if p == 1)

    presses = {a: chosen(_CHALLENGER_INFOSETS[a]) == 1 for a in ACTIONS}
    return Play(a_eff, ACTIONS[chosen(_ALLY_INFOSET)], chosen(_ROOT_INFOSET) == 1, presses,
                len(result.equilibria) > 1, result)


def _preference(game: ExtensiveFormGame, equilibrium: Equilibrium,
                short: frozenset[Action] = frozenset()) -> tuple[int, ...]:
    """Sort key of the tie rule: back down; then a compliant response before one that falls
    short, the most forceful first (I, L, S); then no challenge."""
    behaviour = unflatten_behaviour(game, equilibrium.profile)

    def chosen(infoset: int) -> int:
        return next(k for k, p in enumerate(behaviour[infoset]) if p == 1)

    ally = ACTIONS[chosen(_ALLY_INFOSET)]
    return (*(chosen(_CHALLENGER_INFOSETS[a]) for a in ACTIONS),
            int(ally in short), ACTIONS.index(ally), chosen(_ROOT_INFOSET))


def _ally_values(game: ExtensiveFormGame,
                 presses_on: Mapping[Action, bool]) -> dict[Action, sympy.Expr]:
    """The ally's value of each response, given the challenger's replies (symbolic)."""
    choices = {_CHALLENGER_INFOSETS[a]: int(presses_on[a]) for a in ACTIONS}
    values = continuation_values(game, ALLY_NODE, choices)
    return {a: values[k][1] for k, a in enumerate(ACTIONS)}


def threshold_effective(game: ExtensiveFormGame, values: Mapping[str, Fraction],
                        presses_on: Mapping[Action, bool],
                        short: frozenset[Action]) -> Fraction:
    r"""The least a_eff ≥ 0 at which the ally's selected response complies.

    With the challenger's replies fixed (they do not depend on a_eff), the
    ally's value of response X is :math:`u_X - a_{eff}\,[X \text{ short}]`; the
    ally complies once :math:`a_{eff} \ge u_Y - \max_{X \text{ compliant}} u_X` for
    every short Y.  Derived here from the engine's symbolic continuation values.
    """
    symbols = {s.name: s for s in game.free_symbols}
    mapping = {symbols[name]: sympy.Rational(v.numerator, v.denominator)
               for name, v in values.items() if name in symbols}
    a_eff = symbols[A_EFF]
    ally = {x: sympy.expand(u.xreplace(mapping)) for x, u in _ally_values(game, presses_on).items()}
    best_compliant = max(_exact(ally[x].subs(a_eff, 0)) for x in ACTIONS if x not in short)
    needed = Fraction(0)
    for y in short:
        slope = _exact(sympy.diff(ally[y], a_eff))
        gap = _exact(ally[y].subs(a_eff, 0)) - best_compliant
        if gap > 0:
            needed = max(needed, gap / -slope)
    return needed


def threshold_latex(game: ExtensiveFormGame, presses_on: Mapping[Action, bool],
                    short: frozenset[Action]) -> str:
    """The threshold a*_eff as a LaTeX formula in the parameters (for these replies)."""
    ally = _ally_values(game, presses_on)
    a_eff = next(s for s in game.free_symbols if s.name == A_EFF)
    base = {x: u.subs(a_eff, 0) for x, u in ally.items()}
    best = sympy.Max(*[base[x] for x in ACTIONS if x not in short])
    expression = sympy.Max(sympy.Integer(0), *[base[y] - best for y in ACTIONS if y in short])
    return str(sympy.latex(expression))


def _exact(value: sympy.Expr) -> Fraction:
    rational = sympy.nsimplify(value) if not value.is_Rational else value
    if not rational.is_Rational:
        raise ValueError(f"expected an exact number, got {value}")
    return Fraction(int(rational.p), int(rational.q))


def nash_check(game: ExtensiveFormGame, completion: Play) -> NashCheck:
    """Every extreme Nash equilibrium of the reduced strategic form, marked SPE or not.

    A reduced strategy says nothing at information sets its owner's own
    choices never reach (the challenger's replies after it keeps the status
    quo).  An equilibrium is marked subgame perfect when, completed there with
    the play of some SPE (from ``completion``, which lists them all), its
    subgame-perfect regret is zero — that is, exactly when some SPE induces it.
    """
    normal, strategies = reduced_strategic_form(game)
    result = extreme_equilibria(normal)
    completions = [unflatten_behaviour(game, eq.profile) for eq in completion.result.equilibria]
    perfect = []
    for equilibrium in result.equilibria:
        behaviour = mixed_to_behaviour(game, strategies, equilibrium.profile)
        silent = unreached_infosets(game, behaviour)
        perfect.append(any(
            subgame_perfect_regret(game, [spe[h] if h in silent else behaviour[h]
                                          for h in range(len(behaviour))]) == 0
            for spe in completions))
    return NashCheck(result, tuple(perfect))
