r"""Batch solving: one game form, many parameter points, solved at once with numpy.

A *family* of games shares one tree (or one strategy table) and differs only in
the numbers: symbolic payoffs evaluated at N parameter points.  The payoffs are
lambdified once (:meth:`BatchTree.compile`) and evaluated as arrays, so a sweep
over 10⁷ points is a few numpy passes per node instead of 10⁷ calls to a solver.

Extensive form (perfect information, chance allowed).  Backward induction is
applied pointwise: visiting nodes in reverse pre-order, a terminal node is
worth its payoff vector :math:`u(z)`, a chance node the expectation
:math:`\sum_k \pi_k V(c_k)`, and a decision node of player *i* with children
:math:`c_1..c_k` has the *optimal set*

.. math:: O = \{ j : V_i(c_j) \ge \max_l V_i(c_l) - \varepsilon \},
          \qquad \varepsilon = 10^{-12} \max(1, \max_z \max_p |u_p(z)|),

the same tolerance as the scalar solver (:mod:`games.solvers.spe`).  The set is
returned as a bitmask (bit *j* set when action *j* is optimal), and the action
played is the first member of *O* in a per-node priority order (default: the
order of the actions).  Every subgame-perfect equilibrium of the scalar solver
picks, at each node, a member of *O* given the choices below; the batch solver
returns the one that a lexicographic tie rule applied from the bottom up
selects, and the bitmask tells where other equilibria exist.

Normal form.  :func:`pure_nash_mask` marks, at every point, the pure profiles
where each player's payoff is within ε of its best reply.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np
import numpy.typing as npt
import sympy

from games.batch_kernels import SCRATCH_BYTES, Pool, Workspace
from games.errors import InputError, UnsupportedGameError
from games.extensive_form import CHANCE, ExtensiveFormGame
from games.normal_form import NormalFormGame
from games.numbers import Payoff
from games.solvers.spe import TIE_RELATIVE_TOLERANCE

FloatArray = npt.NDArray[np.float64]
MAX_ACTIONS = 64
"""Most actions at one node: the optimal set is stored as a 64-bit mask."""


def _mask_dtype(actions: int) -> type[np.unsignedinteger[Any]]:
    for dtype, bits in ((np.uint8, 8), (np.uint16, 16), (np.uint32, 32), (np.uint64, 64)):
        if actions <= bits:
            return dtype
    raise UnsupportedGameError(f"a node has {actions} actions", field="game",
                               expected=f"at most {MAX_ACTIONS} actions per node")


def _as_expression(value: Payoff) -> sympy.Expr:
    if isinstance(value, sympy.Basic):
        return value
    if isinstance(value, Fraction):
        return sympy.Rational(value.numerator, value.denominator)
    return sympy.Float(value) if isinstance(value, float) else sympy.Integer(value)


def _lambdify(symbols: Sequence[sympy.Symbol],
              values: Sequence[Payoff]) -> Callable[..., list[Any]]:
    """One numpy function evaluating every value (expressions built by the engine only)."""
    expressions = [_as_expression(v) for v in values]
    function: Callable[..., list[Any]] = sympy.lambdify(list(symbols), expressions, "numpy")
    return function


def _point_arrays(names: Sequence[str], params: Mapping[str, npt.ArrayLike],
                  size: int | None) -> tuple[list[FloatArray], int]:
    """The parameter arrays in ``names`` order, broadcast to one length N."""
    missing = [n for n in names if n not in params]
    if missing:
        raise InputError(f"no values for {', '.join(missing)}", field="params",
                         expected=f"an array (or a number) for each of {', '.join(names)}")
    arrays = [np.asarray(params[n], dtype=np.float64) for n in names]
    lengths = {a.shape[0] for a in arrays if a.ndim == 1}
    if any(a.ndim > 1 for a in arrays) or len(lengths) > 1:
        shapes = ", ".join(f"{n}: {a.shape}" for n, a in zip(names, arrays, strict=True))
        raise InputError(f"parameter arrays of different shapes ({shapes})", field="params",
                         expected="numbers or one-dimensional arrays of one length")
    n = lengths.pop() if lengths else (1 if size is None else size)
    if size is not None and n != size:
        raise InputError(f"arrays of length {n}, size {size}", field="params",
                         expected="arrays of the given size")
    return [np.broadcast_to(a, (n,)) for a in arrays], n


def _needed_players(game: ExtensiveFormGame) -> tuple[tuple[int, ...], ...]:
    """For each node, the players who move at one of its ancestors (in pre-order)."""
    needed: list[tuple[int, ...]] = []
    for node in game.nodes:
        if node.parent is None:
            needed.append(())
            continue
        parent = game.nodes[node.parent]
        mover = game.infosets[parent.infoset or 0].player
        above = set(needed[node.parent]) | ({mover} if mover != CHANCE else set())
        needed.append(tuple(sorted(above)))
    return tuple(needed)


def _term_magnitudes(values: Sequence[Payoff]) -> list[sympy.Expr]:
    """``Σ|t|`` over the terms ``t`` of every value that is a symbolic sum of several terms."""
    found = []
    for value in values:
        if not isinstance(value, sympy.Basic):
            continue
        terms = sympy.Add.make_args(sympy.expand(value))
        if len(terms) > 1:
            found.append(sympy.Add(*(sympy.Abs(t) for t in terms)))
    return found


def _first_bad(values: FloatArray) -> int:
    bad = np.flatnonzero(~np.isfinite(values).all(axis=tuple(range(values.ndim - 1))))
    return int(bad[0])


@dataclass(frozen=True)
class BatchSolution:
    """Backward induction at N points: what is optimal and what is played at each node.

    Attributes
    ----------
    game
        The tree.
    decision_nodes
        The decision nodes, in pre-order; row *r* of ``optimal`` and ``selected``
        is node ``decision_nodes[r]``.
    optimal
        ``(D, N)`` bitmasks: bit *j* set when action *j* is optimal at the node,
        given the selected play below it.
    selected
        ``(D, N)`` index of the action selected by the priority order.
    recorded
        For each decision node asked for, ``(k, N)``: the mover's value of each
        of its actions under the selected play below.
    values
        ``(P, N)`` equilibrium payoffs at the root, when asked for.
    """

    game: ExtensiveFormGame
    decision_nodes: tuple[int, ...]
    optimal: npt.NDArray[np.unsignedinteger[Any]]
    selected: npt.NDArray[np.int8]
    recorded: Mapping[int, FloatArray] = field(default_factory=dict)
    values: FloatArray | None = None

    def _row(self, node: int) -> int:
        try:
            return self.decision_nodes.index(node)
        except ValueError:
            raise InputError(f"node {node} is not a decision node", field="node",
                             expected="the index of a player's decision node") from None

    def selected_at(self, node: int) -> npt.NDArray[np.int8]:
        """The action played at ``node``, per point."""
        row: npt.NDArray[np.int8] = self.selected[self._row(node)]
        return row

    def optimal_at(self, node: int) -> npt.NDArray[np.unsignedinteger[Any]]:
        """The bitmask of optimal actions at ``node``, per point."""
        row: npt.NDArray[np.unsignedinteger[Any]] = self.optimal[self._row(node)]
        return row

    def ties(self) -> npt.NDArray[np.bool_]:
        """Points where some node (on or off the path) has several optimal actions.

        Exactly the points where the game has more than one pure SPE.
        """
        several = (self.optimal & (self.optimal - 1)) != 0
        return np.asarray(several.any(axis=0))


class _Scratch(threading.local):
    """One tree's scratch arrays, per thread; copies and pickles start empty."""

    pool: Pool | None = None

    def __deepcopy__(self, memo: dict[int, Any]) -> _Scratch:
        return _Scratch()

    def __reduce__(self) -> tuple[type[_Scratch], tuple[()]]:
        return _Scratch, ()


