"""Perfect Bayesian equilibria of signalling games (``games.solvers.pbe``).

Oracles:

* Beer–quiche (Cho and Kreps 1987): exactly two pure PBE, both pooling; pooling
  on quiche fails the intuitive criterion, pooling on beer passes; each is
  sustained by off-path beliefs Pr(strong) ≤ 1/2.
* The discrete tying-hands game at its classroom defaults (the signalling
  issue's stated results, after Fearon 1997): at δ = 1 a separating PBE and
  pooling on N (which fails the intuitive criterion); at δ = 1/2 the
  separating PBE is gone and a semi-separating one remains, with U tying with
  probability 2/3 and the weak challenger challenging after T with
  probability 1/7; at δ = 0 only uninformative pooling.
* Random two-type games with small integer payoffs: every reported PBE
  satisfies the definition, checked independently below, and every pure
  profile that satisfies it is reported.
"""

from __future__ import annotations

import itertools
import random
from fractions import Fraction

import pytest

from games.errors import InputError
from games.signalling import SignallingGame
from games.solvers.pbe import SignallingEquilibrium, all_pbe, pure_pbe

F = Fraction


def beer_quiche() -> SignallingGame:
    # Sender: +1 for its favourite breakfast (strong: beer, weak: quiche), +2 if not dueled.
    # Receiver: 1 for dueling a weak sender or leaving a strong one alone, else 0.
    return SignallingGame.from_payoffs(
        ["strong", "weak"], [F(9, 10), F(1, 10)], ["receiver"], [1], ["beer", "quiche"],
        ["duel", "leave"],
        sender=[[[[1, 3], [0, 2]]], [[[0, 2], [1, 3]]]],
        receiver=[[[[0, 1], [0, 1]]], [[[1, 0], [1, 0]]]])


def tying_hands(delta: Fraction) -> SignallingGame:
    """The TH game's signalling stage at the defaults (after the ally's continuation move)."""
    q, pi, v, c_A, a, g, w = F(2, 5), F(1, 2), {"R": 4, "U": 1}, 3, F(3, 2), 1, {"tough": 1,
                                                                                   "weak": -1}
    alpha = delta * a
    sender, receiver = [], []
    for t in ("R", "U"):
        s_rows, r_rows = [], []
        for tau in ("tough", "weak"):
            s_msg, r_msg = [], []
            for message in ("T", "N"):
                cost = alpha if message == "T" else 0
                fights = -c_A >= -v[t] - cost  # an indifferent ally fights
                s_msg.append([0, -c_A if fights else -v[t] - cost])
                r_msg.append([0, w[tau] if fights else g])
            s_rows.append(s_msg)
            r_rows.append(r_msg)
        sender.append(s_rows)
        receiver.append(r_rows)
    return SignallingGame.from_payoffs(["R", "U"], [q, 1 - q], ["tough", "weak"],
                                       [pi, 1 - pi], ["T", "N"], ["Q", "X"],
                                       sender=sender, receiver=receiver)


def summary(eq: SignallingEquilibrium) -> tuple[object, ...]:
    return (eq.kind, eq.sender, eq.receiver, eq.informative, eq.intuitive)


def test_beer_quiche() -> None:
    result = all_pbe(beer_quiche())
    pooled = {eq.sender[0].index(F(1)): eq for eq in result.equilibria}
    assert sorted(pooled) == [0, 1]
    assert all(eq.kind == "pooling" and not eq.informative for eq in result.equilibria)
    assert pooled[0].intuitive and not pooled[1].intuitive
    assert pooled[0].off_path[1] is not None and pooled[0].off_path[1].interval == (0, F(1, 2))
    assert pooled[1].receiver[0][0] == (1, 0)  # beer (off the path) is met with a duel


def test_tying_hands_defaults_with_full_audience_cost() -> None:
    result = all_pbe(tying_hands(F(1)))
    kinds = {eq.kind: eq for eq in result.equilibria}
    assert sorted(kinds) == ["pooling", "separating"]
    separating = kinds["separating"]
    assert separating.sender == ((1, 0), (0, 1)) and separating.informative
    assert separating.receiver[1] == ((1, 0), (0, 1))  # the weak challenger: Q after T, X after N
    assert kinds["pooling"].sender == ((0, 1), (0, 1)) and not kinds["pooling"].intuitive


def test_tying_hands_defaults_with_half_the_audience_cost() -> None:
    result = all_pbe(tying_hands(F(1, 2)))
    assert not [eq for eq in result.equilibria if eq.kind == "separating"]
    (semi,) = [eq for eq in result.equilibria if eq.kind == "semi_separating"]
    assert semi.sender == ((1, 0), (F(2, 3), F(1, 3)))
    assert semi.receiver[1][0] == (F(6, 7), F(1, 7))  # weak challenges after T w.p. 1/7
    assert semi.informative
    assert semi.beliefs[1] == (0, 1)  # N reveals U


def test_tying_hands_without_audience_cost_is_uninformative() -> None:
    result = all_pbe(tying_hands(F(0)))
    assert result.equilibria
    assert not any(eq.informative for eq in result.equilibria)
    assert {eq.kind for eq in result.equilibria} == {"pooling"}


