"""The LSTM, forward and backward, in the course's notation (notebook 13 derives every line).

One step, for one sequence in column form, with PyTorch's gate blocks i, f, g, o stacked in that order::

    a_t = W_ih x_t + b_ih + W_hh h_{t−1} + b_hh       (4H)  the four pre-activations a^i, a^f, a^g, a^o
    i_t = σ(a^i_t)  f_t = σ(a^f_t)  g_t = tanh(a^g_t)  o_t = σ(a^o_t)        (H each)
    c_t = f_t ⊙ c_{t−1} + i_t ⊙ g_t                     (H)   the cell state
    h_t = o_t ⊙ tanh(c_t)                               (H)
    ŷ_t = W_hy h_t + b_y                                (O)   the course's read-out; L = ½ Σ_t ‖ŷ_t − y_t‖²

Parameters (``rnn_lib.gated`` has the layout): W_ih (4H, D), W_hh (4H, H), b_ih (4H, 1), b_hh (4H, 1),
W_hy (O, H), b_y (O, 1): nn.LSTM's weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0 (as columns) and an
nn.Linear read-out, number for number.  The code works in row form, one row per sequence of a batch
(a_t = x_t W_ihᵀ + …), exactly as ``rnn_lib.engine`` does.  States of a whole sequence have T + 1 rows:
h[0] = h_0, c[0] = c_0, h[t] = h_t; x[t], gates[t] and tanh_c[t] belong to step t + 1.

The pieces, smallest first: :func:`cell_forward` / :func:`cell_backward` (the element-wise part of a step),
:func:`lstm_step_forward` / :func:`lstm_step_backward` (one step with its products), and the checked
:func:`forward` / :func:`backward` over whole sequences, which do the same arithmetic with every product
that does not depend on the previous step taken out of the loop.
"""

from __future__ import annotations

import math
import numbers
from typing import NamedTuple

import numpy as np

from . import gated
from .gated import PARAM_NAMES, sigmoid  # noqa: F401  (PARAM_NAMES: part of this module's surface)

G = 4  # gate blocks: i, f, g, o


def param_shapes(D: int, H: int, O: int) -> dict[str, tuple[int, int]]:
    """Shape of each LSTM parameter for input size D, hidden size H, output size O."""
    return gated.param_shapes(D, H, O, G)


def init_params(D, H, O, *, rng=None, dtype=np.float64, forget_bias=0.0):
    """LSTM parameters: weights ~ U(−1/√H, 1/√H) as in PyTorch, zero biases, optionally a forget-gate bias.

    ``forget_bias`` goes into the f block of b_ih (b_hh stays zero: only their sum acts).  With 0,
    f_t = σ(0) = 0.5 at the start, so the cell state keeps half its content per step and the error
    carried along c_{t−1} ← c_t shrinks by half per step; 1 gives σ(1) ≈ 0.73 (Gers et al., 2000;
    recommended by Jozefowicz et al., 2015).  rng and dtype as in :func:`rnn_lib.gated.init_params`.
    """
    if isinstance(forget_bias, bool) or not isinstance(forget_bias, numbers.Real):
        raise TypeError(f"forget_bias must be a real number, got {forget_bias!r} ({type(forget_bias).__name__})")
    if not math.isfinite(forget_bias):
        raise ValueError(f"forget_bias must be finite, got {forget_bias!r}")
    params = gated.init_params(D, H, O, G, rng=rng, dtype=dtype)
    params["b_ih"][H : 2 * H] = forget_bias  # the f block; H is a checked integer by now
    return params


def gate_blocks(a):
    """The 4 blocks i, f, g, o of a (..., 4H) array, as views."""
    return gated.gate_blocks(a, G)


# ---------------------------------------------------------------------------
# The element-wise part of one step.
# ---------------------------------------------------------------------------


def cell_forward(a, c_prev):
    """Gates, cell state and hidden state from the pre-activations of one step.

    a (B, 4H) or (4H,): a_t, blocks i, f, g, o;  c_prev (B, H) or (H,): c_{t−1}.
    Returns ``(h_t, c_t, gates, tanh_c)``: h_t and c_t like c_prev, gates like a (i_t, f_t, g_t, o_t
    side by side), tanh_c = tanh(c_t), which the backward pass reuses.
    """
    gates = sigmoid(a)  # σ on every block, then tanh on g's: one call each instead of three
    i, f, g, o = gate_blocks(gates)
    g[...] = np.tanh(gate_blocks(a)[2])
    c_t = f * c_prev + i * g
    tanh_c = np.tanh(c_t)
    return o * tanh_c, c_t, gates, tanh_c


