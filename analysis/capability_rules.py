"""The capability rules: from cooperation entries to changes in the win probabilities.

The built-in rules live in ``analysis/data/capability_rules.yaml``, each with an
id, its effect, a reason, a source and — for every magnitude — the flag
``assumption: true``.  A user's file (``--rules FILE``) replaces rules by id
and may add theatre rules and countermeasures; there must stay exactly one
rule per role, capability, channel and status.  How the rules combine is
stated in :mod:`analysis.capability`.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction
from importlib import resources
from typing import Annotated, Literal, TypeVar, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from analysis.rules import Rulebook, RulebookPatch, builtin_rulebook, rulebook_from_document
from games.errors import InputError
from games.numbers import to_fraction
from treaties.cooperation import Capability, Channel, EntryStatus
from treaties.fields import RegionTag, Slug, problem
from treaties.load import parse_model
from treaties.yaml_source import YamlDocument, parse_yaml, read_yaml

Role = Literal["challenger", "ally", "protege"]
ROLES: tuple[Role, ...] = ("challenger", "ally", "protege")
"""The roles a recipient can play in a scenario (``protege``: the ally's protégé)."""

Probability = Literal["p_I", "p_L", "p_S"]
PROBABILITIES: tuple[Probability, ...] = ("p_I", "p_L", "p_S")

_STRICT = ConfigDict(extra="forbid", frozen=True)

Magnitude = Field(ge=0, le=10, allow_inf_nan=False, strict=True)
StrictNumber = Annotated[float, Field(strict=True, allow_inf_nan=False)]
"""A number written as one (not ``"2"``, not ``true``), finite."""


class _Rule(BaseModel):
    """What every rule carries: an id, a reason and a source."""

    model_config = _STRICT

    id: Slug = Field(description="The rule's id, by which a user's file replaces it.")
    why: str = Field(min_length=1, description="The reason, in one or two sentences.")
    source: str = Field(min_length=1, description="Where the reading comes from.")
    assumption: bool = Field(strict=True, description="True when the rule's number is an "
                                                      "assumption rather than a sourced fact.")


class RoleRule(_Rule):
    """Which win probabilities capability given to a role moves, and which way."""

    role: Role
    moves: dict[Probability, StrictNumber] = Field(
        description="A factor per probability: +1 raises it by the shift, -1 lowers it.")

    @field_validator("moves")
    @classmethod
    def _finite(cls, moves: dict[Probability, float]) -> dict[Probability, float]:
        for name, factor in moves.items():
            if not -10 <= factor <= 10:
                raise problem(f"the factor {factor} for {name} is out of range",
                              "a finite number between -10 and 10")
        return moves


class CapabilityRule(_Rule):
    """How far one capability moves the win probabilities (probability points)."""

    capability: Capability
    shift: float = Field(ge=0, le=1, allow_inf_nan=False, strict=True)


class ChannelRule(_Rule):
    """How much of a capability a channel passes on."""

    channel: Channel
    weight: float = Magnitude


class StatusRule(_Rule):
    """How much of an entry counts, by how far it is realised."""

    status: EntryStatus
    weight: float = Field(ge=0, le=1, allow_inf_nan=False, strict=True)


class TheatreRule(_Rule):
    """How much each capability counts in the regions listed (unlisted capabilities: 1)."""

    regions: tuple[RegionTag, ...] = Field(min_length=1)
    weights: dict[Capability, StrictNumber] = Field(default_factory=dict)

    @field_validator("weights")
    @classmethod
    def _in_range(cls, weights: dict[Capability, float]) -> dict[Capability, float]:
        for name, weight in weights.items():
            if not 0 <= weight <= 10:
                raise problem(f"the weight {weight} for {name} is out of range",
                              "a number between 0 and 10")
        return weights


class Countermeasure(_Rule):
    """The rival's targeted answer: it offsets a share of a channel's effect."""

    channel: Channel
    capabilities: tuple[Capability, ...] = Field(
        (), description="The capabilities it answers (empty: all of the channel's).")
    against: Role | None = Field(None, description="The role whose gains it answers "
                                                   "(null: every role).")
    offset: float = Field(ge=0, le=1, allow_inf_nan=False, strict=True)

    @field_validator("capabilities")
    @classmethod
    def _once(cls, capabilities: tuple[Capability, ...]) -> tuple[Capability, ...]:
        if len(set(capabilities)) != len(capabilities):
            raise problem("a capability is listed twice", "each capability once")
        return capabilities


RuleT = TypeVar("RuleT", bound=_Rule)


class CapabilityRules(BaseModel):
    """Every capability rule in effect."""

    model_config = _STRICT

    roles: tuple[RoleRule, ...]
    capabilities: tuple[CapabilityRule, ...]
    channels: tuple[ChannelRule, ...]
    statuses: tuple[StatusRule, ...]
    theatres: tuple[TheatreRule, ...] = Field(min_length=1)
    countermeasures: tuple[Countermeasure, ...] = ()

    @model_validator(mode="after")
    def _one_rule_each(self) -> CapabilityRules:
        sections: Sequence[tuple[str, Sequence[_Rule], str, tuple[str, ...]]] = (
            ("roles", self.roles, "role", get_args(Role)),
            ("capabilities", self.capabilities, "capability", get_args(Capability)),
            ("channels", self.channels, "channel", get_args(Channel)),
            ("statuses", self.statuses, "status", get_args(EntryStatus)),
        )
        for section, rules, key, values in sections:
            for value in values:
                ids = [r.id for r in rules if getattr(r, key) == value]
                if len(ids) != 1:
                    raise problem(f"{len(ids)} rules in {section} cover {value!r}"
                                  + (f" ({', '.join(ids)})" if ids else ""),
                                  f"exactly one rule per {key}; replace a rule by giving "
                                  f"its id")
        for section, rules in (("theatres", self.theatres),
                               ("countermeasures", self.countermeasures)):
            ids = [r.id for r in rules]
            if len(set(ids)) != len(ids):
                raise problem(f"a rule id is repeated in {section}", "each id once")
        listed = [tag for rule in self.theatres for tag in rule.regions]
        repeated = sorted({tag for tag in listed if listed.count(tag) > 1})
        if repeated:
            raise problem(f"region {repeated[0]!r} is listed in two theatre rules",
                          "each region in one theatre rule")
        return self

    def fingerprint(self) -> str:
        """A short hash of the rules in effect, for the provenance of every report."""
        text = json.dumps(self.model_dump(mode="json"), sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:12]

    def role(self, role: Role) -> RoleRule:
        """The rule for a role."""
        return next(r for r in self.roles if r.role == role)

    def shift(self, capability: Capability) -> CapabilityRule:
        """The rule for a capability."""
        return next(r for r in self.capabilities if r.capability == capability)

    def channel(self, channel: Channel) -> ChannelRule:
        """The rule for a channel."""
        return next(r for r in self.channels if r.channel == channel)

    def status(self, status: EntryStatus) -> StatusRule:
        """The rule for a status."""
        return next(r for r in self.statuses if r.status == status)

    def assumptions(self) -> tuple[str, ...]:
        """The ids of every rule flagged as an assumption."""
        return tuple(r.id for r in self.all_rules() if r.assumption)

    def all_rules(self) -> Iterable[_Rule]:
        """Every rule, section by section."""
        yield from (*self.roles, *self.capabilities, *self.channels, *self.statuses,
                    *self.theatres, *self.countermeasures)


class CapabilityRulesPatch(BaseModel):
    """A user's capability rules file: any of the sections, each a list of rules by id."""

    model_config = _STRICT

    roles: tuple[RoleRule, ...] = ()
    capabilities: tuple[CapabilityRule, ...] = ()
    channels: tuple[ChannelRule, ...] = ()
    statuses: tuple[StatusRule, ...] = ()
    theatres: tuple[TheatreRule, ...] = ()
    countermeasures: tuple[Countermeasure, ...] = ()


@functools.cache
def builtin_capability_rules() -> CapabilityRules:
    """The capability rules shipped with tiedhands (``analysis/data/capability_rules.yaml``)."""
    text = resources.files("analysis").joinpath("data", "capability_rules.yaml").read_text(
        "utf-8")
    document = parse_yaml(text, "analysis/data/capability_rules.yaml")
    return parse_model(document, CapabilityRules)


def _replaced(base: Sequence[RuleT], patch: Sequence[RuleT]) -> tuple[RuleT, ...]:
    merged = {rule.id: rule for rule in base}
    merged.update((rule.id, rule) for rule in patch)
    return tuple(merged.values())


def load_capability_rules(path: str | None = None) -> CapabilityRules:
    """The built-in capability rules, with those of a user's file replacing them by id.

    Raises
    ------
    InputError
        For a malformed file, naming its line and field, or a file that would leave a
        role, capability, channel or status without exactly one rule.
    """
    if path is None:
        return builtin_capability_rules()
    return capability_rules_from_document(read_yaml(path))


def capability_rules_from_document(document: YamlDocument) -> CapabilityRules:
    """The built-in capability rules, replaced by id from a parsed user file."""
    base = builtin_capability_rules()
    path = document.source
    patch = parse_model(document, CapabilityRulesPatch)
    _check_patch(base, patch, document)
    try:
        return CapabilityRules(
            roles=_replaced(base.roles, patch.roles),
            capabilities=_replaced(base.capabilities, patch.capabilities),
            channels=_replaced(base.channels, patch.channels),
            statuses=_replaced(base.statuses, patch.statuses),
            theatres=_replaced(base.theatres, patch.theatres),
            countermeasures=_replaced(base.countermeasures, patch.countermeasures))
    except ValidationError as error:
        first = error.errors()[0]
        raise InputError(first["msg"], source=str(path),
                         expected=str((first.get("ctx") or {}).get("expected", "")) or None
                         ) from None


_KEYED = (("roles", "role"), ("capabilities", "capability"), ("channels", "channel"),
          ("statuses", "status"))


def _check_patch(base: CapabilityRules, patch: CapabilityRulesPatch,
                 document: YamlDocument) -> None:
    """Refuse, at its line, a user's rule that repeats an id in its section or would make two
    rules cover one thing."""
    for section in CapabilityRulesPatch.model_fields:
        seen: set[str] = set()
        for k, rule in enumerate(getattr(patch, section)):
            if rule.id in seen:
                raise InputError(f"rule id {rule.id!r} is repeated", source=document.source,
                                 line=document.line_of((section, k, "id")),
                                 field=f"{section}[{k}].id",
                                 expected=f"each id once in {section}")
            seen.add(rule.id)
    for section, key in _KEYED:
        rules: Sequence[_Rule] = getattr(patch, section)
        merged = _replaced(getattr(base, section), rules)
        for k, rule in enumerate(rules):
            value = getattr(rule, key)
            others = [r.id for r in merged if getattr(r, key) == value and r.id != rule.id]
            if others:
                raise InputError(f"rule {rule.id!r} covers the {key} {value!r}, as rule "
                                 f"{others[0]!r} does", source=document.source,
                                 line=document.line_of((section, k, key)),
                                 field=f"{section}[{k}].{key}",
                                 expected=f"one rule per {key}: use the id {others[0]!r} to "
                                          f"replace that rule")
    merged_theatres = _replaced(base.theatres, patch.theatres)
    for k, theatre in enumerate(patch.theatres):
        for j, tag in enumerate(theatre.regions):
            others = [r.id for r in merged_theatres if tag in r.regions and r.id != theatre.id]
            if others:
                raise InputError(f"region {tag!r} is already listed by theatre rule "
                                 f"{others[0]!r}", source=document.source,
                                 line=document.line_of(("theatres", k, "regions", j)),
                                 field=f"theatres[{k}].regions[{j}]",
                                 expected=f"each region in one theatre rule: replace "
                                          f"{others[0]!r} by its id")


def exact(value: float) -> Fraction:
    """A rule's number as the exact decimal it was written as (0.03 is 3/100)."""
    return to_fraction(value)


def exact_moves(rule: RoleRule) -> Mapping[Probability, Fraction]:
    """A role rule's factors, exact."""
    return {name: exact(factor) for name, factor in rule.moves.items()}


def load_rules(path: str | None = None) -> tuple[Rulebook, CapabilityRules]:
    """The treaty rulebook and the capability rules, replaced by id from one user file.

    The file may hold sections of either: ``help``, ``escape`` and ``unlisted_escape``
    patch the rulebook (:func:`analysis.rules.load_rulebook`); ``roles``,
    ``capabilities``, ``channels``, ``statuses``, ``theatres`` and ``countermeasures``
    patch the capability rules.

    Raises
    ------
    InputError
        For a section of neither kind, or any problem in either part.
    """
    if path is None:
        return builtin_rulebook(), builtin_capability_rules()
    document = read_yaml(path)
    data = document.data if isinstance(document.data, dict) else {}
    treaty_keys = set(RulebookPatch.model_fields)
    capability_keys = set(CapabilityRulesPatch.model_fields)
    for key in data:
        if key not in treaty_keys | capability_keys:
            raise InputError(f"unknown section {key!r}", source=document.source,
                             line=document.line_of((key,)), field=str(key),
                             expected="one of: " + ", ".join([*RulebookPatch.model_fields,
                                                              *CapabilityRulesPatch.model_fields]))
    if not isinstance(document.data, dict):
        capability_rules_from_document(document)  # reports the file is not a mapping
    parts = [YamlDocument({k: v for k, v in data.items() if k in keys}, document.lines,
                          document.source) for keys in (treaty_keys, capability_keys)]
    return rulebook_from_document(parts[0]), capability_rules_from_document(parts[1])
