"""Subgame-perfect equilibria: textbook games with their answers written out.

Each expected answer is derived by hand in the comment above it (backward
induction), and cross-checked against pygambit where pygambit can speak to it.
"""

from __future__ import annotations

from fractions import Fraction as F

import pytest

from games import Chance, Decision, ExtensiveFormGame, Terminal, UnsupportedGameError
from games.certificates import behaviour_regrets, subgame_perfect_regret
from games.solve import solve_tree
from games.solvers.spe import INCOMPLETE_NOTE, subgame_perfect_equilibria


def entry_game() -> ExtensiveFormGame:
    """Selten's entry deterrence: Out (0, 2); In, then Fight (-1, -1) or Accommodate (1, 1)."""
    return ExtensiveFormGame.from_tree(
        Decision("Entrant", [
            ("Out", Terminal((0, 2))),
            ("In", Decision("Incumbent", [("Fight", Terminal((-1, -1))),
                                          ("Accommodate", Terminal((1, 1)))])),
        ]),
        players=["Entrant", "Incumbent"], title="Entry deterrence")


def test_entry_deterrence_has_the_single_credible_equilibrium() -> None:
    # Incumbent: Accommodate (1) > Fight (-1); Entrant: In (1) > Out (0).
    result = subgame_perfect_equilibria(entry_game())
    assert result.concept == "SPE" and result.exact and result.complete
    assert [eq.profile for eq in result.equilibria] == [((F(0), F(1)), (F(0), F(1)))]
    assert result.equilibria[0].payoffs == (F(1), F(1))
    assert result.equilibria[0].max_regret == 0


def test_entry_deterrence_nash_includes_the_empty_threat() -> None:
    # Reduced strategic form: Out/Fight is a Nash equilibrium (the threat is never tested),
    # and so is every mix of the incumbent with Fight >= 1/2 against Out; extreme points:
    # (In, Accommodate), (Out, Fight), (Out, 1/2 Fight + 1/2 Accommodate).
    result = solve_tree(entry_game(), all_equilibria=True)
    profiles = {eq.profile for eq in result.equilibria}
    assert profiles == {
        ((F(0), F(1)), (F(0), F(1))),
        ((F(1), F(0)), (F(1), F(0))),
        ((F(1), F(0)), (F(1, 2), F(1, 2))),
    }
    assert result.degenerate
    game = entry_game()
    for eq in result.equilibria:
        behaviour = [eq.profile[0], eq.profile[1]]
        assert max(behaviour_regrets(game, behaviour)) == 0
    # Only (In, Accommodate) survives in the subgame after In.
    threat = [(F(1), F(0)), (F(1), F(0))]
    assert subgame_perfect_regret(game, threat) == 2


def chain_store(markets: int) -> ExtensiveFormGame:
    """Selten's chain store with ``markets`` entrants, one after another.

    Per market: the entrant stays out (entrant 0, store 5) or enters; after entry
    the store fights (entrant -1, store 0) or accommodates (entrant 2, store 2).
    Each market's payoffs are an outcome attached to the node where the next
    market starts (non-terminal outcomes, added along the path, as in Gambit).
    """
    n = markets + 1

    def vector(market: int, store: int, entrant: int) -> tuple[int, ...]:
        values = [0] * n
        values[0], values[market + 1] = store, entrant
        return tuple(values)

    def stage(market: int, incoming: tuple[int, ...] | None) -> Decision | Terminal:
        if market == markets:
            assert incoming is not None
            return Terminal(incoming)
        return Decision(f"E{market + 1}", [
            ("Out", stage(market + 1, vector(market, 5, 0))),
            ("In", Decision("Store", [
                ("Fight", stage(market + 1, vector(market, 0, -1))),
                ("Accommodate", stage(market + 1, vector(market, 2, 2))),
            ])),
        ], payoffs=incoming)

    players = ["Store"] + [f"E{k + 1}" for k in range(markets)]
    return ExtensiveFormGame.from_tree(stage(0, None), players=players)


def test_chain_store_paradox() -> None:
    # Backward induction: in the last market the store accommodates (2 > 0), so the last
    # entrant enters (2 > 0); the store's fighting earlier cannot change later play, so it
    # accommodates everywhere and every entrant enters: store 2 + 2 = 4, each entrant 2.
    game = chain_store(2)
    result = subgame_perfect_equilibria(game)
    assert len(result.equilibria) == 1
    assert result.equilibria[0].payoffs == (F(4), F(2), F(2))
    store = game.players.index("Store")
    assert all(p in (F(0), F(1)) for p in result.equilibria[0].profile[store])
    assert result.equilibria[0].max_regret == 0


