"""Notebook 07, section 3, one arbitrary choice changed at a time: the initial scale, the input scale, H.

The problem's recipe as in experiments/sgd_step_size.py and sgd_step_size_budget.py (SimpleRNN(1, 5, 1) drawn after
np.random.seed(seed), N(0, 1)·0.01 weights; one sequence [1, 2, 3, 4] → [2, 3, 4, 5]; plain SGD on the summed loss
L; a run stops when an update would overflow or the loss passes 1000× its start), with one change (VARIANTS):

    init0.1, init10   every weight the problem draws multiplied by 0.1 or 10 (N(0, 1)·0.001 or ·0.1).  The problem's
                      own initialisation is part of its statement: these are variations to report, not new defaults.
    x0.5, x2          inputs and targets multiplied by 0.5 or 2 (the same task in other units).
    H3, H10           3 or 10 hidden units instead of 5 (drawn the same way after np.random.seed(seed)).

For each (variant, seed), η ∈ {0.01, 0.03, 0.1} run 8000 epochs (sgd_step_size_budget's rates and budget) and η ∈
{0.001, 0.3} run 2000 (sgd_step_size's budget; 0.3 diverges there).  No λ_max.  Table "runs", one row per (variant,
seed, η): the loss before epochs 20, 1000, 2000, 4000 and 8000 (NaN past a run's end or its divergence), the epoch of
the divergence (0 if none), the epochs in the first 2000 in which the loss rose, and the first epoch whose loss is
below 1e-8 (0 if none).  Table "overtake", one row per (variant, seed): the first epoch from which η = 0.03's loss
stays below η = 0.01's to epoch 8000 (0 if it never does).  Table "start": the loss before each of the first 50
epochs of every rate, which the quick mode re-computes.  Seeds 0-9.
"""

import numpy as np
from harness import Experiment, seeds

import rnn_lib

VARIANTS = {
    "init0.1": {"init": 0.1},
    "init10": {"init": 10.0},
    "x0.5": {"scale": 0.5},
    "x2": {"scale": 2.0},
    "H3": {"H": 3},
    "H10": {"H": 10},
}
BASE = {"init": 1.0, "scale": 1.0, "H": 5}
RATES = {0.001: 2000, 0.01: 8000, 0.03: 8000, 0.1: 8000, 0.3: 2000}  # η → epochs
MARKS, START, EXACT = (20, 1000, 2000, 4000, 8000), 50, 1e-8


def losses(seed, eta, epochs, *, init, scale, H):
    """The loss before each of ``epochs`` SGD steps (NaN after a divergence), and the divergence's epoch (0: none)."""
    x, y = rnn_lib.data.toy_task()
    x, y = scale * x, scale * y
    np.random.seed(seed)  # the problem's own initialisation, then the variant's one change
    model = rnn_lib.SimpleRNN(1, H, 1)
    for name in ("W_xh", "W_hh", "W_hy"):
        getattr(model, name)[...] *= init
    out = np.full(epochs, np.nan)
    for epoch in range(epochs):
        try:
            out[epoch] = model.train_step(x, y, eta)
        except FloatingPointError:  # the update would overflow; the model is unchanged
            return out, epoch + 1
        if out[epoch] > 1e3 * out[0]:
            return out, epoch + 1
    return out, 0


def run(case, quick):
    setting = {**BASE, **VARIANTS[case["variant"]]}
    runs = {eta: losses(case["seed"], eta, START if quick else n, **setting) for eta, n in RATES.items()}
    start = [
        {**case, "eta": eta, "epoch": e + 1, "loss": float(loss[e])}
        for eta, (loss, _) in runs.items()
        for e in range(START)
    ]
    if quick:
        return {"start": start, "runs": [], "overtake": []}
    rows = []
    for eta, (loss, diverged) in runs.items():
        rises = int(np.count_nonzero(np.diff(loss[:2000]) > 0))
        exact = np.flatnonzero(loss < EXACT)
        rows.append(
            {
                **case,
                "eta": eta,
                **{f"loss_{m}": float(loss[m - 1]) if m <= len(loss) else float("nan") for m in MARKS},
                "diverged": diverged,
                "rises": rises,
                "exact_epoch": int(exact[0] + 1) if len(exact) else 0,
            }
        )
    below = runs[0.03][0] < runs[0.01][0]  # NaN (a diverged run) compares False
    above = np.flatnonzero(~below)
    overtake = 0 if above.size and above[-1] == len(below) - 1 else (int(above[-1]) + 2 if above.size else 1)
    return {"start": start, "runs": rows, "overtake": [{**case, "epoch": overtake}]}


EXPERIMENT = Experiment(
    name="sgd_step_size_choices",
    protocol=(
        f"the toy task's SGD runs (sgd_step_size, sgd_step_size_budget) with one change at a time: {VARIANTS}; rates "
        f"and epochs {RATES}; seeds 0-9 (see the docstring of experiments/sgd_step_size_choices.py)."
    ),
    key={
        "start": ("variant", "seed", "eta", "epoch"),
        "runs": ("variant", "seed", "eta"),
        "overtake": ("variant", "seed"),
    },
    cases=[{"variant": v, "seed": s} for v in VARIANTS for s in seeds(10)],
    quick=[{"variant": v, "seed": 0} for v in VARIANTS],
    run=run,
)

if __name__ == "__main__":
    EXPERIMENT.main()
