"""The tying-hands and sinking-costs games against their closed forms (after Fearon 1997).

Oracle: the conditions P1–P5 and the sinking-costs condition stated in the
signalling issue, re-derived and checked by an independent brute-force search
(2,000 exact draws, 0 mismatches away from knife edges).  With
π = pi_tough, φ = g/(g − w_weak), A = δ·a:

* P1 separating (R ties, U does not) ⇔ π·c_A ≥ v_U and A ≥ v_U(1 − π)/π;
* pooling on T ⇔ P2 (A ≥ c_A − v_U and π·c_A ≤ v_U) or
  P3 (A < c_A − v_U, A ≤ v_U(1 − π)/π and q ≥ φ);
* P4 pooling on N ⇔ q ≥ φ or A < c_A − v_U; when q < φ it fails the intuitive
  criterion exactly when P1's conditions hold;
* P5 semi-separating ⇔ A < c_A − v_U, q < φ and A < v_U(1 − π)/π, with
  σ = q(1 − φ)/((1 − q)φ) and x = (v_U/(v_U + A) − π)/(1 − π);
* sinking costs separate ⇔ (1 − π)·v_U ≤ m ≤ (1 − π)·c_A, whatever δ.

Draws avoid the knife edges (every compared pair of quantities differs and
A > 0).  Where the resolved ally can also mix (a continuum of equilibria with
the outcome of pooling on N), the solver reports the continuum in a note
instead of listing it; the isolated equilibria are compared here.
"""

from __future__ import annotations

import random
from fractions import Fraction

import pytest

from analysis.models.signalling import defaults, signalling_game
from games.solvers.pbe import SignallingEquilibrium, all_pbe

F = Fraction
T, N = 0, 1


def draw(rng: random.Random) -> tuple[dict[str, Fraction], Fraction]:
    while True:
        v_U = F(rng.randint(1, 8), 2)
        c_A = v_U + F(rng.randint(1, 8), 2)
        values = {
            "q": F(rng.randint(1, 9), 10), "pi_tough": F(rng.randint(1, 9), 10),
            "v_U": v_U, "c_A": c_A, "v_R": c_A + F(rng.randint(1, 6), 2),
            "a": F(rng.randint(1, 16), 4), "g": F(rng.randint(1, 4)),
            "w_weak": -F(rng.randint(1, 4)), "w_tough": F(rng.randint(1, 4)), "m": F(1)}
        delta = F(rng.randint(1, 4), 4)
        pi, alpha = values["pi_tough"], delta * values["a"]
        phi = values["g"] / (values["g"] - values["w_weak"])
        edges = [(pi * c_A, v_U), (alpha, v_U * (1 - pi) / pi), (alpha, c_A - v_U),
                 (values["q"], phi)]
        if all(x != y for x, y in edges):
            return values, delta


def expected(values: dict[str, Fraction], delta: Fraction) -> dict[str, object]:
    q, pi, v_U, c_A = values["q"], values["pi_tough"], values["v_U"], values["c_A"]
    alpha = delta * values["a"]
    phi = values["g"] / (values["g"] - values["w_weak"])
    edge = v_U * (1 - pi) / pi
    p1 = pi * c_A >= v_U and alpha >= edge
    p2 = alpha >= c_A - v_U and pi * c_A <= v_U
    p3 = alpha < c_A - v_U and alpha <= edge and q >= phi
    p4 = q >= phi or alpha < c_A - v_U
    p5 = alpha < c_A - v_U and q < phi and alpha < edge
    return {"separating": p1, "pool_T": p2 or p3, "pool_N": p4, "semi": p5,
            "pool_N_intuitive": q >= phi or not p1,
            "sigma": q * (1 - phi) / ((1 - q) * phi),
            "x": (v_U / (v_U + alpha) - pi) / (1 - pi)}


