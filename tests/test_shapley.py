"""The Shapley value: textbook games with known values, and its axioms on random games."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from games.shapley import MAX_PLAYERS, coalitions, shapley_values


def test_glove_game() -> None:
    """One left glove (1) and two right gloves (2, 3), a pair worth 1: the scarce side gets
    2/3 and each right glove 1/6 (Shapley 1953; every textbook)."""
    values = shapley_values([1, 2, 3], lambda s: int(1 in s and (2 in s or 3 in s)))
    assert values == {1: Fraction(2, 3), 2: Fraction(1, 6), 3: Fraction(1, 6)}


def test_weighted_majority_game() -> None:
    """The weighted vote [51; 50, 49, 1]: the big player wins with either other one, so the
    three are pivotal in 4, 1 and 1 of the 6 orders (values 2/3, 1/6, 1/6)."""
    weights = {"a": 50, "b": 49, "c": 1}
    values = shapley_values(list(weights), lambda s: int(sum(weights[p] for p in s) >= 51))
    assert values == {"a": Fraction(2, 3), "b": Fraction(1, 6), "c": Fraction(1, 6)}


def test_additive_game_gives_each_its_own_worth() -> None:
    worth = {"x": Fraction(3, 2), "y": Fraction(-5), "z": Fraction(0)}
    assert shapley_values(list(worth), lambda s: sum((worth[p] for p in s), Fraction(0))) \
        == worth


def test_two_players_split_the_interaction_equally() -> None:
    """v(∅)=0, v({1})=a, v({2})=b, v({1,2})=c: φ₁ = (a + c − b)/2, φ₂ = (b + c − a)/2."""
    a, b, c = Fraction(1), Fraction(4), Fraction(10)
    table = {frozenset(): Fraction(0), frozenset({1}): a, frozenset({2}): b,
             frozenset({1, 2}): c}
    assert shapley_values([1, 2], table) == {1: (a + c - b) / 2, 2: (b + c - a) / 2}


def test_arrays_are_split_element_by_element() -> None:
    first = shapley_values([1, 2, 3], lambda s: int(1 in s and (2 in s or 3 in s)))
    second = shapley_values([1, 2, 3], lambda s: len(s) ** 2)
    both = shapley_values([1, 2, 3], lambda s: np.array(
        [float(int(1 in s and (2 in s or 3 in s))), float(len(s) ** 2)]))
    for player in (1, 2, 3):
        assert both[player] == pytest.approx([float(first[player]), float(second[player])])


def test_coalitions_lists_every_subset_once() -> None:
    found = coalitions(["a", "b", "c", "d"])
    assert len(found) == 16 == len(set(found))
    assert found[0] == frozenset() and found[-1] == frozenset("abcd")


def test_refuses_repeated_or_too_many_players() -> None:
    with pytest.raises(ValueError, match="twice"):
        shapley_values([1, 1], lambda s: 0)
    with pytest.raises(ValueError, match="at most"):
        shapley_values(list(range(MAX_PLAYERS + 1)), lambda s: 0)


exact_values = st.fractions(min_value=-100, max_value=100, max_denominator=50)


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 5).flatmap(
    lambda n: st.tuples(st.just(n), st.lists(exact_values, min_size=2 ** n, max_size=2 ** n))))
def test_axioms_on_random_games(game: tuple[int, list[Fraction]]) -> None:
    """Efficiency, the null player and symmetry, exactly, on random characteristic functions."""
    n, numbers = game
    players = list(range(n))
    table = dict(zip(coalitions(players), numbers, strict=True))
    values = shapley_values(players, table)
    assert sum(values.values()) == table[frozenset(players)] - table[frozenset()]
    # A null player added to the game gets zero and changes nobody else's value.
    extended = {c | extra: table[c] for c in table for extra in (frozenset(), frozenset({n}))}
    with_null = shapley_values([*players, n], extended)
    assert with_null[n] == 0
    assert all(with_null[p] == values[p] for p in players)
    # Swapping two players' roles swaps their values.
    if n >= 2:
        swap = {0: 1, 1: 0}
        swapped = {frozenset(swap.get(p, p) for p in c): v for c, v in table.items()}
        mirrored = shapley_values(players, swapped)
        assert mirrored[0] == values[1] and mirrored[1] == values[0]
