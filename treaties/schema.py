"""The treaty schema: what a treaty obliges, who owes it to whom, and when.

A :class:`Treaty` is read from YAML (see :mod:`treaties.load`).  Its
:class:`Obligation` objects are directed (an obligor owes a beneficiary) and
speak the language of the texts: the type of obligation, the conditions that
must hold for it to be triggered, the help owed, and the escape wording that
conditions the duty on the obligor's own processes.  Each field that has an
ATOP counterpart says so in its metadata (``json_schema_extra={"atop": [...]}``),
which the reference documentation renders.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Discriminator, Field, Tag, model_validator

from treaties.fields import (
    STRICT_MODEL,
    Count,
    CowCode,
    CowCodes,
    Flag,
    IsoDate,
    Quote,
    RegionTag,
    Slug,
    Text,
    Url,
    atop,
    problem,
)

ObligationType = Literal["defense", "offense", "neutrality", "non_aggression", "consultation"]
Threshold = Literal["threat", "armed_attack", "state_of_war"]
AttackedObject = Literal["territory", "armed_forces", "public_vessels", "aircraft"]
Help = Literal["all_means", "military_aid", "unspecified", "consultation", "none"]
Clause = Literal[
    "type", "beneficiaries", "phases", "adversaries", "geography", "threshold", "objects",
    "min_adversaries", "non_provocation", "required_help", "escape_wording", "conflict",
    "demands", "request", "other_condition",
]
Unrecorded = Literal["location", "adversaries", "adversary_count", "conflict", "demands",
                     "request", "other", "obligation"]
"""A condition a dataset records as present without recording its content (ATOP's flags)."""

UNRECORDED_CLAUSE: dict[Unrecorded, Clause] = {
    "location": "geography", "adversaries": "adversaries", "adversary_count": "min_adversaries",
    "conflict": "conflict", "demands": "demands", "request": "request",
    "other": "other_condition", "obligation": "type"}
"""The clause each unrecorded condition concerns, for coverage findings."""

MILITARY_TYPES: frozenset[str] = frozenset({"defense", "offense"})
"""Obligation types that promise active military support (ATOP's ``ACTIVE``)."""

HELP_ORDER: tuple[Help, ...] = ("all_means", "military_aid", "unspecified", "consultation", "none")
"""Help owed, from the most to the least specific promise."""


class Party(BaseModel):
    """A member of the treaty, with accession or withdrawal dates when they differ.

    A state that left and rejoined is listed once per spell of membership, with
    dates that do not overlap.
    """

    model_config = STRICT_MODEL

    state: CowCode = Field(description="The member state.", json_schema_extra=atop("MEMBER"))
    joined: IsoDate | None = Field(None, description="Accession date (default: from the start).",
                                   json_schema_extra=atop("YRENT", "MOENT", "DAYENT"))
    left: IsoDate | None = Field(None, description="Withdrawal or suspension date.",
                                 json_schema_extra=atop("YREXIT", "MOEXIT", "DAYEXIT"))
    note: Text | None = Field(None, description="Free text, e.g. how the state joined.")

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool):
            return {"state": value}
        if not isinstance(value, dict | Party):
            raise problem(f"{value!r} is not a party",
                          "a COW code (an integer) or {state: CODE, joined: DATE}")
        return value

    def member_on(self, on: dt.date) -> bool:
        """Whether the state was a party on that date."""
        return (self.joined is None or self.joined <= on) and (self.left is None or on < self.left)


class Source(BaseModel):
    """A cited source for the treaty as a whole."""

    model_config = STRICT_MODEL

    citation: Text = Field(description="Author, title, date and where the text was read.")
    url: Url | None = Field(None, description="Where the source can be read.")


class Phase(BaseModel):
    """A period during which a set of obligations was in force."""

    model_config = STRICT_MODEL

    id: Slug = Field(description="Name of the phase, unique in the file.",
                     json_schema_extra=atop("PHASE"))
    start: IsoDate = Field(description="Entry into force of this phase.",
                           json_schema_extra=atop("BEGYR", "BEGMO", "BEGDAY"))
    end: IsoDate | None = Field(None, description="The day it ceased (null: still in force).",
                                json_schema_extra=atop("ENDYR", "ENDMO", "ENDDAY"))
    note: Text | None = Field(None, description="What changed in this phase, and the source.")

    def in_force(self, on: dt.date) -> bool:
        """Whether the phase was in force on that date (start inclusive, end exclusive)."""
        return self.start <= on and (self.end is None or on < self.end)


