"""Notebook 20: a one-layer, a two-layer and a bidirectional RNN on a task whose answer lies partly ahead.

Task (rnn_lib.data.window_sum, T = 20): inputs ±1, target at step t the sum x_{t−2} + … + x_{t+ahead}, steps
outside the sequence counting 0.  Networks (course.deep_rnns, rnn_lib.deep, D = O = 1): one tanh layer (H = 24,
649 parameters), two stacked layers (H = 14, 645), one bidirectional layer (H = 16 each way, 609), every weight
N(0, 1)·0.1, biases 0.  Training (course.deep_rnns.training_run): Adam, a fresh batch of 32 sequences for every
update (default_rng(1000 + seed)), loss ½ Σ_t (ŷ_t − y_t)² averaged over the batch, clipped at global norm 10,
600 updates.  Measured every 25 updates on 512 fixed validation sequences (rng 10 000): the unexplained fraction
Σ (ŷ − y)² / Σ y² (1: predicting 0; course.deep_rnns.causal_bound: the lowest a left-to-right network can reach
in expectation).

Cases, one arbitrary choice changed at a time from (ahead 2, η = 0.01, size 1): ahead ∈ {0, 2, 4, 8} (where the
information sits: 0 is the control that needs only the past); Adam η ∈ {0.001, 0.03}; size ½ (H = 12, 7, 8) and
2 (H = 48, 28, 32); the budget is read off the curves (every 25 updates).  Added later, for the ledger of
arbitrary choices (course/claims/choices.py): the same four changes of η and size at ahead 0, 4 and 8 (the claims
about ahead 0 and about the order of 2, 4, 8 rest on them).  Seeds 0-9 (the seed draws the weights
and the training batches).  The quick mode re-runs the first 50 updates of seed 0 of each network at ahead 2.
"""

from harness import Experiment, seeds

from course.deep_rnns import MODELS, training_run

UPDATES, QUICK_UPDATES, EVERY = 600, 50, 25
DEFAULT = {"ahead": 2, "lr": 0.01, "size": 1.0}
# Added later, for the ledger of arbitrary choices (issue 21): η and size changed at ahead 0, 4 and 8 too.
LEDGER_SETTINGS = [
    {**DEFAULT, "ahead": a, **change}
    for a in (0, 4, 8)
    for change in ({"lr": 0.001}, {"lr": 0.03}, {"size": 0.5}, {"size": 2.0})
]
SETTINGS = (
    [{**DEFAULT, "ahead": a} for a in (0, 2, 4, 8)]
    + [{**DEFAULT, "lr": lr} for lr in (0.001, 0.03)]
    + [{**DEFAULT, "size": size} for size in (0.5, 2.0)]
    + LEDGER_SETTINGS
)


def run(case, quick):
    curve, _ = training_run(
        case["model"],
        ahead=case["ahead"],
        seed=case["seed"],
        lr=case["lr"],
        size=case["size"],
        updates=QUICK_UPDATES if quick else UPDATES,
        every=EVERY,
    )
    return [{**case, "update": update, "unexplained": value} for update, value in curve]


EXPERIMENT = Experiment(
    name="deep_bidirectional",
    protocol=(
        f"window_sum T = 20, behind 2; one layer H 24, two layers H 14, bidirectional H 16 (size 1; ½ and 2 scale "
        f"H); Adam, fresh batches of 32, clip at norm 10, {UPDATES} updates; unexplained fraction on 512 validation "
        f"sequences every {EVERY} updates; one choice changed at a time from ahead 2, lr 0.01, size 1 (lr and size "
        "also at ahead 0, 4, 8); seeds 0-9 (see the docstring of experiments/deep_bidirectional.py)."
    ),
    key=("model", "ahead", "lr", "size", "seed", "update"),
    cases=[{"model": m, **setting, "seed": s} for setting in SETTINGS for m in MODELS for s in seeds(10)],
    quick=[{"model": m, **DEFAULT, "seed": 0} for m in MODELS],
    run=run,
    # make claims-holdout re-runs the first eight settings, which the registered claims are written on; the ledger's
    # settings are evidence for course/claims/choices.py, checked on the stored seeds
    holdout=lambda case: {k: case[k] for k in DEFAULT} not in LEDGER_SETTINGS,
)

if __name__ == "__main__":
    EXPERIMENT.main()
