"""Speed of the ATOP path (``tiedhands atop import`` and ``tiedhands compare --atop``) on a
synthetic member file of ATOP's size, with the alternatives measured in the same run.

Run with ``.venv/bin/python benchmarks/bench_atop.py`` (2,400 member rows, about twenty
seconds) or ``--quick`` (120 rows, a few seconds).  Nothing here asserts a time: the machine
is shared and noisy, so the script prints seconds, rates and ratios; what it does assert is
that the results agree (every row imported, the same verdicts on every path).

* **Data.**  Written by :func:`synthetic_atop` from ``numpy.random.default_rng(seed)``, in
  ATOP 5.1's member-level layout (lower-case headers, a ``phase`` column, one row per
  member and phase) with a matching alliance-level file.  The shape is roughly ATOP's:
  about 750 alliances for 2,400 rows, mostly bilateral, some multilateral (up to 20
  members), some in 2-3 phases, begun 1815-2018 (some still in effect: ``yrexit`` 0),
  members drawn among the Correlates of War states of the day, obligation types and
  condition flags at plausible frequencies, named threats (``statthr1``/``statthr2``)
  sometimes, a few late joiners, early leavers, asymmetric obligations, blank condition
  flags and unknown entry months or days (0).  Every tenth alliance is US-led: the US (2)
  with, usually, Norway (385) and the UK (200), in force on 1 June 1990.
* **Scenarios.**  A synthetic one written as YAML (a Soviet armed attack on Norway on
  1 June 1990, the US and the UK analysed as Norway's allies) and the built-in
  ``baltic-armed-attack`` (2026, the US for Estonia: the alliances still in effect).
* **(a) Import.**  ``import_atop`` + ``write_treaties`` (one YAML file per alliance), next
  to the lower bound of reading both CSV files with ``csv.DictReader`` and nothing else.
* **(b) Load.**  ``load_imports`` of the written directory (parse and validate every file).
* **(c) Compare.**  ``compare_atop`` over the imports and the scenarios (``with_nash=False``,
  as ``compare --atop`` runs it), next to a plain loop calling ``analysis.verdicts.analyze``
  with ``with_nash=True`` (the default of ``tiedhands analyze``) on the same (treaty,
  scenario, ally) triples, both after one untimed ``compare_atop`` run (the warm-up).  The
  two give the same coverage, verdicts and thresholds.
* **(d) CLI.**  Wall clock of ``tiedhands atop import`` and ``tiedhands compare --atop
  --format csv`` in fresh processes, next to ``tiedhands --help`` (interpreter start and
  imports, the floor of any command).  The CSV has the rows of (c), with the same verdicts.

``--write-csv DIR`` runs none of this: it writes the two synthetic files (``DIR/members.csv``,
``DIR/alliances.csv``; ``--rows`` and ``--seed`` as above) and stops, so that the documentation
can show a reproducible run of the ``tiedhands atop`` commands on data in ATOP's layout.  The
files are synthetic, not ATOP; existing files are never replaced.

Reading the table: *ratio* is each step's time over the row marked 1× in its group, so
in (a) how far the import is above merely reading the CSV, in (c) what the plain loop
with Nash costs over ``compare_atop``, and in (d) how much of a command is more than the
interpreter's start-up.  The acceptance reading is the (d) rows: seconds, not minutes.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console
from rich.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis.atop_compare import AtopRow, compare_atop
from analysis.rules import builtin_rulebook
from analysis.verdicts import Analysis, analyze
from treaties.atop import import_atop, load_imports, write_treaties
from treaties.atop_csv import (
    CONDITION_COLUMNS,
    MEMBER_DATE_COLUMNS,
    OBLIGATION_COLUMNS,
    SUMMARY_COLUMNS,
    ObligationColumn,
)
from treaties.load import load_scenario
from treaties.scenario import Scenario
from treaties.states import cow_states

SEED = 20240501
FULL_ROWS = 2400
QUICK_ROWS = 120

FAMILIES: tuple[ObligationColumn, ...] = ("defense", "offense", "neutral", "consul")
"""The obligation types with condition flags (``nonagg`` has none)."""
FLAG_COLUMNS: dict[str, ObligationColumn] = {
    c: family for family in FAMILIES for c in (SUMMARY_COLUMNS[family], *CONDITION_COLUMNS[family])}
"""Summary and condition flag columns, each with its obligation type, in the codebook's order."""
MEMBER_COLUMNS: tuple[str, ...] = (
    "version", "atopid", "member", *MEMBER_DATE_COLUMNS, "phase", *OBLIGATION_COLUMNS,
    *FLAG_COLUMNS, "specthrt", "statthr1", "statthr2")
