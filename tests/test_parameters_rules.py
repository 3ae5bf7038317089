"""The parameter registry and the rulebook: precedence, refusals, user files, modifiers.

Expected values come from the registry's documented defaults and domains
(``analysis/parameters.py``, docs/explanation/tied-hands-model.md §Parameters), the
built-in rules (``analysis/data/rules.yaml``), and the worked examples of
docs/how-to/override-the-rulebook.md, whose rules file and outputs are reproduced
here verbatim.
"""

from __future__ import annotations

import textwrap
from fractions import Fraction
from importlib import resources
from pathlib import Path

import pytest

from analysis.parameters import (
    DEFAULTS_SOURCE,
    PARAMETERS,
    REGISTRY,
    parse_assignment,
    parse_number,
    resolve,
)
from analysis.rules import builtin_rulebook, load_rulebook, modifiers
from analysis.verdicts import analyze
from games.errors import InputError
from treaties.load import load_scenario, load_treaty
from treaties.scenario import Scenario

F = Fraction
CONSTITUTIONAL = "in accordance with its constitutional processes"


# ============================================================================ parameters
def test_registry_order_defaults_and_domains() -> None:
    # The table of docs/explanation/tied-hands-model.md, in the registry's order.
    assert [(p.name, p.default) for p in PARAMETERS] == [
        ("v_C", 10), ("c_C", 1), ("b", 1), ("p_I", F(3, 10)), ("p_L", F(1, 2)),
        ("p_S", F(4, 5)), ("v_A", 4), ("c_A", 3), ("c_L", 1), ("a", 2)]
    assert REGISTRY["b"].domain == "b > 0"
    assert REGISTRY["p_I"].domain == "0 ≤ p_I ≤ 1"
    assert REGISTRY["v_C"].domain == "v_C ≥ 0"
    assert all(p.meaning for p in PARAMETERS)


def with_params(scenario: Scenario, **params: object) -> Scenario:
    """The scenario with a ``params:`` block (each value with a one-line why)."""
    block = {name: {"value": value, "why": f"why {name}"} for name, value in params.items()}
    return Scenario.model_validate({**scenario.model_dump(by_alias=True), "params": block})


def test_precedence_param_over_scenario_over_default() -> None:
    scenario = with_params(load_scenario("philippine-vessel-armed-attack"), c_L=3, a=3)
    resolved = resolve(scenario, ["a=1", "v_A=5"])
    assert resolved["a"] == 1 and resolved.sources["a"] == "--param"
    assert resolved["v_A"] == 5 and resolved.sources["v_A"] == "--param"
    assert resolved["c_L"] == 3
    assert resolved.sources["c_L"] == "scenario philippine-vessel-armed-attack: why c_L"
    assert resolved["v_C"] == 10 and resolved.sources["v_C"] == DEFAULTS_SOURCE
    assert set(resolved.sources) == set(REGISTRY)
    # Without --param the scenario wins over the default.
    assert resolve(scenario)["a"] == 3
    # A mapping of overrides works like --param strings.
    mapped = resolve(scenario, {"a": F(1)})
    assert mapped.values == resolve(scenario, ["a=1"]).values
    assert mapped.sources["a"] == "--param"


def test_the_scenario_in_the_override_guide(tmp_path: Path) -> None:
    # docs/how-to/override-the-rulebook.md §5: a copy of philippine-vessel-armed-attack
    # with c_L = 3 and a = 3 is binding; adding --param a=1 makes it insufficient.
    text = resources.files("treaties").joinpath(
        "data", "scenarios", "philippine-vessel-armed-attack.yaml").read_text("utf-8")
    text = text.replace("id: philippine-vessel-armed-attack", "id: my-philippine-vessel")
    why_c_L = ("Sustained arms and ISR support to a Philippine fleet under fire would be "
               "costly (my assumption).")
    text = text.replace("params: {}\n", textwrap.dedent(f"""\
        params:
          c_L: {{value: 3, why: "{why_c_L}"}}
          a: {{value: 3, why: "Failing to act would be costly (my assumption)."}}
        """))
    path = tmp_path / "my-philippine-vessel.yaml"
    path.write_text(text)
    treaty, scenario = load_treaty("us-philippines-1951"), load_scenario(str(path))
    assert analyze(treaty, scenario).verdict == "binding"
    overridden = analyze(treaty, scenario, overrides=["a=1"])
    assert overridden.verdict == "insufficient"
    assert overridden.params.sources["a"] == "--param"
    assert overridden.params.sources["c_L"] == f"scenario my-philippine-vessel: {why_c_L}"


