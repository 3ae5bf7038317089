"""Plots: the ``compare`` verdict heatmap and the ``signal`` (a, δ) regions.

Rendered with matplotlib's Agg canvas (no pyplot, no display) into memory,
then written atomically.  SVG output is reproducible: the hash salt of its
ids is fixed and the date is left out, so the same input gives the same bytes.
matplotlib is imported only when a plot is drawn, so commands start quickly.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

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


def plot_format(path: Path, option: str = "--plot") -> str:
    """``png`` or ``svg`` from the suffix of an image file (``--plot``, or ``draw -o``).

    Raises
    ------
    InputError
        For any other suffix.
    """
    suffix = path.suffix.lower()
    if suffix not in PLOT_SUFFIXES:
        raise InputError(f"cannot write an image to a {suffix or 'suffix-less'} file",
                         source=str(path), field=option,
                         expected="a file name ending in .png or .svg")
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
    return render_figure(lambda: _figure(treaties, scenarios, first), image_format)


def render_figure(draw: Callable[[], Any], image_format: str) -> bytes:
    """Draw a figure (``draw`` returns a matplotlib Figure) as PNG or reproducible SVG bytes."""
    import matplotlib

    with matplotlib.rc_context({"svg.hashsalt": _SVG_SALT, "svg.fonttype": "path"}):
        figure = draw()
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
            first: Mapping[tuple[str, str], Cell]) -> Any:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.colors import ListedColormap
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

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


def signal_regions(values: Mapping[str, Fraction], delta: Fraction, title: str,
                   image_format: str) -> bytes:
    """The (a, δ) plane coloured by where the closed forms give a separating PBE, a
    semi-separating one, or pooling only, with the treaty's point (a, δ) marked."""
    return render_figure(lambda: _regions_figure(values, delta, title), image_format)


def _regions_figure(values: Mapping[str, Fraction], delta: Fraction, title: str) -> Any:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.colors import ListedColormap
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    from analysis.signal import regions

    a_max = max(Fraction(4), 2 * values["a"])
    categories = ["P1 separating", "P5 semi-separating", "pooling only"]
    colours = ["#1b9e77", "#7570b3", "#d9d9d9"]
    size = 120
    grid = []
    for row in range(size):
        share = Fraction(row, size - 1)
        line = []
        for column in range(size):
            found = regions(values, a_max * Fraction(column, size - 1), share)
            line.append(0 if "P1 separating" in found else 1 if "P5 semi-separating" in found
                        else 2)
        grid.append(line)
    figure = Figure(figsize=(6, 4.5))
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    axes.imshow(grid, origin="lower", extent=(0, float(a_max), 0, 1), aspect="auto",
                cmap=ListedColormap(colours), vmin=0, vmax=2, interpolation="nearest")
    axes.plot(float(values["a"]), float(delta), marker="o", color="black")
    axes.set_xlabel("nominal audience cost a")
    axes.set_ylabel("share kept by the treaty's wording, δ")
    axes.set_title(title, fontsize=9)
    handles: list[Any] = [Patch(color=c, label=label)
                          for c, label in zip(colours, categories, strict=True)]
    handles.append(Line2D([], [], marker="o", color="black", linestyle="", label="this treaty"))
    axes.legend(handles=handles, fontsize=7, loc="upper right")
    return figure
