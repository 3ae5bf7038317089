r"""Extensive-form games: trees with decision and chance nodes and information sets.

The model follows Gambit's:

* A game is a rooted tree.  Every non-terminal node belongs to an *information
  set*.  A decision information set belongs to a player and lists the labelled
  actions available at each of its nodes; a chance information set lists
  actions with probabilities.
* Any node may carry an *outcome* (a payoff vector).  A player's payoff at a
  terminal node is the sum of the outcomes met on the path from the root, so
  non-terminal outcomes (sunk costs, for instance) are allowed.
* Nodes are stored flat, in depth-first pre-order from the root (node 0), and
  information sets in the order in which they are first met in that order —
  the order of a Gambit ``.efg`` file.

Build games with :func:`ExtensiveFormGame.from_tree` from nested
:class:`Decision`, :class:`Chance` and :class:`Terminal` specifications, or read
them from ``.efg`` files (:mod:`games.io.gambit`).  Every function that walks the
tree is iterative, so deep trees never hit Python's recursion limit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property
from typing import Union

import sympy

from games.errors import InputError
from games.numbers import Payoff, is_symbolic, normalise
from games.substitution import substitute, symbol_mapping

CHANCE = -1
"""The player index used for chance information sets."""


# ---------------------------------------------------------------------------- flat model
@dataclass(frozen=True, slots=True)
class Outcome:
    """A payoff vector attached to one or more nodes (labels may repeat or be empty)."""

    payoffs: tuple[Payoff, ...]
    label: str = ""


@dataclass(frozen=True, slots=True)
class Infoset:
    """An information set: whose move it is, the actions, and chance probabilities.

    ``player`` is a 0-based player index, or :data:`CHANCE`.  ``probabilities``
    is set for chance information sets only.
    """

    player: int
    actions: tuple[str, ...]
    label: str = ""
    probabilities: tuple[Payoff, ...] | None = None

    @property
    def is_chance(self) -> bool:
        """True for a chance information set."""
        return self.player == CHANCE


@dataclass(frozen=True, slots=True)
class Node:
    """A node: its information set (``None`` when terminal), children and outcome."""

    infoset: int | None
    children: tuple[int, ...] = ()
    outcome: int | None = None
    label: str = ""
    parent: int | None = None

    @property
    def is_terminal(self) -> bool:
        """True for a terminal node."""
        return self.infoset is None


@dataclass(frozen=True, eq=True)
class ExtensiveFormGame:
    """A finite extensive-form game, stored flat in depth-first pre-order.

    Use :meth:`from_tree` to build one; the constructor validates the flat
    representation and raises :class:`~games.errors.InputError` on anything
    inconsistent.
    """

    players: tuple[str, ...]
    nodes: tuple[Node, ...]
    infosets: tuple[Infoset, ...]
    outcomes: tuple[Outcome, ...]
    title: str = ""
    comment: str = field(default="", compare=True)

    def __post_init__(self) -> None:
        _validate(self)

    # ------------------------------------------------------------------ building
    @classmethod
    def from_tree(
        cls,
        root: TreeSpec,
        *,
        players: Sequence[str],
        title: str = "",
        comment: str = "",
    ) -> ExtensiveFormGame:
        """Build a game from nested :class:`Decision`, :class:`Chance`, :class:`Terminal`.

        Decision nodes with the same ``player`` and the same non-empty
        ``infoset`` key form one information set and must offer the same
        actions; a decision node without a key is an information set of its own.

        Examples
        --------
        >>> entry = Decision("Entrant", [
        ...     ("Out", Terminal((0, 2))),
        ...     ("In", Decision("Incumbent", [("Fight", Terminal((-1, -1))),
        ...                                   ("Accommodate", Terminal((1, 1)))])),
        ... ])
        >>> game = ExtensiveFormGame.from_tree(entry, players=["Entrant", "Incumbent"])
        >>> len(game.nodes), len(game.infosets)
        (5, 2)
        """
        return _build(root, tuple(players), title, comment)

    # ------------------------------------------------------------------ queries
    @property
    def n_players(self) -> int:
        """Number of (non-chance) players."""
        return len(self.players)

    @property
    def root(self) -> int:
        """Index of the root node (always 0)."""
        return 0

    def infoset_of(self, node: int) -> Infoset:
        """The information set of a non-terminal node."""
        index = self.nodes[node].infoset
        if index is None:
            raise InputError(f"node {node} is terminal", field="node")
        return self.infosets[index]

    def player_infosets(self, player: int) -> tuple[int, ...]:
        """Indices of ``player``'s information sets, in order of first appearance."""
        return tuple(i for i, h in enumerate(self.infosets) if h.player == player)

    @cached_property
    def infoset_members(self) -> tuple[tuple[int, ...], ...]:
        """For each information set, its nodes in pre-order."""
        members: list[list[int]] = [[] for _ in self.infosets]
        for index, node in enumerate(self.nodes):
            if node.infoset is not None:
                members[node.infoset].append(index)
        return tuple(tuple(m) for m in members)

    @cached_property
    def subtree_end(self) -> tuple[int, ...]:
        """``subtree_end[n]`` is one past the last node of ``n``'s subtree (pre-order)."""
        end = list(range(1, len(self.nodes) + 1))
        for index in range(len(self.nodes) - 1, -1, -1):
            node = self.nodes[index]
            if node.children:
                end[index] = end[node.children[-1]]
        return tuple(end)

    @cached_property
    def node_payoffs(self) -> tuple[tuple[Payoff, ...], ...]:
        """Accumulated outcome payoffs from the root to each node, inclusive."""
        zero = tuple(Fraction(0) for _ in self.players)
        totals: list[tuple[Payoff, ...]] = [zero] * len(self.nodes)
        for index, node in enumerate(self.nodes):
            base = zero if node.parent is None else totals[node.parent]
            if node.outcome is None:
                totals[index] = base
            else:
                payoffs = self.outcomes[node.outcome].payoffs
                totals[index] = tuple(b + p for b, p in zip(base, payoffs, strict=True))
        return tuple(totals)

    @property
    def symbolic(self) -> bool:
        """True when a payoff or probability is a sympy expression with free symbols."""
        return bool(self.free_symbols)

    @property
    def exact(self) -> bool:
        """True when every payoff and probability is an exact rational."""
        values = [v for o in self.outcomes for v in o.payoffs]
        values += [p for h in self.infosets if h.probabilities for p in h.probabilities]
        return all(isinstance(v, Fraction) for v in values)

    @cached_property
    def free_symbols(self) -> frozenset[sympy.Symbol]:
        """The parameters that payoffs or chance probabilities depend on."""
        found: set[sympy.Symbol] = set()
        values = [v for o in self.outcomes for v in o.payoffs]
        values += [p for h in self.infosets if h.probabilities for p in h.probabilities]
        for value in values:
            if is_symbolic(value):
                found |= value.free_symbols
        return frozenset(found)

    @cached_property
    def has_perfect_recall(self) -> bool:
        """True when no player ever forgets what it knew or did (Kuhn's condition).

        Checked as: for every information set, all its nodes have the same
        sequence of the owner's own (information set, action) pairs on the path
        from the root.
        """
        return not self.perfect_recall_violations()

    def perfect_recall_violations(self) -> tuple[str, ...]:
        """Describe each information set whose nodes disagree on the owner's history.

        It is enough to compare each member's *last* own move: if every
        information set's members agree on it, induction on the number of own
        moves shows they agree on the whole sequence.  That keeps the check
        linear in the size of the tree.
        """
        last = last_own_moves(self)
        problems = []
        for index, members in enumerate(self.infoset_members):
            infoset = self.infosets[index]
            if infoset.is_chance or len(members) < 2:
                continue
            player = infoset.player
            if any(last[m][player] != last[members[0]][player] for m in members[1:]):
                label = infoset.label or f"#{index + 1}"
                problems.append(
                    f"information set {label} of player {self.players[player]} "
                    "is reached through different own moves")
        return tuple(problems)

    def path_to(self, node: int) -> tuple[tuple[int, int], ...]:
        """The (node, action index) pairs from the root down to ``node``."""
        steps: list[tuple[int, int]] = []
        current = node
        while self.nodes[current].parent is not None:
            parent = self.nodes[current].parent
            assert parent is not None
            steps.append((parent, self.nodes[parent].children.index(current)))
            current = parent
        return tuple(reversed(steps))

    def subs(self, params: Mapping[str | sympy.Symbol, object]) -> ExtensiveFormGame:
        """Substitute parameter values; returns a numeric game (see NormalFormGame.subs)."""
        mapping = symbol_mapping(params, self.free_symbols)
        outcomes = tuple(
            Outcome(tuple(substitute(v, mapping, f"outcome {o.label or k + 1}")
                          for v in o.payoffs), o.label)
            for k, o in enumerate(self.outcomes))
        infosets = tuple(
            h if h.probabilities is None else Infoset(
                h.player, h.actions, h.label,
                tuple(substitute(p, mapping, f"chance information set {h.label or k + 1}")
                      for p in h.probabilities))
            for k, h in enumerate(self.infosets))
        return ExtensiveFormGame(self.players, self.nodes, infosets, outcomes, self.title,
                                 self.comment)

    def __repr__(self) -> str:
        kind = "symbolic" if self.symbolic else "exact" if self.exact else "float"
        return (f"ExtensiveFormGame({self.title!r}, players={list(self.players)}, "
                f"{len(self.nodes)} nodes, {len(self.infosets)} information sets, {kind})")


