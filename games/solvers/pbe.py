r"""Perfect Bayesian equilibria of signalling games, in exact arithmetic.

A PBE of a :class:`~games.signalling.SignallingGame` is a sender strategy
σ_t(m), a receiver strategy ρ_τ(r | m) and beliefs μ(t | m) such that

* every message a sender type sends is a best reply to ρ;
* every response receiver type τ uses after m is a best reply to μ(· | m);
* on the path, μ(t | m) ∝ prior(t)·σ_t(m) (Bayes' rule); off the path, μ(· | m)
  is any belief under which ρ(· | m) is a best reply.

:func:`pure_pbe` enumerates every pure-strategy PBE; :func:`semi_separating_pbe`
finds the PBE of two-type, two-message games in which a sender type mixes, by
exact support enumeration (each mixing sender type is indifferent between the
messages, each mixing receiver type between its two responses).  Off-path
beliefs are reported as an interval of Pr(first type) for two sender types, and
as linear inequalities in general.  :func:`intuitive_criterion` applies
Cho and Kreps' (1987) test to one equilibrium.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Literal

import numpy as np
from scipy.optimize import linprog

from games.errors import UnsupportedGameError
from games.signalling import SignallingGame

Kind = Literal["separating", "pooling", "semi_separating"]
Mixed = tuple[Fraction, ...]

ONE, ZERO = Fraction(1), Fraction(0)


@dataclass(frozen=True)
class BeliefSet:
    r"""The beliefs μ over sender types satisfying ``Σ_t coefficients[i][t]·μ_t ≥ 0`` for all i.

    ``interval`` is the set of Pr(first type) when there are two sender types.
    """

    coefficients: tuple[tuple[Fraction, ...], ...]
    interval: tuple[Fraction, Fraction] | None = None


@dataclass(frozen=True)
class SignallingEquilibrium:
    """One PBE: strategies, beliefs, classification and the intuitive-criterion verdict."""

    sender: tuple[Mixed, ...]
    """``sender[t]``: type t's probabilities over messages."""
    receiver: tuple[tuple[Mixed, ...], ...]
    """``receiver[τ][m]``: receiver type τ's probabilities over responses after m."""
    beliefs: tuple[Mixed | None, ...]
    """``beliefs[m]``: the posterior over sender types after an on-path m (None off the path)."""
    off_path: tuple[BeliefSet | None, ...]
    """``off_path[m]``: the beliefs that sustain the responses to an off-path m."""
    kind: Kind
    informative: bool
    sender_payoffs: tuple[Fraction, ...]
    intuitive: bool = True

    @property
    def on_path(self) -> tuple[int, ...]:
        """The messages some type sends with positive probability."""
        return tuple(m for m, b in enumerate(self.beliefs) if b is not None)


@dataclass(frozen=True)
class PBEResult:
    """Every PBE found, with what the search covered."""

    equilibria: tuple[SignallingEquilibrium, ...]
    notes: tuple[str, ...] = field(default=())


def all_pbe(game: SignallingGame) -> PBEResult:
    """Every pure PBE, plus the semi-separating ones of two-type, two-message games."""
    found = list(pure_pbe(game))
    notes: list[str] = []
    if game.n_sender_types == 2 and game.n_messages == 2:
        mixed, degenerate = semi_separating_pbe(game)
        found += mixed
        if degenerate:
            notes.append("Some supports admit a continuum of mixed equilibria; they are "
                         "not listed.")
    else:
        notes.append("Mixed-strategy PBE are searched only in two-type, two-message games.")
    return PBEResult(tuple(intuitive_criterion(game, eq) for eq in found), tuple(notes))


