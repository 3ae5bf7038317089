r"""Exact enumeration of all extreme Nash equilibria of a two-player game.

This is the project's own exact solver for bimatrix games.  It follows the
polytope formulation of von Stengel (2007), *Equilibrium computation for
two-player games in strategic and extensive form*, Algorithmic Game Theory,
ch. 3 (best-response polytopes, Algorithm 3.5 and degenerate games), and the
extreme-equilibrium enumeration of Avis, Rosenberg, Savani and von Stengel
(2010), *Enumeration of Nash equilibria for two-player games*, Economic Theory
42:9–37.

Mathematics
-----------
Let :math:`A, B \in \mathbb{Q}^{m \times n}` be the payoffs of the row and the
column player.  A positive affine transformation of one player's payoffs does
not change the game's equilibria, so we replace each matrix by
:math:`A' = L_A (A - \min A) + 1` (with :math:`L_A` the least common multiple of
the denominators of :math:`A`), and likewise for :math:`B`: the matrices become
positive *integers*.  The best-response polytopes are

.. math::

    P = \{x \in \mathbb{R}^m : x \ge 0,\ B'^\top x \le \mathbf 1\},\qquad
    Q = \{y \in \mathbb{R}^n : A' y \le \mathbf 1,\ y \ge 0\}.

Both are bounded because :math:`A', B' > 0`.  The *labels* of :math:`x \in P`
are the indices of its binding inequalities, :math:`\{i : x_i = 0\} \cup
\{m + j : (B'^\top x)_j = 1\}`; those of :math:`y \in Q` are
:math:`\{i : (A'y)_i = 1\} \cup \{m + j : y_j = 0\}`.  A pair
:math:`(x, y) \ne (0, 0)` is *completely labelled* when every label
:math:`0, \dots, m+n-1` is a label of :math:`x` or of :math:`y`; then
:math:`(x / \mathbf 1^\top x,\ y / \mathbf 1^\top y)` is a Nash equilibrium
(von Stengel 2007, ch. 3, "equilibria via labeled polytopes").  The
equilibria of a bimatrix game form finitely many convex polytopes ("maximal
Nash subsets") whose union is the equilibrium set; their extreme points are
exactly the completely labelled pairs of *vertices* of :math:`P` and :math:`Q`
(Avis et al. 2010, after Winkels 1979 and Jansen 1981).  Those *extreme equilibria* are what
:func:`extreme_equilibria` returns; in a non-degenerate game they are all the
equilibria.

Vertices are found by brute force over *bases*: a vertex of the
:math:`d`-dimensional polytope :math:`\{z \ge 0, Cz \le 1\}` is a feasible
point at which :math:`d` linearly independent inequalities bind.  Choosing a
set :math:`S` of :math:`k` coordinates allowed to be non-zero and a set
:math:`T` of :math:`k` rows of :math:`C` forced to bind gives the
:math:`k \times k` system :math:`C_{TS} z_S = \mathbf 1`; over all
:math:`k` there are :math:`\binom{m+n}{m}` such choices per polytope, and every
vertex — including *degenerate* vertices where more than :math:`d` inequalities
bind — is reached by at least one of them (a vertex's binding inequalities
contain a basis).  A vertex reached by several bases is kept once, with its
*full* label set (every binding inequality, not only the :math:`d` of the
basis), so completely labelled pairs are not missed in degenerate games.  The
systems are solved in integers by fraction-free Gaussian elimination
(Bareiss 1968) and Cramer's rule, so every vertex is exact.

The size guard: the enumeration visits :math:`\binom{m+n}{m}` bases per
polytope; games for which this exceeds ``max_bases`` are refused with
:class:`~games.errors.UnsupportedGameError` rather than left to run for hours.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import combinations

from games.certificates import expected_payoffs, max_regret
from games.errors import InputError, UnsupportedGameError
from games.normal_form import NormalFormGame, PayoffArray
from games.results import Equilibrium, SolverResult

__all__ = [
    "DEFAULT_MAX_BASES",
    "DEGENERATE_NOTE",
    "extreme_equilibria",
    "is_degenerate",
]

DEFAULT_MAX_BASES = 2_000_000
"""Largest :math:`\\binom{m+n}{m}` (bases per best-response polytope) enumerated by default.

