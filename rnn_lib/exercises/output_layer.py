"""Checker for notebook 03's exercise: the gradients of the read-out ŷ_t = W_hy h_t + b_y.

The learner writes ``output_layer_grads(dy, h)`` with dy (T, O) the errors δ^y_t and h (T, H)
the hidden states h_1..h_T, returning ``(dW_hy, db_y)``:

    dW_hy = Σ_t δ^y_t h_tᵀ   (O, H)        db_y = Σ_t δ^y_t   (O, 1)

:func:`check_output_layer_grads` judges each value separately and recognises the classic
mistakes: the transposed outer product, the states shifted by one step (h_{t−1} for h_t),
only the last step, a mean over t instead of a sum, and db_y as a flat (O,) vector.
"""

from __future__ import annotations

import numpy as np

from ._feedback import Feedback, combine, diagnose, run_learner, split_pair

EXERCISE = "output_layer_grads"

TRANSPOSED = "transposed (h_t δ^yᵀ instead of δ^y h_tᵀ)"
SHIFTED = "h_{t−1} instead of h_t"
SHIFTED_WRAPPED = "h_{t−1} instead of h_t (h[t − 1] wraps round to h_T at t = 0)"
LAST_STEP = "only the last step"
MEAN = "mean over t instead of sum"
FLAT_BIAS = "db_y of shape (O,) instead of (O, 1)"


def _data():
    """Seeded errors dy (T, O) and hidden states h (T, H) in (−1, 1), with T = 5, O = 3, H = 4 all different."""
    rng = np.random.default_rng(2025)
    dy = rng.standard_normal((5, 3))
    h = np.tanh(rng.standard_normal((5, 4)))
    return dy, h


def check_output_layer_grads(fn) -> Feedback:
    """Check ``fn(dy, h) -> (dW_hy, db_y)``; dy (T, O), h (T, H) holds h_1..h_T."""
    dy, h = _data()
    T = dy.shape[0]
    result, not_written = run_learner(EXERCISE, fn, dy.copy(), h.copy())
    if not_written:
        return not_written
    bad_return = split_pair(EXERCISE, result, ("dW_hy", "db_y"))
    if bad_return:
        return bad_return
    dW_hy, db_y = result

    dW = dy.T @ h  # Σ_t δ^y_t h_tᵀ, (O, H)
    db = dy.sum(axis=0)[:, None]  # Σ_t δ^y_t, (O, 1)
    h_prev = np.concatenate([np.zeros((1, h.shape[1])), h[:-1]])  # h_0 = 0, h_1, ..., h_{T−1}

    dW_mistakes = {
        SHIFTED: (
            dy.T @ h_prev,
            "ŷ_t = W_hy h_t + b_y reads the state of the same step: pair δ^y_t with h_t (row t of h), not h_{t−1}.",
        ),
        SHIFTED_WRAPPED: (
            dy.T @ np.roll(h, 1, axis=0),
            "Row t of h already is h_t (h holds h_1..h_T): use h[t], not h[t − 1] (which is h[−1] = h_T at t = 0).",
        ),
        LAST_STEP: (np.outer(dy[-1], h[-1]), "W_hy is used at every step: add δ^y_t h_tᵀ for all T steps."),
        MEAN: (dW / T, "L is a sum over steps, so its gradient is a sum: no division by T."),
    }
    db_mistakes = {
        LAST_STEP: (dy[-1][:, None], "b_y is used at every step: add δ^y_t for all T steps."),
        MEAN: (db / T, "L is a sum over steps, so its gradient is a sum: no division by T."),
    }

    dW_fb = diagnose(EXERCISE, dW_hy, dW, name="dW_hy", known_mistakes=dW_mistakes)
    if np.shape(dW_hy) == dW.shape[::-1] and np.allclose(np.asarray(dW_hy, dtype=float), dW.T, rtol=1e-7, atol=0):
        dW_fb.mistake = TRANSPOSED
        dW_fb.messages.append("Each term is the outer product δ^y_t h_tᵀ, (O, 1)(1, H) = (O, H), like W_hy itself.")

    db_fb = diagnose(EXERCISE, db_y, db, name="db_y", known_mistakes=db_mistakes)
    if np.shape(db_y) == (db.shape[0],) and np.allclose(np.asarray(db_y, dtype=float), db[:, 0], rtol=1e-7, atol=0):
        db_fb.mistake = FLAT_BIAS
        db_fb.messages.append("The values are right; keep b_y's column shape (O, 1), e.g. dy.sum(axis=0)[:, None].")
    return combine(EXERCISE, {"dW_hy": dW_fb, "db_y": db_fb})
