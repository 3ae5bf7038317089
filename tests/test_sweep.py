"""Sweeps (``analysis/sweep.py``, ``analysis/sweep_output.py``): chunking never matters.

Contract, from issue #7: a sweep's results do not depend on the chunk size or on where
the chunks run (locally or as Dask tasks); Monte Carlo point *i* depends only on the
seed and *i* (blocks of 2¹⁶); grid points that break p_I ≤ p_L ≤ p_S are left out and
counted; the totals are counts of the per-point verdicts; the rows file holds one row
per kept point and reading, point-major, written atomically.  The expected values are
an unchunked run, a direct :func:`~analysis.batch_verdicts.evaluate` of every point,
and counts derived from the grids by hand.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
import pytest

from analysis.batch_verdicts import GameCache, ReadingPlan, evaluate, plan_readings
from analysis.parameters import PARAMETERS, resolve
from analysis.rules import ACTIONS
from analysis.sampling import BLOCK_SIZE, Grid, parse_distribution, parse_grid
from analysis.sweep import (
    PLOT_LIMIT,
    ChunkResult,
    DrawPoints,
    GridPicture,
    GridPoints,
    Points,
    Totals,
    chunks,
    run_sweep,
    solve_chunk,
)
from analysis.sweep_output import (
    PARQUET_ABOVE,
    ROW_COLUMNS,
    RowsFormat,
    row_writer,
    rows_format,
)
from analysis.verdicts import VERDICTS
from games.errors import InputError
from treaties.load import builtin_treaties, load_scenario

SCENARIO = load_scenario("korea-dprk-attacked")
BASE = resolve(SCENARIO).values
PLANS = plan_readings(builtin_treaties(), SCENARIO, base=BASE)
PLAY_FIELDS = ("ally", "challenge", "ties")


def grid(*texts: str, **fixed: Fraction) -> GridPoints:
    return GridPoints(tuple(parse_grid(t) for t in texts), {**BASE, **fixed})


def draws(count: int, *texts: str, seed: int = 11) -> DrawPoints:
    return DrawPoints(dict(parse_distribution(t) for t in texts), BASE, seed, count)


SMALL_GRID = ("a=0:6:9", "p_I=0:1:6", "c_A=0:6:5")         # 270 points, 135 left out
LARGE_GRID = ("a=0:8:101", "c_A=0:8:101", "p_L=0:1:7")     # 71,407 points, across 2¹⁶
DISTRIBUTIONS = ("p_I=beta(2,5)", "c_A=lognormal(1,0.5)", "a=uniform(0,5)", "p_S=uniform(0.4,1)")


@dataclass
class Collected:
    """Every chunk's results, concatenated in the order the sinks saw them."""

    results: list[ChunkResult] = field(default_factory=list)

    def __call__(self, result: ChunkResult) -> None:
        self.results.append(result)

    @property
    def index(self) -> npt.NDArray[np.int64]:
        return np.concatenate([r.points.index for r in self.results])

    def values(self, name: str) -> npt.NDArray[np.float64]:
        return np.concatenate([r.points.values[name] for r in self.results])

    def per_plan(self, k: int, name: str) -> npt.NDArray[Any]:
        parts = []
        for r in self.results:
            arrays = r.verdicts[k]
            if name in ("verdict", "threshold", "deters", "ties"):
                parts.append(getattr(arrays, name))
            else:
                play, attribute = name.split(".")
                parts.append(getattr(getattr(arrays, play), attribute))
        return np.concatenate(parts)


ARRAY_NAMES = ("verdict", "threshold", "deters", "ties",
               *(f"{play}.{a}" for play in ("without", "with_cost") for a in PLAY_FIELDS))


def sweep(points: Points, chunk_size: int, plans: Sequence[ReadingPlan] = PLANS,
          scheduler: str | None = None) -> tuple[Totals, Collected]:
    collected = Collected()
    done: list[int] = []
    totals = run_sweep(plans, points, chunk_size=chunk_size, sinks=[collected],
                       progress=done.append, scheduler=scheduler)
    assert sum(done) == points.size
    assert len(collected.results) == len(list(chunks(points.size, chunk_size)))
    return totals, collected