def last_own_moves(game: ExtensiveFormGame) -> list[tuple[tuple[int, int] | None, ...]]:
    """For each node and player, the player's last (information set, action) above it."""
    nobody: tuple[tuple[int, int] | None, ...] = (None,) * game.n_players
    last = [nobody] * len(game.nodes)
    for index, node in enumerate(game.nodes):
        if node.infoset is None:
            continue
        player = game.infosets[node.infoset].player
        for action, child in enumerate(node.children):
            if player == CHANCE:
                last[child] = last[index]
            else:
                moves = list(last[index])
                moves[player] = (node.infoset, action)
                last[child] = tuple(moves)
    return last


# ---------------------------------------------------------------------------- tree specs
@dataclass(frozen=True)
class Terminal:
    """A terminal node with its payoffs (one per player)."""

    payoffs: Sequence[object]
    label: str = ""
    outcome_label: str = ""


@dataclass(frozen=True)
class Decision:
    """A decision node of ``player`` with labelled moves.

    ``moves`` is a sequence of ``(action label, subtree)`` pairs, or a mapping.
    Nodes sharing a non-empty ``infoset`` key (and player) form one information set.
    ``payoffs``, if given, is an outcome attached to this node itself.
    """

    player: str
    moves: Sequence[tuple[str, TreeSpec]] | Mapping[str, TreeSpec]
    infoset: str = ""
    label: str = ""
    payoffs: Sequence[object] | None = None
    outcome_label: str = ""


