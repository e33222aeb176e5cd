"""Notebook 19, one arbitrary choice changed at a time: the initialisation and the batch size of the grammar learners.

reber_memory's protocol (the RNN with H = 16, the LSTMs with H = 8 and 16, fresh batches of 32 embedded Reber
strings drawn from default_rng(1000 + seed), full BPTT, Adam, clip at norm 100, at most 3000 updates, the legal-set
scores on the fixed 2000 test strings every 50 updates; its docstring) at both rates its claims are stated at
(η = 0.01, the stored sweep's, and η = 0.03, the searched one: reber_memory_searched), with one change (VARIANTS):

- the RNN's initial weights × 0.5 or × 2 (W ~ N(0, s²/H), s = 0.5 or 2, biases 0): s sets W_hh's spectral radius
  (about s), so ½ makes the state forget the second symbol by a factor of about 2 a step at the start and 2 starts
  the network chaotic, with saturated units; only the RNN runs, the LSTMs are the stored ones;
- the LSTMs' forget-gate bias 0 or 3 instead of 1 (the f block of b_ih; the same uniform weights): σ(0) = 0.5 and
  σ(3) ≈ 0.95 of the cell state kept per step at the start, against σ(1) ≈ 0.73; notebook 15 shows this bias
  deciding whether an LSTM remembers a sign over 100 steps; only the LSTMs run, the RNN is the stored one;
- batches of 8 or 128 strings instead of 32 (each update's strings drawn from the same generator; the objective is
  the mean per string, so η means the same): a quarter or four times the strings per update; every model runs.

The seed draws the weights exactly as in reber_memory (the change is applied to the drawn weights), so each run is
paired with the stored run of the same seed.  Seeds 0-4 (five per value: what the shared machine allowed).  A run
stops at the first record where 99 % of the strings, memory on lags 5-6 and memory on lags 16-25 (memory_long) are
right, or after 3000 updates: what the orderings by the update a run learns and the lag claim read (when the strings
are learned, and long lags against short ones).  So whether a run keeps the strings to update 3000, and its final
loss, are not measured here.  Rows: reber_memory's columns with the variant and the rate, the scores computed with
the test set encoded once (measurer; tests/test_sequence_choices.py holds an unchanged run equal to the stored one).
The quick mode re-runs the first 50 updates of seed 0 of the LSTM with H = 8, forget bias 3, η = 0.03.
"""

import numpy as np
from harness import Experiment, seeds
from reber_memory import BATCH, CLIP, EVERY, LAG_BINS, MODELS, UPDATES, lags, test_set

from course.grammar import (
    V,
    encode_strings,
    encoded_scores,
    legal_set_hits,
    legal_set_scores,
    memory_positions,
    train_on_strings,
)
from course.language_model import init_language_model
from rnn_lib.cells import check_cell
from rnn_lib.optim import Adam

RATES = (0.01, 0.03)  # the stored sweep's rate and the searched one: the rates notebook 19's claims are stated at
QUICK_UPDATES = 50
LSTMS = tuple(m for m in MODELS if m[0] == "LSTM")
VARIANTS = {  # variant → (the change, the models it applies to)
    "rnn_init0.5": ({"init_scale": 0.5}, (("RNN", 16),)),
    "rnn_init2": ({"init_scale": 2.0}, (("RNN", 16),)),
    "lstm_fb0": ({"forget_bias": 0.0}, LSTMS),
    "lstm_fb3": ({"forget_bias": 3.0}, LSTMS),
    "batch8": ({"batch": 8}, MODELS),
    "batch128": ({"batch": 128}, MODELS),
}
STOP_AT = ("strings", "memory_lag_5_6", "memory_long")  # all at 0.99: what the claims judged here need is known


def initial_weights(cell, H, seed, init_scale=1.0, forget_bias=1.0):
    """reber_memory's initial weights of one model and seed, with the RNN's weights scaled or the LSTM's forget bias
    set: {name: array}."""
    params = init_language_model(cell, V, H, rng=seed)
    if cell == "RNN":
        for name in ("W_xh", "W_hh", "W_hy"):
            params[name] *= init_scale
    else:
        params["b_ih"][H : 2 * H] = forget_bias  # the f block of i, f, g, o (init_language_model put 1 there)
    return params


def measurer(cell):
    """reber_memory.measurer's scores, with the test set encoded once and read by one forward pass (that measurer
    encodes it three times and reads it twice: most of a run's time): a function params → {column: value}."""
    strings, legal, long = test_set()
    x_test, targets, mask, allowed = encode_strings(strings, legal)
    lag, rows, columns = lags(strings), memory_positions(strings), np.arange(len(strings))
    long_strings, long_legal = [strings[i] for i in long], [legal[i] for i in long]

    def measure(params):
        logits, _ = check_cell(cell).forward(params, x_test)
        scores = encoded_scores(logits, targets, mask, allowed, rows)
        scores["memory_long"] = legal_set_scores(params, long_strings, long_legal, cell=cell)["memory"]
        right = legal_set_hits(logits, allowed)[rows, columns]  # (N,): right at each string's memory position
        for name, (low, high) in LAG_BINS.items():
            scores[name] = float(right[(lag >= low) & (lag <= high)].mean())
        return scores

    return measure


def run(case, quick):
    """One (variant, model, rate, seed): its rows every EVERY updates until the stop rule of the docstring."""
    change, _ = VARIANTS[case["variant"]]
    cell, H = case["cell"], case["H"]
    batch = change.get("batch", BATCH)
    weights = {k: v for k, v in change.items() if k != "batch"}
    params = initial_weights(cell, H, case["seed"], **weights)
    measure, optimizer = measurer(cell), Adam(params, lr=case["lr"])
    strings = np.random.default_rng(1000 + case["seed"])  # one generator across the segments: the same batches
    rows = [{**case, "update": 0, **measure(params)}]
    for update in range(EVERY, (QUICK_UPDATES if quick else UPDATES) + 1, EVERY):
        # EVERY updates at a time with the same optimiser and generator: the run one call would make, measured
        train_on_strings(
            params, updates=EVERY, optimizer=optimizer, batch_size=batch, clip=("norm", CLIP), cell=cell, rng=strings
        )
        rows.append({**case, "update": update, **measure(params)})
        if all(rows[-1][column] >= 0.99 for column in STOP_AT):
            break
    return rows


EXPERIMENT = Experiment(
    name="reber_memory_choices",
    protocol=f"reber_memory at η ∈ {RATES} with one change at a time: RNN weights × 0.5 or 2, LSTM forget bias 0 or "
    "3, batches of 8 or 128; seeds 0-4; each run stops once strings, lags 5-6 and lags 16-25 are 99 % right (see "
    "the docstring of experiments/reber_memory_choices.py).",
    key=("variant", "cell", "H", "lr", "seed", "update"),
    cases=[  # the searched rate first: the order they ran in
        {"variant": v, "cell": c, "H": H, "lr": lr, "seed": s}
        for lr in RATES[::-1]
        for v, (_, models) in VARIANTS.items()
        for c, H in models
        for s in seeds(5)
    ],
    quick=[{"variant": "lstm_fb3", "cell": "LSTM", "H": 8, "lr": 0.03, "seed": 0}],
    run=run,
)

if __name__ == "__main__":
    EXPERIMENT.main()
