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


@pytest.mark.parametrize("text, words", [
    ("a: !!bool maybe\n", "the tag '!!bool' is not allowed"),
    ("a: !!timestamp foo\n", "the tag '!!timestamp' is not allowed"),
    ("a: !!int ''\n", "the tag '!!int' is not allowed"),
    ("a: !!str 5\n", "the tag '!!str' is not allowed"),
    ("a: !!map foo\n", "the tag '!!map' is not allowed"),
    ("a: 070\n", "f.yaml:1: a: 070 has a leading zero (expected 70"),
    ("a: 2020-02-30\n", "f.yaml:1: a: 2020-02-30 is not a calendar date"),
    ("a: " + "9" * 41 + "\n", "the number is too long"),
    ("a: [" * 65 + "]" * 65 + "\n", "f.yaml:1: the values are nested too deeply"),
    ("a: 1\nb: x\x00y\n", "f.yaml:2: malformed YAML: the character '\\x00' is not allowed"),
])
def test_scalars_follow_one_small_set_of_rules(text: str, words: str) -> None:
    with pytest.raises(InputError) as raised:
        parse_yaml(text, "f.yaml")
    assert words in raised.value.render(), raised.value.render()


def test_yaml_1_1_surprises_stay_plain_words() -> None:
    # YAML 1.1 would read these as true, false, 200 (base 60 and 16) and an octal number.
    data = parse_yaml("a: yes\nb: off\nc: 3:20\nd: 0xC8\ne: '070'\nf: .nan\n").data
    assert data["a"] == "yes" and data["b"] == "off"
    assert data["c"] == "3:20" and data["d"] == "0xC8" and data["e"] == "070"
    assert data["f"] != data["f"]  # NaN: read, so that the schema can refuse it by name


def test_deep_but_allowed_nesting_is_read() -> None:
    assert parse_yaml("a: " + "[" * 60 + "]" * 60 + "\n").data is not None


def test_a_device_is_read_only_up_to_the_limit() -> None:
    with pytest.raises(InputError, match="too large"):
        read_yaml("/dev/zero")
