"""What every ``tiedhands`` command shares: exit codes, errors, consoles, output."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from enum import StrEnum
from pathlib import Path
from typing import TypeVar

import typer
from rich.console import Console

from analysis.report import SUFFIX_FORMATS, OutputFormat, Report, print_report, render
from games.errors import InputError
from games.io.files import write_text_atomic

FormatT = TypeVar("FormatT", bound=StrEnum)

EXIT_BAD_INPUT = 2
EXIT_CAPPED = 3


def fail(error: InputError) -> typer.Exit:
    """Print one line on stderr and return the exit for bad input."""
    sys.stderr.write(f"tiedhands: error: {error.render()}\n")
    return typer.Exit(EXIT_BAD_INPUT)


def stdout_console() -> Console:
    """stdout console: the terminal's width, or 120 columns when piped (unless $COLUMNS)."""
    console = Console(highlight=False)
    if not console.is_terminal and "COLUMNS" not in os.environ:
        console = Console(highlight=False, width=120)
    return console


def chosen_format(requested: FormatT | None, output: Path | None,
                  suffixes: Mapping[str, FormatT], default: FormatT) -> FormatT:
    """The format asked for, else the one of the ``-o`` suffix, else ``default``."""
    if requested is not None:
        return requested
    if output is None:
        return default
    suffix = output.suffix.lower()
    if suffix not in suffixes:
        known = ", ".join(suffixes)
        raise InputError(f"cannot tell the format from the suffix {suffix or '(none)'}",
                         field="--output", expected=f"{known}, or give --format")
    return suffixes[suffix]


def emit(report: Report, requested: OutputFormat | None, output: Path | None,
         force: bool) -> None:
    """Write a report to stdout, or atomically to ``output`` (never over a file without force)."""
    output_format = chosen_format(requested, output, SUFFIX_FORMATS, OutputFormat.table)
    if output is not None:
        write_text_atomic(output, render(report, output_format), force=force)
    elif output_format is OutputFormat.table:
        print_report(report, stdout_console())
    else:
        sys.stdout.write(render(report, output_format))
