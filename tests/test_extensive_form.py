"""Extensive-form games: what validation rejects, and what it accepts as Gambit does."""

from __future__ import annotations

from fractions import Fraction as F

import pytest
import sympy

from games import (
    CHANCE,
    Chance,
    Decision,
    ExtensiveFormGame,
    Infoset,
    InputError,
    Node,
    Outcome,
    Terminal,
)
from games.subgames import subgame_roots


def test_builder_stores_pre_order_and_first_appearance() -> None:
    game = ExtensiveFormGame.from_tree(
        Decision("A", [("l", Decision("B", [("x", Terminal((1, 2))), ("y", Terminal((0, 0)))],
                                      infoset="b")),
                       ("r", Decision("B", [("x", Terminal((3, 1))), ("y", Terminal((0, 5)))],
                                      infoset="b"))]),
        players=["A", "B"])
    assert [n.parent for n in game.nodes] == [None, 0, 1, 1, 0, 4, 4]
    assert [n.children for n in game.nodes][:2] == [(1, 4), (2, 3)]
    assert game.infoset_members == ((0,), (1, 4))
    assert game.subtree_end == (7, 4, 3, 4, 7, 6, 7)
    assert game.has_perfect_recall
    # B cannot tell l from r, so the only subgame is the whole game.
    assert subgame_roots(game) == (0,)


def test_non_terminal_outcomes_add_along_the_path() -> None:
    # A sunk cost of 1 paid at the first move, then 5 or 2 at the end: totals 4 and 1.
    game = ExtensiveFormGame.from_tree(
        Decision("P", [("a", Terminal((5,))), ("b", Terminal((2,)))], payoffs=(-1,)),
        players=["P"])
    assert [game.node_payoffs[i] for i in (1, 2)] == [(F(4),), (F(1),)]


def test_gambit_leniencies_are_accepted() -> None:
    # Empty labels everywhere, a reused outcome label, and no perfect recall are all fine.
    game = ExtensiveFormGame.from_tree(
        Decision("", [
            ("", Decision("", [("", Terminal((1,), outcome_label="same")),
                               ("", Terminal((0,), outcome_label="same"))], infoset="h")),
            ("", Decision("", [("", Terminal((0,), outcome_label="same")),
                               ("", Terminal((2,), outcome_label="same"))], infoset="h")),
        ]),
        players=[""])
    assert not game.has_perfect_recall
    assert "reached through different own moves" in game.perfect_recall_violations()[0]


@pytest.mark.parametrize(("probabilities", "message"), [
    ((F(1, 2), F(2, 5)), "sum to 9/10"),
    ((F(3, 2), F(-1, 2)), "negative probability"),
    ((0.5, 0.4), "sum to 0.9"),
])
def test_chance_probabilities_must_form_a_distribution(probabilities: tuple[object, ...],
                                                        message: str) -> None:
    with pytest.raises(InputError, match=message):
        ExtensiveFormGame.from_tree(
            Chance([("h", probabilities[0], Terminal((1,))),
                    ("t", probabilities[1], Terminal((0,)))]),
            players=["P"])


def test_nan_payoff_is_rejected() -> None:
    with pytest.raises(InputError, match="not a finite number"):
        ExtensiveFormGame.from_tree(Terminal((float("nan"),)), players=["P"])


def test_undeclared_player_duplicate_players_and_duplicate_actions() -> None:
    with pytest.raises(InputError, match="player 'Z' is not declared"):
        ExtensiveFormGame.from_tree(Decision("Z", [("a", Terminal((0,)))]), players=["P"])
    with pytest.raises(InputError, match="duplicate player names"):
        ExtensiveFormGame.from_tree(Terminal((0, 0)), players=["P", "P"])
    with pytest.raises(InputError, match="duplicate action labels"):
        ExtensiveFormGame.from_tree(
            Decision("P", [("a", Terminal((0,))), ("a", Terminal((1,)))]), players=["P"])


def test_information_set_must_offer_the_same_actions() -> None:
    with pytest.raises(InputError, match="different actions"):
        ExtensiveFormGame.from_tree(
            Chance([("x", F(1, 2), Decision("P", [("a", Terminal((0,)))], infoset="h")),
                    ("y", F(1, 2), Decision("P", [("b", Terminal((0,)))], infoset="h"))]),
            players=["P"])


def test_flat_constructor_rejects_inconsistent_trees() -> None:
    decision = Infoset(0, ("a", "b"))
    ok_nodes = (Node(0, (1, 2)), Node(None, (), 0, parent=0), Node(None, (), 0, parent=0))
    outcomes = (Outcome((F(0),)),)
    ExtensiveFormGame(("P",), ok_nodes, (decision,), outcomes)
    with pytest.raises(InputError, match="one child per action"):
        ExtensiveFormGame(("P",), (*ok_nodes[:2], Node(None, (), 0, parent=0)),
                          (Infoset(0, ("a", "b", "c")),), outcomes)
    with pytest.raises(InputError, match="outcome 2 is not declared"):
        ExtensiveFormGame(("P",), (Node(0, (1, 2)), Node(None, (), 1, parent=0),
                                   Node(None, (), 0, parent=0)), (decision,), outcomes)
    with pytest.raises(InputError, match="payoffs, one per player"):
        ExtensiveFormGame(("P",), ok_nodes, (decision,), (Outcome((F(0), F(1))),))
    with pytest.raises(InputError, match="player 2 is not declared"):
        ExtensiveFormGame(("P",), ok_nodes, (Infoset(1, ("a", "b")),), outcomes)
    with pytest.raises(InputError, match="not a child of this node"):
        ExtensiveFormGame(("P",), (Node(0, (1, 2)), Node(None, (), 0, parent=0),
                                   Node(None, (), 0, parent=1)), (decision,), outcomes)
    with pytest.raises(InputError, match="pre-order"):
        ExtensiveFormGame(("P",), (Node(0, (2, 1)), Node(None, (), 0, parent=0),
                                   Node(None, (), 0, parent=0)), (decision,), outcomes)
    with pytest.raises(InputError, match="chance probabilities missing"):
        ExtensiveFormGame(("P",), ok_nodes, (Infoset(CHANCE, ("a", "b")),), outcomes)


def test_symbolic_probabilities_are_kept_until_substituted() -> None:
    q = sympy.Symbol("q")
    game = ExtensiveFormGame.from_tree(
        Chance([("R", q, Terminal((1,))), ("U", 1 - q, Terminal((0,)))]), players=["P"])
    assert game.symbolic and game.free_symbols == {q}
    numeric = game.subs({"q": F(1, 4)})
    assert numeric.infosets[0].probabilities == (F(1, 4), F(3, 4))
    with pytest.raises(InputError, match="negative probability"):
        ExtensiveFormGame.from_tree(
            Chance([("R", q, Terminal((1,))), ("U", 1 - q, Terminal((0,)))]),
            players=["P"]).subs({"q": F(-1, 4)})