def by_kind(equilibria: tuple[SignallingEquilibrium, ...],
            ) -> dict[str, list[SignallingEquilibrium]]:
    found: dict[str, list[SignallingEquilibrium]] = {"separating": [], "pool_T": [],
                                                     "pool_N": [], "semi": [], "other": []}
    for eq in equilibria:
        if eq.sender == ((1, 0), (0, 1)):
            found["separating"].append(eq)
        elif eq.sender == ((1, 0), (1, 0)):
            found["pool_T"].append(eq)
        elif eq.sender == ((0, 1), (0, 1)):
            found["pool_N"].append(eq)
        elif eq.kind == "semi_separating" and eq.sender[0] == (1, 0):
            found["semi"].append(eq)
        else:
            found["other"].append(eq)
    return found


@pytest.mark.parametrize("seed", range(10))
def test_tying_hands_matches_the_closed_forms(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(100):  # 10 seeds × 100 draws = 1,000 exact draws
        values, delta = draw(rng)
        want = expected(values, delta)
        result = all_pbe(signalling_game("tying-hands", values, delta))
        found = by_kind(result.equilibria)
        context = (values, delta)
        assert not found["other"], context
        for kind in ("separating", "pool_T", "pool_N", "semi"):
            assert bool(found[kind]) == want[kind], (kind, context)
        if found["separating"]:
            assert all(eq.informative and eq.receiver[1] == ((1, 0), (0, 1))
                       for eq in found["separating"])
        if found["pool_N"]:
            assert any(eq.intuitive for eq in found["pool_N"]) == want["pool_N_intuitive"], \
                context
        if found["semi"]:
            (semi,) = found["semi"]
            assert semi.sender[1][0] == want["sigma"], context
            assert semi.receiver[1][0][1] == want["x"], context  # weak challenges after T


def test_no_reverse_separation() -> None:
    rng = random.Random(99)
    for _ in range(200):
        values, delta = draw(rng)
        result = all_pbe(signalling_game("tying-hands", values, delta))
        assert not [eq for eq in result.equilibria if eq.sender == ((0, 1), (1, 0))]


@pytest.mark.parametrize("seed", range(10))
def test_sinking_costs_separate_regardless_of_the_treaty(seed: int) -> None:
    rng = random.Random(100 + seed)
    checked = 0
    while checked < 100:  # 10 seeds × 100 draws = 1,000 exact draws
        values, _ = draw(rng)
        low_cost = 1 - values["pi_tough"]
        values["m"] = F(rng.randint(0, 24), 4)
        low, high = low_cost * values["v_U"], low_cost * values["c_A"]
        if values["m"] in (low, high):
            continue
        delta = rng.choice([F(0), F(1, 2), F(1)])
        result = all_pbe(signalling_game("sinking-costs", values, delta))
        separating = [eq for eq in result.equilibria if eq.sender == ((1, 0), (0, 1))]
        assert bool(separating) == (low <= values["m"] <= high), (values, delta)
        checked += 1


def test_the_classroom_defaults() -> None:
    values = defaults()
    at_one = by_kind(all_pbe(signalling_game("tying-hands", values, F(1))).equilibria)
    assert at_one["separating"] and at_one["pool_N"] and not at_one["semi"]
    half = by_kind(all_pbe(signalling_game("tying-hands", values, F(1, 2))).equilibria)
    assert not half["separating"]
    (semi,) = half["semi"]
    assert semi.receiver[1][0][1] == F(1, 7)
    zero = all_pbe(signalling_game("tying-hands", values, F(0))).equilibria
    assert zero and not any(eq.informative for eq in zero)
    for delta in (F(0), F(1, 2), F(1)):
        sc = all_pbe(signalling_game("sinking-costs", values, delta)).equilibria
        assert [eq for eq in sc if eq.sender == ((1, 0), (0, 1)) and eq.informative]


def test_without_audience_cost_the_signal_is_cheap_talk() -> None:
    # δ = 0: in every listed PBE, each challenger type answers every signal sent alike.
    rng = random.Random(7)
    for _ in range(200):
        values, _ = draw(rng)
        for eq in all_pbe(signalling_game("tying-hands", values, F(0))).equilibria:
            assert not eq.informative, values