def cell_backward(dh, dc_next, c_prev, gates, tanh_c, out=None):
    """Backward through :func:`cell_forward`.

    dh (B, H): δ^h_t, the total ∂L/∂h_t (from ŷ_t and from step t + 1).
    dc_next (B, H): f_{t+1} ⊙ δ^c_{t+1}, what reaches c_t from step t + 1 (zero after the last step).
    c_prev, gates, tanh_c: c_{t−1} and what cell_forward returned.  ``out`` (like gates): where to write δ^a_t.
    Returns ``(da, dc_prev)``: da = δ^a_t = ∂L/∂a_t (like gates), dc_prev = f_t ⊙ δ^c_t (like c_prev),
    what step t sends back to c_{t−1}.
    """
    i, f, g, o = gate_blocks(gates)
    dc = dc_next + dh * o * (1.0 - tanh_c**2)  # δ^c_t: the path from c_{t+1} plus the path through h_t
    da_i = dc * g * i * (1.0 - i)  # σ′ = σ(1 − σ)
    da_f = dc * c_prev * f * (1.0 - f)
    da_g = dc * i * (1.0 - g**2)  # tanh′ = 1 − tanh²
    da_o = dh * tanh_c * o * (1.0 - o)
    da = np.concatenate([da_i, da_f, da_g, da_o], axis=-1, out=out)
    return da, f * dc


# ---------------------------------------------------------------------------
# One step with its matrix products (the pieces the notebook derives and checks one by one).
# ---------------------------------------------------------------------------


def lstm_step_forward(x_t, h_prev, c_prev, W_ih, W_hh, b_ih, b_hh):
    """One LSTM step: a_t = W_ih x_t + b_ih + W_hh h_{t−1} + b_hh, then :func:`cell_forward`.

    Shapes: x_t (D,) or (B, D); h_prev, c_prev (H,) or (B, H); W_ih (4H, D); W_hh (4H, H); b_ih, b_hh (4H, 1).
    Returns ``(h_t, c_t, cache)``, h_t and c_t like h_prev, and the cache
    ``(x_t, h_prev, c_prev, gates, tanh_c, W_ih, W_hh)`` that :func:`lstm_step_backward` needs.
    """
    a = x_t @ W_ih.T + b_ih[:, 0] + h_prev @ W_hh.T + b_hh[:, 0]
    h_t, c_t, gates, tanh_c = cell_forward(a, c_prev)
    return h_t, c_t, (x_t, h_prev, c_prev, gates, tanh_c, W_ih, W_hh)


def lstm_step_backward(dh, dc_next, cache):
    """Backward through one step, given δ^h_t (total) and dc_next = f_{t+1} ⊙ δ^c_{t+1} (zero at the last step).

    Returns ``(dx_t, dh_prev, dc_prev, dW_ih, dW_hh, db_ih, db_hh)``: dx_t like x_t; dh_prev = W_hhᵀ δ^a_t and
    dc_prev = f_t ⊙ δ^c_t, what step t − 1 receives; this step's share of the parameter gradients, summed
    over the batch (db_ih = db_hh: the two biases only ever act as their sum).
    """
    x_t, h_prev, c_prev, gates, tanh_c, W_ih, W_hh = cache
    da, dc_prev = cell_backward(dh, dc_next, c_prev, gates, tanh_c)
    dx_t, dW_ih, dW_hh, db_ih, db_hh = gated.weight_grads(da, da, x_t, h_prev, W_ih)
    return dx_t, da @ W_hh, dc_prev, dW_ih, dW_hh, db_ih, db_hh


# ---------------------------------------------------------------------------
# Whole sequences: the same arithmetic, with the products that do not depend on h_{t−1} out of the loop.
# ---------------------------------------------------------------------------


