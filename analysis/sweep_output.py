"""Sweep output: one row per point and reading (Parquet or CSV), and the summary report.

Rows are written chunk by chunk through pyarrow into a temporary file that is
moved into place at the end (:func:`games.io.files.atomic_output`), so memory
stays bounded and a reader never sees half a file.  Row order is point-major
(point 0's readings, then point 1's, ...), whatever the chunk size.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Any

import numpy as np

from analysis.analysis_reports import VERDICT_CODES
from analysis.batch_verdicts import ReadingPlan
from analysis.parameters import PARAMETERS
from analysis.provenance import Provenance
from analysis.report import Report, Section
from analysis.rules import ACTIONS
from analysis.sweep import ChunkResult, Totals
from analysis.verdicts import VERDICTS
from games.errors import InputError
from games.io.files import atomic_output

PARQUET_ABOVE = 10**6
"""Rows above which an output without a known suffix is written as Parquet."""

ROW_COLUMNS = ("point", "treaty", "ally", "reading", "verdict", "ally_without", "ally_with",
               "challenge_without", "challenge_with", "deters", "ties", "threshold",
               *(p.name for p in PARAMETERS))
"""The columns of the rows file (``threshold`` is a*, empty for fixed verdicts)."""


class RowsFormat(StrEnum):
    """File formats of the rows written by ``sweep -o``."""

    parquet = "parquet"
    csv = "csv"


ROWS_SUFFIXES = {".parquet": RowsFormat.parquet, ".pq": RowsFormat.parquet,
                 ".csv": RowsFormat.csv}


def rows_format(path: Path, rows: int) -> tuple[RowsFormat, str | None]:
    """The format of ``path`` from its suffix; without any suffix, Parquet above 10⁶ rows.

    Returns the format and, when it was not given by the suffix, a note saying so.

    Raises
    ------
    InputError
        For a suffix other than ``.parquet``, ``.pq`` or ``.csv``.
    """
    suffix = path.suffix.lower()
    if suffix in ROWS_SUFFIXES:
        return ROWS_SUFFIXES[suffix], None
    if suffix:
        raise InputError(f"cannot write rows to a {suffix} file", source=str(path),
                         field="--output",
                         expected="a name ending in .parquet or .csv (or no suffix: Parquet "
                                  "above 10⁶ rows, CSV below)")
    chosen = RowsFormat.parquet if rows > PARQUET_ABOVE else RowsFormat.csv
    return chosen, f"{path}: no suffix; writing {chosen.value} ({rows:,} rows)"


def chunk_table(plans: Sequence[ReadingPlan], result: ChunkResult) -> Any:
    """One chunk's rows as a pyarrow table (point-major)."""
    import pyarrow as pa

    points = result.points
    m, k = len(points.index), len(plans)
    plan_of_row = np.tile(np.arange(k, dtype=np.int32), m)

    def per_plan(name: str) -> np.ndarray[Any, Any]:
        stacked = np.stack([getattr(v, name) for v in result.verdicts])
        return np.ascontiguousarray(stacked.T).ravel()

    def plays(attribute: str, field: str) -> np.ndarray[Any, Any]:
        stacked = np.stack([getattr(getattr(v, attribute), field) for v in result.verdicts])
        return np.ascontiguousarray(stacked.T).ravel()

    def categories(codes: np.ndarray[Any, Any], names: Sequence[str]) -> Any:
        return pa.DictionaryArray.from_arrays(pa.array(codes.astype(np.int32)),
                                              pa.array(list(names)))

    threshold = per_plan("threshold")
    allies = np.array([-1 if p.ally is None else p.ally for p in plans], dtype=np.int64)
    columns: dict[str, Any] = {
        "point": pa.array(np.repeat(points.index, k)),
        "treaty": categories(plan_of_row, [p.treaty for p in plans]),
        "ally": pa.array(allies[plan_of_row], mask=allies[plan_of_row] < 0),
        "reading": categories(plan_of_row, [p.reading for p in plans]),
        "verdict": categories(per_plan("verdict"), VERDICTS),
        "ally_without": categories(plays("without", "ally"), ACTIONS),
        "ally_with": categories(plays("with_cost", "ally"), ACTIONS),
        "challenge_without": pa.array(plays("without", "challenge")),
        "challenge_with": pa.array(plays("with_cost", "challenge")),
        "deters": pa.array(per_plan("deters")),
        "ties": pa.array(per_plan("ties")),
        "threshold": pa.array(threshold, mask=np.isnan(threshold)),
    }
    for parameter in PARAMETERS:
        columns[parameter.name] = pa.array(np.repeat(points.values[parameter.name], k))
    return pa.table(columns)


