"""Notebook 15, section 3, one arbitrary choice changed at a time: the input scale, the batch, H, clipping, init.

long_lags_memory's protocol (its 80 runs: remember_random with tanh_orth, lstm_fb1, lstm_fb3, gru, gru_bz3, and the
latching task remember with tanh_orth, lstm_fb3, gru_bz3; T = 100, Adam at the searched rates of its
LEARNING_RATES, batches of 16 fresh sequences, clip at global norm 1, at most 300 updates, a run stops at the first
measurement with mse_ratio ≤ 0.1; seeds 0-9; its docstring) with one change (PLANNED, all stored: CHANGES), each
picked because it could plausibly change which network holds the sign:

- every input (value and marker) × 0.1 or × 3: larger distractors saturate tanh and the gates sooner, smaller
  ones leave the sign a faint mark;
- batches of 4 or 64 fresh sequences instead of 16 (the same 300 updates: a quarter or four times the data);
- every hidden size halved or doubled (tanh 32 / 128, LSTM 16 / 62, GRU 18 / 72: the counts stay matched within
  a few per cent, a fourth or four times as many parameters);
- no clipping, or clipping at global norm 10 (ten times looser);

and, for the vanilla network on the latching task only (vanilla_at_its_searched_rate_does_not_latch: "init"), the
other vanilla starts of course.long_lags at tanh_orth's searched η = 0.003: tanh_random (W_hh ~ N(0, 1/H)) and the
IRNN (ReLU, W_hh = I).  The learning rates stay the searched ones (they were searched at the protocol's setting).

Table "runs": change, task, variant, seed, lr, solved_at (0 if not within 300 updates), last.  Table "curves":
mse_ratio every 100 updates up to the run's last.  The quick mode re-runs seed 0 of tanh_orth on remember_random
under each change (the first 100 updates under QUICK_TRAINED's, the start under the others) and the start of the
two vanilla starts on remember.
"""

from harness import Experiment, grid, seeds
from long_lags_memory import LATCH_NETWORKS, LEARNING_RATES, NETWORKS

from course.long_lags import SOLVED, VARIANTS, mse_ratio, training_run

T, UPDATES, QUICK_UPDATES, EVERY = 100, 300, 100, 100


def _sizes(factor):
    return {v: round(factor * h) for v, (_, h) in VARIANTS.items()}


PLANNED = {  # name → training_run's keywords (H: a function of the network); the cheaper changes first
    "x0.1": {"input_scale": 0.1},
    "x3": {"input_scale": 3.0},
    "noclip": {"clip": None},
    "clip10": {"clip": ("norm", 10.0)},
    "batch4": {"batch": 4},
    "H0.5": {"H": _sizes(0.5)},
    "batch64": {"batch": 64},
    "H2": {"H": _sizes(2.0)},
}
# The changes stored (all of PLANNED since 7 December 2026, run in this order; on the shared two-core machine)
STORED = ("x0.1", "x3", "noclip", "clip10", "batch4", "H0.5", "batch64", "H2")
CHANGES = {name: PLANNED[name] for name in STORED}
INIT_NETWORKS = ("tanh_random", "irnn")  # the "init" change: another vanilla start on the latching task
QUICK_TRAINED = ("x3", "batch4", "noclip")  # the quick mode trains these for 100 updates (the others: update 0)


def _quick_updates(case):
    """The quick mode's prefix: 100 updates where they take a fraction of a second, else the start (update 0)."""
    return QUICK_UPDATES if case["change"] in QUICK_TRAINED else 0


def run(case, quick):
    task, variant, seed = case["task"], case["variant"], case["seed"]
    if case["change"] == "init":
        lr, keywords = LEARNING_RATES[task, "tanh_orth"], {}
    else:
        lr, keywords = LEARNING_RATES[task, variant], dict(CHANGES[case["change"]])
        if "H" in keywords:
            keywords["H"] = keywords["H"][variant]
    curves, solved_at, last = [], 0, 0
    for update, params, cell, x_val, y_val in training_run(
        variant, task, T, seed, lr=lr, updates=_quick_updates(case) if quick else UPDATES, every=EVERY, **keywords
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
    name="long_lags_memory_choices",
    protocol=f"long_lags_memory (T = {T}, at most {UPDATES} updates, the searched rates) with one change at a time: "
    f"{CHANGES}; and vanilla starts {INIT_NETWORKS} on remember at η 0.003 (change 'init'); seeds 0-9 (see the "
    "docstring).",
    key={"curves": ("change", "task", "variant", "seed", "update"), "runs": ("change", "task", "variant", "seed")},
    cases=grid(change=("init",), task=("remember",), variant=INIT_NETWORKS, seed=seeds(10))
    + [
        case
        for change in CHANGES
        for case in grid(change=(change,), task=("remember",), variant=LATCH_NETWORKS, seed=seeds(10))
        + grid(change=(change,), task=("remember_random",), variant=NETWORKS, seed=seeds(10))
    ],
    quick=grid(change=CHANGES, task=("remember_random",), variant=("tanh_orth",), seed=[0])
    + grid(change=("init",), task=("remember",), variant=INIT_NETWORKS, seed=[0]),
    run=run,
)

if __name__ == "__main__":
    EXPERIMENT.main()
