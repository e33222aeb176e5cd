"""Notebook 18, section 6: the controls for "a hidden unit tracks LaTeX math" — the same search in untrained networks.

For each cell and seed: the network of experiments/char_language_model.py before any training
(init_language_model(cell, V, H, rng=seed), RNN H = 128, LSTM H = 64), its hidden states over the validation text
(the last 10 % of course_prose), and, as after training, the unit whose state correlates most with "inside LaTeX
math" (language_model.math_mode): its index, Pearson's r, and the largest |r| of any other unit.  The other control,
a decaying count of the characters \\ _ { } ^ = (language_model.decaying_count) needs no network and no seed: the
claims compute it (course.claims.sequences).  Seeds 0-9.  The quick mode re-runs seed 0 of both cells.
"""

import numpy as np
from char_language_model import MODELS, corpus
from harness import Experiment, grid, seeds

from course.language_model import hidden_states, init_language_model, math_mode


def best_math_unit(h, inside):
    """The unit most correlated with the 0/1 indicator `inside`: (index, r, largest |r| of the other units)."""
    hc, mc = h - h.mean(axis=0), inside - inside.mean()
    corr = hc.T @ mc / np.sqrt((hc**2).sum(axis=0) * (mc**2).sum())
    order = np.argsort(-np.abs(corr))
    return int(order[0]), float(corr[order[0]]), float(abs(corr[order[1]]))


def run(case, quick):
    cell, seed = case["cell"], case["seed"]
    vocab, _, val, val_text = corpus()
    params = init_language_model(cell, vocab.size, MODELS[cell], rng=seed)
    unit, corr, runner_up = best_math_unit(hidden_states(params, val, cell=cell), math_mode(val_text).astype(float))
    return [{**case, "unit": unit, "corr": corr, "runner_up": runner_up}]


EXPERIMENT = Experiment(
    name="char_language_model_controls",
    protocol=(
        "untrained RNN H = 128 and LSTM H = 64 (init_language_model, rng = seed), seeds 0-9: the unit most correlated "
        "with math_mode over the validation text (see the docstring of experiments/char_language_model_controls.py)."
    ),
    key=("cell", "seed"),
    cases=grid(cell=tuple(MODELS), seed=seeds(10)),
    quick=grid(cell=tuple(MODELS), seed=[0]),
    run=run,
)

if __name__ == "__main__":
    EXPERIMENT.main()
