"""The LSTM, forward and backward, in the course's notation (notebook 13 derives every line).  Read top to bottom.

One step, for one sequence in column form, with PyTorch's gate blocks i, f, g, o stacked in that order::

    a_t = W_ih x_t + b_ih + W_hh h_{t−1} + b_hh       (4H)  the four pre-activations a^i, a^f, a^g, a^o
    i_t = σ(a^i_t)  f_t = σ(a^f_t)  g_t = tanh(a^g_t)  o_t = σ(a^o_t)        (H each)
    c_t = f_t ⊙ c_{t−1} + i_t ⊙ g_t                     (H)   the cell state
    h_t = o_t ⊙ tanh(c_t)                               (H)
    ŷ_t = W_hy h_t + b_y                                (O)   the course's read-out; L = ½ Σ_t ‖ŷ_t − y_t‖²

Parameters: W_ih (4H, D), W_hh (4H, H), b_ih (4H, 1), b_hh (4H, 1) (nn.LSTM's, as columns), W_hy (O, H), b_y (O, 1).
Row form, one row per sequence; h[0] = h_0, c[0] = c_0, h[t] = h_t; x[t − 1], gates[t − 1], tanh_c[t − 1] belong to
step t; δ^a_t = ∂L/∂a_t is ``dh_raw``.  ``rnn_lib.fast.lstm`` computes the same numbers faster (tested equal)."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from . import gated
from .gated import PARAM_NAMES, sigmoid
from .reference import output_step_backward, output_step_forward
from .validation import check_float_dtype, check_number, magnitude_limit

G = 4  # gate blocks: i, f, g, o


def param_shapes(D: int, H: int, O: int) -> dict[str, tuple[int, int]]:
    """Shape of each LSTM parameter for input size D, hidden size H, output size O."""
    return gated.param_shapes(D, H, O, G)


def check_forget_bias(forget_bias, dtype=np.float64) -> float:
    """``forget_bias`` as a float: a finite real number whose square fits in ``dtype``, or a TypeError/ValueError."""
    value = check_number(forget_bias, "forget_bias")
    if abs(value) > magnitude_limit(dtype):
        raise ValueError(
            f"forget_bias must be at most {magnitude_limit(dtype):.3g} in size for {np.dtype(dtype)}, got {value:.3g}"
        )
    return value


def init_params(D, H, O, *, rng=None, dtype=np.float64, forget_bias=0.0):
    """LSTM parameters: weights ~ U(−1/√H, 1/√H) as in PyTorch, zero biases but ``forget_bias`` in b_ih's f block.

    With 0, f_t = σ(0) = 0.5 at the start: c keeps half its content per step; 1 gives σ(1) ≈ 0.73 (Gers et al.,
    2000).  rng and dtype as in :func:`rnn_lib.gated.init_params`.  Returns the dict of :func:`param_shapes`."""
    forget_bias = check_forget_bias(forget_bias, check_float_dtype(dtype))
    params = gated.init_params(D, H, O, G, "LSTM", rng=rng, dtype=dtype)
    H = params["W_hh"].shape[1]
    params["b_ih"][H : 2 * H] = forget_bias  # the f block of i, f, g, o
    return params


def gate_blocks(a):
    """The 4 blocks i, f, g, o of a (..., 4H) array, as views."""
    return np.split(a, G, axis=-1)


# The element-wise part of one step.
def gates_forward(a, c_prev):
    """Gates, cell state and hidden state from the pre-activations of one step.

    Inputs: a (B, 4H) or (4H,): a_t, blocks i, f, g, o;  c_prev (B, H) or (H,): c_{t−1}.
    Returns ``(h_t, c_t, gates, tanh_c)``: h_t, c_t like c_prev; gates like a (i_t, f_t, g_t, o_t); tanh(c_t)."""
    a_i, a_f, a_g, a_o = gate_blocks(a)
    i, f, g, o = sigmoid(a_i), sigmoid(a_f), np.tanh(a_g), sigmoid(a_o)
    c_t = f * c_prev + i * g
    tanh_c = np.tanh(c_t)
    return o * tanh_c, c_t, np.concatenate([i, f, g, o], axis=-1), tanh_c


def gates_backward(dh, dc_next, c_prev, gates, tanh_c):
    """Backward through :func:`gates_forward`.

    Inputs: dh (B, H): δ^h_t, the total ∂L/∂h_t; dc_next (B, H): f_{t+1} ⊙ δ^c_{t+1}, what reaches c_t from step
    t + 1 (zero after the last step); c_prev, gates, tanh_c: c_{t−1} and what gates_forward returned.
    Returns ``(dh_raw, dc_prev)``: δ^a_t = ∂L/∂a_t (like gates) and f_t ⊙ δ^c_t (like c_prev), sent to c_{t−1}."""
    i, f, g, o = gate_blocks(gates)
    dc = dc_next + dh * o * (1.0 - tanh_c**2)  # δ^c_t: the path from c_{t+1} plus the path through h_t
    dh_raw = np.concatenate(
        [
            dc * g * i * (1.0 - i),  # i: δ^i = δ^c ⊙ g, times σ′ = σ(1 − σ)
            dc * c_prev * f * (1.0 - f),  # f: δ^f = δ^c ⊙ c_{t−1}, times σ′
            dc * i * (1.0 - g**2),  # g: δ^g = δ^c ⊙ i, times tanh′ = 1 − tanh²
            dh * tanh_c * o * (1.0 - o),  # o: δ^o = δ^h ⊙ tanh(c_t), times σ′
        ],
        axis=-1,
    )
    return dh_raw, f * dc


# One step with its matrix products.
def lstm_step_forward(x_t, h_prev, c_prev, W_ih, W_hh, b_ih, b_hh):
    """One LSTM step: a_t = W_ih x_t + b_ih + W_hh h_{t−1} + b_hh, then :func:`gates_forward`.

    Inputs: x_t (D,) or (B, D); h_prev, c_prev (H,) or (B, H); W_ih (4H, D); W_hh (4H, H); b_ih, b_hh (4H, 1).
    Returns ``(h_t, c_t, cache)``: h_t, c_t like h_prev; the cache ``(x_t, h_prev, c_prev, gates, tanh_c, W_ih, W_hh)``.
    """
    a = x_t @ W_ih.T + b_ih[:, 0] + h_prev @ W_hh.T + b_hh[:, 0]  # one product for all four gates
    h_t, c_t, gates, tanh_c = gates_forward(a, c_prev)
    return h_t, c_t, (x_t, h_prev, c_prev, gates, tanh_c, W_ih, W_hh)


def lstm_step_backward(dh, dc_next, cache, *, gates_backward=gates_backward):
    """Backward through one step, given δ^h_t (total) and dc_next = f_{t+1} ⊙ δ^c_{t+1} (zero at the last step).

    Inputs: dh, dc_next (H,) or (B, H); cache from :func:`lstm_step_forward`; ``gates_backward`` (the bug gallery
    plants one).  Returns ``(dx_t, dh_prev, dc_prev, dW_ih, dW_hh, db_ih, db_hh)``: dx_t like x_t; W_hhᵀ δ^a_t and
    f_t ⊙ δ^c_t for step t − 1; this step's share of the gradients, summed over the batch (db_ih = db_hh)."""
    x_t, h_prev, c_prev, gates, tanh_c, W_ih, W_hh = cache
    dh_raw, dc_prev = gates_backward(dh, dc_next, c_prev, gates, tanh_c)
    rows, x_rows, h_rows = np.atleast_2d(dh_raw, x_t, h_prev)  # one sequence is a batch of one
    db = rows.sum(axis=0)[:, None]  # Σ over the batch of δ^a_t
    return dh_raw @ W_ih, dh_raw @ W_hh, dc_prev, rows.T @ x_rows, rows.T @ h_rows, db, db.copy()


