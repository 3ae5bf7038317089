"""Reading ATOP's member-level and alliance-level CSV files, row by row, with line numbers.

The Alliance Treaty Obligations and Provisions project (Leeds et al. 2002;
https://www.atopdata.org) publishes, among others, a *member-level* file (one
row per member of an alliance, per phase of the alliance in release 5.1) and an
*alliance-level* file (one row per alliance).  This module reads them into
:class:`MemberRow` and :class:`AllianceRow` records and never stops at a bad row:
a row that does not parse is *rejected* with its line number and the reason,
and the rest is read.

Headers are matched case-insensitively (``DEFCOADV`` and ``defcoadv`` are the
same column) and in any order.  Columns the reader does not know are
reported, not fatal.  Values:

* whole numbers in ASCII digits, also written ``1.0`` (as statistical packages
  export them); anything else (``1e0``, ``1_0``, ``2.5``) rejects the row;
* blank, ``.``, ``NA`` and ``NaN`` (any case) are *missing*;
* obligation and condition flags are 0, 1 or missing (anything else rejects
  the row); a missing obligation flag means ATOP does not say whether the
  promise is made, which the import reads as *unrecorded*, not as 0;
* a missing or 0 month or day is unknown: an entry is read as the first day it
  could be (the first of the year or month), an exit as the last (the 31st of
  December, or the month's last day), so that a membership is never cut short;
  ``yrexit``/``endyr`` = 0 or missing means the membership or alliance is still
  in effect (with a month or day given, the row is rejected as contradictory);
* threat states (``statthr1``, ``statthr2``) are COW codes, 0 or missing for none;
  ``specthrt`` is a whole number kept in the evidence.

A column the reader uses but the file lacks is read as missing in every row,
and the result lists such columns.  A quoted field that runs over a line break
(an unbalanced quote, which would swallow the rest of the file) stops the
import with the line where it starts.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import io
import re
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, Literal, TypeVar

from games.errors import InputError
from treaties.states import cow_states

ObligationColumn = Literal["defense", "offense", "neutral", "nonagg", "consul"]
OBLIGATION_COLUMNS: tuple[ObligationColumn, ...] = (
    "defense", "offense", "neutral", "nonagg", "consul")
"""ATOP's five obligation types, in the order of the codebook."""

ConditionMeaning = Literal["adversaries", "location", "conflict", "adversary_count", "demands",
                           "non_provocation", "attacked", "request"]

CONDITION_COLUMNS: Mapping[ObligationColumn, Mapping[str, ConditionMeaning]] = {
    "defense": {"defcoadv": "adversaries", "defcoloc": "location", "defcocon": "conflict",
                "defconum": "adversary_count", "defcodem": "demands",
                "defconpr": "non_provocation"},
    "offense": {"offcoadv": "adversaries", "offcoloc": "location", "offcocon": "conflict",
                "offconum": "adversary_count", "offcodem": "demands"},
    "neutral": {"neucoadv": "adversaries", "neucoloc": "location", "neucocon": "conflict",
                "neuconum": "adversary_count", "neucoatt": "attacked", "neucodem": "demands",
                "neuconpr": "non_provocation"},
    "consul": {"concoadv": "adversaries", "concoloc": "location", "concocon": "conflict",
               "concoreq": "request"},
    "nonagg": {},
}
"""The condition flags of each obligation type and what each limits."""

SUMMARY_COLUMNS: Mapping[ObligationColumn, str] = {
    "defense": "defcon", "offense": "offcon", "neutral": "neucon", "consul": "concon"}
"""ATOP's "some condition applies" flag of each family."""

THREAT_COLUMNS = ("statthr1", "statthr2")
MEMBER_DATE_COLUMNS = ("yrent", "moent", "dayent", "yrexit", "moexit", "dayexit")
MEMBER_REQUIRED = ("atopid", "member", "yrent", *OBLIGATION_COLUMNS)
MEMBER_USED: tuple[str, ...] = (
    "atopid", "member", *MEMBER_DATE_COLUMNS, "phase", *OBLIGATION_COLUMNS,
    *SUMMARY_COLUMNS.values(), *(c for family in CONDITION_COLUMNS.values() for c in family),
    "specthrt", *THREAT_COLUMNS)