@contextmanager
def row_writer(path: Path, output_format: RowsFormat, plans: Sequence[ReadingPlan], *,
               force: bool, header: Sequence[str] = ()) -> Iterator[Callable[[ChunkResult], None]]:
    """A sink writing each chunk's rows to ``path`` (moved into place when done).

    ``header`` lines (what was swept, the provenance) go into the Parquet
    file's metadata under ``tiedhands``, or first in a CSV file as ``# `` comments
    (read it with ``pandas.read_csv(path, comment="#")``).
    """
    import pyarrow.csv as pa_csv
    import pyarrow.parquet as pq

    with atomic_output(path, force=force) as temporary, open(temporary, "wb") as stream:
        writer: Any = None

        def write(result: ChunkResult) -> None:
            nonlocal writer
            if len(result.points.index) == 0:  # every point left out: no rows, no file yet
                return
            table = chunk_table(plans, result)
            if writer is None:
                if output_format is RowsFormat.parquet:
                    schema = table.schema.with_metadata({"tiedhands": "\n".join(header)})
                    writer = pq.ParquetWriter(stream, schema, compression="zstd")
                else:
                    stream.write("".join(f"# {line}\n" for line in header).encode())
                    writer = pa_csv.CSVWriter(stream, table.schema)
            writer.write_table(table.replace_schema_metadata(writer.schema.metadata)
                               if output_format is RowsFormat.parquet else table)

        try:
            yield write
        finally:
            if writer is not None:
                writer.close()
        if writer is None:
            raise InputError("no rows to write: every point was left out", source=str(path),
                             field="--output", expected="a sweep with at least one valid point")


def _share(count: int, total: int) -> str:
    return "—" if total == 0 else f"{100 * count / total:.1f}%"


def summary_report(plans: Sequence[ReadingPlan], totals: Totals, description: Sequence[str],
                   provenance: Provenance, monte_carlo: bool) -> Report:
    """Per reading: the share of points per verdict, deterred, challenged, tied, and a*."""
    n = totals.points
    rows = []
    records = []
    for k, plan in enumerate(plans):
        counts = totals.verdicts[k]
        shares = " · ".join(f"{VERDICT_CODES[v]} {_share(int(c), n)}"
                            for v, c in zip(VERDICTS, counts, strict=True) if c)
        low, high = totals.threshold_low[k], totals.threshold_high[k]
        threshold = "—" if not np.isfinite(low) else (
            f"{low:.3g}" if low == high else f"{low:.3g} – {high:.3g}")
        rows.append((plan.treaty, "—" if plan.ally is None else str(plan.ally), plan.reading,
                     shares, _share(int(totals.deters[k]), n),
                     _share(n - int(totals.challenged[k]), n),
                     "—" if plan.fixed is not None else _share(int(totals.ties[k]), n),
                     threshold))
        records.append({
            "treaty": plan.treaty, "ally": plan.ally, "reading": plan.reading,
            "verdicts": {v: int(c) for v, c in zip(VERDICTS, counts, strict=True) if c},
            "deters": int(totals.deters[k]), "no_challenge": n - int(totals.challenged[k]),
            "ties": int(totals.ties[k]),
            "threshold_min": float(low) if np.isfinite(low) else None,
            "threshold_max": float(high) if np.isfinite(high) else None})
    notes = []
    if monte_carlo and totals.attempted:
        blocks = len(totals.blocks)
        notes.append(f"Rejected and redrawn: {totals.rejected:,} of {totals.attempted:,} draws "
                     f"({_share(totals.rejected, totals.attempted)}) broke p_I ≤ p_L ≤ p_S "
                     f"or a parameter's domain (counted over the {blocks:,} whole "
                     f"block{'s' * (blocks != 1)} of 2¹⁶ points drawn).")
    if totals.left_out:
        notes.append(f"Left out: {totals.left_out:,} grid points break p_I ≤ p_L ≤ p_S.")
    if monte_carlo and n:
        notes.append(f"Monte Carlo standard error of a share p: √(p(1−p)/{n:,}), at most "
                     f"{50 / np.sqrt(n):.2g} percentage points.")
    columns = ("treaty", "ally", "reading", "verdicts (share of points)",
               "deters", "no challenge", "ties", "a*")
    section = Section(f"Sweep over {n:,} point{'s' * (n != 1)}", columns, tuple(rows),
                      tuple(notes))
    data = {"points": n, "left_out": totals.left_out, "attempted": totals.attempted,
            "rejected": totals.rejected, "sweep": list(description), "readings": records,
            "provenance": provenance.to_json()}
    summary = (*description, provenance.line())
    return Report((section,), data, summary)