# ------------------------------------------------------------------ pure PBE
def pure_pbe(game: SignallingGame) -> Iterator[SignallingEquilibrium]:
    """Every pure-strategy PBE (each receiver type's tie broken every possible way)."""
    types, messages = range(game.n_sender_types), range(game.n_messages)
    for plan in itertools.product(messages, repeat=game.n_sender_types):
        sender = tuple(_pure(plan[t], game.n_messages) for t in types)
        beliefs = _posteriors(game, sender)
        options: list[list[tuple[int, ...]]] = []  # per message: feasible response profiles
        for m in messages:
            belief = beliefs[m]
            if belief is not None:
                options.append(list(itertools.product(
                    *[_best_responses(game, tau, m, belief)
                      for tau in range(len(game.receiver_types))])))
            else:
                options.append([profile for profile in itertools.product(
                    range(len(game.responses)), repeat=len(game.receiver_types))
                    if _feasible(_sustaining_beliefs(game, m, profile))])
        for choice in itertools.product(*options):
            receiver = tuple(tuple(_pure(choice[m][tau], len(game.responses)) for m in messages)
                             for tau in range(len(game.receiver_types)))
            if _sender_optimal(game, sender, receiver):
                yield _equilibrium(game, sender, receiver, beliefs,
                                   [None if beliefs[m] is not None
                                    else _sustaining_beliefs(game, m, choice[m])
                                    for m in messages])


def _pure(index: int, size: int) -> Mixed:
    return tuple(ONE if k == index else ZERO for k in range(size))


def _posteriors(game: SignallingGame, sender: Sequence[Mixed]) -> tuple[Mixed | None, ...]:
    """Bayes' rule after each message (None when no type sends it)."""
    beliefs: list[Mixed | None] = []
    for m in range(game.n_messages):
        weights = [p * sender[t][m] for t, p in enumerate(game.sender_prior)]
        total = sum(weights, ZERO)
        beliefs.append(None if total == 0 else tuple(w / total for w in weights))
    return tuple(beliefs)


def _best_responses(game: SignallingGame, tau: int, m: int, belief: Mixed) -> list[int]:
    values = [game.receiver_value(tau, m, belief, k) for k in range(len(game.responses))]
    top = max(values)
    return [k for k, v in enumerate(values) if v == top]


def _sustaining_beliefs(game: SignallingGame, m: int, profile: Sequence[int]) -> BeliefSet:
    """The beliefs after m under which each receiver type's response in ``profile`` is optimal."""
    rows = []
    for tau, chosen in enumerate(profile):
        for k in range(len(game.responses)):
            if k != chosen:
                rows.append(tuple(game.receiver_payoff[t][tau][m][chosen]
                                  - game.receiver_payoff[t][tau][m][k]
                                  for t in range(game.n_sender_types)))
    return BeliefSet(tuple(rows), _interval(rows) if game.n_sender_types == 2 else None)


def _interval(rows: Sequence[Sequence[Fraction]]) -> tuple[Fraction, Fraction]:
    """Pr(first type) = p with c0·p + c1·(1 − p) ≥ 0 for every row; (1, 0) when empty."""
    low, high = ZERO, ONE
    for c0, c1 in rows:
        slope = c0 - c1  # the row reads c1 + slope·p ≥ 0
        if slope > 0:
            low = max(low, -c1 / slope)
        elif slope < 0:
            high = min(high, -c1 / slope)
        elif c1 < 0:
            return (ONE, ZERO)
    return (low, high) if low <= high else (ONE, ZERO)


def _feasible(beliefs: BeliefSet) -> bool:
    """Whether some belief over the sender types satisfies the inequalities.

    Exact for two sender types (an interval); a linear program in floating
    point for more.
    """
    if beliefs.interval is not None:
        return beliefs.interval[0] <= beliefs.interval[1]
    if not beliefs.coefficients:
        return True
    size = len(beliefs.coefficients[0])
    found = linprog(c=np.zeros(size),
                    A_ub=-np.array([[float(c) for c in row] for row in beliefs.coefficients]),
                    b_ub=np.zeros(len(beliefs.coefficients)), A_eq=np.ones((1, size)),
                    b_eq=np.ones(1), bounds=[(0, 1)] * size, method="highs")
    return bool(found.status == 0)