"""ATOP 5.1's member-level columns that the importer reads, in the codebook's order."""
ALLIANCE_COLUMNS: tuple[str, ...] = (
    "atopid", "cowid", "begyr", "begmo", "begday", "endyr", "endmo", "endday", "ineffect",
    "bilat", *OBLIGATION_COLUMNS, "active")

FIRST_DAY, LAST_DAY = dt.date(1815, 1, 1), dt.date(2018, 12, 31)
COW_FIRST, COW_LAST = dt.date(1816, 1, 1), dt.date(2016, 12, 31)
YEAR = dt.timedelta(days=365)

SCENARIO_DATE = dt.date(1990, 6, 1)
US, UK, NORWAY, USSR = 2, 200, 385, 365
US_LED_EVERY = 10
"""Alliances 3, 13, 23, ... (0-based) are US-led and in force at :data:`SCENARIO_DATE`."""

OBLIGATION_SHARES: dict[str, dict[ObligationColumn, float]] = {
    "general": {"defense": 0.55, "offense": 0.15, "neutral": 0.25, "nonagg": 0.40,
                "consul": 0.45},
    "us-led": {"defense": 0.90, "offense": 0.05, "neutral": 0.05, "nonagg": 0.20,
               "consul": 0.60},
}
"""Probability of each obligation type in an alliance phase."""
SUMMARY_SHARE = 0.45
"""Probability that an obligation present is conditional (``defcon`` etc. = 1)."""
CONDITION_SHARES: dict[str, float] = {
    "adversaries": 0.45, "location": 0.30, "conflict": 0.20, "adversary_count": 0.12,
    "demands": 0.08, "non_provocation": 0.15, "attacked": 0.40, "request": 0.10}
"""Probability of each condition flag, given that the family's summary flag is 1."""

SCENARIO_YAML = f"""\
id: synthetic-norway-1990
name: Synthetic Soviet armed attack on Norway, 1990
date: {SCENARIO_DATE.isoformat()}
hypothetical: true
description: "Written by benchmarks/bench_atop.py: a made-up crisis in which the synthetic \
US-led alliances are in force, with the US and the UK analysed as Norway's allies."
hostilities:
  - attacker: [{USSR}]
    target: [{NORWAY}]
    initiator: {USSR}
    object: territory
    theatre: europe
    administered_by: {NORWAY}
    severity: armed_attack
    date: {SCENARIO_DATE.isoformat()}
    summary: "Hypothetical: Soviet forces attack northern Norway."
alignments:
  - states: [{US}, {UK}, {NORWAY}]
    basis: "The synthetic US-led alliances of the benchmark."
allies:
  - ally: {US}
    for: [{NORWAY}]
  - ally: {UK}
    for: [{NORWAY}]
"""
BUILTIN_SCENARIO = "baltic-armed-attack"


# ----------------------------------------------------------------------------- synthetic data
@dataclass
class Shape:
    """What the synthetic files hold (printed, so that the data can be judged)."""

    rows: int = 0
    alliances: int = 0
    bilateral: int = 0
    largest: int = 0
    phased: int = 0
    open_ended: int = 0
    us_led: int = 0
    unknown_dates: int = 0
    named_threats: int = 0
    blank_flags: int = 0
    obligations: dict[str, int] = field(default_factory=dict)


def random_day(rng: np.random.Generator, start: dt.date, stop: dt.date) -> dt.date:
    """A day drawn uniformly in [start, stop]."""
    return start + dt.timedelta(days=int(rng.integers(0, (stop - start).days + 1)))


