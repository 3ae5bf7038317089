"""Tests of games.io.gambit: reading and writing Gambit .nfg and .efg files.

Every number asserted below comes from a file written in the test or from the
format description in Gambit's documentation (payoff order, outcome 0, ...).
"""

from __future__ import annotations

import contextlib
import itertools
import os
import re
import time
import warnings
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from games import (
    CHANCE,
    Chance,
    Decision,
    ExtensiveFormGame,
    InputError,
    Node,
    NormalFormGame,
    Outcome,
    SizeLimitError,
    Terminal,
)
from games.extensive_form import Infoset
from games.io.gambit import (
    GambitLabelWarning,
    read_efg,
    read_game,
    read_nfg,
    write_efg,
    write_game,
    write_nfg,
)
from games.numbers import to_fraction

F = Fraction

# ---------------------------------------------------------------------------- example files
# Modelled on the samples in Gambit's format documentation (our own games and numbers).

STAG_HUNT_PAYOFF = """\
NFG 1 R "Stag hunt" { "Hunter 1" "Hunter 2" }
{ { "stag" "hare" } { "stag" "hare" } }
"two hunters"

4 4 3 0
0 3 3 3
"""
# Lines: 1 header, 2 strategies, 3 comment, 5-6 payoffs.  The first player's strategy
# varies fastest: (stag, stag) = 4 4, (hare, stag) = 3 0, (stag, hare) = 0 3, (hare, hare) = 3 3.

STAG_HUNT_OUTCOME = """\
NFG 1 R "Stag hunt" { "Hunter 1" "Hunter 2" }

{
{ "stag" "hare" }
{ "stag" "hare" }
}
"two hunters"

{
{ "both stag" 4, 4 }
{ "lone hare" 3, 0 }
{ "lone stag" 0 3 }
{ "both hare" 3, 3 }
}
1 2 3 4
"""
# Lines: 10-13 outcomes, 15 outcome numbers.

SIGNALS = """\
EFG 2 R "Signals" { "Sender" "Receiver" }
"Beer or quiche, small numbers"

c "nature" 1 "type" { "strong" 1/3 "weak" 2/3 } 0
p "" 1 1 "strong sender" { "beer" "quiche" } 0
p "" 2 1 "after beer" { "duel" "yield" } 0
t "" 1 "strong duels" { 0 1 }
t "" 2 "strong passes" { 2 0 }
p "" 2 2 "after quiche" { "duel" "yield" } 0
t "" 1
t "" 2
p "" 1 2 "weak sender" { "beer" "quiche" } 0
p "" 2 1 0
t "" 3 "weak duels" { -1 -1 }
t "" 4 "weak passes" { 1 0 }
p "" 2 2 "after quiche" { "duel" "yield" } 0
t "" 3
t "" 4
"""
# Lines: 4 chance root, 5 and 12 the sender's two information sets, 6/13 and 9/16 the
# receiver's two information sets (13 omits the description, 16 repeats it), outcomes
# 1-4 reused without payoffs on lines 10, 11, 17, 18.

TWO_STAGE = """\
EFG 2 R "Two stages, payoffs on the way" { "Row" "Column" }
""

p "" 1 1 "" { "H" "T" } 0
p "" 2 1 "" { "H" "T" } 0
p "" 1 2 "" { "H" "T" } 1 "match" { 1, -1 }
t "" 1 "match" { 1, -1 }
t "" 2 "mismatch" { -1, 1 }
p "" 2 1 "" { "H" "T" } 0
t "" 2 "mismatch" { -1, 1 }
t "" 1 "match" { 1, -1 }
t "" 0
"""
# The outcome "match" at the non-terminal node on line 6 adds to the payoffs below it.


