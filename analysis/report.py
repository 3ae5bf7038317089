"""One report, four formats: rich table, Markdown, LaTeX, JSON.

A command builds a :class:`Report` (titled sections of rows, plus a JSON
document with the same content in full) and :func:`render` writes it in the
format asked for.  Tables are for reading; JSON is for programs and carries
everything; Markdown and LaTeX are for pasting into papers and issues.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Mapping, Sequence
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
    latex = "latex"


SUFFIX_FORMATS = {".json": OutputFormat.json, ".md": OutputFormat.markdown,
                  ".txt": OutputFormat.table, ".tex": OutputFormat.latex}


class Styled(str):
    """Cell text with a rich style for the table format; other formats show the text."""

    style: str

    def __new__(cls, text: str, style: str) -> Styled:
        """Text ``text`` shown in ``style`` (e.g. ``"dim"``) in rich tables."""
        made = super().__new__(cls, text)
        made.style = style
        return made


class Math(str):
    """Cell text that is a LaTeX formula: verbatim in ``$…$`` in LaTeX, as is elsewhere."""

    __slots__ = ()


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
    if output_format is OutputFormat.latex:
        return render_latex(report)
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, color_system=None, force_terminal=False,
                      highlight=False)
    print_report(report, console)
    return buffer.getvalue()


def print_report(report: Report, console: Console) -> None:
    """Print the report's sections as rich tables, honouring :class:`Styled` cells.

    Every text is shown as written: nothing is read as rich markup.
    """
    for section in report.sections:
        table = Table(title=Text(section.title), title_justify="left", show_lines=False)
        for k, column in enumerate(section.columns):
            # Ids, codes and statuses are never broken; prose columns wrap.
            cells = [row[k] for row in section.rows]
            compact = all(len(c) <= 12 for c in cells) or all(
                " " not in c and len(c) <= 32 for c in cells)
            table.add_column(column, overflow="fold", no_wrap=compact)
        for row in section.rows:
            table.add_row(*(Text(c, style=c.style if isinstance(c, Styled) else "")
                            for c in row))
        console.print(table)
        for note in section.notes:
            console.print(Text(note))
    for line in report.summary:
        console.print(Text(line), soft_wrap=True)


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


_LATEX_SPECIAL = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
                  "_": r"\_", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}",
                  "^": r"\textasciicircum{}", "δ": r"$\delta$", "≥": r"$\geq$",
                  "≤": r"$\leq$", "×": r"$\times$", "→": r"$\rightarrow$", "·": r"$\cdot$",
                  "…": r"\ldots{}", "—": "---", "–": "--", "“": "``", "”": "''",
                  "†": r"\dag{}", "|": r"\textbar{}", "<": r"\textless{}",
                  ">": r"\textgreater{}", "°": r"\textdegree{}", "′": "'", "″": "''",
                  "−": r"$-$", "Δ": r"$\Delta$", "√": r"$\surd$", "²": r"\textsuperscript{2}",
                  "θ": r"$\theta$", "σ": r"$\sigma$", "κ": r"$\kappa$", "ω": r"$\omega$",
                  "λ": r"$\lambda$", "★": r"$\star$", "--": "-{}-",
                  "\n": r"\newline "}
_LATEX_PATTERN = re.compile("|".join(re.escape(k) for k in _LATEX_SPECIAL))


def latex_escape(text: str) -> str:
    r"""Text safe in a LaTeX document: ``&``, ``%``, ``_``, ``#``, ``$`` and friends escaped.

    Examples
    --------
    >>> latex_escape("50% of a_eff & #1 costs $2")
    '50\\% of a\\_eff \\& \\#1 costs \\$2'
    """
    return _LATEX_PATTERN.sub(lambda match: _LATEX_SPECIAL[match.group(0)], text)


def _latex_cell(text: str) -> str:
    if isinstance(text, Math):
        return f"${text}$" if text else ""
    return latex_escape(text)


def render_latex(report: Report) -> str:
    """Each section as a ``tabular`` (prose columns wrap), notes and summary as paragraphs."""
    lines: list[str] = []
    for section in report.sections:
        lines += [rf"\noindent\textbf{{{latex_escape(section.title)}}}\par", r"\smallskip",
                  r"\noindent"]
        spec = "".join(_latex_column(section, k) for k in range(len(section.columns)))
        lines += [rf"\begin{{tabular}}{{{spec}}}", r"\hline",
                  " & ".join(latex_escape(c) for c in section.columns) + r" \\", r"\hline"]
        lines += [" & ".join(_latex_cell(c) for c in row) + r" \\" for row in section.rows]
        lines += [r"\hline", r"\end{tabular}", r"\par"]
        lines += [rf"\noindent {latex_escape(note)}\par" for note in section.notes]
        lines.append(r"\medskip")
    lines += [rf"\noindent{{\footnotesize {latex_escape(line)}}}\par" for line in report.summary]
    return "\n".join(lines) + "\n"


def _latex_column(section: Section, k: int) -> str:
    """``l`` for short cells, a wrapping ``p{…}`` column for prose."""
    prose = any(len(row[k]) > 40 for row in section.rows)
    return r"p{0.4\linewidth}" if prose else "l"


def records_csv(comments: Sequence[str], fields: Sequence[str],
                records: Iterable[Mapping[str, Any]]) -> str:
    """CSV text: ``# `` comment lines, a header of ``fields``, one row per record.

    None is written as an empty field and booleans as ``true``/``false``.
    """
    buffer = io.StringIO()
    buffer.writelines(f"# {line}\n" for line in comments)
    writer = csv.DictWriter(buffer, fieldnames=list(fields), lineterminator="\n")
    writer.writeheader()
    for record in records:
        writer.writerow({k: "" if v is None else str(v).lower() if isinstance(v, bool) else v
                         for k, v in record.items()})
    return buffer.getvalue()

