"""Checker for notebook 05: the gradients of the recurrent layer's parameters.

The learner writes ``recurrent_weight_grads(dh_raw, x, h)`` for a **batch** of B sequences (the notebook's
text does one sequence; the batch loss is the sum of the sequences' losses, so the sums run over time and batch):

    ∂L/∂W_xh = Σ_b Σ_t δ^a_t x_tᵀ        (H, D)
    ∂L/∂W_hh = Σ_b Σ_t δ^a_t h_{t−1}ᵀ    (H, H)
    ∂L/∂b_h  = Σ_b Σ_t δ^a_t             (H, 1)

Shapes (time-major, batch second): dh_raw (T, B, H) holds δ^a_t in row t−1; x (T, B, D) holds x_t in row t−1;
h (T + 1, B, H) holds h_0 in row 0 and h_t in row t.  Returns ``(dW_xh, dW_hh, db_h)``.

:func:`check_recurrent_weight_grads` runs it on seeded data and recognises the
classic mistakes by name, including those that change a shape.
"""

from __future__ import annotations

import numpy as np

from ._feedback import Feedback, as_real_array, combine, diagnose, matches, run_learner

EXERCISE = "recurrent_weight_grads"
NAMES = ("dW_xh", "dW_hh", "db_h")


def recurrent_weight_grads(dh_raw, x, h):
    """Reference solution for a batch: (dW_xh (H, D), dW_hh (H, H), db_h (H, 1)) from δ^a_t, x_t and h_{t−1}.

    dh_raw (T, B, H), x (T, B, D), h (T + 1, B, H).  Every (t, b) pair is one row of a stacked product.
    """
    H = dh_raw.shape[-1]
    rows = dh_raw.reshape(-1, H)  # (T·B, H): row t·B + b is δ^a_t of sequence b
    return (
        rows.T @ x.reshape(-1, x.shape[-1]),
        rows.T @ h[:-1].reshape(-1, H),
        rows.sum(axis=0)[:, None],
    )


def known_mistakes(dh_raw, x, h, dh):
    """Mistake name → ((dW_xh, dW_hh, db_h) that mistake produces, advice).

    ``dh`` is δ^h_t, the gradient before the tanh′ factor: the checker knows it, so it
    can recognise an answer built from δ^h instead of δ^a.
    """
    right = recurrent_weight_grads(dh_raw, x, h)
    twice = dh_raw * (1.0 - h[1:] ** 2)
    B = dh_raw.shape[1]
    first = recurrent_weight_grads(dh_raw[:, :1], x[:, :1], h[:, :1])
    rows = dh_raw.reshape(-1, dh_raw.shape[-1])
    return {
        "h_t instead of h_{t−1} in dW_hh": (
            (right[0], rows.T @ h[1:].reshape(rows.shape), right[2]),
            (
                "W_hh multiplies h_{t−1} inside a_t = W_xh x_t + W_hh h_{t−1} + b_h, so ∂a_t/∂W_hh brings h_{t−1}: "
                "pair dh_raw[t] with h[t] (h[0] is h_0), i.e. use h[:-1], not h[1:]."
            ),
        ),
        "transposed outer product": (
            (right[0].T, right[1].T, right[2]),
            (
                "The gradient of W (H, ·) has W's shape: δ^a_t (H) times x_tᵀ or h_{t−1}ᵀ, so with the (t, b) "
                "pairs stacked as rows, dh_raw_rows.T @ x_rows, not x_rows.T @ dh_raw_rows."
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
        "only the first sequence of the batch": (
            first,
            (
                "Every sequence of the batch uses the same weights, so its terms belong in the sum too: sum over "
                "b as well as t (e.g. np.einsum('tbi,tbj->ij', dh_raw, x), or reshape to (T·B, ·) rows)."
            ),
        ),
        "mean over the batch instead of the sum": (
            tuple(value / B for value in right),
            (
                "The batch loss here is the SUM of the sequences' losses (as in rnn_lib.backward), so the gradients "
                "sum over b; a 1/B belongs to the optimiser's choice of a mean loss, not to this function."
            ),
        ),
    }


def _diagnose_value(name, answer, expected, mistakes):
    """diagnose() plus the mistakes that change a shape, which diagnose() can only describe."""
    arr, _ = as_real_array(answer)
    if arr is not None and arr.shape != expected.shape:
        for mistake, (value, advice) in mistakes.items():
            if matches(arr, np.asarray(value, dtype=np.float64)):
                msg = f"{name} has shape {arr.shape}, expected {expected.shape}: exactly what the mistake '{mistake}' gives."
                return Feedback(EXERCISE, "wrong", [msg, advice], mistake)
    return diagnose(EXERCISE, answer, expected, name=name, known_mistakes=mistakes)


def check_recurrent_weight_grads(fn) -> Feedback:
    """Run ``fn(dh_raw, x, h)`` on a seeded batch (T=5, B=3, D=3, H=4) and explain what is wrong, if anything."""
    rng = np.random.default_rng(505)
    T, B, D, H = 5, 3, 3, 4  # D = 3 ≠ H = 4 and B = 3 ≠ both, so a swapped axis changes a shape
    x = rng.standard_normal((T, B, D))
    h = np.tanh(rng.standard_normal((T + 1, B, H)))  # h[0] = h_0 non-zero, so the t = 1 term counts too
    dh = rng.standard_normal((T, B, H))  # δ^h_t
    dh_raw = (1.0 - h[1:] ** 2) * dh  # δ^a_t

    def batch_advice(err):  # most often one-sequence code meeting (T, B, ·) arrays
        if not isinstance(err, (ValueError, IndexError)):
            return None
        return Feedback(
            EXERCISE,
            "wrong",
            [
                f"your function raised {type(err).__name__}: {err}",
                "The arrays are batches, dh_raw (T, B, H), x (T, B, D), h (T + 1, B, H): the one-sequence products "
                "dh_raw.T @ x do not apply. Sum over t and b, e.g. np.einsum('tbi,tbj->ij', dh_raw, x), or reshape "
                "each array to (T·B, ·) rows first.",
            ],
        )

    value, fb = run_learner(EXERCISE, fn, dh_raw.copy(), x.copy(), h.copy(), explain=batch_advice)
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