def write_text(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def lines_of(text: str) -> list[str]:
    return text.splitlines()


def replace_line(text: str, number: int, new: str) -> str:
    lines = lines_of(text)
    lines[number - 1] = new
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------- reading .nfg
def test_nfg_payoff_version_order_first_player_fastest(tmp_path: Path) -> None:
    game = read_game(write_text(tmp_path, "stag.nfg", STAG_HUNT_PAYOFF))
    assert isinstance(game, NormalFormGame)
    assert game.title == "Stag hunt"
    assert game.comment == "two hunters"
    assert game.players == ("Hunter 1", "Hunter 2")
    assert game.strategies == (("stag", "hare"), ("stag", "hare"))
    assert game.exact
    expected = {(0, 0): (4, 4), (1, 0): (3, 0), (0, 1): (0, 3), (1, 1): (3, 3)}
    for profile, payoffs in expected.items():
        assert tuple(game.payoff(i, profile) for i in range(2)) == payoffs
        assert all(isinstance(game.payoff(i, profile), Fraction) for i in range(2))


def test_nfg_documented_contingency_order() -> None:
    # The documentation's worked example: 3 x 2 strategies, "1 1 0 2 0 2 1 1 0 3 2 0";
    # profile (2, 1) pays 0 2, profile (3, 1) pays 0 2, then player 2's strategy rolls over.
    game = read_nfg('NFG 1 R "order" { "Player 1" "Player 2" } { 3 2 }\n'
                    "1 1 0 2 0 2 1 1 0 3 2 0\n")
    assert game.shape == (3, 2)
    assert game.strategies == (("1", "2", "3"), ("1", "2"))
    assert [game.payoff(0, (1, 0)), game.payoff(1, (1, 0))] == [0, 2]
    assert [game.payoff(0, (2, 0)), game.payoff(1, (2, 0))] == [0, 2]
    assert [game.payoff(0, (0, 1)), game.payoff(1, (0, 1))] == [1, 1]
    assert [game.payoff(0, (2, 1)), game.payoff(1, (2, 1))] == [2, 0]


def test_nfg_outcome_version_equals_payoff_version() -> None:
    by_payoff = read_nfg(STAG_HUNT_PAYOFF)
    by_outcome = read_nfg(STAG_HUNT_OUTCOME)
    assert by_outcome == by_payoff


def test_nfg_outcome_zero_pays_nothing() -> None:
    text = STAG_HUNT_OUTCOME.replace("1 2 3 4", "1 0 3 0")
    game = read_nfg(text)
    assert [game.payoff(0, (1, 0)), game.payoff(1, (1, 0))] == [0, 0]
    assert [game.payoff(0, (1, 1)), game.payoff(1, (1, 1))] == [0, 0]
    assert [game.payoff(0, (0, 1)), game.payoff(1, (0, 1))] == [0, 3]


def test_nfg_d_header_counts_and_number_formats() -> None:
    game = read_nfg('NFG 1 D "numbers" { "A" "B" } { 2 1 }\n0.1 -1e-3 3/4 +2\n')
    assert game.strategies == (("1", "2"), ("1",))
    assert game.payoff(0, (0, 0)) == F(1, 10)
    assert game.payoff(1, (0, 0)) == F(-1, 1000)
    assert game.payoff(0, (1, 0)) == F(3, 4)
    assert game.payoff(1, (1, 0)) == 2
    assert game.comment == ""


def test_nfg_three_players_and_one_player() -> None:
    text = ('NFG 1 R "three" { "A" "B" "C" } { 2 1 2 }\n'
            "1 2 3  4 5 6  7 8 9  10 11 12\n")
    game = read_nfg(text)
    assert game.shape == (2, 1, 2)
    # Profiles in order (1,1,1), (2,1,1), (1,1,2), (2,1,2).
    assert [game.payoff(i, (1, 0, 0)) for i in range(3)] == [4, 5, 6]
    assert [game.payoff(i, (0, 0, 1)) for i in range(3)] == [7, 8, 9]
    assert [game.payoff(i, (1, 0, 1)) for i in range(3)] == [10, 11, 12]
    solo = read_nfg('NFG 1 R "solo" { "Only" } { 3 } 5 -1 1/2')
    assert solo.shape == (3,)
    assert [solo.payoff(0, (k,)) for k in range(3)] == [5, -1, F(1, 2)]


def test_nfg_escaped_quotes_in_labels() -> None:
    text = STAG_HUNT_PAYOFF.replace('"Stag hunt"', r'"The \"Stag\" hunt"')
    assert read_nfg(text).title == 'The "Stag" hunt'


# ---------------------------------------------------------------------------- reading .efg
def test_efg_signals_structure(tmp_path: Path) -> None:
    game = read_game(write_text(tmp_path, "signals.efg", SIGNALS))
    assert isinstance(game, ExtensiveFormGame)
    assert game.title == "Signals"
    assert game.comment == "Beer or quiche, small numbers"
    assert game.players == ("Sender", "Receiver")
    assert len(game.nodes) == 15
    # Information sets in order of first appearance: chance, sender 1, receiver 1,
    # receiver 2, sender 2.
    assert [(h.player, h.label) for h in game.infosets] == [
        (CHANCE, "type"), (0, "strong sender"), (1, "after beer"), (1, "after quiche"),
        (0, "weak sender")]
    assert game.infosets[0].actions == ("strong", "weak")
    assert game.infosets[0].probabilities == (F(1, 3), F(2, 3))
    assert game.infosets[2].actions == ("duel", "yield")
    assert [len(m) for m in game.infoset_members] == [1, 1, 2, 2, 1]
    assert [o.label for o in game.outcomes] == [
        "strong duels", "strong passes", "weak duels", "weak passes"]
    assert [o.payoffs for o in game.outcomes] == [(0, 1), (2, 0), (-1, -1), (1, 0)]
    terminal = [game.node_payoffs[i] for i, n in enumerate(game.nodes) if n.is_terminal]
    assert terminal == [(0, 1), (2, 0), (0, 1), (2, 0), (-1, -1), (1, 0), (-1, -1), (1, 0)]
    assert game.nodes[0].label == "nature"
    assert game.nodes[0].parent is None
    assert game.nodes[1].parent == 0


def test_efg_nonterminal_outcome_adds_up() -> None:
    game = read_efg(TWO_STAGE)
    assert len(game.outcomes) == 2
    terminal = [game.node_payoffs[i] for i, n in enumerate(game.nodes) if n.is_terminal]
    # Under the node on line 6 (outcome "match" = 1, -1): 1+1, 1-1 ... then the rest.
    assert terminal == [(2, -2), (0, 0), (-1, 1), (1, -1), (0, 0)]
    assert game.nodes[2].outcome == 0 and not game.nodes[2].is_terminal


def test_efg_header_variants() -> None:
    text = ('EFG 2 D "An example of a \\"Bayesian game\\"" { "Player 1" "Player 2" }\n'
            'p "" 1 1 "" { "a" } 0\nt "" 1 "" { 1, 2 }\n')
    game = read_efg(text)
    assert game.title == 'An example of a "Bayesian game"'
    assert game.comment == ""
    assert game.node_payoffs[1] == (1, 2)
    multiline = text.replace("}\np", '}\n"line one\nline two"\np', 1)
    assert read_efg(multiline).comment == "line one\nline two"


def test_efg_whitespace_is_not_significant() -> None:
    squashed = " ".join(SIGNALS.split())
    assert read_efg(squashed) == read_efg(SIGNALS)
    spread = "\n\t ".join(re.findall(r'"(?:[^"\\]|\\.)*"|[^\s"]+', SIGNALS))
    assert read_efg(spread) == read_efg(SIGNALS)


def test_efg_outcome_order_follows_outcome_numbers() -> None:
    text = ('EFG 2 R "" { "A" }\np "" 1 1 "" { "x" "y" } 0\n'
            't "" 7 "seven" { 7 }\nt "" 2 "two" { 2 }\n')
    game = read_efg(text)
    assert [o.label for o in game.outcomes] == ["two", "seven"]
    assert game.node_payoffs[1] == (7,) and game.node_payoffs[2] == (2,)


def test_labels_with_backslashes_and_quotes() -> None:
    text = ('EFG 2 R "C:\\games" { "say \\"hi\\"" "back\\\\slash" }\n'
            'p "" 1 1 "" { "a" } 0\nt "" 0\n')
    game = read_efg(text)
    assert game.title == "C:\\games"  # a lone backslash is kept
    assert game.players == ('say "hi"', "back\\slash")


# ---------------------------------------------------------------------------- round trips
def entry_game() -> ExtensiveFormGame:
    tree = Decision("Entrant", [
        ("Out", Terminal((0, 4), label="out", outcome_label="stay out")),
        ("In", Decision("Incumbent", [("Fight", Terminal((-2, -1))),
                                      ("Share", Terminal((3, 2)))], infoset="respond")),
    ], label="start")
    return ExtensiveFormGame.from_tree(tree, players=["Entrant", "Incumbent"],
                                       title="Entry", comment="two lines\nof comment")


def chance_game() -> ExtensiveFormGame:
    def receiver(payoffs: tuple[tuple[int, int], tuple[int, int]]) -> Decision:
        return Decision("Receiver", [("duel", Terminal(payoffs[0])),
                                     ("yield", Terminal(payoffs[1]))], infoset="seen")

    tree = Chance([
        ("strong", F(1, 3), Decision("Sender", [("go", receiver(((0, 1), (2, 0)))),
                                                ("stop", Terminal((F(1, 2), 0)))])),
        ("weak", F(2, 3), Decision("Sender", [("go", receiver(((-1, -1), (1, 0)))),
                                              ("stop", Terminal((0, F(-3, 7))))])),
    ], label="nature", infoset="type")
    return ExtensiveFormGame.from_tree(tree, players=["Sender", "Receiver"], title="Chance")


def nonterminal_outcome_game() -> ExtensiveFormGame:
    tree = Decision("Row", [
        ("H", Decision("Column", [("h", Terminal((1, -1))), ("t", Terminal((-1, 1)))],
                       infoset="c", payoffs=(F(-1, 4), 0), outcome_label="entry fee")),
        ("T", Decision("Column", [("h", Terminal((-1, 1))), ("t", Terminal((1, -1)))],
                       infoset="c")),
    ])
    return ExtensiveFormGame.from_tree(tree, players=["Row", "Column"])


def reused_outcome_game() -> ExtensiveFormGame:
    nodes = (  # pre-order; the second player's information set has two nodes
        Node(0, (1, 4)),
        Node(1, (2, 3), parent=0),
        Node(None, (), 0, "", 1),
        Node(None, (), 1, "", 1),
        Node(1, (5, 6), parent=0, outcome=2),
        Node(None, (), 1, "", 4),
        Node(None, (), 0, "", 4),
    )
    infosets = (Infoset(0, ("L", "R"), "first"), Infoset(1, ("l", "r"), "second"))
    outcomes = (Outcome((1, 0), "win"), Outcome((0, 1), "lose"), Outcome((F(1, 3), 0), "bonus"))
    return ExtensiveFormGame(("One", "Two"), nodes, infosets, outcomes, "Reused outcomes")


def three_player_game() -> ExtensiveFormGame:
    third = Decision("C", [("l", Terminal((4, 4, 0))), ("r", Terminal((0, 0, 1)))],
                     infoset="three")
    tree = Decision("A", [
        ("down", third),
        ("across", Decision("B", [("down", Decision("C", [("l", Terminal((3, 2, 2))),
                                                          ("r", Terminal((0, 0, 0)))],
                                                    infoset="three")),
                                  ("across", Terminal((1, 1, 1)))])),
    ])
    return ExtensiveFormGame.from_tree(tree, players=["A", "B", "C"], title="Horse")


def float_game() -> ExtensiveFormGame:
    tree = Chance([("a", 0.25, Terminal((0.1, 2.5))),
                   ("b", 0.75, Decision("P", [("x", Terminal((-1e-3, 1 / 3))),
                                              ("y", Terminal((1e20, 0.0)))]))])
    return ExtensiveFormGame.from_tree(tree, players=["P", "Q"])


def exact_version(game: ExtensiveFormGame) -> ExtensiveFormGame:
    """The game with every float replaced by the decimal it prints as."""
    outcomes = tuple(Outcome(tuple(to_fraction(v) for v in o.payoffs), o.label)
                     for o in game.outcomes)
    infosets = tuple(h if h.probabilities is None else Infoset(
        h.player, h.actions, h.label, tuple(to_fraction(p) for p in h.probabilities))
        for h in game.infosets)
    return ExtensiveFormGame(game.players, game.nodes, infosets, outcomes, game.title,
                             game.comment)


TREES = {
    "entry": entry_game,
    "chance": chance_game,
    "nonterminal outcome": nonterminal_outcome_game,
    "reused outcomes": reused_outcome_game,
    "three players": three_player_game,
    "floats": float_game,
}


@pytest.mark.parametrize("make", TREES.values(), ids=TREES.keys())
def test_efg_round_trip(make: Any) -> None:
    game = make()
    text = write_efg(game)
    again = read_efg(text)
    assert again == exact_version(game)
    assert again.exact
    assert write_efg(again) == text or not game.exact


@pytest.mark.parametrize("text", [SIGNALS, TWO_STAGE], ids=["signals", "two stage"])
def test_efg_read_write_read(text: str) -> None:
    game = read_efg(text)
    assert read_efg(write_efg(game)) == game


def normal_games() -> dict[str, NormalFormGame]:
    three = np.arange(12).reshape(2, 3, 2)
    return {
        "ints": NormalFormGame.from_arrays([[3, 0], [5, 1]], [[3, 5], [0, 1]],
                                           players=["Row", "Col"], title="PD"),
        "fractions, 3 players": NormalFormGame.from_arrays(
            three, -three, np.vectorize(lambda v: F(int(v), 7), otypes=[object])(three),
            players=["A", "B", "C"], strategies=[["u", "d"], ["l", "m", "r"], ["x", "y"]],
            comment="three players"),
        "one player": NormalFormGame.from_arrays([F(1, 2), 0, -4], players=["Solo"]),
    }


@pytest.mark.parametrize("name", list(normal_games()))
def test_nfg_round_trip(name: str) -> None:
    game = normal_games()[name]
    assert read_nfg(write_nfg(game)) == game
    assert read_nfg(STAG_HUNT_OUTCOME) == read_nfg(write_nfg(read_nfg(STAG_HUNT_OUTCOME)))


def test_nfg_float_round_trip() -> None:
    game = NormalFormGame.from_arrays([[0.1, 2.5], [-1e-3, 1e20]], [[1 / 3, 0.0], [7.0, -2.25]])
    text = write_nfg(game)
    assert "0.1 0.3333333333333333" in text  # repr(float), first player's strategy fastest
    assert read_nfg(text) == game.to_exact()


def test_writer_layout() -> None:
    text = write_nfg(read_nfg(STAG_HUNT_OUTCOME))
    assert text.splitlines()[0] == 'NFG 1 R "Stag hunt" { "Hunter 1" "Hunter 2" }'
    assert text.splitlines()[-4:] == ["4 4", "3 0", "0 3", "3 3"]
    efg = write_efg(reused_outcome_game()).splitlines()
    assert efg[0] == 'EFG 2 R "Reused outcomes" { "One" "Two" }'
    assert efg[3] == 'p "" 1 1 "first" { "L" "R" } 0'
    assert efg[4] == 'p "" 2 1 "second" { "l" "r" } 0'
    assert efg[5] == 't "" 1 "win" { 1 0 }'
    assert efg[6] == 't "" 2 "lose" { 0 1 }'
    assert efg[7] == 'p "" 2 1 "second" { "l" "r" } 3 "bonus" { 1/3 0 }'


def test_breadth_first_storage_is_rejected() -> None:
    # The model requires depth-first pre-order (the order of an .efg file).
    game = reused_outcome_game()
    breadth_first = (0, 1, 4, 2, 3, 5, 6)
    new_index = {old: new for new, old in enumerate(breadth_first)}
    nodes = tuple(
        Node(n.infoset, tuple(new_index[c] for c in n.children), n.outcome, n.label,
             None if n.parent is None else new_index[n.parent])
        for n in (game.nodes[old] for old in breadth_first))
    with pytest.raises(InputError, match="pre-order"):
        ExtensiveFormGame(game.players, nodes, game.infosets, game.outcomes, game.title)


def test_game_without_players() -> None:
    text = 'EFG 2 R "nature only" { }\nc "" 1 "" { "a" 1/2 "b" 1/2 } 0\nt "" 1 "x" { }\nt "" 0\n'
    game = read_efg(text)
    assert game.players == () and len(game.nodes) == 3
    assert write_efg(game).splitlines()[3:] == text.splitlines()[1:]


def test_unlabelled_games_get_labels_and_are_stable() -> None:
    tree = Decision("", [("", Chance([("", F(1, 2), Terminal((1, 0))),
                                      ("", F(1, 2), Terminal((0, 1)))])),
                         ("", Decision("B", [("", Terminal((2, 2))), ("2", Terminal((0, 0)))]))])
    game = ExtensiveFormGame.from_tree(tree, players=["", "B"])
    text = write_efg(game)
    assert '{ "Player 1" "B" }' in text
    assert 'p "" 1 1 "" { "1" "2" } 0' in text
    assert 'c "" 1 "" { "1" 1/2 "2" 1/2 } 0' in text
    assert 'p "" 2 1 "" { "1" "2" } 0' in text
    assert write_efg(read_efg(text)) == text
    normal = NormalFormGame(NormalFormGame.from_arrays([[1, 2]], [[3, 4]]).payoffs,
                            ("", "Player 1"), (("",), ("", "")))
    nfg = write_nfg(normal)
    assert '{ "Player 1_1" "Player 1" }' in nfg
    assert '{ "1" }\n{ "1" "2" }' in nfg
    assert write_nfg(read_nfg(nfg)) == nfg


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(1, 3), min_size=1, max_size=3), st.data())
def test_nfg_round_trip_random(shape: list[int], data: st.DataObject) -> None:
    size = int(np.prod(shape))
    fractions = st.fractions(min_value=-100, max_value=100, max_denominator=50)
    arrays = [np.array(data.draw(st.lists(fractions, min_size=size, max_size=size)),
                       dtype=object).reshape(shape) for _ in shape]
    game = NormalFormGame.from_arrays(*arrays, players=[f"P{i}" for i in range(len(shape))])
    assert read_nfg(write_nfg(game)) == game


