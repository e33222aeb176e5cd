"""A gallery of planted BPTT bugs, for notebook 06: what each one does to a gradient check.

Each bug is the right :func:`rnn_lib.reference.backward` with ONE thing changed, written as a small function with
the reference's signature ``backward(params, cache, dy)`` (the five parameter gradients, ``"x"`` and ``"h0"``):

- most plant a wrong *step*: a function with the signature of :func:`rnn_lib.reference.rnn_step_backward` that
  calls the right one and changes one thing (marked ``# BUG``), passed to the reference's ``step_backward=``;
- some call the right backward with one input changed (the sign of dy, the stored states shifted);
- two are habits rather than lines: a stateful backward that never resets its buffers, and clipping before
  checking; and one, running the loop forwards in time, is the loop itself, written out with the right step.

:func:`signature` runs the check and returns the relative error per parameter: the *pattern* of which parameters
fail is what points at the bug.  ``BUGS`` maps each bug's name to ``(function, what is wrong, fix)``.
"""

from __future__ import annotations

import numpy as np

from rnn_lib import gradcheck, reference
from rnn_lib.parameters import PARAM_NAMES
from rnn_lib.reference import Cache, output_step_backward, rnn_step_backward

CLIP_MAX_NORM = 1.0  # the "small max" of clip_before_check: real gradients here are larger


# ---------------------------------------------------------------------------
# Planted steps: rnn_step_backward(dh_t, cache) with one thing changed.  cache = (x_t, h_prev, h_t, W_xh, W_hh).
# ---------------------------------------------------------------------------


def step_sends_nothing_back(dh_t, cache):
    """The right step, but what it sends back to h_{t−1} (W_hhᵀ δ^a_t) is dropped."""
    dx_t, dh_prev, dW_xh, dW_hh, db_h = rnn_step_backward(dh_t, cache)
    return dx_t, np.zeros_like(dh_prev), dW_xh, dW_hh, db_h  # BUG: dh_next of step t − 1 is lost


def step_with_h_t_as_h_prev(dh_t, cache):
    """The right step, given h_t where h_{t−1} belongs (it is read only by ∂L/∂W_hh = δ^a_t h_{t−1}ᵀ)."""
    x_t, h_prev, h_t, W_xh, W_hh = cache
    return rnn_step_backward(dh_t, (x_t, h_t, h_t, W_xh, W_hh))  # BUG: h_t where h_{t−1} belongs


def step_with_tanh_of_h(dh_t, cache):
    """The right step, given tanh(h_t) where h_t belongs: tanh′ computed as 1 − tanh(h_t)², tanh applied twice."""
    x_t, h_prev, h_t, W_xh, W_hh = cache
    return rnn_step_backward(dh_t, (x_t, h_prev, np.tanh(h_t), W_xh, W_hh))  # BUG: tanh(h_t) where h_t belongs


# ---------------------------------------------------------------------------
# The bugs, each a backward(params, cache, dy).
# ---------------------------------------------------------------------------


def drop_dh_next(params, cache, dy):
    """δ^h_t without the contribution W_hhᵀ δ^a_{t+1} from step t + 1: the steps send nothing back."""
    return reference.backward(params, cache, dy, step_backward=step_sends_nothing_back)


def h_t_in_dW_hh(params, cache, dy):
    """∂L/∂W_hh built with h_t where h_{t−1} belongs."""
    return reference.backward(params, cache, dy, step_backward=step_with_h_t_as_h_prev)


def tanh_prime_of_h(params, cache, dy):
    """tanh′ computed as 1 − tanh(h_t)², applying tanh a second time to what is already tanh(a_t)."""
    return reference.backward(params, cache, dy, step_backward=step_with_tanh_of_h)


def off_by_one_hidden_states(params, cache, dy):
    """The stored hidden states read one step too early: h_{t−1} used as h_t, h_{t−2} as h_{t−1}."""
    shifted = np.concatenate([np.zeros_like(cache.h[:1]), cache.h[:-1]])  # BUG: the states shifted by one
    return reference.backward(params, Cache(cache.x, shifted), dy)


def sign_of_dy(params, cache, dy):
    """δ^y_t written as y_t − ŷ_t: every gradient flips sign."""
    return reference.backward(params, cache, -dy)  # BUG: y − ŷ, should be ŷ − y


