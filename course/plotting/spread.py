"""Figures of results over many seeds: every run drawn thin, their median bold, overflow marked.

Every function draws on ``ax`` and returns it; the notebook ends its cell with ``plt.show()``.
Call ``course.plotting.style.use_course_style()`` first.
"""

from __future__ import annotations

import numpy as np

from .style import COLORS


def plot_runs(ax, x, runs, *, color, label, median=True, linewidth=0.8, alpha=0.45):
    """One thin line per run and (``median=True``) their median, bold, labelled "LABEL (median of N)".

    x: (n,) positions.  runs: (N, n) values, one row per seed; NaN where a run has no value (it
    stopped early, or was not measured there): the median is then over the runs that have one.
    """
    runs = np.atleast_2d(np.asarray(runs, dtype=float))
    for row in runs:
        ax.plot(x, row, color=color, linewidth=linewidth, alpha=alpha)
    if median:
        with np.errstate(all="ignore"):
            middle = np.array([np.nanmedian(col) if np.any(np.isfinite(col)) else np.nan for col in runs.T])
        ax.plot(x, middle, color=color, linewidth=2.8, label=f"{label} (median of {len(runs)})")
    else:
        ax.plot([], [], color=color, linewidth=linewidth, label=f"{label} ({len(runs)} runs)")
    return ax


def mark_overflow(ax, x, y, *, color=COLORS["black"], label="overflow (run stopped)"):
    """A cross at each run's last point (x[i], y[i]), where its numbers overflowed; labelled once."""
    ax.plot(
        np.asarray(x, dtype=float),
        np.asarray(y, dtype=float),
        "X",
        color=color,
        markersize=11,
        markeredgecolor="white",
        linestyle="none",
        label=label,
        zorder=5,
    )
    return ax


def legend_outside(ax, **kwargs):
    """The legend to the right of the axes, where it cannot hide data."""
    return ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), **kwargs)


def decades_axis(ax, axis="y"):
    """Label an axis that shows log10 of the values as powers of ten (1e0, 1e100, …).

    For runs that overflow: a log-scale axis cannot reach 1e300 without numpy overflowing inside
    matplotlib, so such figures plot ``np.log10(values)`` on a linear axis and label it with this.
    """
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    target = ax.yaxis if axis == "y" else ax.xaxis
    target.set_major_locator(MaxNLocator(nbins=7, integer=True))
    target.set_major_formatter(FuncFormatter(lambda v, _: f"$10^{{{int(round(v))}}}$"))
    return ax
