"""The classroom demonstration without a browser: ``analysis.classroom`` and its CLI.

Contract (issue #8, part 2): at the rulebook's δ the classroom's verdict,
threshold a* and deterrence are exactly ``analyze``'s (same solver, tie rule
and verdict rule) and its signalling δ is ``treaty_deltas``'; moving a across
a* = 6/5 flips China–DPRK 1961 in the Korean scenario from insufficient to
binding; an exempt treaty (Sino-Soviet 1950 in the 1962 Sino-Indian war)
never flips, whatever a and δ; the pictures are SVG text; bad slider values
become a message, not an exception; ``tiedhands classroom`` listens on
127.0.0.1 only and without marimo exits 2 naming the classroom extra.
"""

from __future__ import annotations

import base64
import re
import socket
from fractions import Fraction

import pytest

from analysis import classroom as cr
from analysis import classroom_cli
from analysis.rules import builtin_rulebook
from analysis.signal import treaty_deltas
from analysis.verdicts import Reading, analyze
from games.errors import InputError
from tests.test_analysis_cli import assert_bad_input, invoke
from treaties.load import builtin_scenarios, builtin_treaties, load_scenario, load_treaty

CANONICAL = ("china-dprk-1961", "korea-dprk-attacked")
EXEMPT = ("sino-soviet-1950", "sino-indian-1962")
A_STAR = Fraction(6, 5)


def summary(reading: Reading) -> tuple[object, ...]:
    """What the classroom shows of a reading, and the plays behind it."""
    plays = tuple(None if p is None else (p.a_eff, p.ally_action, p.challenge,
                                          dict(p.presses_on), p.ties)
                  for p in (reading.without, reading.with_cost))
    return (reading.reading, reading.verdict, reading.threshold, reading.threshold_effective,
            reading.threshold_latex, reading.delta, reading.deters, plays)


# ---------------------------------------------------------------------------- the lesson
@pytest.mark.parametrize("a", [None, Fraction(0), Fraction(1), A_STAR, Fraction(7, 2)])
def test_at_the_rulebooks_delta_the_lesson_is_analyze(a: Fraction | None) -> None:
    overrides = {} if a is None else {"a": a}
    for treaty in builtin_treaties():
        for scenario in builtin_scenarios():
            expected = analyze(treaty, scenario, None, overrides, with_nash=False)
            shown = cr.lesson(treaty.id, scenario.id, overrides)
            assert shown.verdict == expected.verdict, (treaty.id, scenario.id)
            assert ([summary(r) for r in shown.analysis.readings]
                    == [summary(r) for r in expected.readings]), (treaty.id, scenario.id)
            assert shown.analysis.params == expected.params


def test_the_audience_cost_slider_flips_the_verdict_at_a_star() -> None:
    below = cr.lesson(*CANONICAL, {"a": 1.1})
    at = cr.lesson(*CANONICAL, {"a": 1.2})
    above = cr.lesson(*CANONICAL, {"a": 2.0})
    assert below.verdict == "insufficient" and below.threshold == A_STAR
    assert at.verdict == "binding" and above.verdict == "binding"
    assert below.reading.with_cost is not None and above.reading.with_cost is not None
    assert below.reading.with_cost.ally_action == "L"
    assert above.reading.with_cost.ally_action == "I"
    assert not below.deters and not above.deters  # C challenges either way at the defaults
    assert "a ≥ a* = 6/5 (1.2)" in below.reading.explanation


def test_the_delta_slider_rescales_the_threshold() -> None:
    half = cr.lesson(*CANONICAL, {"a": 2, "delta": 0.5})
    assert half.delta == Fraction(1, 2) and half.rulebook_delta == 1
    assert half.reading.threshold_effective == A_STAR and half.threshold == 2 * A_STAR
    assert half.verdict == "insufficient"
    assert half.reading.with_cost is not None and half.reading.with_cost.a_eff == 1
    assert "the rulebook gives 1" in half.reading.explanation
    assert cr.lesson(*CANONICAL, {"a": 2.4, "delta": 0.5}).verdict == "binding"
    none = cr.lesson(*CANONICAL, {"a": 6, "delta": 0})
    assert none.verdict == "irrelevant_discretionary" and none.threshold is None


