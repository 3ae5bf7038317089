"""``tiedhands capability`` and ``tiedhands decompose`` end to end (CliRunner on the app).

Contract, from issue #9 and the other commands' conventions: both commands speak
every report format (from ``--format`` or the ``-o`` suffix) and every output names
the capability rules flagged ``assumption: true`` that it used; the JSON provenance
carries the capability rules' fingerprint; the decomposition on the command line is
the one of :func:`analysis.decompose.decompose` (exact shares adding up to the change)
and, with ``--draws``, of :func:`analysis.decompose.decompose_draws` at the same seed;
plots are PNG or reproducible SVG; no file is overwritten without ``--force``; bad
input (profiles, rules files, options) exits 2 with one line on stderr naming the
culprit.  Every expected number comes from the Python API, never typed in.

Bad profile files are refused by both commands through ``--profile FILE`` and reported,
every problem with its file and line, by ``tiedhands profile check``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from analysis.batch_verdicts import plan_readings
from analysis.capability import CapabilityEffects, capability_effects, scenario_roles, shifted
from analysis.capability_cli import plot_footnote
from analysis.capability_reports import draws_json
from analysis.capability_rules import PROBABILITIES, load_rules
from analysis.decompose import AUDIENCE, decompose, decompose_draws
from analysis.parameters import resolve
from analysis.provenance import provenance
from analysis.sampling import parse_distributions
from analysis.sweep import DrawPoints, first_valid_point
from analysis.verdicts import default_ally
from tests.test_analysis_cli import Run, assert_parses, invoke
from tests.test_analysis_cli import assert_bad_input as assert_shared_bad_input
from treaties.load import load_profile, load_scenario, load_treaty

TREATY, SCENARIO, PROFILE = "china-dprk-1961", "korea-dprk-attacked", "russia-china-2020s"
# China (710) for North Korea (731): Russian materiel, exercises and intelligence reach
# China as the ally, so all three channels and the audience cost are factors.
DECOMPOSE = ("decompose", "--treaty", TREATY, "--scenario", SCENARIO, "--profile", PROFILE)
CAPABILITY = ("capability", "--profile", PROFILE, "--scenario", SCENARIO, "--treaty", TREATY)
COMMANDS = {"capability": CAPABILITY, "decompose": DECOMPOSE}
DIST = ("--dist", "v_C=uniform(1,6)")
WITH_DRAWS = {**COMMANDS, "decompose-draws": (*DECOMPOSE, "--draws", "1000", *DIST)}
FORMATS = ("table", "json", "markdown", "latex")
SUFFIXES = {".txt": "table", ".json": "json", ".md": "markdown", ".tex": "latex"}


def assert_bad_input(run: Run, *fragments: str) -> str:
    """As in the analysis CLI tests, and the line starts with ``tiedhands: error:``."""
    line = assert_shared_bad_input(run, *fragments)
    assert line.startswith("tiedhands: error: ")
    return line


def api_effects(rules: Path | None = None, profile: str = PROFILE) -> CapabilityEffects:
    """What the commands compute for the default ally (China), through the Python API."""
    _, capability_rules = load_rules(None if rules is None else str(rules))
    scenario = load_scenario(SCENARIO)
    roles = scenario_roles(scenario, default_ally(load_treaty(TREATY), scenario))
    return capability_effects(load_profile(profile), scenario, capability_rules, roles)


def assert_assumptions_named(text: str, effects: CapabilityEffects) -> None:
    """The note flags ``assumption: true`` and names every flagged rule used."""
    flagged = effects.assumptions()
    assert flagged, "the built-in magnitudes are all flagged, so some rule must be"
    assert "assumption: true" in text
    note = next(line for line in text.splitlines() if "assumption: true" in line)
    for rule in flagged:
        assert rule in note, (rule, note)


def line_of(text: str, fragment: str) -> int:
    """The 1-based line of the last line of ``text`` holding ``fragment``."""
    return max(k for k, line in enumerate(text.splitlines(), 1) if fragment in line)


# ------------------------------------------------------------------------- formats
@pytest.mark.parametrize("output_format", FORMATS)
@pytest.mark.parametrize("command", WITH_DRAWS)
def test_every_format_parses_and_flags_the_assumptions(command: str, output_format: str
                                                       ) -> None:
    run = invoke(*WITH_DRAWS[command], "--format", output_format)
    assert run.code == 0, run.stderr
    assert_parses(output_format, run.stdout)
    effects = api_effects()
    if output_format == "json":
        document = json.loads(run.stdout)
        fingerprint = document["provenance"]["capability_rules_fingerprint"]
        assert fingerprint == effects.rules.fingerprint()
        described = (document["effects"] if command == "capability"
                     else document["effects"][0])  # decompose: one per profile
        assert described["assumptions"] == list(effects.assumptions())
        assert_assumptions_named(document["assumption_note"], effects)
    else:
        assert_assumptions_named(run.stdout, effects)
        assert f"capability rules {effects.rules.fingerprint()}" in run.stdout


@pytest.mark.parametrize("suffix", SUFFIXES)
@pytest.mark.parametrize("command", COMMANDS)
def test_the_output_suffix_chooses_the_format(tmp_path: Path, command: str, suffix: str
                                              ) -> None:
    path = tmp_path / f"report{suffix}"
    run = invoke(*COMMANDS[command], "-o", path)
    assert (run.code, run.stdout) == (0, ""), run.stderr
    text = path.read_text("utf-8")
    assert_parses(SUFFIXES[suffix], text)
    note = (json.loads(text)["assumption_note"] if suffix == ".json" else text)
    assert_assumptions_named(note, api_effects())


# ------------------------------------------------------------------ the numbers
def test_capability_json_equals_the_api() -> None:
    document = invoke(*CAPABILITY, "--format", "json").json()
    effects = api_effects()
    params = resolve(load_scenario(SCENARIO))
    assert effects.channels, "the case must reach at least one channel"
    assert document["effects"]["shifts"] == {
        c: {p: str(v) for p, v in effects.shifts(c).items()} for c in effects.channels}
    after, clipped = shifted(params.values, [effects.shifts(c) for c in effects.channels])
    assert document["probabilities"] == {
        "without": {p: str(params[p]) for p in PROBABILITIES},
        "with": {p: str(after[p]) for p in PROBABILITIES}, "clipped": clipped}
    assert [v["treaty"] for v in document["verdicts"]] == [TREATY]
    assert document["effects"]["roles"]["ally"] == effects.roles.ally


def test_decompose_shares_equal_the_api_and_add_up_to_the_change() -> None:
    document = invoke(*DECOMPOSE, "--format", "json").json()
    effects = api_effects()
    scenario = load_scenario(SCENARIO)
    expected = decompose(load_treaty(TREATY), scenario, resolve(scenario), effects,
                         load_rules()[0])
    assert document["treaty"] == TREATY and document["draws"] == []
    assert len(document["point"]) == len(expected) >= 1
    for found, direct in zip(document["point"], expected, strict=True):
        assert found["reading"] == direct.plan.reading
        assert found["factors"] == [AUDIENCE, *effects.channels]
        assert found["shares"] == {f: str(v) for f, v in direct.shares.items()}
        assert found["change"] == str(direct.change)
        assert sum(Fraction(v) for v in found["shares"].values()) == Fraction(found["change"])
        assert len(found["coalitions"]) == 2 ** len(found["factors"])
    # The case is worth testing: tied hands and some channel both move the margin.
    assert any(d.shares[AUDIENCE] != 0 for d in expected)
    assert any(d.shares[c] != 0 for d in expected for c in effects.channels)


def test_a_zero_share_of_a_negative_change_is_zero_percent() -> None:
    # Under russia-dprk only North Korea (the protégé) gains, which moves p_S alone, while
    # the margin follows the ally's response (p_L or p_I): the materiel share is 0 and the
    # change is not.  0/(negative) is −0.0 in floating point; the report says 0%.
    run = invoke(*DECOMPOSE[:-1], "russia-dprk", "--format", "markdown")
    assert run.code == 0, run.stderr
    scenario = load_scenario(SCENARIO)
    [direct] = decompose(load_treaty(TREATY), scenario, resolve(scenario),
                         api_effects(profile="russia-dprk"), load_rules()[0])
    assert direct.shares["materiel_transfer"] == 0 and direct.change < 0
    row = next(line for line in run.stdout.splitlines()
               if line.startswith("| materiel and technology transfer | 0 |"))
    assert row.split(" | ")[2] == "0%"
    assert "-0%" not in run.stdout


def direct_draws(draws: int, seed: int, dist: str) -> list[dict[str, Any]]:
    """decompose_draws, as JSON, for the default case at one seed."""
    effects = api_effects()
    scenario = load_scenario(SCENARIO)
    distributions = parse_distributions([dist])
    params = resolve(scenario, [], {n: f"drawn from {d}" for n, d in distributions.items()})
    points = DrawPoints(distributions, params.values, seed, draws)
    plans = plan_readings([load_treaty(TREATY)], scenario, effects.roles.ally,
                          rulebook=load_rules()[0], base=first_valid_point(points))
    found = [draws_json(decompose_draws(plan, points, effects)) for plan in plans]
    result: list[dict[str, Any]] = json.loads(json.dumps(found))
    return result


def test_decompose_draws_equal_the_api_at_the_same_seed() -> None:
    document = invoke(*DECOMPOSE, "--draws", "5000", "--seed", "11", *DIST,
                      "--format", "json").json()
    assert document["draws"] == direct_draws(5000, 11, DIST[1])
    assert document["point"] == [] and document["treaty"] == TREATY
    assert document["provenance"]["parameter_sources"]["v_C"] == "drawn from uniform(1, 6)"
    for found in document["draws"]:
        assert found["draws"] == 5000
        every = next(m["value"] for m in found["mean_margin"]
                     if len(m["factors"]) == len(found["margin_shares"]))
        none = next(m["value"] for m in found["mean_margin"] if not m["factors"])
        assert sum(found["margin_shares"].values()) == pytest.approx(every - none)


def test_the_default_seed_is_zero_and_seeds_are_reproducible() -> None:
    def draws(*seed: str) -> Any:
        return invoke(*DECOMPOSE, "--draws", "2000", *seed, *DIST, "--format", "json"
                      ).json()["draws"]
    first = draws("--seed", "5")
    assert draws("--seed", "5") == first
    assert draws("--seed", "6") != first
    assert draws() == draws("--seed", "0")


# ------------------------------------------------------------------------ plots
@pytest.mark.parametrize("command", WITH_DRAWS)
def test_svg_plots_are_reproducible_and_png_is_written(tmp_path: Path, command: str) -> None:
    args = WITH_DRAWS[command]
    images = [tmp_path / "one.svg", tmp_path / "two.svg", tmp_path / "three.png"]
    for image in images:
        run = invoke(*args, "--plot", image)
        assert run.code == 0, run.stderr
    one, two, png = (image.read_bytes() for image in images)
    assert one == two and one.lstrip().startswith(b"<?xml") and b"<svg" in one
    assert png.startswith(b"\x89PNG\r\n\x1a\n")


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("suffix", [".pdf", ".jpg", ""])
def test_a_plot_must_be_png_or_svg(tmp_path: Path, command: str, suffix: str) -> None:
    image = tmp_path / f"chart{suffix}"
    assert_bad_input(invoke(*COMMANDS[command], "--plot", image), "--plot", ".png or .svg")
    assert not image.exists()


@pytest.mark.parametrize("command", COMMANDS)
def test_a_bad_output_suffix_is_refused_before_any_plot_is_drawn(tmp_path: Path,
                                                                  command: str) -> None:
    image, report = tmp_path / "chart.svg", tmp_path / "report.pdf"
    run = invoke(*COMMANDS[command], "-o", report, "--plot", image)
    assert_bad_input(run, "--output", ".pdf")
    assert not image.exists() and not report.exists()


@pytest.mark.parametrize("command", COMMANDS)
def test_one_file_cannot_take_both_outputs(tmp_path: Path, command: str) -> None:
    path = tmp_path / "both.svg"
    assert_bad_input(invoke(*COMMANDS[command], "--format", "json", "-o", path, "--plot", path),
                     "same file")
    assert not path.exists()


# ---------------------------------------------------------------- no overwriting
@pytest.mark.parametrize(("option", "name"), [("-o", "report.json"), ("--plot", "chart.svg")])
@pytest.mark.parametrize("command", COMMANDS)
def test_files_are_overwritten_only_with_force(tmp_path: Path, command: str, option: str,
                                               name: str) -> None:
    path = tmp_path / name
    path.write_text("keep me\n", "utf-8")
    refused = invoke(*COMMANDS[command], option, path)
    assert_bad_input(refused, str(path), "already exists", "--force")
    assert path.read_text("utf-8") == "keep me\n"
    forced = invoke(*COMMANDS[command], option, path, "--force")
    assert forced.code == 0, forced.stderr
    written = path.read_text("utf-8")
    assert written != "keep me\n"
    if option == "-o":
        assert_parses("json", written)
    else:
        assert "<svg" in written
    assert sorted(p.name for p in tmp_path.iterdir()) == [name], "no temporary file is left"


# ----------------------------------------------------------------- bad profiles
GOOD_PROFILE = """\
id: test-profile
name: A test profile
partners: [365, 731]
entries:
  - id: drones-to-dprk
    what: Drones
    supplier: 365
    recipient: 731
    channel: materiel_transfer
    capabilities: [strike]
    start: 2024-01-01
    sources:
      - citation: A test source.
  - id: exercises
    what: Exercises
    supplier: 365
    recipient: 731
    mutual: true
    channel: joint_exercises
    capabilities: [command]
    start: 2024-01-01
    sources:
      - citation: A test source.