def alive_on(day: dt.date) -> list[int]:
    """COW codes of the states in the system on ``day`` (clamped to the list's span)."""
    on = min(max(day, COW_FIRST), COW_LAST)
    return sorted({s.code for s in cow_states().spells if s.start <= on <= s.end})


def draw_size(rng: np.random.Generator) -> int:
    """Members of an alliance: mostly two, sometimes a few, rarely up to 20."""
    kind = rng.random()
    if kind < 0.70:
        return 2
    if kind < 0.70 + 0.30 * 0.75:
        return int(rng.integers(3, 5))
    if kind < 0.70 + 0.30 * 0.93:
        return int(rng.integers(5, 9))
    return int(rng.integers(9, 21))


def draw_phases(rng: np.random.Generator) -> int:
    """Phases of an alliance: mostly one."""
    return int(rng.choice([1, 2, 3], p=[0.88, 0.09, 0.03]))


def draw_span(rng: np.random.Generator, us_led: bool) -> tuple[dt.date, dt.date | None]:
    """Begin and end (None: still in effect) of an alliance."""
    if us_led:
        begin = random_day(rng, dt.date(1946, 1, 1), dt.date(1989, 12, 31))
        end = None if rng.random() < 0.4 else random_day(rng, dt.date(1991, 1, 1), LAST_DAY)
        return begin, end
    first, last = ((1815, 1913), (1914, 1944), (1945, 2018))[
        int(rng.choice(3, p=[0.25, 0.20, 0.55]))]
    begin = random_day(rng, dt.date(first, 1, 1), dt.date(last, 12, 31))
    years = 1 + rng.exponential(15.0)
    end = begin + dt.timedelta(days=int(years * 365.25))
    return begin, (None if end > LAST_DAY else end)


def draw_obligations(rng: np.random.Generator, kind: str) -> dict[ObligationColumn, int]:
    """The obligation flags of one alliance phase (at least one set)."""
    flags = {o: int(rng.random() < share) for o, share in OBLIGATION_SHARES[kind].items()}
    if not any(flags.values()):
        flags["nonagg" if rng.random() < 0.5 else "consul"] = 1
    return flags


def draw_conditions(rng: np.random.Generator,
                    obligations: dict[ObligationColumn, int]) -> dict[str, int]:
    """Summary and condition flags of every family (0 for an obligation absent)."""
    flags: dict[str, int] = {}
    for family in FAMILIES:
        conditional = obligations[family] == 1 and rng.random() < SUMMARY_SHARE
        flags[SUMMARY_COLUMNS[family]] = int(conditional)
        for column, meaning in CONDITION_COLUMNS[family].items():
            flags[column] = int(conditional and rng.random() < CONDITION_SHARES[meaning])
    return flags


def draw_threats(rng: np.random.Generator, flags: dict[str, int], members: Sequence[int],
                 candidates: Sequence[int], us_led: bool) -> tuple[int, int]:
    """``statthr1``, ``statthr2`` (0: none) when some family names its adversaries."""
    named = any(flags[c] for f in FAMILIES for c, m in CONDITION_COLUMNS[f].items()
                if m == "adversaries")
    if not named or rng.random() >= 0.6:
        return 0, 0
    others = [c for c in candidates if c not in members]
    first = USSR if us_led and rng.random() < 0.7 else int(rng.choice(others))
    second = int(rng.choice(others)) if rng.random() < 0.25 else 0
    return first, (0 if second == first else second)


def fit_size(members: int, phases: int, remaining: int) -> tuple[int, int]:
    """Members and phases shrunk so that ``remaining`` rows are never left at exactly one."""
    if members * phases > remaining:
        phases, members = 1, min(members, remaining)
    if remaining - members * phases == 1:
        if phases == 1:
            members += 1
        else:
            phases = 1
    return members, phases


def date_cells(day: dt.date | None) -> list[int]:
    """Year, month, day (0, 0, 0 for an open date)."""
    return [0, 0, 0] if day is None else [day.year, day.month, day.day]


