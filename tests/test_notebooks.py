"""The tutorial notebooks in ``docs/notebooks`` run from top to bottom in a fresh kernel.

Each notebook is executed with nbclient in the kernel ``python3``: jupyter_client starts
it with the interpreter running pytest (the venv's ipykernel), which a probe cell checks.
The working directory is a temporary one, which must stay empty.  A cell that raises
fails the test with the cell's source and the error.  Key outputs are checked, and the
stored notebooks must carry no outputs, so that running them leaves the repository clean.
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

NOTEBOOK_DIR = Path(__file__).resolve().parents[1] / "docs" / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
CELL_TIMEOUT = 120
"""Seconds a single cell may run."""
PROBE = "import sys\nprint('kernel prefix:', sys.prefix)"


def _failure(notebook: nbformat.NotebookNode, name: str, error: CellExecutionError) -> str:
    """The failing cell's number and source, and the error it raised."""
    for index, cell in enumerate(notebook.cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                trace = "\n".join(output.get("traceback", []))
                trace = re.sub(r"\x1b\[[0-9;]*m", "", trace)  # ANSI colours
                return (f"{name}: cell {index} failed\n--- source ---\n{cell.source}\n"
                        f"--- error ---\n{output.get('ename')}: {output.get('evalue')}\n{trace}")
    return f"{name}: execution failed\n{error}"


def _execute(path: Path, workdir: Path) -> tuple[nbformat.NotebookNode, float]:
    """Run a copy of the notebook (plus the probe cell) in ``workdir``; return it and the time."""
    notebook = nbformat.read(path, as_version=4)
    notebook.cells.append(nbformat.v4.new_code_cell(PROBE, id="test-probe"))
    client = NotebookClient(notebook, timeout=CELL_TIMEOUT, kernel_name="python3",
                            resources={"metadata": {"path": str(workdir)}})
    start = time.perf_counter()
    try:
        client.execute()
    except CellExecutionError as error:
        pytest.fail(_failure(notebook, path.name, error), pytrace=False)
    return notebook, time.perf_counter() - start


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory
             ) -> Callable[[str], nbformat.NotebookNode]:
    """Execute a notebook by name once per module; later calls reuse the result."""
    done: dict[str, nbformat.NotebookNode] = {}

    def run(name: str) -> nbformat.NotebookNode:
        if name not in done:
            workdir = tmp_path_factory.mktemp(Path(name).stem)
            notebook, seconds = _execute(NOTEBOOK_DIR / name, workdir)
            print(f"{name}: executed in {seconds:.1f} s")
            assert list(workdir.iterdir()) == [], f"{name} wrote files to its working directory"
            done[name] = notebook
        return done[name]

    return run


def _text(notebook: nbformat.NotebookNode) -> str:
    """Everything the code cells printed or displayed as text.

    A print may arrive as several stream messages (split mid-line), so stream texts are
    joined as they are; displayed data goes on lines of its own.
    """
    parts = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream":
                parts.append(output.get("text", ""))
            for kind in ("text/plain", "text/markdown", "text/latex"):
                if kind in output.get("data", {}):
                    parts.append(f"\n{output['data'][kind]}\n")
        parts.append("\n")
    return "".join(parts)


def _count(notebook: nbformat.NotebookNode, mime: str) -> int:
    return sum(mime in output.get("data", {})
               for cell in notebook.cells for output in cell.get("outputs", []))


