"""Where hostilities happen, and whether that lies inside a treaty's area.

Treaties limit obligations to areas ("the Pacific Area", "in Europe",
"territories under the administration of Japan"); scenarios name the
theatre of each hostility.  Both use the region tags of
``treaties/data/regions.yaml``, a small gazetteer in which a region lies
``within`` others for certain, or ``possibly_within`` others where the
treaty term was left undefined.  :meth:`Gazetteer.relation` answers
``"within"``, ``"possibly_within"`` or ``"outside"``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources
from typing import Literal

from games.errors import InputError
from treaties.yaml_source import parse_yaml

Relation = Literal["within", "possibly_within", "outside"]


@dataclass(frozen=True)
class Region:
    """One region tag: its display name and the regions it lies in."""

    tag: str
    name: str
    within: tuple[str, ...] = ()
    possibly_within: tuple[str, ...] = ()


@dataclass(frozen=True)
class Gazetteer:
    """The region tags and their containment links (a directed acyclic graph).

    Examples
    --------
    >>> places = gazetteer()
    >>> places.relation("senkaku-islands", "pacific-area")
    'within'
    >>> places.relation("south-china-sea", "pacific-area")
    'possibly_within'
    >>> places.relation("baltic-states", "pacific-area")
    'outside'
    """

    regions: dict[str, Region]

    def __post_init__(self) -> None:
        for region in self.regions.values():
            for parent in (*region.within, *region.possibly_within):
                if parent not in self.regions:
                    raise InputError(f"unknown region {parent!r}", field=f"regions.{region.tag}",
                                     expected="a region defined in the same file")
        for tag in self.regions:
            self._ancestors(tag, ())

    def __contains__(self, tag: object) -> bool:
        return tag in self.regions

    def name(self, tag: str) -> str:
        """The region's display name (the tag itself if unknown)."""
        region = self.regions.get(tag)
        return region.name if region is not None else tag

    def _ancestors(self, tag: str, path: tuple[str, ...]) -> dict[str, bool]:
        """Every region above ``tag``, mapped to True when reachable by certain links only."""
        if tag in path:
            cycle = " → ".join((*path[path.index(tag):], tag))
            raise InputError(f"the regions form a cycle: {cycle}", field=f"regions.{tag}",
                             expected="containment without cycles")
        region = self.regions[tag]
        found: dict[str, bool] = {}
        links = [(p, True) for p in region.within] + [(p, False) for p in region.possibly_within]
        for parent, certain in links:
            found[parent] = found.get(parent, False) or certain
            for above, certain_above in self._ancestors(parent, (*path, tag)).items():
                found[above] = found.get(above, False) or (certain and certain_above)
        return found

    def relation(self, theatre: str, region: str) -> Relation:
        """Whether ``theatre`` lies within ``region``: for certain, possibly, or not."""
        if theatre == region:
            return "within"
        found = self._ancestors(theatre, ())
        if region not in found:
            return "outside"
        return "within" if found[region] else "possibly_within"


@functools.cache
def gazetteer() -> Gazetteer:
    """The built-in region tags (``treaties/data/regions.yaml``)."""
    path = resources.files("treaties").joinpath("data", "regions.yaml")
    document = parse_yaml(path.read_text("utf-8"), "treaties/data/regions.yaml")
    entries = document.data["regions"]
    return Gazetteer({
        tag: Region(tag, entry.get("name", tag), tuple(entry.get("within", ())),
                    tuple(entry.get("possibly_within", ())))
        for tag, entry in entries.items()
    })