# ---------------------------------------------------------------------------- malformed files
EFG_ERRORS = [
    # (description, text, line, words in the message)
    ("truncated", "\n".join(lines_of(SIGNALS)[:-1]) + "\n", 17,
     ["ends before the tree is complete", "line 16"]),
    ("truncated record", SIGNALS[:SIGNALS.index('{ 1 0 }') + 3], 15,
     ["expected a payoff or '}'", "end of file"]),
    ("payoff vector too long", replace_line(SIGNALS, 7, 't "" 1 "strong duels" { 0 1 5 }'), 7,
     ["outcome 1 has 3 payoffs, expected 2"]),
    ("payoff vector too short", replace_line(SIGNALS, 7, 't "" 1 "strong duels" { 0 }'), 7,
     ["outcome 1 has 1 payoffs, expected 2"]),
    ("undeclared player", replace_line(SIGNALS, 6, 'p "" 3 1 "after beer" { "duel" "yield" } 0'),
     6, ["player 3 is not declared", "2 players"]),
    ("player zero", replace_line(SIGNALS, 6, 'p "" 0 1 "after beer" { "duel" "yield" } 0'),
     6, ['expected a player number, found "0"']),
    ("missing outcome number",
     replace_line(SIGNALS, 4, 'c "nature" 1 "type" { "strong" 1/3 "weak" 2/3 }'), 5,
     ['expected an outcome number (0 for none), found "p"']),
    ("outcome never given", replace_line(SIGNALS, 11, 't "" 9'), 11,
     ["outcome 9 is used before its payoffs are given"]),
    ("infoset reused with other action count",
     replace_line(SIGNALS, 16, 'p "" 2 2 "after quiche" { "duel" "yield" "flee" } 0'), 16,
     ["has 3 actions here but 2 on line 9"]),
    ("infoset redescribed differently",
     replace_line(SIGNALS, 16, 'p "" 2 2 "after cake" { "duel" "yield" } 0'), 16,
     ["described differently here than on line 9"]),
    ("infoset never described", replace_line(SIGNALS, 13, 'p "" 2 5 0'), 13,
     ["information set 5 of player 2 is used before it is described"]),
    ("probability not a number",
     replace_line(SIGNALS, 4, 'c "nature" 1 "type" { "strong" abc "weak" 2/3 } 0'), 4,
     ['expected a probability for action "strong", found "abc"']),
    ("probability missing",
     replace_line(SIGNALS, 4, 'c "nature" 1 "type" { "strong" "weak" 2/3 } 0'), 4,
     ['expected a probability for action "strong", found "weak"']),
    ("probabilities sum to 0.9",
     replace_line(SIGNALS, 4, 'c "nature" 1 "type" { "strong" 0.3 "weak" 0.6 } 0'), 4,
     ["sum to 9/10"]),
    ("negative probability",
     replace_line(SIGNALS, 4, 'c "nature" 1 "type" { "strong" -1/3 "weak" 4/3 } 0'), 4,
     ["negative probability -1/3"]),
    ("duplicate action labels",
     replace_line(SIGNALS, 5, 'p "" 1 1 "strong sender" { "beer" "beer" } 0'), 5,
     ['two actions labelled "beer"']),
    ("duplicate player names", SIGNALS.replace('"Receiver"', '"Sender"', 1), 1,
     ['player name "Sender" is used twice']),
    ("nan payoff", replace_line(SIGNALS, 7, 't "" 1 "strong duels" { nan 1 }'), 7,
     ['expected a payoff of outcome 1, found "nan"']),
    ("inf payoff", replace_line(SIGNALS, 7, 't "" 1 "strong duels" { 0 inf }'), 7,
     ['found "inf"']),
    ("huge exponent", replace_line(SIGNALS, 7, 't "" 1 "strong duels" { 0 1e999999999 }'), 7,
     ['found "1e999999999"']),
    ("payoffs for outcome 0", replace_line(SIGNALS, 7, 't "" 0 "x" { 0 1 }'), 7,
     ["outcome 0 (no outcome) cannot have a label or payoffs"]),
    ("outcome redescribed differently", replace_line(SIGNALS, 10, 't "" 1 "strong duels" { 5 5 }'),
     10, ["outcome 1 is described differently here than on line 7"]),
    ("unterminated quote", replace_line(SIGNALS, 18, 't "oops 4'), 18,
     ["unterminated quoted text"]),
    ("missing closing brace",
     replace_line(SIGNALS, 5, 'p "" 1 1 "strong sender" { "beer" "quiche" 0'), 5,
     ["expected an action label (quoted text) or '}', found \"0\""]),
    ("extra closing brace", replace_line(SIGNALS, 8, 't "" 2 "strong passes" { 2 0 } }'), 8,
     ["found '}'"]),
    ("trailing garbage", SIGNALS + 't "" 0\n', 19,
     ["expected the end of the file after the last node", 'found "t"']),
    ("unknown node type", replace_line(SIGNALS, 6, 'x "" 2 1 "after beer" { "duel" "yield" } 0'),
     6, ["expected a node", 'found "x"']),
    ("wrong version", SIGNALS.replace("EFG 2 R", "EFG 3 R"), 1,
     ['expected format version 2 after \'EFG\', found "3"']),
    ("wrong number type", SIGNALS.replace("EFG 2 R", "EFG 2 Q"), 1, ["expected 'R' or 'D'"]),
    ("missing title", SIGNALS.replace('"Signals" ', ""), 1, ["expected the game title"]),
    ("missing player list brace", SIGNALS.replace('"Receiver" }', '"Receiver"'), 4,
     ["expected a player name (quoted text) or '}', found \"c\""]),
    ("empty file", "", 1, ["expected 'EFG'", "end of file"]),
]


