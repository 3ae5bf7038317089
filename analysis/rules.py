"""The rulebook: from what the treaty says to payoff modifiers of the game.

The built-in rules live in ``analysis/data/rules.yaml``, each with an id, its
effect, a reason and a source.  A user's file (``--rules FILE``) replaces
rules by id and may add escape phrases; there must stay exactly one help rule
per level of help.  :func:`modifiers` applies the rules
to the deciding obligation of a coverage result.

Two rules are fixed and not in the file: an obligation that is ``exempt`` or
``not_applicable`` makes no action fall short (the ally can stay out without
breaking the text), and an ``indeterminate`` one is analysed under both
readings (see :mod:`analysis.verdicts`).
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from importlib import resources
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from games.errors import InputError
from games.numbers import to_fraction
from treaties.fields import problem
from treaties.load import validate_document
from treaties.schema import Help
from treaties.yaml_source import YamlDocument, parse_yaml, read_yaml

Action = Literal["I", "L", "S"]
ACTIONS: tuple[Action, ...] = ("I", "L", "S")
"""The ally's responses, from the most to the least compliant."""

_STRICT = ConfigDict(extra="forbid", frozen=True)


class HelpRule(BaseModel):
    """Which responses fall short of a level of help owed."""

    model_config = _STRICT

    id: str = Field(description="The rule's id, by which a user's file replaces it.")
    required_help: Help = Field(description="The help owed this rule is about.")
    short: tuple[Action, ...] = Field(description="The responses that fall short.")
    why: str = Field(min_length=1, description="The reason, in one or two sentences.")
    source: str = Field(min_length=1, description="Where the reading comes from.")

    @field_validator("short")
    @classmethod
    def _intervening_complies(cls, short: tuple[Action, ...]) -> tuple[Action, ...]:
        if "I" in short:
            raise problem("intervening with combat forces cannot fall short of a treaty",
                          "a subset of [L, S]")
        return short


class EscapeRule(BaseModel):
    """How much of the audience cost survives an escape phrase."""

    model_config = _STRICT

    id: str = Field(description="The rule's id.")
    phrase: str = Field(min_length=3, description="Matched case-insensitively inside the "
                                                   "escape wording.")
    delta: float = Field(ge=0, le=1, allow_inf_nan=False, strict=True,
                         description="The factor applied to the audience cost.")
    why: str = Field(min_length=1)
    source: str = Field(min_length=1)

    @field_validator("phrase")
    @classmethod
    def _words(cls, phrase: str) -> str:
        if len(phrase.split()) == 0 or len(" ".join(phrase.split())) < 3:
            raise problem("the phrase is blank", "at least three characters of words")
        return phrase

    @field_validator("delta")
    @classmethod
    def _not_tiny(cls, delta: float) -> float:
        if 0 < delta < 1e-6:
            raise problem(f"the factor {delta} is too small", "0, or at least 0.000001")
        return delta


class UnlistedEscapeRule(BaseModel):
    """The factor for escape wording that no rule lists."""

    model_config = _STRICT

    id: str
    delta: float = Field(ge=0, le=1, allow_inf_nan=False, strict=True)
    why: str = Field(min_length=1)
    source: str = Field(min_length=1)


class Rulebook(BaseModel):
    """Every rule in effect: one help rule per level of help, any number of escape rules."""

    model_config = _STRICT

    help: tuple[HelpRule, ...]
    escape: tuple[EscapeRule, ...]
    unlisted_escape: UnlistedEscapeRule

    @model_validator(mode="after")
    def _one_rule_per_level(self) -> Rulebook:
        levels = [rule.required_help for rule in self.help]
        for level in get_args(Help):
            if levels.count(level) != 1:
                ids = [r.id for r in self.help if r.required_help == level]
                raise problem(f"{len(ids)} help rules cover {level!r} ({', '.join(ids)})",
                              "exactly one help rule per level of help; replace a rule by "
                              "giving its id")
        return self

    def fingerprint(self) -> str:
        """A short hash of the rules in effect, for the provenance of every report."""
        text = json.dumps(self.model_dump(mode="json"), sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:12]