def assert_same_totals(first: Totals, second: Totals) -> None:
    assert first.plans == second.plans
    for name in ("verdicts", "deters", "challenged", "ties", "threshold_low",
                 "threshold_high"):
        assert np.array_equal(getattr(first, name), getattr(second, name)), name
    assert (first.points, first.left_out, first.blocks) == (
        second.points, second.left_out, second.blocks)
    assert (first.attempted, first.rejected) == (second.attempted, second.rejected)


def assert_same_points(first: Collected, second: Collected, plans: int = len(PLANS)) -> None:
    assert np.array_equal(first.index, second.index)
    for parameter in PARAMETERS:
        assert np.array_equal(first.values(parameter.name), second.values(parameter.name))
    for k in range(plans):
        for name in ARRAY_NAMES:
            assert np.array_equal(first.per_plan(k, name), second.per_plan(k, name),
                                  equal_nan=name == "threshold"), (k, name)


# ------------------------------------------------------------------------ chunking
def test_the_test_plans_mix_fixed_and_parametric_readings() -> None:
    assert sum(p.fixed is None for p in PLANS) == 2
    assert {p.delta for p in PLANS if p.fixed is None} == {Fraction(1), Fraction(1, 2)}
    assert any(p.ally is None for p in PLANS)


def test_grid_results_do_not_depend_on_the_chunk_size() -> None:
    points = grid(*SMALL_GRID)
    reference = sweep(points, points.size)
    assert reference[0].points == 135 and reference[0].left_out == 135
    for chunk_size in (1, 7, 1000, 65536, 2**18):
        totals, collected = sweep(points, chunk_size)
        assert_same_totals(reference[0], totals)
        assert_same_points(reference[1], collected)


def test_a_large_grid_across_block_boundaries_does_not_depend_on_the_chunk_size() -> None:
    points = grid(*LARGE_GRID)
    assert points.size == 101 * 101 * 7 > BLOCK_SIZE
    reference = sweep(points, points.size)
    for chunk_size in (1000, 65536, 2**18):
        totals, collected = sweep(points, chunk_size)
        assert_same_totals(reference[0], totals)
        assert_same_points(reference[1], collected)
    # p_L = 0, 1/6, ..., 1 with p_I = 3/10 and p_S = 4/5: 0, 1/6 and 5/6, 1 are out of order.
    assert reference[0].left_out == 101 * 101 * 4


def test_monte_carlo_results_do_not_depend_on_the_chunk_size() -> None:
    small = draws(150, *DISTRIBUTIONS)
    reference = sweep(small, small.size)
    for chunk_size in (1, 7, 1000, 65536, 2**18):
        totals, collected = sweep(small, chunk_size)
        assert_same_totals(reference[0], totals)
        assert_same_points(reference[1], collected)


def test_two_hundred_thousand_draws_across_blocks_do_not_depend_on_the_chunk_size() -> None:
    points = draws(200_000, *DISTRIBUTIONS)
    reference = sweep(points, points.size)
    assert set(reference[0].blocks) == {0, 1, 2, 3}
    # Blocks are drawn whole: four blocks of 2¹⁶ kept points, plus the rejected ones.
    assert reference[0].attempted - reference[0].rejected == 4 * BLOCK_SIZE
    assert reference[0].rejected > 0
    for chunk_size in (1000, 50_000, 65536, 2**18):
        totals, collected = sweep(points, chunk_size)
        assert_same_totals(reference[0], totals)
        assert_same_points(reference[1], collected)
    # A range across the first block boundary is the slice of the whole.
    piece = points.chunk(BLOCK_SIZE - 5, BLOCK_SIZE + 7)
    assert piece.index.tolist() == list(range(BLOCK_SIZE - 5, BLOCK_SIZE + 7))
    for name in points.varying:
        assert np.array_equal(piece.values[name],
                              reference[1].values(name)[BLOCK_SIZE - 5:BLOCK_SIZE + 7])