@pytest.mark.parametrize(("text", "line", "words"), [c[1:] for c in EFG_ERRORS],
                         ids=[c[0] for c in EFG_ERRORS])
def test_efg_errors_name_file_and_line(tmp_path: Path, text: str, line: int,
                                       words: list[str]) -> None:
    path = write_text(tmp_path, "bad.efg", text)
    with pytest.raises(InputError) as info:
        read_game(path) if text else read_efg(text, source=str(path))
    message = str(info.value)
    assert message.startswith(f"{path}:{line}: "), message
    assert info.value.line == line
    for word in words:
        assert word in message, message


NFG_ERRORS = [
    ("payoff list too short", STAG_HUNT_PAYOFF.replace("3 3\n", "3\n"), 6,
     ["payoff list has 7 numbers, expected 8 (2 players x 4 profiles)"]),
    ("payoff list too long", STAG_HUNT_PAYOFF.replace("3 3\n", "3 3 9\n"), 6,
     ["payoff list has 9 numbers, expected 8"]),
    ("payoff not a number", STAG_HUNT_PAYOFF.replace("3 0\n", "3 abc\n"), 5,
     ['expected a payoff (a number), found "abc"']),
    ("nan payoff", STAG_HUNT_PAYOFF.replace("3 0\n", "nan 0\n"), 5, ['found "nan"']),
    ("infinite payoff", STAG_HUNT_PAYOFF.replace("0 3 3 3", "0 3 -inf 3"), 6, ['found "-inf"']),
    ("division by zero", STAG_HUNT_PAYOFF.replace("0 3 3 3", "0 3 1/0 3"), 6, ['found "1/0"']),
    ("comma in payoff list", STAG_HUNT_PAYOFF.replace("4 4 3 0", "4, 4 3 0"), 5,
     ["expected a payoff (a number), found ','"]),
    ("too many strategy lists",
     STAG_HUNT_PAYOFF.replace('{ "stag" "hare" } }', '{ "stag" "hare" } { "x" } }'), 2,
     ["expected '}' after the strategies of the 2 players"]),
    ("too few strategy lists", STAG_HUNT_PAYOFF.replace('{ "stag" "hare" } }', "}"), 2,
     ["strategies given for 1 players, expected 2"]),
    ("zero strategies", 'NFG 1 R "" { "A" "B" }\n{ 2 0 }\n1 2 3 4\n', 2,
     ['expected a number of strategies (1 or more) for player 2, found "0"']),
    ("no players", 'NFG 1 R "" { }\n{ }\n', 1, ["the game has no players"]),
    ("duplicate players", STAG_HUNT_PAYOFF.replace("Hunter 2", "Hunter 1"), 1,
     ['player name "Hunter 1" is used twice']),
    ("unterminated quote", STAG_HUNT_PAYOFF.replace('"two hunters"', '"two hunters'), 3,
     ["unterminated quoted text"]),
    ("missing player brace", STAG_HUNT_PAYOFF.replace('"Hunter 2" }', '"Hunter 2"'), 2,
     ["expected a player name (quoted text) or '}', found '{'"]),
    ("missing body", 'NFG 1 R "" { "A" } { 2 }\n', 1,
     ["expected the payoffs (numbers) or an outcome list", "end of file"]),
    ("outcome index out of range", STAG_HUNT_OUTCOME.replace("1 2 3 4", "1 2 3 5"), 15,
     ['expected an outcome number between 0 and 4, found "5"']),
    ("outcome with wrong payoff count",
     STAG_HUNT_OUTCOME.replace('{ "lone hare" 3, 0 }', '{ "lone hare" 3, 0, 1 }'), 11,
     ["outcome 2 has 3 payoffs, expected 2 (one per player)"]),
    ("outcome list too short", STAG_HUNT_OUTCOME.replace("1 2 3 4", "1 2 3"), 15,
     ["outcome number list has 3 entries, expected 4 (one per strategy profile)"]),
    ("outcome payoff not a number", STAG_HUNT_OUTCOME.replace("0 3 }", "0 x }"), 12,
     ['expected a payoff of outcome 3 or \'}\', found "x"']),
    ("trailing garbage", STAG_HUNT_OUTCOME + '"extra"\n', 16,
     ["expected the end of the file after the outcome numbers"]),
    ("wrong version", STAG_HUNT_PAYOFF.replace("NFG 1 R", "NFG 2 R"), 1,
     ["expected format version 1 after 'NFG'"]),
]