# Whole sequences: a loop over the steps, forwards, then backwards.
class LSTMCache(NamedTuple):
    """What :func:`backward` needs, read-only: x (T, B, D); h, c (T + 1, B, H); gates (T, B, 4H) (i, f, g, o of step
    t in row t − 1); tanh_c (T, B, H); single: forward was given one sequence (T, D)."""

    x: np.ndarray
    h: np.ndarray
    c: np.ndarray
    gates: np.ndarray
    tanh_c: np.ndarray
    single: bool


def forward(params, x, h0=None, c0=None):
    """Run the LSTM over whole sequences.

    Inputs: params (:func:`param_shapes`); x (T, D) or (T, B, D); h0, c0 (H,) or (B, H), zeros when None.
    Returns ``(y_hat, cache)``: y_hat (T, O) or (T, B, O), and the :class:`LSTMCache` for :func:`backward`."""
    x, states, single = gated.check_forward(params, x, {"h0": h0, "c0": c0}, G, "LSTM")
    W_ih, W_hh, b_ih, b_hh, W_hy, b_y = (params[name] for name in PARAM_NAMES)
    T, B, _ = x.shape
    H, O = W_hh.shape[1], W_hy.shape[0]
    h = np.empty((T + 1, B, H), dtype=W_hh.dtype)
    c = np.empty_like(h)
    gates = np.empty((T, B, G * H), dtype=W_hh.dtype)
    tanh_c = np.empty((T, B, H), dtype=W_hh.dtype)
    y_hat = np.empty((T, B, O), dtype=W_hh.dtype)
    h[0], c[0] = states["h0"], states["c0"]
    for t in range(1, T + 1):  # t counts from 1, as in the maths
        h[t], c[t], step_cache = lstm_step_forward(x[t - 1], h[t - 1], c[t - 1], W_ih, W_hh, b_ih, b_hh)
        _, _, _, gates[t - 1], tanh_c[t - 1], _, _ = step_cache  # what the backward pass needs of the step
        y_hat[t - 1], _ = output_step_forward(h[t], W_hy, b_y)
    gated.freeze(x, h, c, gates, tanh_c)
    return (y_hat[:, 0] if single else y_hat), LSTMCache(x, h, c, gates, tanh_c, single)