def test_draws_depend_on_the_seed_and_are_valid() -> None:
    first = draws(5000, *DISTRIBUTIONS, seed=1).chunk(0, 5000)
    again = draws(5000, *DISTRIBUTIONS, seed=1).chunk(0, 5000)
    other = draws(5000, *DISTRIBUTIONS, seed=2).chunk(0, 5000)
    assert np.array_equal(first.values["p_I"], again.values["p_I"])
    assert not np.array_equal(first.values["p_I"], other.values["p_I"])
    values = first.values
    assert ((values["p_I"] <= values["p_L"]) & (values["p_L"] <= values["p_S"])).all()
    assert (values["c_A"] > 0).all() and (values["a"] >= 0).all()
    assert (values["v_C"] == float(BASE["v_C"])).all()  # not drawn: the fixed value
    assert first.blocks == {0: first.blocks[0]} and first.blocks[0][1] > 0


# ------------------------------------------------------------------------ left out
def test_grid_points_out_of_order_are_left_out_and_counted() -> None:
    points = grid("p_I=0:1:11")  # p_L = 1/2 and p_S = 4/5 from the defaults
    values = parse_grid("p_I=0:1:11").values()
    expected = int(np.count_nonzero(values > 0.5))
    assert expected == 5  # 0.6, 0.7, 0.8, 0.9, 1
    chunk = points.chunk(0, points.size)
    assert chunk.left_out == expected
    assert chunk.index.tolist() == [0, 1, 2, 3, 4, 5]
    assert np.array_equal(chunk.values["p_I"], values[:6])
    for chunk_size in (1, 4, 11):
        totals, collected = sweep(points, chunk_size)
        assert (totals.points, totals.left_out) == (6, 5)
        assert collected.index.tolist() == [0, 1, 2, 3, 4, 5]
        assert (totals.attempted, totals.rejected) == (0, 0)
    # Two probabilities swept, p_I in {0, 1/4, ..., 1} and p_L in {0, 1/5, ..., 4/5} (all
    # ≤ p_S = 4/5): p_I ≤ p_L holds for 5 + 3 + 2 + 1 + 0 = 11 of the 25 pairs.
    both = grid("p_I=0:1:5", "p_L=0:0.8:5")
    kept = [(i, j) for i in np.linspace(0, 1, 5) for j in np.linspace(0, 0.8, 5) if i <= j]
    assert len(kept) == 11
    assert sweep(both, 3)[0].left_out == 14


def test_a_grid_index_is_c_order_with_the_last_grid_fastest() -> None:
    points = grid("a=0:2:3", "c_A=1:4:4")
    chunk = points.chunk(0, points.size)
    assert chunk.values["a"].tolist() == [0.0] * 4 + [1.0] * 4 + [2.0] * 4
    assert chunk.values["c_A"].tolist() == [1.0, 2.0, 3.0, 4.0] * 3
    assert (chunk.values["v_A"] == 4.0).all()


def test_a_parameter_swept_twice_is_refused() -> None:
    with pytest.raises(InputError, match="a is swept twice"):
        grid("a=0:1:3", "a=0:2:3")


def test_chunks_cover_the_range_and_refuse_an_empty_chunk() -> None:
    assert list(chunks(10, 3)) == [(0, 3), (3, 6), (6, 9), (9, 10)]
    assert list(chunks(10, 10)) == [(0, 10)]
    assert list(chunks(0, 5)) == []
    with pytest.raises(InputError, match="chunk size 0"):
        list(chunks(10, 0))


# ------------------------------------------------------------------------ totals
@pytest.mark.parametrize("points", [grid(*SMALL_GRID), draws(3000, *DISTRIBUTIONS)],
                         ids=["grid", "draws"])
