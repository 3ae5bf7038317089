"""``tiedhands draw``: a game tree as SVG or PNG, with its equilibrium highlighted.

Two sources of games:

* ``tiedhands draw FILE.efg -o tree.svg`` draws a Gambit game file and
  highlights its first subgame-perfect equilibrium (``--spe N`` for another;
  the title says which of how many);
* ``tiedhands draw --treaty ID --scenario ID -o tree.svg`` draws the
  extended-deterrence game the verdict solves: numeric at a_eff = δ·a with the
  subgame-perfect equilibrium the verdict selects (its tie rule); when the
  verdict was decided without solving a game (not applicable, exempt,
  discretionary …), the game without the audience cost (a_eff = 0), and the
  title says so.  ``--symbolic`` draws the payoffs as formulas and highlights
  the same equilibrium, computed at the parameter values.

Conventions as in :mod:`analysis.cli`: ``-o`` is never overwritten without
``--force``, bad input is one line on stderr and exit code 2.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Annotated

import typer

from analysis.analysis_cli import (
    ForceOption,
    ParamOption,
    RulesOption,
    check_codes,
    refuse_existing,
    rulebook_from,
)
from analysis.analysis_reports import analysed_game, exact
from analysis.cli_common import fail
from analysis.drawing import MAX_LEAVES, Behaviour, check_size, spe_behaviour, tree_image
from analysis.models.deterrence import ACTION_LABELS, deterrence_game, numeric_game
from analysis.parameters import ParameterValues
from analysis.plots import plot_format
from analysis.rules import ACTIONS
from analysis.verdicts import Analysis, Play, Reading, analyze, solve_play
from games.errors import InputError, SizeLimitError
from games.extensive_form import ExtensiveFormGame
from games.io.files import write_bytes_atomic
from games.io.gambit import read_game
from games.numbers import Payoff
from games.play import unflatten_behaviour
from treaties.load import load_scenario, load_treaty
from treaties.states import cow_states

MAX_FILE_NODES = 100_000
"""Refuse to read game files with more nodes than this (a drawing allows far fewer leaves)."""


@dataclass(frozen=True)
class Drawing:
    """What to draw: the game, the behaviour to highlight and the title lines."""

    game: ExtensiveFormGame
    behaviour: Behaviour | None
    title: str


def draw_command(
    file: Annotated[Path | None, typer.Argument(
        help="A Gambit .efg file (or give --treaty and --scenario).", show_default=False)
    ] = None,
    output: Annotated[Path | None, typer.Option(
        "-o", "--output", help="The image to write: a .svg or .png file (required).",
        show_default=False)] = None,
    treaty: Annotated[str | None, typer.Option(
        help="A built-in treaty id or a YAML file: draw the game its verdict solves.")] = None,
    scenario: Annotated[str | None, typer.Option(
        help="A built-in scenario id or a YAML file (with --treaty).")] = None,
    ally: Annotated[int | None, typer.Option(
        help="COW code of the ally (with --treaty; default as in tiedhands analyze).")] = None,
    param: ParamOption = None,
    rules: RulesOption = None,
    symbolic: Annotated[bool, typer.Option(
        help="With --treaty: payoffs as formulas in the parameters (the highlighted "
             "equilibrium is still the one at the parameter values).")] = False,
    spe: Annotated[int, typer.Option(
        help="With FILE: which subgame-perfect equilibrium to highlight (1 = the first).")
    ] = 1,
    plain: Annotated[bool, typer.Option(
        help="With FILE: draw the game without solving it or highlighting anything.")] = False,
    force: ForceOption = False,
) -> None:
    """Draw a game tree (players, information sets, chance, payoffs) as SVG or PNG.

    The equilibrium path is drawn thick red and the equilibrium's choices off
    the path orange. SVG output is byte-for-byte reproducible.
    """
    try:
        if output is None:
            raise InputError("no image file given", field="--output",
                             expected="-o FILE.svg or -o FILE.png")
        kind = plot_format(output, "--output")
        _check_sources(file, treaty, scenario, ally, param or [], rules, symbolic, spe, plain)
        refuse_existing(output, force, "--output")
        if file is not None:
            drawing = file_drawing(file, spe, plain)
        else:
            assert treaty is not None and scenario is not None
            check_codes(ally, [])
            analysis = analyze(load_treaty(treaty), load_scenario(scenario), ally, param or [],
                               rulebook=rulebook_from(rules), with_nash=False)
            drawing = treaty_drawing(analysis, symbolic)
        image = tree_image(drawing.game, kind, equilibrium=drawing.behaviour,
                           title=drawing.title)
        write_bytes_atomic(output, image, force=force)
    except InputError as error:
        raise fail(error) from None


def _check_sources(file: Path | None, treaty: str | None, scenario: str | None,
                   ally: int | None, param: Sequence[str], rules: Path | None, symbolic: bool,
                   spe: int, plain: bool) -> None:
    """Exactly one source of a game, and only the options that go with it."""
    if file is not None and (treaty is not None or scenario is not None):
        raise InputError("both a game file and --treaty/--scenario given", field="FILE",
                         expected="a .efg file, or --treaty and --scenario")
    if file is None:
        if treaty is None or scenario is None:
            raise InputError("nothing to draw", field="--scenario" if treaty else "--treaty",
                             expected="a .efg file, or --treaty ID and --scenario ID")
        if spe != 1 or plain:
            raise InputError("this option goes with a game file",
                             field="--spe" if spe != 1 else "--plain",
                             expected="a game file (--treaty drawings highlight the "
                                      "equilibrium the verdict selects)")
        return
    given = [name for name, value in (("--ally", ally is not None), ("--param", bool(param)),
                                      ("--rules", rules is not None), ("--symbolic", symbolic))
             if value]
    if given:
        raise InputError("this option goes with --treaty and --scenario", field=given[0],
                         expected="--treaty ID --scenario ID (a game file is drawn as "
                                  "it is)")
    if spe < 1:
        raise InputError(f"--spe {spe}", field="--spe", expected="a number from 1")
    if plain and spe != 1:
        raise InputError("--spe with --plain", field="--spe",
                         expected="--spe N to highlight an equilibrium, or --plain for none")


def file_drawing(path: Path, which: int = 1, plain: bool = False) -> Drawing:
    """A game file with its ``which``-th subgame-perfect equilibrium (unless ``plain``).

    A game without perfect recall has no subgame-perfect solution here; it
    is drawn without highlighting, and the title says why.
    """
    try:
        game = read_game(path, max_nodes=MAX_FILE_NODES)
    except SizeLimitError as error:
        raise SizeLimitError(f"the game has more than {MAX_FILE_NODES:,} nodes", source=str(path),
                             line=error.line,
                             expected=f"a tree of at most {MAX_FILE_NODES:,} nodes to draw "
                                      f"(and at most {MAX_LEAVES} leaves)") from None
    if not isinstance(game, ExtensiveFormGame):
        raise InputError("this is a strategic-form game; only game trees are drawn",
                         source=str(path), expected="a .efg file")
    try:
        check_size(game)
    except InputError as error:
        raise error.located(str(path)) from None
    heading = game.title or path.name
    if plain:
        return Drawing(game, None, heading)
    if not game.has_perfect_recall:
        return Drawing(game, None, f"{heading}\nnot solved: the game does not have perfect "
                                   "recall, so it has no subgame-perfect equilibrium to show")
    try:
        behaviour, note = spe_behaviour(game, which)
    except InputError as error:
        raise (error if error.source else error.located(str(path))) from None
    return Drawing(game, behaviour, f"{heading}\n{note}")


def treaty_drawing(analysis: Analysis, symbolic: bool = False) -> Drawing:
    """The game the verdict solved, with the SPE it selected (see the module docstring)."""
    names = cow_states()
    heading = f"{analysis.treaty.label} · {analysis.scenario.name}"
    ally = f"Ally: {names.label(analysis.ally)}."
    values = {k: v for k, v in analysis.params.values.items() if k != "a"}
    reading = reading_for(analysis)
    if reading is not None:
        play = reading.with_cost
        assert play is not None and reading.modifiers is not None
        numeric = analysed_game(analysis.params, reading)
        assert numeric is not None
        which = f" under the {reading.reading}" if len(analysis.readings) > 1 else ""
        others = "; ".join(f"{r.reading}: {r.verdict}" for r in analysis.readings
                           if r is not reading)
        what = (f"{ally} Verdict{which}: {reading.verdict}"
                + (f" ({others})" if others else "") + ". The game at "
                + f"a_eff = δ·a = {exact(reading.modifiers.delta)} · "
                f"{exact(analysis.params['a'])} = {exact(play.a_eff)}.")
        symbolic_game = deterrence_game(reading.modifiers.short)
    else:
        play = solve_play(deterrence_game(frozenset()), values, Fraction(0))
        numeric = numeric_game(deterrence_game(frozenset()), values, Fraction(0))
        what = (f"{ally} Verdict: {analysis.verdict}, decided without solving the game, "
                f"which is drawn without the audience cost (a_eff = 0).")
        symbolic_game = deterrence_game(frozenset())
    behaviour, position = _selected(numeric, play)
    lines = [heading, what, f"Highlighted: the subgame-perfect equilibrium {position}.",
             _values_line(analysis.params, symbolic)]
    return Drawing(symbolic_game if symbolic else numeric, behaviour, "\n".join(lines))


def _values_line(params: ParameterValues, symbolic: bool) -> str:
    shown = ", ".join(f"{name} = {exact(value)}" for name, value in params.values.items())
    return ("Payoffs as formulas; highlighted: the equilibrium at " if symbolic
            else "Parameters: ") + shown + "."


def _selected(game: ExtensiveFormGame, play: Play) -> tuple[list[tuple[Payoff, ...]], str]:
    """The behaviour of the SPE ``play`` describes, and which of how many it is."""
    expected: Mapping[str, int] = {
        game.players[0]: int(play.challenge), game.players[1]: ACTIONS.index(play.ally_action),
        **{f"after {ACTION_LABELS[a]}": int(play.presses_on[a]) for a in ACTIONS}}
    found = len(play.result.equilibria)
    for number, equilibrium in enumerate(play.result.equilibria, start=1):
        behaviour = unflatten_behaviour(game, equilibrium.profile)
        if all(behaviour[h][expected[infoset.label]] == 1
               for h, infoset in enumerate(game.infosets)):
            return behaviour, ("(the only one)" if found == 1 else
                               f"the verdict's tie rule selects ({number} of {found})")
    raise AssertionError("the selected equilibrium is not among the solver's")  # a bug


def reading_for(analysis: Analysis) -> Reading | None:
    """The reading whose game is drawn: the first that solved one (None if none did)."""
    return next((r for r in analysis.readings if r.with_cost is not None), None)