@pytest.mark.parametrize("delta", [Fraction(1, 4), Fraction(1, 2), Fraction(3, 4)])
def test_only_the_effective_audience_cost_counts(delta: Fraction) -> None:
    # The slider's δ at a is the rulebook's δ = 1 at δ·a: same plays, a* scaled by 1/δ.
    for a in [Fraction(1), Fraction(2), Fraction(4), Fraction(6)]:
        slid = cr.lesson(*CANONICAL, {"a": a, "delta": delta}).reading
        direct = analyze(load_treaty(CANONICAL[0]), load_scenario(CANONICAL[1]), None,
                         {"a": delta * a}, with_nash=False).readings[0]
        assert slid.verdict == direct.verdict and slid.deters == direct.deters
        assert summary(slid)[-1] == summary(direct)[-1]
        assert direct.threshold_effective is not None
        assert slid.threshold_effective == direct.threshold_effective
        assert slid.threshold == direct.threshold_effective / delta


def test_deterrence_shows_when_the_cost_of_war_is_high() -> None:
    # With intervention costly enough to the challenger, tying hands deters it.
    deterred = cr.lesson(*CANONICAL, {"a": 3, "p_I": 0.05})
    assert deterred.verdict == "binding" and deterred.deters
    assert deterred.reading.without is not None and deterred.reading.without.challenge
    assert deterred.reading.with_cost is not None and not deterred.reading.with_cost.challenge


@pytest.mark.parametrize("delta", [0, 0.5, 1])
def test_an_exempt_treaty_never_flips(delta: float) -> None:
    for a in [0, 0.5, 1.2, 2, 6, 12]:
        shown = cr.lesson(*EXEMPT, {"a": a, "delta": delta})
        assert shown.verdict == "irrelevant_exempt", (a, delta)
        assert shown.threshold is None and not shown.deters and not shown.delta_matters
        assert cr.signal_view(shown).delta == 0


def test_the_signalling_delta_is_the_treatys_at_the_rulebooks_delta() -> None:
    rules = builtin_rulebook()
    for treaty in builtin_treaties():
        for scenario in builtin_scenarios():
            shown = cr.lesson(treaty.id, scenario.id, {})
            expected = treaty_deltas(shown.analysis.coverage, rules)[0][1]
            reading = next((r for r in shown.analysis.readings if r.modifiers is not None),
                           None)
            staying_out_short = (reading is not None and reading.modifiers is not None
                                 and "S" in reading.modifiers.short)
            assert (reading.delta if staying_out_short and reading else 0) == expected


def test_the_pictures_are_svg_text() -> None:
    shown = cr.lesson(*CANONICAL, {"a": 2})
    tree = shown.tree_svg()
    assert isinstance(tree, str) and tree.startswith("<?xml") and "<svg" in tree
    assert "edge-2-0-path" in tree  # the ally intervenes on the equilibrium path
    signal = cr.signal_view(shown)
    assert signal.svg().startswith("<?xml") and "<svg" in signal.svg()
    assert signal.delta == 1 and signal.informative
    assert "P1 separating" in signal.regions
    exempt = cr.signal_view(cr.lesson(*EXEMPT, {}))
    assert exempt.delta == 0 and not exempt.informative
    assert {kind for kind, _, _ in exempt.equilibria} == {"pooling on T", "pooling on N"}


def test_the_view_is_html_with_inline_images() -> None:
    shown = cr.view(*CANONICAL, {"a": 1.0})
    assert shown.lesson is not None and shown.lesson.verdict == "insufficient"
    assert 'id="th-verdict"' in shown.panel and "insufficient" in shown.panel
    assert 'data-verdict="insufficient"' in shown.panel
    assert ('data-treaty="china-dprk-1961" data-scenario="korea-dprk-attacked"' in shown.panel
            and 'data-a="1" data-delta="1"' in shown.panel)
    assert "6/5 (1.2)" in shown.panel
    for fragment, element in ((shown.tree, "th-tree"), (shown.signal, "th-regions")):
        match = re.search(rf'<img id="{element}" alt="[^"]+" src="data:image/svg\+xml;base64,'
                          r'([A-Za-z0-9+/=]+)"', fragment)
        assert match is not None
        assert base64.b64decode(match.group(1)).startswith(b"<?xml")
    # Nothing in the page points outside the machine.
    for fragment in (shown.panel, shown.tree, shown.signal):
        assert "http://" not in fragment and "https://" not in fragment


def test_probabilities_out_of_order_are_a_message() -> None:
    shown = cr.view(*CANONICAL, {"p_I": 0.9})
    assert shown.lesson is None and shown.tree == "" and shown.signal == ""
    assert 'data-verdict="error"' in shown.panel and "out of order" in shown.panel
    with pytest.raises(InputError, match="out of order"):
        cr.lesson(*CANONICAL, {"p_S": 0.1})
    with pytest.raises(InputError, match="unknown slider 'v_C'"):
        cr.lesson(*CANONICAL, {"v_C": 3})
    with pytest.raises(InputError, match="δ = 3/2 is outside"):
        cr.lesson(*CANONICAL, {"delta": 1.5})


