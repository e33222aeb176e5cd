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
from rnn_lib.training import evaluate, train

LENGTHS = (5, 10, 20, 30, 40, 60)
EPOCHS, QUICK_EPOCHS = 400, 4
EVERY = 4  # epochs between two rows (256 updates)
BASELINE = 1.0 / 6.0  # the MSE of always predicting the mean target, 1.0


def adding_network(seed):
    net = rnn_lib.init_params(2, 32, 1, rng=np.random.default_rng(seed), scale=0.5)
    net["W_hh"] *= 0.8 / np.max(np.abs(np.linalg.eigvals(net["W_hh"])))  # spectral radius 0.8
    net["b_y"][:] = 1.0  # start at the baseline: predict the mean target
    return net


def input_reach(net, x, y):
    y_hat, cache = rnn_lib.forward(net, x)
    dy = np.zeros_like(y_hat)
    dy[-1] = y_hat[-1] - y  # only the last step is scored
    reach = np.linalg.norm(rnn_lib.backward(net, cache, dy)["x"], axis=2).mean(axis=1)  # (T,): mean ‖∂L/∂x_t‖
    return float(reach[0] / reach[-1])


def run(case, quick):
    seed, T = case["seed"], case["T"]
    x, y = rnn_lib.data.adding_problem(2048, T, rng=seed)
    x_val, y_val = rnn_lib.data.adding_problem(512, T, rng=100 + seed)
    net, shuffle = adding_network(seed), np.random.default_rng(seed)

    def row(epoch):
        ratio = 2 * evaluate(net, x_val, y_val) / BASELINE  # the loss has the ½, the MSE does not
        return {
            **case,
            "epoch": epoch,
            "update": 64 * epoch,
            "mse_ratio": ratio,
            "input_reach": input_reach(net, x_val, y_val),
        }

    rows = [row(0)]
    for epoch in range(EVERY, (QUICK_EPOCHS if quick else EPOCHS) + 1, EVERY):
        train(
            net, x, y, epochs=EVERY, batch_size=32, learning_rate=0.1, clip=("norm", 1.0), rng=shuffle, progress=False
        )
        rows.append(row(epoch))
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
