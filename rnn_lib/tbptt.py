"""Truncated backpropagation through time: Williams & Peng's BPTT(k1, k2).

Run forward through the sequence; every k1 steps, backpropagate the losses of those k1 steps
through the last k2 steps only (k2 >= k1), then go on.  The hidden state is carried forward
across chunks as a *number*: no gradient flows back past the start of a window.

For the chunk of steps c+1 … e (e = c + k1, or T for the last, shorter chunk) the window is
s+1 … e with s = max(c − (k2 − k1), 0), so every error is propagated back at least
k2 − k1 + 1 steps.  The gradient computed is exactly the gradient of the *truncated objective*

    Σ_chunks Σ_{t = c+1..e} L_t(θ; h_s held fixed),

in which h_{s+1} … h_e are recomputed from the fixed window-start state h_s.  With k1 = k2 = k
the windows are the chunks themselves (the common "stateful" chunked training); with
k1 = k2 >= T there is one window and the result is full BPTT.

Only the states of the current window are kept: memory grows with k2, not with T.

The loss is the course's ½ Σ_t ‖ŷ_t − y_t‖² by default; ``loss=rnn_lib.losses.softmax_cross_entropy`` trains
a classifier of symbols instead (a language model: y holds the index of the next character at every step).
``train_tbptt`` trains an LSTM or a GRU too (``cell=rnn_lib.cells.LSTM``), in chunks with k2 = k1: their states
(h, and c for the LSTM) are carried from chunk to chunk as numbers.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from . import engine, reference
from .cells import RNN
from .losses import check_class_targets, softmax_cross_entropy
from .parameters import PARAM_NAMES
from .training import History, check_trainer
from .validation import check_sequences, check_size, check_truncation


class TruncatedGradients(NamedTuple):
    """Result of :func:`truncated_gradients`.

    grads: the five parameter gradients of the truncated objective (summed over time and batch).
    h_last: h_T, (H,) or (B, H), to carry into the next segment of a longer sequence.
    loss: L of the forward pass (the same value as the untruncated loss).
    """

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


def _windows(params, x, y, k1, k2, h0, loss_fn=_squared_error):
    """Yield ``(loss, grads, h_e)`` per chunk c+1 … e, reading ``params`` afresh for each chunk.

    Trusting: x (T, B, D), y (T, B, O) (or (T, B) class indices for cross-entropy), h0 (B, H);
    loss_fn(y_hat, y) → (loss, ∂L/∂ŷ).  A caller may change ``params`` in place
    between two chunks (stateful training); the carried states are those computed so far.
    """
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


def _chunks(params, x, y, k, states, loss_fn, cell):
    """Yield ``(loss, grads, states_e)`` per chunk of k steps for any cell: BPTT(k, k), states carried as numbers.

    Trusting, like :func:`_windows`: x (T, B, D), y as loss_fn wants it, states {name: (B, H)}.
    """
    for c in range(0, x.shape[0], k):
        e = min(c + k, x.shape[0])
        y_hat, cache = cell.forward(params, x[c:e], **states)
        loss, dy = loss_fn(y_hat, y[c:e])
        grads = cell.backward(params, cache, dy)  # the gradients reaching the chunk's first states are dropped
        states = cell.last_states(cache)
        yield loss, {name: grads[name] for name in cell.param_names}, states


def _checked(params, x, y, h0, loss, cell=RNN):
    """x, y, h0 as the trusting code wants them (see ``validation.check_sequences``), and the loss function."""
    if loss is None:
        return (*check_sequences(params, x, y, h0, sizes=cell.sizes), _squared_error)
    if loss is softmax_cross_entropy:  # every target checked here, before the first chunk's update
        classes = lambda y, y_hat_shape, dtype: check_class_targets(y, y_hat_shape[:-1], y_hat_shape[-1])  # noqa: E731
        return (*check_sequences(params, x, y, h0, check_y=classes, sizes=cell.sizes), _cross_entropy)
    raise TypeError(
        f"loss must be None (½ Σ‖ŷ − y‖², the default) or rnn_lib.losses.softmax_cross_entropy, got {loss!r}"
    )


def truncated_gradients(params, x, y, k1, k2=None, h0=None, *, loss=None) -> TruncatedGradients:
    """Gradients of the loss by BPTT(k1, k2), without changing the parameters.

    params: dict ``W_xh (H, D), W_hh (H, H), W_hy (O, H), b_h (H, 1), b_y (O, 1)``.
    x: (T, D) or (T, B, D); h0: (H,) or (B, H), zeros if None.
    loss: None for L = ½ Σ_t ‖ŷ_t − y_t‖², y like ŷ, (T, O) or (T, B, O); or
    ``rnn_lib.losses.softmax_cross_entropy`` for L = −Σ_t log softmax(ŷ_t)[y_t], y integer class indices
    (T,) or (T, B) (ŷ are then the logits, O the number of classes).
    k1: backpropagate every k1 steps; k2 (default k1, at least k1): through the last k2 steps.

    Returns :class:`TruncatedGradients` ``(grads, h_last, loss)``.  With k1 = k2 >= T the
    gradients are exactly those of full BPTT (``rnn_lib.backward``).
    """
    k1, k2 = check_truncation(k1, k2)
    xb, yb, h_start, single, loss_fn = _checked(params, x, y, h0, loss)
    grads = {k: np.zeros_like(params[k]) for k in PARAM_NAMES}
    total, h = 0.0, h_start
    for chunk_loss, g, h in _windows(params, xb, yb, k1, k2, h_start, loss_fn):
        total += chunk_loss
        for k in PARAM_NAMES:
            grads[k] += g[k]
    return TruncatedGradients(grads, h[0] if single else h, total)


def train_tbptt(
    params_or_model,
    x,
    y,
    *,
    k1,
    k2=None,
    epochs=1,
    learning_rate=None,
    optimizer=None,
    clip=None,
    progress="auto",
    loss=None,
    cell=RNN,
) -> History:
    """Stateful training on long sequences: one step per chunk of k1 steps, state carried over.

    x: (T, D) or (T, B, D), targets y like ŷ (or, with ``loss=rnn_lib.losses.softmax_cross_entropy``,
    integer class indices (T,) or (T, B): a language model's next characters).  Each epoch starts from
    zero states and walks through the sequence in chunks; after each chunk the BPTT(k1, k2) gradient of that
    chunk's loss, divided by B (mean per sequence), updates the parameters (after clipping, if asked): by
    plain SGD with ``learning_rate`` (0.01 when neither is given) or by ``optimizer`` (``rnn_lib.optim``).
    cell: ``rnn_lib.cells.RNN`` (the default), ``LSTM`` or ``GRU``; the gated cells train with k2 = k1.

    Returns a :class:`~rnn_lib.training.History`: per epoch ``loss`` is the summed per-sequence
    loss over the whole sequence (measured chunk by chunk, while training), ``grad_norm`` the mean
    chunk-gradient norm; per update (chunk) ``step_loss`` and ``step_grad_norm``.
    Raises :class:`~rnn_lib.training.TrainingDiverged` on a non-finite loss or gradient,
    parameters as before that update.
    """
    epochs = check_size(epochs, "epochs")
    trainer = check_trainer(params_or_model, cell, learning_rate, optimizer, clip, steps=epochs, progress=progress)
    cell, params, history = trainer.cell, trainer.params, trainer.history
    k1, k2 = check_truncation(k1, k2)
    if cell is not RNN and k2 != k1:
        raise ValueError(
            f"the {cell.name} trains in chunks with k2 = k1 (its states carried as numbers), got k1 = {k1}, k2 = {k2}"
        )
    xb, yb, h0, _, loss_fn = _checked(params, x, y, None, loss, cell)
    B = xb.shape[1]

    for epoch in range(1, epochs + 1):
        if cell is RNN:
            chunks = _windows(params, xb, yb, k1, k2, h0, loss_fn)
        else:
            chunks = _chunks(params, xb, yb, k1, {name: np.zeros_like(h0) for name in cell.state_names}, loss_fn, cell)
        loss_sum = 0.0
        with np.errstate(over="ignore", invalid="ignore"):
            for chunk_loss, grads, _ in chunks:
                chunk_loss, grads = chunk_loss / B, {k: g / B for k, g in grads.items()}
                # The update lands before the next chunk's forward pass, which uses the new parameters.
                trainer.step(float(chunk_loss), grads)
                loss_sum += chunk_loss
        trainer.end_epoch(epoch, loss_sum)
    return history
