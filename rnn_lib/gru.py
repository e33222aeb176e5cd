"""The GRU, forward and backward, in the course's notation (notebook 14 derives every line).

One step, for one sequence in column form, with PyTorch's gate blocks r, z, n stacked in that order::

    r_t = σ(W_ir x_t + b_ir + W_hr h_{t−1} + b_hr)                (H)  reset gate
    z_t = σ(W_iz x_t + b_iz + W_hz h_{t−1} + b_hz)                (H)  update gate
    n_t = tanh(W_in x_t + b_in + r_t ⊙ (W_hn h_{t−1} + b_hn))     (H)  candidate state
    h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{t−1}                        (H)
    ŷ_t = W_hy h_t + b_y                                          (O)  the course's read-out

W_ir, W_iz, W_in are the three blocks of W_ih (3H, D), and so on: the parameters are nn.GRU's
weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0 (as columns) and an nn.Linear read-out,
W_ih (3H, D), W_hh (3H, H), b_ih (3H, 1), b_hh (3H, 1), W_hy (O, H), b_y (O, 1).  r_t multiplies
W_hn h_{t−1} + b_hn *after* the product (PyTorch and cuDNN; Cho et al. 2014 apply it to h_{t−1} before),
so each step needs one product h_{t−1} W_hhᵀ for all three blocks, and b_hn is not redundant with b_in.

Notation in the code: a_x = W_ih x_t + b_ih and a_h = W_hh h_{t−1} + b_hh (3H each, blocks r, z, n);
hn = the n block of a_h.  Row form, one row per sequence; states with T + 1 rows, h[0] = h_0;
x[t], gates[t] and hn[t] belong to step t + 1.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from . import gated
from .gated import PARAM_NAMES, sigmoid

G = 3  # gate blocks: r, z, n


def param_shapes(D: int, H: int, O: int) -> dict[str, tuple[int, int]]:
    """Shape of each GRU parameter for input size D, hidden size H, output size O."""
    return gated.param_shapes(D, H, O, G)


def init_params(D, H, O, *, rng=None, dtype=np.float64):
    """GRU parameters: weights ~ U(−1/√H, 1/√H) as in PyTorch, zero biases (see :func:`rnn_lib.gated.init_params`)."""
    return gated.init_params(D, H, O, G, rng=rng, dtype=dtype)


def gate_blocks(a):
    """The 3 blocks r, z, n of a (..., 3H) array, as views."""
    return gated.gate_blocks(a, G)


# ---------------------------------------------------------------------------
# The element-wise part of one step.
# ---------------------------------------------------------------------------


def cell_forward(a_x, a_h, h_prev):
    """Gates and new state from the two sides' pre-activations of one step.

    a_x (B, 3H) or (3H,): W_ih x_t + b_ih;  a_h (like a_x): W_hh h_{t−1} + b_hh;  h_prev (B, H) or (H,).
    Returns ``(h_t, gates, hn)``: h_t like h_prev; gates like a_x, r_t, z_t, n_t side by side;
    hn = W_hn h_{t−1} + b_hn (the n block of a_h), which the backward pass needs.
    """
    H = h_prev.shape[-1]
    gates = np.empty_like(a_x)
    r, z, n = gate_blocks(gates)
    gates[..., : 2 * H] = sigmoid(a_x[..., : 2 * H] + a_h[..., : 2 * H])  # r and z: one call for both
    hn = a_h[..., 2 * H :]
    n[...] = np.tanh(a_x[..., 2 * H :] + r * hn)  # r acts after the product W_hn h_{t−1}
    return n + z * (h_prev - n), gates, hn  # (1 − z) ⊙ n + z ⊙ h_{t−1}, one product fewer


def cell_backward(dh, h_prev, gates, hn, out_x=None, out_h=None):
    """Backward through :func:`cell_forward`.

    dh (B, H): δ^h_t, the total ∂L/∂h_t (from ŷ_t and from step t + 1).  h_prev, gates, hn: as in forward.
    out_x, out_h (like gates): where to write the results.
    Returns ``(da_x, da_h, dh_leak)``: da_x = ∂L/∂a_x and da_h = ∂L/∂a_h (like gates; equal but for the n block,
    which reaches a_h through r_t), and dh_leak = z_t ⊙ δ^h_t, the direct path h_{t−1} → h_t.
    """
    r, z, n = gate_blocks(gates)
    dn = dh * (1.0 - z)  # h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}
    dz = dh * (h_prev - n)
    da_n = dn * (1.0 - n**2)  # tanh′ = 1 − tanh²: δ of n's pre-activation
    da_r = da_n * hn * r * (1.0 - r)  # r multiplies hn = W_hn h_{t−1} + b_hn; σ′ = σ(1 − σ)
    da_z = dz * z * (1.0 - z)
    da_x = np.concatenate([da_r, da_z, da_n], axis=-1, out=out_x)
    da_h = np.concatenate([da_r, da_z, da_n * r], axis=-1, out=out_h)  # hn reaches a^n through r
    return da_x, da_h, dh * z


# ---------------------------------------------------------------------------
# One step with its matrix products.
# ---------------------------------------------------------------------------


def gru_step_forward(x_t, h_prev, W_ih, W_hh, b_ih, b_hh):
    """One GRU step: a_x = W_ih x_t + b_ih, a_h = W_hh h_{t−1} + b_hh, then :func:`cell_forward`.

    Shapes: x_t (D,) or (B, D); h_prev (H,) or (B, H); W_ih (3H, D); W_hh (3H, H); b_ih, b_hh (3H, 1).
    Returns ``(h_t, cache)``, h_t like h_prev, and the cache ``(x_t, h_prev, gates, hn, W_ih, W_hh)``
    that :func:`gru_step_backward` needs.
    """
    a_x = x_t @ W_ih.T + b_ih[:, 0]
    a_h = h_prev @ W_hh.T + b_hh[:, 0]
    h_t, gates, hn = cell_forward(a_x, a_h, h_prev)
    return h_t, (x_t, h_prev, gates, hn, W_ih, W_hh)


def gru_step_backward(dh, cache):
    """Backward through one step, given δ^h_t = ∂L/∂h_t (total, both paths).

    Returns ``(dx_t, dh_prev, dW_ih, dW_hh, db_ih, db_hh)``: dx_t like x_t; dh_prev = W_hhᵀ ∂L/∂a_h + z_t ⊙ δ^h_t,
    what step t − 1 receives; this step's share of the parameter gradients, summed over the batch.
    """
    x_t, h_prev, gates, hn, W_ih, W_hh = cache
    da_x, da_h, dh_leak = cell_backward(dh, h_prev, gates, hn)
    dx_t, dW_ih, dW_hh, db_ih, db_hh = gated.weight_grads(da_x, da_h, x_t, h_prev, W_ih)
    return dx_t, da_h @ W_hh + dh_leak, dW_ih, dW_hh, db_ih, db_hh


# ---------------------------------------------------------------------------
# Whole sequences: the same arithmetic, with the products that do not depend on h_{t−1} out of the loop.
# ---------------------------------------------------------------------------


class GRUCache(NamedTuple):
    """What :func:`backward` needs from :func:`forward`.

    x (T, B, D) inputs; h (T + 1, B, H) states with h[0] = h_0; gates (T, B, 3H) the activations r, z, n
    of step t in row t − 1; hn (T, B, H) W_hn h_{t−1} + b_hn in row t − 1; single: True when forward
    was given one sequence (T, D), so results are squeezed back.
    """

    x: np.ndarray
    h: np.ndarray
    gates: np.ndarray
    hn: np.ndarray
    single: bool


def forward(params, x, h0=None):
    """Run the GRU over whole sequences.

    params: the six arrays of :func:`param_shapes`.  x: (T, D) or (T, B, D), time-major.
    h0: initial state, (H,) or (B, H); zeros when None.
    Returns ``(y_hat, cache)``, y_hat (T, O) or (T, B, O).  The parameters' dtype decides the arithmetic.
    """
    x, states = gated.check_forward_args(params, x, {"h0": h0}, G, "GRU")
    W_ih, W_hh, b_ih, b_hh, W_hy, b_y = (params[k] for k in PARAM_NAMES)
    H = W_hh.shape[1]
    xb, states = gated.as_batch(x, states, H, W_hh.dtype)
    T, B, D = xb.shape
    h = np.empty((T + 1, B, H), dtype=W_hh.dtype)
    h[0] = states["h0"]
    # W_ih x_t + b_ih does not depend on h: one product for all T steps before the loop.
    a_x = (xb.reshape(T * B, D) @ W_ih.T).reshape(T, B, G * H)
    a_x += b_ih[:, 0]  # in place: a new array this large costs more than the addition itself
    gates = np.empty_like(a_x)
    hn = np.empty((T, B, H), dtype=W_hh.dtype)
    W_hh_T = np.ascontiguousarray(W_hh.T)  # BLAS multiplies by a row-major copy faster than by the view
    for t in range(T):  # step t + 1 reads h[t] and writes h[t + 1]
        a_h = h[t] @ W_hh_T + b_hh[:, 0]  # one product for all three blocks
        h[t + 1], gates[t], hn[t] = cell_forward(a_x[t], a_h, h[t])
    cache = GRUCache(xb, h, gates, hn, x.ndim == 2)
    y_hat = gated.readout(h[1:], W_hy, b_y)
    return (y_hat[:, 0] if cache.single else y_hat), cache


def backward(params, cache, dy):
    """Backpropagation through time for :func:`forward`.

    dy: ∂L/∂ŷ shaped like the y_hat forward returned ((T, O) or (T, B, O)); for the course's loss, ŷ − y.
    Returns a dict with the six parameter gradients (summed over time and batch), ``"x"`` (like x)
    and ``"h0"`` ((H,) or (B, H)).
    """
    dy = gated.check_backward_args(params, cache, dy, G, "GRU", GRUCache)
    W_ih, W_hh, W_hy = params["W_ih"], params["W_hh"], params["W_hy"]
    x, h, gates, hn, single = cache
    T, B, _ = x.shape
    dh_out, dW_hy, db_y = gated.readout_backward(dy.reshape(T, B, -1), h[1:], W_hy)
    da_x = np.empty_like(gates)  # ∂L/∂a_x and ∂L/∂a_h of every step, for the weight gradients after the loop
    da_h = np.empty_like(gates)
    dh_next = np.zeros_like(h[0])  # what step t + 1 sends back to h_t: nothing after the last step
    for t in reversed(range(T)):
        dh = dh_out[t] + dh_next  # δ^h_t: through ŷ_t and through step t + 1
        _, _, dh_leak = cell_backward(dh, h[t], gates[t], hn[t], out_x=da_x[t], out_h=da_h[t])
        dh_next = da_h[t] @ W_hh + dh_leak  # through the three gates' products, and directly through z
    dx, dW_ih, dW_hh, db_ih, db_hh = gated.weight_grads(da_x, da_h, x, h[:-1], W_ih)
    grads = {"W_ih": dW_ih, "W_hh": dW_hh, "b_ih": db_ih, "b_hh": db_hh, "W_hy": dW_hy, "b_y": db_y}
    if single:
        return grads | {"x": dx[:, 0], "h0": dh_next[0]}
    return grads | {"x": dx, "h0": dh_next}
