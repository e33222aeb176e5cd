"""Notebook 19: each grammar learner's Adam learning rate, searched on pilot seeds that no claim is judged on.

For each model of experiments/reber_memory.py (the RNN with H = 16, the LSTM with H = 8 and with H = 16), each
Adam learning rate in RATES and each pilot seed in PILOT_SEEDS (150 and 151: the pilot range 100-199 of
experiments/README.md, never used to judge a claim): that experiment's own run (reber_memory.run with the rate as
its ``lr``), so its protocol and budget otherwise: fresh batches of 32 strings drawn from default_rng(1000 + seed),
full BPTT, clip at norm 100, 3000 updates, the legal-set scores on the fixed 2000 test strings every 50 updates
(the same columns as reber_memory).

The rate kept for a model (``choose``) is the one whose pilot runs count as learned soonest on average: the first
measurement with 99 % of the test strings right (the update at which notebook 19's claims count a run as learned;
a run that never gets there within the budget counts as UPDATES + EVERY), ties broken by the larger mean of the
strings score over every measurement (learning early counts), then by the smaller rate: course.long_lags'
choose_learning_rate rule, with "solved" read as 99 % of the strings right.  The same rule, the same budget and the
same two seeds for every model.  The search ran after the sweep, whose rate was 0.01 for every model
(reber_memory.LR).  It picks 0.03 for all three (mean update learned: RNN 350 against 375 at 0.01, LSTM H = 8 600
against 825, LSTM H = 16 275 against 450), so the stored comparison is at η = 0.01, as the claims' budget says,
not at the searched rate; at 0.03 the RNN of seed 150 lost the dependency again from update 1700 to the end (the
rule judges when a run first counts as learned, not whether it stays so).  course/claims/choices.py records it;
tests/test_sequence_searches.py holds the picks to the stored rows.  The quick mode
re-runs the first 100 updates of pilot seed 150 for the LSTM with H = 8 at the rate 0.03.
"""

import numpy as np
from harness import Experiment
from reber_memory import EVERY, MODELS, UPDATES, run

RATES, PILOT_SEEDS, LEARNED = (0.003, 0.01, 0.03), (150, 151), 0.99


def run_search(case, quick):
    """One model, rate and pilot seed: the rows of reber_memory.run, with the rate as a column."""
    rows = run({"cell": case["cell"], "H": case["H"], "seed": case["seed"]}, quick, lr=case["lr"])
    return [{"cell": row["cell"], "H": row["H"], "lr": case["lr"], **row} for row in rows]


def learned_at(table, cell, H, lr, seed):
    """The first update at which the run has LEARNED of the test strings right; UPDATES + EVERY if it never does."""
    rows = table.where(cell=cell, H=H, lr=lr, seed=seed)
    hit = rows.column("strings") >= LEARNED
    return int(rows.column("update")[np.argmax(hit)]) if hit.any() else UPDATES + EVERY


def choose(table):
    """(cell, H) → the learning rate the search keeps, from its rows (the rule of the module docstring)."""

    def key(cell, H, lr):
        times = [learned_at(table, cell, H, lr, s) for s in PILOT_SEEDS]
        strings = np.concatenate([table.where(cell=cell, H=H, lr=lr, seed=s).column("strings") for s in PILOT_SEEDS])
        return float(np.mean(times)), -float(strings.mean()), lr

    return {(cell, H): min(RATES, key=lambda lr: key(cell, H, lr)) for cell, H in MODELS}


EXPERIMENT = Experiment(
    name="reber_memory_lr",
    protocol=f"Adam lr in {RATES} for the RNN (H = 16) and the LSTM (H = 8 and 16); pilot seeds {PILOT_SEEDS}; "
    f"otherwise experiments/reber_memory.py ({UPDATES} updates; see the docstring).",
    key=("cell", "H", "lr", "seed", "update"),
    cases=[{"cell": c, "H": H, "lr": lr, "seed": s} for c, H in MODELS for lr in RATES for s in PILOT_SEEDS],
    quick=[{"cell": "LSTM", "H": 8, "lr": 0.03, "seed": 150}],
    run=run_search,
)

if __name__ == "__main__":
    EXPERIMENT.main()
