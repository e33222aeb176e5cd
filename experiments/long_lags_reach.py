"""Notebook 15, section 4: how much of the last step's error reaches the first input at the start, per gate bias.

For seeds 0-9 and every network of NETWORKS (course.long_lags: tanh_orth, lstm_fb0, lstm_fb1, lstm_fb3, gru,
gru_bz3), drawn as course.long_lags.network draws it for remember_random at T = 100, before any update: grad =
the mean over the 256 validation sequences of experiments/long_lags_memory.py (rng 2000 + seed) of
‖∂L_T/∂x_{T−k}‖ (course.diagnostics.input_gradient_by_lag) at the lags in LAGS.  No training: a gradient each.
"""

from harness import Experiment, grid, seeds

from course.diagnostics import input_gradient_by_lag
from course.long_lags import N_VALIDATION, TASKS, network

NETWORKS = ("tanh_orth", "lstm_fb0", "lstm_fb1", "lstm_fb3", "gru", "gru_bz3")
T, TASK = 100, "remember_random"
LAGS = (0, 1, 2, 5, 10, 20, 30, 40, 50, 60, 70, 80, 90, 99)


def run(case, quick):
    params, cell = network(case["variant"], case["seed"], TASK)
    x_val, y_val = TASKS[TASK][0](N_VALIDATION, T, rng=2000 + case["seed"])  # training_run's validation data
    grad = input_gradient_by_lag(params, x_val, y_val, cell=cell)
    return [{**case, "lag": k, "grad": float(grad[k])} for k in LAGS]


EXPERIMENT = Experiment(
    name="long_lags_reach",
    protocol=f"{NETWORKS} at their initial weights, seeds 0-9, {TASK} at T = {T}: the input gradient by lag "
    "(see the docstring).",
    key=("variant", "seed", "lag"),
    cases=grid(variant=NETWORKS, seed=seeds(10)),
    quick=[{"variant": v, "seed": 0} for v in NETWORKS],
    run=run,
)

if __name__ == "__main__":
    EXPERIMENT.main()
