"""The GRU, forward and backward, in the course's notation (notebook 14 derives every line).  Read top to bottom.

One step, for one sequence in column form, with PyTorch's gate blocks r, z, n stacked in that order::

    r_t = σ(W_ir x_t + b_ir + W_hr h_{t−1} + b_hr)                (H)  reset gate
    z_t = σ(W_iz x_t + b_iz + W_hz h_{t−1} + b_hz)                (H)  update gate
    n_t = tanh(W_in x_t + b_in + r_t ⊙ (W_hn h_{t−1} + b_hn))     (H)  candidate state
    h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{t−1}                        (H)
    ŷ_t = W_hy h_t + b_y                                          (O)  the course's read-out

Parameters (nn.GRU's, as columns): W_ih (3H, D) = [W_ir; W_iz; W_in], W_hh (3H, H), b_ih, b_hh (3H, 1), W_hy (O, H),
b_y (O, 1).  r_t multiplies W_hn h_{t−1} + b_hn *after* the product (PyTorch), so one product h_{t−1} W_hhᵀ serves
all three blocks.  In the code a_x = W_ih x_t + b_ih, a_h = W_hh h_{t−1} + b_hh, hn their n block of a_h; δ^a on each
side is dh_raw_x, dh_raw_h.  Row form; h[0] = h_0; ``rnn_lib.fast.gru`` computes the same numbers faster."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from . import gated
from .gated import PARAM_NAMES, sigmoid
from .reference import output_step_backward, output_step_forward

G = 3  # gate blocks: r, z, n


def param_shapes(D: int, H: int, O: int) -> dict[str, tuple[int, int]]:
    """Shape of each GRU parameter for input size D, hidden size H, output size O."""
    return gated.param_shapes(D, H, O, G)


def init_params(D, H, O, *, rng=None, dtype=np.float64):
    """GRU parameters: weights ~ U(−1/√H, 1/√H) as in PyTorch, zero biases (see :func:`rnn_lib.gated.init_params`)."""
    return gated.init_params(D, H, O, G, "GRU", rng=rng, dtype=dtype)


def gate_blocks(a):
    """The 3 blocks r, z, n of a (..., 3H) array, as views."""
    return np.split(a, G, axis=-1)


# The element-wise part of one step.
def gates_forward(a_x, a_h, h_prev):
    """Gates and new state from the two sides' pre-activations of one step.

    Inputs: a_x (B, 3H) or (3H,): W_ih x_t + b_ih;  a_h (like a_x): W_hh h_{t−1} + b_hh;  h_prev (B, H) or (H,).
    Returns ``(h_t, gates, hn)``: h_t like h_prev; gates like a_x (r_t, z_t, n_t); hn = W_hn h_{t−1} + b_hn."""
    ax_r, ax_z, ax_n = gate_blocks(a_x)
    ah_r, ah_z, hn = gate_blocks(a_h)
    r, z = sigmoid(ax_r + ah_r), sigmoid(ax_z + ah_z)
    n = np.tanh(ax_n + r * hn)  # r acts after the product W_hn h_{t−1}
    h_t = (1.0 - z) * n + z * h_prev
    return h_t, np.concatenate([r, z, n], axis=-1), hn


def gates_backward(dh, h_prev, gates, hn):
    """Backward through :func:`gates_forward`.

    Inputs: dh (B, H): δ^h_t, the total ∂L/∂h_t; h_prev, gates, hn: as in forward.
    Returns ``(dh_raw_x, dh_raw_h, dh_leak)``: ∂L/∂a_x and ∂L/∂a_h (like gates; they differ in the n block, which
    reaches a_h through r_t), and z_t ⊙ δ^h_t, the direct path h_{t−1} → h_t."""
    r, z, n = gate_blocks(gates)
    dn = dh * (1.0 - z)  # h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}
    dz = dh * (h_prev - n)
    dh_raw_n = dn * (1.0 - n**2)  # tanh′ = 1 − tanh²: δ of n's pre-activation
    dh_raw_r = dh_raw_n * hn * r * (1.0 - r)  # r multiplies hn = W_hn h_{t−1} + b_hn; σ′ = σ(1 − σ)
    dh_raw_z = dz * z * (1.0 - z)
    dh_raw_x = np.concatenate([dh_raw_r, dh_raw_z, dh_raw_n], axis=-1)
    dh_raw_h = np.concatenate([dh_raw_r, dh_raw_z, dh_raw_n * r], axis=-1)  # hn reaches n's pre-activation through r
    return dh_raw_x, dh_raw_h, dh * z


# One step with its matrix products.
def gru_step_forward(x_t, h_prev, W_ih, W_hh, b_ih, b_hh):
    """One GRU step: a_x = W_ih x_t + b_ih, a_h = W_hh h_{t−1} + b_hh, then :func:`gates_forward`.

    Inputs: x_t (D,) or (B, D); h_prev (H,) or (B, H); W_ih (3H, D); W_hh (3H, H); b_ih, b_hh (3H, 1).
    Returns ``(h_t, cache)``: h_t like h_prev and the cache ``(x_t, h_prev, gates, hn, W_ih, W_hh)``."""
    a_x = x_t @ W_ih.T + b_ih[:, 0]
    a_h = h_prev @ W_hh.T + b_hh[:, 0]  # one product for all three blocks
    h_t, gates, hn = gates_forward(a_x, a_h, h_prev)
    return h_t, (x_t, h_prev, gates, hn, W_ih, W_hh)


def gru_step_backward(dh, cache, *, gates_backward=gates_backward):
    """Backward through one step, given δ^h_t = ∂L/∂h_t (total, both paths).

    Inputs: dh (H,) or (B, H); cache from :func:`gru_step_forward`; ``gates_backward`` (the bug gallery plants one).
    Returns ``(dx_t, dh_prev, dW_ih, dW_hh, db_ih, db_hh)``: dx_t like x_t; dh_prev = W_hhᵀ ∂L/∂a_h + z_t ⊙ δ^h_t for
    step t − 1; this step's share of the parameter gradients, summed over the batch."""
    x_t, h_prev, gates, hn, W_ih, W_hh = cache
    dh_raw_x, dh_raw_h, dh_leak = gates_backward(dh, h_prev, gates, hn)
    dh_prev = dh_raw_h @ W_hh + dh_leak  # through the three blocks' products, and directly through z
    rows_x, rows_h, x_rows, h_rows = np.atleast_2d(dh_raw_x, dh_raw_h, x_t, h_prev)  # one sequence: a batch of one
    db_ih, db_hh = rows_x.sum(axis=0)[:, None], rows_h.sum(axis=0)[:, None]
    return dh_raw_x @ W_ih, dh_prev, rows_x.T @ x_rows, rows_h.T @ h_rows, db_ih, db_hh


