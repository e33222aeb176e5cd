"""One look for every figure: large enough to read when projected, colour-blind safe.

The font sizes keep text at least 10 px high where JupyterLab shows it (tests/test_figures_readable.py) in figures
up to about 14.5 inches wide: a wider figure is shrunk to the notebook's width, and its text with it.
"""

from __future__ import annotations

import matplotlib as mpl
import matplotlib.pyplot as plt

# Okabe & Ito (2008) palette: distinguishable with every common colour-vision deficiency.
COLORS = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "sky": "#56B4E9",
    "purple": "#CC79A7",
    "yellow": "#F0E442",
    "black": "#000000",
}
CYCLE = [COLORS[k] for k in ("blue", "orange", "green", "vermillion", "sky", "purple", "black")]


def use_course_style() -> None:
    """Set matplotlib's defaults for the course: readable fonts, the palette above, tidy axes."""
    mpl.rcParams.update(
        {
            "figure.figsize": (8, 4.5),
            "figure.dpi": 100,
            "font.size": 16,
            "axes.titlesize": 17,
            "axes.labelsize": 16,
            "legend.fontsize": 15,
            "xtick.labelsize": 15,
            "ytick.labelsize": 15,
            "lines.linewidth": 2.2,
            "axes.grid": True,
            "grid.alpha": 0.3,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.prop_cycle": mpl.cycler(color=CYCLE),
        }
    )


def axes_or_new(ax):
    """``ax`` itself, or the Axes of a new figure when it is None: every plotting function starts here."""
    return plt.subplots()[1] if ax is None else ax