With the default an 11×11 game (705,432 bases) is accepted and a 12×12 game
(2,704,156 bases) is refused.  Measured cost in this pure-Python implementation:
about 11 µs per basis for small-integer payoffs and 17–27 µs for full-precision
float payoffs (8×8 to 10×10, two polytopes), so a game at the limit takes one to
two minutes; a 5×5 game (252 bases) takes about 6 ms.
"""

DEGENERATE_NOTE = (
    "The game is degenerate: equilibria may form connected components; "
    "the extreme points of each component are listed."
)

IntMatrix = list[list[int]]


@dataclass(frozen=True)
class _Vertex:
    """A vertex ``numerators / denominator`` of a polytope with its binding inequalities.

    ``zeros`` has bit ``s`` set when coordinate ``s`` is 0; ``tight`` has bit ``t``
    set when row ``t`` of the constraint matrix binds.
    """

    numerators: tuple[int, ...]
    denominator: int
    zeros: int
    tight: int


@dataclass(frozen=True)
class _Enumeration:
    """The vertices of P and Q with their labels as bit masks over ``0..m+n-1``."""

    m: int
    n: int
    p_vertices: tuple[tuple[_Vertex, int], ...]
    q_vertices: tuple[tuple[_Vertex, int], ...]

    @property
    def degenerate(self) -> bool:
        """True when some vertex of P has more than m labels or of Q more than n."""
        return (any(labels.bit_count() > self.m for _, labels in self.p_vertices)
                or any(labels.bit_count() > self.n for _, labels in self.q_vertices))


# ----------------------------------------------------------------------------- public API
def extreme_equilibria(game: NormalFormGame, *,
                       max_bases: int = DEFAULT_MAX_BASES) -> SolverResult:
    r"""All extreme Nash equilibria of a two-player game, in exact arithmetic.

    Enumerates every vertex of the best-response polytopes :math:`P` and
    :math:`Q` (von Stengel 2007, Algorithm 3.5; Avis et al. 2010) and returns each
    completely labelled vertex pair, normalised to mixed strategies.  In a
    non-degenerate game these are all the Nash equilibria; in a degenerate
    game they are the extreme points of the (finitely many) maximal convex
    sets of equilibria, and every equilibrium is a convex combination of
    extreme equilibria lying in a common maximal Nash subset.

    Parameters
    ----------
    game
        A two-player game with numeric payoffs.  Float payoffs are read as the
        shortest decimal that prints as them (``0.1`` is ``1/10``), via
        :meth:`~games.normal_form.NormalFormGame.to_exact`.
    max_bases
        Refuse games whose enumeration would visit more than this many bases,
        :math:`\binom{m+n}{m}`, per polytope.

    Returns
    -------
    SolverResult
        ``concept="NE"``, ``method="exact"``, ``exact=True``; each equilibrium's
        profile is ``((x_1, ..., x_m), (y_1, ..., y_n))`` in Fractions, its
        payoffs are the expected payoffs in the game's own (unshifted) payoffs
        and its ``max_regret`` is exactly ``Fraction(0)``.  Equilibria are
        sorted by profile.  ``degenerate`` is set (with a note) when the game
        is degenerate.

    Raises
    ------
    UnsupportedGameError
        If the game does not have exactly two players, or is beyond ``max_bases``.
    InputError
        If a payoff is symbolic.

    Examples
    --------
    >>> g = NormalFormGame.from_arrays([[1, -1], [-1, 1]], [[-1, 1], [1, -1]])
    >>> [eq.profile for eq in extreme_equilibria(g).equilibria]
    [((Fraction(1, 2), Fraction(1, 2)), (Fraction(1, 2), Fraction(1, 2)))]
    """
    exact_game = _exact_two_player(game, "extreme_equilibria")
    enumeration = _enumerate(exact_game, max_bases)
    m, n = enumeration.m, enumeration.n
    full = (1 << (m + n)) - 1
    by_mask: dict[int, list[_Vertex]] = {}
    for vertex, labels in enumeration.q_vertices:
        if vertex.zeros != (1 << n) - 1:  # skip y = 0
            by_mask.setdefault(labels, []).append(vertex)
    equilibria: list[Equilibrium] = []
    for x_vertex, x_labels in enumeration.p_vertices:
        if x_vertex.zeros == (1 << m) - 1:  # skip x = 0
            continue
        missing = full & ~x_labels
        for y_labels, y_vertices in by_mask.items():
            if missing & ~y_labels:
                continue
            for y_vertex in y_vertices:
                equilibria.append(_equilibrium(exact_game, x_vertex, y_vertex))
    equilibria.sort(key=lambda eq: eq.profile)
    if not equilibria:  # every finite game has an equilibrium (Nash 1951)
        raise AssertionError(f"no equilibrium found for {game!r}: this is a bug")
    degenerate = enumeration.degenerate
    return SolverResult(
        concept="NE",
        method="exact",
        exact=True,
        equilibria=tuple(equilibria),
        degenerate=degenerate,
        complete=True,
        notes=(DEGENERATE_NOTE,) if degenerate else (),
    )


def is_degenerate(game: NormalFormGame, *, max_bases: int = DEFAULT_MAX_BASES) -> bool:
    r"""Whether a two-player game is degenerate, decided exactly.

    A bimatrix game is *non-degenerate* if no mixed strategy with support of
    size :math:`k` has more than :math:`k` pure best responses (von Stengel
    2007, ch. 3).

    Decided from the vertex label sets of :math:`P` and :math:`Q`:

    1. For :math:`x \in P \setminus \{0\}` whose largest entry of
       :math:`B'^\top x` equals 1, i.e. :math:`x` is the mixed strategy
       :math:`\bar x = x / \mathbf 1^\top x` scaled by the inverse of the column
       player's best payoff, the labels are the :math:`m - k` unplayed
       strategies plus the best responses to :math:`\bar x`, where :math:`k`
       is the support size.  So :math:`x` has more than :math:`m` labels iff
       :math:`\bar x` has more than :math:`k` best responses.  Every other
       point of :math:`P` (the origin, or a point with no binding row of
       :math:`B'^\top x \le 1`) has at most :math:`m` labels.  Hence the game is
       non-degenerate iff no point of :math:`P` has more than :math:`m` labels
       and no point of :math:`Q` has more than :math:`n` labels (von Stengel
       2007, ch. 3, on degenerate games).
    2. The point of :math:`P` with the most labels can be taken to be a vertex:
       the points of :math:`P` on which the labels :math:`L(x)` of a point
       :math:`x` all bind form a non-empty face of the bounded polytope
       :math:`P`, which has a vertex :math:`v`, and :math:`L(v) \supseteq L(x)`.
       So it suffices to check the vertices, with their full label sets, which
       :func:`extreme_equilibria` enumerates anyway.

    Parameters
    ----------
    game
        A two-player game with numeric payoffs (floats read as decimals).
    max_bases
        As for :func:`extreme_equilibria`.

    Raises
    ------
    UnsupportedGameError
        If the game does not have exactly two players, or is beyond ``max_bases``.
    InputError
        If a payoff is symbolic.
    """
    exact_game = _exact_two_player(game, "is_degenerate")
    return _enumerate(exact_game, max_bases).degenerate


# ----------------------------------------------------------------------------- internals
def _exact_two_player(game: NormalFormGame, caller: str) -> NormalFormGame:
    if game.n_players != 2:
        raise UnsupportedGameError(
            f"{caller} solves two-player games; this game has {game.n_players} players",
            field="players", expected="a two-player (bimatrix) game")
    if game.symbolic:
        names = ", ".join(sorted(str(s) for s in game.free_symbols))
        raise InputError(f"the payoffs depend on the parameter(s) {names}", field="payoffs",
                         expected="numeric payoffs; substitute parameters first with subs()")
    return game.to_exact()


def _enumerate(exact_game: NormalFormGame, max_bases: int) -> _Enumeration:
    m, n = exact_game.shape
    bases = math.comb(m + n, m)
    if bases > max_bases:
        raise UnsupportedGameError(
            f"a {m}x{n} game needs C({m + n}, {m}) = {bases:,} bases per best-response "
            f"polytope, more than the limit max_bases={max_bases:,}",
            field="max_bases",
            expected=f"a game with C(m+n, m) <= {max_bases:,}, or a larger max_bases")
    A, B = exact_game.payoff_matrices()
    a_int = _positive_integer_matrix(A)
    b_int = _positive_integer_matrix(B)
    # P = {x >= 0 : B'^T x <= 1}: coordinate i is label i, row j of B'^T is label m + j.
    b_transposed = [list(column) for column in zip(*b_int, strict=True)]
    p_vertices = tuple((v, v.zeros | (v.tight << m)) for v in _vertices(b_transposed, m))
    # Q = {y >= 0 : A' y <= 1}: row i of A' is label i, coordinate j is label m + j.
    q_vertices = tuple((v, v.tight | (v.zeros << m)) for v in _vertices(a_int, n))
    return _Enumeration(m, n, p_vertices, q_vertices)


def _positive_integer_matrix(matrix: PayoffArray) -> IntMatrix:
    """``L (M - min M) + 1`` with ``L`` the lcm of the denominators: positive integers."""
    values: list[list[Fraction]] = [[Fraction(v) for v in row] for row in matrix.tolist()]
    lowest = min(v for row in values for v in row)
    scale = math.lcm(*(v.denominator for row in values for v in row))
    out: IntMatrix = []
    for row in values:
        shifted = [(v - lowest) * scale + 1 for v in row]
        if any(s.denominator != 1 for s in shifted):  # pragma: no cover - arithmetic identity
            raise AssertionError("scaling did not give integers")
        out.append([s.numerator for s in shifted])
    return out


def _vertices(C: IntMatrix, d: int) -> Iterator[_Vertex]:
    """Every vertex of ``{z in R^d : z >= 0, C z <= 1}`` (C positive, r x d), once each.

    Tries every basis: ``k`` free coordinates ``S`` and ``k`` binding rows ``T``,
    for ``k = 0..min(d, r)``, solving ``C[T, S] z_S = 1`` exactly.
    """
    r = len(C)
    all_zero = (1 << d) - 1
    seen: set[tuple[tuple[int, ...], int]] = set()
    yield _Vertex((0,) * d, 1, all_zero, 0)  # the origin (k = 0)
    for k in range(1, min(d, r) + 1):
        for support in combinations(range(d), k):
            columns = [[row[s] for s in support] for row in C]
            for rows in combinations(range(r), k):
                solved = _solve_ones([columns[t] for t in rows])
                if solved is None:
                    continue
                numerators, denominator = solved
                if any(v < 0 for v in numerators):
                    continue
                values = [sum(c * v for c, v in zip(row, numerators, strict=True))
                          for row in columns]
                if any(value > denominator for value in values):
                    continue
                common = math.gcd(denominator, *numerators)
                full = [0] * d
                for s, v in zip(support, numerators, strict=True):
                    full[s] = v // common
                key = (tuple(full), denominator // common)
                if key in seen:
                    continue
                seen.add(key)
                zeros = sum(1 << s for s in range(d) if full[s] == 0)
                tight = sum(1 << t for t in range(r) if values[t] == denominator)
                yield _Vertex(key[0], key[1], zeros, tight)


def _solve_ones(matrix: Sequence[Sequence[int]]) -> tuple[list[int], int] | None:
    """Solve ``M z = 1`` for a square integer matrix by Bareiss elimination.

    Returns ``(numerators, denominator)`` with ``z = numerators / denominator`` and
    ``denominator > 0`` (it is :math:`\\pm\\det M`), or ``None`` if ``M`` is singular.
    Every intermediate value is an integer minor of ``[M | 1]`` (Bareiss 1968), and
    the back substitution computes the Cramer numerators :math:`\\det M \\cdot z_i`,
    so every division is exact.
    """
    k = len(matrix)
    a = [[*row, 1] for row in matrix]
    previous = 1
    for c in range(k):
        pivot_row = c
        while a[pivot_row][c] == 0:
            pivot_row += 1
            if pivot_row == k:
                return None
        if pivot_row != c:
            a[c], a[pivot_row] = a[pivot_row], a[c]
        row_c = a[c]
        pivot = row_c[c]
        for r in range(c + 1, k):
            row_r = a[r]
            factor = row_r[c]
            for j in range(c + 1, k + 1):
                row_r[j] = (pivot * row_r[j] - factor * row_c[j]) // previous
            row_r[c] = 0
        previous = pivot
    determinant = a[k - 1][k - 1]
    numerators = [0] * k
    for i in range(k - 1, -1, -1):
        row = a[i]
        total = determinant * row[k]
        for j in range(i + 1, k):
            total -= row[j] * numerators[j]
        numerators[i] = total // row[i]
    if determinant < 0:
        return [-v for v in numerators], -determinant
    return numerators, determinant


def _equilibrium(exact_game: NormalFormGame, x: _Vertex, y: _Vertex) -> Equilibrium:
    profile = (_normalise(x.numerators), _normalise(y.numerators))
    regret = max_regret(exact_game, profile)
    if regret != 0:  # the labels guarantee best responses: a failure here is a bug
        raise AssertionError(f"extreme equilibrium {profile} has regret {regret}")
    return Equilibrium(profile=profile, payoffs=expected_payoffs(exact_game, profile),
                       max_regret=Fraction(regret))


def _normalise(numerators: tuple[int, ...]) -> tuple[Fraction, ...]:
    total = sum(numerators)
    return tuple(Fraction(v, total) for v in numerators)
