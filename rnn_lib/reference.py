"""The readable BPTT: the step functions notebooks 01–05 derive, and the loops over them.

Read it top to bottom after notebook 05 (``engine`` is the same numbers, faster).  Vectors are rows, a batch a stack
of rows.  One step reads

    a_t = x_t W_xhᵀ + h_{t−1} W_hhᵀ + b_hᵀ,    h_t = tanh(a_t),    ŷ_t = h_t W_hyᵀ + b_yᵀ,

the problem's W_xh x_t + W_hh h_{t−1} + b_h and W_hy h_t + b_y, transposed.  Shapes, for one
sequence / a batch of B sequences (time-major):

    x      (T, D)      / (T, B, D)        x[t − 1] is x_t
    h      (T + 1, H)  / (T + 1, B, H)    h[0] is h_0, h[t] is h_t
    y_hat  (T, O)      / (T, B, O)        y_hat[t − 1] is ŷ_t; y and dy = ∂L/∂ŷ likewise

and the parameters keep the problem's shapes, W_xh (H, D), W_hh (H, H), W_hy (O, H), b_h (H, 1), b_y (O, 1).
Every function trusts its caller (``rnn_lib.forward`` and friends check their input)."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .parameters import PARAM_NAMES


# One step: a forward function and its backward, passing a small cache.
def rnn_step_forward(x_t, h_prev, W_xh, W_hh, b_h):
    """h_t = tanh(a_t) with a_t = W_xh x_t + W_hh h_{t−1} + b_h.

    x_t (D,) or (B, D); h_prev = h_{t−1} (H,) or (B, H).  Returns ``(h_t, cache)``, h_t like
    h_prev, and the cache ``(x_t, h_prev, h_t, W_xh, W_hh)`` that :func:`rnn_step_backward` needs."""
    a_t = x_t @ W_xh.T + h_prev @ W_hh.T + b_h[:, 0]
    h_t = np.tanh(a_t)
    return h_t, (x_t, h_prev, h_t, W_xh, W_hh)


def rnn_step_backward(dh_t, cache):
    """Back through one step, given δ^h_t = ∂L/∂h_t (the total, from ŷ_t and from h_{t+1}).

    dh_t like h_t, (H,) or (B, H).  Returns ``(dx_t, dh_prev, dW_xh, dW_hh, db_h)``: ∂L/∂x_t like
    x_t; dh_prev = W_hhᵀ δ^a_t like h_{t−1}, which is the ``dh_next`` of step t − 1; and this
    step's share of the parameter gradients, (H, D), (H, H) and (H, 1), summed over the batch."""
    x_t, h_prev, h_t, W_xh, W_hh = cache
    dh_raw = (1.0 - h_t * h_t) * dh_t  # δ^a_t = tanh′(a_t) ⊙ δ^h_t, and tanh′(a_t) = 1 − h_t²
    dx_t = dh_raw @ W_xh  # W_xhᵀ δ^a_t, as a row
    dh_prev = dh_raw @ W_hh  # W_hhᵀ δ^a_t
    dW_xh = _outer(dh_raw, x_t)  # δ^a_t x_tᵀ
    dW_hh = _outer(dh_raw, h_prev)  # δ^a_t h_{t−1}ᵀ: the state *before* the step
    db_h = _column_sum(dh_raw)  # δ^a_t
    return dx_t, dh_prev, dW_xh, dW_hh, db_h


def output_step_forward(h_t, W_hy, b_y):
    """ŷ_t = W_hy h_t + b_y.  h_t (H,) or (B, H); returns ``(y_hat_t, cache)``, ŷ_t (O,) or (B, O)."""
    return h_t @ W_hy.T + b_y[:, 0], (h_t, W_hy)


def output_step_backward(dy_t, cache):
    """Back through the read-out, given δ^y_t = ∂L/∂ŷ_t.

    Returns ``(dh_t, dW_hy, db_y)``: W_hyᵀ δ^y_t like h_t (the path from ŷ_t into h_t only), and
    δ^y_t h_tᵀ (O, H) and δ^y_t (O, 1), summed over the batch."""
    h_t, W_hy = cache
    return dy_t @ W_hy, _outer(dy_t, h_t), _column_sum(dy_t)