def backward(params, cache, dy, *, step_backward=lstm_step_backward):
    """Backpropagation through time for :func:`forward`: a loop over :func:`lstm_step_backward`, t = T, …, 1.

    Inputs: params and the cache of forward; dy = ∂L/∂ŷ like y_hat; ``step_backward`` (the bug gallery plants one).
    Returns the six parameter gradients (summed over time and batch), ``"x"`` (like x), ``"h0"``, ``"c0"``."""
    dy = gated.check_backward(params, cache, dy, G, "LSTM", LSTMCache)  # (T, B, O)
    W_ih, W_hh, W_hy = params["W_ih"], params["W_hh"], params["W_hy"]
    x, h, c, gates, tanh_c, single = cache
    T = x.shape[0]
    grads = {name: np.zeros_like(params[name]) for name in PARAM_NAMES}
    dx = np.zeros(x.shape, dtype=x.dtype)
    dh_next = np.zeros_like(h[0])  # W_hhᵀ δ^a_{t+1}: nothing comes back from beyond step T
    dc_next = np.zeros_like(c[0])  # f_{t+1} ⊙ δ^c_{t+1}
    for t in range(T, 0, -1):  # t = T, …, 1: backwards through time
        dh_out, dW_hy, db_y = output_step_backward(dy[t - 1], (h[t], W_hy))
        dh = dh_out + dh_next  # δ^h_t: the path through ŷ_t plus the path through step t + 1
        step_cache = (x[t - 1], h[t - 1], c[t - 1], gates[t - 1], tanh_c[t - 1], W_ih, W_hh)
        dx[t - 1], dh_next, dc_next, *step_grads = step_backward(dh, dc_next, step_cache)
        for name, g in zip(PARAM_NAMES, (*step_grads, dW_hy, db_y)):
            grads[name] += g  # the parameters are shared by all steps: their gradients add up
    if single:  # one sequence in, one sequence out
        return grads | {"x": dx[:, 0], "h0": dh_next[0], "c0": dc_next[0]}
    return grads | {"x": dx, "h0": dh_next, "c0": dc_next}