"""Every member-level column the importer reads (``yrent`` included)."""

ALLIANCE_REQUIRED = ("atopid", "begyr")
ALLIANCE_USED = ("atopid", "begyr", "begmo", "begday", "endyr", "endmo", "endday")

KNOWN_UNUSED: frozenset[str] = frozenset({
    # identifiers and bookkeeping
    "version", "cowid", "cowid1", "cowid2", "cowid3", "cowid4", "ineffect", "bilat", "asymm",
    "estmode", "phasenum", "dyad", "mem1", "mem2", "year", "ccode", "state", "stateabb",
    "begyr", "begmo", "begday", "endyr", "endmo", "endday", "wartime", "active", "conditio",
    "offcon", "defcon", "neucon", "concon", "atopally", "number", "bilatno", "multino",
    # alliance-level provisions that member files may repeat on every row (as 4.01's does)
    "olimob", "renounce", "renounc", "milcon", "intcom", "milaid", "base", "contrib",
    "organ1", "organ2", "organ3", "ecaid", "pubsecr", "secrart", "nomicoop", "thirdcom",
    "agprois", "divgains", "compag", "nonmaint", "interv", "notaiden", "notaiden1",
    "notaiden2", "dipaid", "terrres", "arms", "milaiden", "trade", "refugees",
    "demob", "coorg", "coorgmil", "mostfav",
    # the alliance-level file's obligation columns (the importer reads the member rows')
    "defense", "offense", "neutral", "nonagg", "consul",
})
"""Columns of ATOP releases the importer does not need; they are neither read nor reported."""

MISSING = frozenset({"", ".", "na", "nan"})
_WHOLE = re.compile(r"[+-]?[0-9]+(\.0*)?", re.ASCII)
EARLIEST_YEAR, LATEST_YEAR = 1800, 2100
MAX_ROWS = 1_000_000
"""More data rows than this are refused (ATOP 5.1's member file has a few thousand)."""


@dataclass(frozen=True)
class Rejected:
    """A row that was not imported: its line in the file and why."""

    line: int
    reason: str
    atopid: int | None = None


@dataclass(frozen=True)
class ApproximateDate:
    """A date and how precisely ATOP gives it (an unknown month or day: ``year``,
    ``month``)."""

    date: dt.date
    precision: Literal["day", "month", "year"]


@dataclass(frozen=True)
class MemberRow:
    """One parsed member row: an alliance member's obligations in one phase."""

    line: int
    atopid: int
    member: int
    phase: int
    entry: ApproximateDate
    exit: ApproximateDate | None
    flags: Mapping[str, int | None]
    """Obligation, summary and condition flags as read (None: missing)."""
    threats: tuple[int, ...]
    specific_threat: int | None = None
    """``specthrt`` as read (None: missing)."""

    def has(self, column: str) -> bool:
        """Whether a flag is 1."""
        return self.flags.get(column) == 1


@dataclass(frozen=True)
class AllianceRow:
    """One parsed alliance row: the alliance's dates."""

    line: int
    atopid: int
    begin: ApproximateDate
    end: ApproximateDate | None


@dataclass(frozen=True)
class Header:
    """A file's header: which columns are where, and what was not recognised."""

    index: Mapping[str, int]
    unknown: tuple[tuple[int, str], ...]
    """(1-based column number, name) of each column the reader does not know."""
    width: int
    absent: tuple[str, ...] = ()
    """Columns the reader uses that the file lacks (read as missing in every row)."""


RowT = TypeVar("RowT", "MemberRow", "AllianceRow")