def _sender_optimal(game: SignallingGame, sender: Sequence[Mixed],
                    receiver: Sequence[Sequence[Mixed]]) -> bool:
    for t in range(game.n_sender_types):
        values = [game.sender_value(t, m, [receiver[tau][m] for tau in
                                           range(len(game.receiver_types))])
                  for m in range(game.n_messages)]
        best = max(values)
        if any(p > 0 and values[m] < best for m, p in enumerate(sender[t])):
            return False
    return True


def _equilibrium(game: SignallingGame, sender: Sequence[Mixed],
                 receiver: Sequence[Sequence[Mixed]], beliefs: Sequence[Mixed | None],
                 off_path: Sequence[BeliefSet | None]) -> SignallingEquilibrium:
    payoffs = tuple(
        sum((p * game.sender_value(t, m, [receiver[tau][m]
                                          for tau in range(len(game.receiver_types))])
             for m, p in enumerate(sender[t])), ZERO)
        for t in range(game.n_sender_types))
    on_path = [m for m, b in enumerate(beliefs) if b is not None]
    informative = any(len({receiver[tau][m] for m in on_path}) > 1
                      for tau in range(len(game.receiver_types)))
    return SignallingEquilibrium(tuple(sender), tuple(tuple(r) for r in receiver),
                                 tuple(beliefs), tuple(off_path), _kind(sender), informative,
                                 payoffs)


def _kind(sender: Sequence[Mixed]) -> Kind:
    if any(sum(1 for p in row if p > 0) > 1 for row in sender):
        return "semi_separating"
    sent = [row.index(ONE) for row in sender]
    if len(set(sent)) == 1:
        return "pooling"
    return "separating" if len(set(sent)) == len(sent) else "semi_separating"


# ---------------------------------------------------------- semi-separating PBE
def semi_separating_pbe(game: SignallingGame) -> tuple[list[SignallingEquilibrium], bool]:
    r"""PBE of a two-type, two-message game in which at least one sender type mixes.

    For each support — which types mix (σ_t = Pr(t sends the first message)),
    and, for each receiver type and message, one response or a pair it mixes
    over — the mixing probabilities solve two decoupled linear systems: the
    receivers' indifference pins down the beliefs, hence σ; the senders'
    indifference pins down the receivers' mixing.  Only isolated solutions are
    returned; the second value says whether some support had a continuum.
    """
    if game.n_sender_types != 2 or game.n_messages != 2:
        raise UnsupportedGameError("semi-separating PBE are computed for 2 types × 2 messages",
                                   field="signalling game", expected="2 sender types and 2 "
                                   "messages")
    n_tau, n_r = len(game.receiver_types), len(game.responses)
    supports = [(k,) for k in range(n_r)] + list(itertools.combinations(range(n_r), 2))
    found: list[SignallingEquilibrium] = []
    degenerate = False
    for plan in itertools.product(("first", "second", "mix"), repeat=2):
        if "mix" not in plan:
            continue
        for replies in itertools.product(supports, repeat=n_tau * 2):
            solution = _solve_support(game, plan, replies)
            if isinstance(solution, str):
                degenerate = True
                continue
            if solution is None:
                continue
            sender, receiver = solution
            beliefs = _posteriors(game, sender)
            if _receiver_optimal(game, receiver, beliefs) and _sender_optimal(
                    game, sender, receiver):
                equilibrium = _equilibrium(game, sender, receiver, beliefs, [None, None])
                if equilibrium not in found:
                    found.append(equilibrium)
    return found, degenerate


