"""Checker for notebook 11: the recurrent layer's weight gradients for a whole batch, as single products.

The learner writes ``weight_grads_from_deltas(dh_raw, x, h)`` for a batch, after the time loop:

    ∂L/∂W_xh = Σ_t Σ_b δ^a_{t,b} x_{t,b}ᵀ       = (δ^A)ᵀ X          (H, D)
    ∂L/∂W_hh = Σ_t Σ_b δ^a_{t,b} h_{t−1,b}ᵀ     = (δ^A)ᵀ H_prev     (H, H)
    ∂L/∂b_h  = Σ_t Σ_b δ^a_{t,b}                                  (H, 1)

where δ^A, X, H_prev stack the T·B rows (one per step and sequence): (T·B, H), (T·B, D), (T·B, H).
Shapes in: dh_raw (T, B, H) with δ^a_t in row t−1; x (T, B, D); h (T + 1, B, H) with h[0] = h_0.
Returns ``(dW_xh, dW_hh, db_h)``.

Named mistakes: h_t for h_{t−1}, a mean over the batch, over time or over all T·B rows, the last step or the first
sequence only, rows of different steps paired, all T + 1 states used, transposed products, db_h flat (H,), dW_xh and
dW_hh swapped, tanh′ applied twice, a sign error, float32, and a function that keeps state between calls.
"""

from __future__ import annotations

import numpy as np

from ..i18n import N_, tr
from ._feedback import (
    FLOAT32,
    Feedback,
    as_real_array,
    confirmed,
    diagnose,
    guarded,
    matches,
    numpy_said,
    read_only,
    run_learner,
)

__all__ = ["FLOAT32", "check_weight_grads_from_deltas", "known_mistakes", "weight_grads_from_deltas"]

EXERCISE = "weight_grads_from_deltas"
ALL_STATES = N_("all T + 1 states used")
TRANSPOSED = N_("transposed products (Xᵀ δ^A instead of (δ^A)ᵀ X)")
FLAT_DB = N_("db_h of shape (H,) instead of (H, 1)")
SWAPPED = N_("dW_xh and dW_hh swapped")
TANH_TWICE = N_("tanh′ applied twice")
MEAN = N_("mean over the T·B rows instead of the sum")
_SIGN = N_(
    "the gradients are +(δ^A)ᵀ X, +(δ^A)ᵀ H_prev and +Σ δ^a: the sign already sits inside δ^a, so nothing "
    "here adds a minus."
)
_SHAPE_ADVICE = {
    TRANSPOSED: N_(
        "A weight's gradient has the weight's shape: (δ^A)ᵀ X is (H, T·B)(T·B, D) = (H, D), the shape of W_xh. "
        "Xᵀ δ^A is its transpose, (D, H)."
    ),
    FLAT_DB: N_("b_h is a column (H, 1), and so is its gradient: rows.sum(axis=0)[:, None] (or keepdims and .T)."),
    SWAPPED: N_("Return them in the order asked for, `return dW_xh, dW_hh, db_h`."),
}
NAMES = ("dW_xh", "dW_hh", "db_h")


def weight_grads_from_deltas(dh_raw, x, h):
    """Reference solution: three products over the T·B rows."""
    T, B, H = dh_raw.shape
    rows = dh_raw.reshape(T * B, H)
    return (
        rows.T @ x.reshape(T * B, x.shape[2]),
        rows.T @ h[:-1].reshape(T * B, H),
        rows.sum(axis=0)[:, None],
    )


def known_mistakes(dh_raw, x, h):
    """Mistake name → ((dW_xh, dW_hh, db_h) that mistake produces, advice)."""
    T, B, H = dh_raw.shape
    D = x.shape[2]
    rows = dh_raw.reshape(T * B, H)
    right = weight_grads_from_deltas(dh_raw, x, h)
    return {
        N_("h_t instead of h_{t−1} in dW_hh"): (
            (right[0], rows.T @ h[1:].reshape(T * B, H), right[2]),
            tr(
                "a_t contains W_hh h_{t−1}: pair δ^a_t with the state *before* the step, h_{t−1}, not h_t "
                "(h[0] is h_0, so the states h_0 … h_{T−1} are the first T rows of h)."
            ),
        ),
        N_("mean over the batch instead of the sum"): (
            tuple(g / B for g in right),
            tr(
                "The loss sums over the sequences of the batch, so the gradient does too: no division by B "
                "here (a trainer that wants the mean divides the loss and all gradients once, elsewhere)."
            ),
        ),
        N_("mean over time instead of the sum"): (
            tuple(g / T for g in right),
            tr("Every step uses the same weights, so their gradient is the sum over the steps, not the mean."),
        ),
        N_("the last step only"): (
            (dh_raw[-1].T @ x[-1], dh_raw[-1].T @ h[-2], dh_raw[-1].sum(axis=0)[:, None]),
            tr("Only the last step's rows were used: reshape all T steps to (T·B, ·) rows before the product."),
        ),
        N_("the first sequence only"): (
            (dh_raw[:, 0].T @ x[:, 0], dh_raw[:, 0].T @ h[:-1, 0], dh_raw[:, 0].sum(axis=0)[:, None]),
            tr("Only sequence b = 0 was used: the reshape to (T·B, ·) must keep every sequence of the batch."),
        ),
        TANH_TWICE: (
            weight_grads_from_deltas(dh_raw * (1.0 - h[1:] ** 2), x, h),
            tr("dh_raw is already δ^a_t = (1 − h_t²) ⊙ δ^h_t: do not multiply by (1 − h_t²) again."),
        ),
        MEAN: (
            tuple(g / (T * B) for g in right),
            tr(
                "Each of the T·B rows is one term of the sum Σ_t Σ_b: the product (δ^A)ᵀ X already adds them, "
                "and nothing is divided by T·B."
            ),
        ),
        N_("rows of different steps paired"): (
            (
                rows.T @ x.transpose(1, 0, 2).reshape(T * B, D),
                rows.T @ h[:-1].transpose(1, 0, 2).reshape(T * B, H),
                right[2],
            ),
            tr(
                "δ^a was reshaped time-major but x (or h) batch-major, so row r pairs δ^a of one (t, b) "
                "with x of another. Reshape all of them the same way: arr.reshape(T * B, -1) on (T, B, ·) "
                "arrays."
            ),
        ),
    }


