"""Notebook 09, section 3, one arbitrary choice changed: the size of the sine waves (inputs and targets alike).

clipping_explosion's protocol (the chaotic network, H = 32, gain 2, W_xh ~ 0.1·N(0, 1); 64 training and 64
validation waves of T = 50; 400 updates of 16; η 0.1 clipped at 1, η 0.1 and η 0.001 unclipped; seeds 0-9; its
docstring) with the waves multiplied by an amplitude a ∈ {0.3, 3} instead of 1.  Larger inputs push tanh towards
saturation and damp the chaos (notebook 08), which could spare the unclipped η = 0.1 run; smaller ones leave it
intact.  Tables: "runs" (clipping_explosion's, and the growth ‖∂L_T/∂h_{T−30}‖ / ‖∂L_T/∂h_T‖ after 4 updates,
growth_30_at_4) and "start" (the first 20 updates: loss and gradient norm), which the quick mode re-computes.
"""

import clipping_explosion
from clipping_explosion import QUICK_EPOCHS, VARIANTS, run
from harness import Experiment, grid, seeds

AMPLITUDES = (0.3, 3.0)
START = 4 * QUICK_EPOCHS  # the updates the quick mode re-runs (4 a epoch)


def run_scaled(case, quick):
    tables = run(case, quick)
    start = [row for row in tables["updates"] if row["update"] <= START]
    if quick:
        return {"start": start, "runs": []}
    lags = [r for r in tables["lags"] if r["update"] == 4]
    growth = lags[30]["grad_norm"] / lags[0]["grad_norm"] if lags and lags[0]["grad_norm"] > 0 else float("nan")
    return {"start": start, "runs": [{**row, "growth_30_at_4": growth} for row in tables["runs"]]}


EXPERIMENT = Experiment(
    name="clipping_explosion_choices",
    protocol=f"clipping_explosion with the waves scaled by {AMPLITUDES}; variants {list(VARIANTS)}; seeds 0-9 "
    "(see the docstring).",
    key={"start": ("amplitude", "seed", "variant", "update"), "runs": ("amplitude", "seed", "variant")},
    cases=grid(amplitude=AMPLITUDES, seed=seeds(10), variant=VARIANTS),
    quick=grid(amplitude=AMPLITUDES, seed=[0], variant=VARIANTS),
    run=run_scaled,
    rtol=clipping_explosion.EXPERIMENT.rtol,
    stable=clipping_explosion.EXPERIMENT.stable,  # the chaotic η = 0.1 runs: only their first updates (its docstring)
)

if __name__ == "__main__":
    EXPERIMENT.main()