class Adversaries(BaseModel):
    """A named-adversary condition: the obligation holds only against these."""

    model_config = STRICT_MODEL

    states: CowCodes = Field((), description="States named as adversaries.",
                             json_schema_extra=atop("STATTHR1", "STATTHR2"))
    allies_of: CowCodes = Field((), description="'...or any state allied with it'.")
    class_: Slug | None = Field(None, alias="class",
                                description="A class of adversary, e.g. communist.")

    @model_validator(mode="after")
    def _not_empty(self) -> Adversaries:
        if not (self.states or self.allies_of or self.class_):
            raise problem("the adversary condition names nobody",
                          "at least one of states, allies_of, class (or omit adversaries)")
        return self


class Geography(BaseModel):
    """A geographic limit: the theatre must lie in these regions / this territory."""

    model_config = STRICT_MODEL

    regions: tuple[RegionTag, ...] = Field((), description="Region tags (see regions.yaml).")
    administered_by: CowCodes = Field(
        (), description="Territory under the administration of these states.")

    @model_validator(mode="after")
    def _not_empty(self) -> Geography:
        if not (self.regions or self.administered_by):
            raise problem("the geographic condition names no area",
                          "regions and/or administered_by (or omit geography)")
        return self


class Conditions(BaseModel):
    """What must hold in a crisis for the obligation to be triggered.

    An omitted condition is one the text does not impose.
    """

    model_config = STRICT_MODEL

    non_provocation: Flag = Field(
        False, description="The beneficiary must not have initiated or provoked the war.",
        json_schema_extra=atop("DEFCONPR", "NEUCONPR", "NEUCOATT"))
    adversaries: Adversaries | None = Field(
        None, description="Named adversaries.",
        json_schema_extra=atop("DEFCOADV", "OFFCOADV", "NEUCOADV", "CONCOADV", "SPECTHRT"))
    geography: Geography | None = Field(
        None, description="Geographic scope.",
        json_schema_extra=atop("DEFCOLOC", "OFFCOLOC", "NEUCOLOC", "CONCOLOC"))
    threshold: Threshold | None = Field(
        None, description="What must happen: a threat, an armed attack, a state of war.")
    objects: tuple[AttackedObject, ...] | None = Field(
        None, description="What must be attacked (omitted: not limited).")
    min_adversaries: Count = Field(
        1, ge=1, description="How many adversaries the beneficiary must face.",
        json_schema_extra=atop("DEFCONUM", "OFFCONUM", "NEUCONUM"))
    unrecorded: tuple[Unrecorded, ...] = Field(
        (), description="Conditions known to exist whose content is not recorded (from ATOP: "
                        "which location, conflict, demands, adversaries or how many; "
                        "`obligation`: whether the promise is made at all); each leaves "
                        "coverage indeterminate. With `adversaries` also set, the named "
                        "states are covered and any other attacker is open.",
        json_schema_extra=atop("*COLOC", "*COCON", "*CODEM", "*CONUM", "*COADV", "CONCOREQ"))

    @model_validator(mode="after")
    def _unrecorded_once(self) -> Conditions:
        if len(set(self.unrecorded)) != len(self.unrecorded):
            raise problem("a condition is listed twice under unrecorded",
                          "each unrecorded condition once")
        return self


class TextEvidence(BaseModel):
    """A short verbatim quote supporting the coding, with where it was read."""

    model_config = STRICT_MODEL

    article: Text = Field(description="The article quoted, e.g. 'Art. IV'.")
    quote: Quote = Field(description="Verbatim words of the text (at most 12 words).")
    source_url: Url = Field(description="Where the quote was read.")
    verified: Flag = Field(description="True only if the quote was checked against the source.")
    supports: tuple[Clause, ...] = Field((), description="The clauses this quote documents.")


class AtopEvidence(BaseModel):
    """Provenance of an obligation imported from ATOP."""

    model_config = STRICT_MODEL

    source: Literal["atop"] = Field(description="Always `atop`.")
    atopid: Count = Field(ge=1, description="The alliance's ATOP id.",
                          json_schema_extra=atop("ATOPID"))
    member: CowCode = Field(description="The member row the obligation comes from.",
                            json_schema_extra=atop("MEMBER"))
    variables: dict[str, Count] = Field(description="The ATOP values it was coded from.")


