"""Reading YAML safely, with line numbers for every value.

Treaty and scenario files are plain data.  They are parsed with PyYAML's
composer (which builds a node tree and executes nothing) and turned into
Python values by :func:`parse_yaml`, which

* keeps the line of every mapping key and value, so that a validation error
  deep inside a file can name its line;
* rejects duplicate keys (PyYAML silently keeps the last one);
* refuses every tag other than YAML's plain types (``!!python/object``,
  ``!custom``, ...): nothing in a treaty needs one, and nothing is executed;
* refuses anchors and aliases, which could otherwise expand a small file into
  an enormous value ("billion laughs");
* refuses files larger than :data:`MAX_BYTES` and nesting deeper than
  :data:`MAX_DEPTH`;
* reads scalars by one small set of rules instead of YAML 1.1's: ``yes``,
  ``on`` and ``off`` stay words, ``070`` and ``0xC8`` are refused rather than
  read as octal or hexadecimal, ``3:20`` is not a number, ``2020-02-30`` is
  refused as a date.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
import yaml.reader
import yaml.resolver
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from games.errors import InputError

MAX_BYTES = 2_000_000
"""Largest YAML file accepted (bytes); the biggest built-in file is about 20 kB."""

MAX_DEPTH = 64
"""Deepest nesting of mappings and lists accepted; the schemas need six levels."""

Location = tuple[str | int, ...]
"""Where a value sits in a document: mapping keys and sequence indices from the root."""

_PLAIN_TAGS = frozenset(
    "tag:yaml.org,2002:" + name
    for name in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")
)
_INTEGER = re.compile(r"[-+]?(0|[1-9][0-9]*)")
_LEADING_ZERO = re.compile(r"[-+]?0[0-9]+")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+\.[0-9]*|[0-9]+)([eE][-+]?[0-9]+)?")
_SPECIAL_FLOATS = {".nan": math.nan, ".NaN": math.nan, ".NAN": math.nan, ".inf": math.inf,
                   ".Inf": math.inf, ".INF": math.inf, "+.inf": math.inf, "-.inf": -math.inf,
                   "-.Inf": -math.inf, "-.INF": -math.inf}
_BOOLEANS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False,
             "FALSE": False}
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's composer when PyYAML has it (ten times faster), else the pure-Python one."""


@dataclass(frozen=True)
class YamlDocument:
    """A parsed YAML document and the line of each value in it.

    Attributes
    ----------
    data
        The document as plain Python values (dicts, lists, str, int, float,
        bool, None, ``datetime.date``).
    lines
        1-based line of each location; a mapping key and its value share the
        location of the value.
    source
        The file name used in error messages.
    """

    data: Any
    lines: dict[Location, int]
    source: str

    def line_of(self, location: Location) -> int | None:
        """The line of ``location``, or of its nearest enclosing value."""
        for end in range(len(location), -1, -1):
            line = self.lines.get(tuple(location[:end]))
            if line is not None:
                return line
        return None


def read_yaml(path: str | Path) -> YamlDocument:
    """Read and parse one YAML file (see :func:`parse_yaml`).

    Raises
    ------
    InputError
        If the file cannot be read, is too large, is not UTF-8, or is not
        acceptable YAML; the message names the file and line.
    """
    source = str(path)
    if Path(path).is_dir():
        raise InputError("this is a directory", source=source, expected="a YAML file")
    try:
        with open(path, "rb") as stream:  # read at most the limit, even from a device
            raw = stream.read(MAX_BYTES + 1)
        if len(raw) > MAX_BYTES:
            raise InputError("the file is too large", source=source,
                             expected=f"at most {MAX_BYTES} bytes")
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InputError(f"the file is not UTF-8 text ({error.reason})", source=source) from None
    except OSError as error:
        raise InputError(f"cannot read the file: {error.strerror or error}",
                         source=source) from None
    return parse_yaml(text, source)


def parse_yaml(text: str, source: str = "<string>") -> YamlDocument:
    """Parse YAML text into plain values and a line map.

    Examples
    --------
    >>> document = parse_yaml("id: anzus-1951\\nparties: [2, 900]\\n")
    >>> document.data
    {'id': 'anzus-1951', 'parties': [2, 900]}
    >>> document.lines[("parties", 1)]
    2
    >>> parse_yaml("a: 1\\na: 2\\n", "t.yaml")
    Traceback (most recent call last):
    ...
    games.errors.InputError: t.yaml:2: a: duplicate key (expected each key once per mapping)
    """
    if len(text) > MAX_BYTES:
        raise InputError(f"the text is {len(text)} characters", source=source,
                         expected=f"at most {MAX_BYTES}")
    try:
        _check_depth(text, source)
        node = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = error.problem or error.context or "malformed YAML"
        raise InputError(f"malformed YAML: {problem}", source=source, line=line) from None
    except yaml.reader.ReaderError as error:
        line = text.count("\n", 0, error.position) + 1
        character = error.character
        shown = repr(chr(character) if isinstance(character, int) else character)
        raise InputError(f"malformed YAML: the character {shown} is not allowed",
                         source=source, line=line) from None
    except yaml.YAMLError as error:
        raise InputError("malformed YAML: " + " ".join(str(error).split()),
                         source=source) from None
    builder = _Builder(source)
    data = None if node is None else builder.build(node, ())
    return YamlDocument(data, builder.lines, source)


