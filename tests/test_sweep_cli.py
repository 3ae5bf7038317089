"""``tiedhands sweep`` end to end (typer's CliRunner on ``analysis.cli.app``).

Contract, from issue #7 and the other commands' conventions: a grid sweep and a Monte
Carlo sweep report, per reading, the share of points per verdict (shares add up to
all points) and, for Monte Carlo, the rejected share; ``-o`` writes one row per point
and reading (format from the suffix, CSV without one below 10⁶ rows, with a note on
stderr); ``--plot`` writes PNG or reproducible SVG; no file is overwritten without
``--force``; bad input exits 2 with one line on stderr naming the culprit.  Expected
counts come from the canonical case (china-dprk-1961 in korea-dprk-attacked binds once
a ≥ a* = 6/5 at the defaults).
"""

from __future__ import annotations

import socket
import time
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow.parquet as pq
import pytest

from analysis.sweep_output import ROW_COLUMNS
from analysis.verdicts import VERDICTS
from tests.test_analysis_cli import Run, invoke
from tests.test_analysis_cli import assert_bad_input as assert_shared_bad_input
from tests.test_sweep import read_rows_csv

KOREA = ("--scenario", "korea-dprk-attacked")
TWO = (*KOREA, "--treaty", "china-dprk-1961,russia-dprk-2024,us-rok-1953")
CANONICAL = (*KOREA, "--treaty", "china-dprk-1961")
MONTE_CARLO = ("--draws", "4000", "--seed", "7", "--dist", "p_I=beta(2,5)",
               "--dist", "a=uniform(0,4)", "--dist", "p_S=uniform(0.5,1)")


def sweep(*args: str | Path) -> Run:
    return invoke("sweep", *args)


def assert_bad_input(run: Run, *fragments: str) -> str:
    """As in the analysis CLI tests, and the line starts with ``tiedhands: error:``."""
    line = assert_shared_bad_input(run, *fragments)
    assert line.startswith("tiedhands: error: ")
    return line


def reading(document: dict[str, Any], treaty: str) -> dict[str, Any]:
    found: dict[str, Any] = next(r for r in document["readings"] if r["treaty"] == treaty)
    return found


# ------------------------------------------------------------------------ summaries
def test_a_grid_sweep_reports_the_share_of_each_verdict() -> None:
    document = sweep(*CANONICAL, "--param", "a=0:4:21", "--format", "json").json()
    assert (document["points"], document["left_out"]) == (21, 0)
    assert (document["attempted"], document["rejected"]) == (0, 0)
    assert document["sweep"] == ["scenario: korea-dprk-attacked", "grid: a=0:4:21"]
    [china] = document["readings"]
    assert (china["treaty"], china["ally"], china["reading"]) == ("china-dprk-1961", 710, "text")
    # a = 0, 0.2, ..., 4: below a* = 6/5 the ally still gives limited aid; from 6/5 it binds
    # (at a = 6/5 exactly the ally is indifferent and the tie rule takes intervention).
    assert china["verdicts"] == {"binding": 15, "insufficient": 6}
    assert sum(china["verdicts"].values()) == document["points"]
    assert china["ties"] == 1
    assert china["threshold_min"] == pytest.approx(1.2, rel=1e-12)
    assert china["threshold_max"] == pytest.approx(1.2, rel=1e-12)
    assert document["provenance"]["parameter_sources"]["v_C"].startswith("illustrative")


def test_a_table_summary_names_the_grid_and_left_out_points() -> None:
    run = sweep(*CANONICAL, "--param", "p_I=0:1:11")
    assert run.code == 0, run.stderr
    assert "Sweep over 6 points" in run.stdout
    assert "Left out: 5 grid points break p_I ≤ p_L ≤ p_S." in run.stdout
    assert "grid: p_I=0:1:11" in run.stdout and "provenance: tiedhands" in run.stdout


