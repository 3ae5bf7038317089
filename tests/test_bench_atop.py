"""Smoke run of ``benchmarks/bench_atop.py``: the script runs end to end on a small
synthetic ATOP file and its paths agree (never a time)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from tests.benchmark_scripts import benchmark_module
from treaties.atop_csv import read_member_file
from treaties.states import cow_states


def test_benchmark_quick_run(capsys: pytest.CaptureFixture[str]) -> None:
    """``--quick`` imports every synthetic row, and ``compare_atop``, the plain loop of
    ``analyze`` and the CLI's ``compare --atop`` give the same verdicts on the same rows."""
    with benchmark_module("bench_atop") as module:
        report = module.main(["--quick"])
    out = capsys.readouterr().out
    assert "csv.DictReader" in out and "compare_atop" in out and "the same verdicts" in out
    assert report["imported"] == report["rows"] == module.QUICK_ROWS
    assert report["alliances"] == report["shape"].alliances
    assert report["same"] and report["same_cli"]
    assert report["compare_rows"] == report["cli_rows"] > 0
    assert report["rows_per_scenario"]["synthetic-norway-1990"] > 0


def test_synthetic_files_are_deterministic_and_atop_shaped(tmp_path: Path) -> None:
    """The same seed writes the same files, in ATOP 5.1's layout, with real COW codes."""
    with benchmark_module("bench_atop") as module:
        first = module.synthetic_atop(60, 7, tmp_path)
        (tmp_path / "again").mkdir()
        second = module.synthetic_atop(60, 7, tmp_path / "again")
    assert first[0].read_bytes() == second[0].read_bytes()
    assert first[1].read_bytes() == second[1].read_bytes()
    with first[0].open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 60 and "phase" in rows[0] and "defcoadv" in rows[0]
    assert {int(r["member"]) for r in rows} <= {s.code for s in cow_states().spells}
    read = read_member_file(first[0])
    assert not read.rejected and not read.header.unknown


def test_write_csv_writes_the_synthetic_files_and_stops(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``--write-csv DIR`` writes the files ``synthetic_atop`` writes for the same rows and seed,
    says they are synthetic, runs nothing else, and never replaces existing files."""
    target = tmp_path / "out"
    with benchmark_module("bench_atop") as module:
        report = module.main(["--write-csv", str(target), "--rows", "40", "--seed", "7"])
        (tmp_path / "direct").mkdir()
        members, alliances, _ = module.synthetic_atop(40, 7, tmp_path / "direct")
        out = capsys.readouterr().out
        with pytest.raises(SystemExit) as refused:
            module.main(["--write-csv", str(target), "--rows", "40"])
    assert refused.value.code == 2
    assert "exists already" in capsys.readouterr().err
    assert sorted(p.name for p in target.iterdir()) == ["alliances.csv", "members.csv"]
    assert (target / "members.csv").read_bytes() == members.read_bytes()
    assert (target / "alliances.csv").read_bytes() == alliances.read_bytes()
    assert report["rows"] == 40 and report["shape"].rows == 40
    assert "not ATOP" in out and "csv.DictReader" not in out
