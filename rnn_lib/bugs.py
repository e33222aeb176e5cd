"""A gallery of planted BPTT bugs, for notebook 06: what each one does to a gradient check.

Every function here is a copy of :func:`bptt`, the correct backward written one step
at a time, with exactly ONE line changed (marked ``# BUG``).  They all take
``(params, x, y)`` for one sequence and return the five parameter gradients::

    params  W_xh (H, D), W_hh (H, H), W_hy (O, H), b_h (H, 1), b_y (O, 1)
    x       (T, D) inputs, time-major
    y       (T, O) targets;  the loss is L = ½ Σ_t ‖ŷ_t − y_t‖²,  h_0 = 0

so each can go through the gradient checker.  :func:`signature` runs that check and
returns the relative error per parameter: the *pattern* of which parameters fail is
what points at the bug.  ``BUGS`` maps each bug's name to ``(function, what is wrong, fix)``.
"""

from __future__ import annotations

import numpy as np

from . import gradcheck
from .core import PARAM_NAMES

CLIP_MAX_NORM = 1.0  # the "small max" of clip_before_check: real gradients here are larger


# ---------------------------------------------------------------------------
# The correct backward, and the forward pass it needs.
# ---------------------------------------------------------------------------


def forward_states(params, x):
    """Run the RNN over one sequence, keeping what BPTT needs.

    Returns ``(h, y_hat)``: h (T + 1, H) with h[0] = h_0 = 0 and h[t + 1] the state
    after reading x[t] (the loops below use 0-based t, so step t reads h[t], writes h[t + 1]);
    y_hat (T, O).
    """
    W_xh, W_hh, W_hy, b_h, b_y = (params[k] for k in PARAM_NAMES)
    T, H = x.shape[0], W_hh.shape[0]
    h = np.zeros((T + 1, H))
    y_hat = np.zeros((T, W_hy.shape[0]))
    for t in range(T):
        h[t + 1] = np.tanh(W_xh @ x[t] + W_hh @ h[t] + b_h[:, 0])
        y_hat[t] = W_hy @ h[t + 1] + b_y[:, 0]
    return h, y_hat


def _zeros_like(params):
    return {name: np.zeros_like(params[name], dtype=np.float64) for name in PARAM_NAMES}


def bptt(params, x, y):
    """The correct backward pass, one step at a time (the reference's loop, in row form).

    Returns a dict of the five gradients, shaped like ``params``.
    """
    W_hh, W_hy = params["W_hh"], params["W_hy"]
    h, y_hat = forward_states(params, x)
    g = _zeros_like(params)
    dh_next = np.zeros(W_hh.shape[0])  # nothing flows back from beyond the last step
    for t in reversed(range(x.shape[0])):
        dy = y_hat[t] - y[t]  # δ^y_t = ŷ_t − y_t
        g["W_hy"] += np.outer(dy, h[t + 1])
        g["b_y"] += dy[:, None]
        dh = W_hy.T @ dy + dh_next  # δ^h_t: through ŷ_t and through h_{t+1}
        dh_raw = (1 - h[t + 1] ** 2) * dh  # δ^a_t = tanh'(a_t) ⊙ δ^h_t
        g["W_xh"] += np.outer(dh_raw, x[t])
        g["W_hh"] += np.outer(dh_raw, h[t])  # h[t] is h_{t−1} for this step
        g["b_h"] += dh_raw[:, None]
        dh_next = W_hh.T @ dh_raw
    return g


# ---------------------------------------------------------------------------
# The bugs: each differs from bptt in the line marked BUG.
# ---------------------------------------------------------------------------


def drop_dh_next(params, x, y):
    """δ^h_t without the contribution W_hhᵀ δ^a_{t+1} from step t + 1."""
    W_hh, W_hy = params["W_hh"], params["W_hy"]
    h, y_hat = forward_states(params, x)
    g = _zeros_like(params)
    dh_next = np.zeros(W_hh.shape[0])
    for t in reversed(range(x.shape[0])):
        dy = y_hat[t] - y[t]
        g["W_hy"] += np.outer(dy, h[t + 1])
        g["b_y"] += dy[:, None]
        dh = W_hy.T @ dy  # BUG: + dh_next is missing
        dh_raw = (1 - h[t + 1] ** 2) * dh
        g["W_xh"] += np.outer(dh_raw, x[t])
        g["W_hh"] += np.outer(dh_raw, h[t])
        g["b_h"] += dh_raw[:, None]
        # Still computed, never used: that is the bug.
        dh_next = W_hh.T @ dh_raw  # noqa: F841
    return g