def test_a_two_grid_sweep_with_fixed_values() -> None:
    document = sweep(*TWO, "--param", "a=0:6:13", "--param", "c_A=0:6:7", "--param",
                     "v_A=5", "--format", "json").json()
    assert document["points"] == 13 * 7
    assert document["sweep"][-1] == "fixed: v_A=5"
    assert document["provenance"]["parameter_sources"]["v_A"] == "--param"
    assert len(document["readings"]) == 3
    for record in document["readings"]:
        assert sum(record["verdicts"].values()) == document["points"]
        assert set(record["verdicts"]) <= set(VERDICTS)
    rok = reading(document, "us-rok-1953")
    assert rok["ally"] is None and rok["verdicts"] == {"not_applicable": 91}
    assert rok["threshold_min"] is None and rok["deters"] == 0


def test_a_monte_carlo_sweep_reports_shares_and_the_rejected_draws() -> None:
    document = sweep(*TWO, *MONTE_CARLO, "--format", "json").json()
    assert (document["points"], document["left_out"]) == (4000, 0)
    # One block of 2¹⁶ points is drawn whole; the rejected draws broke p_I ≤ p_L ≤ p_S.
    assert document["attempted"] - document["rejected"] == 2**16
    assert 0 < document["rejected"] < document["attempted"]
    assert document["sweep"][1] == ("Monte Carlo: 4,000 draws, seed 7, p_I ~ beta(2, 5), "
                                    "a ~ uniform(0, 4), p_S ~ uniform(0.5, 1)")
    for record in document["readings"]:
        assert sum(record["verdicts"].values()) == 4000
        assert 0 <= record["deters"] <= 4000 and 0 <= record["no_challenge"] <= 4000
    china = reading(document, "china-dprk-1961")
    assert {"binding", "insufficient"} <= set(china["verdicts"])
    assert 0 < china["threshold_min"] < china["threshold_max"]
    assert sweep(*TWO, *MONTE_CARLO, "--format", "json").json() == document  # the same seed
    other = sweep(*TWO, *MONTE_CARLO, "--seed", "8", "--format", "json").json()
    assert reading(other, "china-dprk-1961")["verdicts"] != china["verdicts"]


def test_the_monte_carlo_table_states_the_rejected_share_and_the_error() -> None:
    run = sweep(*CANONICAL, *MONTE_CARLO)
    assert run.code == 0, run.stderr
    text = " ".join(run.stdout.split())
    assert "Sweep over 4,000 points" in text
    assert "Rejected and redrawn:" in text and "broke p_I ≤ p_L ≤ p_S" in text
    assert "Monte Carlo standard error of a share p: √(p(1−p)/4,000)" in text


def test_results_do_not_depend_on_the_chunk_size() -> None:
    args = (*TWO, "--param", "a=0:4:41", "--param", "c_A=0:6:25", "--format", "json")
    document = sweep(*args).json()
    assert sweep(*args, "--chunk-size", "7").json() == document
    mc = sweep(*TWO, *MONTE_CARLO, "--format", "json").json()
    assert sweep(*TWO, *MONTE_CARLO, "--format", "json", "--chunk-size", "999").json() == mc


# ------------------------------------------------------------------------ rows
def test_rows_to_parquet_and_csv(tmp_path: Path) -> None:
    grid = ("--param", "a=0:4:21", "--param", "p_I=0:1:3")  # p_I = 1 is left out
    parquet, csv = tmp_path / "rows.parquet", tmp_path / "rows.csv"
    assert sweep(*TWO, *grid, "-o", parquet, "--format", "json").code == 0
    run = sweep(*TWO, *grid, "-o", csv, "--format", "json")
    assert run.code == 0 and run.stderr == ""
    table = pq.read_table(parquet)
    assert table.column_names == list(ROW_COLUMNS)
    header = table.schema.metadata[b"tiedhands"].decode().splitlines()
    assert header[:2] == ["scenario: korea-dprk-attacked", "grid: a=0:4:21 × p_I=0:1:3"]
    assert header[2].startswith("provenance: tiedhands ")
    assert table.num_rows == 21 * 2 * 3
    data = table.to_pydict()
    assert data["treaty"][:3] == ["china-dprk-1961", "russia-dprk-2024", "us-rok-1953"]
    assert data["ally"][:3] == [710, 365, None]
    # Point i is (a, p_I) = (i // 3, i % 3) in grid steps: p_I = 1 (i % 3 == 2) is left out.
    kept = [i for i in range(21 * 3) if i % 3 != 2]
    assert data["point"] == np.repeat(kept, 3).tolist()
    assert all(t is None for t in data["threshold"][2::3])
    assert all(t is not None and t >= 0 for t in data["threshold"][0::3])
    assert set(data["p_I"]) == {0.0, 0.5}
    from_csv = read_rows_csv(csv).to_pydict()
    for name in ("point", "treaty", "ally", "verdict", "threshold", "p_I", "a"):
        assert from_csv[name] == data[name], name


