"""Notebook 15, section 4: the latching control, the vanilla network trained on targets that carry no information.

For seeds 0-9, the tanh_orth network of course.long_lags (H = 64, orthogonal W_hh) at T = 100, trained as in
experiments/long_lags_memory.py (batches of 16 fresh sequences, clip 1, no stop when solved) for 300 updates
with Adam at two rates, lr: 0.003 (the one the search kept for it on remember) and 0.01 (the first version of this
notebook's, and the reviewer's of issue 21), on two tasks: remember (rnn_lib.data.remember_first: the target is the
sign at step 1) and remember_noise (the same inputs, the target an independent random sign: nothing can be learned).
Every 100 updates: rho, the spectral radius of W_hh; readout, the accuracy with which a least-squares
read-out of the last state h_T recovers the sign at step 1 (course.long_lags.first_sign_readout, fitted on 256
and scored on 256 other sequences of remember_first drawn from rng 3000 + seed; 0.5 is chance); mse_ratio, the
validation MSE / baseline on the run's own task.
"""

import numpy as np
from harness import Experiment, grid, seeds

from course.long_lags import first_sign_readout, mse_ratio, training_run
from rnn_lib import data

T, UPDATES, QUICK_UPDATES, EVERY = 100, 300, 100, 100
RATES = (0.003, 0.01)


def run(case, quick):
    rows = []
    x_probe, sign_probe = data.remember_first(512, T, rng=3000 + case["seed"])
    for update, params, cell, x_val, y_val in training_run(
        case["variant"],
        case["task"],
        T,
        case["seed"],
        lr=case["lr"],
        updates=QUICK_UPDATES if quick else UPDATES,
        every=EVERY,
    ):
        rows.append(
            {
                **case,
                "update": update,
                "rho": float(np.max(np.abs(np.linalg.eigvals(params["W_hh"])))),
                "readout": first_sign_readout(params, cell, x_probe, sign_probe),
                "mse_ratio": mse_ratio(params, cell, x_val, y_val, case["task"]),
            }
        )
    return rows


EXPERIMENT = Experiment(
    name="long_lags_latch",
    protocol=f"tanh_orth, T = {T}, seeds 0-9, lr in {RATES}, {UPDATES} updates on remember and on random targets "
    "(remember_noise); spectral radius and first-sign read-out every 100 updates (see the docstring).",
    key=("task", "variant", "lr", "seed", "update"),
    cases=grid(task=("remember", "remember_noise"), variant=("tanh_orth",), lr=RATES, seed=seeds(10)),
    quick=[{"task": "remember_noise", "variant": "tanh_orth", "lr": 0.01, "seed": 0}],
    run=run,
)

if __name__ == "__main__":
    EXPERIMENT.main()
