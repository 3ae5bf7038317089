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
* refuses files larger than :data:`MAX_BYTES`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from games.errors import InputError

MAX_BYTES = 2_000_000
"""Largest YAML file accepted (bytes); the biggest built-in file is about 20 kB."""

Location = tuple[str | int, ...]
"""Where a value sits in a document: mapping keys and sequence indices from the root."""

_PLAIN_TAGS = frozenset(
    "tag:yaml.org,2002:" + name
    for name in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")
)


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
    try:
        size = Path(path).stat().st_size
        if size > MAX_BYTES:
            raise InputError(f"the file is {size} bytes", source=source,
                             expected=f"at most {MAX_BYTES} bytes")
        text = Path(path).read_bytes().decode("utf-8")
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
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = error.problem or error.context or "malformed YAML"
        raise InputError(f"malformed YAML: {problem}", source=source, line=line) from None
    except yaml.YAMLError as error:
        raise InputError(f"malformed YAML: {error}", source=source) from None
    builder = _Builder(source)
    data = None if node is None else builder.build(node, ())
    return YamlDocument(data, builder.lines, source)


class _Builder:
    """Turns a composed node tree into plain values, recording lines."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.lines: dict[Location, int] = {}
        self._seen: set[int] = set()
        self._scalars = SafeConstructor()

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
            if key in result:
                raise InputError("duplicate key", source=self.source, line=key_line,
                                 field=dotted_location((*location, key)),
                                 expected="each key once per mapping")
            self.lines[(*location, key)] = key_line
            result[key] = self.build(value_node, (*location, key))
            self.lines[(*location, key)] = key_line
        return result

    def _scalar(self, node: ScalarNode, location: Location) -> Any:
        try:
            return self._scalars.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, OverflowError) as error:
            raise InputError(f"cannot read the value {node.value!r}: {error}",
                             source=self.source, line=node.start_mark.line + 1,
                             field=dotted_location(location) or None) from None


def dotted_location(location: Location) -> str:
    """``("obligations", 0, "type")`` as ``obligations[0].type``."""
    text = ""
    for part in location:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text