def test_rows_without_a_suffix_are_csv_with_a_note(tmp_path: Path) -> None:
    path = tmp_path / "rows"
    run = sweep(*CANONICAL, "--param", "a=0:4:5", "-o", path, "--format", "json")
    assert run.code == 0
    assert run.stderr.strip() == f"{path}: no suffix; writing csv (5 rows)"
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "# scenario: korea-dprk-attacked" and lines[1] == "# grid: a=0:4:5"
    assert lines[2].startswith("# provenance: tiedhands ")
    assert lines[3].startswith('"point","treaty","ally"')
    assert read_rows_csv(path).num_rows == 5


def test_no_file_is_overwritten_without_force(tmp_path: Path) -> None:
    path = tmp_path / "rows.csv"
    path.write_text("keep me", encoding="utf-8")
    args = (*CANONICAL, "--param", "a=0:4:5", "--format", "json")
    assert_bad_input(sweep(*args, "-o", path), str(path), "already exists",
                     "use --force to overwrite it")
    assert path.read_text(encoding="utf-8") == "keep me"
    assert sweep(*args, "-o", path, "--force").code == 0
    assert read_rows_csv(path).num_rows == 5
    plot = tmp_path / "plot.svg"
    plot.write_text("keep me", encoding="utf-8")
    assert_bad_input(sweep(*args, "--plot", plot), "--plot", "already exists")
    assert plot.read_text(encoding="utf-8") == "keep me"
    assert_bad_input(sweep(*args, "-o", plot, "--plot", plot, "--force"),
                     "the same file is named for two outputs")


# ------------------------------------------------------------------------ plots
def test_plots_png_and_reproducible_svg(tmp_path: Path) -> None:
    line, heatmap, shares = tmp_path / "line.png", tmp_path / "heat.svg", tmp_path / "mc.svg"
    assert sweep(*TWO, "--param", "a=0:4:21", "--plot", line, "--format", "json").code == 0
    assert line.read_bytes().startswith(b"\x89PNG")
    heat_args = (*TWO, "--param", "a=0:4:9", "--param", "c_A=0:6:7", "--format", "json")
    assert sweep(*heat_args, "--plot", heatmap).code == 0
    first = heatmap.read_bytes()
    assert first.startswith(b"<?xml") and b"<svg" in first
    assert sweep(*heat_args, "--plot", heatmap, "--force").code == 0
    assert heatmap.read_bytes() == first
    assert sweep(*TWO, *MONTE_CARLO, "--plot", shares, "--format", "json").code == 0
    drawn = shares.read_bytes()
    assert b"<svg" in drawn
    assert sweep(*TWO, *MONTE_CARLO, "--plot", shares, "--force", "--format", "json").code == 0
    assert shares.read_bytes() == drawn


def test_a_plot_needs_a_known_suffix(tmp_path: Path) -> None:
    assert_bad_input(sweep(*CANONICAL, "--param", "a=0:4:5", "--plot", tmp_path / "x.gif"),
                     "--plot", ".png or .svg")
    assert list(tmp_path.iterdir()) == []


