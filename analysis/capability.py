r"""The capability lens: what a cooperation profile changes in the deterrence game.

Each entry of a profile (:mod:`treaties.cooperation`) raises the capability of
its recipients.  What that does depends on the role a recipient plays in the
scenario — the **challenger** (the other side of the hostilities), the
**ally** analysed, or its **protege** (the belligerents it is analysed for) —
and on the rules of ``analysis/data/capability_rules.yaml``
(:mod:`analysis.capability_rules`).  For channel :math:`c` the change in the
win probability :math:`p_X` is

.. math:: \Delta_c p_X = \sum_{(r, k)} m_{r,X}\, s_k\, w_c\, t_k\, u_{c,r,k}\,(1 - o_{c,r,k})

over the (role, capability) pairs the channel reaches, with :math:`m_{r,X}`
the role's factor for :math:`p_X`, :math:`s_k` the capability's shift,
:math:`w_c` the channel's weight, :math:`t_k` the theatre's weight,
:math:`u_{c,r,k}` the largest status weight among the matching entries and
:math:`o_{c,r,k} = 1 - \prod_j (1 - o_j)` the combined offset of the
matching countermeasures.  With a set of channels :math:`S` switched on,

.. math:: p'_X = \operatorname{clip}_{[0,1]}\Bigl(p_X + \sum_{c \in S} \Delta_c p_X\Bigr),
          \quad p'_L \leftarrow \max(p'_L, p'_I), \quad p'_S \leftarrow \max(p'_S, p'_L),

so the probabilities stay in order (the ally's help never raises the challenger's
chance): a probability that falls below an earlier one is floored there.  Under the
built-in roles only the protégé's gains can meet this floor — they lower p_S to
p_L at most — so capability given to the protégé never changes the ally's values
of intervening or of limited aid.
Entries not in effect at the scenario's date, and recipients with no role,
change nothing; reports list them.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import numpy.typing as npt

from analysis.capability_rules import (
    PROBABILITIES,
    ROLES,
    CapabilityRules,
    Probability,
    Role,
    TheatreRule,
    exact,
    exact_moves,
)
from games.errors import InputError
from treaties.cooperation import CHANNELS, Capability, Channel, CooperationProfile
from treaties.regions import gazetteer
from treaties.scenario import Scenario

Shifts = Mapping[Probability, Fraction]
"""The change :math:`\\Delta_c p_X` of each win probability that one factor makes."""


ROLE_NAMES: Mapping[Role, str] = {"challenger": "challenger", "ally": "ally",
                                  "protege": "protégé"}


@dataclass(frozen=True)
class ScenarioRoles:
    """Who is who in a scenario, from the analysed ally's point of view."""

    ally: int | None
    proteges: tuple[int, ...]
    challengers: tuple[int, ...]
    theatre: str

    def role(self, state: int) -> Role | None:
        """The role of ``state``: ally, protégé, challenger, or None (no part)."""
        if state == self.ally:
            return "ally"
        if state in self.proteges:
            return "protege"
        if state in self.challengers:
            return "challenger"
        return None


def scenario_roles(scenario: Scenario, ally: int | None = None,
                   beneficiaries: Sequence[int] | None = None,
                   parties: Collection[int] = ()) -> ScenarioRoles:
    """The ally, its protégés, the challengers and the theatre of a scenario.

    The protégés are ``beneficiaries``, else the states the scenario analyses
    ``ally`` for — those among the treaty's ``parties`` when some are, and only
    those on the side of the first of them (a scenario may analyse one ally for
    both sides, as the USSR for China and for Vietnam in 1979) — else (no ally
    listed) the targets of the first hostility.  The challengers are the states
    on the other side of every hostility a protégé takes part in; the theatre is
    that of the first such hostility.
    """
    listed = [a for a in scenario.allies if ally is None or a.ally == ally]
    chosen = ally if ally is not None else (listed[0].ally if listed else None)
    proteges = tuple(beneficiaries) if beneficiaries else (
        _listed_side(scenario, [s for a in listed if a.ally == chosen for s in a.for_],
                     parties) or scenario.hostilities[0].target)
    involved = [h for h in scenario.hostilities if set(h.belligerents) & set(proteges)]
    if not involved:
        raise InputError(f"no hostility involves {', '.join(map(str, proteges))}",
                         field="--for", expected="belligerents of the scenario")
    challengers: list[int] = []
    for hostility in involved:
        other = hostility.attacker if set(hostility.target) & set(proteges) else hostility.target
        challengers += [s for s in other if s not in proteges]
    if chosen is not None and chosen in proteges:
        raise InputError(f"the ally {chosen} is also a protégé", field="--for",
                         expected="protégés other than the ally")
    split = [(a, b) for h in involved for a in h.attacker for b in h.target
             if a in proteges and b in proteges]
    if split:
        raise InputError(f"the protégés {split[0][0]} and {split[0][1]} fight each other in "
                         f"{scenario.id}", field="--for",
                         expected="protégés on one side of the hostilities")
    if chosen in challengers:
        raise InputError(f"the ally {chosen} fights its protégé "
                         f"{', '.join(map(str, proteges))} in {scenario.id}",
                         field="--ally" if ally is not None else "--for",
                         expected="an ally that is not on the other side of the hostilities")
    if not challengers:
        raise InputError(f"no state fights {', '.join(map(str, proteges))} in {scenario.id}",
                         field="--for", expected="protégés with an adversary in the scenario")
    return ScenarioRoles(chosen, proteges, tuple(dict.fromkeys(challengers)),
                         involved[0].theatre)


