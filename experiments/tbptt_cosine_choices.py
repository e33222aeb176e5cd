"""Notebook 10, section 4, one arbitrary choice changed at a time: the size of the waves, the hidden size.

tbptt_cosine's protocol (B = 8 sine waves of T = 128, H = 16, W_hh rescaled to ρ ∈ {0.5, 0.9, 1.5}, W_xh and W_hy
halved, seeds 0-19; its docstring) with one change (VARIANTS): the waves (inputs and targets alike) multiplied by an
amplitude 0.3 or 3 instead of 1, or H = 8 or 32 instead of 16.  Notebook 08 showed the size of the inputs moving
how far the gradient reaches (large inputs saturate tanh and damp it), so the windows truncated BPTT needs at each ρ
may move too; this sweep asks whether they keep their order.  Tables "by_k" and "reach" as in tbptt_cosine, with
the variant and its setting (amplitude, H) as columns.  The quick mode re-computes seed 0.
"""

from harness import Experiment, seeds
from tbptt_cosine import RADII, run

VARIANTS = {"amp0.3": {"amplitude": 0.3}, "amp3": {"amplitude": 3.0}, "H8": {"H": 8}, "H32": {"H": 32}}
BASE = {"amplitude": 1.0, "H": 16}


def run_variant(case, quick):
    return run({**case, **BASE, **VARIANTS[case["variant"]]}, quick)


EXPERIMENT = Experiment(
    name="tbptt_cosine_choices",
    protocol=f"tbptt_cosine with one change at a time from {BASE}: {VARIANTS}; radii {RADII}; seeds 0-19 (see the "
    "docstring).",
    key={"by_k": ("variant", "seed", "rho", "scheme", "k"), "reach": ("variant", "seed", "rho", "lag")},
    cases=[{"variant": v, "seed": s, "rho": rho} for v in VARIANTS for s in seeds(20) for rho in RADII],
    quick=[{"variant": v, "seed": 0, "rho": rho} for v in VARIANTS for rho in RADII],
    run=run_variant,
    rtol=1e-10,  # as tbptt_cosine: ρ = 1.5's reach grows a thousandfold over 128 steps
)

if __name__ == "__main__":
    EXPERIMENT.main()