@dataclass(frozen=True)
class Chance:
    """A chance node: ``moves`` is a sequence of ``(label, probability, subtree)``."""

    moves: Sequence[tuple[str, object, TreeSpec]]
    infoset: str = ""
    label: str = ""
    payoffs: Sequence[object] | None = None
    outcome_label: str = ""


TreeSpec = Union[Terminal, Decision, Chance]  # noqa: UP007 (runtime alias for old tools)


def _moves(spec: Decision) -> list[tuple[str, TreeSpec]]:
    items = spec.moves.items() if isinstance(spec.moves, Mapping) else spec.moves
    moves = []
    for move in items:
        if not isinstance(move, tuple) or len(move) != 2:
            raise InputError(f"move {move!r} of {spec.player}'s node is malformed",
                             field=f"node {spec.label or spec.player}",
                             expected="(action label, subtree) pairs")
        moves.append((str(move[0]), move[1]))
    return moves


def _chance_moves(spec: Chance, index: int) -> list[tuple[str, object, TreeSpec]]:
    moves = []
    for move in spec.moves:
        if not isinstance(move, tuple) or len(move) != 3:
            raise InputError(f"chance move {move!r} is malformed",
                             field=f"chance node {spec.label or index + 1}",
                             expected="(action label, probability, subtree) triples")
        moves.append((str(move[0]), move[1], move[2]))
    return moves


