"""Sweep plots: a line for one grid, a heatmap for two, verdict shares for Monte Carlo.

Drawn with matplotlib's Agg canvas through :func:`analysis.plots.render_figure`
(reproducible SVG).  Readings whose verdict does not depend on the parameters
are flat, so grid plots show the parametric readings (all readings when none
is parametric); left-out grid points (p_I ≤ p_L ≤ p_S broken) are blank.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from analysis.analysis_reports import VERDICT_CODES
from analysis.batch_verdicts import ReadingPlan
from analysis.plots import VERDICT_COLOURS, render_figure
from analysis.sampling import Grid
from analysis.sweep import GridPicture, Totals
from analysis.verdicts import VERDICTS

MAX_PANELS = 6
"""Most readings drawn as heatmaps in one figure."""

MAX_LINES = 10
"""Most readings drawn as lines in one figure."""

LEFT_OUT = "#525252"
"""The colour of grid points left out (probabilities out of order)."""


def shown_readings(plans: Sequence[ReadingPlan], grids: int) -> list[int]:
    """The readings a grid plot draws: the parametric ones (all when none is), at most
    :data:`MAX_LINES` lines for one grid or :data:`MAX_PANELS` heatmaps for two."""
    parametric = [k for k, p in enumerate(plans) if p.fixed is None]
    return (parametric or list(range(len(plans))))[:MAX_LINES if grids == 1 else MAX_PANELS]


def _omitted(plans: Sequence[ReadingPlan], picture: GridPicture) -> str:
    """``(6 of 18 readings shown)`` when some were left out of the figure."""
    return ("" if len(picture.rows) == len(plans)
            else f" ({len(picture.rows)} of {len(plans)} readings shown)")


def grid_plot(plans: Sequence[ReadingPlan], picture: GridPicture, title: str,
              image_format: str) -> bytes:
    """The verdict (and a*) along one grid, or the verdict regions over two."""
    if len(picture.grids) == 1:
        return render_figure(lambda: _line(plans, picture, title), image_format)
    return render_figure(lambda: _heatmaps(plans, picture, title), image_format)


def _line(plans: Sequence[ReadingPlan], picture: GridPicture, title: str) -> Any:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    grid = picture.grids[0]
    x = grid.values()
    figure = Figure(figsize=(7, 5.5))
    FigureCanvasAgg(figure)
    top, bottom = figure.subplots(2, 1, sharex=True, height_ratios=(3, 2))
    single = len(x) == 1
    for k, row in enumerate(picture.rows):
        codes = picture.verdict[k].astype(float)
        codes[codes < 0] = np.nan
        width = max(1.0, 3.5 - 0.6 * k)  # later readings thinner, so equal lines stay visible
        top.step(x, codes, where="mid", label=plans[row].label, linewidth=width,
                 marker="o" if single else None)
        if np.isfinite(picture.threshold[k]).any():
            bottom.plot(x, picture.threshold[k], label=plans[row].label, linewidth=width,
                        marker="o" if single or np.isfinite(picture.threshold[k]).sum() == 1
                        else None)
    top.set_yticks(range(len(VERDICTS)), labels=[v.replace("_", " ") for v in VERDICTS],
                   fontsize=7)
    top.set_ylim(-0.5, len(VERDICTS) - 0.5)
    top.legend(fontsize=7, loc="best")
    top.set_title(f"{title}: verdict as {grid.name} varies{_omitted(plans, picture)}",
                  fontsize=9)
    bottom.set_ylabel("threshold a*", fontsize=8)
    bottom.set_xlabel(grid.name)
    if grid.name == "a":
        bottom.plot(x, x, color="#808080", linestyle=":", label="a (the diagonal)")
        bottom.legend(fontsize=7, loc="best")
    return figure


def _heatmaps(plans: Sequence[ReadingPlan], picture: GridPicture, title: str) -> Any:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.colors import ListedColormap
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    first, second = picture.grids
    shown = picture.rows
    figure = Figure(figsize=(4.2 * len(shown) + 2.2, 4.0))
    FigureCanvasAgg(figure)
    colours = ListedColormap([LEFT_OUT, *(VERDICT_COLOURS[v] for v in VERDICTS)])
    axes_list = np.atleast_1d(figure.subplots(1, len(shown), squeeze=False)[0])
    for k, (axes, row) in enumerate(zip(axes_list, shown, strict=True)):
        image = picture.verdict[k].reshape(first.count, second.count).astype(int) + 1
        axes.imshow(image, origin="lower", aspect="auto", interpolation="nearest", cmap=colours,
                    vmin=-0.5, vmax=len(VERDICTS) + 0.5, extent=(*_edges(second), *_edges(first)))
        axes.set_xlabel(second.name)
        axes.set_ylabel(first.name)
        axes.set_title(plans[row].label, fontsize=8)
    handles = [Patch(facecolor=VERDICT_COLOURS[v], edgecolor="#808080",
                     label=f"{VERDICT_CODES[v]} {v.replace('_', ' ')}") for v in VERDICTS]
    handles.append(Patch(facecolor=LEFT_OUT, edgecolor="#808080",
                         label="left out (p_I ≤ p_L ≤ p_S broken)"))
    figure.legend(handles=handles, loc="center right", fontsize=7, frameon=False)
    figure.suptitle(title + _omitted(plans, picture), fontsize=9)
    figure.subplots_adjust(right=1 - 2.0 / (4.2 * len(shown) + 2.2))
    return figure


def _edges(grid: Grid) -> tuple[float, float]:
    """The image edges that centre each cell on its grid value (half a step beyond the ends)."""
    step = (grid.stop - grid.start) / (grid.count - 1) if grid.count > 1 else 1.0
    return grid.start - step / 2, grid.stop + step / 2


def shares_plot(plans: Sequence[ReadingPlan], totals: Totals, title: str,
                image_format: str) -> bytes:
    """Per reading: the share of points per verdict, and the share deterred."""
    return render_figure(lambda: _shares(plans, totals, title), image_format)


def _shares(plans: Sequence[ReadingPlan], totals: Totals, title: str) -> Any:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    n = max(totals.points, 1)
    labels = [p.label for p in plans]
    rows = np.arange(len(plans))
    figure = Figure(figsize=(10, 1.2 + 0.35 * len(plans)))
    FigureCanvasAgg(figure)
    left, right = figure.subplots(1, 2, sharey=True, width_ratios=(3, 2))
    start = np.zeros(len(plans))
    for j, verdict in enumerate(VERDICTS):
        share = totals.verdicts[:, j] / n
        if share.any():
            left.barh(rows, share, left=start, color=VERDICT_COLOURS[verdict],
                      edgecolor="#808080", linewidth=0.3, label=verdict.replace("_", " "))
        start += share
    left.set_yticks(rows, labels=labels, fontsize=7)
    left.invert_yaxis()
    left.set_xlim(0, 1)
    left.legend(fontsize=6, loc="upper left", bbox_to_anchor=(0, -0.1), ncol=3, frameon=False,
                title="share of points, by verdict", title_fontsize=7, alignment="left")
    height = 0.38
    right.barh(rows - height / 2, totals.deters / n, height, color="#fd8d3c",
               label="deterred by the audience cost")
    right.barh(rows + height / 2, (n - totals.challenged) / n, height, color="#3182bd",
               label="challenger does not challenge")
    right.set_xlim(0, 1)
    right.legend(fontsize=6, loc="upper left", bbox_to_anchor=(0, -0.1), frameon=False,
                 title="share of points", title_fontsize=7, alignment="left")
    left.set_title(f"{title}: verdicts over {totals.points:,} points", fontsize=9, loc="left")
    return figure
