"""Notebook 22: does attention remove the encoder–decoder's bottleneck when each arbitrary choice changes?

The base is experiments/seq2seq_lengths.py: reversal of 1 … 12 digits, GRU encoder and decoder of H = 64, fresh
batches of 32 strings (drawn from default_rng(1000 + seed)), Adam η = 0.01, clip at global norm 1, 2000 updates,
weights from default_rng(seed); exact match of greedy decoding on 100 test strings of each length
(reversal_task(100, L, L, rng=10_000 + L), the base's test sets).  Each variant here changes ONE of those choices,
for the model without attention ("none"), with scaled dot-product attention ("dot") and with additive attention
("additive", A = H) as MODELS lists them:

    H128      "none": H = 128, twice the state, the bottleneck's size doubled
    lr0.003   all three: Adam η = 0.003 instead of 0.01 (the pilot's second-best rate for each, seq2seq_lengths_lr;
              additive attention's added later for the ledger of arbitrary choices, course/claims/choices.py)
    lr0.001   "additive": Adam η = 0.001 (the pilot's other rate; added with lr0.003's additive runs)
    len20     both: strings of 1 … 20 digits, in training and in the test (lengths 1 … 20)
    long      "none": the base run continued to 8000 updates (its first 2000 are the base run's own)
    H32       "dot": H = 32, half the state (smaller keys and queries)

and, added for the ledger of arbitrary choices (course/claims/choices.py), for all three models on seeds 0-4:

    init0.5   every initial weight halved (init_params' U(±1/√H) draws × 0.5; biases start at 0 either way):
              smaller gates' pre-activations, a state that starts nearer 0 and a flatter read-out
    init2     every initial weight doubled: saturating gates from the start, a sharper softmax at the read-out
    noclip    no gradient clipping (rnn_lib.seq2seq.train(clip=None)) instead of clipping at global norm 1; Adam's
              step is close to invariant to the gradient's scale, so a clip at norm 10 (which would act less often
              still) was not run: no clipping stands for both
    batch8    batches of 8 strings: a noisier gradient for the same number of updates (a quarter of the strings)
    copy      the copying task instead of reversal (the same strings; the targets in their own order): the first
              output needs the first input, so without attention every digit must be carried across the whole
              string, while in reversal the first digits out are the last ones in

Seeds 0-9, the long variant 0-4 (four times as long a run: what the compute allowed on a 2-core machine shared by
nine sessions; the runs were made one case at a time, in an order of priority, and written in case order); the
ledger's variants 0-4 (five seeds a value, 15 runs a variant: the CPU budget of the gap-filling session).  The
attention kind (additive against dot) is varied in seq2seq_lengths itself, and the budget by the checkpoints.
Rows: one per (checkpoint, test length), with the exact match and the mean training loss of the last 100 updates,
at CHECKPOINTS (the long variant: LONG_CHECKPOINTS).  The quick mode re-runs the first 100 updates of seed 0 of
two variants; the quick holdout (make claims-holdout) re-runs the len20 dot-product runs (HOLDOUT).  A variant's
run with the base's settings makes the base's rows (tests/test_experiments.py).  Run time at a load of 6-9 on
two cores: 40-50 s a base-size run (20 s at H = 32), 70 s at H = 128, 50-65 s at 1-20 digits, 150 s for 8000 updates.
"""

import seq2seq_lengths
from harness import Experiment, seeds

BATCH, CLIP, TEST_SIZE = seq2seq_lengths.BATCH, seq2seq_lengths.CLIP, seq2seq_lengths.TEST_SIZE
BASE = {
    "H": 64,
    "lr": 0.01,
    "max_length": 12,
    "updates": 2000,
    "scale": 1.0,
    "batch": BATCH,
    "clip": CLIP,
    "task": "reversal",
}
VARIANTS = {  # variant → the one choice it changes
    "H128": {"H": 128},
    "lr0.003": {"lr": 0.003},
    "len20": {"max_length": 20},
    "long": {"updates": 8000},
    "H32": {"H": 32},
    "lr0.001": {"lr": 0.001},
    "copy": {"task": "copy"},
    "batch8": {"batch": 8},
    "init2": {"scale": 2.0},
    "init0.5": {"scale": 0.5},
    "noclip": {"clip": None},
}
LEDGER = ("copy", "batch8", "init2", "init0.5", "noclip")  # seeds 0-4, every model
MODELS = {  # model → its variants
    "none": ("H128", "lr0.003", "len20", "long", *LEDGER),
    "dot": ("len20", "lr0.003", "H32", *LEDGER),
    "additive": ("lr0.003", "lr0.001", *LEDGER),
}
SEEDS, LONG_SEEDS = 10, 5  # seeds 0-9 of every variant, 0-4 of the 8000-update runs and of LEDGER's (the docstring)
HOLDOUT = {("len20", "dot")}  # the cases make claims-holdout re-runs on new seeds (quick slice)
CHECKPOINTS, LONG_CHECKPOINTS, QUICK_UPDATES = (100, 500, 1000, 2000), (100, 500, 1000, 2000, 4000, 8000), 100


def settings(variant: str) -> dict:
    """The base's settings with the variant's one change."""
    return {**BASE, **VARIANTS[variant]}


def training_run(attention, seed, *, H, lr, max_length, updates, checkpoints, **change):
    """Train one encoder–decoder; one row per (checkpoint, test length 1 … max_length): seq2seq_lengths' run
    (``change``: its keyword arguments scale, batch, clip, task)."""
    return seq2seq_lengths.training_run(attention, H, lr, seed, updates, checkpoints, max_length, **change)


def run(case, quick):
    s = settings(case["variant"])
    checkpoints = LONG_CHECKPOINTS if case["variant"] == "long" else CHECKPOINTS
    updates = QUICK_UPDATES if quick else s["updates"]
    change = {k: s[k] for k in ("scale", "batch", "clip", "task")}
    rows = training_run(
        case["attention"],
        case["seed"],
        H=s["H"],
        lr=s["lr"],
        max_length=s["max_length"],
        updates=updates,
        checkpoints=checkpoints,
        **change,
    )
    return [{**case, "H": s["H"], "lr": s["lr"], "max_length": s["max_length"], **row} for row in rows]


EXPERIMENT = Experiment(
    name="attention_choices",
    protocol=(
        "reversal of digit strings, GRU encoder-decoder without attention (none), with scaled dot-product "
        f"attention (dot) and with additive attention (additive, not at H128, len20, long, H32); the base H = {BASE['H']}, Adam lr {BASE['lr']}, lengths 1-{BASE['max_length']}, "
        f"{BASE['updates']} updates of {BATCH} fresh strings, clip {CLIP} (seq2seq_lengths), each variant changing "
        f"one choice: {VARIANTS}; exact match of greedy decoding on {TEST_SIZE} test strings per length at updates "
        f"{CHECKPOINTS} (long: {LONG_CHECKPOINTS}); seeds 0-9 (long and {', '.join(LEDGER)}: 0-4) (see the docstring of "
        "experiments/attention_choices.py)."
    ),
    key=("variant", "attention", "seed", "update", "length"),
    cases=[
        {"variant": v, "attention": a, "seed": s}
        for a, vs in MODELS.items()
        for v in vs
        for s in seeds(LONG_SEEDS if v == "long" or v in LEDGER else SEEDS)
    ],
    quick=[{"variant": "len20", "attention": "dot", "seed": 0}, {"variant": "H128", "attention": "none", "seed": 0}],
    run=run,
    holdout=lambda case: (case["variant"], case["attention"]) in HOLDOUT,
)

if __name__ == "__main__":
    EXPERIMENT.main()
