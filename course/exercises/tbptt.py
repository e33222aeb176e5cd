"""Checker for notebook 10 (truncated BPTT): carrying the hidden state forward, but not its gradient.

Notebook 10.  The learner writes ``tbptt_gradients(params, x, y, k)``: BPTT(k, k) on a batch
x (T, B, D), y (T, B, O), from h_0 = 0.  Chunks of k steps (the last may be shorter); each chunk
runs forward from the state the previous chunk ended in (a number, carried), backpropagates its own
losses to its first step and no further, and the five gradients of all chunks are summed.

Named mistakes: the gradient carried across chunks (or k ignored), the state reset at each chunk, the last short
chunk dropped, only the last chunk kept, the state before the chunk's last carried, a mean over chunks or over the
batch, a sign error, and a function that keeps state between calls.
"""

from __future__ import annotations

import numpy as np

from rnn_lib import engine
from rnn_lib.data import random_problem
from rnn_lib.parameters import PARAM_NAMES

from ..i18n import N_, tr
from ._feedback import (
    Feedback,
    confirmed,
    diagnose,
    flatten,
    gradients_as_vector,
    guarded,
    read_only,
    run_learner,
)

__all__ = ["check_tbptt_gradients", "chunked_gradients", "full_gradients"]

TBPTT_EXERCISE = "tbptt_gradients"
CARRIED_GRADIENT = N_("carrying the gradient across chunk boundaries")
CARRIED_PREVIOUS = N_("the state before the chunk's last carried (cache.h[-2])")
CHUNK_MEAN = N_("averaged over the chunks instead of summed")
FIRST_ONLY = N_("only the first chunk")
BATCH_MEAN = N_("divided by B (mean over the batch)")
_SIGN = N_(
    "each chunk's gradients are rnn_lib.backward's, fed δ^y = ŷ − y (prediction minus target), and they are "
    "added: no minus until the update."
)


def chunked_gradients(
    params, x, y, k, *, reset_state=False, drop_last=False, last_only=False, carry_row=-1, first_only=False
):
    """Reference BPTT(k, k) gradients, and (with a flag) the classic wrong versions of it.

    x (T, B, D), y (T, B, O).  Returns the five parameter gradients summed over chunks.
    reset_state: start every chunk from h = 0 (the forgotten carry).
    drop_last: skip a final chunk shorter than k.  last_only: keep only the last chunk's gradient.
    carry_row: the row of the chunk's states carried to the next chunk (−1, its last state; −2 the one before).
    first_only: stop after the first chunk.
    """
    T, B, _ = x.shape
    H = params["W_hh"].shape[0]
    grads = {name: np.zeros_like(params[name]) for name in PARAM_NAMES}
    h = np.zeros((B, H))
    for c in range(0, T, k):
        e = min(c + k, T)
        if drop_last and e - c < k:
            break
        y_hat, cache = engine.forward(params, x[c:e], np.zeros((B, H)) if reset_state else h)
        g = engine.backward(params, cache, y_hat - y[c:e])  # g["h0"] is not passed on: the truncation
        for name in PARAM_NAMES:
            grads[name] = g[name].copy() if last_only else grads[name] + g[name]
        h = cache.h[carry_row]
        if first_only:
            break
    return grads


def full_gradients(params, x, y):
    """Untruncated BPTT over the whole sequence: what carrying the gradient across chunks amounts to."""
    y_hat, cache = engine.forward(params, x)
    g = engine.backward(params, cache, y_hat - y)
    return {name: g[name] for name in PARAM_NAMES}


def _tbptt_problem(seed=0, T=7, B=4, D=2, H=5, O=3):
    params, x, y, _ = random_problem(seed, T, D, H, O, B, scale=0.6)
    return params, x, y


@guarded(TBPTT_EXERCISE)
def check_tbptt_gradients(fn) -> Feedback:
    """Check ``fn(params, x, y, k)`` on T = 7, k = 3: chunks of 3, 3 and 1 steps; B = 4, D = 2, H = 5, O = 3, no two
    sizes equal, none equal to the 3 chunks (a state started as np.zeros((D, H)) cannot pass)."""
    params, x, y = _tbptt_problem()
    k = 3
    expected = flatten(chunked_gradients(params, x, y, k))
    mistakes = {
        CARRIED_GRADIENT: (
            flatten(full_gradients(params, x, y)),
            tr(
                "That is the full BPTT gradient: the gradient reaching a chunk's first state was passed on "
                "to the chunk before. Truncation drops it: carry the hidden state h forward (a number), "
                "never dh back. (Or k was never used: one chunk of all T steps is full BPTT too.)"
            ),
        ),
        N_("resetting the hidden state at each chunk"): (
            flatten(chunked_gradients(params, x, y, k, reset_state=True)),
            tr(
                "Every chunk started from h = 0. Carry the state: start chunk n from the last state of "
                "chunk n − 1 (cache.h[-1], or pass h0= to rnn_lib.forward)."
            ),
        ),
        N_("dropping the last, shorter chunk"): (
            flatten(chunked_gradients(params, x, y, k, drop_last=True)),
            tr(
                "T = 7 is not a multiple of k = 3: the last chunk has one step, and its loss counts too. "
                "Loop with range(0, T, k) and end each chunk at min(c + k, T)."
            ),
        ),
        CARRIED_PREVIOUS: (
            flatten(chunked_gradients(params, x, y, k, carry_row=-2)),
            tr(
                "The next chunk must start from the state the last one ended in, h at its last step: cache.h[-1] "
                "(cache.h holds the chunk's first state too, so it has one row more than the chunk has steps)."
            ),
        ),
        FIRST_ONLY: (
            flatten(chunked_gradients(params, x, y, k, first_only=True)),
            tr(
                "The loop stopped after the first chunk (a return or break inside it?): every chunk, the short "
                "last one too, adds its gradients to the total."
            ),
        ),
        CHUNK_MEAN: (
            expected / len(range(0, x.shape[0], k)),
            tr(
                "The loss is the sum of the chunks' losses, so its gradient is the sum of theirs: add each "
                "chunk's gradients, and divide by nothing."
            ),
        ),
        BATCH_MEAN: (
            expected / x.shape[1],
            tr(
                "The loss here sums over the sequences of the batch, as rnn_lib.backward does: no division by "
                "B (a mean per sequence is a choice the training loop makes)."
            ),
        ),
        N_("keeping only the last chunk's gradient"): (
            flatten(chunked_gradients(params, x, y, k, last_only=True)),
            tr("The gradient of each chunk must be added to the total (+=), not assigned (=)."),
        ),
    }
    answer, feedback = run_learner(TBPTT_EXERCISE, fn, read_only(params), read_only(x), read_only(y), k)
    if feedback is not None:
        return feedback
    raw = answer
    if isinstance(answer, tuple) and answer and isinstance(answer[0], dict):
        answer = answer[0]  # (grads, h_last) or (grads, loss) is fine too
    vec, feedback = gradients_as_vector(TBPTT_EXERCISE, answer, {k: p.shape for k, p in params.items()})
    if feedback is not None:
        return feedback
    fb = diagnose(
        TBPTT_EXERCISE,
        vec,
        expected,
        name=tr("your gradients (five, flattened)"),
        known_mistakes=mistakes,
        sign_advice=_SIGN,
        float64=True,
    )

    return confirmed(fb, TBPTT_EXERCISE, fn, (params, x, y, k), raw)
