"""``tiedhands atop diff DIR``: the built-in treaties against their imported ATOP rows.

Each built-in treaty with an ``atopid`` (or those named with ``--treaties``) is
compared field by field with ``DIR/atop-<atopid>.yaml``, written by ``tiedhands
atop import`` (the rules: :mod:`treaties.atop_diff`).  The report gives the
counts, every disagreement (treaty, atopid, field, member, both codings, a
note), the agreements that carry a caveat, and the treaties whose file is not
in DIR.  Disagreements are findings, not errors: the exit code is 0 either way.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from analysis.analysis_cli import (
    ForceOption,
    ImportsArgument,
    TableFormatOption,
    TableOutputOption,
    emit_report,
    refuse_existing,
    write_output,
)
from analysis.analysis_reports import COMPARE_SUFFIXES, CompareFormat
from analysis.cli_common import chosen_format, fail
from analysis.provenance import corpus_hash, imports_hash
from analysis.report import Report, Section, records_csv
from games.errors import InputError
from treaties.atop_diff import (
    NOT_RECORDED,
    SCOPE_NOTE,
    Check,
    DiffResult,
    atop_treaties,
    diff_directory,
    state_label,
)

RECORD_FIELDS = ("treaty", "atopid", "field", "member", "corpus", "atop", "note")
"""The columns of one disagreement (CSV and JSON)."""

NOT_COMPARED_NOTE = ("Not compared, because ATOP does not record them: "
                     + "; ".join(NOT_RECORDED) + ".")


def diff_command(
    directory: ImportsArgument,
    treaties: Annotated[list[str] | None, typer.Option(
        "--treaties", help="A treaty id or YAML file with an atopid (repeatable, or "
                           "comma-separated; default: every built-in treaty with an atopid).")
    ] = None,
    output_format: TableFormatOption = None,
    output: TableOutputOption = None,
    force: ForceOption = False,
) -> None:
    """Compare each built-in treaty that has an ATOP id with its ATOP rows, field by field.

    Lists every disagreement (parties, dates, obligation types, the conditions of
    defence and offence duties ATOP can express) and the treaties whose
    atop-<atopid>.yaml is not in DIR.  Exit 0 whether or not they disagree.
    """
    try:
        chosen = chosen_format(output_format, output, COMPARE_SUFFIXES, CompareFormat.table)
        refuse_existing(output, force, "--output")
        references = None if treaties is None else [
            r.strip() for item in treaties for r in item.split(",") if r.strip()]
        result = diff_directory(directory, atop_treaties(references))
        if chosen is CompareFormat.csv:
            write_output(diff_csv(result), output, force)
        else:
            emit_report(diff_report(result), chosen, output, force)
    except InputError as error:
        raise fail(error) from None


def record(check: Check) -> dict[str, Any]:
    """One check as a flat record (the fields of :data:`RECORD_FIELDS`)."""
    return {"treaty": check.treaty, "atopid": check.atopid, "field": check.field,
            "member": check.member, "corpus": check.corpus, "atop": check.atop,
            "note": check.note}


def summary_line(result: DiffResult) -> str:
    """The counts in one sentence, with the corpus and import hashes."""
    return (f"{_count(len(result.diffs), 'treaty', 'treaties')} compared, "
            f"{_count(result.fields_compared, 'field')} compared, "
            f"{_count(len(result.disagreements), 'disagreement')}, {len(result.missing)} not in "
            f"{result.directory}; corpus {corpus_hash()}, ATOP imports "
            f"{imports_hash(result.directory)}.")


def diff_report(result: DiffResult) -> Report:
    """The counts, the disagreements, the caveats and the treaties not in the directory."""
    overview = Section("ATOP diff", ("", ""), (
        ("directory", result.directory),
        ("treaties compared", _listed([f"{d.treaty} ({d.atopid})" for d in result.diffs])),
        ("fields compared", str(result.fields_compared)),
        ("disagreements", str(len(result.disagreements))),
        ("not in DIR", str(len(result.missing))),
    ), (SCOPE_NOTE, NOT_COMPARED_NOTE))
    sections = [overview, Section(
        "Disagreements", ("treaty", "atopid", "field", "member", "corpus", "ATOP", "note"),
        tuple(_row(c) for c in result.disagreements),
        () if result.disagreements else ("No disagreement.",))]
    if result.caveats:
        sections.append(Section("Agreements with a caveat", ("treaty", "field", "member", "note"),
                                tuple((c.treaty, c.field, _member(c.member), c.note)
                                      for c in result.caveats)))
    if result.missing:
        sections.append(Section("Not in DIR", ("treaty", "atopid", "file"), tuple(
            (m.treaty, str(m.atopid), m.file) for m in result.missing)))
    return Report(tuple(sections), diff_json(result), (summary_line(result),))


def diff_json(result: DiffResult) -> dict[str, Any]:
    """The report as a JSON document."""
    return {
        "directory": result.directory,
        "treaties_compared": [{"treaty": d.treaty, "atopid": d.atopid, "file": d.source,
                               "fields_compared": len(d.checks),
                               "disagreements": len(d.disagreements)} for d in result.diffs],
        "fields_compared": result.fields_compared,
        "disagreements": [record(c) for c in result.disagreements],
        "caveats": [record(c) for c in result.caveats],
        "not_in_directory": [{"treaty": m.treaty, "atopid": m.atopid, "file": m.file}
                             for m in result.missing],
        "not_compared": list(NOT_RECORDED), "scope": SCOPE_NOTE,
        "corpus": corpus_hash(), "atop_imports": imports_hash(result.directory),
    }


def diff_csv(result: DiffResult) -> str:
    """CSV: a ``# `` comment line (the counts), a header, one row per disagreement."""
    return records_csv((summary_line(result),), RECORD_FIELDS,
                       (record(c) for c in result.disagreements))


def _row(check: Check) -> tuple[str, ...]:
    return (check.treaty, str(check.atopid), check.field, _member(check.member), check.corpus,
            check.atop, check.note)


def _member(member: int | None) -> str:
    return "—" if member is None else state_label(member)


def _listed(items: list[str]) -> str:
    return f"{len(items)}" + (f": {', '.join(items)}" if items else "")


def _count(number: int, noun: str, plural: str | None = None) -> str:
    return f"{number} {noun if number == 1 else plural or noun + 's'}"
