"""Truncated backpropagation through time: Williams & Peng's BPTT(k1, k2).

Every k1 steps, the losses of those k1 steps are backpropagated through the last k2 ≥ k1 steps only; the state
is carried forward as a *number*.  For the chunk c+1 … e the window is s+1 … e, s = max(c − (k2 − k1), 0): the
gradient is exactly that of Σ_chunks Σ_{t = c+1..e} L_t(θ; h_s held fixed).  k1 = k2 ≥ T is full BPTT.  Memory
grows with k2, not T.  ``loss=softmax_cross_entropy`` for symbols.  (``course.stateful`` trains with them.)"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from . import engine, reference
from .cells import RNN
from .losses import check_class_targets, softmax_cross_entropy
from .parameters import PARAM_NAMES
from .validation import check_sequences, check_truncation


class TruncatedGradients(NamedTuple):
    """grads (the truncated objective's, summed), h_last = h_T ((H,) or (B, H)), loss (the untruncated value)."""

    grads: dict
    h_last: np.ndarray
    loss: float


def _squared_error(y_hat, y):
    """L = ½ Σ_t ‖ŷ_t − y_t‖² and ∂L/∂ŷ = ŷ − y: the default loss."""
    return reference.loss(y_hat, y), reference.loss_grad(y_hat, y)


def _cross_entropy(logits, y):
    """softmax_cross_entropy, except that logits a diverging run made too large give an infinite loss to report."""
    if np.all(np.isfinite(logits)):
        try:
            return softmax_cross_entropy(logits, y)
        except FloatingPointError:  # finite logits that span more than the float range
            pass
    return math.inf, np.zeros_like(logits)


def windows(params, x, y, k1, k2, h0, loss_fn=_squared_error):
    """Yield ``(loss, grads, h_e)`` per chunk c+1 … e, reading ``params`` afresh for each (trusting).

    x (T, B, D), y (T, B, O) or (T, B) indices, h0 (B, H); loss_fn(y_hat, y) → (loss, ∂L/∂ŷ)."""
    T = x.shape[0]
    keep = k2 - k1  # states before the chunk start that the next window reaches back to
    h_hist = h0[None]  # h_s … h_c: the window's states before the chunk, (≤ keep + 1, B, H)
    for c in range(0, T, k1):
        e = min(c + k1, T)
        s = max(c - keep, 0)
        # Forward through the new chunk only, starting from the carried state h_c.
        y_hat, new = engine.forward(params, x[c:e], h_hist[-1])
        h_win = np.concatenate([h_hist[h_hist.shape[0] - (c - s) - 1 :], new.h[1:]])  # h_s … h_e
        loss, dy_chunk = loss_fn(y_hat, y[c:e])
        # Errors enter only at the chunk's steps; the steps s+1 … c merely carry them back.
        dy = np.zeros((e - s,) + dy_chunk.shape[1:], dtype=dy_chunk.dtype)
        dy[c - s :] = dy_chunk
        grads = engine.backward(params, engine.ForwardCache(x=x[s:e], h=h_win, single=False), dy)
        # grads["h0"] (the gradient reaching h_s) is dropped: that is the truncation.
        yield loss, {k: grads[k] for k in PARAM_NAMES}, h_win[-1]
        h_hist = h_win[max(h_win.shape[0] - keep - 1, 0) :]


def checked_sequences(params, x, y, h0, loss, cell=RNN):
    """``(x (T, B, D), y, h0 (B, H), single, loss_fn)`` checked (``validation.check_sequences``), for ``loss``."""
    if loss is None:
        return (*check_sequences(params, x, y, h0, sizes=cell.sizes), _squared_error)
    if loss is softmax_cross_entropy:  # every target checked here, before the first chunk's update
        classes = lambda y, y_hat_shape, dtype: check_class_targets(y, y_hat_shape[:-1], y_hat_shape[-1])  # noqa: E731
        return (*check_sequences(params, x, y, h0, check_y=classes, sizes=cell.sizes), _cross_entropy)
    message = f"loss must be None (½ Σ‖ŷ − y‖², the default) or rnn_lib.losses.softmax_cross_entropy, got {loss!r}"
    raise TypeError(message)


def truncated_gradients(params, x, y, k1, k2=None, h0=None, *, loss=None) -> TruncatedGradients:
    """Gradients of the loss by BPTT(k1, k2), without changing the parameters.

    Inputs: the RNN's params; x (T, D) or (T, B, D); y like ŷ, or for ``loss=softmax_cross_entropy`` class indices
    (T,) or (T, B); k1, k2 (default k1, at least k1); h0 (H,) or (B, H), zeros if None.
    Returns :class:`TruncatedGradients` ``(grads, h_last, loss)``."""
    k1, k2 = check_truncation(k1, k2)
    xb, yb, h_start, single, loss_fn = checked_sequences(params, x, y, h0, loss)
    grads = {k: np.zeros_like(params[k]) for k in PARAM_NAMES}
    total, h = 0.0, h_start
    for chunk_loss, g, h in windows(params, xb, yb, k1, k2, h_start, loss_fn):
        total += chunk_loss
        for k in PARAM_NAMES:
            grads[k] += g[k]
    return TruncatedGradients(grads, h[0] if single else h, total)
