"""The safe YAML reader: plain data only, every value located, nothing executed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from games.errors import InputError
from treaties.yaml_source import MAX_BYTES, parse_yaml, read_yaml


def test_values_and_lines() -> None:
    document = parse_yaml("a:\n  b: [1, 2.5, true, null]\n  c: 1950-02-14\n", "f.yaml")
    assert document.data == {"a": {"b": [1, 2.5, True, None], "c": dt.date(1950, 2, 14)}}
    assert document.lines[("a", "b", 1)] == 2
    assert document.lines[("a", "c")] == 3
    assert document.line_of(("a", "missing", 0)) == 1


@pytest.mark.parametrize("text, words", [
    ("a: 1\na: 2\n", "f.yaml:2: a: duplicate key"),
    ("a: &x [1]\nb: *x\n", "f.yaml:2: b: anchors and aliases are not supported"),
    ("base: {x: 1}\nother:\n  <<: {y: 2}\n", "f.yaml:3: other: merge keys"),
    ("? [1, 2]\n: value\n", "f.yaml:1: a mapping key must be a plain word"),
    ("a: !!python/object:os.system x\n", "f.yaml:1: a: the tag '!!python/object:os.system'"),
    ("a: !!binary aGVsbG8=\n", "the tag '!!binary' is not allowed"),
    ("a: !!set {x}\n", "the tag '!!set' is not allowed"),
    ("a: [1, 2\n", "f.yaml:2: malformed YAML"),
    ("a: 1\n---\nb: 2\n", "malformed YAML"),
])
def test_refusals_name_file_line_and_field(text: str, words: str) -> None:
    with pytest.raises(InputError) as raised:
        parse_yaml(text, "f.yaml")
    assert words in raised.value.render()


def test_empty_document_is_none() -> None:
    assert parse_yaml("", "f.yaml").data is None


def test_file_limits(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_text("a: " + "x" * (MAX_BYTES + 1), encoding="utf-8")
    with pytest.raises(InputError, match="expected at most 2000000 bytes"):
        read_yaml(big)
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("name: Müller\n".encode("latin-1"))
    with pytest.raises(InputError, match=r"latin\.yaml: the file is not UTF-8"):
        read_yaml(latin)


@given(st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(
        st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.from_regex(r"[a-z][a-z0-9_]{0,6}", fullmatch=True), inner, max_size=3),
    max_leaves=12))
def test_round_trip_of_plain_data(value: object) -> None:
    import yaml

    text = yaml.safe_dump({"root": value}, allow_unicode=True)
    assert parse_yaml(text).data == {"root": value}