@dataclass(frozen=True)
class BatchTree:
    """A perfect-information tree compiled for evaluation at many parameter points.

    Build with :meth:`compile`; then :meth:`solve` takes parameter arrays, or
    :meth:`payoffs` evaluates them and :meth:`solve_payoffs` solves given arrays.

    Examples
    --------
    >>> from games import Decision, Terminal, symbol
    >>> a = symbol("a")
    >>> game = ExtensiveFormGame.from_tree(Decision("Entrant", [
    ...     ("Out", Terminal((0, 2))),
    ...     ("In", Decision("Incumbent", [("Fight", Terminal((-1, 1 - a))),
    ...                                   ("Accommodate", Terminal((1, 1)))])),
    ... ]), players=["Entrant", "Incumbent"])
    >>> tree = BatchTree.compile(game)
    >>> solution = tree.solve({"a": [-1.0, 0.0, 1.0]})
    >>> solution.selected_at(0).tolist(), solution.selected_at(2).tolist()
    ([0, 0, 1], [0, 0, 1])
    >>> solution.optimal_at(2).tolist()   # at a = 0 both replies are optimal
    [1, 3, 2]
    """

    game: ExtensiveFormGame
    parameters: tuple[str, ...]
    terminals: tuple[int, ...]
    chance_nodes: tuple[int, ...]
    decision_nodes: tuple[int, ...]
    needed: tuple[tuple[int, ...], ...]
    widest: int
    evaluate_payoffs: Callable[..., list[Any]] = field(repr=False, compare=False)
    evaluate_probabilities: Callable[..., list[Any]] = field(repr=False, compare=False)
    evaluate_magnitudes: Callable[..., list[Any]] = field(repr=False, compare=False)
    scratch: _Scratch = field(default_factory=_Scratch, init=False, repr=False,
                              compare=False)
    """Per thread, the scratch arrays of the last solve (kept when small, to skip page faults)."""

    @classmethod
    def compile(cls, game: ExtensiveFormGame) -> BatchTree:
        """Check the tree and lambdify its payoffs and chance probabilities once.

        Raises
        ------
        UnsupportedGameError
            If an information set holds several nodes (imperfect information) or
            a node has more than 64 actions.
        """
        for index, members in enumerate(game.infoset_members):
            infoset = game.infosets[index]
            if not infoset.is_chance and len(members) > 1:
                raise UnsupportedGameError(
                    f"information set {infoset.label or index + 1} holds {len(members)} nodes",
                    field="game", expected="a game of perfect information (chance allowed)")
            _mask_dtype(len(infoset.actions))
        symbols = sorted(game.free_symbols, key=lambda s: s.name)
        terminals = tuple(i for i, node in enumerate(game.nodes) if node.is_terminal)
        totals = game.node_payoffs
        chance = tuple(i for i, node in enumerate(game.nodes) if node.infoset is not None
                       and game.infosets[node.infoset].player == CHANCE)
        probabilities = [p for i in chance
                         for p in game.infosets[game.nodes[i].infoset or 0].probabilities or ()]
        decision = tuple(i for i, node in enumerate(game.nodes) if node.infoset is not None
                         and i not in chance)
        widest = max((len(game.nodes[i].children) for i in decision), default=1)
        values = [v for t in terminals for v in totals[t]]
        return cls(game, tuple(s.name for s in symbols), terminals, chance, decision,
                   _needed_players(game), widest, _lambdify(symbols, values),
                   _lambdify(symbols, probabilities),
                   _lambdify(symbols, _term_magnitudes(values)))

    # ------------------------------------------------------------------ evaluation
    def payoffs(self, params: Mapping[str, npt.ArrayLike], size: int | None = None
                ) -> FloatArray:
        """The terminal payoffs at every point, shape ``(T, P, N)`` (terminals in pre-order).

        Raises
        ------
        InputError
            For a missing parameter, arrays of different lengths, or a payoff
            that is not finite at some point (the first such point is named).
        """
        arrays, n = _point_arrays(self.parameters, params, size)
        players = self.game.n_players
        flat = self.evaluate_payoffs(*arrays)
        tensor = np.empty((len(self.terminals), players, n))
        for k, value in enumerate(flat):
            tensor[k // players, k % players] = value
        if not np.isfinite(tensor).all():
            raise InputError(f"a payoff is not finite at point {_first_bad(tensor)}",
                             field="params", expected="parameter values giving finite payoffs")
        return tensor

    def magnitudes(self, params: Mapping[str, npt.ArrayLike], size: int | None = None
                   ) -> FloatArray:
        """For each payoff that is a sum of terms, the sum of their absolute values, ``(M, N)``.

        A payoff such as :math:`p v_C - c_C` can cancel to nearly 0 while its terms are
        large; its rounding error scales with :math:`|p v_C| + |c_C|`, so the tie
        tolerance does too (:func:`games.batch_kernels.slack`).
        """
        arrays, n = _point_arrays(self.parameters, params, size)
        rows = self.evaluate_magnitudes(*arrays)
        result = np.empty((len(rows), n))
        for k, row in enumerate(rows):
            result[k] = row
        return result

    def probabilities(self, params: Mapping[str, npt.ArrayLike], size: int | None = None
                      ) -> dict[int, FloatArray]:
        """Each chance node's move probabilities, shape ``(k, N)``, checked at every point.

        Raises
        ------
        InputError
            If at some point a probability is outside [0, 1] or they do not add
            up to 1 (within 1e-9); the first such point is named.
        """
        arrays, n = _point_arrays(self.parameters, params, size)
        flat = iter(self.evaluate_probabilities(*arrays))
        result = {}
        for node in self.chance_nodes:
            k = len(self.game.nodes[node].children)
            probs = np.empty((k, n))
            for j in range(k):
                probs[j] = next(flat)
            bad = ((probs < -1e-12) | (probs > 1 + 1e-12) | ~np.isfinite(probs)).any(axis=0)
            bad |= np.abs(probs.sum(axis=0) - 1) > 1e-9
            if bad.any():
                point = int(np.flatnonzero(bad)[0])
                raise InputError(
                    f"the probabilities at chance node {node} are "
                    f"{probs[:, point].tolist()} at point {point}", field="params",
                    expected="probabilities in [0, 1] adding up to 1 at every point")
            result[node] = probs
        return result

    # ------------------------------------------------------------------ solving
    def solve(self, params: Mapping[str, npt.ArrayLike], *,
              priority: Mapping[int, Sequence[int]] | None = None,
              record: Sequence[int] = (), values: bool = False,
              size: int | None = None) -> BatchSolution:
        """Backward induction at every point of ``params`` (see the module docstring).

        Parameters
        ----------
        params
            One array (or number) per parameter in :attr:`parameters`.
        priority
            For some decision nodes, the order in which tied optimal actions are
            preferred (a permutation of the action indices); other nodes prefer
            their first optimal action.
        record
            Decision nodes whose action values (for the mover) to keep.
        values
            Also return the equilibrium payoffs at the root.
        size
            The number of points, when every parameter is a number.
        """
        return self.solve_payoffs(self.payoffs(params, size),
                                  self.probabilities(params, size) if self.chance_nodes else {},
                                  priority=priority, record=record, values=values,
                                  magnitudes=self.magnitudes(params, size))

    def solve_payoffs(self, payoffs: FloatArray,
                      probabilities: Mapping[int, FloatArray] | None = None, *,
                      priority: Mapping[int, Sequence[int]] | None = None,
                      record: Sequence[int] = (), values: bool = False,
                      magnitudes: FloatArray | None = None) -> BatchSolution:
        """Backward induction given evaluated payoffs ``(T, P, N)`` and chance probabilities.

        ``magnitudes`` (from :meth:`magnitudes`) widen the tie tolerance where
        payoffs are differences of large terms; without them the scale is the
        largest |payoff| alone, as in the scalar float solver.

        Only the payoff rows some ancestor compares are carried up the tree
        (a node's value for player *p* is needed only if *p* moves above it),
        and a node's value is copied from the selected child bit for bit.
        """
        game = self.game
        orders = self._priorities(priority or {})
        probs = probabilities or {}
        n = payoffs.shape[-1]
        if payoffs.shape != (len(self.terminals), game.n_players, n):
            raise InputError(f"payoff array of shape {payoffs.shape}", field="payoffs",
                             expected=f"shape ({len(self.terminals)}, {game.n_players}, N)")
        decision = self.decision_nodes
        rows = {node: r for r, node in enumerate(decision)}
        wanted = set(record)
        for bad in sorted(wanted - set(rows)):
            raise InputError(f"node {bad} is not a decision node", field="record",
                             expected="decision node indices")
        for chance in self.chance_nodes:
            k = len(game.nodes[chance].children)
            if chance not in probs or len(probs[chance]) != k:
                raise InputError(f"no probabilities for chance node {chance}",
                                 field="probabilities",
                                 expected=f"{k} arrays of probabilities (shape ({k}, N))")
        optimal = np.zeros((len(decision), n), dtype=_mask_dtype(self.widest))
        selected = np.zeros((len(decision), n), dtype=np.int8)
        everyone = tuple(range(game.n_players))
        needed = [everyone] * len(game.nodes) if values else self.needed
        pool = self.scratch.pool
        self.scratch.pool = None  # in use (an exception drops it)
        work = Workspace(payoffs, pool if pool is not None and pool.n == n else Pool(n),
                         magnitudes)
        terminal_rows = {node: k for k, node in enumerate(self.terminals)}
        value: dict[int, dict[int, FloatArray]] = {}
        recorded: dict[int, FloatArray] = {}
        for index in range(len(game.nodes) - 1, -1, -1):
            node = game.nodes[index]
            if node.infoset is None:
                value[index] = {p: payoffs[terminal_rows[index], p] for p in needed[index]}
                continue
            children = [value.pop(c) for c in node.children]
            player = game.infosets[node.infoset].player
            if player == CHANCE:
                value[index] = {p: work.expectation(probs[index], [c[p] for c in children])
                                for p in needed[index]}
            else:
                own = [c[player] for c in children]
                if index in wanted:
                    recorded[index] = np.stack(own)
                row = rows[index]
                order = orders.get(index, tuple(range(len(own))))
                flags = work.optimal_flags(own, optimal[row])
                work.first_in_order(flags, order, selected[row])
                masks = work.select_masks(flags, order) if needed[index] else []
                value[index] = {p: work.select(masks, order, [c[p] for c in children])
                                for p in needed[index]}
                work.pool.give(*flags, *masks)
            for child in children:
                work.pool.give(*(v for v in child.values() if v.base is None))
        root = np.stack([value[0][p] for p in everyone]) if values else None
        work.pool.give(*(v for v in value[0].values() if v.base is None))
        work.close()
        self.scratch.pool = work.pool if work.pool.nbytes() <= SCRATCH_BYTES else None
        return BatchSolution(game, decision, optimal, selected, recorded, root)

    def _priorities(self, priority: Mapping[int, Sequence[int]]) -> dict[int, tuple[int, ...]]:
        orders = {}
        for node, order in priority.items():
            if not 0 <= node < len(self.game.nodes) or self.game.nodes[node].infoset is None:
                raise InputError(f"node {node} is not a decision node", field="priority",
                                 expected="decision node indices")
            k = len(self.game.nodes[node].children)
            if sorted(order) != list(range(k)):
                raise InputError(f"priority {list(order)} at node {node}", field="priority",
                                 expected=f"a permutation of 0..{k - 1}")
            orders[node] = tuple(order)
        return orders


def pure_nash_mask(payoffs: FloatArray) -> npt.NDArray[np.bool_]:
    r"""Pure Nash equilibria at N points at once.

    Parameters
    ----------
    payoffs
        Shape ``(P, s_1, ..., s_P, N)``: player *p*'s payoff at each profile and point.

    Returns
    -------
    numpy.ndarray
        Boolean ``(s_1, ..., s_P, N)``: the profile is a Nash equilibrium at the
        point, i.e. :math:`u_p(s) \ge \max_{t_p} u_p(t_p, s_{-p}) - \varepsilon`
        for every player, ε as for trees.

    Examples
    --------
    >>> prisoners = np.array([[[3, 0], [5, 1]], [[3, 5], [0, 1]]], dtype=float)[..., None]
    >>> pure_nash_mask(prisoners)[..., 0].tolist()
    [[False, False], [False, True]]
    """
    players = payoffs.shape[0]
    if payoffs.ndim != players + 2:
        raise InputError(f"payoff array of shape {payoffs.shape}", field="payoffs",
                         expected="shape (P, s_1, ..., s_P, N)")
    if not np.isfinite(payoffs).all():
        raise InputError(f"a payoff is not finite at point {_first_bad(payoffs)}",
                         field="payoffs", expected="finite payoffs")
    scale = np.abs(payoffs.reshape(-1, payoffs.shape[-1])).max(axis=0)
    slack = TIE_RELATIVE_TOLERANCE * np.maximum(scale, 1.0)
    nash = np.ones(payoffs.shape[1:], dtype=bool)
    for p in range(players):
        best = payoffs[p].max(axis=p, keepdims=True)
        nash &= payoffs[p] >= best - slack
    return nash


@dataclass(frozen=True)
class BatchNormalForm:
    """A normal-form game with symbolic payoffs, compiled for many parameter points."""

    game: NormalFormGame
    parameters: tuple[str, ...]
    evaluate: Callable[..., list[Any]] = field(repr=False, compare=False)

    @classmethod
    def compile(cls, game: NormalFormGame) -> BatchNormalForm:
        """Lambdify every payoff once."""
        symbols = sorted(game.free_symbols, key=lambda s: s.name)
        values = [v for array in game.payoffs for v in array.ravel().tolist()]
        return cls(game, tuple(s.name for s in symbols), _lambdify(symbols, values))

    def payoffs(self, params: Mapping[str, npt.ArrayLike], size: int | None = None
                ) -> FloatArray:
        """Payoffs at every point, shape ``(P, s_1, ..., s_P, N)``."""
        arrays, n = _point_arrays(self.parameters, params, size)
        shape = self.game.shape
        tensor = np.empty((self.game.n_players, *shape, n))
        flat = tensor.reshape(-1, n)
        for k, value in enumerate(self.evaluate(*arrays)):
            flat[k] = value
        return tensor

    def pure_equilibria(self, params: Mapping[str, npt.ArrayLike], size: int | None = None
                        ) -> npt.NDArray[np.bool_]:
        """:func:`pure_nash_mask` of the game at every point of ``params``."""
        return pure_nash_mask(self.payoffs(params, size))
