"""The IRNN of Le, Jaitly & Hinton (2015): the course's RNN with ReLU units and W_hh = I at the start.

One step, for one sequence in column form, with the course's five parameters and read-out::

    a_t = W_xh x_t + W_hh h_{t−1} + b_h,    h_t = relu(a_t) = max(a_t, 0),    ŷ_t = W_hy h_t + b_y

Backward, δ^a_t = 1[h_t > 0] ⊙ δ^h_t replaces (1 − h_t²) ⊙ δ^h_t: while every unit is on and W_hh = I, the error
goes back through time unchanged.  Names and shapes as in ``rnn_lib.reference``; ``rnn_lib.cells.IRNN`` trains it."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from . import validation
from .functional import drawn_atomically
from .parameters import PARAM_NAMES
from .reference import output_step_backward, output_step_forward


class ReluCache(NamedTuple):
    """x (T, B, D), h (T + 1, B, H), single: ``engine.ForwardCache``'s fields in a type of its own (no mix-ups)."""

    x: np.ndarray
    h: np.ndarray
    single: bool


def init_params(D, H, O, *, rng=None, scale=0.001, dtype=np.float64) -> dict:
    """W_hh = I (H, H), zero biases, W_xh (H, D) then W_hy (O, H) ~ N(0, 1) · scale; rng as ``rnn_lib.init_params``."""
    D, H, O = validation.check_size(D, "D"), validation.check_size(H, "H"), validation.check_size(O, "O")
    rng = validation.as_generator(rng, seeds=False)
    scale = validation.check_positive(scale, "scale")
    dtype = validation.check_float_dtype(dtype)
    draw = np.random.randn if rng is None else lambda *shape: rng.standard_normal(shape)

    def make():
        W_xh, W_hy = draw(H, D) * scale, draw(O, H) * scale
        params = {"W_xh": W_xh, "W_hh": np.eye(H), "W_hy": W_hy, "b_h": np.zeros((H, 1)), "b_y": np.zeros((O, 1))}
        return {name: params[name].astype(dtype) for name in PARAM_NAMES}

    return drawn_atomically(rng, make)


def run_forward(params, x, h0=None):
    """:func:`forward` for checked arguments: x (T, B, D) (or (T, D)) in the parameters' dtype, h0 (B, H) or None."""
    W_xh, W_hh, W_hy, b_h, b_y = (params[name] for name in PARAM_NAMES)
    single = x.ndim == 2
    xb = x[:, None, :] if single else x
    T, B, D = xb.shape
    h = np.zeros((T + 1, B, W_hh.shape[0]), dtype=W_hh.dtype)
    if h0 is not None:
        h[0] = np.reshape(h0, h[0].shape)
    a = (xb.reshape(T * B, D) @ W_xh.T + b_h[:, 0]).reshape(T, B, -1)  # W_xh x_t + b_h: all steps in one product
    for t in range(1, T + 1):  # t counts from 1, as in the maths
        h[t] = np.maximum(a[t - 1] + h[t - 1] @ W_hh.T, 0.0)  # h_t = relu(a_t)
    y_hat, _ = output_step_forward(h[1:], W_hy, b_y)  # ŷ_t = W_hy h_t + b_y for every step at once: (T, B, O)
    return (y_hat[:, 0] if single else y_hat), ReluCache(xb, h, single)


def run_backward(params, cache, dy):
    """:func:`backward` for checked arguments: dy like the y_hat of :func:`run_forward`."""
    W_xh, W_hh, W_hy = params["W_xh"], params["W_hh"], params["W_hy"]
    x, h, single = cache
    T, B, D = x.shape
    H = h.shape[-1]
    dh_out, dW_hy, db_y = output_step_backward(np.reshape(dy, (T * B, -1)), (h[1:].reshape(T * B, H), W_hy))
    dh_out = dh_out.reshape(T, B, H)  # W_hyᵀ δ^y_t, the path from ŷ_t into h_t, for every step at once
    dh_raw = np.empty_like(h[1:])  # δ^a_t of every step, for the weight gradients after the loop
    dh_next = np.zeros_like(h[0])  # W_hhᵀ δ^a_{t+1}: nothing flows back from beyond step T
    for t in range(T, 0, -1):
        dh = dh_out[t - 1] + dh_next  # δ^h_t: through ŷ_t and through h_{t+1}
        dh_raw[t - 1] = (h[t] > 0) * dh  # δ^a_t = relu′(a_t) ⊙ δ^h_t: 1 where the unit is on, else 0
        dh_next = dh_raw[t - 1] @ W_hh  # W_hhᵀ δ^a_t, for step t − 1
    rows = dh_raw.reshape(T * B, H)  # one row per (t, b): each weight gradient is one product over all of them
    dx = (rows @ W_xh).reshape(T, B, D)
    dW_xh, dW_hh = rows.T @ x.reshape(T * B, D), rows.T @ h[:-1].reshape(T * B, H)  # h_{t−1}: the state before
    db_h = rows.sum(axis=0)[:, None]
    grads = {"W_xh": dW_xh, "W_hh": dW_hh, "W_hy": dW_hy, "b_h": db_h, "b_y": db_y}
    return grads | ({"x": dx[:, 0], "h0": dh_next[0]} if single else {"x": dx, "h0": dh_next})


def forward(params, x, h0=None):
    """Run the ReLU RNN over x (T, D) or (T, B, D); h0 (H,) or (B, H), zeros when None.

    Returns ``(y_hat, cache)``, y_hat (T, O) or (T, B, O).  The cache keeps a copy of x."""
    D, H, _ = validation.check_params(params)
    dtype = params["W_hh"].dtype
    x = validation.check_inputs(x, D, dtype, copy=True)
    h0 = validation.check_h0(h0, None if x.ndim == 2 else x.shape[1], H, dtype)
    try:
        with np.errstate(over="ignore", invalid="ignore"):  # an overflow is reported below, as an error
            y_hat, cache = run_forward(params, x, h0)
    except MemoryError:
        raise validation.states_out_of_memory(x.shape, H) from None
    # ReLU states are unbounded above (tanh's are not): with W_hh's largest eigenvalue above 1 they can grow past
    # the float range over many steps.
    if not (validation.all_finite(cache.h, bounded=False) and validation.all_finite(y_hat, bounded=False)):
        finite = np.isfinite(cache.h).reshape(cache.h.shape[0], -1).all(axis=1)
        t = int(np.argmin(finite)) if not finite.all() else cache.h.shape[0] - 1
        raise FloatingPointError(
            f"the ReLU network's states overflowed {dtype} by step t = {t}: they grow without bound when W_hh "
            "amplifies them at every step; start from smaller weights (irnn.init_params) or a smaller learning rate"
        )
    cache.x.flags.writeable = cache.h.flags.writeable = False  # as rnn_lib.forward leaves its cache: for reading
    return y_hat, cache


def backward(params, cache, dy):
    """BPTT through the ReLU RNN, given dy = ∂L/∂ŷ like y_hat: the five gradients, ``"x"`` and ``"h0"``."""
    sizes, dtype = validation.check_params(params), params["W_hh"].dtype
    dy = validation.check_backward(cache, dy, sizes, dtype, kind=ReluCache, made_by="rnn_lib.irnn.forward")
    return run_backward(params, cache, dy)