def alliance_rows(rng: np.random.Generator, atopid: int, us_led: bool, remaining: int,
                  shape: Shape) -> tuple[list[list[Any]], list[Any]]:
    """The member rows and the alliance row of one synthetic alliance."""
    begin, end = draw_span(rng, us_led)
    members, phases = fit_size(draw_size(rng), draw_phases(rng), remaining)
    stop = end or LAST_DAY
    if (stop - begin).days < 2 * phases * 365:
        members, phases = fit_size(members, 1, remaining)
    candidates = alive_on(begin)
    chosen: list[int] = []
    if us_led:
        chosen = [US, *([NORWAY] if rng.random() < 0.8 else []),
                  *([UK] if rng.random() < 0.5 else [])][:members]
    pool = [c for c in candidates if c not in chosen]
    chosen += [int(c) for c in rng.choice(pool, size=members - len(chosen), replace=False)]
    cuts = sorted(random_day(rng, begin + YEAR, stop - YEAR) for _ in range(phases - 1))
    bounds = list(zip([begin, *cuts], [*cuts, end], strict=True))
    # a late joiner (enters during phase 1) and an early leaver (leaves during the last phase)
    late = int(rng.integers(1, members)) if members >= 4 and rng.random() < 0.2 else None
    early = int(rng.integers(1, members)) if members >= 4 and rng.random() < 0.1 else None
    if us_led and early is not None:  # keep the US-led alliances' members in force in 1990
        early = None
    first_end = bounds[0][1] or stop
    last_start = bounds[-1][0]
    kind = "us-led" if us_led else "general"
    rows: list[list[Any]] = []
    flags_seen: dict[ObligationColumn, int] = dict.fromkeys(OBLIGATION_COLUMNS, 0)
    for phase, (start, finish) in enumerate(bounds, start=1):
        obligations = draw_obligations(rng, kind)
        conditions = draw_conditions(rng, obligations)
        threats = draw_threats(rng, conditions, chosen, candidates, us_led)
        asymmetric = (int(rng.integers(1, members))
                      if obligations["defense"] and rng.random() < 0.08 else None)
        for k, member in enumerate(chosen):
            entry, exit_ = start, finish
            if k == late and phase == 1 and (first_end - start).days > 60:
                entry = random_day(rng, start + dt.timedelta(days=30),
                                   first_end - dt.timedelta(days=30))
            if (k == early and phase == len(bounds) and end is not None
                    and (end - max(last_start, entry)).days > 60):
                exit_ = random_day(rng, max(last_start, entry) + dt.timedelta(days=30),
                                   end - dt.timedelta(days=30))
            own = dict(obligations)
            if k == asymmetric:
                own["defense"] = 0
                if not any(own.values()):
                    own["consul"] = 1
            for o in OBLIGATION_COLUMNS:
                flags_seen[o] |= own[o]
            cells = date_cells(entry)
            if phase == 1 and rng.random() < 0.02:  # ATOP's unknown month or day
                cells[1:] = [0, 0] if rng.random() < 0.5 else [cells[1], 0]
                shape.unknown_dates += 1
            flag_cells: dict[str, Any] = {c: conditions[c] if own[f] else 0
                                          for c, f in FLAG_COLUMNS.items()}
            present = [c for f in FAMILIES if own[f] for c in CONDITION_COLUMNS[f]]
            if present and rng.random() < 0.01:  # a blank condition flag
                flag_cells[str(rng.choice(present))] = ""
                shape.blank_flags += 1
            rows.append(["5.1", atopid, member, *cells, *date_cells(exit_), phase,
                         *(own[o] for o in OBLIGATION_COLUMNS),
                         *(flag_cells[c] for c in FLAG_COLUMNS),
                         int(threats[0] != 0), threats[0] or "", threats[1] or ""])
            shape.named_threats += threats[0] != 0
    for o in OBLIGATION_COLUMNS:
        shape.obligations[o] = shape.obligations.get(o, 0) + flags_seen[o]
    shape.alliances += 1
    shape.bilateral += members == 2
    shape.largest = max(shape.largest, members)
    shape.phased += phases > 1
    shape.open_ended += end is None
    shape.us_led += us_led
    alliance = [atopid, "", *date_cells(begin), *date_cells(end), int(end is None),
                int(members == 2), *(flags_seen[o] for o in OBLIGATION_COLUMNS),
                int(flags_seen["defense"] or flags_seen["offense"])]
    return rows, alliance


