"""Notebook 19: the embedded Reber grammar, learned by a vanilla RNN and by LSTMs, measured exactly.

Models (course.language_model.init_language_model, D = O = 7): the RNN with H = 16 (503 parameters,
W ~ N(0, 1/H)), the LSTM with H = 8 (607 parameters, about the RNN's size) and with H = 16 (1 815 parameters,
the RNN's H); LSTMs with PyTorch's uniform initialisation and forget-gate bias 1.  Training
(course.grammar.train_on_strings): every update a fresh batch of 32 embedded Reber strings (drawn from
default_rng(1000 + seed)), full BPTT through every string, Adam (lr = 0.01, torch's other defaults) on the
summed cross-entropy / 32, gradients clipped at global norm 100; 3000 updates (96 000 strings).  Seeds 0-9
(the seed draws the weights and the strings).

Measured every 50 updates on one fixed test set of 2000 strings (reber_strings(2000, rng=10_000), the same for
every run), each string read from zero states (grammar.legal_set_scores): the fraction of positions where the
most probable symbols are exactly the legal ones (positions), of the predictions after the inner E, which need
the second symbol (memory), of the other positions (other), of strings right at every position (strings), the
mean cross-entropy per position (loss, nats), and memory on the test strings of at least 20 symbols only
(memory_long; 61 strings, dependency spanning 17 or more steps).  The quick mode re-runs the first 100 updates
of seed 0 for each model.
"""

import numpy as np
from harness import Experiment, seeds

from course.grammar import V, legal_set_scores, train_on_strings
from course.language_model import init_language_model
from rnn_lib.data import reber_strings
from rnn_lib.optim import Adam

MODELS = (("RNN", 16), ("LSTM", 8), ("LSTM", 16))
UPDATES, QUICK_UPDATES, EVERY = 3000, 100, 50
BATCH, LR, CLIP = 32, 0.01, 100.0
TEST_SEED, TEST_SIZE, LONG = 10_000, 2000, 20


def test_set():
    """The fixed test strings and their legal sets, and the indices of the long ones (>= LONG symbols)."""
    strings, legal = reber_strings(TEST_SIZE, rng=TEST_SEED)
    return strings, legal, [i for i, s in enumerate(strings) if len(s) >= LONG]


def run(case, quick):
    cell, H, seed = case["cell"], case["H"], case["seed"]
    strings, legal, long = test_set()

    def measure(params):
        scores = legal_set_scores(params, strings, legal, cell=cell)
        scores["memory_long"] = legal_set_scores(
            params, [strings[i] for i in long], [legal[i] for i in long], cell=cell
        )["memory"]
        return scores

    params = init_language_model(cell, V, H, rng=seed)
    updates = QUICK_UPDATES if quick else UPDATES
    _, results = train_on_strings(
        params,
        updates=updates,
        optimizer=Adam(params, lr=LR),
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
