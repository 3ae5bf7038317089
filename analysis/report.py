"""One report, three formats: rich table, Markdown, JSON.

A command builds a :class:`Report` (titled sections of rows, plus a JSON
document with the same content in full) and :func:`render` writes it in the
format asked for.  Tables are for reading; JSON is for programs and carries
everything; Markdown is for pasting into papers and issues.
"""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text


class OutputFormat(StrEnum):
    """Output formats of the treaty, scenario and coverage commands."""

    table = "table"
    json = "json"
    markdown = "markdown"


SUFFIX_FORMATS = {".json": OutputFormat.json, ".md": OutputFormat.markdown,
                  ".txt": OutputFormat.table}


@dataclass(frozen=True)
class Section:
    """A titled table: column names and rows of cell texts."""

    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Report:
    """What a command prints: sections for people, ``data`` for programs."""

    sections: tuple[Section, ...]
    data: Any
    summary: tuple[str, ...] = field(default=())


def render(report: Report, output_format: OutputFormat, *, width: int = 120) -> str:
    """The report as text in the requested format."""
    if output_format is OutputFormat.json:
        return json.dumps(report.data, indent=2, ensure_ascii=False) + "\n"
    if output_format is OutputFormat.markdown:
        return _markdown(report)
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, color_system=None, force_terminal=False,
                      highlight=False)
    print_report(report, console)
    return buffer.getvalue()


def print_report(report: Report, console: Console) -> None:
    """Print the report's sections as rich tables on a console."""
    for section in report.sections:
        table = Table(title=Text(section.title), title_justify="left", show_lines=False)
        for k, column in enumerate(section.columns):
            # Ids and statuses (single words) are never broken; prose columns wrap.
            single_words = all(" " not in row[k] and len(row[k]) <= 32 for row in section.rows)
            table.add_column(column, overflow="fold", no_wrap=single_words)
        for row in section.rows:
            table.add_row(*(Text(cell) for cell in row))  # cells are text, never markup
        console.print(table)
        for note in section.notes:
            console.print(note, markup=False, highlight=False)
    for line in report.summary:
        console.print(line, markup=False, highlight=False, soft_wrap=True)


def _markdown(report: Report) -> str:
    lines: list[str] = []
    for section in report.sections:
        lines += [f"### {section.title}", ""]
        lines.append("| " + " | ".join(section.columns) + " |")
        lines.append("|" + "---|" * len(section.columns))
        lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in section.rows]
        lines.append("")
        lines += [*section.notes, ""] if section.notes else []
    lines += [*report.summary]
    return "\n".join(lines).rstrip("\n") + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", "<br>")


def joined(values: Sequence[object], separator: str = ", ") -> str:
    """Values as one cell (``—`` when empty)."""
    return separator.join(str(v) for v in values) if values else "—"