def test_totals_are_counts_of_a_direct_evaluation(points: Points) -> None:
    totals, _ = sweep(points, 777)
    everything = points.chunk(0, points.size)
    games = GameCache()
    assert totals.points == len(everything.index)
    assert totals.left_out == everything.left_out
    for k, plan in enumerate(PLANS):
        arrays = evaluate(plan, everything.values, games)
        assert np.array_equal(totals.verdicts[k], np.bincount(arrays.verdict,
                                                              minlength=len(VERDICTS)))
        assert totals.verdicts[k].sum() == totals.points
        assert totals.deters[k] == np.count_nonzero(arrays.deters)
        assert totals.challenged[k] == np.count_nonzero(arrays.with_cost.challenge)
        assert totals.ties[k] == np.count_nonzero(arrays.ties)
        finite = arrays.threshold[np.isfinite(arrays.threshold)]
        if plan.fixed is None:
            assert totals.threshold_low[k] == finite.min()
            assert totals.threshold_high[k] == finite.max()
        else:
            assert finite.size == 0
            assert (totals.threshold_low[k], totals.threshold_high[k]) == (np.inf, -np.inf)
    assert totals.verdicts[:, VERDICTS.index("binding")].sum() > 0
    assert totals.verdicts[:, VERDICTS.index("insufficient")].sum() > 0


def test_solve_chunk_solves_each_distinct_game_once() -> None:
    result = solve_chunk(PLANS, grid("a=0:4:5"), 0, 5)
    same = [k for k, p in enumerate(PLANS) if p.fixed == "not_applicable"]
    assert len(same) > 1 and all(result.verdicts[k] is result.verdicts[same[0]] for k in same)
    assert len({id(v) for v in result.verdicts}) == len(
        {(p.short, p.delta, p.fixed) for p in PLANS})


# ------------------------------------------------------------------------ rows
def write_rows(path: Path, points: Points, chunk_size: int, output_format: RowsFormat, *,
               force: bool = False, scheduler: str | None = None) -> Totals:
    with row_writer(path, output_format, PLANS, force=force) as write:
        return run_sweep(PLANS, points, chunk_size=chunk_size, sinks=[write],
                         scheduler=scheduler)


ROWS_GRID = ("a=0:4:41", "c_A=0:6:31", "p_I=0:0.6:2")  # 2,542 points, 1,271 kept


def test_parquet_rows_do_not_depend_on_the_chunk_size(tmp_path: Path) -> None:
    points = grid(*ROWS_GRID)
    first, second = tmp_path / "a.parquet", tmp_path / "b.parquet"
    totals = write_rows(first, points, 1000, RowsFormat.parquet)
    write_rows(second, points, 65536, RowsFormat.parquet)
    table = pq.read_table(first)
    assert table.equals(pq.read_table(second))
    assert table.column_names == list(ROW_COLUMNS)
    k = len(PLANS)
    assert table.num_rows == totals.points * k == 1271 * k
    # Point-major: each kept point's readings, in the plans' order.
    _, collected = sweep(points, 65536)
    data = table.to_pydict()
    assert data["point"] == np.repeat(collected.index, k).tolist()
    assert data["treaty"] == [p.treaty for p in PLANS] * totals.points
    assert data["reading"] == [p.reading for p in PLANS] * totals.points
    assert data["ally"] == [p.ally for p in PLANS] * totals.points  # None when no listed ally
    for j, plan in enumerate(PLANS):
        rows = slice(j, None, k)
        threshold = data["threshold"][rows]
        if plan.fixed is None:
            assert threshold == collected.per_plan(j, "threshold").tolist()
        else:
            assert threshold == [None] * totals.points
        assert data["verdict"][rows] == [VERDICTS[v] for v in collected.per_plan(j, "verdict")]
        assert data["ally_with"][rows] == [ACTIONS[v] for v in
                                           collected.per_plan(j, "with_cost.ally")]
        assert data["challenge_without"][rows] == collected.per_plan(
            j, "without.challenge").tolist()
        assert data["deters"][rows] == collected.per_plan(j, "deters").tolist()
        assert data["ties"][rows] == collected.per_plan(j, "ties").tolist()
    for parameter in PARAMETERS:
        assert data[parameter.name][::k] == collected.values(parameter.name).tolist()