class LSTMCache(NamedTuple):
    """What :func:`backward` needs from :func:`forward`.

    x (T, B, D) inputs; h, c (T + 1, B, H) states with h[0] = h_0, c[0] = c_0; gates (T, B, 4H) the
    activations i, f, g, o of step t in row t − 1; tanh_c (T, B, H) tanh(c_t) in row t − 1;
    single: True when forward was given one sequence (T, D), so results are squeezed back.
    """

    x: np.ndarray
    h: np.ndarray
    c: np.ndarray
    gates: np.ndarray
    tanh_c: np.ndarray
    single: bool


def forward(params, x, h0=None, c0=None):
    """Run the LSTM over whole sequences.

    params: the six arrays of :func:`param_shapes`.  x: (T, D) or (T, B, D), time-major.
    h0, c0: initial states, (H,) or (B, H); zeros when None.
    Returns ``(y_hat, cache)``, y_hat (T, O) or (T, B, O).  The parameters' dtype decides the arithmetic.
    """
    x, states = gated.check_forward_args(params, x, {"h0": h0, "c0": c0}, G, "LSTM")
    W_ih, W_hh, b_ih, b_hh, W_hy, b_y = (params[k] for k in PARAM_NAMES)
    H = W_hh.shape[1]
    xb, states = gated.as_batch(x, states, H, W_hh.dtype)
    T, B, D = xb.shape
    h = np.empty((T + 1, B, H), dtype=W_hh.dtype)
    c = np.empty_like(h)
    h[0], c[0] = states["h0"], states["c0"]
    # W_ih x_t + b_ih + b_hh does not depend on h: one product for all T steps before the loop.
    a = (xb.reshape(T * B, D) @ W_ih.T).reshape(T, B, G * H)
    a += (b_ih + b_hh)[:, 0]  # in place: a new array this large costs more than the addition itself
    gates = np.empty_like(a)
    tanh_c = np.empty((T, B, H), dtype=W_hh.dtype)
    W_hh_T = np.ascontiguousarray(W_hh.T)  # BLAS multiplies by a row-major copy faster than by the view
    for t in range(T):  # step t + 1 reads h[t], c[t] and writes h[t + 1], c[t + 1]
        a[t] += h[t] @ W_hh_T  # + W_hh h_{t−1}: one product for all four gates
        h[t + 1], c[t + 1], gates[t], tanh_c[t] = cell_forward(a[t], c[t])
    y_hat = gated.readout(h[1:], W_hy, b_y)
    cache = LSTMCache(xb, h, c, gates, tanh_c, x.ndim == 2)
    return (y_hat[:, 0] if cache.single else y_hat), cache


def backward(params, cache, dy):
    """Backpropagation through time for :func:`forward`.

    dy: ∂L/∂ŷ shaped like the y_hat forward returned ((T, O) or (T, B, O)); for the course's loss, ŷ − y.
    Returns a dict with the six parameter gradients (summed over time and batch) and ``"x"`` (like x),
    ``"h0"`` and ``"c0"`` ((H,) or (B, H)).
    """
    dy = gated.check_backward_args(params, cache, dy, G, "LSTM", LSTMCache)
    W_ih, W_hh, W_hy = params["W_ih"], params["W_hh"], params["W_hy"]
    x, h, c, gates, tanh_c, single = cache
    T, B, _ = x.shape
    dh_out, dW_hy, db_y = gated.readout_backward(dy.reshape(T, B, -1), h[1:], W_hy)
    da = np.empty_like(gates)  # δ^a_t of every step, for the weight gradients after the loop
    dh_next = np.zeros_like(h[0])  # W_hhᵀ δ^a_{t+1}: nothing comes back from beyond the last step
    dc_next = np.zeros_like(c[0])  # f_{t+1} ⊙ δ^c_{t+1}
    for t in reversed(range(T)):
        dh = dh_out[t] + dh_next  # δ^h_t: through ŷ_t and through step t + 1
        _, dc_next = cell_backward(dh, dc_next, c[t], gates[t], tanh_c[t], out=da[t])
        dh_next = da[t] @ W_hh
    dx, dW_ih, dW_hh, db_ih, db_hh = gated.weight_grads(da, da, x, h[:-1], W_ih)
    grads = {"W_ih": dW_ih, "W_hh": dW_hh, "b_ih": db_ih, "b_hh": db_hh, "W_hy": dW_hy, "b_y": db_y}
    if single:
        return grads | {"x": dx[:, 0], "h0": dh_next[0], "c0": dc_next[0]}
    return grads | {"x": dx, "h0": dh_next, "c0": dc_next}