# ------------------------------------------------------------------------ bad input
@pytest.mark.parametrize(("args", "fragments"), [
    (("--draws", "10", "--dist", "p_I=gamma(2,2)"),
     ("--dist p_I", "unknown distribution 'gamma'", "beta(alpha, beta)")),
    (("--draws", "10", "--dist", "c_A=normal(3,-1)"),
     ("--dist c_A", "sigma must be > 0 (got -1)")),
    (("--param", "a=0:1:0"), ("--param a", "empty grid: count is 0")),
    (("--param", "x=0:1:5"), ("--param", "unknown parameter 'x'", "v_C, c_C, b")),
    (("--draws", "10", "--dist", "x=beta(2,2)"), ("--dist", "unknown parameter 'x'")),
    (("--dist", "p_I=beta(2,2)"), ("--dist", "--dist needs --draws")),
    (("--draws", "10"), ("--dist", "--draws without --dist")),
    ((), ("--param", "nothing to sweep", "a grid such as --param a=0:20:1001")),
    (("--param", "a=0:1:3", "--draws", "10", "--dist", "p_I=beta(2,2)"),
     ("--param", "a grid (a=0:1:3) with --draws", "not both")),
    (("--param", "a=0:1:3", "--param", "a=2"), ("--param a", "a is both swept and fixed")),
    (("--param", "a=0:1:3", "--param", "a=0:2:3"), ("--param", "a is swept twice")),
    (("--draws", "10", "--dist", "a=uniform(0,5)", "--param", "a=2"),
     ("--dist a", "a is given twice")),
    (("--draws", "10", "--dist", "p_I=normal(5,0.1)"),
     ("--dist p_I", "normal(5, 0.1) puts 0% of its mass in 0 ≤ p_I ≤ 1",
      "use beta, uniform or truncnormal")),
    (("--draws", "0", "--dist", "a=uniform(0,5)"), ("--draws", "--draws 0")),
    (("--draws", "10", "--dist", "a=uniform(0,5)", "--seed", "-1"),
     ("--seed", "seed -1 is not a non-negative integer")),
    (("--param", "a=0:1:3", "--chunk-size", "0"), ("--chunk-size", "chunk size 0")),
    (("--param", "p_I=0.9:1:3", "--param", "p_L=0.5"),
     ("--param", "every grid point breaks p_I ≤ p_L ≤ p_S")),
    (("--param", "a=0:1:3", "--ally", "99999"),
     ("--ally", "99999 is not a Correlates of War state code")),
])
def test_bad_input_exits_2_with_one_clear_line(args: tuple[str, ...],
                                               fragments: tuple[str, ...]) -> None:
    assert_bad_input(sweep(*CANONICAL, *args), *fragments)


def test_no_rows_file_when_every_point_is_left_out(tmp_path: Path) -> None:
    path = tmp_path / "rows.csv"
    run = sweep(*CANONICAL, "--param", "p_I=0.9:1:3", "--param", "p_L=0.5", "-o", path)
    assert_bad_input(run, "--param", "every grid point breaks p_I ≤ p_L ≤ p_S")
    assert list(tmp_path.iterdir()) == []


def test_an_unreachable_scheduler_fails_fast() -> None:
    with socket.socket() as probe:  # a port nothing listens on (bound, then released)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    started = time.monotonic()
    run = sweep(*CANONICAL, "--param", "a=0:1:3", "--scheduler", f"tcp://127.0.0.1:{port}")
    assert time.monotonic() - started < 5  # a refused connection fails at once
    assert_bad_input(run, "--scheduler",
                     f"cannot reach the Dask scheduler at 'tcp://127.0.0.1:{port}'",
                     "the address of a running scheduler")


@pytest.mark.parametrize(("varied", "args"), [
    ("p_I", ("--param", "p_L=0.2", "--param", "p_I=0:0.2:3")),
    ("p_S", ("--param", "p_S=0.9:1:3", "--param", "p_L=0.85")),
    ("p_I", ("--param", "p_L=0.2", "--draws", "50", "--dist", "p_I=uniform(0,0.2)")),
])
def test_swept_probabilities_are_not_checked_at_their_defaults(
        varied: str, args: tuple[str, ...]) -> None:
    # Only the probabilities that stay fixed are checked for order up front; the
    # swept or drawn ones are checked point by point (and named as such).
    run = sweep(*CANONICAL, *args, "--format", "json")
    assert run.code == 0, run.stderr
    sources = run.json()["provenance"]["parameter_sources"]
    assert sources[varied].startswith(("swept: ", "drawn from "))


