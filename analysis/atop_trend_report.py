"""``tiedhands atop trend`` output: the decade table, its CSV and JSON, and the plot.

Every output carries the same notes (:func:`trend_notes`): the template, the δ = 1
upper-bound caveat, how the bounds are read, the draws (and whether their
distributions are the illustrative defaults), what was left out and the provenance.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from analysis.atop_compare import UPPER_BOUND_NOTE
from analysis.atop_trend import (
    PERCENTILES,
    TEMPLATE,
    AllianceShares,
    Band,
    DecadeShares,
    Trend,
    TrendReading,
)
from analysis.plots import render_figure
from analysis.provenance import Provenance
from analysis.report import Report, Section, records_csv

DECADE_FIELDS = ("decade", "decade_start", "alliances", "dyads", "indeterminate_dyads",
                 "share_indeterminate", "lower_mean", "lower_p5", "lower_p95", "upper_mean",
                 "upper_p5", "upper_p95")
"""The fields of one decade record (CSV and JSON); shares are fractions."""

READING_NOTE = ("Each dyad Y → X binds at least (lower bound) when every reading of it binds "
                "and at most (upper bound) when some reading does: an indeterminate condition "
                "or the attacker's identity can decide. An alliance's share is that of its "
                "dyads (a dyad owed nothing does not bind); a decade's (by the year signed) is "
                "the mean over its alliances; each is given as its mean over the draws and its "
                "5th–95th percentiles.")


def _percent(value: float) -> str:
    return f"{100 * value:.1f}%"


def _range(band: Band) -> str:
    return f"{100 * band.low:.1f}–{100 * band.high:.1f}%"


def _game(reading: TrendReading) -> str:
    short = ", ".join(sorted(reading.short))
    return f"{short} short, δ = {reading.delta}"


def trend_notes(trend: Trend, provenance: Provenance) -> tuple[str, ...]:
    """The notes of every output: template, caveat, reading, draws, left out, provenance."""
    monte_carlo = trend.monte_carlo
    rejected = trend.rejected / trend.attempted if trend.attempted else 0.0
    notes = [TEMPLATE, UPPER_BOUND_NOTE, READING_NOTE, monte_carlo.description(),
             f"Games solved at every draw: {len(trend.readings)}"
             + (f" ({'; '.join(_game(r) for r in trend.readings)})" if trend.readings else "")
             + f"; draws rejected and redrawn for breaking p_I ≤ p_L ≤ p_S or a domain: "
               f"{_percent(rejected)} (over whole blocks of 2¹⁶)."]
    if trend.left_out:
        ids = ", ".join(str(t.atopid) for t in trend.left_out[:20])
        notes.append(f"{len(trend.left_out)} alliance{'s' * (len(trend.left_out) != 1)} "
                     f"left out (members never two at once, or no state outside to attack): {ids}"
                     + (" ..." if len(trend.left_out) > 20 else "") + ".")
    return (*notes, provenance.line())


def decade_record(row: DecadeShares) -> dict[str, Any]:
    """One decade (or ``all``) as a flat record of :data:`DECADE_FIELDS`."""
    return {"decade": row.label, "decade_start": row.decade, "alliances": row.alliances,
            "dyads": row.dyads, "indeterminate_dyads": row.indeterminate,
            "share_indeterminate": row.indeterminate / row.dyads if row.dyads else 0.0,
            "lower_mean": row.lower.mean, "lower_p5": row.lower.low,
            "lower_p95": row.lower.high, "upper_mean": row.upper.mean,
            "upper_p5": row.upper.low, "upper_p95": row.upper.high}


def alliance_record(shares: AllianceShares) -> dict[str, Any]:
    """One alliance: its template and mean shares over the draws."""
    template = shares.template
    return {"atopid": template.treaty.atopid, "treaty": template.treaty.id,
            "signed": template.treaty.signed.isoformat(), "decade": template.decade,
            "template_date": template.date.isoformat(), "members": list(template.members),
            "attackers": list(template.attackers), "named_attacker": template.named_attacker,
            "dyads": len(template.dyads),
            "indeterminate_dyads": sum(d.indeterminate for d in template.dyads),
            "lower_mean": shares.lower, "upper_mean": shares.upper}


def trend_report(trend: Trend, provenance: Provenance) -> Report:
    """The decade table with its notes; the JSON carries every alliance too."""
    rows = tuple((r.label, str(r.alliances), str(r.dyads),
                  _percent(r.indeterminate / r.dyads if r.dyads else 0.0),
                  _percent(r.lower.mean), _range(r.lower), _percent(r.upper.mean),
                  _range(r.upper)) for r in trend.rows)
    notes = trend_notes(trend, provenance)
    table = Section("Share of ATOP alliances whose audience costs bind, by decade signed",
                    ("decade", "alliances", "dyads", "indeterminate dyads",
                     "binding (lower)", "5–95% (lower)", "binding (upper)", "5–95% (upper)"),
                    rows, notes[:-1])
    monte_carlo = trend.monte_carlo
    data = {"template": TEMPLATE, "note": UPPER_BOUND_NOTE, "reading": READING_NOTE,
            "monte_carlo": {
                "draws": monte_carlo.points.count, "seed": monte_carlo.points.seed,
                "distributions": {n: str(d) for n, d in
                                  monte_carlo.points.distributions.items()},
                "illustrative_defaults": monte_carlo.illustrative,
                "fixed": list(monte_carlo.overrides), "attempted": trend.attempted,
                "rejected": trend.rejected, "percentiles": list(PERCENTILES)},
            "games": [{"short": sorted(r.short), "delta": str(r.delta)} for r in trend.readings],
            "decades": [decade_record(r) for r in trend.rows],
            "alliances": [alliance_record(a) for a in trend.alliances],
            "left_out": [t.atopid for t in trend.left_out], "notes": list(notes[:-1]),
            "provenance": provenance.to_json()}
    return Report((table,), data, (provenance.line(),))


def trend_csv(trend: Trend, provenance: Provenance) -> str:
    """CSV: ``# `` comment lines (the notes, the provenance), a header, one row per decade
    and a last row ``all``."""
    return records_csv(trend_notes(trend, provenance), DECADE_FIELDS,
                       (decade_record(r) for r in trend.rows))


def plot_footnote(trend: Trend, provenance: Provenance) -> str:
    """The plot's small print: the δ = 1 caveat, the template, the draws and the provenance."""
    return (f"ATOP records no escape wording, so every obligation is read with δ = 1, the "
            f"most binding reading: the shares are upper bounds on binding. {TEMPLATE} "
            f"{trend.monte_carlo.description()} {provenance.line()}")