def _listed_side(scenario: Scenario, listed: Sequence[int],
                 parties: Collection[int]) -> tuple[int, ...]:
    """The listed protégés that are treaty parties (all when none is), on one side."""
    chosen = [s for s in listed if s in parties] or list(listed)
    if not chosen:
        return ()
    first = chosen[0]
    enemies = {s for h in scenario.hostilities for side, other in
               ((h.attacker, h.target), (h.target, h.attacker)) if first in side
               for s in other}
    return tuple(dict.fromkeys(s for s in chosen if s not in enemies))


def theatre_rule(rules: CapabilityRules, theatre: str) -> TheatreRule:
    """The theatre rule for a region: the one listing the narrowest region containing it.

    Rules listing regions that contain the theatre equally narrowly (neither within the
    other) are taken in file order.
    """
    places = gazetteer()
    matching = [(rule, tag) for rule in rules.theatres for tag in rule.regions
                if tag == theatre or places.relation(theatre, tag) == "within"]
    if not matching:
        raise InputError(f"no theatre rule covers {theatre!r}", field="theatres",
                         expected="a theatre rule listing it or a region containing it "
                                  "(the built-in rule lists world)")
    best_rule, best_tag = matching[0]
    for rule, tag in matching[1:]:
        if tag != best_tag and places.relation(tag, best_tag) == "within":
            best_rule, best_tag = rule, tag
    return best_rule


@dataclass(frozen=True)
class Contribution:
    """One (channel, role, capability) that a profile reaches, and its size."""

    channel: Channel
    role: Role
    capability: Capability
    entries: tuple[str, ...]
    recipients: tuple[int, ...]
    shift: Fraction
    channel_weight: Fraction
    theatre_weight: Fraction
    status_weight: Fraction
    offset: Fraction
    countermeasures: tuple[str, ...]

    @property
    def size(self) -> Fraction:
        """shift × channel weight × theatre weight × status weight × (1 − offset)."""
        return (self.shift * self.channel_weight * self.theatre_weight * self.status_weight
                * (1 - self.offset))


@dataclass(frozen=True)
class Skipped:
    """An entry that changes nothing in this scenario, and why."""

    entry: str
    reason: str


@dataclass(frozen=True)
class CapabilityEffects:
    """What a profile changes in a scenario: per channel, the change in each p_X."""

    profile: CooperationProfile
    scenario: Scenario
    roles: ScenarioRoles
    theatre_rule: str
    contributions: tuple[Contribution, ...]
    skipped: tuple[Skipped, ...]
    rules: CapabilityRules

    @property
    def channels(self) -> tuple[Channel, ...]:
        """The channels that reach someone with a role (in the rules' channel order)."""
        reached = {c.channel for c in self.contributions}
        return tuple(c for c in CHANNELS if c in reached)

    def shifts(self, channel: Channel) -> Shifts:
        """:math:`\\Delta_c p_X` for each probability."""
        total: dict[Probability, Fraction] = dict.fromkeys(PROBABILITIES, Fraction(0))
        for item in self.contributions:
            if item.channel == channel:
                for name, factor in exact_moves(self.rules.role(item.role)).items():
                    total[name] += factor * item.size
        return total

    def rules_used(self) -> tuple[str, ...]:
        """The ids of the rules these effects rest on."""
        used = [self.rules.role(r).id for r in ROLES if any(c.role == r for c in
                                                            self.contributions)]
        for item in self.contributions:
            used += [self.rules.shift(item.capability).id, self.rules.channel(item.channel).id,
                     *item.countermeasures]
        entries = {e.id: e for e in self.profile.entries}
        used += [self.rules.status(entries[e].status).id for c in self.contributions
                 for e in c.entries]
        used.append(self.theatre_rule)
        return tuple(dict.fromkeys(used))

    def assumptions(self) -> tuple[str, ...]:
        """The ids of the rules used that are flagged ``assumption: true``."""
        flagged = set(self.rules.assumptions())
        return tuple(r for r in self.rules_used() if r in flagged)


