"""The scenario schema: a crisis, coded so that treaty conditions can be checked.

A :class:`Scenario` lists the hostilities (who attacked whom, who started
it, what was attacked, where, how severely, when), the alignments and
classes of states that named-adversary conditions refer to, the allies to
analyse and for whom, and parameter overrides for the analysis, each with a
one-line justification.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints

from treaties.fields import (
    STRICT_MODEL,
    CowCode,
    CowCodes,
    FiniteNumber,
    Flag,
    IsoDate,
    RegionTag,
    Slug,
    Text,
    Url,
)
from treaties.schema import AttackedObject, Source

Severity = Literal["gray_zone", "limited_clash", "armed_attack", "major_war", "nuclear"]
SEVERITIES: tuple[Severity, ...] = (
    "gray_zone", "limited_clash", "armed_attack", "major_war", "nuclear")
"""Severities from the least to the most severe."""


class Hostility(BaseModel):
    """One use of force: one side attacks another."""

    model_config = STRICT_MODEL

    attacker: CowCodes = Field(min_length=1, description="The attacking side.")
    target: CowCodes = Field(min_length=1, description="The side attacked.")
    initiator: CowCode = Field(description="The state that started the hostilities.")
    initiator_contested: Flag = Field(
        False, description="The record of who started it is disputed.")
    initiator_note: Text | None = Field(None, description="Why the record is disputed.")
    object: AttackedObject = Field("territory", description="What was attacked.")
    theatre: RegionTag = Field(description="Where it happened.")
    administered_by: CowCode | None = Field(
        None, description="The state administering the place attacked, when it matters.")
    severity: Severity = Field(description="How grave the use of force was.")
    date: IsoDate = Field(description="When it began.")
    summary: Text | None = Field(None, description="One sentence on what happened.")
    sources: tuple[Url, ...] = Field((), description="Where the facts come from.")

    @property
    def belligerents(self) -> tuple[int, ...]:
        """Every state on either side."""
        return (*self.attacker, *self.target)


class Alignment(BaseModel):
    """States allied with one another at the scenario's date."""

    model_config = STRICT_MODEL

    states: CowCodes = Field(min_length=2, description="The allied states.")
    basis: Text = Field(description="The treaty or arrangement that allies them.")
    source_url: Url | None = Field(None, description="Where that is documented.")


class Classification(BaseModel):
    """Which states belong to a class of adversary named by a treaty."""

    model_config = STRICT_MODEL

    class_: Slug = Field(alias="class", description="The class tag a treaty names.")
    states: CowCodes = Field((), description="The states in the class.")
    excluded: CowCodes = Field((), description="States known not to be in the class.")
    note: Text | None = Field(None, description="Why these states.")
    source_url: Url | None = Field(None, description="Where that is documented.")


class AllyAnalysis(BaseModel):
    """An ally to analyse, and the belligerents whose ally it is."""

    model_config = STRICT_MODEL

    ally: CowCode = Field(description="The state whose obligations are analysed.")
    for_: CowCodes = Field(alias="for", min_length=1,
                           description="The belligerents it is analysed for.")


class ParameterOverride(BaseModel):
    """A scenario's value for an analysis parameter, and why."""

    model_config = STRICT_MODEL

    value: FiniteNumber = Field(description="The value used in this scenario.")
    why: Text = Field(description="A one-line justification.")


ParameterName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z][A-Za-z0-9_]*$")]
"""A parameter name such as ``c_A``; the analysis checks it against its registry."""


class Scenario(BaseModel):
    """A crisis: hostilities, the alignments that matter, and the allies to analyse."""

    model_config = STRICT_MODEL

    id: Slug = Field(description="The scenario's id; built-in files are named after it.")
    name: Text = Field(description="A title.")
    date: IsoDate = Field(description="The date the analysis is made at.")
    hypothetical: Flag = Field(False, description="True for an invented crisis.")
    description: Text | None = Field(None, description="A few sentences on the crisis.")
    hostilities: tuple[Hostility, ...] = Field(min_length=1, description="The uses of force.")
    alignments: tuple[Alignment, ...] = Field(
        (), description="Alliances that named-adversary clauses refer to.")
    classifications: tuple[Classification, ...] = Field(
        (), description="Members of adversary classes named by treaties.")
    allies: tuple[AllyAnalysis, ...] = Field((), description="The allies to analyse.")
    params: dict[ParameterName, ParameterOverride] = Field(
        default_factory=dict,
        description="Analysis parameter overrides (names are checked by the analysis).")
    sources: tuple[Source, ...] = Field((), description="Background sources.")

    @property
    def belligerents(self) -> tuple[int, ...]:
        """Every state on either side of any hostility."""
        return tuple(dict.fromkeys(s for h in self.hostilities for s in h.belligerents))

    def allied(self, first: int, second: int) -> bool:
        """Whether the scenario records the two states as allied."""
        return any(first in a.states and second in a.states for a in self.alignments)

    def in_class(self, state: int, tag: str) -> bool | None:
        """Whether ``state`` is in the class; None when the scenario does not say."""
        listed = [c for c in self.classifications if c.class_ == tag]
        if any(state in c.states for c in listed):
            return True
        if any(state in c.excluded for c in listed):
            return False
        return None