def trend_plot(trend: Trend, image_format: str, footnote: str) -> bytes:
    """The decade shares as PNG or SVG bytes: the band between the lower and upper mean
    shares, the 5th–95th percentiles as error bars, and the alliances per decade below."""
    decades = [r for r in trend.rows if r.decade is not None]
    return render_figure(lambda: _figure(decades, footnote), image_format)


def _figure(rows: Sequence[DecadeShares], footnote: str) -> Any:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(8.0, 5.5))
    FigureCanvasAgg(figure)
    shares, counts = figure.subplots(2, 1, sharex=True, height_ratios=(3, 1))
    x = [float(r.decade or 0) + 5 for r in rows]
    lower = [100 * r.lower.mean for r in rows]
    upper = [100 * r.upper.mean for r in rows]
    shares.fill_between(x, lower, upper, color="#fdd0a2", alpha=0.8,
                        label="between the bounds (mean over draws)")
    for offset, name, colour, bands in ((-1.0, "lower bound: every reading binds", "#a63603",
                                         [r.lower for r in rows]),
                                        (1.0, "upper bound: some reading binds", "#fd8d3c",
                                         [r.upper for r in rows])):
        means = [100 * b.mean for b in bands]
        shares.plot(x, means, marker="o", markersize=3, color=colour, linewidth=1, label=name)
        shares.errorbar([v + offset for v in x], [50 * (b.low + b.high) for b in bands],
                        yerr=[50 * (b.high - b.low) for b in bands], fmt="none", ecolor=colour,
                        elinewidth=0.8, capsize=2,
                        label=f"{name.split(':')[0]}: 5th–95th percentile of the draws")
    shares.set_ylim(-2, 125)
    shares.set_yticks(range(0, 101, 20))
    shares.set_ylabel("alliances whose audience\ncosts bind (%)", fontsize=8)
    shares.set_title("Share of alliances whose audience costs bind, by decade signed",
                     fontsize=10)
    shares.legend(fontsize=6, loc="upper center", ncols=3, frameon=False)
    shares.tick_params(labelsize=7)
    counts.bar(x, [r.alliances for r in rows], width=8, color="#9ecae1")
    counts.set_ylabel("alliances", fontsize=8)
    counts.set_xlabel("decade signed", fontsize=8)
    counts.set_xticks(x, labels=[r.label for r in rows], rotation=45, ha="right")
    counts.tick_params(labelsize=7)
    figure.tight_layout(rect=(0.0, 0.08, 1.0, 1.0))
    figure.text(0.01, 0.01, footnote, fontsize=5, wrap=True, va="bottom", ha="left",
                color="#404040")
    return figure
