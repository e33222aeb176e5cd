"""Notebook 15, section 4, one arbitrary choice of the latching control changed at a time: init, input scale, batch.

long_lags_latch's protocol on random targets (remember_noise; tanh_orth, H = 64, T = 100, Adam at η 0.003 and
0.01, batches of 16 fresh sequences, clip 1, 300 updates; rho, the first-sign read-out and mse_ratio every 100
updates; seeds 0-9; its docstring) with one change (CHANGES), each picked because it could plausibly decide whether
a latch forms without being asked for:

- the initial W_hh: N(0, 1/H) instead of orthogonal (course.long_lags' tanh_random: spectral radius near 1 too, but
  not every direction kept), or orthogonal × 0.5 (spectral radius 0.5: the state forgets the first sign at the
  start, so a latch must be grown from a contracting network);
- every input (value and marker) × 0.1 or × 3: the first sign enters weakly, or saturates tanh from step 1;
- batches of 4 or 64 fresh sequences instead of 16: more or less gradient noise, the thing that might grow W_hh on
  targets that carry no information.

The first-sign read-out is fitted and scored on remember_first sequences scaled like the training inputs.  Rows as
long_lags_latch's (change, task, variant, lr, seed, update: rho, readout, mse_ratio).  The quick mode re-runs seed 0
at η = 0.01 under each change: the first 100 updates under QUICK_TRAINED's, the start under the others.
"""

import numpy as np
from harness import Experiment, grid, seeds

from course.long_lags import first_sign_readout, mse_ratio, training_run
from rnn_lib import data

T, UPDATES, QUICK_UPDATES, EVERY = 100, 300, 100, 100
RATES = (0.003, 0.01)
QUICK_TRAINED = ("random_w", "x3")  # the quick mode trains these for 100 updates (the others: update 0)
CHANGES = {  # name → (the network of course.long_lags, training_run's keywords)
    "random_w": ("tanh_random", {}),
    "orth0.5": ("tanh_orth", {"recurrent_scale": 0.5}),
    "x0.1": ("tanh_orth", {"input_scale": 0.1}),
    "x3": ("tanh_orth", {"input_scale": 3.0}),
    "batch4": ("tanh_orth", {"batch": 4}),
    "batch64": ("tanh_orth", {"batch": 64}),
}


def run(case, quick):
    variant, change = CHANGES[case["change"]]
    rows = []
    x_probe, sign_probe = data.remember_first(512, T, rng=3000 + case["seed"])
    x_probe = change.get("input_scale", 1.0) * x_probe
    for update, params, cell, x_val, y_val in training_run(
        variant,
        case["task"],
        T,
        case["seed"],
        lr=case["lr"],
        updates=(QUICK_UPDATES if case["change"] in QUICK_TRAINED else 0) if quick else UPDATES,
        every=EVERY,
        **change,
    ):
        rows.append(
            {
                **case,
                "variant": variant,
                "update": update,
                "rho": float(np.max(np.abs(np.linalg.eigvals(params["W_hh"])))),
                "readout": first_sign_readout(params, cell, x_probe, sign_probe),
                "mse_ratio": mse_ratio(params, cell, x_val, y_val, case["task"]),
            }
        )
    return rows


EXPERIMENT = Experiment(
    name="long_lags_latch_choices",
    protocol=f"long_lags_latch on random targets (remember_noise), lr in {RATES}, {UPDATES} updates, with one change "
    f"at a time: {CHANGES}; seeds 0-9 (see the docstring).",
    key=("change", "task", "lr", "seed", "update"),
    cases=grid(change=CHANGES, task=("remember_noise",), lr=RATES, seed=seeds(10)),
    quick=grid(change=CHANGES, task=("remember_noise",), lr=(0.01,), seed=[0]),
    run=run,
)

if __name__ == "__main__":
    EXPERIMENT.main()