def test_bad_games_are_refused() -> None:
    with pytest.raises(InputError, match="not a distribution"):
        SignallingGame.from_payoffs(["a", "b"], [F(1, 2), F(1, 3)], ["r"], [1], ["m"], ["x"],
                                    sender=[[[[0]]], [[[0]]]], receiver=[[[[0]]], [[[0]]]])
    with pytest.raises(InputError, match="shape"):
        SignallingGame.from_payoffs(["a", "b"], [F(1, 2), F(1, 2)], ["r"], [1], ["m"], ["x"],
                                    sender=[[[[0]]]], receiver=[[[[0]]], [[[0]]]])
    with pytest.raises(InputError, match=r"not a finite number|not a number"):
        SignallingGame.from_payoffs(["a"], [1], ["r"], [1], ["m"], ["x"],
                                    sender=[[[[float("nan")]]]], receiver=[[[[0]]]])


# ----------------------------------------------------------- an independent checker
def random_game(rng: random.Random) -> SignallingGame:
    n_tau = rng.choice([1, 2])
    prior = F(rng.randint(1, 4), 5)
    receiver_prior = [F(1)] if n_tau == 1 else [F(1, 3), F(2, 3)]

    def table() -> list[object]:
        return [[[[rng.randint(-2, 2) for _ in range(2)] for _ in range(2)]
                 for _ in range(n_tau)] for _ in range(2)]

    return SignallingGame.from_payoffs(["a", "b"], [prior, 1 - prior],
                                       [f"r{k}" for k in range(n_tau)], receiver_prior,
                                       ["m0", "m1"], ["x", "y"], sender=table(),
                                       receiver=table())


def is_pbe(game: SignallingGame, eq: SignallingEquilibrium) -> bool:
    """The definition, checked directly; off-path beliefs are tried at their interval ends."""
    n_tau = len(game.receiver_types)
    for t in range(2):
        values = [game.sender_value(t, m, [eq.receiver[tau][m] for tau in range(n_tau)])
                  for m in range(2)]
        if any(p > 0 and values[m] < max(values) for m, p in enumerate(eq.sender[t])):
            return False
    for m in range(2):
        sent = [game.sender_prior[t] * eq.sender[t][m] for t in range(2)]
        if sum(sent) > 0:
            beliefs = [tuple(s / sum(sent) for s in sent)]
        else:
            interval = eq.off_path[m].interval  # type: ignore[union-attr]
            beliefs = [(p, 1 - p) for p in interval]  # type: ignore[union-attr]
        for belief in beliefs:
            for tau in range(n_tau):
                values = [game.receiver_value(tau, m, belief, k) for k in range(2)]
                if any(p > 0 and values[k] < max(values)
                       for k, p in enumerate(eq.receiver[tau][m])):
                    return False
    return True


def pure_pbe_by_brute_force(game: SignallingGame) -> set[tuple[object, ...]]:
    """Pure profiles that are PBE for some off-path belief (tried at every breakpoint)."""
    n_tau = len(game.receiver_types)
    candidates = {F(0), F(1)}
    for t_tau, m in itertools.product(range(n_tau), range(2)):
        a = [game.receiver_payoff[t][t_tau][m][0] - game.receiver_payoff[t][t_tau][m][1]
             for t in range(2)]
        if a[0] != a[1]:  # p·a0 + (1 − p)·a1 = 0
            p = F(-a[1], a[0] - a[1])
            if 0 <= p <= 1:
                candidates.add(p)
    found = set()
    for plan in itertools.product(range(2), repeat=2):
        for replies in itertools.product(range(2), repeat=2 * n_tau):
            sender = tuple(tuple(F(int(m == plan[t])) for m in range(2)) for t in range(2))
            receiver = tuple(tuple(tuple(F(int(k == replies[tau * 2 + m])) for k in range(2))
                                   for m in range(2)) for tau in range(n_tau))
            for p in candidates:
                trial = SignallingEquilibrium(sender, receiver, (None, None), (None, None),
                                              "pooling", False, (F(0), F(0)))
                if _holds(game, trial, (p, 1 - p)):
                    found.add((sender, receiver))
                    break
    return found


def _holds(game: SignallingGame, eq: SignallingEquilibrium, off: tuple[Fraction, Fraction],
           ) -> bool:
    n_tau = len(game.receiver_types)
    for t in range(2):
        values = [game.sender_value(t, m, [eq.receiver[tau][m] for tau in range(n_tau)])
                  for m in range(2)]
        if values[eq.sender[t].index(1)] < max(values):
            return False
    for m in range(2):
        sent = [game.sender_prior[t] * eq.sender[t][m] for t in range(2)]
        belief = tuple(s / sum(sent) for s in sent) if sum(sent) else off
        for tau in range(n_tau):
            values = [game.receiver_value(tau, m, belief, k) for k in range(2)]
            if values[eq.receiver[tau][m].index(1)] < max(values):
                return False
    return True


@pytest.mark.parametrize("seed", range(0, 300, 30))
def test_random_games_against_the_definition(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(30):
        game = random_game(rng)
        result = all_pbe(game)
        assert all(is_pbe(game, eq) for eq in result.equilibria)
        ours = {(eq.sender, eq.receiver) for eq in pure_pbe(game)}
        assert ours == pure_pbe_by_brute_force(game)
        for eq in result.equilibria:
            on_path = [m for m in range(2) if eq.beliefs[m] is not None]
            assert eq.informative == any(
                len({eq.receiver[tau][m] for m in on_path}) > 1
                for tau in range(len(game.receiver_types)))