def selten_horse() -> ExtensiveFormGame:
    """Selten's horse: player 3 cannot tell D from (C, d)."""
    return ExtensiveFormGame.from_tree(
        Decision("1", [
            ("C", Decision("2", [
                ("c", Terminal((1, 1, 1))),
                ("d", Decision("3", [("L", Terminal((4, 4, 0))), ("R", Terminal((1, 1, 1)))],
                               infoset="h3")),
            ])),
            ("D", Decision("3", [("L", Terminal((3, 3, 2))), ("R", Terminal((0, 0, 0)))],
                           infoset="h3")),
        ]),
        players=["1", "2", "3"], title="Selten's horse")


def test_selten_horse_pure_equilibria_and_incompleteness_note() -> None:
    # The only subgame is the whole game, played by three players, so the solver lists its
    # pure Nash equilibria: (D, c, L), (C, c, R) and (C, d, R) (checked by hand: in (C, d, R)
    # player 2 is indifferent, 1 = 1, and player 3 prefers R after (C, d)).
    result = subgame_perfect_equilibria(selten_horse())
    one = (F(1), F(0))
    two = (F(0), F(1))
    # Player 1's actions are (C, D); player 2's (c, d); player 3's (L, R).
    expected = {(two, one, one), (one, one, two), (one, two, two)}
    assert {eq.profile for eq in result.equilibria} == expected
    assert not result.complete
    assert INCOMPLETE_NOTE in result.notes


def test_selten_horse_agrees_with_pygambit_pure_equilibria() -> None:
    pygambit = pytest.importorskip("pygambit")
    from tests.gambit_bridge import tree_to_pygambit

    game = selten_horse()
    theirs = pygambit.nash.enumpure_solve(tree_to_pygambit(game)).equilibria
    mine = subgame_perfect_equilibria(game).equilibria
    assert len(theirs) == len(mine) == 3
    their_payoffs = sorted(tuple(F(str(eq.payoff(p))) for p in eq.game.players)
                           for eq in theirs)
    assert their_payoffs == sorted(eq.payoffs for eq in mine)


def test_chance_moves_take_expectations() -> None:
    # Nature: Good w.p. 1/3, Bad w.p. 2/3.  After Good the player takes 6 over 0,
    # after Bad it takes 1 over -3: value 1/3 * 6 + 2/3 * 1 = 8/3.
    game = ExtensiveFormGame.from_tree(
        Chance([
            ("Good", F(1, 3), Decision("P", [("Take", Terminal((6,))), ("Leave", Terminal((0,)))])),
            ("Bad", F(2, 3), Decision("P", [("Take", Terminal((-3,))), ("Leave", Terminal((1,)))])),
        ]),
        players=["P"])
    result = subgame_perfect_equilibria(game)
    assert result.equilibria[0].payoffs == (F(8, 3),)
    assert result.equilibria[0].profile == ((F(1), F(0), F(0), F(1)),)


def simultaneous_subgame(subgame: str) -> ExtensiveFormGame:
    """Player 1 takes an outside option (2, 2) or enters a simultaneous-move game."""
    table = {
        # matching pennies: the row player wants to match
        "pennies": {("H", "H"): (1, -1), ("H", "T"): (-1, 1), ("T", "H"): (-1, 1),
                    ("T", "T"): (1, -1)},
        # battle of the sexes: (B, B) = (3, 1), (S, S) = (1, 3), mismatches 0
        "sexes": {("B", "B"): (3, 1), ("B", "S"): (0, 0), ("S", "B"): (0, 0),
                  ("S", "S"): (1, 3)},
    }[subgame]
    first, second = sorted({r for r, _ in table}), sorted({c for _, c in table})
    if subgame == "sexes":
        first, second = ["B", "S"], ["B", "S"]
    column = {r: Decision("2", [(c, Terminal(table[r, c])) for c in second], infoset="h2")
              for r in first}
    return ExtensiveFormGame.from_tree(
        Decision("1", [("Out", Terminal((2, 2))),
                       ("In", Decision("1", [(r, column[r]) for r in first]))]),
        players=["1", "2"])


