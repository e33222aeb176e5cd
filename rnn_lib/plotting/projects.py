"""Figures for the projects of notebook 12: forecasts against the truth, and the adding problem by length.

Every function draws on ``ax`` (a new figure when None) and returns the axes; the notebook ends its
cell with ``plt.show()``.  Call ``rnn_lib.plotting.style.use_course_style()`` first.
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


def plot_adding_results(lengths, mse, baseline, *, title="Adding problem: error after training", ax=None):
    """Bars of the validation MSE for each sequence length T, with the constant-prediction baseline as a line.

    lengths: the T values; mse: one MSE per length; baseline: the MSE of always predicting 1.0 (≈ 1/6).
    """
    ax = axes_or_new(ax)
    labels = [f"T = {T}" for T in lengths]
    ax.bar(labels, mse, color=COLORS["blue"], width=0.6, label="vanilla RNN, after training")
    ax.axhline(baseline, color=COLORS["vermillion"], linestyle="--", label=f"always predict 1.0 (MSE {baseline:.3f})")
    ax.set_ylabel("validation MSE")
    ax.set_ylim(0, 1.3 * max(max(mse), baseline))
    ax.set_title(title)
    ax.legend(loc="upper left")
    return ax
