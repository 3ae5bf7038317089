"""One entry point to every solver, by method name.

Methods
-------
``exact``
    All extreme Nash equilibria of a two-player game by vertex enumeration in
    rational arithmetic (:mod:`games.solvers.enummixed`); the default for two players.
``support``, ``vertex``, ``lh``
    nashpy's support enumeration, vertex enumeration and Lemke–Howson from
    every label: fast float paths for non-degenerate games.
``enumpure``
    Every pure Nash equilibrium, any number of players; the default for three or more.
``spe``
    Subgame-perfect equilibria of a tree (:mod:`games.solvers.spe`); the default
    for trees.

For a tree, the Nash methods run on its reduced strategic form and, when the
tree has perfect recall, their equilibria are converted to behaviour profiles.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Literal

from games.certificates import behaviour_regrets
from games.errors import InputError, UnsupportedGameError
from games.extensive_form import ExtensiveFormGame
from games.normal_form import NormalFormGame
from games.results import Equilibrium, SolverResult
from games.solvers.enummixed import extreme_equilibria
from games.solvers.nashpy_solvers import lemke_howson, support_enumeration, vertex_enumeration
from games.solvers.pure import pure_equilibria
from games.solvers.spe import subgame_perfect_equilibria
from games.strategic import (
    MAX_PROFILES,
    flatten_behaviour,
    mixed_to_behaviour,
    unreached_infosets,
)
from games.strategic import reduced_strategic_form as _reduced_strategic_form

Method = Literal["exact", "support", "vertex", "lh", "enumpure", "spe"]
METHODS: tuple[str, ...] = ("exact", "support", "vertex", "lh", "enumpure", "spe")
TWO_PLAYER_METHODS = frozenset({"exact", "support", "vertex", "lh"})


def default_method(game: NormalFormGame | ExtensiveFormGame) -> str:
    """``spe`` for trees, ``exact`` for two-player strategic games, else ``enumpure``."""
    if isinstance(game, ExtensiveFormGame):
        return "spe"
    return "exact" if game.n_players == 2 else "enumpure"


def solve_normal_form(game: NormalFormGame, method: str | None = None, *,
                      all_equilibria: bool = True,
                      max_equilibria: int | None = None) -> SolverResult:
    """Solve a strategic-form game with the named method.

    Without ``all_equilibria`` only the first equilibrium is kept.
    """
    chosen = method or default_method(game)
    if chosen == "spe":
        raise InputError("subgame perfection needs a game tree", field="--method",
                         expected="exact, support, vertex, lh or enumpure for a .nfg game")
    if chosen in TWO_PLAYER_METHODS and game.n_players != 2:
        raise UnsupportedGameError(
            f"method {chosen} solves two-player games and this game has {game.n_players}",
            field="--method", expected="enumpure for games with three or more players")
    solvers = {"exact": extreme_equilibria, "support": support_enumeration,
               "vertex": vertex_enumeration, "lh": lemke_howson, "enumpure": pure_equilibria}
    if chosen not in solvers:
        raise InputError(f"unknown method {chosen!r}", field="--method",
                         expected=", ".join(METHODS))
    result = solvers[chosen](game)
    return cap(result, 1 if not all_equilibria else max_equilibria, silent=not all_equilibria)


def solve_tree(game: ExtensiveFormGame, method: str | None = None, *,
               all_equilibria: bool = False, max_equilibria: int | None = None,
               max_profiles: int = MAX_PROFILES) -> SolverResult:
    """Solve a tree: subgame-perfect equilibria, or Nash equilibria of its reduced form.

    With ``method="spe"`` (the default) every subgame-perfect equilibrium is
    returned.  Any other method solves the reduced strategic form; its
    equilibria are returned as behaviour profiles when the game has perfect
    recall and as mixed profiles over reduced strategies otherwise.
    """
    chosen = method or ("exact" if all_equilibria and game.n_players == 2 else
                        "enumpure" if all_equilibria else "spe")
    if chosen == "spe":
        return subgame_perfect_equilibria(game, max_equilibria=max_equilibria)
    if game.n_players == 0:
        raise UnsupportedGameError("the game has no players, so it has no strategic form",
                                   expected="a game with players, or the default (spe)")
    normal, strategies = _reduced_strategic_form(game, max_profiles=max_profiles)
    result = solve_normal_form(normal, chosen, all_equilibria=all_equilibria,
                               max_equilibria=max_equilibria)
    if not game.has_perfect_recall:
        return replace(result, notes=(*result.notes, (
            "The game does not have perfect recall: profiles are mixed strategies over "
            "the reduced strategic form, in Gambit's strategy order.")))
    converted = []
    for equilibrium in result.equilibria:
        behaviour = mixed_to_behaviour(game, strategies, equilibrium.profile)
        regret = max(behaviour_regrets(game, behaviour))
        converted.append(Equilibrium(profile=flatten_behaviour(game, behaviour),
                                     payoffs=equilibrium.payoffs, max_regret=regret,
                                     unreached=unreached_infosets(game, behaviour)))
    return replace(result, equilibria=tuple(converted))


def cap(result: SolverResult, limit: int | None, *, silent: bool = False) -> SolverResult:
    """Keep at most ``limit`` equilibria; mark the result capped unless ``silent``."""
    if limit is None or len(result.equilibria) <= limit:
        return result
    if silent:
        return replace(result, equilibria=result.equilibria[:limit])
    note = f"Stopped after {limit} equilibria (--max-equilibria); more exist."
    return replace(result, equilibria=result.equilibria[:limit], capped=True, complete=False,
                   notes=(*result.notes, note))
