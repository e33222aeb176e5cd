"""The RNN unrolled in time: x_t → h_t → ŷ_t for t = 1..T, with W_hh carrying h_{t−1} to h_t.

Every node and arrow has a name, so later notebooks can highlight a path through time::

    nodes  "x1" … "xT", "h0" … "hT", "y1" … "yT" (ŷ_t), and "L1" … "LT" with show_loss=True
    edges  ("x3", "h3") W_xh,  ("h2", "h3") W_hh,  ("h3", "y3") W_hy,  ("y3", "L3")

Each drawn patch carries the gid ``"node h3"`` or ``"edge h2->h3"``, so it can be found on the Axes.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Circle, FancyArrowPatch

from .style import COLORS

# One colour per shared weight matrix: the same colour at every step says "the same matrix".
WEIGHT_COLORS = {"W_xh": COLORS["blue"], "W_hh": COLORS["vermillion"], "W_hy": COLORS["green"], "loss": "#555555"}
WEIGHT_LABELS = {"W_xh": "$W_{xh}$", "W_hh": "$W_{hh}$", "W_hy": "$W_{hy}$", "loss": ""}
DIM = "#C8C8C8"  # everything not highlighted, when something is
RADIUS = 0.45
DX = 2.4  # distance between time steps
ROW_Y = {"x": 0.0, "h": 1.9, "y": 3.8, "L": 5.5}
NODE_TEX = {"x": "x", "h": "h", "y": r"\hat{y}", "L": "L"}
NODE_FILL = {"x": "#EAF3FB", "h": "#FDF0E6", "y": "#E6F5EF", "L": "#F0F0F0"}


def _layout(T, show_h0, show_loss):
    """Positions of the nodes and the (source, target, weight) list of the edges."""
    nodes = {f"x{t}": (t * DX, ROW_Y["x"]) for t in range(1, T + 1)}
    nodes.update({f"h{t}": (t * DX, ROW_Y["h"]) for t in range(0 if show_h0 else 1, T + 1)})
    nodes.update({f"y{t}": (t * DX, ROW_Y["y"]) for t in range(1, T + 1)})
    edges = []
    for t in range(1, T + 1):
        edges.append((f"x{t}", f"h{t}", "W_xh"))
        if f"h{t - 1}" in nodes:
            edges.append((f"h{t - 1}", f"h{t}", "W_hh"))
        edges.append((f"h{t}", f"y{t}", "W_hy"))
        if show_loss:
            nodes[f"L{t}"] = (t * DX, ROW_Y["L"])
            edges.append((f"y{t}", f"L{t}", "loss"))
    return nodes, edges


def _as_colour_map(items, default, what, valid):
    """Accept an iterable of names (all in ``default``) or a dict name → colour; refuse unknown names."""
    mapping = dict(items) if isinstance(items, dict) else {item: default for item in items or ()}
    unknown = [name for name in mapping if name not in valid]
    if unknown:
        raise ValueError(f"unknown {what} {unknown}; this figure has {sorted(valid)}")
    return mapping


def draw_unrolled(
    T=4,
    ax=None,
    *,
    highlight_nodes=None,
    highlight_edges=None,
    highlight_color=None,
    show_h0=True,
    show_loss=False,
    edge_labels=True,
    title=None,
    caption=None,
):
    """Draw the network unrolled over T steps and return the matplotlib Axes.

    T: number of time steps drawn.
    ax: Axes to draw on; a new figure sized for T when None.
    highlight_nodes: names such as ``["h2", "h3"]``, or a dict name → colour.
    highlight_edges: pairs such as ``[("h2", "h3")]``, or a dict pair → colour.
    highlight_color: colour of highlighted items given as names (default: orange).
        When anything is highlighted, the rest is drawn in light grey so the path stands out.
    show_h0: draw h_0 (the zero initial state) and its W_hh arrow into h_1.
    show_loss: add the per-step losses L_t above the predictions.
    edge_labels: write the weight's name next to every arrow.
    title: the Axes title; a default naming T when None, "" for none.
    caption: the line under the graph; a default (the same weights at every step) when None, "" for none.
    """
    if isinstance(T, bool) or not isinstance(T, (int, np.integer)) or T < 1:
        raise ValueError(f"T must be a positive integer, got {T!r}")
    T = int(T)
    nodes, edges = _layout(T, show_h0, show_loss)
    colour = highlight_color or COLORS["orange"]
    hl_nodes = _as_colour_map(highlight_nodes, colour, "node name(s)", set(nodes))
    hl_edges = _as_colour_map(
        {tuple(k): v for k, v in highlight_edges.items()}
        if isinstance(highlight_edges, dict)
        else [tuple(e) for e in highlight_edges or ()],
        colour,
        "edge(s)",
        {(a, b) for a, b, _ in edges},
    )
    dim = bool(hl_nodes or hl_edges)

    if ax is None:
        rows = 4 if show_loss else 3
        _, ax = plt.subplots(figsize=(1.9 * (T + 1) + 0.6, 1.55 * rows + 1.0))

    for name, (cx, cy) in nodes.items():
        kind, t = name[0], name[1:]
        edge = hl_nodes.get(name, DIM if dim else "black")
        face = NODE_FILL[kind] if (not dim or name in hl_nodes) else "white"
        circle = Circle((cx, cy), RADIUS, facecolor=face, edgecolor=edge, linewidth=3.5 if name in hl_nodes else 1.8)
        circle.set_gid(f"node {name}")
        ax.add_patch(circle)
        text_colour = "black" if (not dim or name in hl_nodes) else "#9A9A9A"
        ax.text(cx, cy, f"${NODE_TEX[kind]}_{{{t}}}$", ha="center", va="center", fontsize=18, color=text_colour)

    for a, b, weight in edges:
        (xa, ya), (xb, yb) = nodes[a], nodes[b]
        direction = np.array([xb - xa, yb - ya]) / np.hypot(xb - xa, yb - ya)
        start = np.array([xa, ya]) + RADIUS * direction  # from circle edge to circle edge
        end = np.array([xb, yb]) - RADIUS * direction
        highlighted = (a, b) in hl_edges
        edge_colour = hl_edges.get((a, b), DIM if dim else WEIGHT_COLORS[weight])
        arrow = FancyArrowPatch(
            tuple(start),
            tuple(end),
            arrowstyle="-|>",
            mutation_scale=22,
            linewidth=4.0 if highlighted else 2.2,
            color=edge_colour,
            shrinkA=0,
            shrinkB=0,
        )
        arrow.set_gid(f"edge {a}->{b}")
        ax.add_patch(arrow)
        if edge_labels and WEIGHT_LABELS[weight]:
            mx, my = (start + end) / 2
            if weight == "W_hh":
                ax.text(mx, my + 0.17, WEIGHT_LABELS[weight], ha="center", va="bottom", fontsize=14, color=edge_colour)
            else:
                ax.text(mx + 0.12, my, WEIGHT_LABELS[weight], ha="left", va="center", fontsize=14, color=edge_colour)

    first = 0 if show_h0 else 1
    top = ROW_Y["L" if show_loss else "y"]
    for t in range(1, T + 1):
        ax.text(t * DX, ROW_Y["x"] - RADIUS - 0.25, f"t = {t}", ha="center", va="top", fontsize=13, color="#555555")
    if show_h0:
        ax.text(0, ROW_Y["h"] - RADIUS - 0.2, "= 0", ha="center", va="top", fontsize=13, color="#555555")
    ax.text(
        (first + T) * DX / 2,
        ROW_Y["x"] - RADIUS - 0.85,
        "the same $W_{xh}$, $W_{hh}$, $W_{hy}$, $b_h$, $b_y$ at every step" if caption is None else caption,
        ha="center",
        va="top",
        fontsize=13,
        style="italic",
    )
    ax.set_xlim(first * DX - RADIUS - 0.5, T * DX + RADIUS + 0.9)
    ax.set_ylim(ROW_Y["x"] - RADIUS - 1.35, top + RADIUS + 0.3)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(f"The RNN unrolled over T = {T} steps" if title is None else title)
    return ax
