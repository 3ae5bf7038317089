"""Bar charts of the capability lens: the Shapley split of deterrence, and the shifts.

Drawn with matplotlib's Agg canvas through :func:`analysis.plots.render_figure`
(reproducible SVG, no display).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from analysis.capability import CapabilityEffects
from analysis.capability_reports import factor_name
from analysis.capability_rules import PROBABILITIES
from analysis.decompose import AUDIENCE, Decomposition, DrawDecomposition, Factor
from analysis.plots import render_figure

FACTOR_COLOURS = {AUDIENCE: "#de2d26", "materiel_transfer": "#3182bd",
                  "joint_exercises": "#6baed6", "intelligence_sharing": "#9ecae1"}
"""The audience cost in red; the capability channels in blues."""


def decomposition_plot(found: Sequence[Decomposition], drawn: Sequence[DrawDecomposition],
                       image_format: str, title: str, footnote: str) -> bytes:
    """Horizontal bars: each factor's Shapley share of the change in the challenge margin
    per reading, and, over draws, of the change in the deterred share."""
    panels: list[tuple[str, list[tuple[Factor, float]]]] = [
        (f"{d.plan.label}: challenge margin", [(f, float(d.shares[f])) for f in d.factors])
        for d in found]
    for d in drawn:
        panels += [(f"{d.plan.label}: mean challenge margin over {d.draws:,} draws",
                    [(f, d.margin_shares[f]) for f in d.factors]),
                   (f"{d.plan.label}: share of draws deterred (percentage points)",
                    [(f, 100 * d.deterred_shares[f]) for f in d.factors])]
    return render_figure(lambda: _bars(panels, title, footnote), image_format)


def shifts_plot(effects: CapabilityEffects, image_format: str, footnote: str) -> bytes:
    """Grouped bars: each channel's change of p_I, p_L and p_S."""
    panels = [(f"Δ{p} by channel", [(c, float(effects.shifts(c)[p])) for c in effects.channels])
              for p in PROBABILITIES] if effects.channels else []
    title = f"{effects.profile.id} in {effects.scenario.id}: change in the challenger's chances"
    return render_figure(lambda: _bars(panels, title, footnote), image_format)


def _bars(panels: Sequence[tuple[str, Sequence[tuple[Factor, float]]]], title: str,
          footnote: str) -> Any:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    rows = max(1, len(panels))
    figure = Figure(figsize=(7.0, 0.6 + 1.5 * rows))
    FigureCanvasAgg(figure)
    for k, (name, bars) in enumerate(panels):
        axes = figure.add_subplot(rows, 1, k + 1)
        labels = [factor_name(f) for f, _ in bars]
        values = [v for _, v in bars]
        positions = list(range(len(bars)))
        axes.barh(positions, values,
                  color=[FACTOR_COLOURS[f.rpartition("/")[2]] for f, _ in bars])
        axes.set_yticks(positions, labels=labels, fontsize=7)
        axes.invert_yaxis()
        axes.axvline(0, color="#404040", linewidth=0.8)
        for position, value in zip(positions, values, strict=True):
            axes.text(value, position, f" {value:+.3g} ".replace("-", "−"), va="center",
                      fontsize=7,
                      ha="left" if value >= 0 else "right")
        low, high = min([0.0, *values]), max([0.0, *values])
        pad = 0.25 * (high - low) or 1.0
        axes.set_xlim(low - pad, high + pad)
        axes.set_title(name, fontsize=8)
        axes.tick_params(axis="x", labelsize=7)
    if not panels:
        empty = figure.add_subplot()
        empty.set_axis_off()
        empty.text(0.5, 0.5, "No capability channel reaches a state with a role here.",
                   ha="center", va="center", fontsize=8)
    figure.suptitle(title, fontsize=9)
    figure.tight_layout(rect=(0.0, 0.06, 1.0, 1.0))
    figure.text(0.01, 0.01, footnote, fontsize=5, wrap=True, va="bottom", ha="left",
                color="#404040")
    return figure