def _evidence_kind(value: Any) -> str:
    source = value.get("source") if isinstance(value, dict) else getattr(value, "source", None)
    return "atop" if source == "atop" else "text"


Evidence = Annotated[
    Annotated[TextEvidence, Tag("text")] | Annotated[AtopEvidence, Tag("atop")],
    Discriminator(_evidence_kind),
]


def _beneficiaries_kind(value: Any) -> str:
    return "all" if isinstance(value, str) else "codes"


Beneficiaries = Annotated[
    Annotated[Literal["all_other_parties"], Tag("all")] | Annotated[CowCodes, Tag("codes")],
    Discriminator(_beneficiaries_kind),
]
"""``all_other_parties``, or the COW codes of the states owed the duty."""


class Interpretation(BaseModel):
    """A dated official reading that widens or narrows clauses from its date on."""

    model_config = STRICT_MODEL

    date: IsoDate = Field(description="From when the reading applies.")
    by: CowCode | None = Field(None, description="The state whose statement it is.")
    effect: Literal["widen", "narrow"] = Field(description="Whether it extends or limits the duty.")
    conditions: Conditions = Field(description="The clauses as read from this date on.")
    summary: Text = Field(description="What was said, in one or two sentences.")
    evidence: TextEvidence = Field(description="A quote of the statement.")

    @model_validator(mode="after")
    def _changes_something(self) -> Interpretation:
        if not self.conditions.model_fields_set:
            raise problem("the interpretation changes no clause",
                          "at least one clause under conditions")
        return self


class Obligation(BaseModel):
    """A directed duty: each obligor owes each beneficiary, under conditions."""

    model_config = STRICT_MODEL

    id: Slug = Field(description="Name of the obligation, unique in the file.")
    obligor: CowCodes = Field(min_length=1, description="The states that owe the duty.")
    beneficiaries: Beneficiaries = Field(
        "all_other_parties", description="To whom it is owed: `all_other_parties` or COW codes.")
    type: ObligationType = Field(
        description="What kind of duty.",
        json_schema_extra=atop("DEFENSE", "OFFENSE", "NEUTRAL", "NONAGG", "CONSUL"))
    phases: tuple[Slug, ...] | None = Field(
        None, description="Phase ids in which it holds (default: every phase).",
        json_schema_extra=atop("PHASE"))
    conditions: Conditions = Field(Conditions(), description="What must hold for it to apply.")
    required_help: Help = Field(description="The help owed.",
                                json_schema_extra=atop("ACTIVE"))
    escape_wording: tuple[Text, ...] = Field(
        (), description="Verbatim phrases conditioning the duty on the obligor's processes.")
    evidence: tuple[Evidence, ...] = Field(
        min_length=1, description="Quotes (or ATOP provenance) documenting the coding.")
    interpretations: tuple[Interpretation, ...] = Field(
        (), description="Dated official readings that widen or narrow clauses.")
    note: Text | None = Field(None, description="What the coding leaves out.")

    @property
    def is_military(self) -> bool:
        """True for defence and offence obligations."""
        return self.type in MILITARY_TYPES


class Treaty(BaseModel):
    """An alliance treaty as coded from its text."""

    model_config = STRICT_MODEL

    id: Slug = Field(description="The treaty's id; the built-in files are named after it.")
    name: Text = Field(description="The treaty's full name.")
    short_name: Text | None = Field(None, description="A short name for tables.")
    signed: IsoDate = Field(description="Date of signature.")
    parties: tuple[Party, ...] = Field(
        min_length=2, description="Members: COW codes, or entries with dates.")
    atopid: Count | None = Field(None, ge=1, description="The ATOP alliance id, if coded.",
                                 json_schema_extra=atop("ATOPID"))
    sources: tuple[Source, ...] = Field(min_length=1, description="Where the text was read.")
    phases: tuple[Phase, ...] = Field(min_length=1, description="Periods in force.")
    obligations: tuple[Obligation, ...] = Field(min_length=1, description="The duties.")
    notes: Text | None = Field(None, description="What the coding leaves out, and why.")

    @property
    def label(self) -> str:
        """The short name if given, else the name."""
        return self.short_name or self.name

    @property
    def party_codes(self) -> tuple[int, ...]:
        """Every state that was ever a party."""
        return tuple(dict.fromkeys(p.state for p in self.parties))

    def parties_on(self, on: dt.date) -> tuple[int, ...]:
        """The states that were parties on that date."""
        return tuple(dict.fromkeys(p.state for p in self.parties if p.member_on(on)))