def _outer(a, b):
    """a bᵀ for two vectors; for two batches of rows, the sum over the batch of those outer products."""
    return np.atleast_2d(a).T @ np.atleast_2d(b)


def _column_sum(a):
    """A vector as a column (n, 1); a batch of rows summed into one column."""
    return np.atleast_2d(a).sum(axis=0)[:, None]


# The loss.
def loss(y_hat, y):
    """L = ½ Σ_t ‖ŷ_t − y_t‖² (summed over the batch too); y_hat and y share one shape.  A float."""
    diff = y_hat - y
    return 0.5 * float(np.vdot(diff, diff))


def loss_grad(y_hat, y):
    """∂L/∂ŷ = ŷ − y, shaped like y_hat: the ½ cancels the 2 of the square."""
    return y_hat - y


# The whole sequence: a loop over the steps, forwards, then backwards.
class Cache(NamedTuple):
    """All that BPTT keeps from the forward pass: the inputs and every hidden state h_0 … h_T."""

    x: np.ndarray
    h: np.ndarray


def forward(params, x, h0=None):
    """Run the network over a sequence (or a batch): returns ``(y_hat, cache)``.

    x (T, D) or (T, B, D); h0 (H,) or (B, H), zeros when None.  y_hat (T, O) or (T, B, O)."""
    W_xh, W_hh, W_hy, b_h, b_y = (params[name] for name in PARAM_NAMES)
    T, batch = x.shape[0], x.shape[1:-1]  # batch is () for one sequence, (B,) for a batch
    h = np.zeros((T + 1, *batch, W_hh.shape[0]), dtype=W_hh.dtype)
    if h0 is not None:
        h[0] = h0
    y_hat = np.zeros((T, *batch, W_hy.shape[0]), dtype=W_hh.dtype)
    for t in range(1, T + 1):  # t counts from 1, as in the maths
        h[t], _ = rnn_step_forward(x[t - 1], h[t - 1], W_xh, W_hh, b_h)
        y_hat[t - 1], _ = output_step_forward(h[t], W_hy, b_y)
    return y_hat, Cache(x, h)


def backward(params, cache, dy, *, step_backward=rnn_step_backward):
    """Backpropagation through time: the gradients of L, given dy = ∂L/∂ŷ shaped like y_hat.

    Returns a dict with the five parameter gradients (the parameters' shapes, summed over every
    step and sequence), ``"x"`` = ∂L/∂x (like x) and ``"h0"`` = ∂L/∂h_0 ((H,) or (B, H)).
    ``step_backward``: the step's backward (the bug gallery, ``course.bugs``, passes a planted one here)."""
    W_xh, W_hh, W_hy = params["W_xh"], params["W_hh"], params["W_hy"]
    x, h = cache
    T = x.shape[0]
    grads = {name: np.zeros_like(params[name]) for name in PARAM_NAMES}
    dx = np.zeros(x.shape, dtype=W_hh.dtype)
    dh_next = np.zeros_like(h[0])  # W_hhᵀ δ^a_{t+1}: nothing flows back from beyond step T
    for t in range(T, 0, -1):  # t = T, …, 1: backwards through time
        dh_out, dW_hy, db_y = output_step_backward(dy[t - 1], (h[t], W_hy))
        dh = dh_out + dh_next  # δ^h_t: the path through ŷ_t plus the path through h_{t+1}
        step_cache = (x[t - 1], h[t - 1], h[t], W_xh, W_hh)
        dx[t - 1], dh_next, dW_xh, dW_hh, db_h = step_backward(dh, step_cache)
        for name, g in zip(PARAM_NAMES, (dW_xh, dW_hh, dW_hy, db_h, db_y)):
            grads[name] += g  # the parameters are shared by all steps: their gradients add up
    grads["x"] = dx
    grads["h0"] = dh_next  # W_hhᵀ δ^a_1 = ∂L/∂h_0
    return grads


def gradients(params, x, y, h0=None):
    """The three moves of BPTT in one call: forward, ∂L/∂ŷ = ŷ − y, backward.  Returns ``backward``'s dict."""
    y_hat, cache = forward(params, x, h0)
    return backward(params, cache, loss_grad(y_hat, y))