@pytest.mark.parametrize(("text", "line", "words"), [c[1:] for c in NFG_ERRORS],
                         ids=[c[0] for c in NFG_ERRORS])
def test_nfg_errors_name_file_and_line(tmp_path: Path, text: str, line: int,
                                       words: list[str]) -> None:
    path = write_text(tmp_path, "pd.nfg", text)
    with pytest.raises(InputError) as info:
        read_game(path)
    message = str(info.value)
    assert message.startswith(f"{path}:{line}: "), message
    assert info.value.line == line
    for word in words:
        assert word in message, message


def test_errors_without_source_give_the_line() -> None:
    with pytest.raises(InputError, match=r"^line 6: payoff list has 7 numbers"):
        read_nfg(STAG_HUNT_PAYOFF.replace("3 3\n", "3\n"))


def test_profile_limit() -> None:
    text = 'NFG 1 R "" { "A" "B" }\n{ 1000 1000 }\n'
    with pytest.raises(SizeLimitError, match="more than 100000 strategy profiles "
                       r"\(limit set by --max-profiles\)"):
        read_nfg(text, max_profiles=100_000)


def test_read_game_rejects_binary_and_unknown_files(tmp_path: Path) -> None:
    binary = tmp_path / "picture.nfg"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe")
    with pytest.raises(InputError, match=f"^{binary}:1: the file is not UTF-8 text"):
        read_game(binary)
    nul = tmp_path / "nul.efg"
    nul.write_bytes(b'EFG 2 R "x" { "A" }\n\x00\n')
    with pytest.raises(InputError, match=f"^{nul}:2: the file contains NUL bytes"):
        read_game(nul)
    other = write_text(tmp_path, "game.gbt", "<gambit:document>\n")
    with pytest.raises(InputError, match=f"^{other}:1: expected 'NFG' or 'EFG'"):
        read_game(other)
    missing = tmp_path / "missing.efg"
    with pytest.raises(InputError, match=f"^{missing}: cannot read the file"):
        read_game(missing)
    with pytest.raises(InputError, match="cannot read the file"):
        read_game(tmp_path)


