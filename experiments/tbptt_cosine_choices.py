"""Notebook 10, section 4, one arbitrary choice changed: the size of the waves (inputs and targets alike).

tbptt_cosine's protocol (B = 8 sine waves of T = 128, H = 16, W_hh rescaled to ρ ∈ {0.5, 0.9, 1.5}, W_xh and W_hy
halved, seeds 0-19; its docstring) with the waves multiplied by an amplitude a ∈ {0.3, 3} instead of 1.  Notebook
08 showed the size of the inputs moving how far the gradient reaches (large inputs saturate tanh and damp it), so
the windows truncated BPTT needs at each ρ may move too; this sweep asks whether they keep their order.  Tables
"by_k" and "reach" as in tbptt_cosine, with the amplitude as a column.  The quick mode re-computes seed 0.
"""

from harness import Experiment, grid, seeds
from tbptt_cosine import RADII, run

AMPLITUDES = (0.3, 3.0)

EXPERIMENT = Experiment(
    name="tbptt_cosine_choices",
    protocol=f"tbptt_cosine with the waves scaled by {AMPLITUDES}; radii {RADII}; seeds 0-19 (see the docstring).",
    key={"by_k": ("amplitude", "seed", "rho", "scheme", "k"), "reach": ("amplitude", "seed", "rho", "lag")},
    cases=grid(amplitude=AMPLITUDES, seed=seeds(20), rho=RADII),
    quick=grid(amplitude=AMPLITUDES, seed=[0], rho=RADII),
    run=run,
    rtol=1e-10,  # as tbptt_cosine: ρ = 1.5's reach grows a thousandfold over 128 steps
)

if __name__ == "__main__":
    EXPERIMENT.main()
