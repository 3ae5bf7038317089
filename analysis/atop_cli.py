"""``tiedhands atop``: import ATOP's member-level data as treaty files, and work with them.

``atop import`` writes one treaty file per alliance (:mod:`treaties.atop`) and
reports every row: imported, rejected (with its line and why) or in an
alliance that could not be written.  ``compare --atop DIR`` (in
:mod:`analysis.analysis_cli`) runs the imports against scenarios.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from analysis.analysis_cli import ForceOption, emit_report, refuse_existing
from analysis.atop_diff_cli import diff_command
from analysis.atop_trend_cli import trend_command
from analysis.cli_common import fail
from analysis.report import SUFFIX_FORMATS, OutputFormat, Report, Section
from games.errors import InputError
from treaties.atop import ImportResult, file_name, import_atop, write_treaties

atop_app = typer.Typer(help="Import the ATOP alliance data and compare it with the corpus.",
                       no_args_is_help=True)


@atop_app.command("import")
def import_command(
    member_csv: Annotated[Path, typer.Argument(
        help="ATOP's member-level CSV file (e.g. atop5_1m.csv; 4.01 and 5.1 layouts).")],
    output: Annotated[Path, typer.Option(
        "-o", "--output", help="Directory for the treaty files atop-<atopid>.yaml.")],
    alliances: Annotated[Path | None, typer.Option(
        "--alliances", help="ATOP's alliance-level CSV file (e.g. atop5_1a.csv), for the "
                            "alliances' begin and end dates.")] = None,
    force: ForceOption = False,
    output_format: Annotated[OutputFormat | None, typer.Option(
        "--format", help="The report on stdout: table, json, markdown or latex (default "
                         "table).")] = None,
    report: Annotated[Path | None, typer.Option(
        "--report", help="Also write the import report to this file, in the format of its "
                         "suffix (.txt, .json, .md or .tex).")] = None,
) -> None:
    """Write one treaty file per ATOP alliance and account for every row.

    Rows that do not parse are reported with their line numbers and skipped;
    everything else is imported.  The report ends with the count of rows read,
    alliances written and rows rejected.  With --force, an earlier import in the
    directory is replaced (its other atop-*.yaml files are removed).
    """
    try:
        report_format = None
        if report is not None:
            if report.suffix.lower() not in SUFFIX_FORMATS:
                raise InputError(f"cannot tell the format from the suffix "
                                 f"{report.suffix or '(none)'}", source=str(report),
                                 field="--report", expected=", ".join(SUFFIX_FORMATS))
            report_format = SUFFIX_FORMATS[report.suffix.lower()]
            refuse_existing(report, force, "--report")
        result = import_atop(member_csv, alliances)
        if result.treaties:
            _write_with_progress(result, output, force)
        summary = import_report(result, output)
        emit_report(summary, (output_format or OutputFormat.table).value, None, force)
        if report is not None and report_format is not None:
            emit_report(summary, report_format.value, report, force)
        if not result.treaties:
            raise InputError("no alliance could be imported", source=str(member_csv),
                             expected="rows that parse, at least two members per alliance")
    except InputError as error:
        raise fail(error) from None


atop_app.command("diff")(diff_command)
atop_app.command("trend")(trend_command)


def _write_with_progress(result: ImportResult, directory: Path, force: bool) -> None:
    console = Console(stderr=True)
    columns = (TextColumn("writing"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=console, transient=True,
                  disable=not console.is_terminal) as bar:
        task = bar.add_task("write", total=len(result.treaties))
        write_treaties(result.treaties, directory, force=force,
                       progress=lambda: bar.advance(task))


def import_report(result: ImportResult, directory: Path) -> Report:
    """Every row accounted for: imported, rejected, or in an alliance not written."""
    members = result.members
    imported = members.rows_read - len(result.rows_rejected) - result.rows_in_skipped
    counts = (f"{members.rows_read} rows read = {imported} imported + "
              f"{result.rows_in_skipped} in alliances not written + "
              f"{len(result.rows_rejected)} rejected; {len(result.treaties)} alliances written "
              f"to {directory}, {len(result.skipped)} not written.")
    overview = Section("ATOP import", ("", ""), (
        ("member file", f"{members.source} ({result.layout})"),
        ("alliance file", "—" if result.alliances is None else
         f"{result.alliances.source}: {result.alliances.rows_read} rows, "
         f"{len(result.alliances.rejected)} rejected"),
        ("rows read", str(members.rows_read)),
        ("rows imported", str(imported)),
        ("rows rejected", str(len(result.rows_rejected))),
        ("alliances written", f"{len(result.treaties)}"
         + (f" ({file_name(result.treaties[0].atopid or 0)} ...)" if result.treaties else "")),
        ("alliances not written", str(len(result.skipped))),
    ))
    sections = [overview]
    rejected = [(members.source, r) for r in result.rows_rejected]
    if result.alliances is not None:
        rejected += [(result.alliances.source, r) for r in result.alliances.rejected]
    if rejected:
        sections.append(Section("Rejected rows", ("file", "line", "atopid", "reason"), tuple(
            (Path(source).name, str(r.line), "—" if r.atopid is None else str(r.atopid),
             r.reason) for source, r in rejected)))
    if result.skipped:
        sections.append(Section("Alliances not written", ("atopid", "lines", "reason"), tuple(
            (str(s.atopid), ", ".join(map(str, s.lines)), s.reason) for s in result.skipped)))
    unknown = [(members.source, c) for c in members.header.unknown]
    if result.alliances is not None:
        unknown += [(result.alliances.source, c) for c in result.alliances.header.unknown]
    if unknown:
        sections.append(Section("Unknown columns (not read)", ("file", "column", "name"), tuple(
            (Path(source).name, str(number), name) for source, (number, name) in unknown)))
    notes = [*members.notes, *result.notes]
    if notes:
        sections.append(Section("Notes", ("note",), tuple((n,) for n in notes)))
    return Report(tuple(sections), import_json(result, directory), (counts,))


def import_json(result: ImportResult, directory: Path) -> dict[str, Any]:
    """The import report as a JSON document."""
    members = result.members
    return {
        "member_file": members.source, "layout": result.layout,
        "alliance_file": None if result.alliances is None else result.alliances.source,
        "directory": str(directory), "rows_read": members.rows_read,
        "rows_rejected": len(result.rows_rejected),
        "rows_in_alliances_not_written": result.rows_in_skipped,
        "alliances_written": [t.atopid for t in result.treaties],
        "rejected": [{"file": members.source, "line": r.line, "atopid": r.atopid,
                      "reason": r.reason} for r in result.rows_rejected]
        + ([{"file": result.alliances.source, "line": r.line, "atopid": r.atopid,
             "reason": r.reason} for r in result.alliances.rejected]
           if result.alliances is not None else []),
        "not_written": [{"atopid": s.atopid, "lines": list(s.lines), "reason": s.reason}
                        for s in result.skipped],
        "unknown_columns": [{"file": members.source, "column": n, "name": name}
                            for n, name in members.header.unknown]
        + ([{"file": result.alliances.source, "column": n, "name": name}
            for n, name in result.alliances.header.unknown]
           if result.alliances is not None else []),
        "notes": [*members.notes, *result.notes],
    }