def _check_depth(text: str, source: str) -> None:
    """Refuse nesting deeper than :data:`MAX_DEPTH` before building anything."""
    depth = 0
    for event in yaml.parse(text, Loader=_LOADER):
        if isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                mark = event.start_mark
                raise InputError("the values are nested too deeply", source=source,
                                 line=mark.line + 1 if mark is not None else None,
                                 expected=f"at most {MAX_DEPTH} levels")
        elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
            depth -= 1


class _Builder:
    """Turns a composed node tree into plain values, recording lines."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.lines: dict[Location, int] = {}
        self._seen: set[int] = set()
        self._resolver = yaml.resolver.Resolver()

    def build(self, node: Node, location: Location) -> Any:
        line = node.start_mark.line + 1
        field = dotted_location(location) or None
        if id(node) in self._seen:  # an alias: its node was built before
            line = self.lines.get(location, line)
            raise InputError("anchors and aliases are not supported", source=self.source,
                             line=line, field=field, expected="each value written out")
        self._seen.add(id(node))
        if node.tag not in _PLAIN_TAGS:
            tag = node.tag.replace("tag:yaml.org,2002:", "!!")
            raise InputError(f"the tag {tag!r} is not allowed", source=self.source,
                             line=line, field=field, expected="plain YAML without tags")
        self.lines.setdefault(location, line)
        if isinstance(node, MappingNode):
            return self._mapping(node, location)
        if isinstance(node, SequenceNode):
            return [self.build(item, (*location, k)) for k, item in enumerate(node.value)]
        assert isinstance(node, ScalarNode)
        return self._scalar(node, location)

    def _mapping(self, node: MappingNode, location: Location) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise InputError("merge keys (<<) are not supported", source=self.source,
                                 line=key_line, field=dotted_location(location) or None)
            if not isinstance(key_node, ScalarNode) or key_node.tag not in _PLAIN_TAGS:
                raise InputError("a mapping key must be a plain word", source=self.source,
                                 line=key_line, field=dotted_location(location) or None)
            key = str(self._scalar(key_node, location))
            if len(key) > 100:
                raise InputError("the key is too long", source=self.source, line=key_line,
                                 field=dotted_location(location) or None,
                                 expected="a field name")
            if key in result:
                raise InputError("duplicate key", source=self.source, line=key_line,
                                 field=dotted_location((*location, key)),
                                 expected="each key once per mapping")
            self.lines[(*location, key)] = key_line
            result[key] = self.build(value_node, (*location, key))
            self.lines[(*location, key)] = key_line
        return result

    def _scalar(self, node: ScalarNode, location: Location) -> Any:
        """A scalar's value by this module's rules (see the module docstring)."""
        line = node.start_mark.line + 1
        field = dotted_location(location) or None
        plain = not node.style  # None (pure-Python composer) or "" (libyaml)
        implicit = self._resolver.resolve(  # type: ignore[no-untyped-call]
            ScalarNode, node.value, (plain, not plain))
        if node.tag != implicit:
            tag = node.tag.replace("tag:yaml.org,2002:", "!!")
            raise InputError(f"the tag {tag!r} is not allowed", source=self.source, line=line,
                             field=field, expected="plain YAML without tags")
        text = node.value
        if not plain:
            return text
        if text in _NULLS:
            return None
        if text in _BOOLEANS:
            return _BOOLEANS[text]
        if _LEADING_ZERO.fullmatch(text):
            raise InputError(f"{text} has a leading zero", source=self.source, line=line,
                             field=field, expected=f"{int(text)} (or quote it as text)")
        if _INTEGER.fullmatch(text):
            if len(text) > 40:
                raise InputError("the number is too long", source=self.source, line=line,
                                 field=field, expected="at most 40 digits")
            return int(text)
        if _FLOAT.fullmatch(text):
            return float(text)
        if text in _SPECIAL_FLOATS:
            return _SPECIAL_FLOATS[text]
        if _DATE.fullmatch(text):
            try:
                return dt.date.fromisoformat(text)
            except ValueError:
                raise InputError(f"{text} is not a calendar date", source=self.source,
                                 line=line, field=field,
                                 expected="a real date written YYYY-MM-DD") from None
        return text


def dotted_location(location: Location) -> str:
    """``("obligations", 0, "type")`` as ``obligations[0].type``."""
    text = ""
    for part in location:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text

