"""Notebook 08, sections 2 and 4, one arbitrary choice changed: the hidden size.

gradient_reach's protocol (no training; W_hh rescaled to ρ ∈ {0.5, 1, 1.5}, W_xh ~ N(0, 1), W_hy ~ N(0, 1/H); T = 60
inputs N(0, 1) × s ∈ {0, 0.1, 0.3, 1, 3}; last-step loss; ‖∂L/∂h_{T−k}‖ / ‖∂L/∂h_T‖; seeds 0-19; its docstring)
with H = 8 or 32 instead of 16.  Rows as gradient_reach's, with H as a column.  The quick mode re-runs seed 0.
"""

from gradient_reach import RADII, run
from harness import Experiment, grid, seeds

SIZES = (8, 32)

EXPERIMENT = Experiment(
    name="gradient_reach_choices",
    protocol=f"gradient_reach with H in {SIZES} instead of 16; radii {RADII}; seeds 0-19 (see the docstring).",
    key=("H", "seed", "rho", "scale", "lag"),
    cases=grid(H=SIZES, seed=seeds(20), rho=RADII),
    quick=grid(H=SIZES, seed=[0], rho=RADII),
    run=run,
)

if __name__ == "__main__":
    EXPERIMENT.main()
