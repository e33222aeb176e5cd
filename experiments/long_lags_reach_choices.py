"""Notebook 15, section 4, the reach at the start with one choice changed: the input scale, the length T.

long_lags_reach's measurement (every network of its NETWORKS drawn as course.long_lags.network draws it for
remember_random, seeds 0-9, before any update: the mean over 256 validation sequences, rng 2000 + seed, of
‖∂L_T/∂x_{T−k}‖; its docstring) with one change (CHANGES): every input (value and marker) × 0.1 or × 3 at T = 100,
which moves the gates' and tanh's operating point (× 3 saturates them, × 0.1 leaves them near their biases); or
T = 50 or 200 at the inputs' own scale (the sign then sits at a random step 2 … T/2, and x_1 is T − 1 steps back).
Rows: change, variant, seed, lag, grad, at the lags of LAGS below T and at T − 1 (the first input).  The quick mode
re-computes seed 0 of lstm_fb1 under each change.
"""

from harness import Experiment, grid, seeds
from long_lags_reach import LAGS, NETWORKS, TASK

from course.diagnostics import input_gradient_by_lag
from course.long_lags import N_VALIDATION, TASKS, network

CHANGES = {  # name → (T, input scale)
    "x0.1": (100, 0.1),
    "x3": (100, 3.0),
    "T50": (50, 1.0),
    "T200": (200, 1.0),
}


def run(case, quick):
    T, scale = CHANGES[case["change"]]
    params, cell = network(case["variant"], case["seed"], TASK)
    x_val, y_val = TASKS[TASK][0](N_VALIDATION, T, rng=2000 + case["seed"])  # training_run's validation data
    grad = input_gradient_by_lag(params, scale * x_val, y_val, cell=cell)
    lags = sorted({k for k in LAGS if k < T} | {T - 1})
    return [{**case, "lag": k, "grad": float(grad[k])} for k in lags]


EXPERIMENT = Experiment(
    name="long_lags_reach_choices",
    protocol=f"long_lags_reach ({NETWORKS} at their initial weights, {TASK}) with one change at a time, (T, input "
    f"scale) from (100, 1): {CHANGES}; seeds 0-9 (see the docstring).",
    key=("change", "variant", "seed", "lag"),
    cases=grid(change=CHANGES, variant=NETWORKS, seed=seeds(10)),
    quick=grid(change=CHANGES, variant=("lstm_fb1",), seed=[0]),
    run=run,
)

if __name__ == "__main__":
    EXPERIMENT.main()
