"""Checker for notebook 03's exercise: the whole backward pass through the read-out ŷ_t = W_hy h_t + b_y, batched.

The learner writes ``output_layer_backward(dy, h, W_hy)`` for a batch stored time-major in row form: dy (T, B, O)
holds the errors δ^y_t, h (T, B, H) the states h_1..h_T (row t − 1 holds h_t), W_hy (O, H).  It returns

    dh     (T, B, H)   δ^y_t's contribution to ∂L/∂h_t, W_hyᵀ δ^y_t per column   row form: dh[t] = dy[t] @ W_hy
    dW_hy  (O, H)      Σ_t Σ_b δ^y_{t,b} h_{t,b}ᵀ
    db_y   (O, 1)      Σ_t Σ_b δ^y_{t,b}

:func:`check_output_layer_backward` runs it on seeded data whose sizes all differ (T ≠ B ≠ H ≠ O, so a wrong
transpose changes a shape or fails), judges each value separately and names the classic mistakes: W_hy.T in the
row-form product, dh summed over the batch or over time, dW_hy transposed, h_{t−1} for h_t, a mean instead of a
sum, only the last step, and db_y as a flat (O,) vector.
"""

from __future__ import annotations

import numpy as np

from ._feedback import Feedback, as_real_array, combine, diagnose, matches, run_learner, shape_error_advice

EXERCISE = "output_layer_backward"

W_HY_T = "W_hy.T in the row form of dh"
DH_BATCH_SUM = "dh summed over the batch"
DH_TIME_SUM = "dh summed over time"
TRANSPOSED = "dW_hy transposed (h_t δ^yᵀ instead of δ^y h_tᵀ)"
SHIFTED = "h_{t−1} instead of h_t"
SHIFTED_WRAPPED = "h_{t−1} instead of h_t (h[t − 1] wraps round to h_T at t = 0)"
LAST_STEP = "only the last step"
MEAN = "mean instead of sum"
MEAN_BATCH = "mean over the batch instead of sum"
MEAN_TIME = "mean over t instead of sum"
NOT_SUMMED_BATCH = "dW_hy/db_y not summed over the batch"
NOT_SUMMED_TIME = "dW_hy/db_y not summed over time"
FLAT_BIAS = "db_y of shape (O,) instead of (O, 1)"

SIZES = {"T": 5, "B": 3, "H": 4, "O": 2}  # all different, so no transpose or wrong sum can keep the right shape

_NO_MEAN = "L is a sum over steps and sequences, so its gradient is a sum: no division by T or B."


def _data():
    """Seeded dy (T, B, O), states h (T, B, H) in (−1, 1), and W_hy (O, H)."""
    rng = np.random.default_rng(2025)
    T, B, H, O = (SIZES[k] for k in "TBHO")
    dy = rng.standard_normal((T, B, O))
    h = np.tanh(rng.standard_normal((T, B, H)))
    W_hy = rng.standard_normal((O, H))
    return dy, h, W_hy


def output_layer_backward(dy, h, W_hy):
    """Reference solution: ``(dh, dW_hy, db_y)`` for dy (T, B, O), h (T, B, H) = h_1..h_T, W_hy (O, H)."""
    T, B, O = dy.shape
    dh = dy @ W_hy  # row form of W_hyᵀ δ^y_t for every t and b: (T, B, O) @ (O, H) = (T, B, H)
    dW_hy = dy.reshape(T * B, O).T @ h.reshape(T * B, -1)  # Σ over t and b of δ^y h_tᵀ, (O, H)
    db_y = dy.sum(axis=(0, 1))[:, None]  # (O, 1)
    return dh, dW_hy, db_y


def _shape_mistake(fb: Feedback, answer, candidates: dict) -> Feedback:
    """Name a known mistake whose value has a *different* shape from the right answer (diagnose sees only shapes).

    candidates: list of (mistake name, value, advice); a name may appear twice (e.g. with and without keepdims).
    ``fb`` is returned unchanged when none matches.
    """
    if fb.passed or fb.mistake is not None or answer is None:
        return fb
    answer, problem = as_real_array(answer)
    if problem is not None:
        return fb
    for mistake, value, advice in candidates:
        value = np.asarray(value, dtype=np.float64)
        if answer.shape == value.shape and matches(answer, value):
            # the mistake first, as diagnose does (combine shortens a repeated mistake to messages[2:])
            fb.messages[:0] = [f"This is exactly what the mistake '{mistake}' gives.", advice]
            fb.mistake = mistake
            break
    return fb


def _w_hy_t_advice(err: Exception) -> Feedback:
    """numpy refused a product: in row form, dy[t] @ W_hy.T (or W_hy.T @ dy[t]) has mismatched shapes."""
    return Feedback(
        EXERCISE,
        "wrong",
        [
            f"numpy refused a product: {err}",
            "In column form the read-out sends W_hyᵀ δ^y_t into h_t. Here each sequence is a row: dy[t] is (B, O). "
            "Transpose the whole product, (W_hyᵀ v)ᵀ = vᵀ W_hy: a row vector meets W_hy, (B, O)(O, H) = (B, H), "
            "not W_hy.T.",
        ],
        W_HY_T,
    )


