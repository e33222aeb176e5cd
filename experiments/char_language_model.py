"""Notebook 18: a character-level language model of the course's own prose, the vanilla RNN against the LSTM.

Corpus: course/corpora/course_prose.txt (125 205 characters, V = 114, CC BY 4.0); the first 90 % trains
(112 685 characters, cut into B = 32 streams), the last 10 % validates (12 520 characters, read as one stream).
Models of about the same size: the RNN with H = 128 (45 810 parameters, W ~ N(0, 1/H)) and the LSTM with H = 64
(53 490 parameters, PyTorch's U(-1/sqrt(H), 1/sqrt(H)), forget-gate bias 1); course.language_model.
Training, the same for both: stateful truncated BPTT in chunks of k = 64 steps (states carried, BPTT(64, 64)),
one Adam step per chunk (lr = 0.01, torch's other defaults) on the chunk's loss / B, gradients clipped at global
norm 100; 1200 updates (about 21.4 passes of 56 chunks, 2.42 million characters read).  Seeds 0-9 (the seed draws
the weights).  The rate was not searched before this sweep; experiments/char_language_model_lr.py searched it
afterwards on pilot seeds: it keeps 0.01 for the RNN and would take 0.03 for the LSTM (course/claims/choices.py);
experiments/char_language_model_searched.py re-runs seeds 0-9 with each network at its searched rate.

Tables: _curves, every 50 updates: validation loss (nats per character; perplexity = exp), the mean training loss
per character of the updates since the last row, the fraction of updates clipped so far.  _units: after training,
the hidden unit whose state correlates most with "inside LaTeX math" (language_model.math_mode) over the validation
text, its Pearson correlation, and the largest |correlation| of any other unit.  _trace: that unit's state over the
first 600 characters of the validation text (seed 0).  _samples: 200 characters after the prime "The gradient "
at temperatures 0, 0.5, 1 and 1.5 (rng = the seed), JSON-escaped.  The quick mode re-runs the first 50 updates of
seed 0 for both models.
"""

import json

import numpy as np
from harness import Experiment, grid, seeds

from course.language_model import (
    hidden_states,
    init_language_model,
    math_mode,
    train_language_model,
)
from course.text import Vocabulary, generate, load_corpus, next_character_streams
from rnn_lib.optim import Adam

MODELS = {"RNN": 128, "LSTM": 64}  # cell → H: about the same number of parameters
UPDATES, QUICK_UPDATES, EVERY = 1200, 50, 50
K, B, LR, CLIP = 64, 32, 0.01, 100.0
TEMPERATURES = (0.0, 0.5, 1.0, 1.5)
PRIME, SAMPLE_LENGTH, TRACE_LENGTH = "The gradient ", 200, 600


def corpus(batch=B):
    """The vocabulary, the training streams (inputs, targets) and the validation text, as the notebook makes them
    (``batch`` streams: the choices experiment varies it)."""
    text = load_corpus("course_prose")
    vocab = Vocabulary(text)
    n_val = len(text) // 10
    train, val = vocab.encode(text[:-n_val]), vocab.encode(text[-n_val:])
    return vocab, next_character_streams(train, batch), val, text[-n_val:]


def run(case, quick, lr=LR, H=None, batch=B, adjust=None):
    """One model and seed: table → rows (the docstring above); ``lr`` is Adam's rate (the search varies it), ``H``
    the hidden size (None: MODELS'), ``batch`` the number of streams, ``adjust(params)`` a change to the drawn
    initial weights (the choices experiment varies these)."""
    cell, seed = case["cell"], case["seed"]
    vocab, (inputs, targets), val, val_text = corpus(batch)
    params = init_language_model(cell, vocab.size, MODELS[cell] if H is None else H, rng=seed)
    if adjust is not None:
        adjust(params)
    updates = QUICK_UPDATES if quick else UPDATES
    history = train_language_model(
        params,
        inputs,
        targets,
        cell=cell,
        k=K,
        updates=updates,
        optimizer=Adam(params, lr=lr),
        clip=("norm", CLIP),
        validation=val,
        checkpoints=range(0, updates + 1, EVERY),
    )
    norms = np.array(history.step_grad_norm)
    curves = []
    for update, val_loss in zip(history.val_updates, history.val_loss):
        since = history.step_loss[max(update - EVERY, 0) : update]
        curves.append(
            {
                **case,
                "update": update,
                "val_loss": val_loss,
                "train_loss": float(np.mean(since)) if since else float("nan"),
                "clipped": float(np.mean(norms[:update] > CLIP)) if update else 0.0,
            }
        )
    if quick:
        return {"curves": curves, "units": [], "trace": [], "samples": []}

    h = hidden_states(params, val, cell=cell)
    inside = math_mode(val_text).astype(float)
    hc, mc = h - h.mean(axis=0), inside - inside.mean()
    corr = hc.T @ mc / np.sqrt((hc**2).sum(axis=0) * (mc**2).sum())
    order = np.argsort(-np.abs(corr))
    units = [{**case, "unit": int(order[0]), "corr": float(corr[order[0]]), "runner_up": float(abs(corr[order[1]]))}]
    trace = []
    if seed == 0:
        trace = [{**case, "position": t, "state": float(h[t, order[0]])} for t in range(TRACE_LENGTH)]
    samples = [
        {
            **case,
            "temperature": tau,
            "text": json.dumps(
                generate(params, vocab, SAMPLE_LENGTH, prime=PRIME, temperature=tau, rng=seed, cell=cell)
            ),
        }
        for tau in TEMPERATURES
    ]
    return {"curves": curves, "units": units, "trace": trace, "samples": samples}


EXPERIMENT = Experiment(
    name="char_language_model",
    protocol=(
        f"course_prose, first 90 % trains (B = {B} streams), last 10 % validates; RNN H = 128, LSTM H = 64; "
        f"stateful TBPTT k = {K}, Adam lr = {LR}, clip at norm {CLIP}, {UPDATES} updates; seeds 0-9 "
        "(see the docstring of experiments/char_language_model.py)."
    ),
    key={
        "curves": ("cell", "seed", "update"),
        "units": ("cell", "seed"),
        "trace": ("cell", "seed", "position"),
        "samples": ("cell", "seed", "temperature"),
    },
    cases=grid(cell=tuple(MODELS), seed=seeds(10)),
    quick=grid(cell=tuple(MODELS), seed=[0]),
    run=run,
)

if __name__ == "__main__":
    EXPERIMENT.main()