class RulebookPatch(BaseModel):
    """A user's rules file: any of the sections, each a list of rules by id."""

    model_config = _STRICT

    help: tuple[HelpRule, ...] = ()
    escape: tuple[EscapeRule, ...] = ()
    unlisted_escape: UnlistedEscapeRule | None = None


@functools.cache
def builtin_rulebook() -> Rulebook:
    """The rules shipped with tiedhands (``analysis/data/rules.yaml``)."""
    text = resources.files("analysis").joinpath("data", "rules.yaml").read_text("utf-8")
    document = parse_yaml(text, "analysis/data/rules.yaml")
    rulebook, problems = validate_document(document, Rulebook)
    if problems:
        raise problems[0]
    assert rulebook is not None
    return rulebook


def load_rulebook(path: str | None = None) -> Rulebook:
    """The built-in rules, with those of a user's file replacing them by id.

    Raises
    ------
    InputError
        For a malformed file, naming its line and field, or a help rule that
        would leave a level of help without a rule.
    """
    if path is None:
        return builtin_rulebook()
    return rulebook_from_document(read_yaml(path))


def rulebook_from_document(document: YamlDocument) -> Rulebook:
    """The built-in rules, replaced by id from a parsed user file (see :func:`load_rulebook`)."""
    base = builtin_rulebook()
    path = document.source
    patch, problems = validate_document(document, RulebookPatch)
    if problems:
        raise problems[0]
    assert patch is not None
    helps = {rule.id: rule for rule in base.help}
    helps.update((rule.id, rule) for rule in patch.help)
    escapes = {rule.id: rule for rule in base.escape}
    escapes.update((rule.id, rule) for rule in patch.escape)
    try:
        return Rulebook(help=tuple(helps.values()), escape=tuple(escapes.values()),
                        unlisted_escape=patch.unlisted_escape or base.unlisted_escape)
    except ValidationError as error:
        raise InputError(error.errors()[0]["msg"], source=str(path), field="help",
                         expected=str((error.errors()[0].get("ctx") or {}).get("expected", "")
                                      ) or None) from None


@dataclass(frozen=True)
class EscapeMatch:
    """One phrase of escape wording and the rule that discounts it."""

    phrase: str
    rule: str
    delta: Fraction
    listed: bool


@dataclass(frozen=True)
class Modifiers:
    """What the rulebook makes of an obligation: shortfalls and the surviving share δ."""

    short: frozenset[Action]
    delta: Fraction
    help_rule: str
    escapes: tuple[EscapeMatch, ...] = ()

    @property
    def rules(self) -> tuple[str, ...]:
        """The ids of every rule applied."""
        return (self.help_rule, *(e.rule for e in self.escapes))


def modifiers(required_help: Help, escape_wording: Sequence[str],
              rulebook: Rulebook) -> Modifiers:
    """Apply the rules to the help owed and the escape wording of an obligation.

    δ is the product of the factors of the escape phrases (1 with none).  Each
    phrase is discounted by the rule with the longest phrase it contains (the
    most specific), else by the unlisted-escape rule.

    Examples
    --------
    >>> m = modifiers("unspecified", ["in accordance with its constitutional processes"],
    ...               builtin_rulebook())
    >>> sorted(m.short), m.delta, m.rules
    (['S'], Fraction(1, 2), ('help-unspecified', 'escape-constitutional-processes'))
    """
    rule = next((r for r in rulebook.help if r.required_help == required_help), None)
    if rule is None:
        raise InputError(f"no help rule for {required_help!r}", field="rules",
                         expected="a help rule for every level of help")
    matches = []
    delta = Fraction(1)
    for phrase in escape_wording:
        text = " ".join(phrase.lower().split())
        matching = [e for e in rulebook.escape if " ".join(e.phrase.lower().split()) in text]
        escape = max(matching, key=lambda e: len(" ".join(e.phrase.split())), default=None)
        if escape is not None:
            factor = to_fraction(escape.delta)
            matches.append(EscapeMatch(phrase, escape.id, factor, True))
        else:
            factor = to_fraction(rulebook.unlisted_escape.delta)
            matches.append(EscapeMatch(phrase, rulebook.unlisted_escape.id, factor, False))
        delta *= factor
    return Modifiers(frozenset(rule.short), delta, rule.id, tuple(matches))
