"""Notebook 15, section 3: gated and vanilla networks holding one sign over T = 100 steps, gate biases as a factor.

Tasks (course.long_lags.TASKS): remember_random (rnn_lib.data.remember_at, step=None: the sign at a random step
2 … 50) with NETWORKS: tanh_orth (H = 64, orthogonal W_hh), lstm_fb1, lstm_fb3 (H = 31, forget bias 1 or 3 in the
f block of b_ih; the same weights otherwise), gru and gru_bz3 (H = 36, update-gate bias 0 or 3 in the z block of
b_ih); and remember (rnn_lib.data.remember_first: the sign at step 1, a latching task) with LATCH_NETWORKS:
tanh_orth, lstm_fb3, gru_bz3.  For each task, network and seed 0-9: course.long_lags.training_run with T = 100,
Adam at the learning rate that experiments/long_lags_search.py's rule keeps for that (task, network) when the
pilot runs are judged at this budget (long_lags_search.choose(table, budget=300); LEARNING_RATES below), batches of
16 fresh sequences, clip 1, at most 300 updates (the same budget for every network); the validation MSE / baseline
on 256 sequences every 100 updates.  A run stops at the first measurement at or below course.long_lags.SOLVED
(0.1): it has solved the task there.  experiments/long_lags_budget.py continues the remember_random runs to 3000
updates and adds tanh_random, the IRNN, LSTM bias 0 and the adding problem.  Cut for compute (a two-core machine
shared by six sessions): lengths other than 100, and the slower networks on the latching task.

Table "curves": task, variant, seed, update, mse_ratio, up to the run's last measurement.
Table "runs": per run, lr, solved_at (the update, or 0 if not within the budget), last (the last update run).
Table "lags": at update 0 and at the run's last update, grad = the mean over the validation sequences of
‖∂L_T/∂x_{T−k}‖ (course.diagnostics.input_gradient_by_lag) at the lags in LAGS.
"""

from harness import Experiment, grid, seeds

from course.diagnostics import input_gradient_by_lag
from course.long_lags import SOLVED, mse_ratio, training_run

NETWORKS = ("tanh_orth", "lstm_fb1", "lstm_fb3", "gru", "gru_bz3")  # lstm_fb0: at the start only (long_lags_reach)
LATCH_NETWORKS = ("tanh_orth", "lstm_fb3", "gru_bz3")  # on remember (the latching task): the reviewer's contrast
TASKS = ("remember", "remember_random")
T, UPDATES, QUICK_UPDATES, EVERY = 100, 300, 100, 100
LAGS = (0, 1, 2, 5, 10, 20, 30, 40, 50, 60, 70, 80, 90, 99)
LEARNING_RATES = {  # (task, network) → Adam's lr, as experiments/long_lags_search.py chose it (tests hold them equal)
    ("remember", "tanh_orth"): 0.003,
    ("remember", "lstm_fb0"): 0.001,
    ("remember", "lstm_fb1"): 0.001,
    ("remember", "lstm_fb3"): 0.003,
    ("remember", "gru"): 0.001,
    ("remember", "gru_bz3"): 0.01,
    ("remember_random", "tanh_orth"): 0.001,
    ("remember_random", "lstm_fb0"): 0.001,
    ("remember_random", "lstm_fb1"): 0.003,
    ("remember_random", "lstm_fb3"): 0.001,
    ("remember_random", "gru"): 0.001,
    ("remember_random", "gru_bz3"): 0.01,
}


def run(case, quick):
    task, variant, seed = case["task"], case["variant"], case["seed"]
    lr = LEARNING_RATES[task, variant]
    curves, lags, solved_at, last = [], [], 0, 0
    for update, params, cell, x_val, y_val in training_run(
        variant, task, T, seed, lr=lr, updates=QUICK_UPDATES if quick else UPDATES, every=EVERY
    ):
        ratio = mse_ratio(params, cell, x_val, y_val, task)
        curves.append({**case, "update": update, "mse_ratio": ratio})
        last = update
        if update == 0:
            grad = input_gradient_by_lag(params, x_val, y_val, cell=cell)
            lags += [{**case, "update": 0, "lag": k, "grad": float(grad[k])} for k in LAGS]
        if ratio <= SOLVED:
            solved_at = update
            break
    if quick:  # a prefix of the run: its summary and its last gradients belong to the full run only
        return {"curves": curves, "runs": [], "lags": lags}
    grad = input_gradient_by_lag(params, x_val, y_val, cell=cell)
    lags += [{**case, "update": last, "lag": k, "grad": float(grad[k])} for k in LAGS]
    runs = [{**case, "lr": lr, "solved_at": solved_at, "last": last}]
    return {"curves": curves, "runs": runs, "lags": lags}


EXPERIMENT = Experiment(
    name="long_lags_memory",
    protocol=f"T = {T}; tasks {TASKS}; networks {NETWORKS}; seeds 0-9; Adam at the searched rates, at most "
    f"{UPDATES} updates of 16 fresh sequences, clip 1, stop when solved (see the docstring).",
    key={
        "curves": ("task", "variant", "seed", "update"),
        "runs": ("task", "variant", "seed"),
        "lags": ("task", "variant", "seed", "update", "lag"),
    },
    cases=grid(task=("remember",), variant=LATCH_NETWORKS, seed=seeds(10))
    + grid(task=("remember_random",), variant=NETWORKS, seed=seeds(10)),
    quick=[{"task": "remember_random", "variant": v, "seed": 0} for v in ("tanh_orth", "lstm_fb3", "gru_bz3")],
    run=run,
)

if __name__ == "__main__":
    EXPERIMENT.main()
