"""The functional API as learners call it: ``rnn_lib.forward`` / ``rnn_lib.backward`` / ``rnn_lib.loss``.

Each function checks its arguments once (see ``validation.py``) and hands them
to the trusting implementation in ``core.py``.  Shapes are as in ``core``.
"""

from __future__ import annotations

import numpy as np

from . import core
from .validation import FLOAT_DTYPES, _all_finite, as_float_array, check_h0, check_inputs, check_params, describe


def forward(params, x, h0=None):
    """Checked :func:`rnn_lib.core.forward`: run the RNN over x of shape (T, D) or (T, B, D).

    Returns ``(y_hat, cache)``; y_hat is (T, O) or (T, B, O).  The cache holds a
    copy of x, so editing x afterwards does not change what :func:`backward` computes.
    """
    D, H, _ = check_params(params)
    dtype = params["W_hh"].dtype
    x = check_inputs(x, D, dtype, copy=True)
    h0 = check_h0(h0, None if x.ndim == 2 else x.shape[1], H, dtype)
    return core.forward(params, x, h0)


def _check_cache(cache, D, H, dtype):
    """The cache must come from :func:`forward` with parameters of these sizes and this dtype."""
    if not isinstance(cache, core.ForwardCache):
        raise TypeError(f"cache must be the second value returned by rnn_lib.forward, got {describe(cache)}")
    x, h = cache.x, cache.h
    if not (isinstance(x, np.ndarray) and isinstance(h, np.ndarray) and x.ndim == 3 and h.ndim == 3):
        raise TypeError("cache must be the second value returned by rnn_lib.forward, not a hand-made ForwardCache")
    T, B, Dc = x.shape
    Hc = h.shape[-1]
    if Dc != D or Hc != H:
        raise ValueError(
            f"cache was made with D={Dc}, H={Hc} but params have D={D}, H={H}; "
            "call forward and backward with the same params"
        )
    if h.shape != (T + 1, B, H):
        raise ValueError(f"cache is inconsistent: hidden states of shape {h.shape} for inputs of shape {x.shape}")
    if h.dtype != dtype:
        raise TypeError(
            f"cache was made with {h.dtype} params but params are {dtype}; call forward and backward with the same params"
        )
    return T, B


def backward(params, cache, dy):
    """Checked :func:`rnn_lib.core.backward`: BPTT given dy = ∂L/∂ŷ shaped like y_hat.

    ``cache`` must come from :func:`forward` with these params (same sizes and dtype
    are checked; same values cannot be, so pass the same dict).
    Returns a dict with the five parameter gradients plus ``"x"`` and ``"h0"``.
    """
    D, H, O = check_params(params)
    dtype = params["W_hh"].dtype
    T, B = _check_cache(cache, D, H, dtype)
    expected = (T, O) if cache.single else (T, B, O)
    dy = as_float_array(dy, "dy", dtype)
    if dy.shape != expected:
        what = "one sequence" if cache.single else f"a batch of B = {B}"
        raise ValueError(
            f"dy must have the shape of y_hat {expected} (the forward pass was {what}, T = {T}, O = {O}), "
            f"got shape {dy.shape}"
        )
    return core.backward(params, cache, dy)


def _pair(y_hat, y):
    # Fast path: two finite, non-empty float arrays of one dtype and shape, as forward returns them.
    if (
        type(y_hat) is np.ndarray
        and type(y) is np.ndarray
        and y.dtype == y_hat.dtype
        and y.shape == y_hat.shape
        and y_hat.size
        and y_hat.dtype.type in FLOAT_DTYPES
        and _all_finite(y_hat)
        and _all_finite(y)
    ):
        return y_hat, y
    y_hat = as_float_array(y_hat, "y_hat", None)
    y = as_float_array(y, "y", y_hat.dtype)
    if y_hat.size == 0:
        raise ValueError(f"y_hat is empty (shape {y_hat.shape}); give at least one time step")
    if y.shape != y_hat.shape:
        raise ValueError(f"y must have the shape of y_hat {y_hat.shape}, got shape {y.shape}")
    return y_hat, y


def loss(y_hat, y):
    """L = ½ Σ ‖ŷ − y‖² over every step (and sequence); y_hat and y share one shape. Returns a float."""
    return core.loss(*_pair(y_hat, y))


def loss_grad(y_hat, y):
    """∂L/∂ŷ = ŷ − y, shaped like y_hat."""
    return core.loss_grad(*_pair(y_hat, y))
