"""Checker for notebook 03's exercise: the whole backward pass through the read-out ŷ_t = W_hy h_t + b_y, batched.

The learner writes ``output_layer_backward(dy, h, W_hy)`` for a batch stored time-major in row form: dy (T, B, O)
holds the errors δ^y_t (row t − 1 holds step t), h (T + 1, B, H) the states h_0 … h_T (row t holds h_t, row 0 is
h_0), W_hy (O, H).  It returns

    dh     (T, B, H)   δ^y_t's contribution to ∂L/∂h_t, W_hyᵀ δ^y_t per column (row t − 1 holds step t)
    dW_hy  (O, H)      Σ_t Σ_b δ^y_{t,b} h_{t,b}ᵀ
    db_y   (O, 1)      Σ_t Σ_b δ^y_{t,b}

:func:`check_output_layer_backward` runs it on seeded data whose sizes all differ (T ≠ B ≠ H ≠ O, so a wrong
transpose changes a shape or fails; h_0 ≠ 0, so pairing δ^y_t with the wrong state shows), judges each value
separately and names the classic mistakes: W_hy.T in the row-form product, dh summed over the batch or over time,
dW_hy transposed, h_{t−1} for h_t, a mean instead of a sum, only the last step, db_y as a flat (O,) vector; and the
next ones: all T + 1 states used, dh with a row for h_0, db_y summed to one number, tanh′ applied in the read-out,
only the first sequence, a sign error; and δ^y and h_t of different (t, b) paired, the outer product of the sums, only
the last term kept (= for +=), db_y as a row (1, O), float32, and a function that keeps state between calls.
"""

from __future__ import annotations

import numpy as np

from ..i18n import N_, tr
from ._feedback import (
    FLOAT32,
    Feedback,
    as_real_array,
    combine,
    confirmed,
    diagnose,
    guarded,
    matches,
    name_shape_mistake,
    numpy_said,
    read_only,
    run_learner,
    shape_error_advice,
)

__all__ = ["FLOAT32", "check_output_layer_backward", "output_layer_backward"]

EXERCISE = "output_layer_backward"

W_HY_T = N_("W_hy.T in the row form of dh")
DH_BATCH_SUM = N_("dh summed over the batch")
DH_TIME_SUM = N_("dh summed over time")
TRANSPOSED = N_("dW_hy transposed (h_t δ^yᵀ instead of δ^y h_tᵀ)")
SHIFTED = N_("h_{t−1} instead of h_t")
LAST_STEP = N_("only the last step")
MEAN = N_("mean instead of sum")
MEAN_BATCH = N_("mean over the batch instead of sum")
MEAN_TIME = N_("mean over t instead of sum")
NOT_SUMMED_BATCH = N_("dW_hy/db_y not summed over the batch")
NOT_SUMMED_TIME = N_("dW_hy/db_y not summed over time")
FLAT_BIAS = N_("db_y of shape (O,) instead of (O, 1)")
ALL_STATES = N_("all T + 1 states used (h_0 too)")
DH_WITH_H0 = N_("dh with a row for h_0")
SCALAR_BIAS = N_("db_y summed to one number")
TANH_PRIME = N_("tanh′ applied in the read-out")
FIRST_SEQUENCE = N_("only the first sequence of the batch")
MIXED_PAIRS = N_("δ^y and h_t of different (t, b) paired")
OUTER_OF_SUMS = N_("outer product of the sums (Σ δ^y)(Σ h)ᵀ")
LAST_TERM = N_("only the last term kept (= instead of +=)")
ROW_BIAS = N_("db_y of shape (1, O) instead of (O, 1)")

SIZES = {"T": 5, "B": 3, "H": 4, "O": 2}  # all different, so no transpose or wrong sum can keep the right shape

_NO_MEAN = N_("L is a sum over steps and sequences, so its gradient is a sum: no division by T or B.")
_SIGN = N_(
    "the read-out's three gradients carry δ^y_t = ŷ_t − y_t with a plus sign: W_hyᵀ δ^y_t, Σ "
    "δ^y_t h_tᵀ, Σ δ^y_t. A minus belongs to the parameter update (notebook 07), not to the "
    "gradient."
)


def matches_value(answer, expected) -> bool:
    """True when ``answer`` is an array of real numbers equal to ``expected`` (shape included)."""
    arr, problem = as_real_array(answer)
    return problem is None and matches(arr, np.asarray(expected, dtype=np.float64))


