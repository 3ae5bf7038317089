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

    attacker: CowCodes = Field(min_length=1)
    target: CowCodes = Field(min_length=1)
    initiator: CowCode = Field(description="The state that started the hostilities.")
    initiator_contested: Flag = Field(
        False, description="The record of who started it is disputed.")
    initiator_note: Text | None = None
    object: AttackedObject = "territory"
    theatre: RegionTag
    administered_by: CowCode | None = Field(
        None, description="The state administering the place attacked, when it matters.")
    severity: Severity
    date: IsoDate
    summary: Text | None = None
    sources: tuple[Url, ...] = ()

    @property
    def belligerents(self) -> tuple[int, ...]:
        """Every state on either side."""
        return (*self.attacker, *self.target)


class Alignment(BaseModel):
    """States allied with one another at the scenario's date."""

    model_config = STRICT_MODEL

    states: CowCodes = Field(min_length=2)
    basis: Text
    source_url: Url | None = None


class Classification(BaseModel):
    """Which states belong to a class of adversary named by a treaty."""

    model_config = STRICT_MODEL

    class_: Slug = Field(alias="class")
    states: CowCodes = Field(min_length=1)
    note: Text | None = None
    source_url: Url | None = None


class AllyAnalysis(BaseModel):
    """An ally to analyse, and the belligerents whose ally it is."""

    model_config = STRICT_MODEL

    ally: CowCode
    for_: CowCodes = Field(alias="for", min_length=1)


class ParameterOverride(BaseModel):
    """A scenario's value for an analysis parameter, and why."""

    model_config = STRICT_MODEL

    value: FiniteNumber
    why: Text


ParameterName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z][A-Za-z0-9_]*$")]
"""A parameter name such as ``c_A``; the analysis checks it against its registry."""


class Scenario(BaseModel):
    """A crisis: hostilities, the alignments that matter, and the allies to analyse."""

    model_config = STRICT_MODEL

    id: Slug
    name: Text
    date: IsoDate = Field(description="The date the analysis is made at.")
    hypothetical: Flag = False
    description: Text | None = None
    hostilities: tuple[Hostility, ...] = Field(min_length=1)
    alignments: tuple[Alignment, ...] = ()
    classifications: tuple[Classification, ...] = ()
    allies: tuple[AllyAnalysis, ...] = ()
    params: dict[ParameterName, ParameterOverride] = Field(
        default_factory=dict,
        description="Analysis parameter overrides (names are checked by the analysis).")
    sources: tuple[Source, ...] = ()

    @property
    def belligerents(self) -> tuple[int, ...]:
        """Every state on either side of any hostility."""
        return tuple(dict.fromkeys(s for h in self.hostilities for s in h.belligerents))

    def allied(self, first: int, second: int) -> bool:
        """Whether the scenario records the two states as allied."""
        return any(first in a.states and second in a.states for a in self.alignments)

    def in_class(self, state: int, tag: str) -> bool | None:
        """Whether ``state`` is in the class; None when the scenario does not classify it."""
        listed = [c for c in self.classifications if c.class_ == tag]
        if not listed:
            return None
        return any(state in c.states for c in listed)
