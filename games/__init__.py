"""tiedhands' game engine: normal- and extensive-form games, exact certified solvers.

``games`` knows nothing about treaties; it is a general game-theory library.
"""

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
from games.normal_form import NormalFormGame
from games.results import Equilibrium, SolverResult, TiedChoice

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
]
