"""Reports of the capability lens: what a profile changes, and the decomposition."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any

from analysis.batch_verdicts import ReadingPlan
from analysis.capability import ROLE_NAMES, CapabilityEffects, shifted
from analysis.capability_rules import PROBABILITIES, CapabilityRules, exact
from analysis.decompose import AUDIENCE, Decomposition, DrawDecomposition, Factor, Outcome
from analysis.parameters import ParameterValues
from analysis.provenance import Provenance
from analysis.report import Report, Section
from analysis.verdicts import ACTION_VERBS, Analysis, Play

FACTOR_CODES: Mapping[str, str] = {AUDIENCE: "AC", "materiel_transfer": "MT",
                                   "joint_exercises": "JE", "intelligence_sharing": "IS"}
"""Two-letter codes of the factors, for the table of every combination."""

MAX_COMBINATION_ROWS = 32
"""The most combinations of factors printed as a table (five factors); JSON holds all."""

CHANNEL_NAMES: Mapping[str, str] = {
    "materiel_transfer": "materiel and technology transfer",
    "joint_exercises": "joint exercises and patrols",
    "intelligence_sharing": "intelligence sharing",
    AUDIENCE: AUDIENCE,
}


def exact_text(value: Fraction) -> str:
    """``3/50 (0.06)``, or an integer alone; negative numbers with a minus sign (−)."""
    text = str(value) if value.denominator == 1 else f"{value} ({float(value):.4g})"
    return text.replace("-", "−")


def signed(value: Fraction) -> str:
    """An exact change with its sign: ``+3/50``, ``−1/40``, ``0``."""
    if value == 0:
        return "0"
    return ("+" if value > 0 else "−") + str(abs(value))


def assumption_note(effects: CapabilityEffects | Sequence[CapabilityEffects]) -> str:
    """The line every output carries: which numbers are assumptions."""
    every = [effects] if isinstance(effects, CapabilityEffects) else list(effects)
    flagged = tuple(dict.fromkeys(r for e in every for r in e.assumptions()))
    if not flagged:
        return "Assumptions: none of the capability rules used is flagged as an assumption."
    return ("ASSUMPTION: the capability rules are modelling choices with illustrative "
            "magnitudes, not estimates — rules " + ", ".join(flagged)
            + " are flagged assumption: true. Supply your own with --rules FILE.")


def effects_json(effects: CapabilityEffects) -> dict[str, Any]:
    """What a profile changes, for programs."""
    roles = effects.roles
    return {
        "profile": effects.profile.id, "scenario": effects.scenario.id,
        "roles": {"ally": roles.ally, "protege": list(roles.proteges),
                  "challenger": list(roles.challengers), "theatre": roles.theatre,
                  "theatre_rule": effects.theatre_rule},
        "contributions": [
            {"channel": c.channel, "role": c.role, "capability": c.capability,
             "entries": list(c.entries), "recipients": list(c.recipients),
             "shift": str(c.shift), "channel_weight": str(c.channel_weight),
             "theatre_weight": str(c.theatre_weight), "status_weight": str(c.status_weight),
             "offset": str(c.offset), "countermeasures": list(c.countermeasures),
             "size": str(c.size)} for c in effects.contributions],
        "shifts": {c: {k: str(v) for k, v in effects.shifts(c).items()}
                   for c in effects.channels},
        "skipped": [{"entry": s.entry, "reason": s.reason} for s in effects.skipped],
        "rules_used": list(effects.rules_used()),
        "assumptions": list(effects.assumptions()),
        "capability_rules_fingerprint": effects.rules.fingerprint(),
    }


def _state_list(codes: Sequence[int]) -> str:
    return ", ".join(map(str, codes)) or "none"


def capability_report(effects: CapabilityEffects, params: ParameterValues,
                      analyses: Sequence[tuple[Analysis, Analysis]], provenance: Provenance
                      ) -> Report:
    """What the profile changes in the scenario, entry by entry and channel by channel.

    ``analyses`` pairs, per treaty, the analysis without the cooperation and with it.
    """
    roles = effects.roles
    who = Section(f"Roles in {effects.scenario.id}", ("role", "states"), (
        ("ally", "none listed" if roles.ally is None else str(roles.ally)),
        ("protégé", _state_list(roles.proteges)),
        ("challenger", _state_list(roles.challengers)),
        ("theatre", f"{roles.theatre} (rule {effects.theatre_rule})")))
    reached = Section(
        f"What {effects.profile.id} reaches",
        ("channel", "role", "capability", "entries", "shift × channel × theatre × status "
         "× (1 − offset)", "size"),
        tuple((CHANNEL_NAMES[c.channel], ROLE_NAMES[c.role], c.capability, ", ".join(c.entries),
               f"{c.shift} × {c.channel_weight} × {c.theatre_weight} × {c.status_weight} × "
               f"(1 − {c.offset})", exact_text(c.size)) for c in effects.contributions),
        ("Status weight: the largest among the entries listed (one capability is counted "
         "once per channel and role).",))
    moved = Section("Change in the challenger's win probabilities, by channel",
                    ("channel", *(f"Δ{p}" for p in PROBABILITIES)),
                    tuple((CHANNEL_NAMES[c], *(signed(v) for v in effects.shifts(c).values()))
                          for c in effects.channels))
    after, clipped = shifted(params.values, [effects.shifts(c) for c in effects.channels])
    values = Section("Win probabilities without and with the cooperation",
                     ("parameter", "without", "with"),
                     tuple((p, exact_text(params[p]), exact_text(after[p]))
                           for p in PROBABILITIES),
                     ("Clipping to [0, 1] and to p_I ≤ p_L ≤ p_S bound."
                      if clipped else "No clipping was needed.",))
    if not effects.contributions:
        reached = Section(f"What {effects.profile.id} reaches", ("note",), ((
            "Nothing: no entry in effect at the scenario's date reaches a state with a role "
            "in it, so the win probabilities do not move.",),))
    sections = [who, reached, *([moved] if effects.channels else []), values]
    if effects.skipped:
        sections.append(Section("Entries that change nothing here", ("entry", "why"),
                                tuple((s.entry, s.reason) for s in effects.skipped)))
    if analyses:
        sections.append(Section(
            "The treaty's verdict without and with the cooperation",
            ("treaty", "reading", "verdict without", "ally without", "verdict with",
             "ally with"),
            tuple((before.treaty.id, r0.reading, r0.verdict, _ally(r0.with_cost), r1.verdict,
                   _ally(r1.with_cost))
                  for before, with_it in analyses
                  for r0, r1 in zip(before.readings, with_it.readings, strict=True))))
    data = {"effects": effects_json(effects),
            "probabilities": {"without": {p: str(params[p]) for p in PROBABILITIES},
                              "with": {p: str(after[p]) for p in PROBABILITIES},
                              "clipped": clipped},
            "verdicts": [{"treaty": before.treaty.id, "reading": r0.reading,
                          "without": r0.verdict, "with": r1.verdict,
                          "play_without": _play_json(r0.with_cost),
                          "play_with": _play_json(r1.with_cost)}
                         for before, with_it in analyses
                         for r0, r1 in zip(before.readings, with_it.readings, strict=True)],
            "assumption_note": assumption_note(effects), "provenance": provenance.to_json()}
    return Report(tuple(sections), data, (assumption_note(effects), provenance.line()))


def _play_json(play: Play | None) -> dict[str, Any] | None:
    """The ally's response and whether the challenger challenges (None: not solved)."""
    return None if play is None else {"ally_action": play.ally_action,
                                      "challenge": play.challenge}


