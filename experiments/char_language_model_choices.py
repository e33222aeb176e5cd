"""Notebook 18, one arbitrary choice changed at a time: the RNN's initial weights, and the batch.

char_language_model's protocol (course_prose, the first 90 % cut into 32 streams, the last 10 % validating; the RNN
with H = 128 and the LSTM with H = 64; stateful BPTT(64, 64), Adam, clip at norm 100, 1200 updates, the validation
loss every 50 updates; its docstring) with one change (VARIANTS):

- rnn_init0.5: the RNN's initial weights × 0.5 (W ~ N(0, 0.25/H), biases 0): W_hh's spectral radius about 0.5
  instead of 1, so the state starts forgetting by half a step.  Only the RNN runs, at η = 0.01, the rate of every
  claim about it (the stored sweep's and its searched one); the LSTMs it is compared with are the stored ones;
- batch8: 8 streams instead of 32 (each four times as long; one update reads 8 × 64 characters, so 1200 updates read
  a quarter of the text the stored runs read): the noise of each gradient and the text read per update both change.
  Each network at its searched rate (RNN η = 0.01, LSTM η = 0.03: char_language_model_searched), the rates of the
  rankings the notebook draws its lesson from.

The seed draws the weights as in char_language_model (the change of init is applied to the drawn weights), so each
run is paired with the stored run of the same seed.  Seeds 0-4 (five per value).  Cut for compute (a two-core
machine shared by eight sessions; one LSTM run takes about 45 s of CPU): the LSTM's initialisation (forget bias 0 or
3), the batch at the shared η = 0.01 for the LSTM, batches of 128 (about four times a stored run), the truncation k,
the hidden sizes.  Tables: _curves, _units and _samples as in char_language_model (the validation loss every 50
updates, the mean training loss since the last row, the share of updates clipped; the unit that tracks math best
after training; 200 sampled characters at each temperature), with the variant and the rate; no trace.  The quick
mode re-runs the first 50 updates of seed 0 of the LSTM with 8 streams.
"""

from char_language_model import UPDATES, run
from harness import Experiment, seeds

TABLES = ("curves", "units", "samples")  # char_language_model's tables but the trace (seed 0 only, not judged)


def _rnn_scale(params, scale=0.5):
    for name in ("W_xh", "W_hh", "W_hy"):
        params[name] *= scale


VARIANTS = {  # variant → (keyword arguments of char_language_model.run, the (cell, η) runs it applies to)
    "rnn_init0.5": ({"adjust": _rnn_scale}, (("RNN", 0.01),)),
    "batch8": ({"batch": 8}, (("RNN", 0.01), ("LSTM", 0.03))),
}


def run_variant(case, quick):
    """One (variant, cell, η, seed): the _curves, _units and _samples rows of char_language_model.run with the
    change."""
    change = VARIANTS[case["variant"]][0]
    tables = run({"cell": case["cell"], "seed": case["seed"]}, quick, lr=case["lr"], **change)
    extra = {"variant": case["variant"], "lr": case["lr"]}
    return {t: [{**extra, **row} for row in tables[t]] for t in TABLES}


EXPERIMENT = Experiment(
    name="char_language_model_choices",
    protocol="char_language_model with one change at a time: RNN weights × 0.5 (RNN, η = 0.01), 8 streams (RNN at "
    "η = 0.01, LSTM at 0.03); seeds 0-4; "
    f"{UPDATES} updates (see the docstring of experiments/char_language_model_choices.py).",
    key={
        "curves": ("variant", "cell", "lr", "seed", "update"),
        "units": ("variant", "cell", "lr", "seed"),
        "samples": ("variant", "cell", "lr", "seed", "temperature"),
    },
    cases=[
        {"variant": v, "cell": cell, "lr": lr, "seed": s}
        for v, (_, runs) in VARIANTS.items()
        for cell, lr in runs
        for s in seeds(5)
    ],
    quick=[{"variant": "batch8", "cell": "LSTM", "lr": 0.03, "seed": 0}],
    run=run_variant,
)

if __name__ == "__main__":
    EXPERIMENT.main()