def h_t_in_dW_hh(params, x, y):
    """∂L/∂W_hh built with h_t where h_{t−1} belongs."""
    W_hh, W_hy = params["W_hh"], params["W_hy"]
    h, y_hat = forward_states(params, x)
    g = _zeros_like(params)
    dh_next = np.zeros(W_hh.shape[0])
    for t in reversed(range(x.shape[0])):
        dy = y_hat[t] - y[t]
        g["W_hy"] += np.outer(dy, h[t + 1])
        g["b_y"] += dy[:, None]
        dh = W_hy.T @ dy + dh_next
        dh_raw = (1 - h[t + 1] ** 2) * dh
        g["W_xh"] += np.outer(dh_raw, x[t])
        g["W_hh"] += np.outer(dh_raw, h[t + 1])  # BUG: h_t instead of h_{t−1}
        g["b_h"] += dh_raw[:, None]
        dh_next = W_hh.T @ dh_raw
    return g


def tanh_prime_of_h(params, x, y):
    """tanh′ written as 1 − tanh(h_t)², applying tanh a second time to what is already tanh(a_t)."""
    W_hh, W_hy = params["W_hh"], params["W_hy"]
    h, y_hat = forward_states(params, x)
    g = _zeros_like(params)
    dh_next = np.zeros(W_hh.shape[0])
    for t in reversed(range(x.shape[0])):
        dy = y_hat[t] - y[t]
        g["W_hy"] += np.outer(dy, h[t + 1])
        g["b_y"] += dy[:, None]
        dh = W_hy.T @ dy + dh_next
        dh_raw = (1 - np.tanh(h[t + 1]) ** 2) * dh  # BUG: 1 − tanh(h_t)², should be 1 − h_t²
        g["W_xh"] += np.outer(dh_raw, x[t])
        g["W_hh"] += np.outer(dh_raw, h[t])
        g["b_h"] += dh_raw[:, None]
        dh_next = W_hh.T @ dh_raw
    return g


class AccumulatingBackward:
    """A stateful backward whose gradient buffers are created once, in ``__init__``.

    The first call returns the right gradients; every later call adds to the
    previous ones (the second call returns twice the gradient, when params are unchanged).
    """

    def __init__(self):
        self.g = None

    def __call__(self, params, x, y):
        W_hh, W_hy = params["W_hh"], params["W_hy"]
        h, y_hat = forward_states(params, x)
        if self.g is None:
            self.g = _zeros_like(params)
        g = self.g  # BUG: the buffers are not reset to zero at the start of each call
        dh_next = np.zeros(W_hh.shape[0])
        for t in reversed(range(x.shape[0])):
            dy = y_hat[t] - y[t]
            g["W_hy"] += np.outer(dy, h[t + 1])
            g["b_y"] += dy[:, None]
            dh = W_hy.T @ dy + dh_next
            dh_raw = (1 - h[t + 1] ** 2) * dh
            g["W_xh"] += np.outer(dh_raw, x[t])
            g["W_hh"] += np.outer(dh_raw, h[t])
            g["b_h"] += dh_raw[:, None]
            dh_next = W_hh.T @ dh_raw
        return {name: value.copy() for name, value in g.items()}


def gradients_not_reset(params, x, y):
    """What the *second* call of a fresh :class:`AccumulatingBackward` returns (a training loop's step 2)."""
    backward = AccumulatingBackward()
    backward(params, x, y)  # the first call: still right
    return backward(params, x, y)


def off_by_one_hidden_states(params, x, y):
    """The stored hidden states read one step too early: h_{t−1} used as h_t, h_{t−2} as h_{t−1}."""
    W_hh, W_hy = params["W_hh"], params["W_hy"]
    h_right, y_hat = forward_states(params, x)
    h = np.vstack([np.zeros((1, W_hh.shape[0])), h_right[:-1]])  # BUG: the list is shifted by one step
    g = _zeros_like(params)
    dh_next = np.zeros(W_hh.shape[0])
    for t in reversed(range(x.shape[0])):
        dy = y_hat[t] - y[t]
        g["W_hy"] += np.outer(dy, h[t + 1])
        g["b_y"] += dy[:, None]
        dh = W_hy.T @ dy + dh_next
        dh_raw = (1 - h[t + 1] ** 2) * dh
        g["W_xh"] += np.outer(dh_raw, x[t])
        g["W_hh"] += np.outer(dh_raw, h[t])
        g["b_h"] += dh_raw[:, None]
        dh_next = W_hh.T @ dh_raw
    return g