@pytest.mark.parametrize("text, value", [
    ("2", F(2)), ("0.3", F(3, 10)), ("1e-3", F(1, 1000)), ("3/2", F(3, 2)),
    (" 3/2 ", F(3, 2)), ("-0.5", F(-1, 2)), ("2.5e1", F(25)), (".5", F(1, 2)),
])
def test_parse_number_is_exact(text: str, value: Fraction) -> None:
    assert parse_number(text, "--param a") == value


@pytest.mark.parametrize("text", [
    "nan", "NaN", "inf", "-inf", "infinity", "1/0", "2*3", "", "1/2/3", "0x10", "1_000",
    "2**3", "__import__('os')", "1,5", "a", "1/-2",
])
def test_parse_number_refuses_what_is_not_a_plain_number(text: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_number(text, "--param a")
    assert caught.value.field == "--param a"


def test_parse_number_names_division_by_zero() -> None:
    with pytest.raises(InputError, match="divides by zero"):
        parse_number("1/0", "--param a")


def test_parse_assignment() -> None:
    assert parse_assignment("p_I=0.3") == ("p_I", F(3, 10))
    assert parse_assignment(" a = 3/2") == ("a", F(3, 2))
    with pytest.raises(InputError, match="unknown parameter 'x'") as caught:
        parse_assignment("x=1")
    assert caught.value.field == "--param"
    with pytest.raises(InputError, match="not an assignment"):
        parse_assignment("a")
    with pytest.raises(InputError, match="is not a number") as caught:
        parse_assignment("a=nan")
    assert caught.value.field == "--param a"


@pytest.mark.parametrize("override, field", [
    ("p_S=1.5", "--param p_S"), ("p_I=-0.1", "--param p_I"), ("b=0", "--param b"),
    ("b=-1", "--param b"), ("v_C=-1", "--param v_C"), ("a=-1/2", "--param a"),
    ("c_L=-2", "--param c_L"),
])
def test_resolve_refuses_values_outside_their_domain(override: str, field: str) -> None:
    with pytest.raises(InputError, match="outside its domain") as caught:
        resolve(None, [override])
    assert caught.value.field == field
    assert caught.value.expected == REGISTRY[field.removeprefix("--param ")].domain


def test_resolve_accepts_the_domain_boundaries() -> None:
    resolved = resolve(None, ["p_S=1", "p_L=1", "p_I=0", "v_C=0", "c_C=0", "a=0", "b=1e-9"])
    assert resolved["b"] == F(1, 10**9) and resolved["p_S"] == 1


def test_resolve_refuses_probabilities_out_of_order() -> None:
    # The message quoted in docs/how-to/override-the-rulebook.md §5.
    with pytest.raises(InputError) as caught:
        resolve(None, ["p_I=0.9"])
    assert str(caught.value) == (
        "--param: p_I = 9/10 (0.9), p_L = 1/2 (0.5), p_S = 4/5 (0.8) are out of order "
        "(expected p_I ≤ p_L ≤ p_S (the ally's help can only lower the challenger's chance "
        "of winning))")
    with pytest.raises(InputError, match="out of order"):
        resolve(None, {"p_L": F(9, 10)})


def test_resolve_refuses_unknown_names_and_bad_scenario_values() -> None:
    with pytest.raises(InputError, match="unknown parameter 'zz'"):
        resolve(None, {"zz": F(1)})
    base = load_scenario("baltic-armed-attack")
    with pytest.raises(InputError, match="unknown parameter 'zz'") as caught:
        resolve(with_params(base, zz=1))
    assert caught.value.field == "scenario baltic-armed-attack: params.zz"
    with pytest.raises(InputError, match="outside its domain") as caught:
        resolve(with_params(base, b=0))
    assert caught.value.field == "scenario baltic-armed-attack: params.b"
    # Probabilities out of order are blamed on where they came from.
    with pytest.raises(InputError, match="out of order") as caught:
        resolve(with_params(base, p_I=0.9))
    assert caught.value.field == "scenario baltic-armed-attack: params"
    with pytest.raises(InputError, match="out of order") as caught:
        resolve(with_params(base, p_I=0.4), ["p_L=0.35"])
    assert caught.value.field == "--param"


def test_replace_keeps_the_order_check() -> None:
    resolved = resolve()
    changed = resolved.replace(a=F(3))
    assert changed["a"] == 3 and changed.sources["a"] == "replaced"
    assert resolved["a"] == 2
    with pytest.raises(InputError, match="out of order"):
        resolved.replace(p_I=F(1))


def test_replace_refuses_values_outside_their_domain() -> None:
    with pytest.raises(InputError):
        resolve().replace(b=F(0))


# ============================================================================ rulebook
def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return str(path)


MY_RULES = """\
    # my-rules.yaml: changes to the built-in rulebook.
    escape:
      # Replace a built-in rule: same id, new factor.
      - id: escape-constitutional-processes
        phrase: constitutional processes
        delta: 0
        why: >-
          Reading Reiter (2025) strictly: an ally whose duty runs "in accordance with its
          constitutional processes" can always stay out without a visible breach, so no
          audience cost survives.
        source: Reiter (2025), ch. "Flexibility of Alliance Commitments"; my reading.
      # Add a phrase: a new id.
      - id: escape-national-legislation
        phrase: national legislation
        delta: 0.25
        why: >-
          Conditioning help on the ally's national legislation leaves it to a domestic
          vote, with little audience cost left for not acting.
        source: My coding of a draft treaty (Art. 3).
    """
"""The rules file of docs/how-to/override-the-rulebook.md §2, verbatim."""


def test_load_rulebook_without_a_file_is_the_builtin() -> None:
    assert load_rulebook() is builtin_rulebook()
    rules = builtin_rulebook()
    assert [r.id for r in rules.help] == ["help-all-means", "help-military-aid",
                                          "help-unspecified", "help-consultation", "help-none"]
    assert [r.id for r in rules.escape] == ["escape-constitutional-processes",
                                            "escape-constitutional-provisions",
                                            "escape-laws-of-the-parties"]
    assert rules.unlisted_escape.id == "escape-unlisted"
    # The fingerprint quoted in the override guide.
    assert rules.fingerprint() == "9632c79c74b3"


def test_the_override_guides_rules_file(tmp_path: Path) -> None:
    rules = load_rulebook(write(tmp_path, "my-rules.yaml", MY_RULES))
    assert [(r.id, r.phrase, r.delta) for r in rules.escape] == [
        ("escape-constitutional-processes", "constitutional processes", 0.0),
        ("escape-constitutional-provisions", "constitutional provisions and processes", 0.5),
        ("escape-laws-of-the-parties", "the laws of", 0.5),
        ("escape-national-legislation", "national legislation", 0.25)]
    assert rules.help == builtin_rulebook().help
    assert rules.fingerprint() == "64f56f790993"
    found = modifiers("unspecified", ["in accordance with its national legislation"], rules)
    assert (sorted(found.short), found.delta, found.rules) == (
        ["S"], F(1, 4), ("help-unspecified", "escape-national-legislation"))
    # The analysis of §4: δ = 0 makes US-Philippines discretionary.
    treaty = load_treaty("us-philippines-1951")
    scenario = load_scenario("philippine-vessel-armed-attack")
    strict = analyze(treaty, scenario, rulebook=rules)
    assert strict.verdict == "irrelevant_discretionary"
    assert strict.rulebook == "64f56f790993"
    assert strict.readings[0].delta == 0
    assert analyze(treaty, scenario).rulebook == "9632c79c74b3"


def test_a_help_rule_is_replaced_by_id(tmp_path: Path) -> None:
    path = write(tmp_path, "rules.yaml", """\
        help:
          - id: help-unspecified
            required_help: unspecified
            short: [L, S]
            why: Read "act to meet the common danger" as a promise to fight.
            source: A test.
        """)
    rules = load_rulebook(path)
    assert [r.id for r in rules.help] == [r.id for r in builtin_rulebook().help]
    assert modifiers("unspecified", [], rules).short == {"L", "S"}
    assert modifiers("all_means", [], rules) == modifiers("all_means", [], builtin_rulebook())
    assert rules.fingerprint() != builtin_rulebook().fingerprint()


def test_unlisted_escape_can_be_replaced(tmp_path: Path) -> None:
    path = write(tmp_path, "rules.yaml", """\
        unlisted_escape:
          id: escape-unlisted
          delta: 0.1
          why: Unknown hedges free the ally almost entirely.
          source: A test.
        """)
    found = modifiers("all_means", ["subject to parliamentary approval"], load_rulebook(path))
    assert found.delta == F(1, 10)
    assert found.escapes[0].rule == "escape-unlisted" and not found.escapes[0].listed


def test_the_most_specific_escape_phrase_wins(tmp_path: Path) -> None:
    # docs/how-to/override-the-rulebook.md §2: a rule for "the laws of the DPRK" takes
    # precedence over escape-laws-of-the-parties ("the laws of") on the Russia-DPRK
    # treaty, and leaves it in force elsewhere.
    path = write(tmp_path, "rules.yaml", """\
        escape:
          - id: escape-laws-of-the-dprk
            phrase: the laws of the DPRK
            delta: 0
            why: A test reading.
            source: A test.
        """)
    rules = load_rulebook(path)
    wording = load_treaty("russia-dprk-2024").obligations[0].escape_wording
    assert wording == ("the laws of the DPRK and the Russian Federation",)
    assert modifiers("all_means", wording, rules).rules == (
        "help-all-means", "escape-laws-of-the-dprk")
    assert modifiers("all_means", wording, builtin_rulebook()).rules == (
        "help-all-means", "escape-laws-of-the-parties")
    other = modifiers("all_means", ["according to the laws of the parties"], rules)
    assert other.rules == ("help-all-means", "escape-laws-of-the-parties")


@pytest.mark.parametrize("body, line, field, words", [
    # An unknown field.
    ("""\
        escape:
          - id: escape-x
            phrase: some words
            delta: 0.5
            weight: 2
            why: w
            source: s
        """, 5, "escape[0].weight", "weight"),
    # delta outside [0, 1] (the guide's example message).
    ("""\
        escape:
          - id: escape-constitutional-processes
            phrase: constitutional processes
            delta: 2
            why: w
            source: s
        """, 4, "escape[0].delta", "got 2"),
    # A duplicate key.
    ("""\
        escape:
          - id: escape-x
            phrase: some words
            delta: 0.5
            delta: 0.25
            why: w
            source: s
        """, 5, "escape[0].delta", "duplicate key"),
    # An unknown section.
    ("""\
        escapes:
          - id: escape-x
        """, 1, "escapes", "escapes"),
    # Intervening listed as falling short.
    ("""\
        help:
          - id: help-all-means
            required_help: all_means
            short: [I, L, S]
            why: w
            source: s
        """, 4, "help[0].short", "intervening"),
])
def test_bad_rules_files_are_refused_with_file_and_line(
        tmp_path: Path, body: str, line: int, field: str, words: str) -> None:
    path = write(tmp_path, "bad-rules.yaml", body)
    with pytest.raises(InputError) as caught:
        load_rulebook(path)
    error = caught.value
    assert error.source == path
    assert error.line == line, str(error)
    assert error.field == field, str(error)
    assert words in str(error)


def test_the_guides_delta_message(tmp_path: Path) -> None:
    path = write(tmp_path, "my-rules.yaml", """\
        escape:
          - id: escape-constitutional-processes
            phrase: constitutional processes
            delta: 2
            why: w
            source: s
        """)
    with pytest.raises(InputError) as caught:
        load_rulebook(path)
    assert str(caught.value) == (
        f"{path}:4: escape[0].delta: got 2 (expected less than or equal to 1)")


def test_a_second_help_rule_for_a_level_is_refused_naming_both_ids(tmp_path: Path) -> None:
    path = write(tmp_path, "rules.yaml", """\
        help:
          - id: my-all-means
            required_help: all_means
            short: [S]
            why: w
            source: s
        """)
    with pytest.raises(InputError) as caught:
        load_rulebook(path)
    assert caught.value.source == path
    assert "help-all-means" in str(caught.value) and "my-all-means" in str(caught.value)


def test_a_rules_file_that_is_not_a_mapping_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        load_rulebook(write(tmp_path, "rules.yaml", "- just a list\n"))
    assert caught.value.source is not None and caught.value.line == 1


# ============================================================================ modifiers
@pytest.mark.parametrize("help_owed, short, rule", [
    ("all_means", {"L", "S"}, "help-all-means"),
    ("military_aid", {"L", "S"}, "help-military-aid"),
    ("unspecified", {"S"}, "help-unspecified"),
    ("consultation", set(), "help-consultation"),
    ("none", set(), "help-none"),
])
def test_modifiers_for_each_level_of_help(help_owed: str, short: set[str], rule: str) -> None:
    found = modifiers(help_owed, [], builtin_rulebook())  # type: ignore[arg-type]
    assert found.short == short
    assert found.delta == 1 and found.escapes == ()
    assert found.help_rule == rule and found.rules == (rule,)


@pytest.mark.parametrize("wording, rules, delta", [
    ([CONSTITUTIONAL], ["escape-constitutional-processes"], F(1, 2)),
    (["in accordance with its constitutional provisions and processes"],
     ["escape-constitutional-provisions"], F(1, 2)),
    (["In accordance with its\n   CONSTITUTIONAL   Processes"],
     ["escape-constitutional-processes"], F(1, 2)),
    ([CONSTITUTIONAL, "the laws of the parties"],
     ["escape-constitutional-processes", "escape-laws-of-the-parties"], F(1, 4)),
    ([CONSTITUTIONAL, "subject to parliamentary approval", "as its cabinet decides"],
     ["escape-constitutional-processes", "escape-unlisted", "escape-unlisted"], F(1, 8)),
    (["subject to parliamentary approval"], ["escape-unlisted"], F(1, 2)),
])
def test_escape_factors_multiply(wording: list[str], rules: list[str], delta: Fraction) -> None:
    found = modifiers("unspecified", wording, builtin_rulebook())
    assert found.delta == delta
    assert [e.rule for e in found.escapes] == rules
    assert [e.phrase for e in found.escapes] == wording
    assert [e.listed for e in found.escapes] == [r != "escape-unlisted" for r in rules]
    assert all(e.delta == F(1, 2) for e in found.escapes)
    assert found.rules == ("help-unspecified", *rules)


def test_modifiers_refuse_a_level_without_a_rule() -> None:
    rules = builtin_rulebook()
    with pytest.raises(InputError, match="no help rule"):
        modifiers("everything", [], rules)  # type: ignore[arg-type]


def test_float_overrides_are_read_as_the_decimals_written() -> None:
    from analysis.parameters import resolve

    assert resolve(None, {"a": 1.2})["a"] == Fraction(6, 5)
    with pytest.raises(InputError):
        resolve(None, {"a": True})


def test_a_mapping_may_give_numbers_as_text() -> None:
    # Read exactly, never evaluated: "3.5" is 7/2, "3/2" is 3/2; junk is refused.
    values = resolve(None, {"c_C": "3.5", "a": "3/2"}).values
    assert (values["c_C"], values["a"]) == (Fraction(7, 2), Fraction(3, 2))
    with pytest.raises(InputError, match="is not a number"):
        resolve(None, {"a": "__import__('os')"})