@dataclass(frozen=True)
class ReadResult(Generic[RowT]):
    """Rows read from one file: those parsed, those rejected, and notes on the file."""

    source: str
    header: Header
    rows: tuple[RowT, ...]
    rejected: tuple[Rejected, ...]
    notes: tuple[str, ...] = field(default=())

    @property
    def rows_read(self) -> int:
        """Data rows in the file (parsed plus rejected)."""
        return len(self.rows) + len(self.rejected)


class _RowError(ValueError):
    """A value that rejects its row."""


def read_member_file(path: str | Path) -> ReadResult[MemberRow]:
    """Every row of an ATOP member-level CSV file, parsed or rejected.

    Raises
    ------
    InputError
        When the file cannot be read at all: missing, not text, no header, a
        required column (``atopid``, ``member``, ``yrent`` and the five
        obligation types) absent, a column given twice, a quoted field running
        over a line break, or more than :data:`MAX_ROWS` rows.
    """
    rows, rejected, header = _read_rows(
        path, MEMBER_REQUIRED, MEMBER_USED, _member_row,
        lambda row: (row.atopid, row.member, row.phase),
        lambda row: f"alliance {row.atopid}, member {row.member}, phase {row.phase}")
    blanks: dict[str, list[int]] = {}
    for row in rows:
        for column in OBLIGATION_COLUMNS:
            if row.flags[column] is None:
                blanks.setdefault(column, []).append(row.line)
    notes = tuple(f"blank {column} read as not recorded (the promise may or may not be made) "
                  f"on line{'s' * (len(lines) > 1)} {_lines(lines)}"
                  for column, lines in blanks.items())
    return ReadResult(str(path), header, rows, rejected, notes)


def read_alliance_file(path: str | Path) -> ReadResult[AllianceRow]:
    """Every row of an ATOP alliance-level CSV file, parsed or rejected (see
    :func:`read_member_file` for the errors raised)."""
    rows, rejected, header = _read_rows(path, ALLIANCE_REQUIRED, ALLIANCE_USED, _alliance_row,
                                        lambda row: row.atopid,
                                        lambda row: f"alliance {row.atopid}")
    return ReadResult(str(path), header, rows, rejected)


def _read_rows(path: str | Path, required: Sequence[str], used: Sequence[str],
               parse: Callable[[int, list[str], Header], RowT],
               key: Callable[[RowT], Hashable], describe: Callable[[RowT], str]
               ) -> tuple[tuple[RowT, ...], tuple[Rejected, ...], Header]:
    """Parse every row; reject those that do not parse and those that repeat a key."""
    records, header = _open(path, required, used)
    rows: list[RowT] = []
    rejected: list[Rejected] = []
    seen: dict[Hashable, int] = {}
    for line, values in records:
        try:
            row = parse(line, values, header)
        except _RowError as error:
            rejected.append(Rejected(line, str(error), _atopid_or_none(values, header)))
            continue
        if key(row) in seen:
            rejected.append(Rejected(line, f"repeats {describe(row)} of line {seen[key(row)]}",
                                     _atopid_or_none(values, header)))
            continue
        seen[key(row)] = line
        rows.append(row)
    return tuple(rows), tuple(rejected), header


def _lines(lines: Sequence[int]) -> str:
    shown = ", ".join(str(n) for n in lines[:10])
    return shown + (f" and {len(lines) - 10} more" if len(lines) > 10 else "")