def clip_before_check(params, x, y, max_norm=CLIP_MAX_NORM):
    """The right gradients, then clipped to a global norm of ``max_norm``: a training trick checked as if it were the gradient."""
    g = bptt(params, x, y)
    total = np.sqrt(sum(float(np.sum(v * v)) for v in g.values()))
    if total > max_norm:  # BUG: clipping belongs after the check, in the optimiser, never before it
        g = {name: v * (max_norm / total) for name, v in g.items()}
    return g


def sign_of_dy(params, x, y):
    """δ^y_t written as y_t − ŷ_t: every gradient flips sign."""
    W_hh, W_hy = params["W_hh"], params["W_hy"]
    h, y_hat = forward_states(params, x)
    g = _zeros_like(params)
    dh_next = np.zeros(W_hh.shape[0])
    for t in reversed(range(x.shape[0])):
        dy = y[t] - y_hat[t]  # BUG: y − ŷ, should be ŷ − y
        g["W_hy"] += np.outer(dy, h[t + 1])
        g["b_y"] += dy[:, None]
        dh = W_hy.T @ dy + dh_next
        dh_raw = (1 - h[t + 1] ** 2) * dh
        g["W_xh"] += np.outer(dh_raw, x[t])
        g["W_hh"] += np.outer(dh_raw, h[t])
        g["b_h"] += dh_raw[:, None]
        dh_next = W_hh.T @ dh_raw
    return g


def forward_in_time(params, x, y):
    """The BPTT loop runs over t in increasing order, so dh_next carries step t − 1 into step t."""
    W_hh, W_hy = params["W_hh"], params["W_hy"]
    h, y_hat = forward_states(params, x)
    g = _zeros_like(params)
    dh_next = np.zeros(W_hh.shape[0])
    for t in range(x.shape[0]):  # BUG: should be reversed(range(T))
        dy = y_hat[t] - y[t]
        g["W_hy"] += np.outer(dy, h[t + 1])
        g["b_y"] += dy[:, None]
        dh = W_hy.T @ dy + dh_next
        dh_raw = (1 - h[t + 1] ** 2) * dh
        g["W_xh"] += np.outer(dh_raw, x[t])
        g["W_hh"] += np.outer(dh_raw, h[t])
        g["b_h"] += dh_raw[:, None]
        dh_next = W_hh.T @ dh_raw
    return g


# name → (function, what is wrong, fix)
BUGS = {
    "drop_dh_next": (
        drop_dh_next,
        "δ^h_t misses W_hhᵀ δ^a_{t+1}, the path back from step t+1",
        "dh = W_hy.T @ dy + dh_next",
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
        "keep h_0 at index 0 and read h_t, h_{t−1} at t+1, t",
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
        "for t in reversed(range(T))",
    ),
}


def gallery_problem(seed=0, T=5, D=3, H=4, O=2, scale=0.5):
    """The seeded problem notebook 06 runs every bug on: params ~ scale·N(0, 1) (biases too), x, y ~ N(0, 1).

    Weights of size 0.5 keep tanh away from its linear part, so tanh′ bugs show.
    Returns ``(params, x, y)`` with x (T, D), y (T, O), float64.
    """
    rng = np.random.default_rng(seed)
    shapes = {"W_xh": (H, D), "W_hh": (H, H), "W_hy": (O, H), "b_h": (H, 1), "b_y": (O, 1)}
    params = {name: scale * rng.standard_normal(shape) for name, shape in shapes.items()}
    x = rng.standard_normal((T, D))
    y = rng.standard_normal((T, O))
    return params, x, y


def signature(params, x, y, backward_fn, *, eps=gradcheck.DEFAULT_EPS) -> dict:
    """Relative error of each parameter's gradient from ``backward_fn`` against centred differences.

    backward_fn(params, x, y) → dict of the five gradients.  It gets copies, so a buggy
    function cannot change the problem.  Returns ``{name: relative error}`` in the order
    W_xh, W_hh, W_hy, b_h, b_y.
    """
    copies = {name: np.array(params[name], dtype=np.float64) for name in PARAM_NAMES}
    grads = backward_fn(copies, np.array(x, dtype=np.float64), np.array(y, dtype=np.float64))
    grads = {name: grads[name] for name in PARAM_NAMES}  # the five parameters only, not x
    return dict(gradcheck.check_rnn(params, x, y, grads=grads, eps=eps).errors)
