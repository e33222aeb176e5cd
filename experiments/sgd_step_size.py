"""Notebook 07, section 3: SGD on the toy task for five learning rates, with λ_max measured along each run.

The problem's recipe (SimpleRNN(1, 5, 1) drawn after np.random.seed(seed), one sequence [1, 2, 3, 4] →
[2, 3, 4, 5], plain SGD on the summed loss L) for 2000 epochs.  At log-spaced epochs: the loss before
that epoch's step, how many epochs so far the loss rose, and λ_max of the Hessian of L at those weights
(power iteration on finite-difference Hessian-vector products, course.diagnostics).  A run stops when
an update would overflow or the loss exceeds 1000× its start (``diverged`` = 1 on all its rows).
The quick mode re-runs the first 20 epochs of seed 0 at η = 0.1 (15 checkpoints, each a power iteration).
"""

import numpy as np
from harness import Experiment, grid, seeds

import rnn_lib
from course.diagnostics import largest_eigenvalue

RATES = (0.001, 0.01, 0.03, 0.1, 0.3)
EPOCHS = 2000
QUICK_EPOCHS = 20
CHECKPOINTS = sorted({int(round(e)) for e in np.logspace(0, np.log10(EPOCHS), 60)})


def run(case, quick):
    x, y = rnn_lib.data.toy_task()

    def gradient(params):
        y_hat, cache = rnn_lib.forward(params, x)
        return rnn_lib.backward(params, cache, rnn_lib.loss_grad(y_hat, y))

    np.random.seed(case["seed"])  # the problem's own initialisation
    model = rnn_lib.SimpleRNN(1, 5, 1)
    epochs = QUICK_EPOCHS if quick else EPOCHS
    rows, losses, rises, diverged = [], [], 0, 0
    for epoch in range(1, epochs + 1):
        params = {k: v.copy() for k, v in model.params.items()}  # the weights before this epoch's step
        try:
            loss = model.train_step(x, y, case["eta"])
        except FloatingPointError:  # the update would overflow; the model is unchanged
            diverged = 1
            break
        rises += bool(losses) and loss > losses[-1]
        losses.append(loss)
        if epoch in CHECKPOINTS or loss > 1e3 * losses[0]:
            lam = largest_eigenvalue(gradient, params, rng=0)
            rows.append({**case, "epoch": epoch, "loss": loss, "rises": int(rises), "lam_max": lam})
        if loss > 1e3 * losses[0]:
            diverged = 1
            break
    return [{**row, "diverged": diverged} for row in rows]


EXPERIMENT = Experiment(
    name="sgd_step_size",
    protocol=(
        f"learning rates {RATES}; seeds 0-9 (np.random.seed, SimpleRNN(1, 5, 1)); {EPOCHS} epochs of one SGD step "
        "on the toy task; loss = L before the epoch's step; lam_max = largest Hessian eigenvalue of L there."
    ),
    key=("eta", "seed", "epoch"),
    cases=grid(eta=RATES, seed=seeds(10)),
    quick=grid(eta=[0.1], seed=[0]),  # one rate: what make test needs is that the code path reproduces its rows
    run=run,
)

if __name__ == "__main__":
    EXPERIMENT.main()