def _ally(play: Any) -> str:
    return "—" if play is None else (ACTION_VERBS[play.ally_action]
                                     + ("; C challenges" if play.challenge else
                                        "; C deterred"))


def factor_name(factor: Factor) -> str:
    """``materiel and technology transfer``, or ``us-philippines: joint exercises and
    patrols`` for a factor of one of several profiles."""
    profile, _, channel = factor.rpartition("/")
    return f"{profile}: {CHANNEL_NAMES[channel]}" if profile else CHANNEL_NAMES[channel]


def factor_code(factor: Factor, factors: Sequence[Factor]) -> str:
    """``AC``, ``MT``, …; with several profiles the channel's code and the profile's number
    (``MT1``, ``JE2``)."""
    profile, _, channel = factor.rpartition("/")
    if not profile:
        return FACTOR_CODES[channel]
    profiles = list(dict.fromkeys(f.rpartition("/")[0] for f in factors if "/" in f))
    return f"{FACTOR_CODES[channel]}{profiles.index(profile) + 1}"


def _factor_order(factors: Sequence[Factor], order: Sequence[Factor]) -> list[Factor]:
    return sorted(factors, key=list(order).index)


def _minus(text: str) -> str:
    return text.replace("-", "−")


def _percent(part: Fraction | float, whole: Fraction | float) -> str:
    # + 0.0 turns −0.0 (a zero share of a negative change) into 0, never "-0%".
    return "—" if whole == 0 else _minus(f"{100 * float(part) / float(whole) + 0.0:.0f}%")


def _outcome(outcome: Outcome) -> str:
    return (f"ally would {ACTION_VERBS[outcome.ally_action]}, margin "
            f"{exact_text(outcome.margin)}: "
            + ("the challenger challenges" if outcome.challenge else "deterred"))


