"""Notebook 12, section 2, one arbitrary choice changed at a time: η, W_hh's radius, input scale, markers, batch, clip.

adding_budget's protocol (2048 training and 512 validation sequences of the adding problem, H = 32,
init_params(scale=0.5) with W_hh rescaled to spectral radius 0.8 and b_y = 1, batches of 32, η = 0.1, clipping by
global norm at 1, a record every 256 updates, at most 25,600; its docstring) with one change (VARIANTS), each on
seeds 0-4 (five of the ten the claims were written on: what the compute allowed):

- ``lr0.05``, ``lr0.2``: η = 0.05 or 0.2 instead of 0.1 (none was searched): the budget claims count updates, and
  the step size could change how many are needed, so these ask which claims are about η = 0.1 only;
- ``rho1``: W_hh rescaled to spectral radius 1.0 instead of 0.8: the gradient reaching the first marker fades more
  slowly, which could help most at the longest lags;
- ``x0.5``: every input (values and markers) halved, targets unchanged, so the baseline is still 1/6: the network
  must learn weights twice as large from inputs that move tanh half as far;
- ``first1``: the first marker always at step 1 (the same draws with that marker moved, targets re-summed) instead
  of uniform in the first half: the first value then waits T − 1 steps, the longest lag the task allows (and its
  position is known in advance: the change moves both);
- ``batch16``: batches of 16 (128 updates per epoch, a record every 2 epochs), still counted in updates: noisier
  steps at the same rate;
- ``noclip``: no clipping instead of clipping at 1: at η = 0.1 a long sequence's rare large gradient is then taken
  whole.

Each (variant, T, seed) run STOPS at its first record where the validation MSE is below half the baseline's (or at the
25,600-update budget, or at its last record before an overflow; without clipping some runs blow up to MSE ratios of
1e28 and more and run on, or overflow): the claims these runs test (``_needed`` in course.claims.projects) read only
that record, and stopping there cost 1,084 s of CPU for the 210 runs, about a sixth of full runs (one BLAS thread,
nice'd on the shared machine; x0.5 286 s, noclip 206 s, the others 93-136 s). Up to that record the rows are
adding_budget's own "curves" records (mse_ratio, input_reach), with the variant and its six settings as columns; a run
with the base's settings makes the stored adding_budget rows exactly (tests/test_experiments.py). The quick mode
re-runs the first 256 updates at T = 5, seed 0, of each variant.
"""

from adding_budget import LENGTHS, run
from harness import Experiment, grid, seeds

BASE = {"lr": 0.1, "rho": 0.8, "input_scale": 1.0, "first_marker": "uniform", "batch_size": 32, "clip": 1.0}
VARIANTS = {
    "lr0.05": {"lr": 0.05},
    "lr0.2": {"lr": 0.2},
    "rho1": {"rho": 1.0},
    "x0.5": {"input_scale": 0.5},
    "first1": {"first_marker": "step 1"},
    "batch16": {"batch_size": 16},
    "noclip": {"clip": 0.0},
}
SEEDS = seeds(5)


def run_variant(case, quick):
    """One (variant, T, seed): adding_budget's run with the variant's one change, stopped below half the baseline."""
    return run({**case, **BASE, **VARIANTS[case["variant"]]}, quick, stop_below_half=True)


EXPERIMENT = Experiment(
    name="adding_budget_choices",
    protocol=f"adding_budget with one change at a time from {BASE}: {VARIANTS}; T in {LENGTHS}; seeds 0-4; each run "
    "stops at its first record below half the baseline (see the docstring).",
    key=("variant", "T", "seed", "update"),
    cases=[{"variant": v, **case} for v in VARIANTS for case in grid(T=LENGTHS, seed=SEEDS)],
    quick=[{"variant": v, "T": 5, "seed": 0} for v in VARIANTS],
    run=run_variant,
)

if __name__ == "__main__":
    EXPERIMENT.main()