def _problem(seed=3, T=5, B=4, D=2, H=3):
    # D != H and T != B, so a transposed or mis-reshaped answer cannot pass by a coincidence of shapes.
    rng = np.random.default_rng(seed)
    return rng.standard_normal((T, B, H)), rng.standard_normal((T, B, D)), np.tanh(rng.standard_normal((T + 1, B, H)))


@guarded(EXERCISE)
def check_weight_grads_from_deltas(fn) -> Feedback:
    """Check ``fn(dh_raw, x, h)`` on a random batch; one Feedback for the three gradients together."""
    dh_raw, x, h = _problem()
    answer, feedback = run_learner(
        EXERCISE, fn, *map(read_only, (dh_raw, x, h)), explain=lambda err: _all_states(fn, err)
    )
    if feedback is not None:
        return feedback
    fb = _judge(answer, dh_raw, x, h)
    return confirmed(fb, EXERCISE, fn, (dh_raw, x, h), answer)


def _all_states(fn, err):
    """A ValueError from pairing the T·B rows of δ^A with all (T + 1)·B states, named by running ``fn`` again
    on h without its last row (where that slip gives the right dW_hh)."""
    if not isinstance(err, ValueError):
        return None
    dh_raw, x, h = _problem()
    value, fb = run_learner(EXERCISE, fn, *map(read_only, (dh_raw, x, h[:-1])))
    right = weight_grads_from_deltas(dh_raw, x, h)[1]
    if fb is None and isinstance(value, (tuple, list)) and len(value) == 3:
        arr, problem = as_real_array(value[1])
        if problem is None and matches(arr, right):
            return Feedback(
                EXERCISE,
                "wrong",
                [
                    tr("This is exactly what the mistake '{mistake}' gives.").format(mistake=tr(ALL_STATES)),
                    tr(
                        "H_prev stacks the states each step received, h_0 … h_{T−1}: h[:-1], T·B rows like δ^A. "
                        "All of h has (T + 1)·B rows, and the sizes do not match."
                    ),
                    numpy_said(err),
                ],
                ALL_STATES,
            )
    return None


def _judge(answer, dh_raw, x, h) -> Feedback:
    """The verdict on the three values the learner returned."""
    if not isinstance(answer, (tuple, list)) or len(answer) != 3:
        return Feedback(EXERCISE, "wrong", [tr("Return the three gradients as a tuple: (dW_xh, dW_hh, db_h).")])
    expected = weight_grads_from_deltas(dh_raw, x, h)
    mistakes = known_mistakes(dh_raw, x, h)
    # The whole triple is what a known mistake gives: name it.
    arrays = [as_real_array(a)[0] for a in answer]
    if any(a is None for a in arrays):
        arrays = None  # not real numbers: diagnose below says so
    if arrays is not None:
        right = expected
        shape_slips = {
            TRANSPOSED: (right[0].T, right[1].T, right[2]),
            FLAT_DB: (right[0], right[1], right[2][:, 0]),
            SWAPPED: (right[1], right[0], right[2]),
        }
        for mistake, value in shape_slips.items():
            if all(a.shape == v.shape and matches(a, v) for a, v in zip(arrays, value)):
                return Feedback(
                    EXERCISE,
                    "wrong",
                    [
                        tr("This is exactly what the mistake '{mistake}' gives.").format(mistake=tr(mistake)),
                        tr(_SHAPE_ADVICE[mistake]),
                        *(
                            tr("{name} has shape {shape}, expected {expected}.").format(
                                name=name, shape=a.shape, expected=e.shape
                            )
                            for name, a, e in zip(NAMES, arrays, expected)
                            if a.shape != e.shape
                        ),
                    ],
                    mistake,
                )
    for mistake, (value, advice) in mistakes.items() if arrays is not None else ():
        if all(matches(a, v) for a, v in zip(arrays, value)):
            return Feedback(
                EXERCISE,
                "wrong",
                [tr("This is exactly what the mistake '{mistake}' gives.").format(mistake=tr(mistake)), advice],
                mistake,
            )
    # Otherwise, the first gradient that is off, with diagnose's explanation (shape, transpose, sign, …).
    for name, a, e in zip(NAMES, answer, expected):
        single = {m: (v[NAMES.index(name)], advice) for m, (v, advice) in mistakes.items()}
        fb = diagnose(EXERCISE, a, e, name=name, known_mistakes=single, sign_advice=_SIGN, float64=True)
        if not fb.passed:
            return fb
    return Feedback(EXERCISE, "correct")
