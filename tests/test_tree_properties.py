"""Properties of subgame-perfect equilibria on random trees (hypothesis).

* Every SPE passes its certificate: the largest regret in any subgame is at most
  :func:`games.certificates.game_tolerance` (exactly 0 in exact games), and it is a
  Nash equilibrium of the whole game.
* A positive affine transformation ``a * u_i + b`` of one player's payoffs leaves the
  set of SPE profiles unchanged (von Neumann-Morgenstern utilities are only defined
  up to such maps) and maps that player's equilibrium payoffs by the same map.
* Renaming actions (and players and information sets) leaves the SPE unchanged.

Trees come from :mod:`tests.strategies`; trees whose reduced strategic form is too
large for quick vertex enumeration are filtered out (the local games the solver
builds are never larger than the whole game's).
"""

from __future__ import annotations

import math
from fractions import Fraction

from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from games.certificates import behaviour_regrets, game_tolerance, subgame_perfect_regret
from games.errors import SizeLimitError
from games.extensive_form import ExtensiveFormGame, Infoset, Outcome
from games.numbers import as_float
from games.play import unflatten_behaviour
from games.results import SolverResult
from games.solvers.spe import subgame_perfect_equilibria
from games.strategic import reduced_strategies
from tests.strategies import perfect_information_trees, positive_affine_maps, trees

MAX_BASES = 2000
"""Skip two-player trees whose reduced form needs more vertex-enumeration bases."""
MAX_CELLS = 2000
"""Skip trees whose reduced form has more pure profiles."""

PROPERTY_SETTINGS = settings(max_examples=400, deadline=None,
                             suppress_health_check=[HealthCheck.too_slow,
                                                    HealthCheck.filter_too_much])


def tractable(game: ExtensiveFormGame) -> bool:
    try:
        counts = [len(reduced_strategies(game, i, limit=MAX_CELLS))
                  for i in range(game.n_players)]
    except SizeLimitError:
        return False
    if math.prod(counts) > MAX_CELLS:
        return False
    return game.n_players != 2 or math.comb(sum(counts), counts[0]) <= MAX_BASES


def describe(game: ExtensiveFormGame, result: SolverResult) -> None:
    """Hypothesis events, to see what the examples covered (--hypothesis-show-statistics)."""
    perfect = all(len(m) == 1 for m in game.infoset_members)
    event(f"{game.n_players} player(s), {'perfect' if perfect else 'imperfect'} information, "
          f"{'exact' if game.exact else 'float'}")
    if len(result.equilibria) > 1:
        event("several SPE")
    if any(p not in (0, 1) for eq in result.equilibria for s in eq.profile for p in s):
        event("a mixed SPE")


# ----------------------------------------------------------------------------- certificates
@PROPERTY_SETTINGS
@given(trees(max_nodes=30, max_depth=5))
def test_every_spe_passes_its_certificate(game: ExtensiveFormGame) -> None:
    assume(tractable(game))
    result = subgame_perfect_equilibria(game)
    describe(game, result)
    tolerance = game_tolerance(game)
    if game.exact:
        assert tolerance == 0
    # Two players or perfect information: the solver is complete, so an SPE exists.
    if game.n_players <= 2 or all(len(m) == 1 for m in game.infoset_members):
        assert result.equilibria and result.complete
    for eq in result.equilibria:
        behaviour = unflatten_behaviour(game, eq.profile)
        regret = subgame_perfect_regret(game, behaviour)  # type: ignore[arg-type]
        assert as_float(regret) <= tolerance
        assert as_float(eq.max_regret) <= tolerance
        assert all(as_float(r) <= tolerance
                   for r in behaviour_regrets(game, behaviour))  # type: ignore[arg-type]
        if game.exact:
            assert regret == 0 and eq.max_regret == 0


# ----------------------------------------------------------------------------- affine maps
def transformed(game: ExtensiveFormGame, player: int, a: Fraction,
                b: Fraction) -> ExtensiveFormGame:
    """``game`` with ``player``'s payoff ``u`` replaced by ``a * u + b`` in every outcome."""
    outcomes = tuple(
        Outcome(tuple(a * v + b if i == player else v for i, v in enumerate(o.payoffs)),
                o.label)
        for o in game.outcomes)
    return ExtensiveFormGame(game.players, game.nodes, game.infosets, outcomes,
                             game.title, game.comment)


@PROPERTY_SETTINGS
@given(st.one_of(trees(max_nodes=30, max_depth=5, exact=True, nonterminal_outcomes=False),
                 perfect_information_trees(max_nodes=30, exact=False,
                                           nonterminal_outcomes=False)),
       positive_affine_maps(), st.data())
def test_positive_affine_maps_keep_the_spe(game: ExtensiveFormGame,
                                           ab: tuple[Fraction, Fraction],
                                           data: st.DataObject) -> None:
    assume(tractable(game))
    # Each terminal node carries exactly one outcome and inner nodes none, so mapping
    # every outcome maps every terminal payoff by the same affine map.
    assert all((node.outcome is not None) == node.is_terminal for node in game.nodes)
    a, b = ab
    player = data.draw(st.integers(0, game.n_players - 1), label="player")
    before = subgame_perfect_equilibria(game)
    describe(game, before)
    after = subgame_perfect_equilibria(transformed(game, player, a, b))
    assert {eq.profile for eq in after.equilibria} == {eq.profile for eq in before.equilibria}
    assert len(after.equilibria) == len(before.equilibria)
    if game.exact:
        payoffs = {eq.profile: eq.payoffs for eq in before.equilibria}
        for eq in after.equilibria:
            old = payoffs[eq.profile]
            assert eq.payoffs == tuple(a * v + b if i == player else v
                                       for i, v in enumerate(old))
        assert {(eq.profile, eq.ties) for eq in after.equilibria} == {
            (eq.profile, eq.ties) for eq in before.equilibria}


# ----------------------------------------------------------------------------- relabelling
def relabelled(game: ExtensiveFormGame, tag: str) -> ExtensiveFormGame:
    """Every action, information set and player renamed (structure and numbers kept)."""
    infosets = tuple(
        Infoset(h.player, tuple(f"{tag}{k}_{j}" for j in range(len(h.actions))[::-1]),
                f"{tag}set{k}", h.probabilities)
        for k, h in enumerate(game.infosets))
    players = tuple(f"{tag}{name}" for name in reversed(game.players))
    return ExtensiveFormGame(players, game.nodes, infosets, game.outcomes, game.title,
                             game.comment)


@PROPERTY_SETTINGS
@given(trees(max_nodes=30, max_depth=5), st.text("xyz", min_size=1, max_size=3))
def test_relabelling_actions_keeps_the_spe(game: ExtensiveFormGame, tag: str) -> None:
    assume(tractable(game))
    before = subgame_perfect_equilibria(game)
    after = subgame_perfect_equilibria(relabelled(game, tag))
    assert [(eq.profile, eq.payoffs, eq.ties) for eq in after.equilibria] == [
        (eq.profile, eq.payoffs, eq.ties) for eq in before.equilibria]