def _data():
    """Seeded dy (T, B, O), states h (T + 1, B, H) in (−1, 1) with h_0 ≠ 0, and W_hy (O, H)."""
    rng = np.random.default_rng(2025)
    T, B, H, O = (SIZES[k] for k in "TBHO")
    dy = rng.standard_normal((T, B, O))
    h = np.tanh(rng.standard_normal((T + 1, B, H)))
    W_hy = rng.standard_normal((O, H))
    return dy, h, W_hy


def output_layer_backward(dy, h, W_hy):
    """Reference solution: ``(dh, dW_hy, db_y)`` for dy (T, B, O), h (T + 1, B, H) = h_0 … h_T, W_hy (O, H)."""
    T, B, O = dy.shape
    dh = dy @ W_hy  # row form of W_hyᵀ δ^y_t for every t and b: (T, B, O) @ (O, H) = (T, B, H)
    dW_hy = dy.reshape(T * B, O).T @ h[1:].reshape(T * B, -1)  # Σ over t and b of δ^y h_tᵀ, (O, H); h[1:] is h_1 … h_T
    db_y = dy.sum(axis=(0, 1))[:, None]  # (O, 1)
    return dh, dW_hy, db_y


def _shape_feedback(fn, err: Exception) -> Feedback | None:
    """A ValueError from numpy, explained by running ``fn`` again where the suspected mistake cannot raise.

    Two mistakes raise on the checker's sizes: pairing dy (T rows) with all T + 1 rows of h, and the column-form
    W_hy.T in a row-form product.  Given h_1 … h_T alone, the first runs; with O = H, the second runs.
    """
    if not isinstance(err, ValueError):
        return None
    dy, h, W_hy = _data()
    value, fb = run_learner(EXERCISE, fn, *map(read_only, (dy, h[1:], W_hy)))
    right = output_layer_backward(dy, h, W_hy)
    if fb is None and isinstance(value, (tuple, list)) and len(value) == 3:
        if all(matches_value(v, r) for v, r in zip(value[1:], right[1:])):
            return Feedback(
                EXERCISE,
                "wrong",
                [
                    tr(
                        "dW_hy pairs dy, T rows (δ^y_1 … δ^y_T), with all T + 1 rows of h (h_0 … h_T): the sizes "
                        "do not match."
                    ),
                    tr(
                        "The read-out of step t reads h_t, so pair δ^y_t with h_t: dy[t - 1] with h[t], i.e. the "
                        "states h_1 … h_T, without h_0."
                    ),
                    numpy_said(err),
                ],
                ALL_STATES,
            )
    rng = np.random.default_rng(7)
    n = W_hy.shape[1]  # B = O = H = n: both forms of the W_hy.T slip run
    square = (rng.standard_normal((dy.shape[0], n, n)), rng.standard_normal((dy.shape[0] + 1, n, n)))
    square += (rng.standard_normal((n, n)),)
    value, fb = run_learner(EXERCISE, fn, *map(read_only, square))
    slips = (square[0] @ square[2].T, np.stack([square[2].T @ d for d in square[0]]))  # row form, column form
    if fb is None and isinstance(value, (tuple, list)) and len(value) == 3:
        if any(matches_value(value[0], slip) for slip in slips):
            return Feedback(
                EXERCISE,
                "wrong",
                [
                    tr(
                        "dh: W_hy.T meets δ^y_t as in column form, but here each sequence is a row, dy[t - 1] is "
                        "(B, O)."
                    ),
                    tr(
                        "Transpose the whole product, (W_hyᵀ v)ᵀ = vᵀ W_hy: a row of δ^y meets W_hy, (B, O)(O, H) "
                        "= (B, H), not W_hy.T."
                    ),
                    numpy_said(err),
                ],
                W_HY_T,
            )
    return shape_error_advice(
        err,
        lambda e: Feedback(
            EXERCISE,
            "wrong",
            [
                tr("Two factors of your function do not fit together: a shape error."),
                tr(
                    "Write down the shape of each factor: dy (T, B, O), h (T + 1, B, H), W_hy (O, H). Each row "
                    "of dy[t - 1] is one sequence's δ^y_t as a row; the outer products pair δ^y_t with h_t."
                ),
                numpy_said(e),
            ],
            N_("shape error"),
        ),
    )