def decomposition_sections(found: Decomposition) -> list[Section]:
    """The Shapley split of one reading, then every coalition's outcome."""
    label = found.plan.label
    change = found.change
    split = Section(
        f"Challenge margin: who moves it ({label})",
        ("factor", "Shapley share", "of the change", "alone"),
        (*((factor_name(f), exact_text(found.shares[f]), _percent(found.shares[f], change),
            exact_text(found.alone(f))) for f in found.factors),
         ("total", exact_text(change), "100%" if change else "—", "")),
        (*_reading_note(found.plan), f"None: {_outcome(found.baseline)}.",
         f"All: {_outcome(found.full)}.",
         "The shares add up to the total change (the Shapley value over the factors); "
         "'alone' is the change with that factor only."))
    rows = []
    for coalition, outcome in sorted(found.outcomes.items(),
                                     key=lambda item: (len(item[0]), sorted(item[0]))):
        rows.append((" + ".join(factor_code(f, found.factors)
                                for f in _factor_order(list(coalition), found.factors))
                     or "none",
                     *(exact_text(outcome.values[p]) for p in PROBABILITIES),
                     exact_text(outcome.a_eff), outcome.ally_action,
                     exact_text(outcome.margin), "yes" if outcome.challenge else "no",
                     ("clipped " if outcome.clipped else "") + ("ties" if outcome.ties else "")))
    if len(rows) > MAX_COMBINATION_ROWS:
        return [split, Section(f"Every combination of factors ({label})", ("note",), ((
            f"{len(rows)} combinations: too many to print; --format json lists every one "
            f"under point[].coalitions.",),))]
    table = Section(f"Every combination of factors ({label})",
                    ("factors", *PROBABILITIES, "a_eff", "ally", "margin", "challenge",
                     "notes"), tuple(rows),
                    ("Factors: " + ", ".join(f"{factor_code(f, found.factors)} "
                                             f"{factor_name(f)}" for f in found.factors)
                     + ".",))
    return [split, table]


def _reading_note(plan: ReadingPlan) -> tuple[str, ...]:
    """Why the audience cost is a null factor, when the treaty leaves it none."""
    if plan.fixed is None:
        return ()
    return (f"The treaty's verdict here is {plan.fixed} at every point, so no audience cost "
            f"applies: its share is 0 by construction.",)


def draws_section(found: DrawDecomposition) -> Section:
    """The Shapley split over Monte Carlo draws: mean margin and deterred share."""
    none, every = frozenset[Factor](), frozenset(found.factors)
    margin_change = found.mean_margin[every] - found.mean_margin[none]
    share_change = found.deterred[every] - found.deterred[none]
    rows = tuple((factor_name(f), _minus(f"{found.margin_shares[f]:+.4f}"),
                  _minus(f"{100 * found.deterred_shares[f]:+.2f} pp"),
                  _percent(found.deterred_shares[f], share_change))
                 for f in found.factors)
    return Section(
        f"Over {found.draws:,} draws ({found.plan.label})",
        ("factor", "mean margin", "deterred share", "of the deterred change"),
        (*rows, ("total", _minus(f"{margin_change:+.4f}"),
                  _minus(f"{100 * share_change:+.2f} pp"), "")),
        (*_reading_note(found.plan),
         f"Deterred without any factor: {100 * found.deterred[none]:.2f}%; with all: "
         f"{100 * found.deterred[every]:.2f}%. Mean margin "
         f"{found.mean_margin[none]:.4f} → {found.mean_margin[every]:.4f}.",
         f"Clipping bound in {100 * found.clipped[every]:.2f}% of draws with every factor; "
         f"a player was indifferent (the tie rule decided) in at most "
         f"{100 * max(found.ties.values()):.2f}% of draws in any combination.",
         f"Monte Carlo standard error of a share p: √(p(1−p)/{found.draws:,}); draws "
         f"rejected and redrawn: {found.rejected:,} of {found.attempted:,}."))


def decomposition_json(found: Decomposition) -> dict[str, Any]:
    """One reading's decomposition, for programs (exact values as text)."""
    return {
        "treaty": found.plan.treaty, "ally": found.plan.ally, "reading": found.plan.reading,
        "fixed_verdict": found.plan.fixed, "delta": str(found.plan.delta),
        "short": sorted(found.plan.short), "factors": list(found.factors),
        "shares": {f: str(v) for f, v in found.shares.items()},
        "change": str(found.change),
        "coalitions": [{"factors": sorted(c), "ally_action": o.ally_action,
                        "challenge": o.challenge, "margin": str(o.margin),
                        "a_eff": str(o.a_eff), "clipped": o.clipped, "ties": o.ties,
                        **{p: str(o.values[p]) for p in PROBABILITIES}}
                       for c, o in found.outcomes.items()]}


