"""Cooperation profiles: what partners give one another that makes them fight better.

A :class:`CooperationProfile` is the capability lens on an alignment, kept
apart from the treaty text: a list of :class:`CooperationEntry` records, each
one thing exchanged — drones and their components, engine technology, joint
exercises and patrols, intelligence — from a supplier to a recipient (COW
codes), through one channel, affecting one or more capabilities, over a
period, with a cited source.  Entries record facts only; how much a fact moves
a war's outcome is a modelling assumption and lives in the analysis layer's
capability rules (``analysis/data/capability_rules.yaml``).

Channels follow Reiter (2025, "The Irrelevance of Tied Hands"): the
cooperation that matters is capability — arms and technology trade, joint
planning and exercises, intelligence sharing.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

from treaties.fields import STRICT_MODEL, CowCode, CowCodes, Flag, IsoDate, Slug, Text
from treaties.schema import Source

Channel = Literal["materiel_transfer", "joint_exercises", "intelligence_sharing"]
CHANNELS: tuple[Channel, ...] = ("materiel_transfer", "joint_exercises", "intelligence_sharing")
"""The channels of capability cooperation: arms and technology transfer; joint
exercises, planning and patrols; intelligence sharing."""

Capability = Literal["strike", "surveillance", "air", "undersea", "command", "information"]
"""The military capabilities an entry can affect: long-range and precision strike
(drones, missiles); surveillance and reconnaissance; air combat; undersea warfare;
command, control and interoperability; information (intelligence, warning)."""

EntryStatus = Literal["in_effect", "limited", "aspiration"]
"""How far an entry is realised: delivered or ongoing; reported but partial or
unconfirmed in scale; announced or sought but not (yet) realised."""

DatePrecision = Literal["day", "month", "year"]


class CooperationEntry(BaseModel):
    """One thing exchanged between partners, through one channel."""

    model_config = STRICT_MODEL

    id: Slug = Field(description="The entry's id, unique in the profile.")
    what: Text = Field(description="What was exchanged, in a few words.")
    supplier: CowCode = Field(description="The state that gives (COW code).")
    recipient: CowCode = Field(description="The state that receives (COW code).")
    mutual: Flag = Field(False, description="Both sides gain (joint exercises and patrols): "
                                            "the supplier counts as a recipient too.")
    channel: Channel = Field(description="How the capability is passed on.")
    capabilities: tuple[Capability, ...] = Field(
        min_length=1, description="The capabilities it strengthens.")
    status: EntryStatus = Field("in_effect", description="How far it is realised.")
    start: IsoDate = Field(description="When it began (the first day of the month or year "
                                       "when only that is known; see start_precision).")
    start_precision: DatePrecision = Field("day", description="How precise ``start`` is.")
    end: IsoDate | None = Field(None, description="When it ended (null: ongoing).")
    note: Text | None = Field(None, description="Facts worth knowing: scale, caveats.")
    sources: tuple[Source, ...] = Field(min_length=1, description="Where the facts come from.")

    @property
    def recipients(self) -> tuple[int, ...]:
        """The states whose capability the entry raises."""
        return (self.recipient, self.supplier) if self.mutual else (self.recipient,)

    def in_effect_on(self, on: dt.date) -> bool:
        """Whether the entry had begun and not ended on ``on``.

        ``start`` is taken as written: an entry known only to the month or year counts
        from the first day of it (``start_precision`` records that, for readers).
        """
        return self.start <= on and (self.end is None or on <= self.end)


class CooperationProfile(BaseModel):
    """The capability cooperation between partners, entry by entry."""

    model_config = STRICT_MODEL

    id: Slug = Field(description="The profile's id; built-in files are named after it.")
    name: Text = Field(description="A title.")
    partners: CowCodes = Field(min_length=2, description="The cooperating states.")
    description: Text | None = Field(None, description="A few sentences on the partnership.")
    entries: tuple[CooperationEntry, ...] = Field(min_length=1,
                                                  description="What is exchanged.")
    sources: tuple[Source, ...] = Field((), description="Background sources.")
