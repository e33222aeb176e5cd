"""Notebook 15, sections 3 and 4: six networks on two long-lag tasks, by sequence length, over seeds.

For each task (adding: rnn_lib.data.adding_problem; remember: rnn_lib.data.remember_first), each length T in
LENGTHS, each seed 0-9 and each variant of course.long_lags (tanh_random, tanh_orth, irnn, lstm_fb0, lstm_fb1,
gru; hidden sizes 64, 64, 64, 31, 31, 36, i.e. 4353 to 4372 parameters): course.long_lags.training_run, the same
for every network: Adam with the learning rate chosen for that (variant, task) by experiments/long_lags_lr.py
(LEARNING_RATES below), 3000 updates of 16 fresh sequences each, clipping by global norm at 1, b_y started at
the baseline's answer.  The network is drawn from the seed (so tanh_random and tanh_orth share W_xh and W_hy,
lstm_fb0 and lstm_fb1 every weight), the training data from rng 1000 + seed, 256 validation sequences from
rng 2000 + seed.

Table "curves", every 100 updates from update 0: mse_ratio, the validation MSE divided by the baseline's (the
constant prediction of the mean target: 1/6 for adding, 1 for remember).
Table "lags", at the start (update 0) and the end (update 3000): grad = the mean over the validation sequences of
‖∂L_T/∂x_{T−k}‖ (course.diagnostics.input_gradient_by_lag) at lags k in LAGS below T, and k = T − 1.
A run that diverges stops; its later mse_ratio and its final grad are NaN.
"""

import math

from harness import Experiment, grid, seeds

from course.diagnostics import input_gradient_by_lag
from course.long_lags import TASKS, VARIANTS, mse_ratio, training_run

LENGTHS = (10, 20, 50, 100)
UPDATES, QUICK_UPDATES, EVERY = 3000, 100, 100
LAGS = (0, 1, 2, 3, 5, 7, 10, 15, 20, 30, 40, 50, 60, 70, 80, 90)
LEARNING_RATES = {  # (task, variant) → Adam's lr, as chosen by experiments/long_lags_lr.py
    ("adding", "tanh_random"): 0.001,
    ("adding", "tanh_orth"): 0.001,
    ("adding", "irnn"): 0.001,
    ("adding", "lstm_fb0"): 0.01,
    ("adding", "lstm_fb1"): 0.01,
    ("adding", "gru"): 0.01,
    ("remember", "tanh_random"): 0.01,
    ("remember", "tanh_orth"): 0.01,
    ("remember", "irnn"): 0.01,
    ("remember", "lstm_fb0"): 0.001,
    ("remember", "lstm_fb1"): 0.001,
    ("remember", "gru"): 0.01,
}


def run(case, quick):
    task, variant, T = case["task"], case["variant"], case["T"]
    lags = sorted({k for k in LAGS if k < T} | {T - 1})
    updates = QUICK_UPDATES if quick else UPDATES
    curves, profiles = [], []
    for update, params, cell, x_val, y_val in training_run(
        variant, task, T, case["seed"], lr=LEARNING_RATES[task, variant], updates=updates, every=EVERY
    ):
        curves.append({**case, "update": update, "mse_ratio": mse_ratio(params, cell, x_val, y_val, task)})
        if update in (0, UPDATES):
            grad = input_gradient_by_lag(params, x_val, y_val, cell=cell)
            profiles += [{**case, "update": update, "lag": k, "grad": float(grad[k])} for k in lags]
    reached = curves[-1]["update"]
    if reached < updates:  # the run diverged: NaN for every measurement it did not reach
        curves += [{**case, "update": u, "mse_ratio": math.nan} for u in range(reached + EVERY, updates + 1, EVERY)]
        if updates == UPDATES:
            profiles += [{**case, "update": UPDATES, "lag": k, "grad": math.nan} for k in lags]
    return {"curves": curves, "lags": profiles}


EXPERIMENT = Experiment(
    name="long_lags",
    protocol=f"T in {LENGTHS}; seeds 0-9; six networks of about 4360 parameters; Adam, {UPDATES} updates of 16 "
    "fresh sequences, clip 1 (see the docstring).",
    key={
        "curves": ("task", "T", "seed", "variant", "update"),
        "lags": ("task", "T", "seed", "variant", "update", "lag"),
    },
    cases=grid(task=tuple(TASKS), T=LENGTHS, seed=seeds(10), variant=tuple(VARIANTS)),
    quick=grid(task=tuple(TASKS), T=(10,), seed=(0,), variant=tuple(VARIANTS)),
    run=run,
)

if __name__ == "__main__":
    EXPERIMENT.main()
