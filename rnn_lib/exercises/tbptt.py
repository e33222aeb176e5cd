"""Checker for notebook 10 (truncated BPTT): carrying the hidden state forward, but not its gradient.

Notebook 10.  The learner writes ``tbptt_gradients(params, x, y, k)``: BPTT(k, k) on a batch
x (T, B, D), y (T, B, O), from h_0 = 0.  Chunks of k steps (the last may be shorter); each chunk
runs forward from the state the previous chunk ended in (a number, carried), backpropagates its own
losses to its first step and no further, and the five gradients of all chunks are summed.
"""

from __future__ import annotations

import numpy as np

from .. import core
from ._feedback import Feedback, diagnose, run_learner

TBPTT_EXERCISE = "tbptt_gradients"


# ---------------------------------------------------------------------------
# Notebook 10: BPTT(k, k) with the state carried across chunks.
# ---------------------------------------------------------------------------


def chunked_gradients(params, x, y, k, *, reset_state=False, drop_last=False, last_only=False):
    """Reference BPTT(k, k) gradients, and (with a flag) the classic wrong versions of it.

    x (T, B, D), y (T, B, O).  Returns the five parameter gradients summed over chunks.
    reset_state: start every chunk from h = 0 (the forgotten carry).
    drop_last: skip a final chunk shorter than k.  last_only: keep only the last chunk's gradient.
    """
    T, B, _ = x.shape
    H = params["W_hh"].shape[0]
    grads = {name: np.zeros_like(params[name]) for name in core.PARAM_NAMES}
    h = np.zeros((B, H))
    for c in range(0, T, k):
        e = min(c + k, T)
        if drop_last and e - c < k:
            break
        y_hat, cache = core.forward(params, x[c:e], np.zeros((B, H)) if reset_state else h)
        g = core.backward(params, cache, y_hat - y[c:e])  # g["h0"] is not passed on: the truncation
        for name in core.PARAM_NAMES:
            grads[name] = g[name].copy() if last_only else grads[name] + g[name]
        h = cache.h[-1]
    return grads


def full_gradients(params, x, y):
    """Untruncated BPTT over the whole sequence: what carrying the gradient across chunks amounts to."""
    y_hat, cache = core.forward(params, x)
    g = core.backward(params, cache, y_hat - y)
    return {name: g[name] for name in core.PARAM_NAMES}


def _flat(grads) -> np.ndarray:
    return np.concatenate([np.asarray(grads[name], dtype=np.float64).ravel() for name in core.PARAM_NAMES])


def _as_vector(answer, params, exercise):
    """The learner's dict of gradients as one vector in PARAM_NAMES order, or a Feedback saying what is off."""
    if isinstance(answer, tuple) and answer and isinstance(answer[0], dict):
        answer = answer[0]  # (grads, h_last) or (grads, loss) is fine too
    if not isinstance(answer, dict):
        return None, Feedback(exercise, "wrong", [f"Return a dict of the five gradients, got {type(answer).__name__}."])
    missing = [name for name in core.PARAM_NAMES if name not in answer]
    if missing:
        return None, Feedback(exercise, "wrong", [f"The returned dict lacks {', '.join(missing)}."])
    for name in core.PARAM_NAMES:
        if np.shape(answer[name]) != params[name].shape:
            return None, Feedback(
                exercise,
                "wrong",
                [f"grads['{name}'] has shape {np.shape(answer[name])}, expected {params[name].shape} (like {name})."],
            )
    return _flat(answer), None


def _tbptt_problem(seed=0, T=7, B=2, D=2, H=3, O=2):
    rng = np.random.default_rng(seed)
    params = {name: 0.6 * rng.standard_normal(shape) for name, shape in core.param_shapes(D, H, O).items()}
    return params, rng.standard_normal((T, B, D)), rng.standard_normal((T, B, O))


def check_tbptt_gradients(fn) -> Feedback:
    """Check ``fn(params, x, y, k)`` on T = 7, k = 3: chunks of 3, 3 and 1 steps, two sequences."""
    params, x, y = _tbptt_problem()
    k = 3
    expected = _flat(chunked_gradients(params, x, y, k))
    mistakes = {
        "carrying the gradient across chunk boundaries": (
            _flat(full_gradients(params, x, y)),
            "That is the full BPTT gradient: the gradient reaching a chunk's first state was passed on to the "
            "chunk before. Truncation drops it: carry the hidden state h forward (a number), never dh back.",
        ),
        "resetting the hidden state at each chunk": (
            _flat(chunked_gradients(params, x, y, k, reset_state=True)),
            "Every chunk started from h = 0. Carry the state: start chunk n from the last state of chunk n − 1 "
            "(cache.h[-1], or pass h0= to rnn_lib.forward).",
        ),
        "dropping the last, shorter chunk": (
            _flat(chunked_gradients(params, x, y, k, drop_last=True)),
            "T = 7 is not a multiple of k = 3: the last chunk has one step, and its loss counts too. "
            "Loop with range(0, T, k) and end each chunk at min(c + k, T).",
        ),
        "keeping only the last chunk's gradient": (
            _flat(chunked_gradients(params, x, y, k, last_only=True)),
            "The gradient of each chunk must be added to the total (+=), not assigned (=).",
        ),
    }
    given = {name: v.copy() for name, v in params.items()}
    answer, feedback = run_learner(TBPTT_EXERCISE, fn, given, x.copy(), y.copy(), k)
    if feedback is not None:
        return feedback
    vec, feedback = _as_vector(answer, params, TBPTT_EXERCISE)
    if feedback is not None:
        return feedback
    return diagnose(TBPTT_EXERCISE, vec, expected, name="your gradients (five, flattened)", known_mistakes=mistakes)


# ---------------------------------------------------------------------------
# Notebook 12: a multi-step forecast, feeding predictions back as inputs.
# ---------------------------------------------------------------------------
