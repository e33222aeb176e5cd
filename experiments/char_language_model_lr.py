"""Notebook 18: each language model's Adam learning rate, searched on pilot seeds that no claim is judged on.

For each model of experiments/char_language_model.py (the RNN with H = 128, the LSTM with H = 64), each Adam
learning rate in RATES and each pilot seed in PILOT_SEEDS (150 and 151: the pilot range 100-199 of
experiments/README.md, never used to judge a claim): that experiment's own run (char_language_model.run with the
rate as its ``lr``), so its protocol and budget otherwise: the same corpus split, stateful BPTT(64, 64), clip at
norm 100, 1200 updates, the validation loss (nats per character) every 50 updates.  Only its _curves table is kept
(the validation loss, the mean training loss since the last row, the fraction of updates clipped so far): what the
notebook's claims about the ranking measure (the loss at updates 100, 300, 600 and 1200 and its lowest value).

The rate kept for a model (``choose``) is the one with the smallest mean, over the pilot seeds, of the lowest
validation loss along the run (what a learner who stops at the best checkpoint keeps; notebook 18's
lstm_lower_best compares it); ties go to the smaller mean final validation loss, then to the smaller rate.  The
same rule, the same budget and the same two seeds for both models.  The search ran after the sweep, whose rate was
0.01 for both (char_language_model.LR).  It keeps 0.01 for the RNN (mean best 2.007 nats; 2.053 at 0.003, 2.470
at 0.03) and picks 0.03 for the LSTM (1.938; 2.001 at 0.01), so the stored comparison is at η = 0.01 for both, as
the claims' budget says, not at each network's searched rate: with the LSTM at 0.03 it was below the RNN at 0.01
at every record from update 100 on, on both pilot seeds (course/claims/choices.py records it;
tests/test_sequence_searches.py holds the picks and these facts to the stored rows).
The quick mode re-runs the first 50 updates of pilot seed 150 for the LSTM at the rate 0.03.
"""

import numpy as np
from char_language_model import MODELS, UPDATES, run
from harness import Experiment, grid

RATES, PILOT_SEEDS = (0.003, 0.01, 0.03), (150, 151)


def run_search(case, quick):
    """One model, rate and pilot seed: the curves rows of char_language_model.run, with the rate as a column."""
    # the full run also measures the math unit and samples text (seconds); the search keeps only the curves
    rows = run({"cell": case["cell"], "seed": case["seed"]}, quick, lr=case["lr"])["curves"]
    return [{"cell": row["cell"], "lr": case["lr"], **row} for row in rows]


def scores(table, cell, lr):
    """The pilot runs of one model at one rate: (lowest validation loss, final validation loss), one pair a seed."""
    out = []
    for seed in PILOT_SEEDS:
        rows = table.where(cell=cell, lr=lr, seed=seed)
        loss = rows.column("val_loss")
        out.append((float(np.min(loss)), float(loss[rows.column("update") == UPDATES][0])))
    return out


def choose(table):
    """cell → the learning rate the search keeps, from its rows (the rule of the module docstring)."""

    def key(cell, lr):
        runs = np.array(scores(table, cell, lr))
        return float(runs[:, 0].mean()), float(runs[:, 1].mean()), lr

    return {cell: min(RATES, key=lambda lr: key(cell, lr)) for cell in MODELS}


EXPERIMENT = Experiment(
    name="char_language_model_lr",
    protocol=f"Adam lr in {RATES} for the RNN (H = 128) and the LSTM (H = 64); pilot seeds {PILOT_SEEDS}; "
    f"otherwise experiments/char_language_model.py ({UPDATES} updates; see the docstring).",
    key=("cell", "lr", "seed", "update"),
    cases=grid(cell=tuple(MODELS), lr=RATES, seed=PILOT_SEEDS),
    quick=[{"cell": "LSTM", "lr": 0.03, "seed": 150}],
    run=run_search,
)

if __name__ == "__main__":
    EXPERIMENT.main()
