"""The ``tiedhands`` command line.

Conventions every command follows: results go to stdout, or to ``-o PATH``
(format from the suffix, written atomically, never over an existing file
without ``--force``); exit code 0 on success, 2 on bad input (one line on
stderr, never a traceback), 3 when a cap such as ``--max-equilibria`` was reached.
"""

from __future__ import annotations

import signal
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from analysis.analysis_cli import analyze_command, compare_command, params_command, rules_app
from analysis.atop_cli import atop_app
from analysis.capability_cli import capability_command, decompose_command
from analysis.classroom_cli import classroom_command
from analysis.cli_common import (
    EXIT_BAD_INPUT,
    EXIT_CAPPED,
    chosen_format,
    fail,
    stdout_console,
)
from analysis.draw_cli import draw_command
from analysis.profile_cli import profile_app
from analysis.render import ProfileLayout, print_table, render_json, render_table
from analysis.respond_cli import respond_command
from analysis.signal_cli import signal_command
from analysis.sweep_cli import sweep_command
from analysis.treaty_cli import coverage_command, scenario_app, treaty_app
from games.errors import InputError
from games.extensive_form import ExtensiveFormGame
from games.io.files import write_text_atomic
from games.io.gambit import read_game
from games.normal_form import NormalFormGame
from games.play import equilibrium_path, unflatten_behaviour
from games.results import SolverResult
from games.solve import solve_normal_form, solve_tree
from games.strategic import reduced_strategies

DEFAULT_MAX_NODES = 1_000_000
DEFAULT_MAX_EQUILIBRIA = 1000

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="tiedhands: alliance treaty texts as games, solved exactly.",
    pretty_exceptions_enable=False,
)


class Format(StrEnum):
    """Output formats of ``solve``."""

    table = "table"
    json = "json"


class Method(StrEnum):
    """Solver methods (see ``games.solve``)."""

    exact = "exact"
    support = "support"
    vertex = "vertex"
    lh = "lh"
    enumpure = "enumpure"
    spe = "spe"


SUFFIX_FORMATS = {".json": Format.json, ".txt": Format.table}


@app.callback()
def _root() -> None:
    """tiedhands: alliance treaty texts as games, solved exactly."""


@app.command()
def solve(
    file: Annotated[Path, typer.Argument(help="A Gambit .nfg or .efg file.")],
    all_equilibria: Annotated[bool, typer.Option(
        "--all", help="Every extreme Nash equilibrium (two players) or every pure one "
                      "(more players); for trees, of the reduced strategic form.")] = False,
    method: Annotated[Method | None, typer.Option(
        help="Solver: exact (default, two players), support, vertex, lh, enumpure "
             "(default, three or more players) or spe (default for trees).")] = None,
    max_equilibria: Annotated[int, typer.Option(
        min=1, help="Stop after this many equilibria (exit code 3 when more exist).")
    ] = DEFAULT_MAX_EQUILIBRIA,
    max_nodes: Annotated[int, typer.Option(
        min=1, help="Refuse game trees with more nodes than this.")] = DEFAULT_MAX_NODES,
    output_format: Annotated[Format | None, typer.Option(
        "--format", help="table or json (default: from the -o suffix, else table).")] = None,
    output: Annotated[Path | None, typer.Option(
        "-o", "--output", help="Write to this file (.json or .txt) instead of stdout.")] = None,
    force: Annotated[bool, typer.Option(help="Overwrite the -o file if it exists.")] = False,
) -> None:
    """Solve a game file and print its equilibria with their certificates.

    For a .efg tree, the default is every subgame-perfect equilibrium; --all
    lists the Nash equilibria of the reduced strategic form instead.
    """
    try:
        kind = chosen_format(output_format, output, SUFFIX_FORMATS, Format.table)
        game = read_game(file, max_nodes=max_nodes)
        chosen = method.value if method is not None else None
        try:
            if isinstance(game, ExtensiveFormGame):
                result = solve_tree(game, chosen, all_equilibria=all_equilibria,
                                    max_equilibria=max_equilibria)
            else:
                result = solve_normal_form(game, chosen, all_equilibria=all_equilibria,
                                           max_equilibria=max_equilibria)
        except InputError as error:  # a solver's refusal: say which file it concerns
            raise (error if error.source else error.located(str(file))) from None
        layout = profile_layout(game, result)
        if output is None:
            if kind is Format.json:
                sys.stdout.write(render_json(result, layout))
            else:
                print_table(result, layout, stdout_console())
        else:
            text = (render_json(result, layout) if kind is Format.json
                    else render_table(result, layout))
            write_text_atomic(output, text, force=force)
    except InputError as error:
        raise fail(error) from None
    if result.capped:
        sys.stderr.write("tiedhands: warning: stopped at --max-equilibria; more exist\n")
        raise typer.Exit(EXIT_CAPPED)