def check_output_layer_backward(fn) -> Feedback:
    """Run ``fn(dy, h, W_hy) -> (dh, dW_hy, db_y)`` on a seeded batch (T=5, B=3, H=4, O=2) and explain mistakes."""
    dy, h, W_hy = _data()
    T, B = dy.shape[:2]
    result, not_written = run_learner(
        EXERCISE, fn, dy.copy(), h.copy(), W_hy.copy(), explain=lambda err: shape_error_advice(err, _w_hy_t_advice)
    )
    if not_written:
        return not_written
    if not isinstance(result, (tuple, list)) or len(result) != 3:
        got = f"{len(result)} values" if isinstance(result, (tuple, list)) else f"a single {type(result).__name__}"
        return Feedback(EXERCISE, "wrong", [f"return three values, `return dh, dW_hy, db_y`; got {got}."])
    dh_ans, dW_ans, db_ans = result

    dh, dW, db = output_layer_backward(dy, h, W_hy)
    h_prev = np.concatenate([np.zeros_like(h[:1]), h[:-1]])  # h_0 = 0, h_1, ..., h_{T−1}
    last_dh = np.zeros_like(dh)
    last_dh[-1] = dh[-1]

    batch_advice = (
        "The sequences are independent: sequence b's h_t receives only sequence b's δ^y_t. dh keeps the shape of h, "
        "(T, B, H), one row per sequence; only dW_hy and db_y are summed over the batch."
    )
    time_advice = (
        "Each h_t receives its own step's gradient; dh keeps the shape of h, (T, B, H). Only the parameters, shared "
        "by all steps, collect a sum over t."
    )
    dh_mistakes = {
        LAST_STEP: (last_dh, "ŷ_t reads h_t at every step, so every h_t receives gradient from its own ŷ_t."),
        DH_BATCH_SUM: (np.broadcast_to(dh.sum(axis=1, keepdims=True), dh.shape), batch_advice),
    }
    dh_shape_mistakes = [
        (DH_BATCH_SUM, dh.sum(axis=1), batch_advice),
        (DH_BATCH_SUM, dh.sum(axis=1, keepdims=True), batch_advice),
        (DH_TIME_SUM, dh.sum(axis=0), time_advice),
        (DH_TIME_SUM, dh.sum(axis=0, keepdims=True), time_advice),
    ]

    def sum_tb(a, b):  # Σ over t and b of the outer products a_{t,b} b_{t,b}ᵀ
        return np.einsum("tbo,tbh->oh", a, b)

    dW_mistakes = {
        SHIFTED: (
            sum_tb(dy, h_prev),
            "ŷ_t = W_hy h_t + b_y reads the state of the same step: pair δ^y_t with h_t (h[t]), not h_{t−1}.",
        ),
        SHIFTED_WRAPPED: (
            sum_tb(dy, np.roll(h, 1, axis=0)),
            "Row t of h already is h_t (h holds h_1..h_T): use h[t], not h[t − 1] (which is h[−1] = h_T at t = 0).",
        ),
        LAST_STEP: (dy[-1].T @ h[-1], "W_hy is used at every step: add δ^y_t h_tᵀ for all T steps."),
        MEAN: (dW / (T * B), _NO_MEAN),
        MEAN_BATCH: (dW / B, _NO_MEAN),
        MEAN_TIME: (dW / T, _NO_MEAN),
    }
    dW_shape_mistakes = [
        (TRANSPOSED, dW.T, "Each term is the outer product δ^y_t h_tᵀ, (O, 1)(1, H) = (O, H), the shape of W_hy."),
        (
            NOT_SUMMED_BATCH,
            np.einsum("tbo,tbh->boh", dy, h),
            "A batch's gradient is the sum of its sequences' gradients: sum over b too, to the shape of W_hy (O, H).",
        ),
        (
            NOT_SUMMED_TIME,
            np.einsum("tbo,tbh->toh", dy, h),
            "W_hy is shared by all steps, so its gradient sums the T steps' contributions, to the shape (O, H).",
        ),
    ]
    db_mistakes = {
        LAST_STEP: (dy[-1].sum(axis=0)[:, None], "b_y is used at every step: add δ^y_t for all T steps."),
        MEAN: (db / (T * B), _NO_MEAN),
        MEAN_BATCH: (db / B, _NO_MEAN),
        MEAN_TIME: (db / T, _NO_MEAN),
    }
    batch_advice = "Sum over the batch too: db_y has the shape of b_y, (O, 1)."
    time_advice = "Sum over time too: db_y has the shape of b_y, (O, 1)."
    db_shape_mistakes = [
        (FLAT_BIAS, db[:, 0], "The values are right; keep b_y's column shape (O, 1), e.g. `[:, None]`."),
        (NOT_SUMMED_BATCH, dy.sum(axis=0).T, batch_advice),
        (NOT_SUMMED_BATCH, dy.sum(axis=0), batch_advice),  # the sum left as rows (B, O)
        (NOT_SUMMED_TIME, dy.sum(axis=1).T, time_advice),
        (NOT_SUMMED_TIME, dy.sum(axis=1), time_advice),
    ]

    parts = {
        "dh": _shape_mistake(
            diagnose(EXERCISE, dh_ans, dh, name="dh", known_mistakes=dh_mistakes, time_axis=0),
            dh_ans,
            dh_shape_mistakes,
        ),
        "dW_hy": _shape_mistake(
            diagnose(EXERCISE, dW_ans, dW, name="dW_hy", known_mistakes=dW_mistakes), dW_ans, dW_shape_mistakes
        ),
        "db_y": _shape_mistake(
            diagnose(EXERCISE, db_ans, db, name="db_y", known_mistakes=db_mistakes), db_ans, db_shape_mistakes
        ),
    }
    return combine(EXERCISE, parts)
