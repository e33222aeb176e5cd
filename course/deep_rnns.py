"""Notebook 20's comparison: a one-layer, a two-layer and a bidirectional RNN on a task that looks ahead.

``experiments/deep_bidirectional.py`` (the stored sweep) and the notebook's live slice both build their runs here,
so the two cannot drift apart.  The task is :func:`rnn_lib.data.window_sum` (inputs ±1, target at step t the sum
of x_{t−2} … x_{t+ahead}, T = 20).  The three networks (``rnn_lib.deep``, D = O = 1), sized so that their
parameter counts agree within 7 % at every ``size``::

    model    layers  bidirectional   H at size 1 / ½ / 2   parameters at size 1 / ½ / 2
    rnn      1       no              24 / 12 / 48          649 / 181 / 2449
    deep     2       no              14 / 7 / 28           645 / 176 / 2465
    bi       1       yes             16 / 8 / 32           609 / 177 / 2241

Every weight starts N(0, 1)·0.1 (``deep.init_params``' default), biases 0.  Training (:func:`training_run`):
Adam, a fresh batch of 32 sequences for every update (drawn from ``default_rng(1000 + seed)``; no sequence is seen
twice), loss ½ Σ_t (ŷ_t − y_t)² averaged over the batch, gradients clipped at global norm 10.  Measured on 512
fixed validation sequences (``window_sum(512, rng=VALIDATION_SEED)``): the **unexplained fraction**
Σ (ŷ − y)² / Σ y², 1 for a network that predicts 0 everywhere, 0 for a perfect one.

:func:`causal_bound` is the lowest unexplained fraction any network reading left to right can reach in
expectation: at step t it has not seen the f_t = min(ahead, T − t) future inputs in the window, each ±1 with
mean 0, so its expected squared error there is at least f_t, while E[y_t²] = n_t, the number of window steps
inside the sequence.  The bound is Σ_t f_t / Σ_t n_t.
"""

from __future__ import annotations

import numpy as np

from rnn_lib import deep
from rnn_lib.clipping import clip_by_global_norm
from rnn_lib.data import window_sum
from rnn_lib.optim import Adam
from rnn_lib.validation import check_integer, check_positive, check_size

T, BEHIND, BATCH, CLIP = 20, 2, 32, 10.0
VALIDATION_SEED, VALIDATION_SIZE = 10_000, 512
MODELS = {"rnn": (1, False), "deep": (2, False), "bi": (1, True)}  # name → (layers, bidirectional)
HIDDEN = {  # size → model → H: parameter counts within 7 % of each other
    1.0: {"rnn": 24, "deep": 14, "bi": 16},
    0.5: {"rnn": 12, "deep": 7, "bi": 8},
    2.0: {"rnn": 48, "deep": 28, "bi": 32},
}
LABELS = {"rnn": "one layer", "deep": "two layers", "bi": "bidirectional"}


def init_network(model, size=1.0, *, rng=0, scale=0.1) -> dict:
    """The parameters of one of the three networks (``MODELS``) at a size of ``HIDDEN``, drawn from ``rng``
    (every weight N(0, 1)·``scale``)."""
    if model not in MODELS:
        raise ValueError(f"model must be one of {sorted(MODELS)}, got {model!r}")
    if size not in HIDDEN:
        raise ValueError(f"size must be one of {sorted(HIDDEN)}, got {size!r}")
    layers, bidirectional = MODELS[model]
    rng = np.random.default_rng(rng) if isinstance(rng, (int, np.integer)) else rng
    return deep.init_params(1, HIDDEN[size][model], 1, layers=layers, bidirectional=bidirectional, rng=rng, scale=scale)


def count_parameters(params) -> int:
    """The number of numbers in a parameter dict."""
    return int(sum(p.size for p in params.values()))


def causal_bound(ahead, T=T, behind=BEHIND) -> float:
    """Σ_t f_t / Σ_t n_t: the lowest expected unexplained fraction of a network that reads left to right."""
    t = np.arange(1, T + 1)
    future = np.minimum(ahead, T - t)  # window steps after t that exist
    inside = np.minimum(behind, t - 1) + 1 + future  # window steps inside 1 … T
    return float(future.sum() / inside.sum())


def validation_set(ahead, *, length=T, input_scale=1.0):
    """The fixed validation sequences (x, y), each (length, 512, 1), inputs ±``input_scale``."""
    x, y = window_sum(VALIDATION_SIZE, length, behind=BEHIND, ahead=ahead, rng=VALIDATION_SEED)
    return (x, y) if input_scale == 1.0 else (input_scale * x, input_scale * y)


def unexplained(params, x, y) -> float:
    """Σ (ŷ − y)² / Σ y² over a batch."""
    y_hat, _ = deep.forward(params, x)
    return float(np.sum((y_hat - y) ** 2) / np.sum(y**2))


def training_run(
    model,
    *,
    ahead,
    seed,
    lr=0.01,
    size=1.0,
    updates=600,
    every=25,
    init_scale=0.1,
    input_scale=1.0,
    batch=BATCH,
    length=T,
    clip=CLIP,
):
    """Train one network (the protocol above); returns [(update, unexplained fraction on the validation set)]
    at updates 0, every, 2·every, …, updates, and the trained parameters.

    The protocol's other choices, for the ledger of arbitrary choices (experiments/deep_bidirectional_choices.py):
    ``init_scale`` (every weight N(0, 1)·init_scale), ``input_scale`` (inputs ±input_scale, so targets scale with
    them and the unexplained fraction is in the same units), ``batch``, ``length`` (T) and ``clip`` (the global
    norm; None: no clipping).  Their defaults are the protocol's."""
    ahead, seed = check_integer(ahead, "ahead"), check_integer(seed, "seed")
    lr, updates, every = check_positive(lr, "lr"), check_integer(updates, "updates"), check_size(every, "every")
    init_scale, input_scale = check_positive(init_scale, "init_scale"), check_positive(input_scale, "input_scale")
    batch, length = check_size(batch, "batch"), check_size(length, "length")
    clip = None if clip is None else check_positive(clip, "clip")
    params = init_network(model, size, rng=seed, scale=init_scale)
    names = tuple(params)
    optimizer = Adam(params, lr=lr)
    x_val, y_val = validation_set(ahead, length=length, input_scale=input_scale)
    batches = np.random.default_rng(1000 + seed)
    curve = [(0, unexplained(params, x_val, y_val))]
    for update in range(1, updates + 1):
        x, y = window_sum(batch, length, behind=BEHIND, ahead=ahead, rng=batches)
        if input_scale != 1.0:
            x, y = input_scale * x, input_scale * y
        y_hat, cache = deep.forward(params, x)
        grads = deep.backward(params, cache, (y_hat - y) / batch)  # ∂(mean loss per sequence)/∂ŷ
        if clip is None:
            grads = {k: grads[k] for k in names}  # without ∂L/∂x, which deep.backward returns too
        else:
            grads, _ = clip_by_global_norm(grads, clip, names=names)
        optimizer.step(grads)
        if update % every == 0:
            curve.append((update, unexplained(params, x_val, y_val)))
    return curve, params
