"""Reusable hypothesis strategies (and seeded generators) for games in tests.

A plain module of ``@st.composite`` functions; import what you need::

    from tests.strategies import bimatrix_games

Bimatrix strategies build two-player :class:`~games.normal_form.NormalFormGame`
values.  Integer payoffs from a small range give many *degenerate* games (ties
in best responses), which is what exercises the exact solver's degenerate-vertex
handling; float payoffs are almost surely non-degenerate.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import strategies as st

from games.normal_form import NormalFormGame

# The 500 seeded bimatrix games of the differential tests (seeded_bimatrix_game): 250 with
# float payoffs, 250 with integers in {-2..2}, in batches so a failure names its seeds.
FLOAT_SEEDS = list(range(0, 250))
INTEGER_SEEDS = list(range(1000, 1250))
BATCH = 25
SEEDED_GAME_BATCHES = (
    [pytest.param(False, FLOAT_SEEDS[i:i + BATCH], id=f"float-{i // BATCH}")
     for i in range(0, len(FLOAT_SEEDS), BATCH)]
    + [pytest.param(True, INTEGER_SEEDS[i:i + BATCH], id=f"integer-{i // BATCH}")
       for i in range(0, len(INTEGER_SEEDS), BATCH)])

# ----------------------------------------------------------------------------- bimatrix games


@st.composite
def bimatrix_shapes(draw: st.DrawFn, min_strategies: int = 1,
                    max_strategies: int = 4) -> tuple[int, int]:
    """``(m, n)``: numbers of strategies of the row and the column player."""
    m = draw(st.integers(min_strategies, max_strategies))
    n = draw(st.integers(min_strategies, max_strategies))
    return m, n


@st.composite
def payoff_matrix(draw: st.DrawFn, shape: tuple[int, int],
                  values: st.SearchStrategy[object]) -> list[list[object]]:
    """An ``m x n`` list of lists drawn from ``values``."""
    m, n = shape
    return [[draw(values) for _ in range(n)] for _ in range(m)]


@st.composite
def bimatrix_games(draw: st.DrawFn, min_strategies: int = 1, max_strategies: int = 4,
                   values: st.SearchStrategy[object] | None = None) -> NormalFormGame:
    """A two-player game; by default integer payoffs in ``{-3, ..., 3}`` (often degenerate)."""
    shape = draw(bimatrix_shapes(min_strategies, max_strategies))
    values = st.integers(-3, 3) if values is None else values
    A = draw(payoff_matrix(shape, values))
    B = draw(payoff_matrix(shape, values))
    return NormalFormGame.from_arrays(np.array(A, dtype=object), np.array(B, dtype=object))


@st.composite
def rational_bimatrix_games(draw: st.DrawFn, min_strategies: int = 1,
                            max_strategies: int = 4) -> NormalFormGame:
    """A two-player game with Fraction payoffs in ``[-5, 5]``, denominators up to 6."""
    values = st.fractions(min_value=-5, max_value=5, max_denominator=6)
    return draw(bimatrix_games(min_strategies, max_strategies, values))


@st.composite
def float_bimatrix_games(draw: st.DrawFn, min_strategies: int = 1, max_strategies: int = 4,
                         magnitude: float = 10.0) -> NormalFormGame:
    """A two-player game with float payoffs in ``[-magnitude, magnitude]`` (no NaN/inf)."""
    values = st.floats(-magnitude, magnitude, allow_nan=False, allow_infinity=False,
                       allow_subnormal=False)
    shape = draw(bimatrix_shapes(min_strategies, max_strategies))
    A = np.array(draw(payoff_matrix(shape, values)), dtype=np.float64)
    B = np.array(draw(payoff_matrix(shape, values)), dtype=np.float64)
    return NormalFormGame.from_arrays(A, B)


@st.composite
def positive_affine_maps(draw: st.DrawFn) -> tuple[Fraction, Fraction]:
    """``(a, b)`` with ``a > 0``: the payoff map ``u -> a * u + b``, exact."""
    a = draw(st.fractions(min_value=Fraction(1, 10), max_value=10, max_denominator=12))
    b = draw(st.fractions(min_value=-10, max_value=10, max_denominator=12))
    return a, b


# ----------------------------------------------------------------------------- seeded games
def seeded_bimatrix_game(seed: int, *, integer: bool) -> NormalFormGame:
    """A reproducible random bimatrix game for differential tests (not a hypothesis strategy).

    Shape ``m x n`` with ``m, n`` uniform in ``2..5``.  ``integer=True`` draws
    payoffs uniformly from ``{-2, ..., 2}`` (mostly degenerate games); otherwise
    full-precision floats, from ``rng.random`` (uniform on ``[0, 1)``) for even
    seeds and ``rng.normal`` (standard normal) for odd seeds.
    """
    rng = np.random.default_rng(seed)
    m, n = (int(v) for v in rng.integers(2, 6, size=2))
    A: npt.NDArray[Any]
    B: npt.NDArray[Any]
    if integer:
        A, B = rng.integers(-2, 3, size=(m, n)), rng.integers(-2, 3, size=(m, n))
    elif seed % 2 == 0:
        A, B = rng.random((m, n)), rng.random((m, n))
    else:
        A, B = rng.normal(size=(m, n)), rng.normal(size=(m, n))
    return NormalFormGame.from_arrays(A, B, title=f"seed {seed}")


# ----------------------------------------------------------------------------- random trees
# Imports for this section live here because the section was appended to the module.
import random  # noqa: E402

from games.extensive_form import (  # noqa: E402
    Chance,
    Decision,
    ExtensiveFormGame,
    Terminal,
    TreeSpec,
)

TREE_MAX_NODES = 40
"""Default node budget of :func:`random_tree` (keeps brute force over profiles cheap)."""


def random_tree(rng: random.Random, *, players: int, max_depth: int,
                perfect_information: bool, chance: bool, payoff_range: int | None,
                max_nodes: int = TREE_MAX_NODES,
                nonterminal_outcomes: bool = False) -> ExtensiveFormGame:
    """A reproducible random game tree with perfect recall (not a hypothesis strategy).

    * The root is a decision (or, with ``chance``, sometimes a chance) node; below it
      each node is terminal with a probability growing with depth, and always at
      ``max_depth``.  Nodes have 2 actions mostly, 3 or 1 sometimes; the tree has at
      most ``max_nodes`` nodes.
    * Players are ``"P1"``, ``"P2"``, ...; the mover of each decision node is uniform
      (without ``perfect_information``, siblings often get the same mover and number
      of actions, so that information sets form).
    * Chance nodes (only with ``chance``) get exact :class:`~fractions.Fraction`
      probabilities from integer weights in ``1..4``.
    * Every terminal node has an outcome: integers uniform in
      ``[-payoff_range, payoff_range]`` (small ranges give many ties), or floats
      uniform in ``[-10, 10]`` when ``payoff_range`` is None.  With
      ``nonterminal_outcomes``, some inner nodes carry an outcome too (payoffs add up
      along the path, as in Gambit).
    * Without ``perfect_information``, decision nodes are visited in pre-order and
      each one joins, with probability 2/3, a random existing information set of the
      same player with the same number of actions **and the same own history** (the
      player's own (information set, action) pairs from the root), else starts a new
      one.  Equal own histories give perfect recall by construction, which is
      asserted.  Actions are labelled ``a``, ``b``, ``c`` at every decision node and
      ``n1``, ``n2``, ... at chance nodes; information sets are labelled ``h1``,
      ``h2``, ... .
    """
    assert players >= 1 and max_depth >= 1 and max_nodes >= 3
    # Skeleton, breadth first so the node budget is shared fairly between branches:
    # kind ("p", "c" or "t"), mover, children.
    kinds: list[str] = []
    movers: list[int] = []
    children: list[list[int]] = []
    depth: list[int] = []
    plans: list[tuple[bool, int, int]] = []  # (chance?, mover, number of actions) if inner

    def plan() -> tuple[bool, int, int]:
        n_actions = rng.choices([1, 2, 3], weights=[1, 14, 5])[0]
        return chance and rng.random() < 0.2, rng.randrange(players), n_actions

    def new_node(level: int, planned: tuple[bool, int, int]) -> int:
        kinds.append("t")
        movers.append(-1)
        children.append([])
        depth.append(level)
        plans.append(planned)
        return len(kinds) - 1

    new_node(0, plan())
    queue = [0]
    while queue:
        index = queue.pop(0)
        level = depth[index]
        if index != 0 and (level >= max_depth or rng.random() < 0.2 + 0.6 * level / max_depth):
            continue
        is_chance, mover, n_actions = plans[index]
        if index == 0:
            n_actions = max(n_actions, 2)
        if len(kinds) + n_actions > max_nodes:
            continue
        kinds[index] = "c" if is_chance else "p"
        movers[index] = -1 if is_chance else mover
        # Siblings often share a plan (same mover, same number of actions): that is
        # what lets them share an information set, as in a simultaneous move.
        shared = not perfect_information and rng.random() < 0.6
        sibling_plan = plan()
        for _ in range(n_actions):
            child = new_node(level + 1, sibling_plan if shared else plan())
            children[index].append(child)
            queue.append(child)

    # Pre-order of the skeleton, and each node's parent and action.
    order: list[int] = []
    parent: dict[int, tuple[int, int]] = {}
    stack = [0]
    while stack:
        index = stack.pop()
        order.append(index)
        for action in range(len(children[index]) - 1, -1, -1):
            parent[children[index][action]] = (index, action)
            stack.append(children[index][action])

    # Information sets, in pre-order, so every ancestor's set is known.
    infoset_of: dict[int, int] = {}
    open_sets: dict[tuple[int, int, tuple[tuple[int, int], ...]], list[int]] = {}
    n_sets = 0
    for index in order:
        if kinds[index] != "p":
            continue
        history: list[tuple[int, int]] = []
        current = index
        while current in parent:
            above, action = parent[current]
            if kinds[above] == "p" and movers[above] == movers[index]:
                history.append((infoset_of[above], action))
            current = above
        key = (movers[index], len(children[index]), tuple(reversed(history)))
        candidates = open_sets.setdefault(key, [])
        if not perfect_information and candidates and rng.random() < 2 / 3:
            infoset_of[index] = rng.choice(candidates)
        else:
            n_sets += 1
            infoset_of[index] = n_sets
            candidates.append(n_sets)

    def payoffs() -> tuple[object, ...]:
        if payoff_range is None:
            return tuple(rng.uniform(-10, 10) for _ in range(players))
        return tuple(rng.randint(-payoff_range, payoff_range) for _ in range(players))

    # Random draws for payoffs and probabilities, in pre-order (reproducible).
    drawn: dict[int, tuple[object, ...] | None] = {}
    weights: dict[int, list[int]] = {}
    for index in order:
        if kinds[index] == "t":
            drawn[index] = payoffs()
            continue
        drawn[index] = payoffs() if nonterminal_outcomes and rng.random() < 0.2 else None
        if kinds[index] == "c":
            weights[index] = [rng.randint(1, 4) for _ in children[index]]

    names = [f"P{i + 1}" for i in range(players)]
    specs: dict[int, TreeSpec] = {}
    for index in reversed(order):  # children before parents
        subtrees = [specs[c] for c in children[index]]
        if kinds[index] == "t":
            specs[index] = Terminal(drawn[index])  # type: ignore[arg-type]
        elif kinds[index] == "c":
            total = sum(weights[index])
            specs[index] = Chance(
                [(f"n{k + 1}", Fraction(w, total), sub)
                 for k, (w, sub) in enumerate(zip(weights[index], subtrees, strict=True))],
                payoffs=drawn[index])
        else:
            specs[index] = Decision(
                names[movers[index]], [("abc"[k], sub) for k, sub in enumerate(subtrees)],
                infoset=f"h{infoset_of[index]}", payoffs=drawn[index])
    game = ExtensiveFormGame.from_tree(specs[0], players=names)
    assert game.has_perfect_recall, game.perfect_recall_violations()
    return game


@st.composite
def trees(draw: st.DrawFn, *, min_players: int = 1, max_players: int = 3, min_depth: int = 2,
          max_depth: int = 4, perfect_information: bool | None = None,
          chance: bool | None = None, exact: bool | None = None,
          nonterminal_outcomes: bool | None = None, max_nodes: int = 30) -> ExtensiveFormGame:
    """A random tree from :func:`random_tree`: hypothesis draws the seed and parameters.

    Arguments left as None are drawn.  Exact trees have integer payoffs in
    ``[-r, r]`` with ``r`` in ``{1, 2, 5}``; the others have float payoffs.  Trees
    drawn without perfect information have an information set of two or more
    nodes whenever one of 20 draws from the seeded generator gives one (with one
    player's single move there is none to make).
    """
    seed = draw(st.integers(0, 2**32 - 1))
    # sampled_from draws (nearly) uniformly; st.integers favours the small end.
    players = draw(st.sampled_from(range(min_players, max_players + 1)))
    depth = draw(st.sampled_from(range(min_depth, max_depth + 1)))
    if perfect_information is None:
        perfect_information = draw(st.booleans())
    if chance is None:
        chance = draw(st.booleans())
    if exact is None:
        exact = draw(st.booleans())
    if nonterminal_outcomes is None:
        nonterminal_outcomes = draw(st.booleans())
    payoff_range = draw(st.sampled_from([1, 2, 5])) if exact else None
    rng = random.Random(seed)
    for _ in range(20):
        game = random_tree(rng, players=players, max_depth=depth,
                           perfect_information=perfect_information, chance=chance,
                           payoff_range=payoff_range, max_nodes=max_nodes,
                           nonterminal_outcomes=nonterminal_outcomes)
        if perfect_information or any(len(m) > 1 for m in game.infoset_members):
            break
    return game


@st.composite
def perfect_information_trees(draw: st.DrawFn, *, min_players: int = 1, max_players: int = 3,
                              min_depth: int = 2, max_depth: int = 4,
                              chance: bool | None = None, exact: bool | None = None,
                              nonterminal_outcomes: bool | None = None,
                              max_nodes: int = 30) -> ExtensiveFormGame:
    """A random tree of perfect information (every information set a single node)."""
    return draw(trees(min_players=min_players, max_players=max_players, min_depth=min_depth,
                      max_depth=max_depth, perfect_information=True, chance=chance,
                      exact=exact, nonterminal_outcomes=nonterminal_outcomes,
                      max_nodes=max_nodes))


# ------------------------------------------------------------------- treaties and scenarios
# A small world for coverage properties: two treaty parties (2 and 20), three outsiders
# (365, 710, 740), a handful of region tags, and dates within one decade.
TREATY_PARTIES = (2, 20)
OUTSIDERS = (365, 710, 740)
REGION_TAGS = ("europe", "baltic-states", "pacific-area", "south-china-sea", "japan",
               "senkaku-islands", "north-america", "taiwan-strait")
SEVERITY_LEVELS = ("gray_zone", "limited_clash", "armed_attack", "major_war", "nuclear")


@st.composite
def treaty_conditions(draw: st.DrawFn) -> dict[str, Any]:
    """A random ``conditions`` mapping for a treaty obligation (every key optional)."""
    conditions: dict[str, Any] = {}
    if draw(st.booleans()):
        conditions["non_provocation"] = True
    if draw(st.booleans()):
        adversaries = {
            "states": draw(st.lists(st.sampled_from(OUTSIDERS), unique=True, max_size=2)),
            "allies_of": draw(st.lists(st.sampled_from(OUTSIDERS), unique=True, max_size=1)),
        }
        if draw(st.booleans()) or not (adversaries["states"] or adversaries["allies_of"]):
            adversaries["class"] = "communist"
        conditions["adversaries"] = adversaries
    if draw(st.booleans()):
        geography: dict[str, Any] = {
            "regions": draw(st.lists(st.sampled_from(REGION_TAGS), unique=True, max_size=2))}
        if draw(st.booleans()) or not geography["regions"]:
            geography["administered_by"] = [draw(st.sampled_from(TREATY_PARTIES))]
        conditions["geography"] = geography
    if draw(st.booleans()):
        conditions["threshold"] = draw(st.sampled_from(["threat", "armed_attack",
                                                        "state_of_war"]))
    if draw(st.booleans()):
        conditions["objects"] = draw(st.lists(st.sampled_from(
            ["territory", "armed_forces", "public_vessels", "aircraft"]), unique=True,
            min_size=1))
    if draw(st.booleans()):
        conditions["min_adversaries"] = draw(st.integers(1, 3))
    return conditions


@st.composite
def treaty_documents(draw: st.DrawFn) -> dict[str, Any]:
    """A random valid two-party treaty document (plain data, as read from YAML)."""
    obligations = []
    for k in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["defense", "offense", "neutrality", "consultation"]))
        obligations.append({
            "id": f"ob{k}",
            "obligor": [2] if draw(st.booleans()) else [2, 20],
            "beneficiaries": "all_other_parties" if draw(st.booleans()) else [20],
            "type": kind,
            "conditions": draw(treaty_conditions()),
            "required_help": "consultation" if kind == "consultation" else draw(
                st.sampled_from(["all_means", "military_aid", "unspecified"])),
            "evidence": [{"article": f"Art. {k + 1}", "quote": "an invented clause",
                          "source_url": "https://example.org", "verified": False}],
        })
    return {
        "id": "random-pact", "name": "Random pact", "signed": dt.date(2000, 1, 1),
        "parties": list(TREATY_PARTIES), "sources": [{"citation": "generated"}],
        "phases": [{"id": "main", "start": dt.date(2000, 1, 1),
                    "end": draw(st.sampled_from([None, dt.date(2005, 1, 1)]))}],
        "obligations": obligations,
    }


@st.composite
def hostility_documents(draw: st.DrawFn) -> dict[str, Any]:
    """One hostility among the small world's states, involving party 20 or not."""
    states = draw(st.permutations((20, *OUTSIDERS)))
    attacker, target = [states[0]], [states[1]]
    if draw(st.booleans()):
        attacker.append(states[2])
    initiator = draw(st.sampled_from(attacker + target))
    return {
        "attacker": attacker, "target": target, "initiator": initiator,
        "initiator_contested": draw(st.booleans()),
        "object": draw(st.sampled_from(["territory", "armed_forces", "public_vessels",
                                        "aircraft"])),
        "theatre": draw(st.sampled_from(REGION_TAGS)),
        "administered_by": draw(st.sampled_from([None, 2, 20, 710])),
        "severity": draw(st.sampled_from(SEVERITY_LEVELS)),
        "date": draw(st.dates(dt.date(2001, 1, 1), dt.date(2008, 1, 1))),
    }


@st.composite
def scenario_documents(draw: st.DrawFn) -> dict[str, Any]:
    """A random valid scenario in the small world, analysing ally 2 for party 20."""
    hostilities = draw(st.lists(hostility_documents(), min_size=1, max_size=3))
    alignments = []
    if draw(st.booleans()):
        alignments.append({"states": draw(st.lists(st.sampled_from(OUTSIDERS), unique=True,
                                                   min_size=2, max_size=2)),
                           "basis": "generated"})
    classifications = []
    if draw(st.booleans()):
        classifications.append({"class": "communist", "states": draw(st.lists(
            st.sampled_from(OUTSIDERS), unique=True, min_size=1))})
    return {
        "id": "random-crisis", "name": "Random crisis",
        "date": max(h["date"] for h in hostilities), "hostilities": hostilities,
        "alignments": alignments, "classifications": classifications,
    }


# ------------------------------------------------------------ deterrence-game parameters
# Parameters of the extended-deterrence game (analysis.parameters), as exact Fractions on
# small grids and inside the registry's domains: every value ≥ 0, b > 0, probabilities in
# [0, 1] with p_I ≤ p_L ≤ p_S.  π_I = p_I·v_C - c_C + b decides whether the challenger
# presses on after an intervention (π_I > 0) or backs down (π_I < 0).
PAYOFF_NAMES = ("v_C", "c_C", "b", "v_A", "c_A", "c_L")
"""The parameters measured in payoff units (rescaling them and ``a`` rescales every payoff)."""


def small_rationals(low: Fraction | int, high: Fraction | int,
                    max_denominator: int = 4) -> st.SearchStrategy[Fraction]:
    """Exact rationals in ``[low, high]`` with small denominators."""
    return st.fractions(min_value=low, max_value=high, max_denominator=max_denominator)


@st.composite
def win_probabilities(draw: st.DrawFn) -> tuple[Fraction, Fraction, Fraction]:
    """``(p_I, p_L, p_S)`` with ``0 ≤ p_I ≤ p_L ≤ p_S ≤ 1``, denominators up to 10."""
    drawn = sorted(draw(st.lists(small_rationals(0, 1, 10), min_size=3, max_size=3)))
    return drawn[0], drawn[1], drawn[2]


@st.composite
def deterrence_parameters(draw: st.DrawFn, *,
                          presses_on: bool | None = None) -> dict[str, Fraction]:
    """Every parameter of the game but ``a``, as a ``--param`` mapping.

    ``presses_on`` fixes the sign of π_I (True: π_I > 0, False: π_I < 0) by choosing
    c_C; None draws the sign, so that both regimes are exercised equally.  π_I is
    never 0 here (that knife edge has tests of its own).
    """
    p_I, p_L, p_S = draw(win_probabilities())
    v_C = draw(small_rationals(0, 20))
    b = draw(small_rationals(Fraction(1, 4), 5))
    margin = draw(small_rationals(Fraction(1, 4), 10))
    if presses_on is None:
        presses_on = draw(st.booleans())
    # π_I = p_I·v_C + b - c_C: c_C below p_I·v_C + b presses on, above it backs down.
    c_C = max(Fraction(0), p_I * v_C + b - margin) if presses_on else p_I * v_C + b + margin
    return {"v_C": v_C, "c_C": c_C, "b": b, "p_I": p_I, "p_L": p_L, "p_S": p_S,
            "v_A": draw(small_rationals(0, 10)), "c_A": draw(small_rationals(0, 10)),
            "c_L": draw(small_rationals(0, 10))}


def audience_costs() -> st.SearchStrategy[Fraction]:
    """The nominal audience cost ``a``: exact, in ``[0, 10]``."""
    return small_rationals(0, 10)


def rescalings() -> st.SearchStrategy[Fraction]:
    """A positive factor to rescale every payoff by."""
    return small_rationals(Fraction(1, 10), 10, 10)
