"""Figures for training dynamics (notebooks 07–12): curves, loss curves and training histories, and what
clipping does to a gradient (figures over many seeds: ``course.plotting.spread``).

Every function draws on ``ax`` (a new figure when None) and returns the axes; the notebook ends
its cell with ``plt.show()``.  Call ``course.plotting.style.use_course_style()`` first.
"""

from __future__ import annotations

import numpy as np

from .style import COLORS, CYCLE, axes_or_new


def plot_curves(x, curves, *, xlabel, ylabel, title=None, log=True, ax=None, styles=None):
    """One line per entry of ``curves`` (label → y values over ``x``), on a log y axis by default.

    styles: optional label → dict of matplotlib keyword arguments (linestyle, color, …).
    """
    ax = axes_or_new(ax)
    for i, (label, y) in enumerate(curves.items()):
        kw = {"color": CYCLE[i % len(CYCLE)], **((styles or {}).get(label, {}))}
        ax.plot(x, y, label=label, **kw)
    if log:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.legend()
    return ax


def plot_loss_curves(curves, *, xlabel="epoch", ylabel="loss L (log scale)", cap=None, log=True, title=None, ax=None):
    """Training curves, one per label: ``curves`` is label → sequence of values, on a log y axis by default.

    A curve that stops before the longest one (a run that diverged) ends in a cross.  cap: values above
    it are drawn at ``cap`` and the y axis ends there, so one exploding run does not squash the others
    (a diverged run reaches 1e300, which a log axis cannot draw).  The legend sits beside the axes.
    """
    ax = axes_or_new(ax)
    longest = max(len(c) for c in curves.values())
    for i, (label, values) in enumerate(curves.items()):
        values = np.asarray(values, dtype=float)
        if cap is not None:
            values = np.minimum(values, cap)
        (line,) = ax.plot(np.arange(1, len(values) + 1), values, label=label, color=CYCLE[i % len(CYCLE)])
        if len(values) < longest:
            ax.plot(len(values), values[-1], "X", color=line.get_color(), markersize=14, markeredgecolor="black")
    if log:
        ax.set_yscale("log")
    if cap is not None:
        ax.set_ylim(top=cap)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5))
    return ax


def plot_history(histories, *, per="step", quantity="loss", title=None, log=True, cap=None, ax=None):
    """Loss (or gradient norm) of one or more runs: ``histories`` is label → History; see :func:`plot_loss_curves`.

    per: "step" (every update) or "epoch".  quantity: "loss", "grad_norm" or "val_loss" (per epoch only).
    """
    key = {"step": {"loss": "step_loss", "grad_norm": "step_grad_norm"}, "epoch": {}}[per].get(quantity, quantity)
    ylabel = {"loss": "loss per sequence", "grad_norm": "gradient norm ‖g‖", "val_loss": "validation loss"}[quantity]
    return plot_loss_curves(
        {label: getattr(h, key) for label, h in histories.items()},
        xlabel="update" if per == "step" else "epoch",
        ylabel=ylabel,
        cap=cap,
        log=log,
        title=title,
        ax=ax,
    )


def plot_clipping_2d(g, limit, *, ax=None):
    """A 2-D gradient g, its norm-clipped and its value-clipped versions, with the two feasible regions.

    The norm ball ‖v‖ <= limit and the box |v_i| <= limit; norm clipping lands on the ball along g,
    value clipping lands in the box corner-wards, turning the direction.
    """
    ax = axes_or_new(ax)
    g = np.asarray(g, dtype=float)
    by_norm = g * limit / max(np.linalg.norm(g), limit)
    by_value = np.clip(g, -limit, limit)
    theta = np.linspace(0, 2 * np.pi, 200)
    ax.plot(limit * np.cos(theta), limit * np.sin(theta), color=COLORS["blue"], linewidth=1, linestyle="--")
    ax.plot(
        [-limit, limit, limit, -limit, -limit],
        [-limit, -limit, limit, limit, -limit],
        color=COLORS["vermillion"],
        linewidth=1,
        linestyle=":",
    )
    for v, color, label in [
        (g, COLORS["black"], "gradient g"),
        (by_norm, COLORS["blue"], "clipped by norm"),
        (by_value, COLORS["vermillion"], "clipped by value"),
    ]:
        ax.annotate("", xy=v, xytext=(0, 0), arrowprops={"arrowstyle": "->", "color": color, "linewidth": 2.5})
        ax.plot([], [], color=color, label=label)
    m = 1.15 * max(abs(g).max(), limit)
    ax.set_xlim(-0.3 * m, m)
    ax.set_ylim(-0.3 * m, m)
    ax.set_aspect("equal")
    ax.set_xlabel("$g_1$")
    ax.set_ylabel("$g_2$")
    ax.legend(loc="upper left")
    return ax
