"""Tests of the nashpy float solvers :mod:`games.solvers.nashpy_solvers`.

Expected equilibria come from the hand derivations in ``tests/test_enummixed.py``
(imported from there) or from the exact solver
:func:`~games.solvers.enummixed.extreme_equilibria`, which is itself checked
against those derivations and against pygambit.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
import pytest
import sympy
from hypothesis import HealthCheck, given, settings

from games.certificates import expected_payoffs, max_regret, normal_form_tolerance
from games.errors import InputError, UnsupportedGameError
from games.normal_form import NormalFormGame
from games.results import SolverResult
from games.solvers.enummixed import DEGENERATE_NOTE, extreme_equilibria
from games.solvers.nashpy_solvers import lemke_howson, support_enumeration, vertex_enumeration
from tests.strategies import (
    SEEDED_GAME_BATCHES,
    bimatrix_games,
    float_bimatrix_games,
    seeded_bimatrix_game,
)
from tests.test_enummixed import (
    BATTLE_OF_THE_SEXES,
    BATTLE_OF_THE_SEXES_NE,
    DUPLICATED_COLUMN,
    MATCHING_PENNIES,
    MATCHING_PENNIES_NE,
    PRISONERS_DILEMMA,
    PRISONERS_DILEMMA_NE,
    ROCK_PAPER_SCISSORS,
    ROCK_PAPER_SCISSORS_NE,
    VON_STENGEL_DEGENERATE,
    VON_STENGEL_DEGENERATE_NE,
    VON_STENGEL_NONDEGENERATE,
    VON_STENGEL_NONDEGENERATE_NE,
)

Solver = Callable[[NormalFormGame], SolverResult]
SOLVERS = [pytest.param(support_enumeration, id="support"),
           pytest.param(vertex_enumeration, id="vertex"),
           pytest.param(lemke_howson, id="lh")]
METHODS: dict[Solver, str] = {support_enumeration: "support",
                              vertex_enumeration: "vertex", lemke_howson: "lh"}
CLOSE = 1e-6
"""Float profiles are compared with exact ones to within this, per probability."""

FloatProfile = tuple[tuple[float, ...], ...]


def as_floats(profile: Iterable[Iterable[Any]]) -> FloatProfile:
    return tuple(tuple(float(p) for p in s) for s in profile)


def close(first: FloatProfile, second: FloatProfile, tol: float = CLOSE) -> bool:
    return all(abs(a - b) <= tol for u, v in zip(first, second, strict=True)
               for a, b in zip(u, v, strict=True))


def check_certified(g: NormalFormGame, result: SolverResult) -> None:
    """Every listed profile is a distribution pair with regret within the float tolerance."""
    float_game = g.to_float()
    tolerance = normal_form_tolerance(float_game)
    assert (result.concept, result.exact) == ("NE", False)
    for eq in result.equilibria:
        assert all(isinstance(p, float) for s in eq.profile for p in s)
        assert all(isinstance(v, float) for v in eq.payoffs)
        for strategy in eq.profile:
            assert min(strategy) >= 0
            assert abs(sum(strategy) - 1) <= 1e-9
        regret = float(max_regret(float_game, eq.profile))
        assert regret <= tolerance
        assert eq.max_regret == pytest.approx(regret, abs=tolerance)
        assert eq.payoffs == pytest.approx(expected_payoffs(float_game, eq.profile))
    listed = [eq.profile for eq in result.equilibria]
    assert listed == sorted(listed)
    assert not any(close(as_floats(a), as_floats(b), 1e-9)
                   for i, a in enumerate(listed) for b in listed[i + 1:])


# ----------------------------------------------------------------------------- textbook games
NONDEGENERATE = [
    pytest.param(MATCHING_PENNIES, MATCHING_PENNIES_NE, id="matching-pennies"),
    pytest.param(BATTLE_OF_THE_SEXES, BATTLE_OF_THE_SEXES_NE, id="battle-of-the-sexes"),
    pytest.param(PRISONERS_DILEMMA, PRISONERS_DILEMMA_NE, id="prisoners-dilemma"),
    pytest.param(ROCK_PAPER_SCISSORS, ROCK_PAPER_SCISSORS_NE, id="rock-paper-scissors"),
    pytest.param(VON_STENGEL_NONDEGENERATE, VON_STENGEL_NONDEGENERATE_NE,
                 id="von-stengel-nondegenerate"),
]


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize(("matrices", "expected"), NONDEGENERATE)
def test_textbook_nondegenerate(solver: Solver, matrices: tuple[Any, Any],
                                expected: set[Any]) -> None:
    g = NormalFormGame.from_arrays(*matrices)
    result = solver(g)
    check_certified(g, result)
    assert result.method == METHODS[solver]
    assert not result.degenerate
    wanted = [(as_floats(profile), tuple(float(v) for v in payoffs))
              for profile, payoffs in expected]
    found = [(as_floats(eq.profile), eq.payoffs) for eq in result.equilibria]
    # Each equilibrium found is one derived by hand, with the hand-derived payoffs.
    for profile, payoffs in found:
        matches = [p for p in wanted if close(profile, p[0], 1e-9)]
        assert len(matches) == 1, profile
        assert payoffs == pytest.approx(matches[0][1], abs=1e-9)
    if solver is lemke_howson:
        assert found
        assert not result.complete
    else:  # in these small games nashpy finds all of them
        assert len(found) == len(wanted)
        assert result.complete is (solver is vertex_enumeration)


@pytest.mark.parametrize("solver", SOLVERS)
def test_textbook_degenerate(solver: Solver) -> None:
    g = NormalFormGame.from_arrays(*VON_STENGEL_DEGENERATE)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no nashpy warning may escape
        result = solver(g)
    check_certified(g, result)
    assert result.degenerate
    assert not result.complete
    assert DEGENERATE_NOTE in result.notes
    # Every equilibrium of this game lies in the segment {top} x {(q, 1-q): 2/3 <= q <= 1}
    # or is the isolated mixed one ((0, 1/3, 2/3), (1/3, 2/3)) (tests/test_enummixed.py).
    isolated = [as_floats(p) for p, _ in VON_STENGEL_DEGENERATE_NE if p[0][0] == 0]
    for eq in result.equilibria:
        x, y = as_floats(eq.profile)
        on_segment = close((x,), ((1.0, 0.0, 0.0),)) and y[0] >= 2 / 3 - CLOSE
        assert on_segment or close((x, y), isolated[0])


@pytest.mark.parametrize("solver", SOLVERS)
def test_duplicated_column_warnings_become_notes(solver: Solver) -> None:
    g = NormalFormGame.from_arrays(*DUPLICATED_COLUMN)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = solver(g)
    check_certified(g, result)
    assert result.degenerate and not result.complete


def test_support_enumeration_warning_is_a_note() -> None:
    # nashpy's support enumeration warns when it finds an even number of equilibria, as
    # it does on this degenerate game (it misses the extreme point with q = 2/3).
    result = support_enumeration(NormalFormGame.from_arrays(*VON_STENGEL_DEGENERATE))
    assert any(note.startswith("nashpy warned: An even number") for note in result.notes)


# ----------------------------------------------------------------------------- errors
@pytest.mark.parametrize("solver", SOLVERS)
def test_three_players_are_refused(solver: Solver) -> None:
    g = NormalFormGame.from_arrays(*(np.zeros((2, 2, 2), dtype=int),) * 3)
    with pytest.raises(UnsupportedGameError, match="two-player"):
        solver(g)


@pytest.mark.parametrize("solver", SOLVERS)
def test_symbolic_payoffs_are_refused(solver: Solver) -> None:
    t = sympy.Symbol("t")
    g = NormalFormGame.from_arrays(np.array([[t, 0], [0, 1]], dtype=object),
                                   np.ones((2, 2), dtype=int))
    with pytest.raises(InputError, match="symbolic"):
        solver(g)


def test_lemke_howson_on_a_game_too_large_for_the_degeneracy_check() -> None:
    # 12 x 12 is beyond the exact check's default C(24, 12) limit; LH still runs.
    rng = np.random.default_rng(12)
    g = NormalFormGame.from_arrays(rng.random((12, 12)), rng.random((12, 12)))
    result = lemke_howson(g)
    check_certified(g, result)
    assert result.equilibria
    assert not result.complete
    assert any("Degeneracy was not checked" in note for note in result.notes)


# ----------------------------------------------------------------------------- random games


@pytest.mark.slow
@pytest.mark.parametrize(("integer", "seeds"), SEEDED_GAME_BATCHES)
def test_random_games_against_the_exact_solver(integer: bool, seeds: list[int]) -> None:
    """Certified results; on non-degenerate games only exact extreme equilibria, all if complete."""
    problems = []
    for seed in seeds:
        g = seeded_bimatrix_game(seed, integer=integer)
        exact = extreme_equilibria(g)
        extreme = [as_floats(eq.profile) for eq in exact.equilibria]
        for solver in (support_enumeration, vertex_enumeration, lemke_howson):
            result = solver(g)
            try:
                check_certified(g, result)
            except AssertionError as error:
                problems.append(f"seed {seed} {solver.__name__}: certificate: {error}")
                continue
            if result.degenerate != exact.degenerate:
                problems.append(f"seed {seed} {solver.__name__}: degenerate flag")
            if exact.degenerate:
                continue
            found = [as_floats(eq.profile) for eq in result.equilibria]
            stray = [p for p in found if not any(close(p, e) for e in extreme)]
            if stray:
                problems.append(f"seed {seed} {solver.__name__}: not extreme {stray}")
            if result.complete and len(found) != len(extreme):
                problems.append(f"seed {seed} {solver.__name__}: complete but found "
                                f"{len(found)} of {len(extreme)}")
            # nashpy's support enumeration can find nothing at all (see its docstring);
            # vertex enumeration and Lemke-Howson always end at an equilibrium here.
            if not found and solver is not support_enumeration:
                problems.append(f"seed {seed} {solver.__name__}: nothing found")
            # A non-degenerate game has an odd number of equilibria (Lemke and Howson
            # 1964), so an even count must be flagged as a miss.
            even_note = any("an even number" in note for note in result.notes)
            if solver is not lemke_howson and even_note != (len(found) % 2 == 0):
                problems.append(f"seed {seed} {solver.__name__}: parity note")
    assert not problems, "\n".join(problems)


# ----------------------------------------------------------------------------- properties
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(float_bimatrix_games())
def test_property_float_games_are_certified(g: NormalFormGame) -> None:
    for solver in (support_enumeration, vertex_enumeration, lemke_howson):
        check_certified(g, solver(g))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bimatrix_games())
def test_property_integer_games_are_certified(g: NormalFormGame) -> None:
    for solver in (support_enumeration, vertex_enumeration, lemke_howson):
        result = solver(g)
        check_certified(g, result)
        assert result.degenerate == extreme_equilibria(g).degenerate