def forward_in_time(params, cache, dy):
    """The BPTT loop runs over t in increasing order, so dh_next carries step t − 1 into step t.

    The loop of ``reference.backward`` with its one line changed: the order of the steps is the bug.
    """
    W_xh, W_hh, W_hy = params["W_xh"], params["W_hh"], params["W_hy"]
    x, h = cache
    T = x.shape[0]
    grads = {name: np.zeros_like(params[name]) for name in PARAM_NAMES}
    dx = np.zeros(x.shape, dtype=W_hh.dtype)
    dh_next = np.zeros_like(h[0])
    for t in range(1, T + 1):  # BUG: should run t = T, …, 1
        dh_out, dW_hy, db_y = output_step_backward(dy[t - 1], (h[t], W_hy))
        dh = dh_out + dh_next
        dx[t - 1], dh_next, dW_xh, dW_hh, db_h = rnn_step_backward(dh, (x[t - 1], h[t - 1], h[t], W_xh, W_hh))
        for name, g in zip(PARAM_NAMES, (dW_xh, dW_hh, dW_hy, db_h, db_y)):
            grads[name] += g
    return grads | {"x": dx, "h0": dh_next}


class AccumulatingBackward:
    """A stateful backward whose gradient buffers are created once, in its first call, and never reset.

    The first call returns the right gradients; every later call adds to the previous ones (the
    second call returns twice the gradient when nothing else changed).
    """

    def __init__(self):
        self.grads = None

    def __call__(self, params, cache, dy):
        if self.grads is None:
            self.grads = {name: np.zeros_like(params[name]) for name in PARAM_NAMES}
        right = reference.backward(params, cache, dy)
        for name in PARAM_NAMES:
            self.grads[name] += right[name]  # BUG: the buffers are not set to zero at the start of each call
        return {name: g.copy() for name, g in self.grads.items()}


def gradients_not_reset(params, cache, dy):
    """What the *second* call of a fresh :class:`AccumulatingBackward` returns (a training loop's step 2)."""
    backward = AccumulatingBackward()
    backward(params, cache, dy)  # the first call: still right
    return backward(params, cache, dy)


def clip_before_check(params, cache, dy, max_norm=CLIP_MAX_NORM):
    """The right gradients, clipped to a global norm of ``max_norm``: a training trick checked as if it were the gradient."""
    grads = reference.backward(params, cache, dy)
    norm = np.sqrt(sum(float(np.vdot(grads[name], grads[name])) for name in PARAM_NAMES))
    scale = max_norm / norm if norm > max_norm else 1.0  # BUG: clipping belongs in the optimiser, after the check
    return {name: grads[name] * scale for name in PARAM_NAMES}


# name → (function, what is wrong, fix)
BUGS = {
    "drop_dh_next": (
        drop_dh_next,
        "δ^h_t misses W_hhᵀ δ^a_{t+1}, the path back from step t+1",
        "dh = dh_out + dh_next",
    ),
    "h_t_in_dW_hh": (
        h_t_in_dW_hh,
        "∂L/∂W_hh uses h_t where h_{t−1} belongs",
        "dW_hh += outer(dh_raw, h_{t−1})",
    ),
    "tanh_prime_of_h": (
        tanh_prime_of_h,
        "tanh′ computed as 1 − tanh(h_t)², tanh applied twice",
        "dh_raw = (1 − h_t²) ⊙ dh",
    ),
    "gradients_not_reset": (
        gradients_not_reset,
        "gradient buffers kept between calls: the second call adds to the first",
        "set the buffers to zero at the start of every backward",
    ),
    "off_by_one_hidden_states": (
        off_by_one_hidden_states,
        "the stored hidden states are shifted by one step (h_{t−1} read as h_t)",
        "keep h_0 at index 0 and read h_t, h_{t−1} at t, t − 1",
    ),
    "clip_before_check": (
        clip_before_check,
        "the gradient is clipped (global norm ≤ 1) before it is checked",
        "check the raw gradient; clip only in the optimiser",
    ),
    "sign_of_dy": (
        sign_of_dy,
        "δ^y_t written as y − ŷ",
        "dy = y_hat − y",
    ),
    "forward_in_time": (
        forward_in_time,
        "the BPTT loop runs forward in time",
        "for t in range(T, 0, -1)",
    ),
}


def signature(params, x, y, backward_fn, *, eps=gradcheck.DEFAULT_EPS) -> dict:
    """Relative error of each parameter's gradient from ``backward_fn`` against centred differences.

    backward_fn(params, cache, dy) → dict of the five gradients, like ``reference.backward``; it gets
    copies and the reference's forward pass of x, so a buggy function cannot change the problem.
    x (T, D), y (T, O).  Returns ``{name: relative error}`` in the order W_xh, W_hh, W_hy, b_h, b_y.
    """
    copies = {name: np.array(params[name], dtype=np.float64) for name in PARAM_NAMES}
    x, y = np.array(x, dtype=np.float64), np.array(y, dtype=np.float64)
    y_hat, cache = reference.forward(copies, x)
    grads = backward_fn(copies, cache, reference.loss_grad(y_hat, y))
    grads = {name: grads[name] for name in PARAM_NAMES}  # the five parameters only
    return dict(gradcheck.check_rnn(params, x, y, grads=grads, eps=eps).errors)