def test_fixed_probabilities_out_of_order_are_refused_up_front() -> None:
    run = sweep(*CANONICAL, "--param", "p_L=0.9", "--param", "p_S=0.1", "--param", "a=0:1:3")
    assert_bad_input(run, "p_L = 9/10 (0.9), p_S = 1/10 (0.1) are out of order")


def test_grid_values_rounded_by_linspace_are_kept() -> None:
    # linspace gives 0.30000000000000004 for the user's 3/10; with p_L = 0.3 the point is
    # in order and is kept: p_I ∈ {0, 0.1, 0.2, 0.3} (4 points), 7 left out.
    document = sweep(*CANONICAL, "--param", "p_I=0:1:11", "--param", "p_L=0.3",
                     "--format", "json").json()
    assert (document["points"], document["left_out"]) == (4, 7)


@pytest.mark.parametrize(("args", "fragments"), [
    (("--param", "a=0:1:100000000", "--param", "c_C=0:1:100000000"),
     ("--param", "the grids have 10,000,000,000,000,000 points in all", "at most")),
    (("--param", "a=1:1:5",), ("--param a", "a grid of 5 points from 1 to 1 repeats one value")),
    (("--param", "a=0:1:3", "--scheduler", "foo"), ("--scheduler", "'foo' is not a scheduler")),
    (("--param", "a=0:1:3", "--scheduler", "http://127.0.0.1:1"), ("not a scheduler address",)),
    (("--param", "a=0:1:3", "--scheduler", "tcp://127.0.0.1:abc"), ("not a scheduler address",)),
])
def test_more_bad_sweeps_are_refused_at_once(args: tuple[str, ...],
                                            fragments: tuple[str, ...]) -> None:
    started = time.monotonic()
    assert_bad_input(sweep(*CANONICAL, *args), *fragments)
    assert time.monotonic() - started < 5


def test_plots_of_edge_grids_show_something(tmp_path: Path) -> None:
    from analysis.batch_verdicts import plan_readings
    from analysis.parameters import resolve
    from analysis.sampling import parse_grid
    from analysis.sweep import GridPicture, GridPoints, run_sweep
    from analysis.sweep_plots import MAX_PANELS, _heatmaps, _line, shown_readings
    from treaties.load import builtin_treaties, load_scenario

    scenario = load_scenario("korea-dprk-initiates")
    base = resolve(scenario)
    plans = plan_readings(list(builtin_treaties()), scenario, base=base.values)
    grids = (parse_grid("a=0:4:5"), parse_grid("c_C=0:4:5"))
    picture = GridPicture.empty(grids, shown_readings(plans, 2))
    run_sweep(plans, GridPoints(grids, base.values), sinks=[picture.add])
    figure = _heatmaps(plans, picture, "title")
    assert f"({MAX_PANELS} of {len(plans)} readings shown)" in figure._suptitle.get_text()
    one = (parse_grid("a=1:1:1"),)
    korea = load_scenario("korea-dprk-attacked")
    plans = plan_readings(list(builtin_treaties())[:6], korea, base=resolve(korea).values)
    picture = GridPicture.empty(one, shown_readings(plans, 1))
    run_sweep(plans, GridPoints(one, resolve(korea).values), sinks=[picture.add])
    top = _line(plans, picture, "title").axes[0]
    assert top.lines and all(line.get_marker() == "o" for line in top.lines)


def test_a_seed_without_draws_is_refused() -> None:
    assert_bad_input(sweep(*CANONICAL, "--param", "a=0:1:3", "--seed", "4"),
                     "--seed", "--seed without --draws")


def test_sigterm_removes_a_half_written_output(tmp_path: Path) -> None:
    import signal
    import subprocess
    import sys

    path = tmp_path / "big.parquet"
    command = [sys.executable, "-c", "from analysis.cli import main; main()", "sweep",
               *CANONICAL, "--draws", "100000000", "--dist", "a=uniform(0,4)", "-o", str(path)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while not any(tmp_path.iterdir()) and time.monotonic() < deadline:
        time.sleep(0.1)  # until the temporary file exists: the sweep is writing
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=30)
    assert list(tmp_path.iterdir()) == []