def _build(root: TreeSpec, players: tuple[str, ...], title: str,
           comment: str) -> ExtensiveFormGame:
    """Flatten nested specs into pre-order arrays with an explicit stack."""
    player_index = {name: i for i, name in enumerate(players)}
    if len(player_index) != len(players):
        raise InputError(f"duplicate player names {list(players)}", field="players",
                         expected="unique player names")
    nodes: list[Node] = []
    infosets: list[Infoset] = []
    infoset_keys: dict[tuple[int, str], int] = {}
    outcomes: list[Outcome] = []
    stack: list[tuple[TreeSpec, int | None, int]] = [(root, None, 0)]
    pending_children: list[list[int]] = []
    while stack:
        spec, parent, depth_slot = stack.pop()
        index = len(nodes)
        if parent is not None:
            pending_children[parent][depth_slot] = index
        if not isinstance(spec, Terminal | Decision | Chance):
            raise InputError(f"{spec!r} is not a tree node", field=f"node {index + 1}",
                             expected="Decision, Chance or Terminal")
        outcome = None
        payoffs = spec.payoffs
        if payoffs is not None:
            if isinstance(payoffs, str | bytes) or not isinstance(payoffs, Sequence):
                raise InputError(f"payoffs {payoffs!r} are not a sequence",
                                 field=f"node {spec.label or index + 1}",
                                 expected="one payoff per player, e.g. (1, -2)")
            values = tuple(normalise(v, field=f"payoffs at node {spec.label or index}")
                           for v in payoffs)
            outcomes.append(Outcome(values, spec.outcome_label))
            outcome = len(outcomes) - 1
        if isinstance(spec, Terminal):
            nodes.append(Node(None, (), outcome, spec.label, parent))
            pending_children.append([])
            continue
        if isinstance(spec, Decision):
            if spec.player not in player_index:
                raise InputError(f"player {spec.player!r} is not declared",
                                 field=f"node {spec.label or index}",
                                 expected=f"one of {list(players)}")
            player = player_index[spec.player]
            moves = _moves(spec)
            actions = tuple(label for label, _ in moves)
            subtrees = [sub for _, sub in moves]
            probabilities = None
        else:
            player = CHANCE
            moves3 = _chance_moves(spec, index)
            actions = tuple(label for label, _, _ in moves3)
            probabilities = tuple(normalise(p, field=f"chance node {spec.label or index}")
                                  for _, p, _ in moves3)
            subtrees = [sub for _, _, sub in moves3]
        key = (player, spec.infoset)
        if spec.infoset and key in infoset_keys:
            infoset_index = infoset_keys[key]
            existing = infosets[infoset_index]
            if existing.actions != actions or existing.probabilities != probabilities:
                raise InputError(
                    f"information set {spec.infoset!r} has different actions at different nodes",
                    field=f"node {spec.label or index}",
                    expected=f"actions {list(existing.actions)}")
        else:
            infosets.append(Infoset(player, actions, spec.infoset, probabilities))
            infoset_index = len(infosets) - 1
            if spec.infoset:
                infoset_keys[key] = infoset_index
        nodes.append(Node(infoset_index, (), outcome, spec.label, parent))
        pending_children.append([-1] * len(subtrees))
        for slot in range(len(subtrees) - 1, -1, -1):
            stack.append((subtrees[slot], index, slot))
    final = tuple(
        Node(n.infoset, tuple(pending_children[i]), n.outcome, n.label, n.parent)
        for i, n in enumerate(nodes))
    return ExtensiveFormGame(players, final, tuple(infosets), tuple(outcomes), title, comment)


