"""Rendering solver results as JSON documents and rich tables.

Exact numbers are written as strings (``"1/3"``, ``"2"``) so that no precision
is lost; floats as JSON numbers.
"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from rich.console import Console
from rich.table import Table

from games.numbers import Payoff, format_number
from games.play import PathStep
from games.results import SolverResult


@dataclass(frozen=True)
class ProfileLayout:
    """What each entry of a player's profile vector stands for.

    ``entries[i][k]`` labels player *i*'s *k*-th probability, e.g. a strategy
    label, or ``"infoset: action"`` for behaviour profiles.
    """

    players: tuple[str, ...]
    entries: tuple[tuple[str, ...], ...]
    kind: str  # "mixed" or "behaviour"
    infosets: tuple[tuple[int, ...], ...] = ()
    """For behaviour profiles: the information set index of each entry."""
    paths: tuple[tuple[PathStep, ...], ...] = ()
    """For behaviour profiles: each equilibrium's path of play."""
    actions: tuple[tuple[str, ...], ...] = ()
    """For behaviour profiles: the action label of each entry."""
    infoset_names: Mapping[int, str] = field(default_factory=dict)
    """For behaviour profiles: a readable name for each information set."""


def json_number(value: Payoff, exact: bool) -> Any:
    """Exact results' numbers as strings (``"1/3"``); float results' as JSON numbers."""
    if not exact:
        return float(value)
    if isinstance(value, Fraction | int):
        return format_number(Fraction(value))
    return float(value)


def result_to_json(result: SolverResult, layout: ProfileLayout) -> dict[str, Any]:
    """The JSON document of the ``solve`` command."""
    return {
        "concept": result.concept,
        "method": result.method,
        "exact": result.exact,
        "degenerate": result.degenerate,
        "ties": result.ties,
        "complete": result.complete,
        "capped": result.capped,
        "profile_kind": layout.kind,
        "players": list(layout.players),
        "profile_labels": [list(e) for e in layout.entries],
        "notes": list(result.notes),
        "equilibria": [
            {
                "profile": [[json_number(p, result.exact) for p in player]
                            for player in eq.profile],
                "payoffs": [json_number(v, result.exact) for v in eq.payoffs],
                "max_regret": json_number(eq.max_regret, result.exact),
                **({"path": [{"node": step.node + 1, "player": step.player,
                              "action": step.action,
                              "probability": json_number(step.probability, result.exact)}
                             for step in layout.paths[k]]} if layout.paths else {}),
                **({"unreached_infosets": [h + 1 for h in eq.unreached]}
                   if eq.unreached else {}),
                **({"ties": [{"node": t.node + 1, "optimal_actions": [a + 1 for a in t.actions],
                              "chosen": t.chosen + 1} for t in eq.ties]} if eq.ties else {}),
            }
            for k, eq in enumerate(result.equilibria)
        ],
    }


def render_json(result: SolverResult, layout: ProfileLayout) -> str:
    """JSON text, indented, ending in a newline."""
    return json.dumps(result_to_json(result, layout), indent=2) + "\n"


def _describe_mixed(profile: Sequence[Payoff], labels: Sequence[str]) -> str:
    parts = [label if prob == 1 else f"{label} {format_number(prob)}"
             for prob, label in zip(profile, labels, strict=True) if prob != 0]
    return ", ".join(parts) or "-"


def _describe_behaviour(profile: Sequence[Payoff], layout: ProfileLayout, player: int,
                        unreached: Sequence[int]) -> str:
    """One line per information set: ``name: action`` (or a mixture, or never reached)."""
    lines: list[str] = []
    infosets = layout.infosets[player]
    start = 0
    while start < len(profile):
        h = infosets[start]
        stop = start
        while stop < len(profile) and infosets[stop] == h:
            stop += 1
        name = layout.infoset_names.get(h, f"#{h + 1}")
        if h in unreached:
            lines.append(f"{name}: never reached")
        else:
            choice = _describe_mixed(profile[start:stop], layout.actions[player][start:stop])
            lines.append(f"{name}: {choice}")
        start = stop
    return "\n".join(lines) or "-"


def _describe_path(steps: Sequence[PathStep]) -> str:
    return " → ".join(
        f"{step.player}: {step.action}" if step.probability == 1
        else f"{step.player}: {step.action} ({format_number(step.probability)})"
        for step in steps) or "-"


def result_table(result: SolverResult, layout: ProfileLayout) -> Table:
    """A rich table: one row per equilibrium, one column per player, payoffs, regret."""
    exactness = "exact" if result.exact else "float"
    title = f"{result.concept} by {result.method} ({exactness})"
    table = Table(title=title, title_justify="left")
    table.add_column("#", justify="right")
    for player in layout.players:
        table.add_column(player)
    if layout.paths:
        table.add_column("path of play")
    table.add_column("payoffs")
    table.add_column("max regret", justify="right")
    for k, eq in enumerate(result.equilibria, start=1):
        cells = [
            _describe_behaviour(p, layout, i, eq.unreached) if layout.infosets
            else _describe_mixed(p, labels)
            for i, (p, labels) in enumerate(zip(eq.profile, layout.entries, strict=True))]
        if layout.paths:
            cells.append(_describe_path(layout.paths[k - 1]))
        payoffs = ", ".join(format_number(v) for v in eq.payoffs)
        table.add_row(str(k), *cells, payoffs, format_number(eq.max_regret))
    return table


def render_table(result: SolverResult, layout: ProfileLayout, *, width: int = 100) -> str:
    """The table and the result's notes as plain text."""
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, color_system=None, force_terminal=False)
    print_table(result, layout, console)
    return buffer.getvalue()


def print_table(result: SolverResult, layout: ProfileLayout, console: Console) -> None:
    """Print the table, a summary line and the notes to ``console``."""
    console.print(result_table(result, layout))
    flags = [f"{len(result.equilibria)} equilibri{'um' if len(result.equilibria) == 1 else 'a'}"]
    if result.degenerate:
        flags.append("degenerate game")
    if result.ties:
        flags.append("ties")
    if not result.complete:
        flags.append("list may be incomplete")
    console.print("; ".join(flags), highlight=False)
    for note in result.notes:
        console.print(f"note: {note}", highlight=False, soft_wrap=True)
