"""Notebook 09, section 4, one arbitrary choice changed at a time: the waves' size, the initial scale, the batch.

step_size_instability's protocol (32 waves of T = 20, H = 8, init_params(scale=0.3), 240 updates of 8; η 0.1
unclipped, η 0.1 clipped at 1, η 0.01 unclipped; seeds 0-9; its docstring) with one change (CHANGES): the waves
(inputs and targets alike) multiplied by an amplitude 0.3 or 3 instead of 1; the initial weights' scale 0.1 or 1
instead of 0.3; batches of 4 or 16 instead of 8 (30 or 120 epochs: 240 updates still).  The inputs' size and the
weights move λ_max of the mean loss, and with it the limit 2/λ_max that η = 0.1 exceeds; the batch changes the
gradient's noise, not the limit.  Tables: "runs" (step_size_instability's) and "start" (the first 12 updates: loss
and gradient norm; with batches of 16, the 3 epochs' 6), which the quick mode re-computes.
"""

import step_size_instability
from harness import Experiment, grid, seeds
from step_size_instability import VARIANTS, run

CHANGES = {
    "amp0.3": {"amplitude": 0.3},
    "amp3": {"amplitude": 3.0},
    "init0.1": {"init_scale": 0.1},
    "init1": {"init_scale": 1.0},
    "batch4": {"batch": 4},
    "batch16": {"batch": 16},
}
BASE = {"amplitude": 1.0, "init_scale": 0.3, "batch": 8}


def run_changed(case, quick):
    tables = run({**case, **BASE, **CHANGES[case["change"]]}, quick)
    return {"start": tables["updates"][:12], "runs": tables["runs"]}


EXPERIMENT = Experiment(
    name="step_size_instability_choices",
    protocol=f"step_size_instability with one change at a time from {BASE}: {CHANGES}; variants {list(VARIANTS)}; "
    "seeds 0-9 (see the docstring).",
    key={"start": ("change", "seed", "variant", "update"), "runs": ("change", "seed", "variant")},
    cases=grid(change=CHANGES, seed=seeds(10), variant=VARIANTS),
    quick=grid(change=CHANGES, seed=[0], variant=VARIANTS),
    run=run_changed,
    rtol=step_size_instability.EXPERIMENT.rtol,
)

if __name__ == "__main__":
    EXPERIMENT.main()
