"""Figures for notebooks 04 and 05: the paths a gradient takes back through the unrolled RNN.

- :func:`plot_paths_into_state`: the unrolled graph with the two paths from L into one h_t.
- :func:`plot_contribution_triangle`: how much each (loss step t, weight use k) pair adds to ∂L/∂W_hh.

Call :func:`course.plotting.style.use_course_style` first (the notebooks' setup cell does).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import LogNorm

from .style import COLORS
from .unrolled import DX, ROW_Y, draw_unrolled


def plot_paths_into_state(T=4, t=2, ax=None):
    """The RNN unrolled over T steps, with the two ways L depends on h_t drawn in colour.

    Orange: h_t → ŷ_t → L_t, whose gradient brings W_hyᵀ δ^y_t.  Blue: h_t → h_{t+1} (through
    a_{t+1}) and on to every later loss, whose gradient brings W_hhᵀ δ^a_{t+1}.  Everything else is
    grey.  Steps are 1..T; 1 ≤ t < T so both paths exist.  Returns the figure.
    """
    if not 1 <= t < T:
        raise ValueError(f"t must satisfy 1 <= t < T so that h_t has both paths, got t={t}, T={T}")
    orange, blue = COLORS["orange"], COLORS["blue"]
    nodes = {f"h{t}": COLORS["black"], f"y{t}": orange, f"L{t}": orange}
    edges = {(f"h{t}", f"y{t}"): orange, (f"y{t}", f"L{t}"): orange}
    for s in range(t + 1, T + 1):
        nodes.update({f"h{s}": blue, f"y{s}": blue, f"L{s}": blue})
        edges.update({(f"h{s - 1}", f"h{s}"): blue, (f"h{s}", f"y{s}"): blue, (f"y{s}", f"L{s}"): blue})
    ax = draw_unrolled(
        T,
        ax,
        highlight_nodes=nodes,
        highlight_edges=edges,
        show_loss=True,
        edge_labels=False,
        title=rf"Two paths from the loss into $h_{t}$:  via $\hat y_{t}$ (orange)  and via $h_{{{t + 1}}}$ (blue)",
        caption="arrows: the forward computation; the gradient flows back against them",
    )
    # What each coloured path sends back into h_t, written beside its first arrow.
    hx, hy = t * DX, ROW_Y["h"]
    ax.text(hx - 0.3, (hy + ROW_Y["y"]) / 2, rf"$W_{{hy}}^\top \delta^y_{t}$", color=orange, fontsize=16, ha="right")
    ax.text(
        hx + DX / 2, hy - 0.45, rf"$W_{{hh}}^\top \delta^a_{{{t + 1}}}$", color=blue, fontsize=16, ha="center", va="top"
    )
    return ax.figure


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
