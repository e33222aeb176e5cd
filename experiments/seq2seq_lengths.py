"""Notebooks 21 and 22: exact-match accuracy against length, the encoder–decoder with and without attention.

Task (rnn_lib.data.reversal_task): reverse a string of 1 … 12 digits (V = 13 tokens with PAD, BOS, EOS).
Models (rnn_lib.seq2seq): GRU encoder and decoder of H = 64 (the base), the encoder's last state the decoder's
start, read-out W_out g_t (no attention) or W_out [g_t; c_t] with additive (A = H) or scaled dot-product
attention over the encoder's states.  Training (seq2seq.train): every update a fresh batch of 32 strings of
lengths uniform in 1 … 12 (drawn from default_rng(1000 + seed)), teacher forcing, the masked cross-entropy (mean
per string), Adam with each model's learning rate (LEARNING_RATES, chosen by experiments/seq2seq_lengths_lr.py on
seeds 100 and 101, which are never judged), gradients clipped at global norm 1; UPDATES updates.  Weights drawn
from default_rng(seed), seeds 0-9.

Measured at the checkpoints (updates) of CHECKPOINTS on one fixed test set, 100 strings of each length 1 … 12
(reversal_task(100, L, L, rng=10_000 + L)): the fraction decoded exactly right by greedy free-running decoding
(every digit and the EOS), per length; and the mean training loss of the last 100 updates.  The quick mode re-runs
the first 100 updates of seed 0 of each model.

What the compute allowed: the first sweep ran on a shared 2-core machine whose load reached 15-28, where an
additive run took 500 s, and stored additive attention for seeds 0-1 only; seeds 2-9 were added later (about 25 s a
run on a quiet machine; a run's rows do not depend on the others, so they are the rows the whole sweep writes).
The variants this script was written for (H = 128 without attention, H = 32 with attention; VARIANTS) are not run
here: experiments/attention_choices.py changes H, the learning rate, the strings' length and the budget one at a
time.  The learning rate is also varied in the pilot (seq2seq_lengths_lr), the budget by the checkpoints.
"""

import numpy as np
from harness import Experiment, seeds

from rnn_lib import data, seq2seq

MAX_LEN, BATCH, CLIP = 12, 32, 1.0
UPDATES, QUICK_UPDATES, CHECKPOINTS = 2000, 100, (100, 500, 1000, 2000)
TEST_SEED, TEST_SIZE = 10_000, 100
ATTENTION = ("none", "additive", "dot")
LEARNING_RATES = {"none": 0.01, "additive": 0.01, "dot": 0.01}  # seq2seq_lengths_lr.csv's choice
VARIANTS = {"base": 64, "H32": 32, "H128": 128}  # variant → H
SEEDS = {"none": 10, "additive": 10, "dot": 10}


def copying(src):
    """The copying task's targets for reversal_task's sources: the digits in their own order, EOS, then PAD.

    Inputs: src (S, B) digit tokens then PAD.  Returns tgt (S + 1, B), laid out as reversal_task's tgt."""
    tgt = np.concatenate([src, np.full((1, src.shape[1]), data.PAD, dtype=src.dtype)])
    tgt[(src != data.PAD).sum(axis=0), np.arange(src.shape[1])] = data.EOS
    return tgt


def test_sets(max_length=MAX_LEN, task="reversal"):
    """length → (src, tgt) of the fixed test strings (the same strings for either task)."""
    sets = {L: data.reversal_task(TEST_SIZE, L, L, rng=TEST_SEED + L)[:2] for L in range(1, max_length + 1)}
    return sets if task == "reversal" else {L: (src, copying(src)) for L, (src, _) in sets.items()}


def training_run(
    attention,
    H,
    lr,
    seed,
    updates,
    checkpoints,
    max_length=MAX_LEN,
    *,
    batch=BATCH,
    clip=CLIP,
    scale=1.0,
    task="reversal",
):
    """Train one model on strings of 1 … max_length digits; one row per (checkpoint, test length 1 … max_length):
    exact_match and the mean loss of the last 100 updates.  attention_choices.py varies max_length and, one at a
    time, the batch size, the clipping threshold (None: none), the initial weights' ``scale`` (every weight drawn
    by init_params times it; the biases start at 0) and the task ("reversal" or "copy")."""
    kind = None if attention == "none" else attention
    params = seq2seq.init_params(data.REVERSAL_V, H, attention=kind, rng=np.random.default_rng(seed))
    for k in params:
        params[k] *= scale  # × 1.0 at the base: the same numbers
    gen = np.random.default_rng(1000 + seed)
    tests, rows, losses = test_sets(max_length, task), [], []

    def measure(update, loss, params):
        losses.append(loss)
        if update not in checkpoints:
            return
        for L, (src, tgt) in tests.items():
            tokens, _ = seq2seq.greedy_decode(params, src, L + 1, kind)
            exact = float(seq2seq.exact_match(tokens, tgt).mean())
            rows.append(
                {"update": update, "length": L, "exact_match": exact, "train_loss": float(np.mean(losses[-100:]))}
            )

    def batch_of(step):
        src, tgt = data.reversal_task(batch, 1, max_length, rng=gen)[:2]
        return (src, tgt) if task == "reversal" else (src, copying(src))

    seq2seq.train(params, batch_of, steps=updates, lr=lr, attention=kind, clip=clip, on_update=measure)
    return rows


def run(case, quick):
    H = VARIANTS[case["variant"]]
    updates = QUICK_UPDATES if quick else UPDATES
    rows = training_run(case["attention"], H, LEARNING_RATES[case["attention"]], case["seed"], updates, CHECKPOINTS)
    return [{**case, "H": H, **row} for row in rows]


EXPERIMENT = Experiment(
    name="seq2seq_lengths",
    protocol=(
        f"reversal of 1-{MAX_LEN} digits; GRU encoder-decoder, H = 64, attention none, "
        f"additive, dot; fresh batches of {BATCH}, Adam lr {LEARNING_RATES}, clip {CLIP}, {UPDATES} updates; exact "
        f"match of greedy decoding on {TEST_SIZE} test strings per length at updates {CHECKPOINTS}; seeds {SEEDS} "
        "(see the docstring of experiments/seq2seq_lengths.py)."
    ),
    key=("variant", "attention", "seed", "update", "length"),
    cases=[{"variant": "base", "attention": a, "seed": s} for a in ATTENTION for s in seeds(SEEDS[a])],
    quick=[{"variant": "base", "attention": a, "seed": 0} for a in ATTENTION],
    run=run,
    # 100 Adam updates carry another numpy build's last-bit differences (1.24 against 2.x) to 3e-8 in the training
    # loss; the exact-match fractions are counts and agree exactly (harness.py's docstring).
    rtol=1e-6,
)

if __name__ == "__main__":
    EXPERIMENT.main()