def draws_json(found: DrawDecomposition) -> dict[str, Any]:
    """One reading's decomposition over draws, for programs."""
    def keyed(values: Mapping[frozenset[Factor], float]) -> list[dict[str, Any]]:
        return [{"factors": sorted(c), "value": v} for c, v in values.items()]
    return {"treaty": found.plan.treaty, "ally": found.plan.ally,
            "reading": found.plan.reading, "fixed_verdict": found.plan.fixed,
            "delta": str(found.plan.delta), "short": sorted(found.plan.short),
            "draws": found.draws,
            "margin_shares": dict(found.margin_shares),
            "deterred_shares": dict(found.deterred_shares),
            "mean_margin": keyed(found.mean_margin), "deterred": keyed(found.deterred),
            "clipped": keyed(found.clipped), "ties": keyed(found.ties),
            "rejected": found.rejected, "attempted": found.attempted}


def decompose_report(effects: Sequence[CapabilityEffects], found: Sequence[Decomposition],
                     drawn: Sequence[DrawDecomposition], description: Sequence[str],
                     provenance: Provenance) -> Report:
    """The decomposition of every reading (and over draws when given), for one or more
    profiles applied to the same scenario."""
    sections = [s for d in found for s in decomposition_sections(d)]
    sections += [draws_section(d) for d in drawn]
    plans = [d.plan for d in found] + [d.plan for d in drawn]
    data = {"treaty": plans[0].treaty if plans else None,
            "scenario": effects[0].scenario.id, "profiles": [e.profile.id for e in effects],
            "description": list(description),
            "point": [decomposition_json(d) for d in found],
            "draws": [draws_json(d) for d in drawn],
            "effects": [effects_json(e) for e in effects],
            "assumption_note": assumption_note(effects), "provenance": provenance.to_json()}
    return Report(tuple(sections), data,
                  (*description, assumption_note(effects), provenance.line()))


def capability_rules_report(rules: CapabilityRules, origin: str) -> Report:
    """The capability rules in effect, section by section, with their assumption flags."""
    def flag(rule: Any) -> str:
        return "assumption" if rule.assumption else "—"

    def number(value: float) -> str:
        return exact_text(exact(value))

    sections = (
        Section("Roles: which win probabilities capability given to a role moves",
                ("id", "role", "moves", "flag", "why", "source"),
                tuple((r.id, ROLE_NAMES[r.role], ", ".join(f"{k} × {number(v)}"
                                                            for k, v in r.moves.items()),
                       flag(r), r.why, r.source) for r in rules.roles)),
        Section("Capabilities: the shift of one capability (probability points)",
                ("id", "capability", "shift", "flag", "why", "source"),
                tuple((r.id, r.capability, number(r.shift), flag(r), r.why, r.source)
                      for r in rules.capabilities)),
        Section("Channels: how much of a capability a channel passes on",
                ("id", "channel", "weight", "flag", "why", "source"),
                tuple((r.id, r.channel, number(r.weight), flag(r), r.why, r.source)
                      for r in rules.channels)),
        Section("Statuses: how much of an entry counts",
                ("id", "status", "weight", "flag", "why", "source"),
                tuple((r.id, r.status, number(r.weight), flag(r), r.why, r.source)
                      for r in rules.statuses)),
        Section("Theatres: how much each capability counts where the war is fought "
                "(unlisted: 1)", ("id", "regions", "weights", "flag", "why", "source"),
                tuple((r.id, ", ".join(r.regions),
                       ", ".join(f"{k} × {number(v)}" for k, v in r.weights.items()) or "—",
                       flag(r), r.why, r.source) for r in rules.theatres)),
        Section("Countermeasures: the share of a channel's effect offset",
                ("id", "channel", "capabilities", "against", "offset", "flag", "why",
                 "source"),
                tuple((r.id, r.channel, ", ".join(r.capabilities) or "all",
                       ROLE_NAMES[r.against] if r.against else "every role", number(r.offset),
                       flag(r), r.why, r.source) for r in rules.countermeasures)),
    )
    fingerprint = rules.fingerprint()
    data = {**rules.model_dump(mode="json"), "fingerprint": fingerprint, "origin": origin,
            "assumptions": list(rules.assumptions())}
    return Report(sections, data, (
        f"Capability rules: {origin}; fingerprint {fingerprint}",
        f"{len(rules.assumptions())} rules are flagged assumption: true (modelling choices "
        "and illustrative magnitudes, not estimates); replace them by id with --rules FILE."))
