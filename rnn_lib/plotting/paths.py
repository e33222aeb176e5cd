"""Figures for notebooks 04 and 05: the paths a gradient takes back through the unrolled RNN.

- :func:`plot_paths_into_state`: the unrolled graph with the two paths from L into one h_t.
- :func:`plot_contribution_triangle`: how much each (loss step t, weight use k) pair adds to ∂L/∂W_hh.

Call :func:`rnn_lib.plotting.style.use_course_style` first (the notebooks' setup cell does).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import LogNorm
from matplotlib.patches import FancyArrowPatch

from .style import COLORS

# Rows of the unrolled graph, bottom to top.
_ROW = {"x": 0.0, "h": 1.0, "y": 2.0, "L": 3.0}
_RADIUS = 0.28
_GREY = "#9a9a9a"


def _node(ax, xy, label, *, color=_GREY, bold=False):
    ax.add_patch(plt.Circle(xy, _RADIUS, facecolor="white", edgecolor=color, linewidth=3.0 if bold else 1.6, zorder=3))
    ax.text(*xy, label, ha="center", va="center", fontsize=15, zorder=4, fontweight="bold" if bold else "normal")


def _edge(ax, start, end, *, color=_GREY, width=1.4, style="-|>"):
    ax.add_patch(
        FancyArrowPatch(
            start,
            end,
            arrowstyle=style,
            mutation_scale=16,
            color=color,
            linewidth=width,
            shrinkA=_RADIUS * 72,  # points: stop at the circles' rims (one data unit ≈ 72 pt below)
            shrinkB=_RADIUS * 72,
            zorder=2,
        )
    )


def plot_paths_into_state(T=4, t=2, ax=None):
    """The RNN unrolled over T steps, with the two ways L depends on h_t drawn in colour.

    Forward edges are grey.  Orange: h_t → ŷ_t → L_t, whose gradient brings W_hyᵀ δ^y_t.
    Blue: h_t → h_{t+1} (through a_{t+1}) and on to every later loss, whose gradient
    brings W_hhᵀ δ^a_{t+1}.  Steps are 1..T; 1 ≤ t < T so both paths exist.
    Returns the figure.
    """
    if not 1 <= t < T:
        raise ValueError(f"t must satisfy 1 <= t < T so that h_t has both paths, got t={t}, T={T}")
    if ax is None:
        fig, ax = plt.subplots(figsize=(1.45 * (1.5 * T + 1.2) + 0.6, 6.4))
    else:
        fig = ax.figure
    orange, blue = COLORS["orange"], COLORS["blue"]

    def pos(kind, s):
        return (1.5 * s, _ROW[kind])

    def look(s, on_orange):
        # Colour and width of an edge of step s: orange on the ŷ_t path, blue downstream of h_{t+1}.
        if on_orange:
            return {"color": orange, "width": 4.0}
        if s > t:
            return {"color": blue, "width": 2.2}
        return {}

    # Edges first, so the nodes sit on top of them.
    for s in range(1, T + 1):
        _edge(ax, pos("x", s), pos("h", s))
        recurrent = look(s, False) | ({"width": 4.0} if s == t + 1 else {})  # h_t -> h_{t+1}: the blue path's start
        _edge(ax, pos("h", s - 1), pos("h", s), **recurrent)
        _edge(ax, pos("h", s), pos("y", s), **look(s, s == t))
        _edge(ax, pos("y", s), pos("L", s), **look(s, s == t))

    _node(ax, pos("h", 0), "$h_0$")
    for s in range(1, T + 1):
        _node(ax, pos("x", s), f"$x_{s}$")
        _node(ax, pos("h", s), f"$h_{s}$", color=COLORS["black"] if s == t else (blue if s > t else _GREY), bold=s == t)
        _node(ax, pos("y", s), rf"$\hat y_{s}$", color=orange if s == t else (blue if s > t else _GREY))
        _node(ax, pos("L", s), f"$L_{s}$", color=orange if s == t else (blue if s > t else _GREY))

    # Labels: what each coloured path sends back into h_t.
    hx, hy = pos("h", t)
    ax.text(hx - 0.22, hy + 0.5, rf"$W_{{hy}}^\top \delta^y_{t}$", color=orange, fontsize=16, ha="right", va="center")
    ax.text(
        hx + 0.75, hy - 0.33, rf"$W_{{hh}}^\top \delta^a_{{{t + 1}}}$", color=blue, fontsize=16, ha="center", va="top"
    )

    ax.text(
        0.75 * T,
        -0.55,
        "arrows: the forward computation; the gradient flows back against them",
        ha="center",
        va="top",
        fontsize=12,
        color="#555555",
    )
    ax.set_xlim(-0.6, 1.5 * T + 0.6)
    ax.set_ylim(-0.85, 3.4)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(
        rf"Two paths from the loss into $h_{t}$:  via $\hat y_{t}$ (orange)  and via $h_{{{t + 1}}}$ (blue)",
        fontsize=15,
    )
    return fig


def plot_contribution_triangle(
    norms, ax=None, title=r"Contribution of each pair $(t, k)$ to $\partial L/\partial W_{hh}$"
):
    """Heatmap of ‖C_{t,k}‖, the part of ∂L/∂W_hh from loss step t through the use of W_hh at step k ≤ t.

    norms: (T, T) array, norms[t−1, k−1] = ‖C_{t,k}‖ for k ≤ t (entries with k > t are ignored).
    Colours are on a log scale, so contributions that fade with distance t − k stay visible.
    Returns the figure.
    """
    norms = np.asarray(norms, dtype=np.float64)
    T = norms.shape[0]
    lower = np.tril(np.ones((T, T), dtype=bool))
    shown = np.where(lower, norms, np.nan)
    positive = shown[lower & (shown > 0)]
    if ax is None:
        fig, ax = plt.subplots(figsize=(7.5, 6.0))
    else:
        fig = ax.figure
    image = ax.imshow(
        shown,
        cmap="viridis",
        norm=LogNorm(vmin=positive.min(), vmax=positive.max()),
        origin="upper",
        extent=(0.5, T + 0.5, T + 0.5, 0.5),
    )
    for t in range(1, T + 1):
        for k in range(1, t + 1):
            value = shown[t - 1, k - 1]
            light = np.log(value / positive.min()) < 0.5 * np.log(positive.max() / positive.min())
            ax.text(k, t, f"{value:.1e}", ha="center", va="center", fontsize=11, color="white" if light else "black")
    ax.set_xticks(range(1, T + 1))
    ax.set_yticks(range(1, T + 1))
    ax.set_xlabel(r"$k$: step where $W_{hh}$ is used ($a_k = \dots + W_{hh} h_{k-1}$)")
    ax.set_ylabel(r"$t$: step of the loss term $L_t$")
    ax.grid(False)
    ax.set_title(title)
    fig.colorbar(image, ax=ax, label=r"$\|C_{t,k}\|_F$ (log scale)")
    return fig
