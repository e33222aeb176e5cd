"""Notebook 15, section 3: the budget curve, every network of the search on remember_random for ten times the
notebook's budget.

Task: remember_random (the sign at a random step 2 … 50, course.long_lags.remember_random), T = 100.  For each
network of NETWORKS (all eight of course.long_lags.VARIANTS) and seeds 0-9: course.long_lags.training_run with Adam
at the learning rate that experiments/long_lags_search.py's rule keeps for (remember_random, network) when its pilot
runs (seeds 150, 151, 1000 updates) are judged at 300 updates, the budget of experiments/long_lags_memory.py
(long_lags_search.choose(table, budget=300); LEARNING_RATES below, held equal to the search's by
tests/test_long_lags.py), batches of 16 fresh sequences, clip 1, at most 3000 updates (ten times that budget, the
same for every network); the validation MSE / baseline on 256 sequences every 100 updates.  A run stops at the first
measurement at or below course.long_lags.SOLVED (0.1): it has solved the task there.  The runs with tanh_orth,
lstm_fb1, lstm_fb3, gru and gru_bz3 are long_lags_memory's runs continued: the same network, rate and streams, so
their first 300 updates are its stored rows (tests/test_long_lags.py compares them).  Cut for compute (a two-core
machine shared by four sessions): the adding problem (its search rows are stored: within 1000 updates only the
two GRUs solved a pilot run, bias 0 at η = 0.01 and bias 3 at η = 0.003 and 0.01), other lengths.

Table "curves": task, variant, seed, update, mse_ratio, up to the run's last measurement.
Table "runs": per run, lr, solved_at (the update, or 0 if not within 3000 updates), last (the last update run;
below 3000 without a solve only if the run diverged).
"""

from harness import Experiment, grid, seeds

from course.long_lags import SOLVED, mse_ratio, training_run

NETWORKS = ("tanh_random", "tanh_orth", "irnn", "lstm_fb0", "lstm_fb1", "lstm_fb3", "gru", "gru_bz3")
TASKS = ("remember_random",)
T, UPDATES, QUICK_UPDATES, EVERY = 100, 3000, 100, 100
# The quick holdout (experiments/claims.py) re-runs the networks its quick claims read; the LSTM with forget bias 0
# or 1 and the GRU with bias 0, which run all 3000 updates without solving (15-25 s of a free core each), need FULL=1.
HOLDOUT_NETWORKS = ("tanh_random", "tanh_orth", "irnn", "lstm_fb3", "gru_bz3")
RATE_BUDGET = 300  # the search's rule judges its pilot runs at this budget (long_lags_memory's), as the notebook does
LEARNING_RATES = {  # (task, network) → Adam's lr, as experiments/long_lags_search.py chose it (tests hold them equal)
    ("remember_random", "tanh_random"): 0.003,
    ("remember_random", "tanh_orth"): 0.001,
    ("remember_random", "irnn"): 0.003,
    ("remember_random", "lstm_fb0"): 0.001,
    ("remember_random", "lstm_fb1"): 0.003,
    ("remember_random", "lstm_fb3"): 0.001,
    ("remember_random", "gru"): 0.001,
    ("remember_random", "gru_bz3"): 0.01,
}


def run(case, quick):
    task, variant, seed = case["task"], case["variant"], case["seed"]
    lr = LEARNING_RATES[task, variant]
    curves, solved_at, last = [], 0, 0
    for update, params, cell, x_val, y_val in training_run(
        variant, task, T, seed, lr=lr, updates=QUICK_UPDATES if quick else UPDATES, every=EVERY
    ):
        ratio = mse_ratio(params, cell, x_val, y_val, task)
        curves.append({**case, "update": update, "mse_ratio": ratio})
        last = update
        if ratio <= SOLVED:
            solved_at = update
            break
    if quick:  # a prefix of the run: its summary belongs to the full run only
        return {"curves": curves, "runs": []}
    return {"curves": curves, "runs": [{**case, "lr": lr, "solved_at": solved_at, "last": last}]}


EXPERIMENT = Experiment(
    name="long_lags_budget",
    protocol=f"T = {T}; tasks {TASKS}; networks {NETWORKS}; seeds 0-9; Adam at the searched rates (the rule at "
    f"{RATE_BUDGET} updates), at most {UPDATES} updates of 16 fresh sequences, clip 1, stop when solved "
    "(see the docstring).",
    key={"curves": ("task", "variant", "seed", "update"), "runs": ("task", "variant", "seed")},
    cases=grid(task=TASKS, variant=NETWORKS, seed=seeds(10)),
    quick=[{"task": "remember_random", "variant": v, "seed": 0} for v in ("tanh_orth", "irnn", "gru_bz3")],
    run=run,
    holdout=lambda case: case["variant"] in HOLDOUT_NETWORKS,
)

if __name__ == "__main__":
    EXPERIMENT.main()
