"""tiedhands' game engine: normal- and extensive-form games, exact certified solvers.

``games`` knows nothing about treaties; it is a general game-theory library.
The public names are re-exported here; each lives in a module of its own.
"""

from games.certificates import (
    behaviour_regrets,
    expected_payoffs,
    is_nash,
    max_regret,
    node_values,
    subgame_perfect_regret,
)
from games.errors import GameError, InputError, SizeLimitError, UnsupportedGameError
from games.extensive_form import (
    CHANCE,
    Chance,
    Decision,
    ExtensiveFormGame,
    Infoset,
    Node,
    Outcome,
    Terminal,
)
from games.io.gambit import read_efg, read_game, read_nfg, write_efg, write_game, write_nfg
from games.normal_form import NormalFormGame
from games.play import equilibrium_path, reach_probabilities
from games.results import Equilibrium, SolverResult, TiedChoice
from games.solve import solve_normal_form, solve_tree
from games.solvers.best_response import best_responses
from games.solvers.dominance import iterated_elimination
from games.solvers.enummixed import extreme_equilibria, is_degenerate
from games.solvers.nashpy_solvers import lemke_howson, support_enumeration, vertex_enumeration
from games.solvers.pure import pure_equilibria
from games.solvers.spe import iter_subgame_perfect, subgame_perfect_equilibria
from games.strategic import mixed_to_behaviour, reduced_strategic_form, reduced_strategies
from games.subgames import subgame_roots
from games.symbolic import best_response_conditions, optimality_conditions, symbol

__all__ = [
    "CHANCE",
    "Chance",
    "Decision",
    "Equilibrium",
    "ExtensiveFormGame",
    "GameError",
    "Infoset",
    "InputError",
    "Node",
    "NormalFormGame",
    "Outcome",
    "SizeLimitError",
    "SolverResult",
    "Terminal",
    "TiedChoice",
    "UnsupportedGameError",
    "behaviour_regrets",
    "best_response_conditions",
    "best_responses",
    "equilibrium_path",
    "expected_payoffs",
    "extreme_equilibria",
    "is_degenerate",
    "is_nash",
    "iter_subgame_perfect",
    "iterated_elimination",
    "lemke_howson",
    "max_regret",
    "mixed_to_behaviour",
    "node_values",
    "optimality_conditions",
    "pure_equilibria",
    "reach_probabilities",
    "read_efg",
    "read_game",
    "read_nfg",
    "reduced_strategic_form",
    "reduced_strategies",
    "solve_normal_form",
    "solve_tree",
    "subgame_perfect_equilibria",
    "subgame_perfect_regret",
    "subgame_roots",
    "support_enumeration",
    "symbol",
    "vertex_enumeration",
    "write_efg",
    "write_game",
    "write_nfg",
]