def profile_layout(game: NormalFormGame | ExtensiveFormGame,
                   result: SolverResult) -> ProfileLayout:
    """Labels for the entries of each player's profile vector in ``result``."""
    if isinstance(game, NormalFormGame):
        return ProfileLayout(game.players, game.strategies, "mixed")
    mixed = result.concept == "NE" and not game.has_perfect_recall
    if mixed:
        entries = tuple(tuple(s.label for s in reduced_strategies(game, i))
                        for i in range(game.n_players))
        return ProfileLayout(game.players, entries, "mixed")
    labels, owners, actions = [], [], []
    names: dict[int, str] = {}
    for i in range(game.n_players):
        row: list[str] = []
        owner: list[int] = []
        action_row: list[str] = []
        for h in game.player_infosets(i):
            infoset = game.infosets[h]
            names[h] = infoset.label or f"#{h + 1}"
            texts = [a or str(k + 1) for k, a in enumerate(infoset.actions)]
            row += [f"{names[h]}:{a}" for a in texts]
            owner += [h] * len(texts)
            action_row += texts
        labels.append(tuple(row))
        owners.append(tuple(owner))
        actions.append(tuple(action_row))
    paths = tuple(equilibrium_path(game, unflatten_behaviour(game, eq.profile))
                  for eq in result.equilibria)
    return ProfileLayout(game.players, tuple(labels), "behaviour", tuple(owners), paths,
                         tuple(actions), names)


app.add_typer(treaty_app, name="treaty")
app.add_typer(scenario_app, name="scenario")
app.add_typer(profile_app, name="profile")
app.command("coverage")(coverage_command)
app.command("analyze")(analyze_command)
app.command("compare")(compare_command)
app.command("signal")(signal_command)
app.command("sweep")(sweep_command)
app.command("capability")(capability_command)
app.command("decompose")(decompose_command)
app.command("respond")(respond_command)
app.command("params")(params_command)
app.command("draw")(draw_command)
app.command("classroom")(classroom_command)
app.add_typer(rules_app, name="rules")
app.add_typer(atop_app, name="atop")


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main() -> None:
    """Entry point of the ``tiedhands`` console script.

    Usage errors (an unknown option, a bad option value) become one line on
    stderr and exit code 2, like every other bad input.  SIGTERM (a batch
    scheduler's kill) is handled like Ctrl-C, so partly written outputs are
    removed.
    """
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        code = app(standalone_mode=False)
    except typer.Abort:
        sys.stderr.write("tiedhands: aborted\n")
        code = 1
    except typer.TyperException as error:
        render = getattr(error, "format_message", None)
        message = " ".join(str(render() if callable(render) else error).split())
        if message:  # empty after the help text that a bare `tiedhands` prints
            sys.stderr.write(f"tiedhands: error: {message} (see tiedhands --help)\n")
        code = getattr(error, "exit_code", EXIT_BAD_INPUT)
    sys.exit(code if isinstance(code, int) else 0)