def synthetic_atop(rows: int, seed: int, directory: Path) -> tuple[Path, Path, Shape]:
    """Write ``members.csv`` (exactly ``rows`` data rows) and ``alliances.csv``."""
    if rows < 2:
        raise ValueError("at least two member rows are needed")
    rng = np.random.default_rng(seed)
    shape = Shape()
    member_rows: list[list[Any]] = []
    alliance_rows_: list[list[Any]] = []
    while len(member_rows) < rows:
        index = len(alliance_rows_)
        found, alliance = alliance_rows(rng, 1001 + 5 * index, index % US_LED_EVERY == 3,
                                        rows - len(member_rows), shape)
        member_rows += found
        alliance_rows_.append(alliance)
    shape.rows = len(member_rows)
    assert all(len(row) == len(MEMBER_COLUMNS) for row in member_rows)
    members_path, alliances_path = directory / "members.csv", directory / "alliances.csv"
    for path, header, body in ((members_path, MEMBER_COLUMNS, member_rows),
                               (alliances_path, ALLIANCE_COLUMNS, alliance_rows_)):
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(header)
            writer.writerows(body)
    return members_path, alliances_path, shape


def describe(shape: Shape, seed: int) -> str:
    """What the synthetic files hold, in one paragraph."""
    return (f"Synthetic ATOP 5.1 files (seed {seed}): {shape.rows:,} member rows, "
            f"{shape.alliances:,} alliances ({shape.bilateral:,} bilateral, largest "
            f"{shape.largest} members, {shape.phased} in 2-3 phases, {shape.open_ended} still "
            f"in effect, {shape.us_led} US-led); alliances with each obligation: "
            + ", ".join(f"{o} {n}" for o, n in shape.obligations.items())
            + f"; {shape.named_threats} rows naming a threat, {shape.unknown_dates} with an "
              f"unknown entry month or day, {shape.blank_flags} with a blank condition flag.")


def write_csv(directory: Path, rows: int, seed: int, console: Console) -> dict[str, Any]:
    """``--write-csv DIR``: the synthetic files in ``directory`` (never over existing files)."""
    existing = [directory / name for name in ("members.csv", "alliances.csv")
                if (directory / name).exists()]
    if existing:
        raise FileExistsError(f"{existing[0]} exists already; choose a new directory")
    directory.mkdir(parents=True, exist_ok=True)
    members_csv, alliances_csv, shape = synthetic_atop(rows, seed, directory)
    console.print(describe(shape, seed), soft_wrap=True)
    console.print(f"Wrote {members_csv} and {alliances_csv}: synthetic data in ATOP's layout, "
                  f"not ATOP.", soft_wrap=True)
    return {"rows": rows, "shape": shape, "members": members_csv, "alliances": alliances_csv}


# ----------------------------------------------------------------------------- measurements
def timed(function: Any, *args: Any, **kwargs: Any) -> tuple[float, Any]:
    """Seconds of one call, and its result."""
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - start, result


def read_only(*paths: Path) -> int:
    """The lower bound of an import: every row of the files read as dicts, nothing more."""
    count = 0
    for path in paths:
        with path.open(newline="", encoding="utf-8") as handle:
            count += sum(1 for _ in csv.DictReader(handle))
    return count


def verdict_key(analysis: Analysis) -> tuple[Any, ...]:
    """What must agree between the two compare paths and the CLI, per row."""
    return (analysis.scenario.id, analysis.treaty.atopid, analysis.ally,
            analysis.coverage.status, analysis.verdict,
            tuple(r.threshold for r in analysis.readings))


def cli(arguments: Sequence[str]) -> tuple[float, subprocess.CompletedProcess[str]]:
    """Wall clock of ``tiedhands ARGUMENTS`` in a fresh process (the venv's script)."""
    script = Path(sys.executable).with_name("tiedhands")
    command = [str(script)] if script.exists() else [
        sys.executable, "-c", "from analysis.cli import main; main()"]
    start = time.perf_counter()
    done = subprocess.run([*command, *arguments], capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"tiedhands {' '.join(arguments)} failed ({done.returncode}):\n"
                           f"{done.stderr}")
    return seconds, done


