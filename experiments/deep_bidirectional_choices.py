"""Notebook 20, one more arbitrary choice changed at a time: the initial scale, the input scale, the batch, T, clipping.

deep_bidirectional's protocol (window_sum, behind 2; one layer H 24, two layers H 14, bidirectional H 16; Adam
η = 0.01, fresh batches of 32, T = 20, every weight N(0, 1)·0.1, clip at global norm 10, 600 updates; the
unexplained fraction on 512 validation sequences every 25 updates; seeds 0-9; its docstring) at ahead 0, 2, 4 and 8
(every claim of notebook 20 reads one of them), with one change (VARIANTS), each picked because it could plausibly
flip a ranking:

- batches of 4 fresh sequences instead of 32: a noisier gradient at the same η and budget (an eighth of the data);
- T = 10 instead of 20: at ahead 8 most of a window then lies ahead, and the causal optimum moves with T
  (course.claims.deep.causal_optimum(ahead, length));
- the inputs ±3 instead of ±1 (targets scale with them, so the unexplained fraction keeps its units): a window of
  up to 11 inputs then drives tanh deep into saturation;
- the initial weights N(0, 1)·0.2 instead of ·0.1: a start nearer saturation, where the second layer of the deep
  network might matter more;
- no clipping instead of clipping at global norm 10: Adam's step is bounded anyway, but the first updates' large
  gradients are what the clip trims.

One value of each choice, the cheaper one where two were plausible: the other (batches of 64, T = 40, inputs ±0.1,
weights ·0.05, clipping at 100) would have cost 600 more runs, about 10 min of CPU, which the shared machine did
not have on the day (a gap in course/claims/choices.py).  One row per recorded update of each run: variant, model,
ahead, seed, update, unexplained.  The quick mode re-runs the first 25 updates of seed 0 at ahead 2 of one network
per variant (the three in turn).
"""

from harness import Experiment, seeds

from course.deep_rnns import MODELS, training_run

UPDATES, QUICK_UPDATES, EVERY = 600, 25, 25
AHEAD = (0, 2, 4, 8)
VARIANTS = {  # one value of each choice, the cheaper first (what the shared machine allowed: see the docstring)
    "batch4": {"batch": 4},
    "T10": {"length": 10},
    "x3": {"input_scale": 3.0},
    "init0.2": {"init_scale": 0.2},
    "noclip": {"clip": None},
}


def run(case, quick):
    curve, _ = training_run(
        case["model"],
        ahead=case["ahead"],
        seed=case["seed"],
        updates=QUICK_UPDATES if quick else UPDATES,
        every=EVERY,
        **VARIANTS[case["variant"]],
    )
    return [{**case, "update": update, "unexplained": value} for update, value in curve]


EXPERIMENT = Experiment(
    name="deep_bidirectional_choices",
    protocol=(
        f"deep_bidirectional at ahead {AHEAD}, η 0.01, size 1, with one change at a time: {VARIANTS}; "
        f"{UPDATES} updates, the unexplained fraction every {EVERY}; seeds 0-9 (see the docstring of "
        "experiments/deep_bidirectional_choices.py)."
    ),
    key=("variant", "model", "ahead", "seed", "update"),
    cases=[
        {"variant": v, "ahead": a, "model": m, "seed": s}
        for v in VARIANTS
        for a in AHEAD
        for m in MODELS
        for s in seeds(10)
    ],
    # one network per variant, in turn (a second or two for make test)
    quick=[{"variant": v, "ahead": 2, "model": list(MODELS)[i % 3], "seed": 0} for i, v in enumerate(VARIANTS)],
    run=run,
)

if __name__ == "__main__":
    EXPERIMENT.main()
