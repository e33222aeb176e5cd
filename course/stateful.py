"""Stateful training on long sequences: one update per chunk, the states carried on as numbers (notebook 10's BPTT).

``rnn_lib.tbptt`` computes the truncated gradients; this trainer takes a step after every chunk, the RNN with
Williams & Peng's BPTT(k1, k2), any cell of ``rnn_lib.cells`` with BPTT(k, k).  (``course.language_model`` is the
same loop for text, one chunk made one-hot at a time.)
"""

from __future__ import annotations

import numpy as np

from rnn_lib.cells import RNN
from rnn_lib.tbptt import checked_sequences, windows
from rnn_lib.training import History, check_trainer
from rnn_lib.validation import check_size, check_truncation


def _chunks(params, x, y, k, states, loss_fn, cell):
    """Yield ``(loss, grads, states_e)`` per chunk of k steps for any cell: BPTT(k, k); states {name: (B, H)}."""
    for c in range(0, x.shape[0], k):
        e = min(c + k, x.shape[0])
        y_hat, cache = cell.forward(params, x[c:e], **states)
        loss, dy = loss_fn(y_hat, y[c:e])
        grads = cell.backward(params, cache, dy)  # the gradients reaching the chunk's first states are dropped
        states = cell.last_states(cache)
        yield loss, {name: grads[name] for name in cell.param_names}, states


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
    """Stateful training on long sequences: one update per chunk of k1 steps, the state carried over.

    x, y, loss as in :func:`truncated_gradients`; each epoch starts from zero states; each chunk's gradient, divided
    by B, updates the parameters as in ``training.train`` (learning_rate or optimizer, clip; any cell, gated ones with
    k2 = k1).  Returns a ``History`` (per epoch the summed per-sequence loss, per chunk ``step_loss``).
    """
    epochs = check_size(epochs, "epochs")
    trainer = check_trainer(params_or_model, cell, learning_rate, optimizer, clip, steps=epochs, progress=progress)
    cell, params, history = trainer.cell, trainer.params, trainer.history
    k1, k2 = check_truncation(k1, k2)
    if cell is not RNN and k2 != k1:
        raise ValueError(
            f"the {cell.name} trains in chunks with k2 = k1 (its states carried as numbers), got k1 = {k1}, k2 = {k2}"
        )
    xb, yb, h0, _, loss_fn = checked_sequences(params, x, y, None, loss, cell)
    B = xb.shape[1]

    for epoch in range(1, epochs + 1):
        if cell is RNN:
            chunks = windows(params, xb, yb, k1, k2, h0, loss_fn)
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