@guarded(EXERCISE)
def check_output_layer_backward(fn) -> Feedback:
    """Run ``fn(dy, h, W_hy) -> (dh, dW_hy, db_y)`` on a seeded batch (T=5, B=3, H=4, O=2) and explain mistakes."""
    dy, h, W_hy = _data()
    T, B = dy.shape[:2]
    result, not_written = run_learner(
        EXERCISE, fn, *map(read_only, (dy, h, W_hy)), explain=lambda err: _shape_feedback(fn, err)
    )
    if not_written:
        return not_written
    if not isinstance(result, (tuple, list)) or len(result) != 3:
        if isinstance(result, (tuple, list)):
            got = tr("{n:d} values").format(n=len(result))
        else:
            got = tr("a single {type}").format(type=type(result).__name__)
        return Feedback(
            EXERCISE, "wrong", [tr("return three values, `return dh, dW_hy, db_y`; got {got}.").format(got=got)]
        )
    dh_ans, dW_ans, db_ans = result

    dh, dW, db = output_layer_backward(dy, h, W_hy)
    states = h[1:]  # h_1 … h_T, the states the read-out reads
    last_dh = np.zeros_like(dh)
    last_dh[-1] = dh[-1]

    batch_advice = tr(
        "The sequences are independent: sequence b's h_t receives only sequence b's δ^y_t. dh has "
        "one row per step and sequence, (T, B, H); only dW_hy and db_y are summed over the batch."
    )
    time_advice = tr(
        "Each h_t receives its own step's gradient; dh has one row per step, (T, B, H). Only the "
        "parameters, shared by all steps, collect a sum over t."
    )
    dh_mistakes = {
        LAST_STEP: (last_dh, tr("ŷ_t reads h_t at every step, so every h_t receives gradient from its own ŷ_t.")),
        DH_BATCH_SUM: (np.broadcast_to(dh.sum(axis=1, keepdims=True), dh.shape), batch_advice),
        TANH_PRIME: (
            dh * (1.0 - states**2),
            tr(
                "The read-out ŷ_t = W_hy h_t + b_y is linear in h_t: its gradient into h_t is W_hyᵀ δ^y_t, "
                "with no tanh′ factor. (1 − h_t²) comes one step further back, from h_t = tanh(a_t), in "
                "notebook 04."
            ),
        ),
    }
    dh_shape_mistakes = [
        (DH_BATCH_SUM, dh.sum(axis=1), batch_advice),
        (DH_BATCH_SUM, dh.sum(axis=1, keepdims=True), batch_advice),
        (DH_TIME_SUM, dh.sum(axis=0), time_advice),
        (DH_TIME_SUM, dh.sum(axis=0, keepdims=True), time_advice),
        (
            DH_WITH_H0,
            np.concatenate([np.zeros_like(h[:1]), dh]),
            tr("h_0 has no read-out (there is no ŷ_0), so dh has T rows, one per ŷ_t: (T, B, H), row t − 1 for h_t."),
        ),
    ]

    def sum_tb(a, b):  # Σ over t and b of the outer products a_{t,b} b_{t,b}ᵀ
        return np.einsum("tbo,tbh->oh", a, b)

    dW_mistakes = {
        SHIFTED: (
            sum_tb(dy, h[:-1]),
            tr(
                "ŷ_t = W_hy h_t + b_y reads the state of the same step: pair δ^y_t with h_t, not with "
                "h_{t−1}. Row t − 1 of dy holds δ^y_t and row t of h holds h_t (h[0] is h_0), so dy[t - 1] "
                "goes with h[t]."
            ),
        ),
        LAST_STEP: (dy[-1].T @ h[-1], tr("W_hy is used at every step: add δ^y_t h_tᵀ for all T steps.")),
        MEAN: (dW / (T * B), _NO_MEAN),
        MEAN_BATCH: (dW / B, _NO_MEAN),
        MEAN_TIME: (dW / T, _NO_MEAN),
        FIRST_SEQUENCE: (
            dy[:, 0].T @ states[:, 0],
            tr("Every sequence of the batch uses the same W_hy: sum δ^y_{t,b} h_{t,b}ᵀ over b as well as t."),
        ),
        MIXED_PAIRS: (
            dy.reshape(T * B, -1).T @ states.transpose(1, 0, 2).reshape(T * B, -1),
            tr(
                "Each term pairs δ^y_{t,b} with the h_t of the same step AND sequence. One array was flattened "
                "time-major and the other batch-major, so rows of different (t, b) met: reshape dy[...] and h[1:] "
                "the same way, both (T, B, ·) → (T·B, ·)."
            ),
        ),
        OUTER_OF_SUMS: (
            np.outer(dy.sum(axis=(0, 1)), states.sum(axis=(0, 1))),
            tr(
                "Σ_t δ^y_t h_tᵀ is a sum of outer products, one per step and sequence; the outer product of the "
                "two sums mixes every δ^y_t with every h_s. Multiply first, then sum: dy rows (T·B, O) transposed "
                "times h_1 … h_T rows (T·B, H)."
            ),
        ),
        LAST_TERM: (
            np.outer(dy[-1, -1], states[-1, -1]),
            tr(
                "Only the term of the last step and sequence is left: inside the loop, dW_hy = ... replaces the "
                "sum so far. Start from zeros and add every term, dW_hy += np.outer(dy[t - 1, b], h[t, b])."
            ),
        ),
    }
    dW_shape_mistakes = [
        (TRANSPOSED, dW.T, tr("Each term is the outer product δ^y_t h_tᵀ, (O, 1)(1, H) = (O, H), the shape of W_hy.")),
        (
            NOT_SUMMED_BATCH,
            np.einsum("tbo,tbh->boh", dy, states),
            tr(
                "A batch's gradient is the sum of its sequences' gradients: sum over b too, to the shape "
                "of W_hy (O, H)."
            ),
        ),
        (
            NOT_SUMMED_TIME,
            np.einsum("tbo,tbh->toh", dy, states),
            tr("W_hy is shared by all steps, so its gradient sums the T steps' contributions, to the shape (O, H)."),
        ),
    ]
    db_mistakes = {
        LAST_STEP: (dy[-1].sum(axis=0)[:, None], tr("b_y is used at every step: add δ^y_t for all T steps.")),
        MEAN: (db / (T * B), _NO_MEAN),
        MEAN_BATCH: (db / B, _NO_MEAN),
        MEAN_TIME: (db / T, _NO_MEAN),
        FIRST_SEQUENCE: (
            dy[:, 0].sum(axis=0)[:, None],
            tr("Every sequence of the batch uses the same b_y: sum δ^y_{t,b} over b as well as t."),
        ),
    }
    batch_advice = tr("Sum over the batch too: db_y has the shape of b_y, (O, 1).")
    time_advice = tr("Sum over time too: db_y has the shape of b_y, (O, 1).")
    db_shape_mistakes = [
        (FLAT_BIAS, db[:, 0], tr("The values are right; keep b_y's column shape (O, 1), e.g. `[:, None]`.")),
        (
            ROW_BIAS,
            db.T,
            tr("The values are right, as a row: b_y is a column (O, 1), and so is its gradient, e.g. `[:, None]`."),
        ),
        (NOT_SUMMED_BATCH, dy.sum(axis=0).T, batch_advice),
        (NOT_SUMMED_BATCH, dy.sum(axis=0), batch_advice),  # the sum left as rows (B, O)
        (NOT_SUMMED_TIME, dy.sum(axis=1).T, time_advice),
        (NOT_SUMMED_TIME, dy.sum(axis=1), time_advice),
        (
            SCALAR_BIAS,
            dy.sum(),
            tr(
                "Sum over steps and sequences only (axes 0 and 1): each of the O outputs has its own bias, "
                "so db_y is (O, 1), one number per output."
            ),
        ),
    ]

    def judged(name, answer, expected, mistakes, shape_mistakes, **kw):
        fb = diagnose(
            EXERCISE, answer, expected, name=name, known_mistakes=mistakes, sign_advice=_SIGN, float64=True, **kw
        )
        return name_shape_mistake(fb, answer, shape_mistakes)

    parts = {
        "dh": judged("dh", dh_ans, dh, dh_mistakes, dh_shape_mistakes, time_axis=0),
        "dW_hy": judged("dW_hy", dW_ans, dW, dW_mistakes, dW_shape_mistakes),
        "db_y": judged("db_y", db_ans, db, db_mistakes, db_shape_mistakes),
    }
    fb = combine(EXERCISE, parts)
    return confirmed(fb, EXERCISE, fn, (dy, h, W_hy), result)
