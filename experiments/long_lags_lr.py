"""Notebook 15, section 2: the learning rate of each network on each task, chosen on a pilot run before the sweep.

For every variant of course.long_lags (tanh_random, tanh_orth, irnn, lstm_fb0, lstm_fb1, gru), each task
(adding, remember), each Adam learning rate in {0.001, 0.003, 0.01} and T in {20, 50}: one run of
course.long_lags.training_run with seed 100 (a seed the sweep of experiments/long_lags.py does not use, so that
the learning rates are not tuned on the runs they are then judged by), 2000 updates of 16 fresh sequences,
clipping at norm 1; the validation MSE / baseline every 100 updates.  The learning rate kept for a (variant, task)
is the one with the smallest mean ratio over the 42 measurements of its two runs (updates 0 to 2000 at T = 20 and
at T = 50): it rewards learning early as well as well.  Why two lengths: where every rate fails at T = 50, the
mean ratios differ by chance (a first version of this pilot, at T = 50 only, picked two rates that way); T = 20
still ranks them.  experiments/long_lags.py uses the chosen rates (LEARNING_RATES there; tests/test_long_lags.py
holds the two equal).
"""

from harness import Experiment, grid

from course.long_lags import TASKS, VARIANTS, mse_ratio, training_run

RATES = (0.001, 0.003, 0.01)
LENGTHS, SEED, UPDATES, QUICK_UPDATES, EVERY = (20, 50), 100, 2000, 100, 100


def run(case, quick):
    runs = training_run(
        case["variant"],
        case["task"],
        case["T"],
        SEED,
        lr=case["lr"],
        updates=QUICK_UPDATES if quick else UPDATES,
        every=EVERY,
    )
    return [
        {**case, "update": update, "mse_ratio": mse_ratio(params, cell, x_val, y_val, case["task"])}
        for update, params, cell, x_val, y_val in runs
    ]


EXPERIMENT = Experiment(
    name="long_lags_lr",
    protocol=f"Adam lr in {RATES} for each variant and task; T in {LENGTHS}, seed {SEED}, {UPDATES} updates of 16 "
    "(see the docstring).",
    key=("task", "variant", "lr", "T", "update"),
    cases=grid(task=tuple(TASKS), variant=tuple(VARIANTS), lr=RATES, T=LENGTHS),
    quick=[{"task": task, "variant": "lstm_fb1", "lr": 0.01, "T": 20} for task in TASKS],
    run=run,
)

if __name__ == "__main__":
    EXPERIMENT.main()
