"""Figures for notebook 06: the error of a finite difference against ε, and the bug gallery's signatures."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from .style import COLORS, axes_or_new


def plot_error_vs_eps(eps, errors, *, tol=None, ax=None):
    """Relative error of a finite-difference gradient against ε, one log–log curve per dtype.

    eps: 1-D array of step sizes.  errors: dict label → array of relative errors, like eps.
    The minimum of each curve is marked; ``tol`` draws the pass line of the checker.
    """
    ax = axes_or_new(ax)
    lowest = 1.0
    for (label, err), color in zip(errors.items(), (COLORS["blue"], COLORS["vermillion"], COLORS["green"])):
        err = np.maximum(np.asarray(err, dtype=float), 1e-17)  # an exact 0 cannot sit on a log axis
        ax.loglog(eps, err, "o-", color=color, markersize=4, label=label)
        best = int(np.argmin(err))
        lowest = min(lowest, float(err[best]))
        ax.loglog(eps[best], err[best], "*", color=color, markersize=18, markeredgecolor="black")
        ax.annotate(
            f"best ε ≈ {eps[best]:.0e}",
            (eps[best], err[best]),
            textcoords="offset points",
            xytext=(0, -22),
            ha="center",
            color=color,
            fontsize=12,
        )
    if tol is not None:
        ax.axhline(tol, color="grey", linestyle="--", linewidth=1.5, label=f"pass line {tol:.0e}")
    ax.set_ylim(bottom=lowest / 30)  # room for the labels under the minima
    ax.set_xlabel("step ε")
    ax.set_ylabel("relative error of the gradient")
    ax.legend(loc="lower left")
    return ax


def plot_bug_heatmap(signatures, *, tol=1e-7, ax=None):
    """Bugs × parameters, colour = log10 of the relative error; each cell is labelled with its value.

    signatures: dict bug name → dict parameter name → relative error (all with the same parameter names).
    Cells at or below ``tol`` (the check passes) are light, failing cells dark.
    """
    ax = axes_or_new(ax)
    bugs = list(signatures)
    params = list(next(iter(signatures.values())))
    logerr = np.log10(np.maximum([[signatures[b][p] for p in params] for b in bugs], 1e-16))
    cmap = plt.get_cmap("cividis_r")
    image = ax.imshow(logerr, cmap=cmap, vmin=-12, vmax=0, aspect="auto")
    for i, b in enumerate(bugs):
        for j, p in enumerate(params):
            e = signatures[b][p]
            text = "ok" if e <= tol else f"{e:.0e}"
            ax.text(j, i, text, ha="center", va="center", fontsize=12, color="white" if logerr[i, j] > -6 else "black")
    ax.set_xticks(range(len(params)), params)
    ax.set_yticks(range(len(bugs)), bugs)
    ax.tick_params(top=True, labeltop=True, bottom=False, labelbottom=False)
    ax.grid(False)
    cbar = ax.figure.colorbar(image, ax=ax)
    cbar.set_label("log10 relative error")
    return ax