# ---------------------------------------------------------------------------- sliders
def test_the_sliders_start_at_the_scenario_and_keep_probabilities_in_order() -> None:
    specs = cr.slider_specs(*CANONICAL)
    assert list(specs) == list(cr.SLIDERS)
    assert {name: cr.as_fraction(spec.value) for name, spec in specs.items()} == {
        "a": 2, "delta": 1, "c_A": 3, "p_I": Fraction(3, 10), "p_S": Fraction(4, 5)}
    for spec in specs.values():
        assert spec.value in spec.steps and list(spec.steps) == sorted(set(spec.steps))
        assert spec.label == cr.SLIDERS[spec.name]
    assert float(A_STAR) in specs["a"].steps  # the slider can sit exactly on a*
    assert max(specs["p_I"].steps) == 0.5 == min(specs["p_S"].steps)  # p_L = 1/2
    # every combination of the probability sliders is accepted
    for p_I in specs["p_I"].steps[::3]:
        for p_S in specs["p_S"].steps[::3]:
            cr.lesson(*CANONICAL, {"p_I": p_I, "p_S": p_S})


def test_the_delta_slider_starts_at_the_rulebooks_delta() -> None:
    # "constitutional processes" keeps half the audience cost
    specs = cr.slider_specs("us-philippines-1951", "philippine-vessel-armed-attack")
    assert specs["delta"].value == 0.5
    assert cr.slider_specs(*EXEMPT)["delta"].value == 1  # δ does not enter: the top


def test_slider_floats_are_read_as_the_numbers_they_stand_for() -> None:
    assert cr.as_fraction(0.1 + 0.2) == Fraction(3, 10)
    assert cr.as_fraction(1.2000000000000002) == A_STAR
    assert cr.as_fraction(Fraction(7, 3)) == Fraction(7, 3)


def test_the_dropdowns_list_every_built_in_treaty_and_scenario() -> None:
    treaties, scenarios = cr.treaty_choices(), cr.scenario_choices()
    assert sorted(treaties.values()) == sorted(t.id for t in builtin_treaties())
    assert sorted(scenarios.values()) == sorted(s.id for s in builtin_scenarios())
    label = cr.choice_label(treaties, cr.DEFAULT_TREATY)
    assert label.endswith(cr.DEFAULT_TREATY) and load_treaty(cr.DEFAULT_TREATY).label in label
    assert cr.choice_label(scenarios, cr.DEFAULT_SCENARIO).startswith(
        load_scenario(cr.DEFAULT_SCENARIO).name)


# ---------------------------------------------------------------------------- the app
def test_the_marimo_app_runs_headless() -> None:
    pytest.importorskip("marimo", reason="marimo (the classroom extra) is not installed")
    from analysis.classroom_app import app

    _, defs = app.run()
    shown = defs["shown"]
    assert isinstance(shown, cr.View) and shown.lesson is not None
    assert shown.lesson.verdict == "binding"
    assert defs["a_slider"].value == 2 and defs["delta_slider"].value == 1


# ---------------------------------------------------------------------------- the CLI
def test_the_server_command_line() -> None:
    command = classroom_cli.marimo_command(8123, open_browser=False)
    assert command[1:4] == ["-m", "marimo", "run"]
    assert command[4] == str(classroom_cli.app_path()) and classroom_cli.app_path().is_file()
    joined = " ".join(command)
    assert "--host 127.0.0.1 --port 8123" in joined
    assert {"--headless", "--no-token", "--no-sandbox"} <= set(command)
    assert "--headless" not in classroom_cli.marimo_command(8123)


def test_classroom_listens_on_127_0_0_1_only() -> None:
    assert_bad_input(invoke("classroom", "--host", "0.0.0.0"), "--host", "127.0.0.1")


def test_classroom_without_marimo_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(classroom_cli, "marimo_available", lambda: False)
    assert_bad_input(invoke("classroom", "--no-browser"), "marimo is not installed",
                     "tiedhands[classroom]")


def test_classroom_refuses_a_port_in_use() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert not classroom_cli.port_free(port)
        assert_bad_input(invoke("classroom", "--no-browser", "--port", str(port)),
                         "--port", f"port {port} on 127.0.0.1 is in use")