def test_read_game_dispatches_on_header_and_ignores_bom(tmp_path: Path) -> None:
    path = tmp_path / "signals.txt"
    path.write_bytes(b"\xef\xbb\xbf" + SIGNALS.encode())
    assert read_game(path) == read_efg(SIGNALS)
    nfg = write_text(tmp_path, "stag", STAG_HUNT_PAYOFF)
    assert read_game(nfg) == read_nfg(STAG_HUNT_PAYOFF)


def test_random_damage_gives_input_errors_only() -> None:
    # Every truncation of every example file, and a few hand-made corruptions.
    for text in (SIGNALS, TWO_STAGE, STAG_HUNT_PAYOFF, STAG_HUNT_OUTCOME):
        reader = read_efg if text.startswith("EFG") else read_nfg
        for end in range(len(text)):
            try:
                reader(text[:end])
            except InputError as error:
                assert error.line is not None
        for junk in ("{", "}", '"', ",", "\\", "-", "1/", "x", "\x00", "é"):
            for at in range(0, len(text), 7):
                try:
                    reader(text[:at] + junk + text[at:])
                except InputError as error:
                    assert error.line is not None


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet='pct01 2"{},\n/.-e\\R', max_size=80))
def test_arbitrary_efg_bodies_give_input_errors_only(body: str) -> None:
    with contextlib.suppress(InputError):
        read_efg('EFG 2 R "" { "A" "B" }\n' + body)


# ---------------------------------------------------------------------------- size limits
def test_two_million_line_chain_is_refused_quickly() -> None:
    header = 'EFG 2 R "chain" { "Solo" }\n""\n'
    text = header + 'p "" 1 1 "step" { "stop" "go" } 0\nt "" 0\n' * 1_000_000
    assert text.count("\n") == 2_000_002
    start = time.perf_counter()
    with pytest.raises(SizeLimitError) as info:
        read_efg(text, source="chain.efg", max_nodes=1_000_000)
    elapsed = time.perf_counter() - start
    assert str(info.value) == (
        "chain.efg:1000003: game has more than 1000000 nodes (limit set by --max-nodes)")
    assert elapsed < 60, f"took {elapsed:.1f} s"


def test_limit_stops_reading_at_the_first_node_past_it() -> None:
    header = 'EFG 2 R "chain" { "Solo" }\n'
    text = header + 'p "" 1 1 "" { "stop" "go" } 0\nt "" 0\n' * 3 + "garbage {{{ \"\n" * 1000
    with pytest.raises(SizeLimitError, match=r"^line 7: game has more than 5 nodes"):
        read_efg(text, max_nodes=5)


def test_deep_tree_needs_no_recursion() -> None:
    depth = 20_000
    text = ('EFG 2 R "deep" { "Solo" }\n'
            + 'p "" 1 1 "" { "stop" "go" } 0\nt "" 1 "end" { 1 }\n' * depth + 't "" 0\n')
    game = read_efg(text)
    assert len(game.nodes) == 2 * depth + 1
    assert read_efg(write_efg(game)) == game