def test_matching_pennies_subgame_is_solved_in_mixed_strategies() -> None:
    # The pennies subgame has the unique equilibrium (1/2, 1/2), (1/2, 1/2) with value 0 < 2,
    # so player 1 takes the outside option.
    result = subgame_perfect_equilibria(simultaneous_subgame("pennies"))
    half = F(1, 2)
    assert [eq.profile for eq in result.equilibria] == [((F(1), F(0), half, half), (half, half))]
    assert result.equilibria[0].payoffs == (F(2), F(2))
    assert result.equilibria[0].max_regret == 0


def test_battle_of_the_sexes_subgame_gives_three_equilibria() -> None:
    # Subgame equilibria: (B, B) worth 3 to player 1 -> In; (S, S) worth 1 -> Out;
    # mixed: player 1 plays B w.p. 3/4, player 2 plays B w.p. 1/4, worth 3/4 -> Out.
    result = subgame_perfect_equilibria(simultaneous_subgame("sexes"))
    summary = {(eq.profile[0][:2], eq.payoffs) for eq in result.equilibria}
    assert summary == {
        ((F(0), F(1)), (F(3), F(1))),
        ((F(1), F(0)), (F(2), F(2))),
    }
    assert len(result.equilibria) == 3
    mixed = [eq for eq in result.equilibria if F(3, 4) in eq.profile[0]]
    assert mixed and mixed[0].profile == ((F(1), F(0), F(3, 4), F(1, 4)), (F(1, 4), F(3, 4)))


def test_ties_are_reported_and_each_gives_an_equilibrium() -> None:
    # The ally is indifferent (0 = 0) between Help (challenger gets -1) and Shirk
    # (challenger gets 1): two SPE, the challenger stays out in one and moves in the other.
    game = ExtensiveFormGame.from_tree(
        Decision("C", [("Stay", Terminal((0, 0))),
                       ("Move", Decision("A", [("Help", Terminal((-1, 0))),
                                               ("Shirk", Terminal((1, 0)))]))]),
        players=["C", "A"])
    result = subgame_perfect_equilibria(game)
    assert result.ties
    assert [eq.payoffs for eq in result.equilibria] == [(F(0), F(0)), (F(1), F(0))]
    assert all(eq.ties[0].node == 2 and eq.ties[0].actions == (0, 1)
               for eq in result.equilibria)


def test_cap_on_the_number_of_equilibria() -> None:
    # k independent indifferent choices give 2**k equilibria; the cap stops at 5.
    leaves = [Decision("P", [("x", Terminal((0,))), ("y", Terminal((0,)))]) for _ in range(4)]
    game = ExtensiveFormGame.from_tree(
        Chance([(str(k), F(1, 4), leaf) for k, leaf in enumerate(leaves)]), players=["P"])
    assert len(subgame_perfect_equilibria(game).equilibria) == 16
    capped = subgame_perfect_equilibria(game, max_equilibria=5)
    assert capped.capped and len(capped.equilibria) == 5 and not capped.complete


def test_games_without_perfect_recall_are_refused() -> None:
    # The absent-minded driver's forgetful cousin: player 1 forgets its own first move.
    game = ExtensiveFormGame.from_tree(
        Decision("1", [
            ("L", Decision("1", [("a", Terminal((1,))), ("b", Terminal((0,)))], infoset="h")),
            ("R", Decision("1", [("a", Terminal((0,))), ("b", Terminal((2,)))], infoset="h")),
        ]),
        players=["1"])
    assert not game.has_perfect_recall
    with pytest.raises(UnsupportedGameError, match="perfect recall"):
        subgame_perfect_equilibria(game)


def test_deep_chain_needs_no_recursion() -> None:
    # A chain of 100,000 decision nodes; each node costs 1 on arrival (a non-terminal
    # outcome), Stop then pays 1 and Go moves on.  Going on costs another 1 for the same
    # final 1, so Stop is strictly better everywhere: one SPE, payoff -1 + 1 = 0.
    depth = 100_000
    spec: Decision | Terminal = Terminal((0,))
    for _ in range(depth):
        spec = Decision("P", [("Stop", Terminal((1,))), ("Go", spec)], payoffs=(-1,))
    game = ExtensiveFormGame.from_tree(spec, players=["P"])
    result = subgame_perfect_equilibria(game)
    assert len(result.equilibria) == 1
    assert result.equilibria[0].payoffs == (F(0),)
    assert result.equilibria[0].profile[0] == (F(1), F(0)) * depth
