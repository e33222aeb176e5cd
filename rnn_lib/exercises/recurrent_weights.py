"""Checker for notebook 05: the gradients of the recurrent layer's parameters.

The learner writes ``recurrent_weight_grads(dh_raw, x, h)`` for one sequence:

    ∂L/∂W_xh = Σ_t δ^a_t x_tᵀ        (H, D)
    ∂L/∂W_hh = Σ_t δ^a_t h_{t−1}ᵀ    (H, H)
    ∂L/∂b_h  = Σ_t δ^a_t             (H, 1)

Shapes: dh_raw (T, H) holds δ^a_t in row t−1; x (T, D) holds x_t in row t−1;
h (T + 1, H) holds h_0 in row 0 and h_t in row t.  Returns ``(dW_xh, dW_hh, db_h)``.

:func:`check_recurrent_weight_grads` runs it on seeded data and recognises the
classic mistakes by name, including those that change a shape.
"""

from __future__ import annotations

import numpy as np

from ._feedback import Feedback, combine, diagnose, matches, run_learner

EXERCISE = "recurrent_weight_grads"
NAMES = ("dW_xh", "dW_hh", "db_h")


def recurrent_weight_grads(dh_raw, x, h):
    """Reference solution: (dW_xh (H, D), dW_hh (H, H), db_h (H, 1)) from δ^a_t, x_t and h_{t−1}."""
    return dh_raw.T @ x, dh_raw.T @ h[:-1], dh_raw.sum(axis=0)[:, None]


def known_mistakes(dh_raw, x, h, dh):
    """Mistake name → ((dW_xh, dW_hh, db_h) that mistake produces, advice).

    ``dh`` is δ^h_t, the gradient before the tanh′ factor: the checker knows it, so it
    can recognise an answer built from δ^h instead of δ^a.
    """
    right = recurrent_weight_grads(dh_raw, x, h)
    twice = dh_raw * (1.0 - h[1:] ** 2)
    return {
        "h_t instead of h_{t−1} in dW_hh": (
            (right[0], dh_raw.T @ h[1:], right[2]),
            (
                "W_hh multiplies h_{t−1} inside a_t = W_xh x_t + W_hh h_{t−1} + b_h, so ∂a_t/∂W_hh brings h_{t−1}: "
                "pair dh_raw[t] with h[t] (h[0] is h_0), i.e. use h[:-1], not h[1:]."
            ),
        ),
        "transposed outer product": (
            (x.T @ dh_raw, h[:-1].T @ dh_raw, right[2]),
            (
                "The gradient of W (H, ·) has W's shape: δ^a_t (H) times x_tᵀ or h_{t−1}ᵀ, so dh_raw.T @ x, "
                "not x.T @ dh_raw."
            ),
        ),
        "db_h of shape (H,) instead of (H, 1)": (
            (right[0], right[1], right[2][:, 0]),
            (
                "b_h is a column (H, 1), and its gradient must have the same shape: add [:, None] "
                "(or keepdims=True) after the sum."
            ),
        ),
        "δ^h used instead of δ^a (tanh′ factor missing)": (
            recurrent_weight_grads(dh, x, h),
            "a_t is where the weights act, so the sums need δ^a_t = (1 − h_t²) ⊙ δ^h_t, the gradient after tanh′.",
        ),
        "tanh′ applied twice": (
            recurrent_weight_grads(twice, x, h),
            "dh_raw is already δ^a_t = (1 − h_t²) ⊙ δ^h_t: do not multiply by (1 − h_t²) again.",
        ),
    }


def _diagnose_value(name, answer, expected, mistakes):
    """diagnose() plus the mistakes that change a shape, which diagnose() can only describe."""
    try:
        arr = np.asarray(answer, dtype=np.float64)
    except (TypeError, ValueError):
        arr = None
    if arr is not None and arr.shape != expected.shape:
        for mistake, (value, advice) in mistakes.items():
            if matches(arr, np.asarray(value, dtype=np.float64)):
                msg = f"{name} has shape {arr.shape}, expected {expected.shape}: exactly what the mistake '{mistake}' gives."
                return Feedback(EXERCISE, "wrong", [msg, advice], mistake)
    return diagnose(EXERCISE, answer, expected, name=name, known_mistakes=mistakes)


def check_recurrent_weight_grads(fn) -> Feedback:
    """Run ``fn(dh_raw, x, h)`` on seeded data (T=5, D=3, H=4) and explain what is wrong, if anything."""
    rng = np.random.default_rng(505)
    T, D, H = 5, 3, 4
    x = rng.standard_normal((T, D))
    h = np.tanh(rng.standard_normal((T + 1, H)))  # h[0] = h_0 non-zero, so the t = 1 term counts too
    dh = rng.standard_normal((T, H))  # δ^h_t
    dh_raw = (1.0 - h[1:] ** 2) * dh  # δ^a_t

    value, fb = run_learner(EXERCISE, fn, dh_raw.copy(), x.copy(), h.copy())
    if fb is not None:
        return fb
    if not isinstance(value, (tuple, list)) or len(value) != 3:
        return Feedback(EXERCISE, "wrong", ["Return three arrays: `return dW_xh, dW_hh, db_h`."])

    expected = recurrent_weight_grads(dh_raw, x, h)
    mistakes = known_mistakes(dh_raw, x, h, dh)
    parts = []
    for i, name in enumerate(NAMES):
        per_value = {m: (v[i], advice) for m, (v, advice) in mistakes.items()}
        parts.append((name, _diagnose_value(name, value[i], expected[i], per_value)))
    return combine(EXERCISE, parts)
