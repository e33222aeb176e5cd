"""What the LSTM and the GRU share: σ, the parameter layout, the read-out, the weight gradients, the checks.

Both keep PyTorch's layout (``nn.LSTM``, ``nn.GRU``) in the course's column-vector style, with G gate
blocks of H rows stacked in one matrix (G = 4 for the LSTM, 3 for the GRU)::

    W_ih (G·H, D)   W_hh (G·H, H)   b_ih (G·H, 1)   b_hh (G·H, 1)   W_hy (O, H)   b_y (O, 1)

and the course's read-out and loss, ŷ_t = W_hy h_t + b_y, L = ½ Σ_t ‖ŷ_t − y_t‖².  Arrays are
time-major, x (T, D) or (T, B, D); inside, a single sequence is a batch of one.
"""

from __future__ import annotations

import numpy as np

from .reference import output_step_backward, output_step_forward
from .validation import (
    as_float_array,
    check_arrays,
    check_float_dtype,
    check_h0,
    check_inputs,
    check_shapes,
    check_size,
    describe,
)

PARAM_NAMES = ("W_ih", "W_hh", "b_ih", "b_hh", "W_hy", "b_y")


def sigmoid(a):
    """σ(a) = 1 / (1 + e^(−a)), computed as (1 + tanh(a/2)) / 2: the same function, without overflow for large |a|."""
    return 0.5 + 0.5 * np.tanh(0.5 * a)


def gate_blocks(a, G: int) -> list:
    """The G blocks of H columns of a (..., G·H) array, as views (basic slices: cheaper than np.split)."""
    H = a.shape[-1] // G
    return [a[..., k * H : (k + 1) * H] for k in range(G)]


def param_shapes(D: int, H: int, O: int, G: int) -> dict[str, tuple[int, int]]:
    """Shape of each parameter for input size D, hidden size H, output size O and G gate blocks."""
    return {
        "W_ih": (G * H, D),
        "W_hh": (G * H, H),
        "b_ih": (G * H, 1),
        "b_hh": (G * H, 1),
        "W_hy": (O, H),
        "b_y": (O, 1),
    }


def init_params(D, H, O, G, *, rng=None, dtype=np.float64):
    """Weights ~ U(−1/√H, 1/√H) (PyTorch's choice for nn.LSTM, nn.GRU and an nn.Linear of H inputs), zero biases.

    Drawn in the order W_ih, W_hh, W_hy.  ``rng=None`` draws from numpy's global legacy RNG (so
    ``np.random.seed`` makes it repeatable, as for ``rnn_lib.init_params``); a ``np.random.Generator``
    draws from that generator.  Returns a dict with the shapes of :func:`param_shapes`.
    """
    D, H, O = check_size(D, "D"), check_size(H, "H"), check_size(O, "O")
    dtype = check_float_dtype(dtype)
    if rng is not None and not isinstance(rng, np.random.Generator):
        raise TypeError(
            f"rng must be None or a numpy Generator (np.random.default_rng(seed)), got {type(rng).__name__}"
        )
    uniform = np.random.uniform if rng is None else rng.uniform
    k = 1.0 / np.sqrt(H)
    shapes = param_shapes(D, H, O, G)
    params = {name: uniform(-k, k, size=shapes[name]) for name in ("W_ih", "W_hh", "W_hy")}
    params.update({name: np.zeros(shapes[name]) for name in ("b_ih", "b_hh", "b_y")})
    return {name: params[name].astype(dtype) for name in PARAM_NAMES}


def readout(h, W_hy, b_y):
    """ŷ_t = W_hy h_t + b_y for every step at once, ``rnn_lib.output_step_forward`` on stacked rows.

    h (T, B, H) the states h_1 … h_T.  Returns y_hat (T, B, O).
    """
    T, B, H = h.shape
    y_hat, _ = output_step_forward(h.reshape(T * B, H), W_hy, b_y)
    return y_hat.reshape(T, B, -1)


def readout_backward(dy, h, W_hy):
    """Backward through ŷ_t = W_hy h_t + b_y for every step at once, ``rnn_lib.output_step_backward`` on stacked rows.

    dy (T, B, O), h (T, B, H) the states h_1 … h_T.  Returns ``(dh_out (T, B, H), dW_hy, db_y)``:
    dh_out[t − 1] = W_hyᵀ δ^y_t, the path from ŷ_t into h_t only.
    """
    T, B, O = dy.shape
    dh_out, dW_hy, db_y = output_step_backward(dy.reshape(T * B, O), (h.reshape(T * B, -1), W_hy))
    return dh_out.reshape(T, B, -1), dW_hy, db_y