# ---------------------------------------------------------------------------- writing files
def test_write_game_and_read_back(tmp_path: Path) -> None:
    tree, normal = chance_game(), normal_games()["ints"]
    write_game(tree, tmp_path / "tree.efg")
    write_game(normal, tmp_path / "normal.nfg")
    write_game(normal, tmp_path / "no suffix")
    assert read_game(tmp_path / "tree.efg") == tree
    assert read_game(tmp_path / "normal.nfg") == normal
    assert read_game(tmp_path / "no suffix") == normal
    assert sorted(os.listdir(tmp_path)) == ["no suffix", "normal.nfg", "tree.efg"]


def test_write_game_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    path = write_text(tmp_path, "game.efg", "precious\n")
    with pytest.raises(InputError, match=f"^{path}: .*use --force"):
        write_game(entry_game(), path)
    assert path.read_text() == "precious\n"
    write_game(entry_game(), path, force=True)
    assert read_game(path) == entry_game()
    assert os.listdir(tmp_path) == ["game.efg"]


def test_write_game_checks_the_suffix(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"game.nfg: .*extensive-form game.*\.efg"):
        write_game(entry_game(), tmp_path / "game.nfg")
    with pytest.raises(InputError, match=r"game.EFG: .*strategic-form game.*\.nfg"):
        write_game(normal_games()["ints"], tmp_path / "game.EFG")
    assert os.listdir(tmp_path) == []


def test_write_game_is_atomic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_text(tmp_path, "game.nfg", "old contents\n")

    def broken(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", broken)
    with pytest.raises(InputError, match=f"^{path}: cannot write the file: No space left"):
        write_game(normal_games()["ints"], path, force=True)
    assert path.read_text() == "old contents\n"
    assert os.listdir(tmp_path) == ["game.nfg"]
    fresh = tmp_path / "fresh.nfg"
    with pytest.raises(InputError):
        write_game(normal_games()["ints"], fresh)
    assert not fresh.exists()
    assert os.listdir(tmp_path) == ["game.nfg"]


def test_symbolic_payoffs_are_refused() -> None:
    a = sympy.Symbol("a")
    normal = NormalFormGame.from_arrays(np.array([[a, 0]], dtype=object), [[1, 2]])
    with pytest.raises(InputError, match="substitute parameters first"):
        write_nfg(normal)
    tree = ExtensiveFormGame.from_tree(
        Decision("P", [("x", Terminal((a + 1,))), ("y", Terminal((0,)))]), players=["P"])
    with pytest.raises(InputError, match=r"symbolic.*substitute parameters first"):
        write_efg(tree)
    assert read_efg(write_efg(tree.subs({"a": 2}))).node_payoffs[1] == (3,)


def test_non_ascii_labels_warn() -> None:
    tree = Decision("Ädam", [("café", Terminal((1,), label="fin")), ("tea", Terminal((0,)))])
    game = ExtensiveFormGame.from_tree(tree, players=["Ädam"], title="Ünïcode")
    with pytest.warns(GambitLabelWarning) as caught:
        text = write_efg(game)
    messages = " ".join(str(w.message) for w in caught)
    assert "'Ädam'" in messages and "'café'" in messages and "'Ünïcode'" in messages
    assert "'tea'" not in messages
    assert read_efg(text) == game  # our reader keeps them
    normal = NormalFormGame.from_arrays([[1, 2]], [[3, 4]], players=["Zoë", "B"])
    with pytest.warns(GambitLabelWarning, match="'Zoë'"):
        write_nfg(normal)


def test_plain_labels_do_not_warn() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", GambitLabelWarning)
        for make in TREES.values():
            write_efg(make())
        for game in normal_games().values():
            write_nfg(game)


def test_labels_pygambit_rejects_or_misreads_warn() -> None:
    tree = Decision("A", [("x", Terminal((1, 0), label="same")),
                          ("y", Decision("Chance", [("u", Terminal((0, 0), label="same"))]))])
    game = ExtensiveFormGame.from_tree(tree, players=["A", "Chance"], title="back\\slash")
    with pytest.warns(GambitLabelWarning) as caught:
        write_efg(game)
    messages = " ".join(str(w.message) for w in caught)
    assert "repeated node labels" in messages and "'same'" in messages
    assert "'Chance'" in messages and "backslash" in messages
    half, one = (F(1, 2), F(1, 2)), (F(1),)
    nodes = (Node(0, (1, 3)), Node(1, (2,), parent=0), Node(None, (), 0, "", 1),
             Node(2, (4,), parent=0), Node(None, (), 0, "", 3))
    infosets = (Infoset(CHANCE, ("a", "b"), "", half), Infoset(CHANCE, ("x",), "k", one),
                Infoset(CHANCE, ("y",), "k", one))  # two chance sets both labelled "k"
    game = ExtensiveFormGame(("A",), nodes, infosets, (Outcome((0,)),))
    with pytest.warns(GambitLabelWarning, match="repeated information set labels.*'k'"):
        write_efg(game)


def test_quoting_round_trip() -> None:
    tree = Decision('say "hi"', [('a "quoted" move', Terminal((1,), label="C:\\dir\\")),
                                 ("\\", Terminal((2,)))])
    game = ExtensiveFormGame.from_tree(tree, players=['say "hi"'], title='"', comment="\\\"")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GambitLabelWarning)
        text = write_efg(game)
    assert 'EFG 2 R "\\"" { "say \\"hi\\"" }' in text
    assert read_efg(text) == game


# ---------------------------------------------------------------------------- pygambit
def pygambit_tree(pg: Any) -> dict[str, Any]:
    """Players, counts, chance probabilities and terminal payoffs of a pygambit tree."""
    players = list(pg.players)
    terminal, probabilities = [], []
    stack = [(pg.root, [F(0)] * len(players))]
    while stack:
        node, total = stack.pop()
        if node.outcome:
            total = [t + F(str(node.outcome[p])) for t, p in zip(total, players, strict=True)]
        if node.is_terminal:
            terminal.append(tuple(total))
        elif node.infoset.is_chance:
            probabilities.append([F(str(a.prob)) for a in node.infoset.actions])
        stack.extend((child, total) for child in reversed(list(node.children)))
    return {"players": [p.label for p in players], "nodes": len(pg.nodes),
            "infosets": len(pg.infosets), "chance infosets": len(pg.players.chance.infosets),
            "terminal payoffs": terminal, "chance probabilities": probabilities}


