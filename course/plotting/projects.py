"""Figures for the projects of notebook 12: forecasts against the truth.

Every function draws on ``ax`` (a new figure when None) and returns the axes; the notebook ends its
cell with ``plt.show()``.  Call ``course.plotting.style.use_course_style()`` first.
"""

from __future__ import annotations

import numpy as np

from .style import COLORS, axes_or_new


def plot_forecast(steps, truth, prediction, *, warm_up=None, label="prediction", title=None, ax=None):
    """A target curve and a prediction of it over the same ``steps`` (1-D arrays of equal length).

    warm_up: optional number of steps; the region up to ``steps[warm_up - 1]`` is shaded and labelled
    "warm-up (true inputs)", so a free-running forecast after it is easy to tell apart.
    """
    ax = axes_or_new(ax)
    steps, truth, prediction = (np.asarray(a, dtype=float).ravel() for a in (steps, truth, prediction))
    if warm_up:
        ax.axvspan(steps[0], steps[warm_up - 1], color=COLORS["sky"], alpha=0.15, label="warm-up (true inputs)")
    ax.plot(steps, truth, color=COLORS["black"], linewidth=1.5, label="truth")
    ax.plot(steps, prediction, color=COLORS["vermillion"], linestyle="--", label=label)
    lo, hi = min(truth.min(), prediction.min()), max(truth.max(), prediction.max())
    ax.set_ylim(lo - 0.5 * (hi - lo), hi + 0.1 * (hi - lo))  # room below the curves for the legend
    ax.set_xlabel("step t")
    ax.set_ylabel("value")
    if title:
        ax.set_title(title)
    ax.legend(loc="lower center", ncol=3)
    return ax
