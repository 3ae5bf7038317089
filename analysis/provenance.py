"""Provenance: what produced a report, so that a reader can reproduce it.

Every output of ``analyze`` and ``compare`` carries the tiedhands version, a
hash of the built-in corpus (treaty and scenario files), the fingerprint of
the rulebook in effect and where the parameter values came from.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from analysis.parameters import DEFAULTS_SOURCE

CORPUS_FOLDERS = ("profiles", "scenarios", "treaties")
"""The folders of ``treaties/data`` whose YAML files make up the corpus."""


@dataclass(frozen=True)
class Provenance:
    """The version, corpus, rulebook and parameter sources behind a report.

    Attributes
    ----------
    version
        The installed tiedhands version.
    corpus
        The first 12 hex digits of the SHA-256 of the built-in corpus.
    rulebook
        The fingerprint of the rulebook in effect (:meth:`Rulebook.fingerprint`).
    parameter_sources
        Where each parameter value came from (``analyze``), else empty.
    overrides
        The ``--param`` assignments given (``compare``), else empty.
    capability_rules
        The fingerprint of the capability rules in effect (``capability``,
        ``decompose``), else None.
    atop_imports
        The hash of the imported ATOP treaty files (``compare --atop``, ``atop
        trend``), else None.
    """

    version: str
    corpus: str
    rulebook: str
    parameter_sources: Mapping[str, str] = field(default_factory=dict)
    overrides: tuple[str, ...] = ()
    capability_rules: str | None = None
    atop_imports: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The JSON form of the ``provenance`` field."""
        document: dict[str, Any] = {"tiedhands_version": self.version,
                                    "corpus_hash": self.corpus,
                                    "rulebook_fingerprint": self.rulebook}
        if self.parameter_sources:
            document["parameter_sources"] = dict(self.parameter_sources)
        if self.overrides:
            document["parameter_overrides"] = list(self.overrides)
        if self.capability_rules is not None:
            document["capability_rules_fingerprint"] = self.capability_rules
        if self.atop_imports is not None:
            document["atop_imports_hash"] = self.atop_imports
        return document

    def line(self) -> str:
        """One line for the footer of tables, Markdown and LaTeX, and CSV comments."""
        parts = [f"tiedhands {self.version}", f"corpus {self.corpus}",
                 f"rulebook {self.rulebook}"]
        if self.capability_rules is not None:
            parts.append(f"capability rules {self.capability_rules}")
        if self.atop_imports is not None:
            parts.append(f"ATOP imports {self.atop_imports}")
        if self.parameter_sources:
            parts.append(f"parameters: {summarize_sources(self.parameter_sources)}")
        if self.overrides:
            parts.append(f"--param {' '.join(self.overrides)}")
        return "provenance: " + "; ".join(parts)


def provenance(rulebook_fingerprint: str, parameter_sources: Mapping[str, str] | None = None,
               overrides: Sequence[str] = (), *, capability_rules: str | None = None,
               atop_imports: str | None = None) -> Provenance:
    """The provenance of a report made now, with these rules and these parameters."""
    return Provenance(importlib.metadata.version("tiedhands"), corpus_hash(),
                      rulebook_fingerprint, dict(parameter_sources or {}), tuple(overrides),
                      capability_rules, atop_imports)


def imports_hash(directory: str | Path) -> str:
    """SHA-256 of the ``atop-*.yaml`` files of a directory (names and bytes, sorted by name);
    the first 12 hex digits."""
    digest = hashlib.sha256()
    for path in sorted(Path(directory).glob("atop-*.yaml")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def corpus_hash() -> str:
    """SHA-256 of the built-in profile, scenario and treaty files' bytes, in sorted path order.

    The paths are relative to ``treaties/data`` (``scenarios/…`` sort before
    ``treaties/…``); the result is the first 12 hex digits.
    """
    data = resources.files("treaties").joinpath("data")
    files: list[tuple[str, Traversable]] = []
    for folder in CORPUS_FOLDERS:
        files += [(f"{folder}/{entry.name}", entry) for entry in data.joinpath(folder).iterdir()
                  if entry.name.endswith(".yaml")]
    digest = hashlib.sha256()
    for _, entry in sorted(files, key=lambda pair: pair[0]):
        digest.update(entry.read_bytes())
    return digest.hexdigest()[:12]


def summarize_sources(sources: Mapping[str, str]) -> str:
    """Where the values came from, grouped: ``defaults except a (--param)``.

    Examples
    --------
    >>> summarize_sources({"a": "--param", "b": DEFAULTS_SOURCE})
    'defaults except a (--param)'
    >>> summarize_sources({"b": DEFAULTS_SOURCE})
    'defaults'
    """
    others = {name: _kind(source) for name, source in sources.items()
              if source != DEFAULTS_SOURCE}
    if not others:
        return "defaults"
    groups: dict[str, list[str]] = {}
    for name, kind in others.items():
        groups.setdefault(kind, []).append(name)
    listed = "; ".join(f"{', '.join(names)} ({kind})" for kind, names in groups.items())
    return f"defaults except {listed}" if len(others) < len(sources) else listed


def _kind(source: str) -> str:
    """``scenario ID`` for a scenario's value, else the source itself (``--param``)."""
    return source.split(":", 1)[0] if source.startswith("scenario ") else source
