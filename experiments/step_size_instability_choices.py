"""Notebook 09, section 4, one arbitrary choice changed: the size of the sine waves (inputs and targets alike).

step_size_instability's protocol (32 waves of T = 20, H = 8, init_params(scale=0.3), 240 updates of 8; η 0.1
unclipped, η 0.1 clipped at 1, η 0.01 unclipped; seeds 0-9; its docstring) with the waves multiplied by an
amplitude a ∈ {0.3, 3} instead of 1.  The inputs' size moves λ_max of the mean loss, and with it the limit
2/λ_max that η = 0.1 exceeds.  Tables: "runs" (step_size_instability's) and "start" (the first 12 updates:
loss and gradient norm), which the quick mode re-computes.
"""

import step_size_instability
from harness import Experiment, grid, seeds
from step_size_instability import VARIANTS, run

AMPLITUDES = (0.3, 3.0)


def run_scaled(case, quick):
    tables = run(case, quick)
    return {"start": tables["updates"][: 4 * step_size_instability.QUICK_EPOCHS], "runs": tables["runs"]}


EXPERIMENT = Experiment(
    name="step_size_instability_choices",
    protocol=f"step_size_instability with the waves scaled by {AMPLITUDES}; variants {list(VARIANTS)}; seeds 0-9 "
    "(see the docstring).",
    key={"start": ("amplitude", "seed", "variant", "update"), "runs": ("amplitude", "seed", "variant")},
    cases=grid(amplitude=AMPLITUDES, seed=seeds(10), variant=VARIANTS),
    quick=grid(amplitude=AMPLITUDES, seed=[0], variant=VARIANTS),
    run=run_scaled,
    rtol=step_size_instability.EXPERIMENT.rtol,
)

if __name__ == "__main__":
    EXPERIMENT.main()