def _solve_support(game: SignallingGame, plan: Sequence[str],
                   replies: Sequence[tuple[int, ...]]
                   ) -> tuple[tuple[Mixed, ...], tuple[tuple[Mixed, ...], ...]] | str | None:
    """Mixing probabilities that make the support an equilibrium candidate.

    Returns the strategies, None when the indifference conditions have no
    solution inside (0, 1), or ``"continuum"`` when they have infinitely many
    and one of them (sampled) is an equilibrium.
    """
    n_tau = len(game.receiver_types)
    movers = [t for t in range(2) if plan[t] == "mix"]
    mixing_replies = [(tau, m) for tau in range(n_tau) for m in range(2)
                      if len(replies[tau * 2 + m]) == 2]
    # The receivers' indifference: Σ_t prior_t·Pr(t sends m)·Δ_t = 0, linear in σ.
    sigma_rows = []
    for tau, m in mixing_replies:
        first, second = replies[tau * 2 + m]
        coefficients = [ZERO] * len(movers)
        constant = ZERO
        for t in range(2):
            gain = game.sender_prior[t] * (game.receiver_payoff[t][tau][m][first]
                                           - game.receiver_payoff[t][tau][m][second])
            if t in movers:
                coefficients[movers.index(t)] += gain if m == 0 else -gain
                constant += ZERO if m == 0 else gain
            else:
                constant += gain * (ONE if (plan[t] == "first") == (m == 0) else ZERO)
        sigma_rows.append((coefficients, -constant))
    # The senders' indifference: value of m0 − value of m1 = 0, linear in ρ.
    rho_rows = []
    for t in movers:
        coefficients = [ZERO] * len(mixing_replies)
        constant = ZERO
        for tau in range(n_tau):
            for m in range(2):
                sign = ONE if m == 0 else -ONE
                support = replies[tau * 2 + m]
                u = [game.receiver_prior[tau] * sign * game.sender_payoff[t][tau][m][k]
                     for k in support]
                if len(support) == 1:
                    constant += u[0]
                else:  # ρ·u_first + (1 − ρ)·u_second
                    coefficients[mixing_replies.index((tau, m))] += u[0] - u[1]
                    constant += u[1]
        rho_rows.append((coefficients, -constant))
    sigma_space = _solve_linear(sigma_rows, len(movers))
    rho_space = _solve_linear(rho_rows, len(mixing_replies))
    if sigma_space is None or rho_space is None:
        return None
    candidates = [(sig, rho) for sig in _points(sigma_space) for rho in _points(rho_space)]
    unique = not sigma_space[1] and not rho_space[1]
    for sigma, rho in candidates:
        built = _build(game, plan, replies, movers, mixing_replies, sigma, rho)
        if built is None:
            continue
        if unique:
            return built
        sender, receiver = built
        beliefs = _posteriors(game, sender)
        if _receiver_optimal(game, receiver, beliefs) and _sender_optimal(game, sender,
                                                                          receiver):
            return "continuum"
    return None


Space = tuple[list[Fraction], list[list[Fraction]]]
"""A solution set of linear equations: a point and the directions spanning it."""


def _solve_linear(rows: Sequence[tuple[list[Fraction], Fraction]], size: int) -> Space | None:
    """All solutions of ``Σ_j a_ij·x_j = b_i`` (exact Gauss–Jordan), or None when none."""
    matrix = [[*a, b] for a, b in rows]
    pivots: list[int] = []
    row = 0
    for column in range(size):
        pivot = next((r for r in range(row, len(matrix)) if matrix[r][column] != 0), None)
        if pivot is None:
            continue
        matrix[row], matrix[pivot] = matrix[pivot], matrix[row]
        lead = matrix[row][column]
        matrix[row] = [v / lead for v in matrix[row]]
        for r in range(len(matrix)):
            if r != row and matrix[r][column] != 0:
                factor = matrix[r][column]
                matrix[r] = [v - factor * w for v, w in zip(matrix[r], matrix[row], strict=True)]
        pivots.append(column)
        row += 1
    if any(all(v == 0 for v in r[:size]) and r[size] != 0 for r in matrix):
        return None
    point = [ZERO] * size
    for r, column in enumerate(pivots):
        point[column] = matrix[r][size]
    directions = []
    for free in (c for c in range(size) if c not in pivots):
        direction = [ZERO] * size
        direction[free] = ONE
        for r, column in enumerate(pivots):
            direction[column] = -matrix[r][free]
        directions.append(direction)
    return point, directions


