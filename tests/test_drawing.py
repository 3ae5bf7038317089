"""Game-tree drawings: ``analysis.drawing`` and ``tiedhands draw``.

Contract (issue #8, part 1): a drawing shows players, information sets as
dashed links, chance probabilities and payoffs (formulas as mathtext, no TeX
needed); the edges drawn as the equilibrium path are exactly the equilibrium's
path and the orange ones exactly its choices off the path; SVG bytes are
reproducible and carry no date; PNG is written; bad input is exit 2 with one
line on stderr; games above the documented size are refused.

The drawing marks its artists with gids (``edge-<node>-<action>-<kind>``,
``infoset-<set>-<k>``, ``action-<node>-<action>``, ``payoff-<leaf>-<player>``),
which the tests read off the matplotlib Figure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from typer.testing import CliRunner

from analysis.cli import app
from analysis.draw_cli import file_drawing, treaty_drawing
from analysis.drawing import (
    MAX_DEPTH,
    MAX_LEAVES,
    TreeDrawing,
    draw_tree,
    label_clashes,
    payoff_text,
    show,
    spe_behaviour,
    tree_image,
)
from analysis.models.deterrence import deterrence_game
from analysis.verdicts import analyze
from games.errors import InputError, SizeLimitError
from games.extensive_form import CHANCE, Chance, Decision, ExtensiveFormGame, Terminal
from games.io.gambit import write_game
from games.numbers import Payoff
from games.play import reach_probabilities
from tests.strategies import trees
from treaties.load import load_scenario, load_treaty

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "docs" / "examples" / "extended-deterrence.efg"
CASE_1962 = ("--treaty", "sino-soviet-1950", "--scenario", "sino-indian-1962")
CANONICAL = ("--treaty", "china-dprk-1961", "--scenario", "korea-dprk-attacked")


# ---------------------------------------------------------------------------- games
def entry_game() -> ExtensiveFormGame:
    """Entry deterrence: the only SPE is (In, Accommodate), paying (1, 1); Fight off path
    is not chosen, so no orange edge."""
    return ExtensiveFormGame.from_tree(Decision("Entrant", [
        ("Out", Terminal((0, 2))),
        ("In", Decision("Incumbent", [("Fight", Terminal((-1, -1))),
                                      ("Accommodate", Terminal((1, 1)))])),
    ]), players=["Entrant", "Incumbent"], title="Entry")


def signalling_game() -> ExtensiveFormGame:
    """Nature draws the sender's type (1/3 strong, 2/3 weak); the sender signals or not;
    the receiver sees the signal, not the type: two information sets of two nodes each."""
    def receiver(signal: str, strong: bool) -> Decision:
        return Decision("Receiver", [
            ("Fight", Terminal((-1 if strong else -2, 1 if not strong else -1))),
            ("Yield", Terminal((1 if signal == "Signal" else 2, 0))),
        ], infoset=f"after {signal}")

    return ExtensiveFormGame.from_tree(Chance([
        (name, probability, Decision("Sender", [("Signal", receiver("Signal", name == "strong")),
                                                ("Quiet", receiver("Quiet", name == "strong"))],
                                     infoset=name))
        for name, probability in (("strong", Fraction(1, 3)), ("weak", Fraction(2, 3)))
    ]), players=["Sender", "Receiver"], title="Signalling")


def wide_game(leaves: int) -> ExtensiveFormGame:
    return ExtensiveFormGame.from_tree(
        Decision("P", [(f"a{k}", Terminal((k,))) for k in range(leaves)]), players=["P"])


def chain_game(depth: int) -> ExtensiveFormGame:
    node: Decision | Terminal = Terminal((0,))
    for k in range(depth):
        node = Decision("P", [("stop", Terminal((k,))), ("go", node)])
    assert isinstance(node, Decision)
    return ExtensiveFormGame.from_tree(node, players=["P"])


# ---------------------------------------------------------------------------- figures
def artists(figure: Any) -> list[Any]:
    axes = figure.axes[0]
    return [*axes.lines, *axes.patches, *axes.texts]


def edges(figure: Any, kind: str) -> set[tuple[int, int]]:
    """(node, action) of the edges drawn as ``kind`` (path, offpath-spe, plain)."""
    found = set()
    for line in figure.axes[0].lines:
        gid = line.get_gid() or ""
        if gid.startswith("edge-") and gid.endswith(f"-{kind}"):
            _, node, action, _ = gid.split("-", 3)
            found.add((int(node), int(action)))
    return found


def texts(figure: Any, prefix: str) -> dict[str, str]:
    return {t.get_gid(): t.get_text() for t in figure.axes[0].texts
            if (t.get_gid() or "").startswith(prefix)}


def expected_edges(game: ExtensiveFormGame,
                   behaviour: Sequence[Sequence[Payoff]]) -> tuple[set[tuple[int, int]],
                                                                   set[tuple[int, int]]]:
    """Moves on the path (reached, taken with positive probability) and the player's
    moves taken with positive probability at nodes off the path, from first principles."""
    reach = reach_probabilities(game, behaviour)
    on, off = set(), set()
    for index, node in enumerate(game.nodes):
        if node.infoset is None:
            continue
        for action, probability in enumerate(behaviour[node.infoset]):
            if probability == 0:
                continue
            if reach[index] != 0:
                on.add((index, action))
            elif game.infosets[node.infoset].player != CHANCE:
                off.add((index, action))
    return on, off


def test_path_edges_are_exactly_the_spe_path() -> None:
    game = entry_game()
    behaviour, note = spe_behaviour(game)
    assert note == "subgame-perfect equilibrium 1 of 1 highlighted"
    figure = draw_tree(game, equilibrium=behaviour)
    # Root: In (action 1) to node 2; node 2: Accommodate (action 1).
    assert edges(figure, "path") == {(0, 1), (2, 1)}
    assert edges(figure, "offpath-spe") == set()
    assert edges(figure, "plain") == {(0, 0), (2, 0)}


def test_deterrence_game_marks_the_replies_off_the_path() -> None:
    """1962 values at a_eff = 0: Challenge, Limited aid, Press on; the challenger's
    replies after Intervene and Stay out (Press on, nodes 3 and 9) are off the path."""
    analysis = analyze(load_treaty("sino-soviet-1950"), load_scenario("sino-indian-1962"),
                       with_nash=False)
    drawing = treaty_drawing(analysis)
    assert drawing.behaviour is not None
    figure = draw_tree(drawing.game, equilibrium=drawing.behaviour, title=drawing.title)
    assert edges(figure, "path") == {(0, 1), (2, 1), (6, 1)}
    assert edges(figure, "offpath-spe") == {(3, 1), (9, 1)}
    assert "irrelevant_exempt" in drawing.title and "a_eff = 0" in drawing.title
    assert "(the only one)" in drawing.title


def test_binding_case_highlights_intervention() -> None:
    """China for the DPRK at the defaults: binding at a_eff = 2, the ally intervenes."""
    analysis = analyze(load_treaty("china-dprk-1961"), load_scenario("korea-dprk-attacked"),
                       with_nash=False)
    drawing = treaty_drawing(analysis, symbolic=True)
    assert drawing.game.symbolic and "binding" in drawing.title
    assert drawing.behaviour is not None
    figure = draw_tree(drawing.game, equilibrium=drawing.behaviour, title=drawing.title)
    assert {(0, 1), (2, 0)} <= edges(figure, "path")
    payoffs = texts(figure, "payoff-")
    assert any(t.startswith("$") and t.endswith("$") and "mathrm{eff}" in t
               for t in payoffs.values()), payoffs


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(trees(max_players=3, max_depth=4, max_nodes=24))
def test_random_trees_draw_their_spe_and_information_sets(game: ExtensiveFormGame) -> None:
    behaviour, note = spe_behaviour(game)
    figure = draw_tree(game, equilibrium=behaviour)
    if behaviour is None:  # three players in an imperfect-information subgame, no pure SPE
        assert note.startswith("no subgame-perfect equilibrium") and not edges(figure, "path")
        return
    on, off = expected_edges(game, behaviour)
    assert edges(figure, "path") == on
    assert edges(figure, "offpath-spe") == off
    links = [p for p in figure.axes[0].patches if (p.get_gid() or "").startswith("infoset-")]
    assert len(links) == sum(len(m) - 1 for m in game.infoset_members)
    assert label_clashes(game, behaviour) == []


def test_information_sets_are_dashed_links_and_chance_shows_probabilities() -> None:
    game = signalling_game()
    behaviour, note = spe_behaviour(game)
    figure = draw_tree(game, equilibrium=behaviour, title=f"Signalling\n{note}")
    links = {p.get_gid(): p for p in figure.axes[0].patches
             if (p.get_gid() or "").startswith("infoset-")}
    # Two receiver sets of two nodes each: one link each; the sender's sets are singletons.
    assert len(links) == 2
    assert all(p.get_linestyle() not in ("-", "solid") for p in links.values())
    labels = texts(figure, "action-0-")
    assert labels == {"action-0-0": "strong (1/3)", "action-0-1": "weak (2/3)"}
    assert texts(figure, "infoset-label-")  # the sets are named
    assert {(0, 0), (0, 1)} <= edges(figure, "path")  # both types are drawn by chance


def test_mixed_behaviour_shows_its_probabilities() -> None:
    game = entry_game()
    mixed = [(Fraction(1, 4), Fraction(3, 4)), (Fraction(1, 2), Fraction(1, 2))]
    figure = draw_tree(game, equilibrium=mixed)
    assert texts(figure, "action-0-") == {"action-0-0": "Out (1/4)", "action-0-1": "In (3/4)"}
    assert edges(figure, "path") == {(0, 0), (0, 1), (2, 0), (2, 1)}
    with pytest.raises(InputError, match="shape"):
        draw_tree(game, equilibrium=[(Fraction(1),)])


def test_payoff_text_is_exact_or_mathtext() -> None:
    assert payoff_text(Fraction(-3, 2)) == "\N{MINUS SIGN}3/2"
    assert payoff_text(Fraction(4)) == "4"
    assert payoff_text(0.25) == "0.25"
    game = deterrence_game({"S"})
    shown = [payoff_text(v) for payoffs in game.node_payoffs for v in payoffs]
    assert "$- c_{C} + p_{I} v_{C}$" in shown
    assert "$- a_{\\mathrm{eff}}$" in shown


def test_symbolic_game_renders_without_tex(tmp_path: Path) -> None:
    import matplotlib

    assert not matplotlib.rcParams["text.usetex"]
    image = tree_image(deterrence_game({"L", "S"}), "svg")
    assert image.startswith(b"<?xml") and b"payoff-8-1" in image


# ---------------------------------------------------------------------------- images
def test_svg_is_reproducible_and_undated() -> None:
    game = signalling_game()
    behaviour, note = spe_behaviour(game)
    first = tree_image(game, "svg", equilibrium=behaviour, title=note)
    second = tree_image(game, "svg", equilibrium=behaviour, title=note)
    assert first == second
    assert b"<dc:date>" not in first and b"Date" not in first
    assert b'id="edge-0-0-path"' in first and b'id="infoset-' in first


def test_notebook_drawing_renders_inline(tmp_path: Path) -> None:
    drawing = show(entry_game(), "spe")
    assert isinstance(drawing, TreeDrawing)
    assert drawing._repr_svg_().startswith("<?xml")
    assert drawing._repr_png_()[:8] == b"\x89PNG\r\n\x1a\n"
    target = tmp_path / "entry.svg"
    drawing.save(target)
    assert target.read_bytes() == drawing.svg()
    with pytest.raises(InputError, match="already exists"):
        drawing.save(target)
    with pytest.raises(InputError, match=r"\.png or \.svg"):
        drawing.save(tmp_path / "entry.pdf")
    assert show(entry_game()).behaviour is None


def test_size_limits() -> None:
    draw_tree(wide_game(MAX_LEAVES))  # at the limit: drawn
    with pytest.raises(SizeLimitError, match=f"{MAX_LEAVES + 1} leaves"):
        draw_tree(wide_game(MAX_LEAVES + 1))
    with pytest.raises(SizeLimitError, match=f"{MAX_DEPTH + 1} moves deep"):
        draw_tree(chain_game(MAX_DEPTH + 1))


# ---------------------------------------------------------------------------- CLI
@dataclass(frozen=True)
class Run:
    code: int
    stdout: str
    stderr: str


def invoke(*args: str | Path) -> Run:
    result = CliRunner().invoke(app, ["draw", *map(str, args)])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Run(result.exit_code, result.stdout, result.stderr)


def assert_bad_input(run: Run, *fragments: str) -> None:
    assert run.code == 2, run
    assert run.stdout == ""
    lines = run.stderr.splitlines()
    assert len(lines) == 1 and "Traceback" not in run.stderr, run.stderr
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])


def test_cli_draws_the_1962_case_as_svg_and_png(tmp_path: Path) -> None:
    svg, png = tmp_path / "tree.svg", tmp_path / "tree.png"
    run = invoke(*CASE_1962, "-o", svg)
    assert (run.code, run.stdout, run.stderr) == (0, "", "")
    first = svg.read_bytes()
    assert first.startswith(b"<?xml") and b'id="edge-2-1-path"' in first
    assert_bad_input(invoke(*CASE_1962, "-o", svg), "already exists", "--force")
    assert invoke(*CASE_1962, "-o", svg, "--force").code == 0
    assert svg.read_bytes() == first
    assert invoke(*CASE_1962, "-o", png).code == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_cli_draws_a_game_file(tmp_path: Path) -> None:
    target = tmp_path / "example.svg"
    assert invoke(EXAMPLE, "-o", target).code == 0
    drawing = file_drawing(EXAMPLE)
    assert "subgame-perfect equilibrium 1 of 1" in drawing.title
    # The example's SPE: Status quo (root action 1); Intervene; Back down; Fight.
    figure = draw_tree(drawing.game, equilibrium=drawing.behaviour)
    assert edges(figure, "path") == {(0, 1)}
    assert edges(figure, "offpath-spe") == {(1, 0), (2, 1), (5, 0)}
    assert file_drawing(EXAMPLE, plain=True).behaviour is None


def test_cli_draws_a_game_without_perfect_recall_unsolved(tmp_path: Path) -> None:
    forgetful = ExtensiveFormGame.from_tree(Decision("P", [
        ("L", Decision("P", [("l", Terminal((1,))), ("r", Terminal((0,)))], infoset="later")),
        ("R", Decision("P", [("l", Terminal((0,))), ("r", Terminal((2,)))], infoset="later")),
    ]), players=["P"], title="Forgetful")
    path = tmp_path / "forgetful.efg"
    write_game(forgetful, path)
    assert invoke(path, "-o", tmp_path / "forgetful.png").code == 0
    drawing = file_drawing(path)
    assert drawing.behaviour is None and "perfect recall" in drawing.title


@pytest.mark.parametrize(("args", "fragments"), [
    ((*CASE_1962,), ("--output", "-o FILE.svg")),
    ((*CASE_1962, "-o", "tree.gif"), ("tree.gif", ".png or .svg")),
    (("--treaty", "no-such-treaty", "--scenario", "sino-indian-1962", "-o", "{tmp}/t.svg"),
     ("no built-in treaty 'no-such-treaty'",)),
    (("-o", "{tmp}/t.svg"), ("nothing to draw",)),
    (("--treaty", "sino-soviet-1950", "-o", "{tmp}/t.svg"), ("--scenario", "nothing to draw")),
    ((str(EXAMPLE), *CASE_1962, "-o", "{tmp}/t.svg"), ("both a game file",)),
    ((str(EXAMPLE), "--symbolic", "-o", "{tmp}/t.svg"),
     ("--symbolic", "goes with --treaty and --scenario")),
    ((*CASE_1962, "--spe", "2", "-o", "{tmp}/t.svg"), ("--spe", "goes with a game file")),
    ((str(EXAMPLE), "--spe", "2", "-o", "{tmp}/t.svg"),
     ("extended-deterrence.efg", "1 subgame-perfect equilibrium", "from 1 to 1")),
    ((*CASE_1962, "--param", "nope=1", "-o", "{tmp}/t.svg"), ("nope",)),
    ((*CASE_1962, "--ally", "99999", "-o", "{tmp}/t.svg"), ("--ally", "99999")),
    (("{tmp}/missing.efg", "-o", "{tmp}/t.svg"), ("missing.efg",)),
])
def test_cli_bad_input_is_one_line(tmp_path: Path, args: tuple[str, ...],
                                   fragments: tuple[str, ...]) -> None:
    run = invoke(*(a.replace("{tmp}", str(tmp_path)) for a in args))
    assert_bad_input(run, *fragments)
    assert not (tmp_path / "t.svg").exists()


def test_cli_refuses_malformed_strategic_and_oversized_files(tmp_path: Path) -> None:
    broken = tmp_path / "broken.efg"
    broken.write_text('EFG 2 R "broken" { "A" "B" } ""\np "" 1 1 "x" { "a" "b" } 0\n')
    assert_bad_input(invoke(broken, "-o", tmp_path / "t.svg"), "broken.efg")
    strategic = tmp_path / "pd.nfg"
    strategic.write_text('NFG 1 R "PD" { "A" "B" } { 2 2 } 3 3 5 0 0 5 1 1\n')
    assert_bad_input(invoke(strategic, "-o", tmp_path / "t.svg"), "pd.nfg", "strategic-form")
    large = tmp_path / "large.efg"
    write_game(wide_game(MAX_LEAVES + 1), large)
    assert_bad_input(invoke(large, "--plain", "-o", tmp_path / "t.svg"),
                     "large.efg", f"{MAX_LEAVES + 1} leaves", f"at most {MAX_LEAVES}")
    assert not (tmp_path / "t.svg").exists()


def test_plain_and_spe_exclude_each_other(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["draw", "docs/examples/extended-deterrence.efg", "--plain",
                                      "--spe", "2", "-o", str(tmp_path / "x.svg")])
    assert result.exit_code == 2
    assert "--spe with --plain" in result.stderr
    assert not (tmp_path / "x.svg").exists()


def test_a_file_too_large_to_draw_names_the_limit_of_draw(tmp_path: Path) -> None:
    # A chain of 50,001 decision nodes: past the reader's limit for drawing (100,000 nodes);
    # the message names draw's limits, not solve's --max-nodes option.
    lines = ['EFG 2 R "chain" { "A" "B" }', '""', ""]
    for k in range(50_001):
        lines += [f'p "" 1 {k + 1} "" {{ "x" "y" }} 0', f't "" {k + 1} "" {{ 0, 0 }}']
    lines.append('t "" 999999 "" { 0, 0 }')
    path = tmp_path / "chain.efg"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["draw", str(path), "-o", str(tmp_path / "x.svg")])
    assert result.exit_code == 2
    assert "more than 100,000 nodes" in result.stderr and "--max-nodes" not in result.stderr