def test_the_tutorial_notebooks_are_there() -> None:
    assert [p.name for p in NOTEBOOKS] == ["reading-a-treaty.ipynb",
                                           "tied-hands-in-20-minutes.ipynb"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebooks_are_stored_clean(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    kernelspec = notebook.metadata.get("kernelspec", {})
    assert kernelspec.get("name") == "python3"
    assert kernelspec.get("language") == "python"
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert code, f"{path.name} has no code cells"
    for cell in code:
        assert cell.outputs == [], f"{path.name}: cell {cell.id} is stored with outputs"
        assert cell.execution_count is None, f"{path.name}: cell {cell.id} has an execution count"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebooks_run_in_this_environment(
        path: Path, executed: Callable[[str], nbformat.NotebookNode]) -> None:
    notebook = executed(path.name)
    probe = _text(nbformat.v4.new_notebook(cells=[notebook.cells[-1]]))
    assert f"kernel prefix: {sys.prefix}" in probe, (
        f"the kernel did not run in this environment ({sys.prefix}): {probe!r}")


def test_tied_hands_in_20_minutes(executed: Callable[[str], nbformat.NotebookNode]) -> None:
    notebook = executed("tied-hands-in-20-minutes.ipynb")
    text = _text(notebook)
    # The tree is drawn inline, symbolic and solved.
    assert _count(notebook, "image/svg+xml") >= 3
    # Moving a_eff across a* = 6/5 flips the ally's SPE response, with a tie at a*.
    assert "a* = 6/5 = 1.2" in text
    assert "a_eff =     1: the ally's SPE response is Limited aid" in text
    assert "a_eff =   6/5: the ally's SPE response is Intervene or Limited aid" in text
    assert "a_eff = 13/10: the ally's SPE response is Intervene" in text
    # Nash versus SPE: the non-credible threat, then the credible one.
    assert re.search(r"\[not SPE\] path: Challenger: Status quo\s+ally plans: Intervene\n", text)
    assert re.search(r"\[SPE    \] path: Challenger: Status quo\s+ally plans: Intervene\n", text)
    assert "verdict: binding | deters: True" in text
    # A real treaty flips from insufficient to binding; the 1962 one never flips.
    assert "flips from insufficient (a = 1) to binding (a = 6/5)" in text
    assert "Sino-Soviet 1950 in 1962: never flips" in text
    # The Monte Carlo sweep: the share of draws where the audience cost binds.
    shares = dict(re.findall(r"(\S+): the audience cost binds in ([0-9.]+)%", text))
    assert set(shares) == {"china-dprk-1961", "russia-dprk-2024", "sino-soviet-1950"}
    assert 0 < float(shares["russia-dprk-2024"]) < float(shares["china-dprk-1961"]) < 100
    assert float(shares["sino-soviet-1950"]) == 0
    assert "Sweep over 20,000 points" in text


def test_reading_a_treaty(executed: Callable[[str], nbformat.NotebookNode]) -> None:
    text = _text(executed("reading-a-treaty.ipynb"))
    # The treaty, its escape wording and its quotes.
    assert "escape wording: ['in accordance with its constitutional processes']" in text
    assert "[NOT verified] “threatened by external armed attack in the Pacific Area”" in text
    # Coverage: triggered in the hypothetical attack, exempt at Second Thomas Shoal.
    assert "art4-defence → Philippines: TRIGGERED" in text
    assert "art4-defence → Philippines: EXEMPT" in text
    assert "exempt by threshold (Art. IV)" in text
    # The rulebook: only staying out falls short, half the cost survives; δ = 0 read strictly.
    assert "falls short: ['S'] | δ = 1/2" in text
    assert "verdict: irrelevant_credible_anyway" in text
    assert "verdict: irrelevant_discretionary" in text
    # compare: binding versus insufficient when the DPRK is attacked, exempt when it attacks.
    assert re.search(r"korea-dprk-attacked\s+china-dprk-1961\s+China\s+binding", text)
    assert re.search(r"korea-dprk-attacked\s+russia-dprk-2024\s+Russia\s+insufficient", text)
    assert re.search(r"korea-dprk-initiates\s+china-dprk-1961\s+China\s+irrelevant_exempt", text)
    # A custom treaty loads; a malformed one gives located errors; the temp dir is removed.
    assert "loaded: Tallinn Treaty (fictional)" in text
    assert "bad-treaty.yaml:5: signed: '2025-3-1' is not a date [and 1 more problem]" in text
    assert "bad-treaty.yaml:14: obligations[0].type: got 'defence'" in text
    assert "removed: True" in text