def capability_effects(profile: CooperationProfile, scenario: Scenario,
                       rules: CapabilityRules, roles: ScenarioRoles) -> CapabilityEffects:
    """Apply the capability rules to every entry of ``profile`` in ``scenario``."""
    theatre = theatre_rule(rules, roles.theatre)
    theatre_weights = {k: exact(v) for k, v in theatre.weights.items()}
    grouped: dict[tuple[Channel, Role, Capability], list[tuple[str, int, Fraction]]] = {}
    skipped = []
    for entry in profile.entries:
        if not entry.in_effect_on(scenario.date):
            skipped.append(Skipped(entry.id, f"not in effect on {scenario.date} "
                                             f"({entry.start} to {entry.end or 'ongoing'})"))
            continue
        placed = [(state, roles.role(state)) for state in entry.recipients]
        cast = [(state, role) for state, role in placed if role is not None]
        if not cast:
            skipped.append(Skipped(entry.id, "no recipient plays a part in the scenario ("
                                   + ", ".join(map(str, entry.recipients)) + ")"))
            continue
        weight = exact(rules.status(entry.status).weight)
        for state, role in cast:
            for capability in entry.capabilities:
                grouped.setdefault((entry.channel, role, capability), []).append(
                    (entry.id, state, weight))
    contributions = []
    for (channel, role, capability), found in grouped.items():
        counters = [m for m in rules.countermeasures if m.channel == channel
                    and (not m.capabilities or capability in m.capabilities)
                    and (m.against is None or m.against == role)]
        kept = Fraction(1)
        for measure in counters:
            kept *= 1 - exact(measure.offset)
        contributions.append(Contribution(
            channel, role, capability, tuple(dict.fromkeys(e for e, _, _ in found)),
            tuple(dict.fromkeys(s for _, s, _ in found)),
            exact(rules.shift(capability).shift), exact(rules.channel(channel).weight),
            theatre_weights.get(capability, Fraction(1)), max(w for _, _, w in found),
            1 - kept, tuple(m.id for m in counters)))
    order = {c: k for k, c in enumerate(CHANNELS)}
    contributions.sort(key=lambda c: (order[c.channel], ROLES.index(c.role), c.capability))
    return CapabilityEffects(profile, scenario, roles, theatre.id, tuple(contributions),
                             tuple(skipped), rules)


def shifted(values: Mapping[str, Fraction], shifts: Iterable[Shifts]
            ) -> tuple[dict[str, Fraction], bool]:
    """The parameter values with the ``shifts`` added, clipped and kept in order, and whether
    the clipping bound.

    Examples
    --------
    >>> values = {"p_I": Fraction(1, 10), "p_L": Fraction(2, 5), "p_S": Fraction(3, 5)}
    >>> moved, clipped = shifted(values, [{"p_S": Fraction(-1, 2)}])
    >>> moved["p_S"], clipped
    (Fraction(2, 5), True)
    """
    moved = dict(values)
    for shift in shifts:
        for name, change in shift.items():
            moved[name] += change
    raw = {name: moved[name] for name in PROBABILITIES}
    for name in PROBABILITIES:
        moved[name] = min(max(moved[name], Fraction(0)), Fraction(1))
    moved["p_L"] = max(moved["p_L"], moved["p_I"])
    moved["p_S"] = max(moved["p_S"], moved["p_L"])
    return moved, any(moved[name] != raw[name] for name in PROBABILITIES)


FloatArray = npt.NDArray[np.float64]


def shifted_arrays(values: Mapping[str, FloatArray], shifts: Iterable[Shifts]
                   ) -> tuple[dict[str, FloatArray], npt.NDArray[np.bool_]]:
    """:func:`shifted` at many points at once (float arrays), with a clipped-or-not mask."""
    moved = dict(values)
    for shift in shifts:
        for name, change in shift.items():
            if change:
                moved[name] = moved[name] + float(change)
    raw = {name: moved[name] for name in PROBABILITIES}
    clipped: dict[str, FloatArray] = {name: np.clip(moved[name], 0.0, 1.0)
                                      for name in PROBABILITIES}
    clipped["p_L"] = np.maximum(clipped["p_L"], clipped["p_I"])
    clipped["p_S"] = np.maximum(clipped["p_S"], clipped["p_L"])
    moved.update(clipped)
    bound = np.zeros(len(next(iter(values.values()))), dtype=np.bool_)
    for name in PROBABILITIES:
        bound |= clipped[name] != raw[name]
    return moved, bound