def test_csv_rows_are_byte_identical_whatever_the_chunk_size(tmp_path: Path) -> None:
    points = grid(*ROWS_GRID)
    first, second, parquet = tmp_path / "a.csv", tmp_path / "b.csv", tmp_path / "c.parquet"
    totals = write_rows(first, points, 1000, RowsFormat.csv)
    write_rows(second, points, 65536, RowsFormat.csv)
    write_rows(parquet, points, 65536, RowsFormat.parquet)
    assert first.read_bytes() == second.read_bytes()
    table = read_rows_csv(first)
    assert table.column_names == list(ROW_COLUMNS)
    assert table.num_rows == totals.points * len(PLANS)
    expected = pq.read_table(parquet).to_pydict()
    data = table.to_pydict()
    for name in ("point", "treaty", "ally", "reading", "verdict", "ally_without",
                 "challenge_with", "deters", "ties", "threshold", "p_I", "c_A", "a"):
        assert data[name] == expected[name], name
    assert None in data["ally"] and None in data["threshold"]


def test_the_rows_file_is_written_atomically_and_never_over_a_file(tmp_path: Path) -> None:
    points = grid("a=0:4:5")
    path = tmp_path / "rows.parquet"
    path.write_bytes(b"keep me")
    with pytest.raises(InputError, match="already exists; use --force"):
        write_rows(path, points, 2, RowsFormat.parquet)
    assert path.read_bytes() == b"keep me"
    write_rows(path, points, 2, RowsFormat.parquet, force=True)
    assert pq.read_table(path).num_rows == 5 * len(PLANS)
    # An error part way leaves neither the file nor a temporary file behind.
    fresh = tmp_path / "fresh.csv"

    def broken(result: ChunkResult) -> None:
        if result.points.index[0] >= 2:
            raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError, match="interrupted"), \
            row_writer(fresh, RowsFormat.csv, PLANS, force=False) as write:
        run_sweep(PLANS, points, chunk_size=2, sinks=[write, broken])
    assert sorted(os.listdir(tmp_path)) == ["rows.parquet"]


def test_no_rows_file_when_every_point_is_left_out(tmp_path: Path) -> None:
    points = grid("p_I=0.9:1:3")  # p_L = 1/2: every point out of order
    path = tmp_path / "rows.csv"
    with pytest.raises(InputError, match="no rows to write: every point was left out"):
        write_rows(path, points, 2, RowsFormat.csv)
    assert os.listdir(tmp_path) == []


def test_a_grid_with_empty_chunks_still_writes_every_kept_row(tmp_path: Path) -> None:
    points = grid("p_I=1:0:11")  # descending: the first 5 points are left out
    path = tmp_path / "rows.csv"
    totals = write_rows(path, points, 2, RowsFormat.csv)
    assert (totals.points, totals.left_out) == (6, 5)
    table = read_rows_csv(path)
    assert sorted(set(table.column("point").to_pylist())) == [5, 6, 7, 8, 9, 10]


@pytest.mark.parametrize(("name", "rows", "expected", "noted"), [
    ("rows.parquet", 10, RowsFormat.parquet, False),
    ("rows.PQ", 10, RowsFormat.parquet, False),
    ("rows.csv", 10**7, RowsFormat.csv, False),
    ("rows", PARQUET_ABOVE, RowsFormat.csv, True),
    ("rows", PARQUET_ABOVE + 1, RowsFormat.parquet, True),
])
def test_rows_format_from_the_suffix_or_the_size(name: str, rows: int, expected: RowsFormat,
                                                 noted: bool) -> None:
    chosen, note = rows_format(Path(name), rows)
    assert chosen is expected
    assert (note is not None) == noted
    if note is not None:
        assert f"writing {expected.value}" in note and f"{rows:,} rows" in note


@pytest.mark.parametrize("name", ["rows.out", "rows.json", "rows.txt"])
def test_rows_to_another_suffix_are_refused(name: str) -> None:
    with pytest.raises(InputError, match=f"cannot write rows to a {Path(name).suffix} file"):
        rows_format(Path(name), 10)


