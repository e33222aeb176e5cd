"""Notebook 12, section 2: how many updates a vanilla RNN needs on the adding problem, by sequence length.

For each seed and T: 2048 training and 512 validation sequences of rnn_lib.data.adding_problem (rng =
seed and 100 + seed); the notebook's network: H = 32, rnn_lib.init_params(2, 32, 1, scale=0.5,
rng=default_rng(seed)), W_hh rescaled to spectral radius 0.8, output bias 1.0 (the baseline's answer);
rnn_lib.training.train with batches of 32 (64 updates per epoch), η = 0.1, clipping by global norm at 1,
shuffling with default_rng(seed), for 400 epochs (25,600 updates).

Table "curves", every 4 epochs (256 updates) from update 0: the validation MSE divided by the baseline's 1/6
(``mse_ratio``: 1 = learned nothing, 0 = perfect), and how much of the last step's error reaches the
first input, ``input_reach`` = mean ‖∂L/∂x_1‖ / mean ‖∂L/∂x_T‖ over the validation sequences.
"""

import numpy as np
from harness import Experiment, grid, seeds

import rnn_lib
from rnn_lib.training import TrainingDiverged, evaluate, train

LENGTHS = (5, 10, 20, 30, 40, 60)
UPDATES, QUICK_UPDATES = 25_600, 256
EVERY = 256  # updates between two records (4 epochs of 64 batches of 32)
EPOCHS = UPDATES // 64
BASELINE = 1.0 / 6.0  # the MSE of always predicting the mean target, 1.0


def adding_network(seed, rho=0.8):
    net = rnn_lib.init_params(2, 32, 1, rng=np.random.default_rng(seed), scale=0.5)
    net["W_hh"] *= rho / np.max(np.abs(np.linalg.eigvals(net["W_hh"])))  # spectral radius rho (0.8 here)
    net["b_y"][:] = 1.0  # start at the baseline: predict the mean target
    return net


def first_marker_at_step_1(x):
    """The same sequences with each first marker moved to step 1 (the longest lag); the targets re-summed.

    Inputs: x (T, B, 2) of rnn_lib.data.adding_problem.  Returns (x, y): a new x (T, B, 2) and y (B, 1)."""
    x, half, cols = x.copy(), x.shape[0] // 2, np.arange(x.shape[1])
    x[np.argmax(x[:half, :, 1], axis=0), cols, 1] = 0.0  # the marker of the first half ...
    x[0, :, 1] = 1.0  # ... now at step 1; the marker of the second half stays
    return x, np.sum(x[:, :, 0] * x[:, :, 1], axis=0)[:, None]


def input_reach(net, x, y):
    y_hat, cache = rnn_lib.forward(net, x)
    dy = np.zeros_like(y_hat)
    dy[-1] = y_hat[-1] - y  # only the last step is scored
    reach = np.linalg.norm(rnn_lib.backward(net, cache, dy)["x"], axis=2).mean(axis=1)  # (T,): mean ‖∂L/∂x_t‖
    return float(reach[0] / reach[-1])


def run(case, quick, stop_below_half=False):
    """The rows of one (T, seed): a record every 256 updates from update 0 to UPDATES (quick: to 256).

    adding_budget_choices changes one setting (the case names it: lr, rho, input_scale, first_marker, batch_size,
    clip; clip 0 is none) and stops at the first record below half the baseline (stop_below_half); the sweep's own
    cases keep the defaults.  A run that overflows (no clipping) ends at its last record before the overflow."""
    seed, T = case["seed"], case["T"]
    lr, rho, scale = case.get("lr", 0.1), case.get("rho", 0.8), case.get("input_scale", 1.0)
    batch, clip, first = case.get("batch_size", 32), case.get("clip", 1.0), case.get("first_marker", "uniform")
    per_epoch = 2048 // batch  # updates per epoch
    if 2048 % batch or EVERY % per_epoch:
        raise ValueError(f"batch_size must divide 2048 into a whole number of epochs per 256 updates, got {batch}")
    if first not in ("uniform", "step 1"):
        raise ValueError(f"first_marker must be 'uniform' or 'step 1', got {first!r}")
    x, y = rnn_lib.data.adding_problem(2048, T, rng=seed)
    x_val, y_val = rnn_lib.data.adding_problem(512, T, rng=100 + seed)
    if first == "step 1":  # the same draws, the first marker moved: its value waits T − 1 steps, the longest lag
        (x, y), (x_val, y_val) = first_marker_at_step_1(x), first_marker_at_step_1(x_val)
    if scale != 1.0:  # values and markers scaled, targets not: the baseline is still 1/6
        x, x_val = scale * x, scale * x_val
    net, shuffle = adding_network(seed, rho), np.random.default_rng(seed)

    def row(epoch):
        ratio = 2 * evaluate(net, x_val, y_val) / BASELINE  # the loss has the ½, the MSE does not
        return {
            **case,
            "epoch": epoch,
            "update": per_epoch * epoch,
            "mse_ratio": ratio,
            "input_reach": input_reach(net, x_val, y_val),
        }

    rows, epochs = [row(0)], EVERY // per_epoch  # epochs between two records
    for epoch in range(epochs, (QUICK_UPDATES if quick else UPDATES) // per_epoch + 1, epochs):
        try:
            train(
                net,
                x,
                y,
                epochs=epochs,
                batch_size=batch,
                learning_rate=lr,
                clip=("norm", clip) if clip else None,
                rng=shuffle,
                progress=False,
            )
        except TrainingDiverged:  # no clipping: the run ends; its last record is the one before
            break
        rows.append(row(epoch))
        if stop_below_half and rows[-1]["mse_ratio"] < 0.5:  # all the budget claims read (course.claims.projects)
            break
    return rows


EXPERIMENT = Experiment(
    name="adding_budget",
    protocol=f"T in {LENGTHS}; seeds 0-9; {EPOCHS} epochs of 64 updates, eta = 0.1, clip 1 (see the docstring).",
    key=("T", "seed", "epoch"),
    cases=grid(T=LENGTHS, seed=seeds(10)),
    quick=[{"T": 5, "seed": 0}, {"T": 40, "seed": 0}],
    run=run,
)

if __name__ == "__main__":
    EXPERIMENT.main()
