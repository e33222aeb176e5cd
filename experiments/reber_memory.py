"""Notebook 19: the embedded Reber grammar, learned by a vanilla RNN and by LSTMs, measured exactly.

Models (course.language_model.init_language_model, D = O = 7): the RNN with H = 16 (503 parameters,
W ~ N(0, 1/H)), the LSTM with H = 8 (607 parameters, about the RNN's size) and with H = 16 (1 815 parameters,
the RNN's H); LSTMs with PyTorch's uniform initialisation and forget-gate bias 1.  Training
(course.grammar.train_on_strings): every update a fresh batch of 32 embedded Reber strings (drawn from
default_rng(1000 + seed)), full BPTT through every string, Adam (lr = 0.01, torch's other defaults) on the
summed cross-entropy / 32, gradients clipped at global norm 100; 3000 updates (96 000 strings).  Seeds 0-9
(the seed draws the weights and the strings).  The rate was not searched before this sweep; experiments/reber_memory_lr.py searched it afterwards on
pilot seeds: it would take 0.03 for every model (course/claims/choices.py); experiments/reber_memory_searched.py
re-runs seeds 0-9 at that rate.

Measured every 50 updates on one fixed test set of 2000 strings (reber_strings(2000, rng=10_000), the same for
every run), each string read from zero states (grammar.legal_set_scores): the fraction of positions where the
most probable symbols are exactly the legal ones (positions), of the predictions after the inner E, which need
the second symbol (memory), of the other positions (other), of strings right at every position (strings), the
mean cross-entropy per position (loss, nats), and memory on the test strings of at least 20 symbols only
(memory_long; 61 strings, dependency spanning 17 or more steps).  Memory by lag: the lag of a string is the number
of steps its state must carry the second symbol, from reading it (step 2) to the prediction that needs it (made
after reading the inner E, step len − 2): len − 4, from 5 to 25 on the test set (median 7).  memory_lag_5_6,
memory_lag_7_9 and memory_lag_10_15 are memory on the test strings with those lags (890, 626 and 423 strings);
lags 16-25 are memory_long.  The quick mode re-runs the first 100 updates of seed 0 for each model.
"""

import numpy as np
from harness import Experiment, seeds

from course.grammar import V, encode_strings, legal_set_hits, legal_set_scores, memory_positions, train_on_strings
from course.language_model import init_language_model
from rnn_lib.cells import check_cell
from rnn_lib.data import reber_strings
from rnn_lib.optim import Adam

MODELS = (("RNN", 16), ("LSTM", 8), ("LSTM", 16))
UPDATES, QUICK_UPDATES, EVERY = 3000, 100, 50
BATCH, LR, CLIP = 32, 0.01, 100.0
TEST_SEED, TEST_SIZE, LONG = 10_000, 2000, 20
LAG_BINS = {"memory_lag_5_6": (5, 6), "memory_lag_7_9": (7, 9), "memory_lag_10_15": (10, 15)}  # 16-25: memory_long


def lags(strings):
    """Steps each string's state carries its second symbol, from reading it to the prediction that needs it: (N,)."""
    return np.array([len(s) - 4 for s in strings])


def test_set():
    """The fixed test strings and their legal sets, and the indices of the long ones (>= LONG symbols)."""
    strings, legal = reber_strings(TEST_SIZE, rng=TEST_SEED)
    return strings, legal, [i for i, s in enumerate(strings) if len(s) >= LONG]


def measurer(cell):
    """The scores of the docstring above on the fixed test set: a function params → {column: value}."""
    strings, legal, long = test_set()
    x_test, _, _, allowed = encode_strings(strings, legal)
    lag, rows, columns = lags(strings), memory_positions(strings), np.arange(len(strings))

    def measure(params):
        scores = legal_set_scores(params, strings, legal, cell=cell)
        scores["memory_long"] = legal_set_scores(
            params, [strings[i] for i in long], [legal[i] for i in long], cell=cell
        )["memory"]
        logits, _ = check_cell(cell).forward(params, x_test)
        right = legal_set_hits(logits, allowed)[rows, columns]  # (N,): right at each string's memory position
        for name, (low, high) in LAG_BINS.items():
            scores[name] = float(right[(lag >= low) & (lag <= high)].mean())
        return scores

    return measure


def run(case, quick, lr=LR):
    """One model and seed: its rows every EVERY updates (the docstring above); ``lr`` is Adam's rate (the search
    varies it)."""
    cell, H, seed = case["cell"], case["H"], case["seed"]
    measure = measurer(cell)
    params = init_language_model(cell, V, H, rng=seed)
    updates = QUICK_UPDATES if quick else UPDATES
    _, results = train_on_strings(
        params,
        updates=updates,
        optimizer=Adam(params, lr=lr),
        batch_size=BATCH,
        clip=("norm", CLIP),
        cell=cell,
        rng=np.random.default_rng(1000 + seed),
        evaluate=(range(0, updates + 1, EVERY), measure),
    )
    return [{**case, "update": update, **scores} for update, scores in results]


EXPERIMENT = Experiment(
    name="reber_memory",
    protocol=(
        f"embedded Reber; RNN H = 16, LSTM H = 8 and 16; fresh batches of {BATCH} strings, full BPTT, Adam lr = {LR}, "
        f"clip at norm {CLIP}, {UPDATES} updates; scored on {TEST_SIZE} test strings (rng {TEST_SEED}) every "
        f"{EVERY} updates; seeds 0-9 (see the docstring of experiments/reber_memory.py)."
    ),
    key=("cell", "H", "seed", "update"),
    cases=[{"cell": c, "H": H, "seed": s} for c, H in MODELS for s in seeds(10)],
    quick=[{"cell": c, "H": H, "seed": 0} for c, H in MODELS],
    run=run,
)

if __name__ == "__main__":
    EXPERIMENT.main()