def _open(path: str | Path, required: Sequence[str],
          used: Sequence[str]) -> tuple[Iterator[tuple[int, list[str]]], Header]:
    source = str(path)
    raw = b""
    try:
        raw = Path(path).read_bytes()
        text = raw.decode("utf-8-sig")
    except FileNotFoundError:
        raise InputError("no such file", source=source,
                         expected="an ATOP CSV file (e.g. atop5_1m.csv)") from None
    except IsADirectoryError:
        raise InputError("this is a directory", source=source,
                         expected="an ATOP CSV file") from None
    except UnicodeDecodeError as error:
        raise InputError(f"not UTF-8 text (byte {error.start})", source=source,
                         line=raw.count(b"\n", 0, error.start) + 1,
                         expected="a CSV file in UTF-8 (convert it, e.g. with iconv)") from None
    except OSError as error:
        raise InputError(f"cannot be read: {error.strerror}", source=source) from None
    if "\x00" in text:
        raise InputError("the file contains NUL bytes", source=source,
                         expected="a CSV text file")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        names = next(reader)
    except StopIteration:
        raise InputError("the file is empty", source=source,
                         expected="a header line naming the columns") from None
    except csv.Error as error:
        raise InputError(f"the header does not parse: {error}", source=source, line=1) from None
    header = _header(names, source, required, used)

    def records() -> Iterator[tuple[int, list[str]]]:
        count = 0
        start = reader.line_num + 1
        while True:
            try:
                values = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                runaway = "field larger than field limit" in str(error)
                raise InputError(
                    "a quoted field runs on from here (an unbalanced quote?)" if runaway
                    else f"the row does not parse as CSV: {error}", source=source, line=start,
                    expected="one row per line, quotes closed on the same line") from None
            line, start = start, reader.line_num + 1
            if any("\n" in v or "\r" in v for v in values):
                raise InputError("a quoted field runs over a line break (an unbalanced quote "
                                 "would swallow the rest of the file)", source=source, line=line,
                                 expected="one row per line, quotes closed on the same line")
            if not any(v.strip() for v in values):
                continue
            count += 1
            if count > MAX_ROWS:
                raise InputError(f"more than {MAX_ROWS:,} data rows", source=source, line=line,
                                 expected="an ATOP file (a few thousand rows)")
            yield line, values

    return records(), header


def _header(names: list[str], source: str, required: Sequence[str],
            used: Sequence[str]) -> Header:
    index: dict[str, int] = {}
    unknown = []
    for k, raw in enumerate(names):
        name = raw.strip().lower()
        if not name:
            unknown.append((k + 1, "(blank)"))
            continue
        if name in index:
            raise InputError(f"column {name!r} appears twice (columns {index[name] + 1} and "
                             f"{k + 1})", source=source, line=1,
                             expected="each column once (headers are case-insensitive)")
        index[name] = k
        if name not in used and name not in KNOWN_UNUSED:
            unknown.append((k + 1, raw.strip()))
    missing = [c for c in required if c not in index]
    if missing:
        raise InputError(f"no column {', '.join(missing)}", source=source, line=1,
                         expected=f"a header with the ATOP columns {', '.join(required)}")
    absent = tuple(c for c in used if c not in index)
    return Header(index, tuple(unknown), len(names), absent)


def _cell(values: list[str], header: Header, column: str) -> str | None:
    k = header.index.get(column)
    if k is None:
        return None
    text = values[k].strip()
    return None if text.lower() in MISSING else text


def _whole(values: list[str], header: Header, column: str) -> int | None:
    text = _cell(values, header, column)
    if text is None:
        return None
    if not _WHOLE.fullmatch(text):
        raise _RowError(f"{column} = {text!r} is not a whole number")
    number = int(text.split(".")[0])
    if abs(number) > 10**9:
        raise _RowError(f"{column} = {text} is out of range (at most 10^9 in absolute value)")
    return number


def _atopid_or_none(values: list[str], header: Header) -> int | None:
    try:
        atopid = _whole(values, header, "atopid") if len(values) == header.width else None
    except _RowError:
        return None
    return atopid if atopid is not None and atopid > 0 else None


