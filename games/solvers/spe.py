r"""Subgame-perfect equilibria by (generalised) backward induction.

A profile is subgame perfect when it induces a Nash equilibrium in every
subgame (Selten 1965).  The solver visits the subgame roots from the bottom of
the tree up.  At each root it looks at the *local game*: the part of the
subgame outside its proper subgames, whose leaves are terminal nodes and the
roots of proper subgames, valued at the continuation payoffs already chosen.

* A decision node whose children are all leaves (perfect information) is solved
  by maximisation: every optimal action is an alternative, and a node with
  several optimal actions is reported as a tie.
* A chance node whose children are all leaves takes the expectation.
* Any other local game (imperfect information) is turned into its reduced
  strategic form and solved there: all extreme equilibria in exact arithmetic
  when two players move in it, a decision problem's optimal pure strategies
  when one does, and only pure equilibria when three or more do (then the set
  of subgame-perfect equilibria may be incomplete and the result says so).

Because the alternatives at a root depend on the choices below it, equilibria
are generated lazily by backtracking over the roots (an explicit stack, so trees
of any depth work) and can be capped.  Every equilibrium carries its
subgame-perfect certificate (:func:`games.certificates.subgame_perfect_regret`).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from games.certificates import expected_payoffs, payoff_scale, subgame_perfect_regret
from games.errors import InputError, UnsupportedGameError
from games.extensive_form import CHANCE, ExtensiveFormGame, Infoset, Node, Outcome
from games.normal_form import NormalFormGame
from games.numbers import Payoff
from games.results import Equilibrium, SolverResult, TiedChoice
from games.solvers.enummixed import extreme_equilibria
from games.solvers.pure import pure_equilibria
from games.strategic import flatten_behaviour, mixed_to_behaviour, reduced_strategic_form
from games.subgames import subgame_roots

TIE_RELATIVE_TOLERANCE = 1e-12
"""Float games: actions within ``1e-12 * max|payoff|`` of the best count as tied."""

INCOMPLETE_NOTE = ("An imperfect-information subgame with three or more players was solved "
                   "for pure equilibria only, so the set of subgame-perfect equilibria may be "
                   "incomplete.")


@dataclass(frozen=True)
class _Alternative:
    """One way to play a local game: behaviour at its information sets and the value."""

    behaviour: tuple[tuple[int, tuple[Payoff, ...]], ...]
    value: tuple[Payoff, ...]
    tie: TiedChoice | None = None


@dataclass
class _Flags:
    degenerate: bool = False
    incomplete: bool = False


def iter_subgame_perfect(game: ExtensiveFormGame) -> Iterator[Equilibrium]:
    """Generate every subgame-perfect equilibrium, lazily, in a deterministic order.

    Pure behaviour at perfect-information nodes; at imperfect-information
    subgames, the extreme equilibria of the subgame (see the module docstring).

    Raises
    ------
    UnsupportedGameError
        If the game does not have perfect recall.
    InputError
        If the game has symbolic payoffs (substitute parameters first).
    """
    yield from _Search(game, _Flags()).run()


def subgame_perfect_equilibria(game: ExtensiveFormGame, *,
                               max_equilibria: int | None = None) -> SolverResult:
    """All subgame-perfect equilibria (up to ``max_equilibria``), with certificates.

    The result is ``capped`` (and says so in its notes) when more equilibria
    exist than ``max_equilibria``.
    """
    flags = _Flags()
    search = _Search(game, flags)
    found: list[Equilibrium] = []
    capped = False
    for equilibrium in search.run():
        if max_equilibria is not None and len(found) >= max_equilibria:
            capped = True
            break
        found.append(equilibrium)
    notes = []
    if capped:
        notes.append(f"Stopped after {max_equilibria} equilibria (--max-equilibria); "
                     "more subgame-perfect equilibria exist.")
    if flags.incomplete:
        notes.append(INCOMPLETE_NOTE)
    if flags.degenerate:
        notes.append("An imperfect-information subgame is degenerate: its equilibria may form "
                     "components, whose extreme points are the ones used.")
    if any(eq.ties for eq in found):
        notes.append("Some decision nodes have several optimal actions; every choice among "
                     "them gives a separate equilibrium.")
    return SolverResult(concept="SPE", method="spe", exact=game.exact, equilibria=tuple(found),
                        degenerate=flags.degenerate, complete=not (capped or flags.incomplete),
                        capped=capped, notes=tuple(notes))


class _Search:
    """Backtracking over subgame roots, deepest first."""

    def __init__(self, game: ExtensiveFormGame, flags: _Flags) -> None:
        if game.symbolic:
            raise InputError("the game has symbolic payoffs or probabilities", field="payoffs",
                             expected="numbers; substitute parameters first with subs()")
        if not game.has_perfect_recall:
            raise UnsupportedGameError(
                "subgame-perfect equilibria need perfect recall, and this game does not have "
                "it: " + "; ".join(game.perfect_recall_violations()),
                expected="a game with perfect recall (strategic-form solvers still work: --all)")
        self.game = game
        self.flags = flags
        self.roots = subgame_roots(game)[::-1]
        self.root_set = frozenset(self.roots)
        scale = 1.0 if game.exact else max(payoff_scale(game), 1.0)
        self.slack: Payoff = 0 if game.exact else TIE_RELATIVE_TOLERANCE * scale
        # Float games: local games are solved exactly on values rounded to the tie grid,
        # so that 0.1 + 0.2 and 0.3 tie there as they do at perfect-information nodes.
        self.digits = None if game.exact else 12 - math.ceil(math.log10(scale))
        self.values: list[tuple[Payoff, ...]] = list(game.node_payoffs)
        self.behaviour: list[tuple[Payoff, ...]] = [
            tuple(h.probabilities) if h.probabilities is not None else ()
            for h in game.infosets]

    def run(self) -> Iterator[Equilibrium]:
        depth = len(self.roots)
        if depth == 0:  # the root is terminal: nobody moves
            yield self._snapshot(())
            return
        ties: list[TiedChoice | None] = [None] * depth
        stack = [iter(self._alternatives(0))]
        while stack:
            position = len(stack) - 1
            alternative = next(stack[-1], None)
            if alternative is None:
                stack.pop()
                continue
            root = self.roots[position]
            self.values[root] = alternative.value
            for infoset, probs in alternative.behaviour:
                self.behaviour[infoset] = probs
            ties[position] = alternative.tie
            if position + 1 < depth:
                stack.append(iter(self._alternatives(position + 1)))
                continue
            yield self._snapshot(ties)

    def _snapshot(self, ties: Sequence[TiedChoice | None]) -> Equilibrium:
        game = self.game
        behaviour = list(self.behaviour)
        found = tuple(sorted((t for t in ties if t is not None), key=lambda t: t.node))
        return Equilibrium(profile=flatten_behaviour(game, behaviour),
                           payoffs=self.values[0],
                           max_regret=subgame_perfect_regret(game, behaviour),
                           ties=found)

    def _alternatives(self, position: int) -> list[_Alternative]:
        game, root = self.game, self.roots[position]
        node = game.nodes[root]
        assert node.infoset is not None
        infoset = game.infosets[node.infoset]
        leaves_only = all(c in self.root_set or game.nodes[c].is_terminal
                          for c in node.children)
        if leaves_only and infoset.player == CHANCE:
            assert infoset.probabilities is not None
            value = _mix(self.values, node.children, infoset.probabilities, game.n_players)
            return [_Alternative((), value)]
        if leaves_only:
            return self._maximise(root, node.infoset, infoset.player)
        return self._local_equilibria(root)

    def _maximise(self, root: int, infoset: int, player: int) -> list[_Alternative]:
        children = self.game.nodes[root].children
        payoffs = [self.values[c][player] for c in children]
        best = max(payoffs)
        optimal = tuple(a for a, v in enumerate(payoffs) if v >= best - self.slack)
        n_actions = len(children)
        alternatives = []
        for action in optimal:
            probs = tuple(Fraction(int(a == action)) for a in range(n_actions))
            tie = TiedChoice(root, optimal, action) if len(optimal) > 1 else None
            alternatives.append(_Alternative(((infoset, probs),), self.values[children[action]],
                                             tie))
        return alternatives

    def _local_equilibria(self, root: int) -> list[_Alternative]:
        local, infoset_map = _local_game(self.game, root, self.root_set, self.values,
                                         self.digits)
        normal, strategies = reduced_strategic_form(local)
        movers = [i for i in range(local.n_players) if local.player_infosets(i)]
        reduced = _movers_only(normal, movers)
        if len(movers) == 2:
            result = extreme_equilibria(reduced)
            self.flags.degenerate |= result.degenerate
        else:
            result = pure_equilibria(reduced)
            if len(movers) >= 3:
                self.flags.incomplete = True
        alternatives = []
        for equilibrium in result.equilibria:
            mixed: list[tuple[Payoff, ...]] = [(Fraction(1),)] * local.n_players
            for k, player in enumerate(movers):
                mixed[player] = equilibrium.profile[k]
            behaviour = mixed_to_behaviour(local, strategies, mixed)
            value = expected_payoffs(normal, mixed)
            assignment = tuple((infoset_map[h], behaviour[h]) for h in range(len(behaviour))
                               if local.infosets[h].player != CHANCE)
            alternatives.append(_Alternative(assignment, value))
        return alternatives


def _mix(values: Sequence[tuple[Payoff, ...]], children: Sequence[int],
         probabilities: Sequence[Payoff], n_players: int) -> tuple[Payoff, ...]:
    total: list[Payoff] = [Fraction(0)] * n_players
    for prob, child in zip(probabilities, children, strict=True):
        total = [t + prob * v for t, v in zip(total, values[child], strict=True)]
    return tuple(total)


def _movers_only(normal: NormalFormGame, movers: Sequence[int]) -> NormalFormGame:
    """Drop the players who have no move (their only strategy is ``*``)."""
    idle = tuple(i for i in range(normal.n_players) if i not in movers)
    arrays = [np.squeeze(normal.payoffs[i], axis=idle) for i in movers]
    if not movers:  # pure chance: a one-player game with a single strategy
        return NormalFormGame.from_arrays(np.reshape(normal.payoffs[0], (1,)))
    return NormalFormGame.from_arrays(*arrays, players=[normal.players[i] for i in movers],
                                      strategies=[normal.strategies[i] for i in movers])


def _local_game(game: ExtensiveFormGame, root: int, root_set: frozenset[int],
                values: Sequence[tuple[Payoff, ...]],
                digits: int | None) -> tuple[ExtensiveFormGame, list[int]]:
    """The local game at ``root``: proper subgames cut off and valued at ``values``.

    With ``digits`` (float games), leaf values are rounded to that many decimals
    and made exact.  Returns the game and, for each of its information sets,
    the index of the same information set in ``game``.
    """
    end = game.subtree_end
    local_index: dict[int, int] = {}
    infoset_map: list[int] = []
    infoset_local: dict[int, int] = {}
    nodes: list[Node] = []
    outcomes: list[Outcome] = []
    index = root
    while index < end[root]:
        node = game.nodes[index]
        local_index[index] = len(nodes)
        parent = None if index == root else local_index[node.parent]  # type: ignore[index]
        if node.infoset is None or (index in root_set and index != root):
            leaf = values[index]
            if digits is not None:
                leaf = tuple(Fraction(repr(round(float(v), digits))) for v in leaf)
            outcomes.append(Outcome(leaf))
            nodes.append(Node(None, (), len(outcomes) - 1, node.label, parent))
            index = end[index]
            continue
        if node.infoset not in infoset_local:
            infoset_local[node.infoset] = len(infoset_map)
            infoset_map.append(node.infoset)
        nodes.append(Node(infoset_local[node.infoset], node.children, None, node.label, parent))
        index += 1
    remapped = tuple(
        n if n.is_terminal else Node(n.infoset, tuple(local_index[c] for c in n.children),
                                     None, n.label, n.parent)
        for n in nodes)
    infosets: tuple[Infoset, ...] = tuple(game.infosets[h] for h in infoset_map)
    local = ExtensiveFormGame(game.players, remapped, infosets, tuple(outcomes))
    return local, infoset_map