# Whole sequences: a loop over the steps, forwards, then backwards.
class GRUCache(NamedTuple):
    """What :func:`backward` needs, read-only: x (T, B, D); h (T + 1, B, H); gates (T, B, 3H) (r, z, n of step t in
    row t − 1); hn (T, B, H) W_hn h_{t−1} + b_hn; single: forward was given one sequence (T, D)."""

    x: np.ndarray
    h: np.ndarray
    gates: np.ndarray
    hn: np.ndarray
    single: bool


def forward(params, x, h0=None):
    """Run the GRU over whole sequences.

    Inputs: params (:func:`param_shapes`); x (T, D) or (T, B, D); h0 (H,) or (B, H), zeros when None.
    Returns ``(y_hat, cache)``: y_hat (T, O) or (T, B, O), and the :class:`GRUCache` for :func:`backward`."""
    x, states, single = gated.check_forward(params, x, {"h0": h0}, G, "GRU")
    W_ih, W_hh, b_ih, b_hh, W_hy, b_y = (params[name] for name in PARAM_NAMES)
    T, B, _ = x.shape
    H, O = W_hh.shape[1], W_hy.shape[0]
    h = np.empty((T + 1, B, H), dtype=W_hh.dtype)
    gates = np.empty((T, B, G * H), dtype=W_hh.dtype)
    hn = np.empty((T, B, H), dtype=W_hh.dtype)
    y_hat = np.empty((T, B, O), dtype=W_hh.dtype)
    h[0] = states["h0"]
    for t in range(1, T + 1):  # t counts from 1, as in the maths
        h[t], step_cache = gru_step_forward(x[t - 1], h[t - 1], W_ih, W_hh, b_ih, b_hh)
        _, _, gates[t - 1], hn[t - 1], _, _ = step_cache  # what the backward pass needs of the step
        y_hat[t - 1], _ = output_step_forward(h[t], W_hy, b_y)
    gated.freeze(x, h, gates, hn)
    return (y_hat[:, 0] if single else y_hat), GRUCache(x, h, gates, hn, single)


def backward(params, cache, dy, *, step_backward=gru_step_backward):
    """Backpropagation through time for :func:`forward`: a loop over :func:`gru_step_backward`, t = T, …, 1.

    Inputs: params and the cache of forward; dy = ∂L/∂ŷ like y_hat; ``step_backward`` (the bug gallery plants one).
    Returns the six parameter gradients (summed over time and batch), ``"x"`` (like x) and ``"h0"``."""
    dy = gated.check_backward(params, cache, dy, G, "GRU", GRUCache)  # (T, B, O)
    W_ih, W_hh, W_hy = params["W_ih"], params["W_hh"], params["W_hy"]
    x, h, gates, hn, single = cache
    T = x.shape[0]
    grads = {name: np.zeros_like(params[name]) for name in PARAM_NAMES}
    dx = np.zeros(x.shape, dtype=x.dtype)
    dh_next = np.zeros_like(h[0])  # what step t + 1 sends back to h_t: nothing after step T
    for t in range(T, 0, -1):  # t = T, …, 1: backwards through time
        dh_out, dW_hy, db_y = output_step_backward(dy[t - 1], (h[t], W_hy))
        dh = dh_out + dh_next  # δ^h_t: the path through ŷ_t plus the path through step t + 1
        step_cache = (x[t - 1], h[t - 1], gates[t - 1], hn[t - 1], W_ih, W_hh)
        dx[t - 1], dh_next, *step_grads = step_backward(dh, step_cache)
        for name, g in zip(PARAM_NAMES, (*step_grads, dW_hy, db_y)):
            grads[name] += g  # the parameters are shared by all steps: their gradients add up
    if single:  # one sequence in, one sequence out
        return grads | {"x": dx[:, 0], "h0": dh_next[0]}
    return grads | {"x": dx, "h0": dh_next}