def our_tree(game: ExtensiveFormGame) -> dict[str, Any]:
    terminal = [game.node_payoffs[i] for i, n in enumerate(game.nodes) if n.is_terminal]
    probabilities = [[F(p) for p in game.infoset_of(i).probabilities or ()]
                     for i, n in enumerate(game.nodes)
                     if not n.is_terminal and game.infoset_of(i).is_chance]
    return {"players": list(game.players), "nodes": len(game.nodes),
            "infosets": sum(1 for h in game.infosets if not h.is_chance),
            "chance infosets": sum(1 for h in game.infosets if h.is_chance),
            "terminal payoffs": [tuple(F(v) for v in t) for t in terminal],
            "chance probabilities": probabilities}


def pygambit_table(pg: Any) -> tuple[list[str], tuple[int, ...], dict[tuple[int, ...], list[F]]]:
    shape = tuple(len(p.strategies) for p in pg.players)
    payoffs = {profile: [F(str(pg[profile][p])) for p in pg.players]
               for profile in itertools.product(*(range(n) for n in shape))}
    return [p.label for p in pg.players], shape, payoffs


def our_table(game: NormalFormGame) -> tuple[list[str], tuple[int, ...],
                                            dict[tuple[int, ...], list[F]]]:
    payoffs = {profile: [F(game.payoff(i, profile)) for i in range(game.n_players)]
               for profile in itertools.product(*(range(n) for n in game.shape))}
    return list(game.players), game.shape, payoffs


@pytest.fixture
def pygambit() -> Iterator[Any]:
    yield pytest.importorskip("pygambit")


@pytest.mark.parametrize("make", TREES.values(), ids=TREES.keys())
def test_pygambit_reads_our_efg(pygambit: Any, tmp_path: Path, make: Any) -> None:
    game = exact_version(make())
    path = tmp_path / "ours.efg"
    write_game(game, path)
    assert pygambit_tree(pygambit.read_efg(str(path))) == our_tree(game)


@pytest.mark.parametrize("text", [SIGNALS, TWO_STAGE], ids=["signals", "two stage"])
def test_pygambit_agrees_on_example_files(pygambit: Any, tmp_path: Path, text: str) -> None:
    path = write_text(tmp_path, "example.efg", text)
    assert pygambit_tree(pygambit.read_efg(str(path))) == our_tree(read_efg(text))


@pytest.mark.parametrize("name", list(normal_games()))
def test_pygambit_reads_our_nfg(pygambit: Any, tmp_path: Path, name: str) -> None:
    game = normal_games()[name]
    path = tmp_path / "ours.nfg"
    write_game(game, path)
    assert pygambit_table(pygambit.read_nfg(str(path))) == our_table(game)


def test_pygambit_reads_our_unlabelled_and_float_games(pygambit: Any, tmp_path: Path) -> None:
    normal = NormalFormGame(NormalFormGame.from_arrays([[0.1, 2.5]], [[-1e-3, 3.0]]).payoffs,
                            ("", "Player 1"), (("",), ("", "")))
    path = tmp_path / "floats.nfg"
    write_game(normal, path)
    players, shape, payoffs = pygambit_table(pygambit.read_nfg(str(path)))
    assert players == ["Player 1_1", "Player 1"] and shape == (1, 2)
    assert payoffs == our_table(normal.to_exact())[2]


def test_pygambit_rejects_what_we_warn_about(pygambit: Any, tmp_path: Path) -> None:
    game = ExtensiveFormGame.from_tree(Decision("Ädam", [("x", Terminal((1,)))]),
                                       players=["Ädam"])
    path = tmp_path / "unicode.efg"
    with pytest.warns(GambitLabelWarning):
        write_game(game, path)
    with pytest.raises(ValueError, match="Invalid label"):
        pygambit.read_efg(str(path))


def native_pygambit_tree(pygambit: Any) -> Any:
    """A tree built with pygambit's own API: chance, a two-node infoset, outcomes."""
    g = pygambit.Game.new_tree(players=["Alice", "Bob"], title="native")
    g.append_move(g.root, g.players.chance, ["heads", "tails"])
    g.set_chance_probs(g.root.infoset, [pygambit.Rational(1, 3), pygambit.Rational(2, 3)])
    heads, tails = list(g.root.children)
    g.append_move(heads, g.players["Alice"], ["x", "y"])
    g.append_infoset(tails, heads.infoset)
    first = g.add_outcome("first", [1, pygambit.Rational(-1, 2)])
    second = g.add_outcome("second", [pygambit.Decimal("0.25"), 3])
    hx, hy = list(heads.children)
    tx, ty = list(tails.children)
    g.append_move(ty, g.players["Bob"], ["l", "r"])
    g.set_outcome(hx, first)
    g.set_outcome(tx, first)
    g.set_outcome(hy, second)
    g.set_outcome(heads, second)
    return g


def test_we_read_pygambit_efg(pygambit: Any) -> None:
    pg = native_pygambit_tree(pygambit)
    game = read_efg(pg.to_efg(), source="pygambit.efg")
    assert our_tree(game) == pygambit_tree(pg)
    # pygambit writes outcome 2 ("second") first; ours come in order of their numbers.
    assert pg.to_efg().index('2 "second"') < pg.to_efg().index('1 "first"')
    assert [o.label for o in game.outcomes] == ["first", "second"]
    assert game.outcomes[1].payoffs == (F(1, 4), 3)


def test_we_read_pygambit_nfg(pygambit: Any) -> None:
    # Tables are written in the outcome version, trees' strategic forms in the payoff version.
    table = pygambit.Game.from_arrays([[1, pygambit.Rational(1, 3)], [3, 4]],
                                      [[5, 6], [7, pygambit.Decimal("-0.5")]], title="table")
    game = read_nfg(table.to_nfg(), source="table.nfg")
    assert our_table(game)[1:] == pygambit_table(table)[1:]
    tree = native_pygambit_tree(pygambit)
    reduced = read_nfg(tree.to_nfg(), source="tree.nfg")
    assert our_table(reduced) == pygambit_table(tree)


def test_we_read_pygambit_round_trip_of_our_files(pygambit: Any, tmp_path: Path) -> None:
    for make in TREES.values():
        game = exact_version(make())
        path = tmp_path / "ours.efg"
        write_game(game, path, force=True)
        again = read_efg(pygambit.read_efg(str(path)).to_efg())
        assert our_tree(again) == our_tree(game)
        assert [h.actions for h in again.infosets] == [h.actions for h in game.infosets]