def _date(values: list[str], header: Header, year: str, month: str, day: str,
          open_ended: bool) -> ApproximateDate | None:
    """An entry (the first day it could be) or, ``open_ended``, an exit (the last day)."""
    y = _whole(values, header, year)
    m = _whole(values, header, month)
    d = _whole(values, header, day)
    if y is None or (open_ended and y == 0):
        if not open_ended:
            raise _RowError(f"{year} is missing")
        if m or d:
            shown = "blank" if y is None else y
            raise _RowError(f"{year} = {shown} (still in effect) but {month} = {m}, "
                            f"{day} = {d}")
        return None
    if not EARLIEST_YEAR <= y <= LATEST_YEAR:
        raise _RowError(f"{year} = {y} is not a year between {EARLIEST_YEAR} and {LATEST_YEAR}")
    if m is not None and not 0 <= m <= 12:
        raise _RowError(f"{month} = {m} is not a month (1-12, or 0 when unknown)")
    if d is not None and not 0 <= d <= 31:
        raise _RowError(f"{day} = {d} is not a day (1-31, or 0 when unknown)")
    if not m:
        return ApproximateDate(dt.date(y, 12, 31) if open_ended else dt.date(y, 1, 1), "year")
    if not d:
        last = calendar.monthrange(y, m)[1]
        return ApproximateDate(dt.date(y, m, last if open_ended else 1), "month")
    try:
        return ApproximateDate(dt.date(y, m, d), "day")
    except ValueError:
        raise _RowError(f"{y}-{m:02d}-{d:02d} is not a calendar date") from None


def _flag(values: list[str], header: Header, column: str) -> int | None:
    value = _whole(values, header, column)
    if value not in (None, 0, 1):
        raise _RowError(f"{column} = {value} is not a flag (0, 1 or blank)")
    return value


def _atopid(values: list[str], header: Header) -> int:
    """The row's alliance id, after checking that the row has the header's width."""
    if len(values) != header.width:
        raise _RowError(f"the row has {len(values)} fields; the header has {header.width}")
    atopid = _whole(values, header, "atopid")
    if atopid is None or atopid <= 0:
        raise _RowError("atopid is missing" if atopid is None
                        else f"atopid = {atopid} is not a positive id")
    return atopid


def _member_row(line: int, values: list[str], header: Header) -> MemberRow:
    atopid = _atopid(values, header)
    member = _whole(values, header, "member")
    if member is None:
        raise _RowError("member is missing")
    if member not in cow_states():
        raise _RowError(f"member = {member} is not a Correlates of War state code")
    phase = _whole(values, header, "phase")
    if phase is None and "phase" in header.index:
        raise _RowError("phase is missing (the file has a phase column)")
    if phase is not None and phase < 1:
        raise _RowError(f"phase = {phase} is not a phase number (1, 2, ...)")
    entry = _date(values, header, "yrent", "moent", "dayent", open_ended=False)
    assert entry is not None
    exit_ = _date(values, header, "yrexit", "moexit", "dayexit", open_ended=True)
    if exit_ is not None and exit_.date <= entry.date:
        raise _RowError(f"the member leaves ({exit_.date}) on or before it enters ({entry.date})")
    flags: dict[str, int | None] = {}
    for obligation in OBLIGATION_COLUMNS:
        flags[obligation] = _flag(values, header, obligation)
        for column in (*CONDITION_COLUMNS[obligation], *(
                [SUMMARY_COLUMNS[obligation]] if obligation in SUMMARY_COLUMNS else [])):
            flags[column] = _flag(values, header, column)
    threats = []
    for column in THREAT_COLUMNS:
        code = _whole(values, header, column)
        if code in (None, 0):
            continue
        if code not in cow_states():
            raise _RowError(f"{column} = {code} is not a Correlates of War state code")
        threats.append(code)
    specific = _whole(values, header, "specthrt")
    if specific is not None and specific < 0:
        raise _RowError(f"specthrt = {specific} is negative")
    return MemberRow(line, atopid, member, phase or 1, entry, exit_, flags,
                     tuple(dict.fromkeys(threats)), specific)


def _alliance_row(line: int, values: list[str], header: Header) -> AllianceRow:
    atopid = _atopid(values, header)
    begin = _date(values, header, "begyr", "begmo", "begday", open_ended=False)
    assert begin is not None
    end = _date(values, header, "endyr", "endmo", "endday", open_ended=True)
    if end is not None and end.date <= begin.date:
        raise _RowError(f"the alliance ends ({end.date}) on or before it begins ({begin.date})")
    return AllianceRow(line, atopid, begin, end)
