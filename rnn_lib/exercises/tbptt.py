"""Checkers that hinge on carrying the hidden state forward: notebook 10 (truncated BPTT) and 12 (rollout).

Notebook 10.  The learner writes ``tbptt_gradients(params, x, y, k)``: BPTT(k, k) on a batch
x (T, B, D), y (T, B, O), from h_0 = 0.  Chunks of k steps (the last may be shorter); each chunk
runs forward from the state the previous chunk ended in (a number, carried), backpropagates its own
losses to its first step and no further, and the five gradients of all chunks are summed.

Notebook 12.  The learner writes ``rollout(params, x_warm, n_steps)``: read a warm-up sequence
x_warm (T0, D) from h_0 = 0, then forecast ``n_steps`` values by feeding each prediction back as the
next input (D = O), carrying the hidden state.  Returns (n_steps, O): the first row is ŷ_{T0}, the
prediction the warm-up already makes for the step after it.
"""

from __future__ import annotations

import numpy as np

from .. import core
from ._feedback import Feedback, diagnose, run_learner

TBPTT_EXERCISE = "tbptt_gradients"
ROLLOUT_EXERCISE = "rollout"


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


def reference_rollout(params, x_warm, n_steps, *, reset_state=False, shift=False, repeat_input=False):
    """Free-running forecast (n_steps, O) after the warm-up x_warm (T0, D), and classic wrong versions.

    reset_state: every fed-back step starts again from h = 0.  shift: the first row returned is the
    prediction made *after* feeding ŷ_{T0} back (one step too late).  repeat_input: the last warm-up
    input x_{T0} is fed again instead of the prediction ŷ_{T0}.
    """
    y_hat, cache = core.forward(params, x_warm)
    h, pred = cache.h[-1, 0], y_hat[-1]
    out = []
    inp = x_warm[-1] if repeat_input else pred
    for _ in range(n_steps + int(shift)):
        out.append(pred)
        y_next, c = core.forward(params, inp[None, :], None if reset_state else h)
        h, pred = c.h[-1, 0], y_next[0]
        inp = x_warm[-1] if repeat_input else pred
    return np.array(out[int(shift) :])


def _rollout_problem(seed=1, T0=6, H=5):
    rng = np.random.default_rng(seed)
    params = {name: 0.7 * rng.standard_normal(shape) for name, shape in core.param_shapes(1, H, 1).items()}
    x_warm = np.sin(0.6 * np.arange(T0))[:, None]
    return params, x_warm


def check_rollout(fn) -> Feedback:
    """Check ``fn(params, x_warm, n_steps)`` on a small random network, a warm-up of 6 steps, 5 forecast steps."""
    params, x_warm = _rollout_problem()
    n = 5
    mistakes = {
        "resetting the hidden state": (
            reference_rollout(params, x_warm, n, reset_state=True),
            "Each fed-back step started from h = 0, so the network forgot the warm-up. Carry h: pass the last "
            "state (cache.h[-1]) as h0 to the next rnn_lib.forward call.",
        ),
        "one step late": (
            reference_rollout(params, x_warm, n, shift=True),
            "The first forecast is ŷ_{T0}, the warm-up's own last prediction (it predicts the step after the "
            "warm-up). Your rows are shifted by one: that first value is missing.",
        ),
        "feeding the last input again": (
            reference_rollout(params, x_warm, n, repeat_input=True),
            "The input of each forecast step must be the previous prediction ŷ, not the last warm-up value.",
        ),
    }
    answer, feedback = run_learner(ROLLOUT_EXERCISE, fn, {k: v.copy() for k, v in params.items()}, x_warm.copy(), n)
    if feedback is not None:
        return feedback
    return diagnose(
        ROLLOUT_EXERCISE,
        answer,
        reference_rollout(params, x_warm, n),
        name="your forecast",
        known_mistakes=mistakes,
        time_axis=0,
    )