def cli_rows(text: str) -> list[tuple[str, int, int, str, str]]:
    """(scenario, atopid, ally, coverage, verdict) of each row of ``compare --atop`` CSV."""
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    return [(r["scenario"], int(r["atopid"]), int(r["ally"]), r["coverage"], r["verdict"])
            for r in csv.DictReader(lines)]


# ----------------------------------------------------------------------------- report
def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    """Run the benchmark and print its tables; return the numbers (for the smoke test)."""
    parser = argparse.ArgumentParser(description="ATOP import and compare benchmark (see the "
                                                 "module).")
    parser.add_argument("--quick", action="store_true",
                        help=f"smoke run: {QUICK_ROWS} member rows instead of {FULL_ROWS:,}")
    parser.add_argument("--rows", type=int, default=None, help="member rows (overrides --quick)")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--write-csv", type=Path, default=None, metavar="DIR",
                        help="only write the synthetic members.csv and alliances.csv to DIR "
                             "(ATOP 5.1's layout, not ATOP) and stop")
    args = parser.parse_args(argv)
    rows = args.rows or (QUICK_ROWS if args.quick else FULL_ROWS)
    console = Console(width=120)
    if args.write_csv is not None:
        try:
            return write_csv(args.write_csv, rows, args.seed, console)
        except (FileExistsError, NotADirectoryError, ValueError) as error:
            parser.error(str(error))
    rulebook = builtin_rulebook()

    with tempfile.TemporaryDirectory(prefix="bench-atop-") as temporary:
        work = Path(temporary)
        members_csv, alliances_csv, shape = synthetic_atop(rows, args.seed, work)
        scenario_path = work / "synthetic-norway-1990.yaml"
        scenario_path.write_text(SCENARIO_YAML, encoding="utf-8")
        scenarios: list[Scenario] = [load_scenario(str(scenario_path)),
                                     load_scenario(BUILTIN_SCENARIO)]
        console.print(describe(shape, args.seed))

        # (a) import + write, against reading the CSV files only
        read_seconds, read_rows = timed(read_only, members_csv, alliances_csv)
        import_seconds, result = timed(import_atop, members_csv, alliances_csv)
        imports_dir = work / "imports"
        write_seconds, written = timed(write_treaties, result.treaties, imports_dir)
        imported = result.rows_read - len(result.rows_rejected) - result.rows_in_skipped
        assert result.rows_read == rows and imported == rows, (
            f"{len(result.rows_rejected)} rejected, {result.rows_in_skipped} in skipped: "
            f"{result.rows_rejected[:3]} {result.skipped[:3]}")
        assert len(written) == shape.alliances == len(result.treaties)

        # (b) load the written directory
        load_seconds, imports = timed(load_imports, imports_dir)
        assert len(imports) == len(result.treaties)

        # (c) compare_atop, against a plain loop of analyze(with_nash=True)
        # warm-up, untimed: the rulebook, the gazetteer, lazily imported solvers
        warm = compare_atop(imports, scenarios, rulebook=rulebook)
        assert warm, "no alliance in force for the scenarios' allies"
        analyze(warm[0].treaty, warm[0].scenario, warm[0].analysis.ally, rulebook=rulebook)
        compare_seconds, compared = timed(compare_atop, imports, scenarios, rulebook=rulebook)
        atop_rows: list[AtopRow] = compared
        start = time.perf_counter()
        looped = [analyze(r.treaty, r.scenario, r.analysis.ally, rulebook=rulebook,
                          with_nash=True) for r in atop_rows]
        loop_seconds = time.perf_counter() - start
        compare_keys = [verdict_key(r.analysis) for r in atop_rows]
        same = compare_keys == [verdict_key(a) for a in looped]

        # (d) the CLI, end to end
        help_seconds, _ = cli(["--help"])
        cli_import_seconds, _ = cli(["atop", "import", str(members_csv), "--alliances",
                                     str(alliances_csv), "-o", str(work / "cli-imports")])
        cli_compare_seconds, done = cli(["compare", "--atop", str(work / "cli-imports"),
                                         "--scenario", str(scenario_path),
                                         "--scenario", BUILTIN_SCENARIO, "--format", "csv"])
        from_cli = cli_rows(done.stdout)
        same_cli = from_cli == [key[:5] for key in compare_keys]

    per_row = {r.scenario.id: 0 for r in atop_rows}
    for r in atop_rows:
        per_row[r.scenario.id] += 1
    verdicts: dict[str, int] = {}
    for r in atop_rows:
        verdicts[r.analysis.verdict] = verdicts.get(r.analysis.verdict, 0) + 1

    table = Table(title=f"ATOP path on {rows:,} member rows, {len(imports):,} alliances, "
                        f"{len(scenarios)} scenarios → {len(atop_rows):,} compare rows")
    for column in ("step", "seconds", "rate", "ratio"):
        table.add_column(column, justify="left" if column == "step" else "right")
    table.add_row("(a) csv.DictReader of both files only (lower bound)", f"{read_seconds:.3f}",
                  f"{read_rows / read_seconds:,.0f} rows/s", "1×")
    table.add_row("(a) import_atop (parse, build, validate)", f"{import_seconds:.3f}",
                  f"{rows / import_seconds:,.0f} rows/s", f"{import_seconds / read_seconds:,.0f}×")
    table.add_row("(a) write_treaties (YAML, atomic writes)", f"{write_seconds:.3f}",
                  f"{len(written) / write_seconds:,.0f} files/s", "")
    both = import_seconds + write_seconds
    table.add_row("(a) import_atop + write_treaties", f"{both:.3f}",
                  f"{rows / both:,.0f} rows/s", f"{both / read_seconds:,.0f}×")
    table.add_row("(b) load_imports (parse + validate every file)", f"{load_seconds:.3f}",
                  f"{len(imports) / load_seconds:,.0f} files/s", "")
    table.add_row("(c) compare_atop (with_nash=False)", f"{compare_seconds:.3f}",
                  f"{compare_seconds / len(atop_rows) * 1e3:.2f} ms/row", "1×")
    table.add_row("(c) plain loop of analyze(with_nash=True)", f"{loop_seconds:.3f}",
                  f"{loop_seconds / len(atop_rows) * 1e3:.2f} ms/row",
                  f"{loop_seconds / compare_seconds:.2f}×")
    table.add_row("(d) tiedhands --help (start-up floor)", f"{help_seconds:.2f}", "", "1×")
    table.add_row("(d) tiedhands atop import", f"{cli_import_seconds:.2f}",
                  f"{rows / cli_import_seconds:,.0f} rows/s",
                  f"{cli_import_seconds / help_seconds:.1f}×")
    table.add_row("(d) tiedhands compare --atop --format csv", f"{cli_compare_seconds:.2f}",
                  f"{len(from_cli):,} rows", f"{cli_compare_seconds / help_seconds:.1f}×")
    console.print(table)
    console.print("Rows per scenario: " + ", ".join(f"{s} {n}" for s, n in per_row.items())
                  + "; verdicts: " + ", ".join(f"{v} {n}" for v, n in sorted(verdicts.items())))
    console.print(f"compare_atop and the analyze loop: "
                  f"{'the same verdicts' if same else 'DIFFERENT verdicts'} on "
                  f"{len(atop_rows):,} rows; the CLI's CSV: "
                  f"{'the same rows and verdicts' if same_cli else 'DIFFERENT'}.")
    assert same, "compare_atop and the analyze loop disagree"
    assert same_cli, "the CLI's compare --atop disagrees with compare_atop"
    return {"rows": rows, "shape": shape, "imported": imported, "alliances": len(imports),
            "compare_rows": len(atop_rows), "cli_rows": len(from_cli), "same": same,
            "same_cli": same_cli, "rows_per_scenario": per_row, "verdicts": verdicts,
            "seconds": {"read": read_seconds, "import": import_seconds, "write": write_seconds,
                        "load": load_seconds, "compare": compare_seconds, "loop": loop_seconds,
                        "cli_help": help_seconds, "cli_import": cli_import_seconds,
                        "cli_compare": cli_compare_seconds}}


if __name__ == "__main__":
    main()