def _points(space: Space) -> list[list[Fraction]]:
    """The point of a unique solution, or a few points of a solution continuum (a sample)."""
    point, directions = space
    if not directions:
        return [point]
    grid = (Fraction(1, 4), Fraction(1, 2), Fraction(3, 4))
    samples = []
    for weights in itertools.product(grid, repeat=len(directions)):
        shifted = list(point)
        for weight, direction in zip(weights, directions, strict=True):
            shifted = [x + weight * d for x, d in zip(shifted, direction, strict=True)]
        samples.append(shifted)
    return samples


def _build(game: SignallingGame, plan: Sequence[str], replies: Sequence[tuple[int, ...]],
           movers: Sequence[int], mixing_replies: Sequence[tuple[int, int]],
           sigma: Sequence[Fraction], rho: Sequence[Fraction],
           ) -> tuple[tuple[Mixed, ...], tuple[tuple[Mixed, ...], ...]] | None:
    """Strategies from mixing probabilities; None when one lies outside (0, 1)."""
    if any(not 0 < p < 1 for p in (*sigma, *rho)):
        return None
    sender = tuple((sigma[movers.index(t)], 1 - sigma[movers.index(t)]) if t in movers
                   else (ONE, ZERO) if plan[t] == "first" else (ZERO, ONE) for t in range(2))
    receiver = []
    for tau in range(len(game.receiver_types)):
        row = []
        for m in range(2):
            support = replies[tau * 2 + m]
            probabilities = [ZERO] * len(game.responses)
            if len(support) == 1:
                probabilities[support[0]] = ONE
            else:
                p = rho[mixing_replies.index((tau, m))]
                probabilities[support[0]], probabilities[support[1]] = p, 1 - p
            row.append(tuple(probabilities))
        receiver.append(tuple(row))
    return sender, tuple(receiver)


def _receiver_optimal(game: SignallingGame, receiver: Sequence[Sequence[Mixed]],
                      beliefs: Sequence[Mixed | None]) -> bool:
    for tau in range(len(game.receiver_types)):
        for m, belief in enumerate(beliefs):
            if belief is None:
                return False  # both messages are on the path when a type mixes
            best = set(_best_responses(game, tau, m, belief))
            if any(p > 0 and k not in best for k, p in enumerate(receiver[tau][m])):
                return False
    return True


# ------------------------------------------------------------ intuitive criterion
def intuitive_criterion(game: SignallingGame,
                        equilibrium: SignallingEquilibrium) -> SignallingEquilibrium:
    """The equilibrium, marked ``intuitive=False`` when it fails Cho and Kreps' test.

    For each off-path message m: drop the types for which m is equilibrium
    dominated (even the receivers' most favourable best reply to some belief
    gives less than the equilibrium payoff).  The equilibrium fails when some
    remaining type gains from m against every best reply to beliefs on the
    remaining types.
    """
    if game.n_sender_types != 2:
        return equilibrium
    for m, sustaining in enumerate(equilibrium.off_path):
        if sustaining is None:
            continue
        everywhere = _reply_values(game, m, ZERO, ONE)
        survivors = [t for t in range(2)
                     if max(v[t] for v in everywhere) >= equilibrium.sender_payoffs[t]]
        if not survivors or len(survivors) == 2:
            continue
        (t,) = survivors
        point = ONE if t == 0 else ZERO
        restricted = _reply_values(game, m, point, point)
        if min(v[t] for v in restricted) > equilibrium.sender_payoffs[t]:
            return replace(equilibrium, intuitive=False)
    return equilibrium


def _reply_values(game: SignallingGame, m: int, low: Fraction,
                  high: Fraction) -> list[tuple[Fraction, ...]]:
    """Sender types' payoffs from m against every pure best-reply profile to some belief
    Pr(first type) in [low, high]."""
    values = []
    for profile in itertools.product(range(len(game.responses)),
                                     repeat=len(game.receiver_types)):
        lo, hi = _sustaining_beliefs(game, m, profile).interval or (ONE, ZERO)
        if max(lo, low) <= min(hi, high):
            reply = [_pure(k, len(game.responses)) for k in profile]
            values.append(tuple(game.sender_value(t, m, reply) for t in range(2)))
    return values


