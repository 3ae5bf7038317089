"""The Correlates of War state system: country codes, names and dates.

Treaties and scenarios name states by their Correlates of War (COW) codes,
the codes ATOP uses too.  The list ships as package data
(``treaties/data/cow_states.csv``), one row per spell of membership in the
state system.

Source: Correlates of War Project (2017), *State System Membership List,
v2016*, https://correlatesofwar.org.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
from dataclasses import dataclass
from importlib import resources

COW_CITATION = (
    "Correlates of War Project. 2017. \"State System Membership List, v2016.\" "
    "https://correlatesofwar.org"
)


@dataclass(frozen=True)
class StateSpell:
    """One spell of a state's membership in the COW state system."""

    code: int
    abbreviation: str
    name: str
    start: dt.date
    end: dt.date


@dataclass(frozen=True)
class StateSystem:
    """The COW state list: look up codes, names and membership dates.

    Examples
    --------
    >>> states = cow_states()
    >>> states.name(710), states.name(840)
    ('China', 'Philippines')
    >>> 999 in states
    False
    """

    spells: tuple[StateSpell, ...]

    def __contains__(self, code: object) -> bool:
        return code in self._names

    def __len__(self) -> int:
        return len(self._names)

    @functools.cached_property
    def _names(self) -> dict[int, str]:
        names: dict[int, str] = {}
        for spell in self.spells:  # the latest spell's name wins
            names[spell.code] = spell.name
        return names

    def name(self, code: int) -> str:
        """The state's name, or ``"state <code>"`` for a code not in the list."""
        return self._names.get(code, f"state {code}")

    def abbreviation(self, code: int) -> str:
        """The COW abbreviation, e.g. ``USA``, ``RUS``, ``CHN`` (the code if unknown)."""
        found = [s.abbreviation for s in self.spells if s.code == code]
        return found[-1] if found else str(code)

    def is_member(self, code: int, on: dt.date) -> bool:
        """Whether the state was a member of the state system on that date."""
        return any(s.code == code and s.start <= on <= s.end for s in self.spells)

    def label(self, code: int) -> str:
        """``"China (710)"``: name and code, for messages and tables."""
        return f"{self.name(code)} ({code})"


@functools.cache
def cow_states() -> StateSystem:
    """The built-in COW state list (read once from package data)."""
    text = resources.files("treaties").joinpath("data", "cow_states.csv").read_text("utf-8")
    spells = tuple(
        StateSpell(int(row["ccode"]), row["abbrev"], row["name"],
                   dt.date.fromisoformat(row["start"]), dt.date.fromisoformat(row["end"]))
        for row in csv.DictReader(io.StringIO(text))
    )
    return StateSystem(spells)


def home_region(code: int) -> str:
    """The region tag of a state's home region, from its COW code block.

    The blocks: 2–165 the Americas, 200–399 Europe, 400–626 Africa, 630–699 the
    Middle East, 700–899 Asia, 900–999 Oceania (every COW state code lies in one).

    Raises
    ------
    ValueError
        For a code outside every block.

    Examples
    --------
    >>> home_region(2), home_region(365), home_region(651), home_region(740), home_region(900)
    ('americas', 'europe', 'middle-east', 'asia', 'oceania')
    """
    blocks = ((2, 165, "americas"), (200, 399, "europe"), (400, 626, "africa"),
              (630, 699, "middle-east"), (700, 899, "asia"), (900, 999, "oceania"))
    for first, last, region in blocks:
        if first <= code <= last:
            return region
    raise ValueError(f"COW code {code} lies in no home-region block")


def state_names(codes: tuple[int, ...] | list[int]) -> str:
    """Names joined for a sentence: ``"United States of America and Japan"``."""
    states = cow_states()
    names = [states.name(code) for code in codes]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]
