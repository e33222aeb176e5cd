"""Notebooks 21 and 22: the learning rate of each encoder–decoder, chosen on pilot runs before the sweep.

For each model of experiments/seq2seq_lengths.py (attention none, additive, dot; H = 64) and each Adam learning
rate in {0.001, 0.003, 0.01}: the sweep's training run (seq2seq_lengths.training_run) with seeds 100 and 101,
which the sweep never uses, so that the rates are not tuned on the runs they are then judged by; 2000 updates;
exact match per length 1 … 12 at updates 500, 1000 and 2000.  The rate kept for a model is the one with the
largest mean exact match over its two seeds, every length and the three checkpoints (it rewards learning early as
well as well); seq2seq_lengths.LEARNING_RATES holds the choice.  The quick mode re-runs the first 100 updates of
seed 100 with dot-product attention at the rate 0.01.
"""

from harness import Experiment, grid
from seq2seq_lengths import ATTENTION, training_run

RATES, SEEDS, H = (0.001, 0.003, 0.01), (100, 101), 64
UPDATES, QUICK_UPDATES, CHECKPOINTS = 2000, 100, (100, 500, 1000, 2000)


def run(case, quick):
    updates = QUICK_UPDATES if quick else UPDATES
    return [
        {**case, **row} for row in training_run(case["attention"], H, case["lr"], case["seed"], updates, CHECKPOINTS)
    ]


EXPERIMENT = Experiment(
    name="seq2seq_lengths_lr",
    protocol=f"Adam lr in {RATES} for each attention; H = {H}, seeds {SEEDS}, {UPDATES} updates (see the docstring).",
    key=("attention", "lr", "seed", "update", "length"),
    cases=grid(attention=ATTENTION, lr=RATES, seed=SEEDS),
    quick=[{"attention": "dot", "lr": 0.01, "seed": 100}],
    run=run,
)

if __name__ == "__main__":
    EXPERIMENT.main()