def weight_grads(da_x, da_h, x, h_prev, W_ih):
    """The gradients that need δ^a but no recursion, summed over every leading axis (time and batch).

    da_x (..., G·H): ∂L/∂ of what the input side W_ih x_t + b_ih feeds into the gates; da_h (..., G·H) the
    same for the recurrent side W_hh h_{t−1} + b_hh (equal for the LSTM; the GRU's n block differs by r).
    x (..., D), h_prev (..., H) the states each step received.  Returns ``(dx, dW_ih, dW_hh, db_ih, db_hh)``,
    dx like x, the others shaped like their parameters.
    """
    rows_x = da_x.reshape(-1, da_x.shape[-1])  # one row per (t, b): each weight gradient is one product
    rows_h = da_h.reshape(-1, da_h.shape[-1])
    dW_ih = rows_x.T @ x.reshape(-1, x.shape[-1])
    dW_hh = rows_h.T @ h_prev.reshape(-1, h_prev.shape[-1])
    db_ih = rows_x.sum(axis=0)[:, None]
    db_hh = db_ih.copy() if da_h is da_x else rows_h.sum(axis=0)[:, None]  # the LSTM passes one array twice
    return da_x @ W_ih, dW_ih, dW_hh, db_ih, db_hh


# ---------------------------------------------------------------------------
# Checks at the public surface of rnn_lib.lstm and rnn_lib.gru.
# ---------------------------------------------------------------------------


def check_params(params, G: int, cell: str) -> tuple[int, int, int]:
    """Check an LSTM (G = 4) or GRU (G = 3) parameter dict; return its sizes (D, H, O).

    H is read from W_hh's columns, D from W_ih's, O from W_hy's rows; every shape must then be
    that of :func:`param_shapes`.
    """

    check_arrays(params, PARAM_NAMES)
    D, H, O = params["W_ih"].shape[1], params["W_hh"].shape[1], params["W_hy"].shape[0]
    origin = (
        f"({cell}: {G} gate blocks of H rows; D = {D}, H = {H}, O = {O} read from the columns of W_ih and W_hh "
        "and the rows of W_hy)"
    )
    check_shapes(params, param_shapes(D, H, O, G), origin)
    return D, H, O


def check_forward_args(params, x, states: dict, G: int, cell: str):
    """Check forward's arguments; return ``(x, states)``: x a snapshot in the parameters' dtype, states checked.

    states: name → initial state or None ("h0", and "c0" for the LSTM), each (H,) or (B, H).
    """
    D, H, _ = check_params(params, G, cell)
    dtype = params["W_hh"].dtype
    x = check_inputs(x, D, dtype, copy=True)  # a copy: editing x later must not change what backward computes
    B = None if x.ndim == 2 else x.shape[1]
    return x, {name: check_h0(value, B, H, dtype, name=name) for name, value in states.items()}


def check_backward_args(params, cache, dy, G: int, cell: str, cache_type):
    """Check backward's arguments; return dy in the parameters' dtype.

    The cache must come from this cell's forward with parameters of these sizes and dtype (same values
    cannot be checked: pass the same dict).  dy must have the shape of the y_hat forward returned.
    """
    D, H, O = check_params(params, G, cell)
    dtype = params["W_hh"].dtype
    if not isinstance(cache, cache_type):
        raise TypeError(
            f"cache must be the second value returned by rnn_lib.{cell.lower()}.forward, got {describe(cache)}"
        )
    T, B, Dc = cache.x.shape
    Hc = cache.h.shape[-1]
    if (Dc, Hc) != (D, H):
        raise ValueError(
            f"cache was made with D={Dc}, H={Hc} but params have D={D}, H={H}; call forward and backward with the same params"
        )
    if cache.h.dtype != dtype:
        raise TypeError(
            f"cache was made with {cache.h.dtype} params but params are {dtype}; call forward and backward with the same params"
        )
    dy = as_float_array(dy, "dy", dtype)
    expected = (T, O) if cache.single else (T, B, O)
    if dy.shape != expected:
        what = "one sequence" if cache.single else f"a batch of B = {B}"
        raise ValueError(
            f"dy must have the shape of y_hat {expected} (the forward pass was {what}, T = {T}, O = {O}), "
            f"got shape {dy.shape}"
        )
    return dy


def as_batch(x, states: dict, H: int, dtype):
    """x as (T, B, D) and every initial state as (B, H) in ``dtype`` (zeros for None)."""
    xb = x[:, None, :] if x.ndim == 2 else x
    B = xb.shape[1]
    return xb, {name: np.zeros((B, H), dtype) if s is None else np.reshape(s, (B, H)) for name, s in states.items()}