"""


def test_a_profile_file_is_read_like_a_built_in_one(tmp_path: Path) -> None:
    path = tmp_path / "profile.yaml"
    path.write_text(GOOD_PROFILE, "utf-8")
    document = invoke("capability", "--profile", path, "--scenario", SCENARIO,
                      "--format", "json").json()
    effects = api_effects(profile=str(path))
    assert document["effects"]["profile"] == "test-profile"
    assert document["effects"]["shifts"] == {
        c: {p: str(v) for p, v in effects.shifts(c).items()} for c in effects.channels}
    assert set(effects.channels) == {"materiel_transfer", "joint_exercises"}
    assert_assumptions_named(document["assumption_note"], effects)


def _replace(old: str, new: str) -> Callable[[str], str]:
    def edit(text: str) -> str:
        assert old in text
        return text.replace(old, new, 1)
    return edit


# Each case: an edit of GOOD_PROFILE, the text on the line the error must name (its last
# occurrence: a repeated id is reported where it is repeated), and what else the message
# must say.
PROFILE_CASES = {
    # The parser finds the unclosed list where the next key starts.
    "malformed YAML": (_replace("partners: [365, 731]", "partners: [365, 731"),
                       "entries:", ("malformed YAML",)),
    "unknown channel": (_replace("channel: joint_exercises", "channel: telepathy"),
                        "channel: telepathy", ("entries[1].channel", "telepathy",
                                               "materiel_transfer")),
    "supplier not a partner": (_replace("supplier: 365", "supplier: 2"), "supplier: 2",
                               ("entries[0].supplier", "2 is not a partner", "365, 731")),
    "duplicate entry id": (_replace("id: exercises", "id: drones-to-dprk"),
                           "id: drones-to-dprk",
                           ("entries[1].id", "duplicate id 'drones-to-dprk'")),
    "end before start": (_replace("start: 2024-01-01\n", "start: 2024-01-01\n"
                                                         "    end: 2023-12-31\n"),
                         "end: 2023-12-31", ("entries[0].end", "ends before it starts",
                                             "2024-01-01")),
}


@pytest.mark.parametrize("case", PROFILE_CASES)
@pytest.mark.parametrize("command", COMMANDS)
def test_a_bad_profile_file_names_its_line_and_field(tmp_path: Path, command: str, case: str
                                                     ) -> None:
    edit, culprit, fragments = PROFILE_CASES[case]
    text = edit(GOOD_PROFILE)
    path = tmp_path / "profile.yaml"
    path.write_text(text, "utf-8")
    line = line_of(text, culprit)
    args = [*COMMANDS[command]]
    args[args.index(PROFILE)] = str(path)
    assert_bad_input(invoke(*args), f"{path}:{line}:", *fragments)


def test_profile_check_finds_every_problem_the_commands_refuse(tmp_path: Path) -> None:
    good = tmp_path / "good.yaml"
    good.write_text(GOOD_PROFILE, "utf-8")
    run = invoke("profile", "check", good)
    assert run.code == 0 and "all valid" in run.stdout, run.stdout + run.stderr
    bad = tmp_path / "bad"
    bad.mkdir()
    expected = []
    for k, (case, (edit, culprit, fragments)) in enumerate(PROFILE_CASES.items()):
        text = edit(GOOD_PROFILE)
        path = bad / f"case-{k}.yaml"
        path.write_text(text, "utf-8")
        expected.append((case, str(path), line_of(text, culprit), fragments))
    run = invoke("profile", "check", bad, "--format", "json")
    assert run.code == 2, run.stderr
    document = json.loads(run.stdout)
    assert (document["kind"], document["files"], document["ok"]) == (
        "profile", len(PROFILE_CASES), False)
    for case, name, line, fragments in expected:
        found = [p for p in document["problems"] if p["file"] == name]
        assert [p["line"] for p in found] == [line], (case, found)
        text = " ".join(f"{found[0]['field']}: {found[0]['message']} ({found[0]['expected']})"
                        .split())
        assert all(fragment in text for fragment in fragments), (case, text)


def test_profile_check_passes_the_built_in_profiles() -> None:
    folder = Path(__file__).parent.parent / "treaties" / "data" / "profiles"
    run = invoke("profile", "check", folder)
    assert run.code == 0 and "all valid" in run.stdout, run.stdout + run.stderr


@pytest.mark.parametrize("command", COMMANDS)
def test_an_unknown_profile_id_lists_the_built_in_ones(command: str) -> None:
    args = [*COMMANDS[command]]
    args[args.index(PROFILE)] = "no-such-profile"
    assert_bad_input(invoke(*args), "profile", "'no-such-profile'", PROFILE, "russia-dprk")


# ------------------------------------------------------------------ rules files
RULE_TAIL = "    assumption: false\n    why: A test.\n    source: Mine.\n"
RULES_CASES: dict[str, tuple[str, int | None, tuple[str, ...]]] = {
    # name: (file text, line the error names (None: none), what the message must say)
    "unknown section": ("bogus: []\n", 1, ("bogus", "unknown section", "countermeasures")),
    "shift of 2": ("capabilities:\n  - id: capability-strike\n    capability: strike\n"
                   "    shift: 2\n" + RULE_TAIL, 4,
                   ("capabilities[0].shift", "got 2", "less than or equal to 1")),
    "shift NaN": ("capabilities:\n  - id: capability-strike\n    capability: strike\n"
                  "    shift: .nan\n" + RULE_TAIL, 4,
                  ("capabilities[0].shift", "nan", "finite")),
    "two rules for one role": ("roles:\n  - id: my-challenger\n    role: challenger\n"
                               "    moves: {p_I: 1}\n" + RULE_TAIL, 3,
                               ("roles[0].role", "rule 'my-challenger' covers the role "
                                "'challenger', as rule 'role-challenger' does",
                                "one rule per role")),
    "offset of 1.5": ("countermeasures:\n  - id: counter-materiel\n"
                      "    channel: materiel_transfer\n    offset: 1.5\n" + RULE_TAIL, 4,
                      ("countermeasures[0].offset", "1.5", "less than or equal to 1")),
    "unknown theatre region": ("theatres:\n  - id: theatre-atlantis\n"
                               "    regions: [atlantis]\n" + RULE_TAIL, 3,
                               ("theatres[0].regions[0]", "'atlantis' is not a known region",
                                "korean-peninsula")),
    "not YAML": ("\x00\x01 binary", 1, ("malformed YAML",)),
    "not a mapping": ("just some text\n", 1, ("not a mapping",)),
}


@pytest.mark.parametrize("case", RULES_CASES)
@pytest.mark.parametrize("command", COMMANDS)
def test_a_bad_rules_file_is_refused(tmp_path: Path, command: str, case: str) -> None:
    text, line, fragments = RULES_CASES[case]
    path = tmp_path / "rules.yaml"
    path.write_text(text, "utf-8")
    where = f"{path}:{line}:" if line is not None else f"{path}:"
    assert_bad_input(invoke(*COMMANDS[command], "--rules", path), where, *fragments)


def test_a_missing_rules_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "missing.yaml"
    assert_bad_input(invoke(*DECOMPOSE, "--rules", path), str(path), "cannot read")


def test_a_full_countermeasure_zeroes_the_materiel_share(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text("countermeasures:\n  - id: counter-materiel\n"
                    "    channel: materiel_transfer\n    offset: 1\n" + RULE_TAIL, "utf-8")
    document = invoke(*DECOMPOSE, "--rules", path, "--format", "json").json()
    effects = api_effects(path)
    scenario = load_scenario(SCENARIO)
    expected = decompose(load_treaty(TREATY), scenario, resolve(scenario), effects,
                         load_rules(str(path))[0])
    assert "materiel_transfer" in effects.channels
    for found, direct in zip(document["point"], expected, strict=True):
        assert found["shares"]["materiel_transfer"] == "0"
        assert found["shares"] == {f: str(v) for f, v in direct.shares.items()}
    # Without the countermeasure the materiel share is not zero (so the rule did it).
    builtin = invoke(*DECOMPOSE, "--format", "json").json()
    assert any(p["shares"]["materiel_transfer"] != "0" for p in builtin["point"])
    assert document["provenance"]["capability_rules_fingerprint"] == effects.rules.fingerprint()
    assert effects.rules.fingerprint() != api_effects().rules.fingerprint()
    assert all(c.countermeasures == ("counter-materiel",) for c in effects.contributions
               if c.channel == "materiel_transfer")


# --------------------------------------------------------------- other options
@pytest.mark.parametrize(("extra", "fragments"), [
    (("--draws", "100"), ("--dist", "go together")),
    (DIST, ("--draws", "go together")),
    (("--seed", "3"), ("--draws", "go together")),
    (("--draws", "0", *DIST), ("--draws 0", "between 1 and 10,000,000")),
    (("--draws", "10000001", *DIST), ("--draws", "between 1 and 10,000,000")),
    (("--draws", "10", "--dist", "v_C=gamma(1,2)"), ("gamma",)),
    (("--ally", "99999"), ("--ally", "99999 is not a Correlates of War state code")),
    (("--for", "99999"), ("--for", "99999 is not a Correlates of War state code")),
    (("--param", "p_I=2"), ("--param p_I", "p_I = 2", "0 ≤ p_I ≤ 1")),
    (("--param", "zeta=1"), ("zeta",)),
])
def test_decompose_refuses_bad_options(extra: tuple[str, ...], fragments: tuple[str, ...]
                                       ) -> None:
    assert_bad_input(invoke(*DECOMPOSE, *extra), *fragments)


@pytest.mark.parametrize(("extra", "fragments"), [
    (("--ally", "99999"), ("--ally", "99999 is not a Correlates of War state code")),
    (("--param", "p_I=2"), ("--param p_I", "p_I = 2", "0 ≤ p_I ≤ 1")),
])
def test_capability_refuses_bad_options(extra: tuple[str, ...], fragments: tuple[str, ...]
                                        ) -> None:
    assert_bad_input(invoke(*CAPABILITY, *extra), *fragments)


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize(("option", "value"), [("--scenario", SCENARIO), ("--treaty", TREATY)])
def test_unknown_scenarios_and_treaties_are_named(command: str, option: str, value: str
                                                  ) -> None:
    args = [*COMMANDS[command]]
    args[args.index(option) + 1] = "no-such-thing"
    assert_bad_input(invoke(*args), option.removeprefix("--"), "'no-such-thing'")


# ------------------------------------------------- rules capability, LaTeX text
def test_rules_capability_lists_every_rule_with_its_flag(tmp_path: Path) -> None:
    """``tiedhands rules capability`` prints the rules in effect; a user file changes them."""
    _, built_in = load_rules()
    run = invoke("rules", "capability", "--format", "json")
    assert run.code == 0
    shown = json.loads(run.stdout)
    assert shown["fingerprint"] == built_in.fingerprint()
    assert shown["assumptions"] == list(built_in.assumptions())
    assert [r["id"] for r in shown["capabilities"]] == [r.id for r in built_in.capabilities]
    mine = tmp_path / "mine.yaml"
    mine.write_text("channels:\n  - id: channel-joint-exercises\n    channel: joint_exercises\n"
                    "    weight: 1\n    assumption: true\n    why: mine\n    source: mine\n")
    changed = json.loads(invoke("rules", "capability", "--rules", mine, "--format",
                                "json").stdout)
    assert changed["fingerprint"] == load_rules(str(mine))[1].fingerprint()
    assert changed["fingerprint"] != built_in.fingerprint()
    markdown = invoke("rules", "capability", "--format", "markdown").stdout
    assert markdown.count("| assumption |") == len(built_in.assumptions())


@pytest.mark.parametrize("command", [DECOMPOSE, CAPABILITY, (*DECOMPOSE, "--draws", "2000",
                                                              *DIST)])
def test_latex_output_has_no_raw_unicode_maths(command: tuple[str, ...]) -> None:
    """The minus sign, Δ and √ of the reports are escaped for pdflatex."""
    run = invoke(*command, "--format", "latex")
    assert run.code == 0
    assert not set("−Δ√²") & set(run.stdout)


# ------------------------------------------------------------- several profiles
def test_decompose_takes_several_profiles() -> None:
    """Two --profile: each profile's channels are factors of their own (JSON shares equal
    the API's); the combination table gives way to a note past 32 rows; a profile given
    twice is refused."""
    scenario = load_scenario(SCENARIO)
    both = [api_effects(), api_effects(profile="russia-dprk")]
    command = (*DECOMPOSE, "--profile", "russia-dprk")
    document = invoke(*command, "--format", "json").json()
    [expected] = decompose(load_treaty(TREATY), scenario, resolve(scenario), both,
                           load_rules()[0])
    assert document["profiles"] == [PROFILE, "russia-dprk"]
    assert document["point"][0]["shares"] == {f: str(v) for f, v in expected.shares.items()}
    assert len(document["effects"]) == 2
    assert len(document["point"][0]["coalitions"]) == 2 ** len(expected.factors)
    table = invoke(*command, "--format", "markdown").stdout
    assert len(expected.factors) == 5 and "too many to print" not in table  # 32 rows
    assert f"{PROFILE}: materiel and technology transfer" in table
    assert f"MT1 {PROFILE}: materiel and technology transfer" in table
    seven = invoke("decompose", "--treaty", "us-philippines-1951", "--scenario",
                   "philippine-vessel-armed-attack", "--profile", PROFILE, "--profile",
                   "us-philippines", "--format", "markdown").stdout
    assert "128 combinations: too many to print" in seven
    assert_bad_input(invoke(*DECOMPOSE, "--profile", PROFILE), "--profile",
                     "a profile is given twice")


# ------------------------------------------------------------ what JSON carries
def test_json_carries_what_the_tables_show() -> None:
    """Draws JSON: the seed, the distributions and each reading's δ and short responses;
    capability JSON: the ally's response and the challenge, without and with cooperation;
    a reading that leaves no audience cost says so in the table; plots carry the note."""
    drawn = invoke(*DECOMPOSE, "--draws", "1000", "--seed", "5", *DIST, "--format",
                   "json").json()
    assert any("seed 5" in line and "uniform(1, 6)" in line for line in drawn["description"])
    [reading] = drawn["draws"]
    assert (reading["fixed_verdict"], reading["delta"], reading["short"]) == (None, "1",
                                                                           ["L", "S"])
    shown = invoke(*CAPABILITY, "--format", "json").json()
    for verdict in shown["verdicts"]:
        for key in ("play_without", "play_with"):
            assert set(verdict[key]) == {"ally_action", "challenge"}
    table = invoke("decompose", "--treaty", "us-philippines-1951", "--scenario",
                   "taiwan-strait-war", "--profile", PROFILE, "--format", "markdown").stdout
    assert "verdict here is not_applicable at every point" in table
    effects = api_effects()
    record = provenance("x", capability_rules=effects.rules.fingerprint())
    footnote = plot_footnote(effects, record)
    assert "assumption: true" in footnote and effects.rules.fingerprint() in footnote
