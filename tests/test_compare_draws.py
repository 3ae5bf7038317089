"""``compare --draws``: verdict shares per cell, equal to a direct sweep of each scenario."""

from __future__ import annotations

import csv
import io
import json

import numpy as np
import pytest
from typer.testing import CliRunner

from analysis.batch_verdicts import plan_readings
from analysis.cli import app
from analysis.compare_draws import compare_draws, share_records
from analysis.parameters import resolve
from analysis.rules import builtin_rulebook
from analysis.sampling import parse_distributions
from analysis.sweep import DrawPoints, run_sweep
from analysis.verdicts import VERDICTS
from treaties.load import load_scenario, load_treaty

DISTS = ["p_I=beta(2,5)", "a=lognormal(0,1)", "c_A=uniform(1,5)"]
RUNNER = CliRunner()


def _dist_args() -> list[str]:
    return [part for text in DISTS for part in ("--dist", text)]


def test_shares_equal_a_direct_sweep_and_add_up() -> None:
    treaties = [load_treaty("china-dprk-1961"), load_treaty("sino-soviet-1950")]
    scenarios = [load_scenario("korea-dprk-attacked"), load_scenario("sino-indian-1962")]
    distributions = parse_distributions(DISTS)
    results = compare_draws(treaties, scenarios, [], distributions, 5, 3000,
                            rulebook=builtin_rulebook())
    for result in results:
        base = resolve(result.scenario)
        plans = plan_readings(treaties, result.scenario, base=base.values)
        direct = run_sweep(plans, DrawPoints(distributions, base.values, 5, 3000))
        assert np.array_equal(direct.verdicts, result.totals.verdicts)
        assert np.array_equal(direct.deters, result.totals.deters)
    for record in share_records(results):
        total = sum(float(str(record[f"share_{v}"])) for v in VERDICTS)
        assert total == pytest.approx(1.0)
    # The 1950 treaty is exempt in 1962 at every draw (the adversary is not Japan).
    exempt = [r for r in share_records(results)
              if r["scenario"] == "sino-indian-1962" and r["treaty"] == "sino-soviet-1950"]
    assert exempt and all(r["share_irrelevant_exempt"] == 1.0 for r in exempt)


def test_cli_json_and_csv() -> None:
    args = ["compare", "--treaties", "china-dprk-1961", "--scenarios", "korea-dprk-attacked",
            "--draws", "2000", "--seed", "3", *_dist_args()]
    result = RUNNER.invoke(app, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    (cell,) = document["cells"]
    assert cell["points"] == 2000 and cell["treaty"] == "china-dprk-1961"
    assert document["sweep"][0].startswith("Monte Carlo: 2,000 draws, seed 3")
    sources = document["provenance"]["parameter_sources"]
    assert {k: v for k, v in sources.items() if v.startswith("drawn")} == {
        "p_I": "drawn from beta(2, 5)", "a": "drawn from lognormal(0, 1)",
        "c_A": "drawn from uniform(1, 5)"}
    result = RUNNER.invoke(app, [*args, "--format", "csv"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("# Monte Carlo: 2,000 draws, seed 3, p_I ~ beta(2, 5)")
    assert lines[1].startswith("# provenance: tiedhands ")
    rows = list(csv.DictReader(io.StringIO("\n".join(lines[2:]))))
    assert len(rows) == 1 and float(rows[0]["share_binding"]) == cell["share_binding"]


@pytest.mark.parametrize(("extra", "message"), [
    (["--draws", "100"], "--draws, --dist and --seed go together"),
    (["--dist", "p_I=beta(2,5)"], "--draws, --dist and --seed go together"),
    (["--seed", "3"], "--draws, --dist and --seed go together"),
    (["--draws", "0", "--dist", "p_I=beta(2,5)"], "between 1 and"),
    (["--draws", "10", "--dist", "p_I=gamma(2,2)"], "gamma"),
    (["--draws", "10", "--dist", "p_I=beta(2,5)", "--plot", "x.png"], "--plot with --draws"),
    (["--draws", "10", "--dist", "a=beta(2,5)", "--param", "a=2"], "a is given twice"),
])
def test_cli_refuses_bad_draw_options(extra: list[str], message: str) -> None:
    result = RUNNER.invoke(app, ["compare", "--treaties", "china-dprk-1961", *extra])
    assert result.exit_code == 2
    assert message in result.stderr