# ---------------------------------------------------------------------------- validation
def _validate(game: ExtensiveFormGame) -> None:
    """Check the flat representation; raise InputError naming the first problem."""
    players = game.players
    if len(set(players)) != len(players):
        raise InputError(f"duplicate player names {list(players)}", field="players",
                         expected="unique player names")
    if not game.nodes:
        raise InputError("the game has no nodes", field="nodes", expected="a root node")
    n_players = len(players)
    for k, outcome in enumerate(game.outcomes):
        if len(outcome.payoffs) != n_players:
            raise InputError(
                f"outcome {outcome.label or k + 1} has {len(outcome.payoffs)} payoffs",
                field=f"outcome {outcome.label or k + 1}",
                expected=f"{n_players} payoffs, one per player")
        for value in outcome.payoffs:
            normalise(value, field=f"outcome {outcome.label or k + 1}")
    for k, infoset in enumerate(game.infosets):
        _validate_infoset(k, infoset, n_players, players)
    if game.nodes[0].parent is not None:
        raise InputError("the root has a parent", field="node 1")
    for index, node in enumerate(game.nodes):
        where = f"node {node.label or index + 1}"
        if node.outcome is not None and not 0 <= node.outcome < len(game.outcomes):
            raise InputError(f"outcome {node.outcome + 1} is not declared", field=where)
        if node.infoset is None:
            if node.children:
                raise InputError("a terminal node has children", field=where)
            continue
        if not 0 <= node.infoset < len(game.infosets):
            raise InputError(f"information set {node.infoset + 1} is not declared", field=where)
        infoset = game.infosets[node.infoset]
        if len(node.children) != len(infoset.actions):
            raise InputError(
                f"{len(node.children)} children for {len(infoset.actions)} actions",
                field=where, expected="one child per action")
        for child in node.children:
            # Pre-order storage means every child comes after its parent; together
            # with the single parent pointer this rules out cycles and sharing.
            if not index < child < len(game.nodes) or game.nodes[child].parent != index:
                raise InputError(f"child {child + 1} is not a child of this node", field=where,
                                 expected="a tree (each node has exactly one parent)")
    reached = sum(len(n.children) for n in game.nodes) + 1
    if reached != len(game.nodes):
        raise InputError(f"{len(game.nodes) - reached} node(s) are not connected to the root",
                         field="nodes", expected="a single tree")
    _validate_order(game)


def _validate_order(game: ExtensiveFormGame) -> None:
    """Nodes must be in depth-first pre-order; information sets in order of first use."""
    end = list(range(1, len(game.nodes) + 1))
    for index in range(len(game.nodes) - 1, -1, -1):
        children = game.nodes[index].children
        if children:
            end[index] = end[children[-1]]
        expected = index + 1
        for child in children:
            if child != expected:
                raise InputError(f"node {index + 1}'s children are not in pre-order",
                                 field="nodes", expected="nodes stored in depth-first pre-order")
            expected = end[child]
    seen = 0
    for node in game.nodes:
        if node.infoset is not None and node.infoset >= seen:
            if node.infoset != seen:
                raise InputError(f"information set {node.infoset + 1} is used before "
                                 f"information set {seen + 1}", field="infosets",
                                 expected="information sets numbered in order of first use")
            seen += 1
    if seen != len(game.infosets):
        raise InputError(f"{len(game.infosets) - seen} information set(s) have no nodes",
                         field="infosets", expected="every information set used by a node")


def _validate_infoset(k: int, infoset: Infoset, n_players: int,
                      players: tuple[str, ...]) -> None:
    where = f"information set {infoset.label or k + 1}"
    if not infoset.actions:
        raise InputError("an information set has no actions", field=where,
                         expected="at least one action")
    named = [a for a in infoset.actions if a]
    if len(set(named)) != len(named):
        raise InputError(f"duplicate action labels {list(infoset.actions)}", field=where,
                         expected="distinct action labels within one information set")
    if infoset.is_chance:
        probs = infoset.probabilities
        if probs is None or len(probs) != len(infoset.actions):
            raise InputError("chance probabilities missing", field=where,
                             expected="one probability per action")
        numeric = [normalise(p, field=where) for p in probs]
        if any(is_symbolic(p) for p in numeric):
            return
        if any(p < 0 for p in numeric):
            raise InputError(f"negative probability in {[str(p) for p in probs]}", field=where,
                             expected="probabilities >= 0")
        total = sum(numeric, Fraction(0))
        exact_total = all(isinstance(p, Fraction) for p in numeric)
        if (exact_total and total != 1) or (not exact_total and abs(float(total) - 1) > 1e-9):
            raise InputError(f"probabilities sum to {total}", field=where,
                             expected="probabilities summing to 1")
        return
    if infoset.probabilities is not None:
        raise InputError("a player's information set has probabilities", field=where)
    if not 0 <= infoset.player < n_players:
        raise InputError(f"player {infoset.player + 1} is not declared", field=where,
                         expected=f"a player between 1 and {n_players}")