def read_rows_csv(path: Path) -> Any:
    """A rows CSV file as a pyarrow table, past its ``# `` header lines."""
    with open(path, encoding="utf-8") as stream:
        comments = sum(1 for line in stream if line.startswith("# "))
    return pa_csv.read_csv(path, read_options=pa_csv.ReadOptions(skip_rows=comments))


# ------------------------------------------------------------------------ pictures
def test_the_grid_picture_holds_every_grid_point(tmp_path: Path) -> None:
    grids = tuple(parse_grid(t) for t in ("p_I=0:1:6", "a=0:4:9"))
    points = GridPoints(grids, BASE)
    picture = GridPicture.empty(grids, range(len(PLANS)))
    run_sweep(PLANS, points, chunk_size=5, sinks=[picture.add])
    everything = points.chunk(0, points.size)
    kept = everything.index
    left = np.setdiff1d(np.arange(points.size), kept)
    assert len(left) == 3 * 9  # p_I = 0.6, 0.8, 1 against p_L = 1/2
    games = GameCache()
    for k, plan in enumerate(PLANS):
        arrays = evaluate(plan, everything.values, games)
        assert np.array_equal(picture.verdict[k, kept], arrays.verdict)
        assert (picture.verdict[k, left] == -1).all()
        assert np.array_equal(picture.threshold[k, kept], arrays.threshold, equal_nan=True)
        assert np.isnan(picture.threshold[k, left]).all()
    # Row-major over (p_I, a): the canonical reading binds once a ≥ a* at p_I = 0.3 ...
    china = next(k for k, p in enumerate(PLANS) if p.treaty == "china-dprk-1961")
    square = picture.verdict[china].reshape(6, 9)
    assert (square[3:] == -1).all()
    assert set(square[:3].ravel().tolist()) <= {VERDICTS.index(v) for v in (
        "irrelevant_credible_anyway", "binding", "insufficient")}


def test_a_grid_picture_too_large_to_keep_is_refused() -> None:
    grids = (Grid("a", 0.0, 1.0, PLOT_LIMIT // 4 + 1),)
    with pytest.raises(InputError, match="too many to plot"):
        GridPicture.empty(grids, range(4))
    assert GridPicture.empty((Grid("a", 0.0, 1.0, 11),), range(4)).verdict.shape == (4, 11)


# ------------------------------------------------------------------------ Dask
@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    """A threaded Dask cluster in this process, listening on 127.0.0.1 only."""
    import psutil  # type: ignore[import-untyped]
    from distributed import LocalCluster

    def listening() -> set[tuple[str, int]]:
        return {(c.laddr.ip, c.laddr.port) for c in psutil.Process().net_connections("inet")
                if c.status == psutil.CONN_LISTEN}

    before = listening()
    local = LocalCluster(processes=False, n_workers=1, threads_per_worker=2,
                         dashboard_address=None, protocol="tcp", host="127.0.0.1",
                         scheduler_kwargs={"dashboard_address": "127.0.0.1:0"}
                         )  # type: ignore[no-untyped-call]
    try:
        opened = listening() - before
        assert opened and {ip for ip, _ in opened} == {"127.0.0.1"}, opened
        assert local.scheduler_address.startswith("tcp://127.0.0.1:")
        yield local
    finally:
        local.close()
    assert listening() <= before


def test_dask_runs_the_same_chunks_with_identical_results(cluster: Any,
                                                          tmp_path: Path) -> None:
    address = cluster.scheduler_address
    for points, chunk_size in ((grid(*SMALL_GRID), 40), (draws(70_000, *DISTRIBUTIONS),
                                                         30_000)):
        local = sweep(points, chunk_size)
        remote = sweep(points, chunk_size, scheduler=address)
        assert_same_totals(local[0], remote[0])
        assert_same_points(local[1], remote[1])
    points = grid(*ROWS_GRID)
    write_rows(tmp_path / "local.parquet", points, 500, RowsFormat.parquet)
    write_rows(tmp_path / "dask.parquet", points, 500, RowsFormat.parquet, scheduler=address)
    assert pq.read_table(tmp_path / "local.parquet").equals(
        pq.read_table(tmp_path / "dask.parquet"))
