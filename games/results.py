"""Frozen result objects shared by every solver.

A :class:`SolverResult` carries the provenance of its equilibria — the solution
concept, the method, whether the arithmetic was exact, the tie rule — and each
:class:`Equilibrium` carries its certificate, the maximum regret of its profile.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from games.numbers import Payoff

Concept = Literal["NE", "SPE", "PBE"]
Profile = tuple[tuple[Payoff, ...], ...]
"""Per player, a tuple of probabilities: over strategies (mixed) or, flat, over the
actions of each of the player's information sets in order (behaviour)."""


@dataclass(frozen=True)
class TiedChoice:
    """A decision node where more than one action is optimal in an equilibrium.

    ``actions`` are the optimal actions' indices, ``chosen`` the one the equilibrium uses.
    """

    node: int
    actions: tuple[int, ...]
    chosen: int


@dataclass(frozen=True)
class Equilibrium:
    """One equilibrium profile with its payoffs and certificate.

    ``max_regret`` is the largest gain any player could get by deviating
    (in the strategic form for Nash equilibria, in every subgame for SPE):
    exactly 0 for exact games, at most ``1e-9 * max|payoff|`` for float games.
    """

    profile: Profile
    payoffs: tuple[Payoff, ...]
    max_regret: Payoff
    ties: tuple[TiedChoice, ...] = ()
    unreached: tuple[int, ...] = ()
    """Information sets (indices) the owner's own strategy never reaches; the
    behaviour shown there is a placeholder (uniform)."""


@dataclass(frozen=True)
class SolverResult:
    """The equilibria a solver found, with how it found them.

    Attributes
    ----------
    concept
        ``"NE"``, ``"SPE"`` or ``"PBE"``.
    method
        The algorithm, e.g. ``"exact"`` (vertex enumeration in rationals),
        ``"support"``, ``"vertex"``, ``"lh"``, ``"enumpure"``, ``"spe"``.
    exact
        True when every number was computed in rational arithmetic.
    equilibria
        The equilibria, in a deterministic order.
    degenerate
        True when the game (or a solved subgame) is degenerate; then equilibria
        may form connected components whose extreme points are the ones listed.
    complete
        False when the list may miss equilibria (a cap was reached, or a solver
        that cannot find them all was used).
    capped
        True when ``max_equilibria`` stopped the enumeration.
    tie_rule
        How ties between optimal actions are treated.
    notes
        Sentences for the reader (degeneracy, incompleteness, warnings).
    """

    concept: Concept
    method: str
    exact: bool
    equilibria: tuple[Equilibrium, ...]
    degenerate: bool = False
    complete: bool = True
    capped: bool = False
    tie_rule: str = "all optimal actions are enumerated"
    notes: tuple[str, ...] = field(default=())

    @property
    def ties(self) -> bool:
        """True when some equilibrium has a node with several optimal actions."""
        return any(eq.ties for eq in self.equilibria)
