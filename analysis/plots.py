"""The ``compare --plot`` heatmap: verdicts of treaties (rows) in scenarios (columns).

Rendered with matplotlib's Agg canvas (no pyplot, no display) into memory,
then written atomically.  SVG output is reproducible: the hash salt of its
ids is fixed and the date is left out, so the same input gives the same bytes.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from pathlib import Path

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from analysis.analysis_reports import VERDICT_CODES, cell_code
from analysis.compare import Cell
from analysis.verdicts import VERDICTS
from games.errors import InputError

PLOT_SUFFIXES = (".png", ".svg")

VERDICT_COLOURS: Mapping[str, str] = {
    "not_applicable": "#f0f0f0",
    "irrelevant_no_obligation": "#bdbdbd",
    "irrelevant_exempt": "#9ecae1",
    "irrelevant_discretionary": "#bcbddc",
    "irrelevant_credible_anyway": "#a1d99b",
    "binding": "#fd8d3c",
    "insufficient": "#de2d26",
}
"""One colour per verdict (categorical)."""

_SVG_SALT = "tiedhands"


def plot_format(path: Path) -> str:
    """``png`` or ``svg`` from the suffix of ``--plot``.

    Raises
    ------
    InputError
        For any other suffix.
    """
    suffix = path.suffix.lower()
    if suffix not in PLOT_SUFFIXES:
        raise InputError(f"cannot plot to a {suffix or 'suffix-less'} file", source=str(path),
                         field="--plot", expected="a file name ending in .png or .svg")
    return suffix[1:]


def verdict_heatmap(cells: Sequence[Cell], image_format: str) -> bytes:
    """The heatmap of ``cells`` as PNG or SVG bytes.

    A cell's colour is the verdict of its first reading (first ally); its
    text is the code of :func:`analysis.analysis_reports.cell_code`, e.g.
    ``BI 1.2`` or ``CA/EX``.
    """
    treaties = list(dict.fromkeys(c.treaty.id for c in cells))
    scenarios = list(dict.fromkeys(c.scenario.id for c in cells))
    first: dict[tuple[str, str], Cell] = {}
    for cell in cells:
        first.setdefault((cell.treaty.id, cell.scenario.id), cell)
    with matplotlib.rc_context({"svg.hashsalt": _SVG_SALT, "svg.fonttype": "path"}):
        figure = _figure(treaties, scenarios, first)
        buffer = io.BytesIO()
        metadata: dict[str, str | None] = {"Date": None} if image_format == "svg" else {}
        figure.savefig(buffer, format=image_format, metadata=metadata, bbox_inches="tight",
                       dpi=150)
    return buffer.getvalue()


def _verdict_index(cell: Cell | None) -> int:
    if cell is None or cell.analysis is None:
        return VERDICTS.index("not_applicable")
    return VERDICTS.index(cell.analysis.readings[0].verdict)


def _figure(treaties: Sequence[str], scenarios: Sequence[str],
            first: Mapping[tuple[str, str], Cell]) -> Figure:
    figure = Figure(figsize=(2.5 + 0.75 * len(scenarios), 2.0 + 0.4 * len(treaties)))
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    grid = [[_verdict_index(first.get((t, s))) for s in scenarios] for t in treaties]
    colours = ListedColormap([VERDICT_COLOURS[v] for v in VERDICTS])
    axes.imshow(grid, cmap=colours, vmin=-0.5, vmax=len(VERDICTS) - 0.5, aspect="auto")
    for row, treaty in enumerate(treaties):
        for column, scenario in enumerate(scenarios):
            cell = first.get((treaty, scenario))
            if cell is not None and cell.verdict != "not_applicable":
                axes.text(column, row, cell_code(cell).replace("/", "/\n"), ha="center",
                          va="center", fontsize=6)
    axes.set_xticks(range(len(scenarios)), labels=scenarios, rotation=45, ha="right",
                    fontsize=7)
    axes.set_yticks(range(len(treaties)), labels=treaties, fontsize=7)
    axes.set_xticks([k - 0.5 for k in range(1, len(scenarios))], minor=True)
    axes.set_yticks([k - 0.5 for k in range(1, len(treaties))], minor=True)
    axes.grid(which="minor", color="white", linewidth=1)
    axes.tick_params(which="minor", length=0)
    axes.set_title("Tied hands: verdicts by treaty and scenario", fontsize=9)
    handles = [Patch(facecolor=VERDICT_COLOURS[v], edgecolor="#808080",
                     label=f"{VERDICT_CODES[v]} {v.replace('_', ' ')}") for v in VERDICTS]
    axes.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=7,
                frameon=False)
    return figure
