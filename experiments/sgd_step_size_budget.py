"""Notebook 07, section 3: the budget behind "η = 0.03 ends above η = 0.01" — the same runs, four times as long.

The problem's recipe as in experiments/sgd_step_size.py (SimpleRNN(1, 5, 1) drawn after np.random.seed(seed), one
sequence [1, 2, 3, 4] → [2, 3, 4, 5], plain SGD on the summed loss L), for η ∈ {0.01, 0.03, 0.1} and 8000 epochs
instead of 2000; no λ_max (sgd_step_size measures it).  The first 2000 epochs are those of sgd_step_size.

Tables: "curves" (the loss before each recorded epoch's step: 40 log-spaced epochs and every 200th); "runs" (per
seed and η: the loss at epochs 1000, 2000, 4000 and 8000, the first epoch whose loss is below 1e-8, 0 if none, and
whether the run diverged: an update that would overflow, or a loss above 1000× its start); "overtake" (per seed: the
first epoch from which η = 0.03's loss stays below η = 0.01's to the end, 0 if it never does, and the crossing count
of the two curves).  Seeds 0-9.  The quick mode re-runs the first 200 epochs of seed 0: the "curves" rows.
"""

import numpy as np
from harness import Experiment, grid, seeds

import rnn_lib

RATES = (0.01, 0.03, 0.1)
EPOCHS, QUICK_EPOCHS = 8000, 200
CHECKPOINTS = sorted({int(round(e)) for e in np.logspace(0, np.log10(EPOCHS), 40)} | set(range(200, EPOCHS + 1, 200)))
MARKS = (1000, 2000, 4000, 8000)
EXACT = 1e-8


def losses(seed, eta, epochs):
    """The loss before each of `epochs` SGD steps (NaN after a divergence), and whether the run diverged."""
    x, y = rnn_lib.data.toy_task()
    np.random.seed(seed)  # the problem's own initialisation
    model = rnn_lib.SimpleRNN(1, 5, 1)
    out = np.full(epochs, np.nan)
    for epoch in range(epochs):
        try:
            out[epoch] = model.train_step(x, y, eta)
        except FloatingPointError:  # the update would overflow; the model is unchanged
            return out, 1
        if out[epoch] > 1e3 * out[0]:
            return out, 1
    return out, 0


def run(case, quick):
    seed = case["seed"]
    epochs = QUICK_EPOCHS if quick else EPOCHS
    runs = {eta: losses(seed, eta, epochs) for eta in RATES}
    curves = [
        {**case, "eta": eta, "epoch": e, "loss": float(runs[eta][0][e - 1])}
        for eta in RATES
        for e in CHECKPOINTS
        if e <= epochs
    ]
    if quick:
        return {"curves": curves, "runs": [], "overtake": []}
    summary = []
    for eta, (loss, diverged) in runs.items():
        exact = np.flatnonzero(loss < EXACT)
        summary.append(
            {
                **case,
                "eta": eta,
                **{f"loss_{m}": float(loss[m - 1]) for m in MARKS},
                "exact_epoch": int(exact[0] + 1) if len(exact) else 0,
                "diverged": diverged,
            }
        )
    below = runs[0.03][0] < runs[0.01][0]  # NaN (a diverged run) compares False
    above = np.flatnonzero(~below)
    overtake = 0 if above.size and above[-1] == EPOCHS - 1 else (int(above[-1]) + 2 if above.size else 1)
    crossings = int(np.count_nonzero(np.diff(below.astype(int))))
    return {"curves": curves, "runs": summary, "overtake": [{**case, "epoch": overtake, "crossings": crossings}]}


EXPERIMENT = Experiment(
    name="sgd_step_size_budget",
    protocol=(
        f"learning rates {RATES}; seeds 0-9 (np.random.seed, SimpleRNN(1, 5, 1)); {EPOCHS} epochs of one SGD step on "
        "the toy task; loss = L before the epoch's step (see the docstring of experiments/sgd_step_size_budget.py)."
    ),
    key={"curves": ("seed", "eta", "epoch"), "runs": ("seed", "eta"), "overtake": ("seed",)},
    cases=grid(seed=seeds(10)),
    quick=grid(seed=[0]),
    run=run,
)

if __name__ == "__main__":
    EXPERIMENT.main()
