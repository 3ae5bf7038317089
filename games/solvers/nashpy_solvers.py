r"""Floating-point Nash solvers for two-player games, through nashpy.

These are the fast float path and a cross-check of the exact solver
:func:`games.solvers.enummixed.extreme_equilibria`.  Three nashpy algorithms
are wrapped (von Stengel 2007, *Equilibrium computation for two-player games in
strategic and extensive form*, Algorithmic Game Theory ch. 3):

* :func:`support_enumeration` — Algorithm 3.4: for every pair of supports
  :math:`(I, J)`, solve the indifference equations and keep the solutions that
  are probability vectors with best responses on their support.  In exact
  arithmetic complete for non-degenerate games only; nashpy's float version can
  also miss equilibria of non-degenerate games (see the function).
* :func:`vertex_enumeration` — Algorithm 3.5: enumerate the vertices of the
  best-response polytopes :math:`P` and :math:`Q` (by Qhull, in floats) and
  keep the completely labelled pairs.  Labels are decided with a float
  tolerance, so degenerate vertices may be mislabelled.
* :func:`lemke_howson` — Algorithm 3.6, run from every initially dropped label
  :math:`k = 0, \dots, m + n - 1`: each run follows a path of almost completely
  labelled pairs to one equilibrium, so the union is a subset of the
  equilibria, never guaranteed to be all of them.

Every profile nashpy returns is *certified*: its maximum regret
(:func:`games.certificates.max_regret`) must be at most
:func:`games.certificates.normal_form_tolerance`, else it is dropped and the
drop is counted in a note.  Warnings and exceptions nashpy raises (it warns on
degenerate games, and can fail on singular systems) are turned into notes and
never propagated.  Results have ``exact=False`` and float profiles and payoffs.
``complete`` is False for Lemke–Howson and support enumeration always, and for
vertex enumeration when the game is degenerate, when degeneracy could not be
decided, when nashpy failed or returned a profile that was dropped, or when an
even number of equilibria was found in a non-degenerate game (which has an odd
number: von Stengel 2007, ch. 3, Lemke–Howson section).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable, Iterator
from itertools import cycle
from typing import Any

import nashpy
import numpy as np
import numpy.typing as npt
from nashpy.linalg import create_col_tableau, create_row_tableau

from games.certificates import expected_payoffs, max_regret, normal_form_tolerance
from games.errors import UnsupportedGameError
from games.normal_form import NormalFormGame
from games.results import Equilibrium, SolverResult
from games.solvers.enummixed import DEFAULT_MAX_BASES, DEGENERATE_NOTE, is_degenerate

__all__ = [
    "DUPLICATE_TOLERANCE",
    "lemke_howson",
    "support_enumeration",
    "vertex_enumeration",
]

DUPLICATE_TOLERANCE = 1e-9
"""Two float profiles are the same equilibrium when every probability differs by at most this."""

FloatMatrix = npt.NDArray[np.float64]
FloatPair = tuple[npt.NDArray[Any], npt.NDArray[Any]]
FloatProfile = tuple[tuple[float, ...], ...]


def support_enumeration(game: NormalFormGame) -> SolverResult:
    """Nash equilibria by support enumeration (von Stengel 2007, Algorithm 3.4), in floats.

    Calls :meth:`nashpy.Game.support_enumeration` on the game's float payoffs.
    In exact arithmetic Algorithm 3.4 finds every equilibrium of a non-degenerate
    game, but nashpy 0.0.43 accepts the solution of an indifference system only if
    every probability is ``>= 0`` *exactly* (``solve_indifference``), and a
    probability that should be 0 often comes out as ``-1e-18``; on random float
    games this loses equilibria of about one game in five.  So ``complete`` is
    always False here; use :func:`vertex_enumeration` or the exact
    :func:`~games.solvers.enummixed.extreme_equilibria` for a complete list.

    Parameters
    ----------
    game
        A two-player game with numeric payoffs (converted with ``to_float()``).

    Returns
    -------
    SolverResult
        ``concept="NE"``, ``method="support"``, ``exact=False``; certified
        equilibria with float profiles and payoffs, sorted by profile.

    Raises
    ------
    UnsupportedGameError
        If the game does not have exactly two players.
    InputError
        If a payoff is symbolic.
    """
    float_game = _float_two_player(game, "support_enumeration")
    A, B = _matrices(float_game)
    return _solve(float_game, "support", [lambda: nashpy.Game(A, B).support_enumeration()],
                  always_incomplete=True)


def vertex_enumeration(game: NormalFormGame) -> SolverResult:
    r"""Nash equilibria by vertex enumeration (von Stengel 2007, Algorithm 3.5), in floats.

    Calls :meth:`nashpy.Game.vertex_enumeration`.  The payoffs are first mapped
    to :math:`[1, 2]` by a positive affine transformation of each player's
    payoffs, :math:`u \mapsto 1 + (u - \min u) / (\max u - \min u)`, which
    leaves the equilibria unchanged (von Stengel 2007, ch. 3) and keeps the
    best-response polytopes bounded and of unit scale for nashpy's float label
    tests.  Payoffs reported are in the game's own payoffs.

    Parameters
    ----------
    game
        A two-player game with numeric payoffs (converted with ``to_float()``).

    Returns
    -------
    SolverResult
        ``method="vertex"``, otherwise as :func:`support_enumeration`.

    Raises
    ------
    UnsupportedGameError
        If the game does not have exactly two players.
    InputError
        If a payoff is symbolic.
    """
    float_game = _float_two_player(game, "vertex_enumeration")
    A, B = (_unit_scale(M) for M in _matrices(float_game))
    return _solve(float_game, "vertex", [lambda: nashpy.Game(A, B).vertex_enumeration()])


def lemke_howson(game: NormalFormGame, *, max_pivots: int | None = None) -> SolverResult:
    r"""Equilibria found by Lemke–Howson from every initially dropped label (Algorithm 3.6).

    Runs nashpy's Lemke–Howson (the loop of :func:`nashpy.Game.lemke_howson`
    with its lexicographic integer-pivoting tableaux, ``nashpy.linalg``) with
    initial dropped label :math:`k` for each :math:`k = 0, \dots, m + n - 1`,
    on payoffs mapped to :math:`[1, 2]` as in :func:`vertex_enumeration`, and
    keeps the distinct certified equilibria (profiles equal within
    :data:`DUPLICATE_TOLERANCE` are merged).  Lemke–Howson finds a subset of
    the equilibria, so ``complete`` is always False.

    Each label is run twice: on :math:`(A, B)` and on the transposed game
    :math:`(B^\top, A^\top)`, whose equilibria are the same pairs with the
    players swapped.  nashpy 0.0.43 reads the column player's probabilities
    off its tableau in the iteration order of a Python ``set`` of labels
    :math:`\{m, \dots, m+n-1\}` (``Tableau.to_strategy``), which is not
    ascending for some shapes (5×4, 6×3, 7×2, 6×4, ...), so it returns a
    permuted, wrong strategy there; the certificate rejects those, and the run
    on the transposed game, where the row player's labels start at 0 and come
    out in order, usually supplies the equilibrium.

    Each run is stopped after ``max_pivots`` pivots.  nashpy pivots in floats
    without the division of integer pivoting (the tableau entries are products
    of earlier pivots), so on games from about 8×8 up the entries overflow to
    infinity after a few dozen pivots, and nashpy's own loop then never ends.
    A stopped run adds a note and contributes no equilibrium.

    Parameters
    ----------
    game
        A two-player game with numeric payoffs (converted with ``to_float()``).
    max_pivots
        Pivots allowed per run; default ``max(200, 20 * (m + n))``.

    Returns
    -------
    SolverResult
        ``method="lh"``, ``complete=False``, otherwise as :func:`support_enumeration`.

    Raises
    ------
    UnsupportedGameError
        If the game does not have exactly two players.
    InputError
        If a payoff is symbolic.
    """
    float_game = _float_two_player(game, "lemke_howson")
    A, B = (_unit_scale(M) for M in _matrices(float_game))
    m, n = float_game.shape
    cap = max(200, 20 * (m + n)) if max_pivots is None else max_pivots
    runs = [_lemke_howson_run(A, B, label, transposed, cap)
            for transposed in (False, True) for label in range(m + n)]
    return _solve(float_game, "lh", runs, always_incomplete=True)


# ----------------------------------------------------------------------------- internals
def _lemke_howson_run(A: FloatMatrix, B: FloatMatrix, label: int, transposed: bool,
                      max_pivots: int) -> Callable[[], Iterable[FloatPair]]:
    """One Lemke–Howson run; ``transposed`` solves ``(B^T, A^T)`` and swaps the result back."""
    def run() -> Iterable[FloatPair]:
        if transposed:
            y, x = _capped_lemke_howson(B.T, A.T, label, max_pivots)
            return [(x, y)]
        return [_capped_lemke_howson(A, B, label, max_pivots)]
    return run


def _capped_lemke_howson(A: FloatMatrix, B: FloatMatrix, label: int,
                         max_pivots: int) -> FloatPair:
    """``nashpy.algorithms.lemke_howson.lemke_howson`` (0.0.43) with a pivot limit.

    The same steps through nashpy's public tableau API: lexicographic column and
    row tableaux, alternate ``pivot_and_drop_label`` starting in the tableau where
    ``label`` is non-basic, stop when the two tableaux' non-basic variables cover
    every label, and read the strategies with ``to_strategy``.
    """
    col_tableau = create_col_tableau(A, True)
    row_tableau = create_row_tableau(B, True)
    if label in row_tableau.non_basic_variables:
        tableaux = cycle((row_tableau, col_tableau))
    else:
        tableaux = cycle((col_tableau, row_tableau))
    full_labels = col_tableau.labels
    entering = label
    for _ in range(max_pivots):
        entering = next(tableaux).pivot_and_drop_label(entering)
        if col_tableau.non_basic_variables | row_tableau.non_basic_variables == full_labels:
            x = row_tableau.to_strategy(col_tableau.non_basic_variables)
            y = col_tableau.to_strategy(row_tableau.non_basic_variables)
            return x, y
    raise _PivotLimitError(f"Lemke-Howson stopped after {max_pivots} pivots without reaching "
                           "an equilibrium (nashpy's float tableau entries overflow on long "
                           "paths).")


class _PivotLimitError(RuntimeError):
    """A Lemke–Howson run reached its pivot limit."""


def _float_two_player(game: NormalFormGame, caller: str) -> NormalFormGame:
    if game.n_players != 2:
        raise UnsupportedGameError(
            f"{caller} solves two-player games; this game has {game.n_players} players",
            field="players", expected="a two-player (bimatrix) game")
    return game.to_float()


def _matrices(float_game: NormalFormGame) -> tuple[FloatMatrix, FloatMatrix]:
    A, B = float_game.payoff_matrices()
    return np.array(A, dtype=np.float64), np.array(B, dtype=np.float64)


def _unit_scale(matrix: FloatMatrix) -> FloatMatrix:
    """The positive affine image of ``matrix`` with entries in ``[1, 2]``."""
    magnitude = float(np.abs(matrix).max())
    if magnitude == 0.0:
        return np.ones_like(matrix)
    scaled = matrix / magnitude  # entries in [-1, 1], so the span below is finite
    low, high = float(scaled.min()), float(scaled.max())
    if high == low:
        return np.ones_like(matrix)
    out: FloatMatrix = 1.0 + (scaled - low) / (high - low)
    return out


def _solve(float_game: NormalFormGame, method: str,
           runs: Iterable[Callable[[], Iterable[FloatPair]]], *,
           always_incomplete: bool = False) -> SolverResult:
    """Run nashpy, certify and deduplicate its profiles, and describe what happened."""
    m, n = float_game.shape
    tolerance = normal_form_tolerance(float_game)
    notes: list[str] = []
    messages: list[str] = []
    failures: list[str] = []
    kept: list[Equilibrium] = []
    seen: list[FloatProfile] = []
    dropped = 0
    for run in runs:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            candidates = _collect(run, failures)
        for warning in caught:
            text = " ".join(str(warning.message).split())
            if text not in messages:
                messages.append(text)
        for candidate in candidates:
            profile = _as_profile(candidate, m, n)
            if profile is None:
                dropped += 1
                continue
            regret = float(max_regret(float_game, profile))
            if not regret <= tolerance:
                dropped += 1
                continue
            if any(_same_profile(profile, other) for other in seen):
                continue
            seen.append(profile)
            payoffs = tuple(float(v) for v in expected_payoffs(float_game, profile))
            kept.append(Equilibrium(profile=profile, payoffs=payoffs, max_regret=regret))
    kept.sort(key=lambda eq: eq.profile)

    degenerate, degeneracy_known = _degeneracy(float_game)
    if degenerate:
        notes.append(DEGENERATE_NOTE)
        if method != "lh":
            notes.append(f"nashpy {_NAMES[method]} may miss equilibria of degenerate games; "
                         "extreme_equilibria lists every extreme equilibrium exactly.")
    if not degeneracy_known:
        notes.append("Degeneracy was not checked: the game is beyond the exact check's "
                     f"size limit (C(m+n, m) > {DEFAULT_MAX_BASES:,}).")
    if method == "lh":
        notes.append(f"Lemke-Howson was run from each of the {m + n} initially dropped labels "
                     "(on the game and on its transpose); it finds a subset of the equilibria, "
                     "not necessarily all.")
    if method == "support":
        notes.append(_SUPPORT_NOTE)
    even_miss = (method != "lh" and degeneracy_known and not degenerate
                 and len(kept) % 2 == 0)
    if even_miss:
        notes.append(f"Found {len(kept)} equilibria, an even number, in a non-degenerate game, "
                     "which has an odd number (Lemke and Howson 1964; von Stengel 2007): "
                     "at least one equilibrium was missed.")
    if dropped:
        notes.append(f"{dropped} profile(s) returned by nashpy failed the Nash certificate "
                     f"(max regret above {tolerance:.3g}, or not a probability vector) "
                     "and were dropped.")
    notes.extend(f"nashpy warned: {text}" for text in messages)
    for text in dict.fromkeys(failures):
        count = failures.count(text)
        notes.append(text if count == 1 else f"In {count} runs: {text}")
    complete = not (always_incomplete or degenerate or not degeneracy_known
                    or dropped or failures or even_miss)
    return SolverResult(concept="NE", method=method, exact=False, equilibria=tuple(kept),
                        degenerate=degenerate, complete=complete, notes=tuple(notes))


_NAMES = {"support": "support enumeration", "vertex": "vertex enumeration"}

_SUPPORT_NOTE = (
    "nashpy's support enumeration can miss equilibria even of non-degenerate games: it "
    "rejects an indifference solution when a probability forced to 0 comes out as a tiny "
    "negative rounding error, so the list is not guaranteed complete.")


def _collect(run: Callable[[], Iterable[FloatPair]], failures: list[str]) -> list[FloatPair]:
    """Every pair ``run`` yields until it finishes or raises (then a note is added)."""
    out: list[FloatPair] = []
    try:
        iterator: Iterator[FloatPair] = iter(run())
        for pair in iterator:
            out.append(pair)
    except _PivotLimitError as error:
        failures.append(str(error))
    except Exception as error:  # nashpy/scipy/numpy failures on degenerate input
        text = " ".join(str(error).split()) or "no message"
        failures.append(f"nashpy raised {type(error).__name__} ({text}); "
                        "equilibria may be missing.")
    return out


def _as_profile(pair: Any, m: int, n: int) -> FloatProfile | None:
    """A clean float profile from nashpy's output, or None if it is not a pair of distributions.

    Probabilities within ``1e-12`` below zero are set to 0 and each vector is
    rescaled to sum to 1; the certificate is then computed on the cleaned profile.
    """
    try:
        x_raw, y_raw = pair
        vectors = (np.asarray(x_raw, dtype=np.float64), np.asarray(y_raw, dtype=np.float64))
    except (TypeError, ValueError):
        return None
    out: list[tuple[float, ...]] = []
    for vector, size in zip(vectors, (m, n), strict=True):
        if vector.shape != (size,) or not np.all(np.isfinite(vector)):
            return None
        if np.any(vector < -1e-12):
            return None
        cleaned = np.where(vector < 0.0, 0.0, vector)
        total = float(cleaned.sum())
        if not abs(total - 1.0) <= 1e-9:
            return None
        out.append(tuple(float(v) for v in cleaned / total))
    return tuple(out)


def _same_profile(first: FloatProfile, second: FloatProfile) -> bool:
    return all(abs(a - b) <= DUPLICATE_TOLERANCE
               for u, v in zip(first, second, strict=True)
               for a, b in zip(u, v, strict=True))


def _degeneracy(float_game: NormalFormGame) -> tuple[bool, bool]:
    """``(degenerate, known)``: exact degeneracy of the game, unless it is too large to check."""
    try:
        return is_degenerate(float_game), True
    except UnsupportedGameError:
        return False, False
