"""Checker for notebook 05: the gradients of the recurrent layer's parameters.

The learner writes ``recurrent_weight_grads(dh_raw, x, h)`` for a **batch** of B sequences (the notebook's
text does one sequence; the batch loss is the sum of the sequences' losses, so the sums run over time and batch):

    ∂L/∂W_xh = Σ_b Σ_t δ^a_t x_tᵀ        (H, D)
    ∂L/∂W_hh = Σ_b Σ_t δ^a_t h_{t−1}ᵀ    (H, H)
    ∂L/∂b_h  = Σ_b Σ_t δ^a_t             (H, 1)

Shapes (time-major, batch second): dh_raw (T, B, H) holds δ^a_t in row t − 1; x (T, B, D) holds x_t in row t − 1;
h (T + 1, B, H) holds h_0 in row 0 and h_t in row t.  Returns ``(dW_xh, dW_hh, db_h)``.

:func:`check_recurrent_weight_grads` runs it on seeded data (sizes all different, h_0 ≠ 0) and names the classic
mistakes, including those that change a shape: h_t for h_{t−1}, a transposed outer product, db_h of shape (H,),
tanh′ applied twice, only the first sequence, a mean over the batch, the t = 1 term left out of dW_hh, a sign error;
and the next ones: the first or the last step skipped everywhere, a mean over time, dW_xh and dW_hh returned in each
other's place, a sum over time only (one gradient per sequence), db_h summed to one number, all T + 1 states used;
and only the last term kept (= for +=), the outer product of the sums, a mean over the T·B terms, db_h left (B, H),
float32, and a function that keeps state between calls.
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
)

__all__ = ["FLOAT32", "check_recurrent_weight_grads", "known_mistakes", "recurrent_weight_grads"]

EXERCISE = "recurrent_weight_grads"
NAMES = ("dW_xh", "dW_hh", "db_h")

H_T = N_("h_t instead of h_{t−1} in dW_hh")
TRANSPOSED = N_("transposed outer product")
FLAT_DB = N_("db_h of shape (H,) instead of (H, 1)")
TANH_TWICE = N_("tanh′ applied twice")
FIRST_SEQUENCE = N_("only the first sequence of the batch")
BATCH_MEAN = N_("mean over the batch instead of the sum")
T1_SKIPPED = N_("the t = 1 term left out of dW_hh")
FIRST_STEP_SKIPPED = N_("the first step skipped")
LAST_STEP_SKIPPED = N_("the last step skipped")
TIME_MEAN = N_("mean over time instead of the sum")
SWAPPED = N_("dW_xh and dW_hh swapped")
NOT_SUMMED_BATCH = N_("not summed over the batch")
SCALAR_DB = N_("db_h summed to one number")
ALL_STATES = N_("all T + 1 states used")
LAST_TERM = N_("only the last term kept (= instead of +=)")
OUTER_OF_SUMS = N_("outer product of the sums (Σ δ^a)(Σ x)ᵀ")
MEAN = N_("mean over the T·B terms instead of the sum")

_NO_MEAN = N_(
    "The batch loss here is the SUM of the sequences' losses over all steps (as in "
    "rnn_lib.backward), so the gradients sum over t and b; a 1/B belongs to the optimiser's "
    "choice of a mean loss, not to this function."
)
ADVICE = {
    H_T: (
        N_(
            "W_hh multiplies h_{t−1} inside a_t = W_xh x_t + W_hh h_{t−1} + b_h, so ∂a_t/∂W_hh brings "
            "h_{t−1}: pair δ^a_t with h_{t−1}, not h_t: row t − 1 of dh_raw holds δ^a_t and row t − 1 "
            "of h holds h_{t−1} (h[0] is h_0), so dh_raw[t - 1] goes with h[t - 1], the states h_0 … "
            "h_{T−1}."
        )
    ),
    TRANSPOSED: (
        N_(
            "The gradient of W (H, ·) has W's shape: δ^a_t (H, 1) times x_tᵀ or h_{t−1}ᵀ, so with the "
            "(t, b) pairs stacked as rows, dh_raw_rows.T @ x_rows, not x_rows.T @ dh_raw_rows."
        )
    ),
    FLAT_DB: N_("b_h is a column (H, 1), and its gradient must have the same shape: add [:, None] (or keepdims=True)."),
    TANH_TWICE: N_("dh_raw is already δ^a_t = (1 − h_t²) ⊙ δ^h_t: do not multiply by (1 − h_t²) again."),
    FIRST_SEQUENCE: (
        N_(
            "Every sequence of the batch uses the same weights, so its terms belong in the sum too: "
            "sum over b as well as t (e.g. np.einsum('tbi,tbj->ij', dh_raw, x), or reshape to (T·B, ·) "
            "rows)."
        )
    ),
    BATCH_MEAN: _NO_MEAN,
    T1_SKIPPED: (
        N_(
            "The sum in ∂L/∂W_hh runs over t = 1 … T. Its t = 1 term δ^a_1 h_0ᵀ vanishes only when h_0 "
            "= 0; here h_0 is not zero (a sequence continued from an earlier one), so the term counts. "
            "Start at t = 1: h[0] is h_0."
        )
    ),
    FIRST_STEP_SKIPPED: N_("Every step uses the weights, step 1 included: the sums run over t = 1 … T, all T rows."),
    LAST_STEP_SKIPPED: N_("Every step uses the weights, step T included: the sums run over t = 1 … T, all T rows."),
    TIME_MEAN: _NO_MEAN,
    SWAPPED: N_("Return them in the order asked for, `return dW_xh, dW_hh, db_h`."),
    NOT_SUMMED_BATCH: (
        N_(
            "Your result has one gradient per sequence. The weights are shared by the batch: sum over "
            "b too, to the parameter's shape."
        )
    ),
    SCALAR_DB: N_("Sum over t and b only: each of the H hidden units has its own bias, so db_h is (H, 1)."),
    LAST_TERM: N_(
        "Only the term of the last step and sequence is left: inside the loop, dW = ... replaces the sum so far. "
        "Start from zeros and add every term: dW_xh += np.outer(dh_raw[t - 1, b], x[t - 1, b]), and so on."
    ),
    OUTER_OF_SUMS: N_(
        "Σ_t δ^a_t x_tᵀ is a sum of outer products, one per step and sequence; the outer product of the two sums "
        "mixes every δ^a_t with every x_s. Multiply first, then sum (np.einsum('tbi,tbj->ij', dh_raw, x))."
    ),
    MEAN: _NO_MEAN,
}
_SIGN = N_(
    "the gradients are +Σ δ^a_t (·)ᵀ: the sign already sits inside δ^a_t (ŷ − y, notebook 02), "
    "so nothing here adds a minus. The minus of gradient descent belongs to the update."
)


def recurrent_weight_grads(dh_raw, x, h):
    """Reference solution for a batch: (dW_xh (H, D), dW_hh (H, H), db_h (H, 1)) from δ^a_t, x_t and h_{t−1}.

    dh_raw (T, B, H), x (T, B, D), h (T + 1, B, H).  Every (t, b) pair is one row of a stacked product.
    """
    H = dh_raw.shape[-1]
    rows = dh_raw.reshape(-1, H)  # (T·B, H): row (t − 1)·B + b is δ^a_t of sequence b
    return (
        rows.T @ x.reshape(-1, x.shape[-1]),
        rows.T @ h[:-1].reshape(-1, H),
        rows.sum(axis=0)[:, None],
    )


def known_mistakes(dh_raw, x, h):
    """Mistake name → ((dW_xh, dW_hh, db_h) that mistake produces, advice), shapes as the mistake makes them."""
    right = recurrent_weight_grads(dh_raw, x, h)
    T, B, _ = dh_raw.shape
    values = {
        H_T: (right[0], np.einsum("tbi,tbj->ij", dh_raw, h[1:]), right[2]),
        TRANSPOSED: (right[0].T, right[1].T, right[2]),
        FLAT_DB: (right[0], right[1], right[2][:, 0]),
        TANH_TWICE: recurrent_weight_grads(dh_raw * (1.0 - h[1:] ** 2), x, h),
        FIRST_SEQUENCE: recurrent_weight_grads(dh_raw[:, :1], x[:, :1], h[:, :1]),
        BATCH_MEAN: tuple(v / B for v in right),
        T1_SKIPPED: (right[0], recurrent_weight_grads(dh_raw[1:], x[1:], h[1:])[1], right[2]),
        FIRST_STEP_SKIPPED: recurrent_weight_grads(dh_raw[1:], x[1:], h[1:]),
        LAST_STEP_SKIPPED: recurrent_weight_grads(dh_raw[:-1], x[:-1], h[:-1]),
        TIME_MEAN: tuple(v / T for v in right),
        SWAPPED: (right[1], right[0], right[2]),
        NOT_SUMMED_BATCH: (
            np.einsum("tbi,tbj->bij", dh_raw, x),
            np.einsum("tbi,tbj->bij", dh_raw, h[:-1]),
            dh_raw.sum(axis=0)[..., None],
        ),
        SCALAR_DB: (right[0], right[1], dh_raw.sum()),
        LAST_TERM: (
            np.outer(dh_raw[-1, -1], x[-1, -1]),
            np.outer(dh_raw[-1, -1], h[-2, -1]),
            dh_raw[-1, -1][:, None],
        ),
        OUTER_OF_SUMS: (
            np.outer(dh_raw.sum(axis=(0, 1)), x.sum(axis=(0, 1))),
            np.outer(dh_raw.sum(axis=(0, 1)), h[:-1].sum(axis=(0, 1))),
            right[2],
        ),
        MEAN: tuple(v / (T * B) for v in right),
    }
    return {m: (v, ADVICE[m]) for m, v in values.items()}


def _diagnose_value(name, answer, expected, mistakes, more_shapes=()):
    """diagnose() plus the mistakes that change a shape, which diagnose() can only describe (``more_shapes``:
    further (mistake, value, advice) of a shape no entry of ``mistakes`` has)."""
    same_shape = {m: v for m, v in mistakes.items() if np.shape(v[0]) == expected.shape}
    fb = diagnose(EXERCISE, answer, expected, name=name, known_mistakes=same_shape, sign_advice=_SIGN, float64=True)
    shapes = [(m, v, advice) for m, (v, advice) in mistakes.items()] + list(more_shapes)
    return name_shape_mistake(fb, answer, shapes)


def _data():
    rng = np.random.default_rng(505)
    T, B, D, H = 5, 3, 2, 4  # all different, so a swapped axis changes a shape
    x = rng.standard_normal((T, B, D))
    h = np.tanh(rng.standard_normal((T + 1, B, H)))  # h[0] = h_0 non-zero, so the t = 1 term counts too
    dh_raw = (1.0 - h[1:] ** 2) * rng.standard_normal((T, B, H))  # δ^a_t = (1 − h_t²) ⊙ δ^h_t
    return dh_raw, x, h


def _error_feedback(fn, err):
    """An error from numpy: all T + 1 states paired with T rows (recognised by running ``fn`` on h[:-1] alone), or
    one-sequence code meeting (T, B, ·) arrays."""
    if not isinstance(err, (ValueError, IndexError)):
        return None
    dh_raw, x, h = _data()
    value, fb = run_learner(EXERCISE, fn, *map(read_only, (dh_raw, x, h[:-1])))
    if fb is None and isinstance(value, (tuple, list)) and len(value) == 3:
        right = recurrent_weight_grads(dh_raw, x, h)
        answers = [as_real_array(v)[0] for v in value]
        if answers[1] is not None and answers[1].shape == right[1].shape and matches(answers[1], right[1]):
            return Feedback(
                EXERCISE,
                "wrong",
                [
                    tr(
                        "dW_hh pairs dh_raw, T rows (δ^a_1 … δ^a_T), with all T + 1 rows of h (h_0 … h_T): the "
                        "sizes do not match."
                    ),
                    tr(
                        "Step t pairs δ^a_t with the state it received, h_{t−1}: dh_raw[t - 1] with h[t - 1], i.e. "
                        "the states h_0 … h_{T−1}, without h_T."
                    ),
                    numpy_said(err),
                ],
                ALL_STATES,
            )
    return Feedback(
        EXERCISE,
        "wrong",
        [
            tr("A product does not fit: the arrays are batches, and a one-sequence product does not apply to them."),
            tr(
                "The arrays are batches, dh_raw (T, B, H), x (T, B, D), h (T + 1, B, H): the one-sequence "
                "products dh_raw.T @ x do not apply. Sum over t and b, e.g. np.einsum('tbi,tbj->ij', "
                "dh_raw, x), or reshape each array to (T·B, ·) rows first."
            ),
            numpy_said(err),
        ],
    )


@guarded(EXERCISE)
def check_recurrent_weight_grads(fn) -> Feedback:
    """Run ``fn(dh_raw, x, h)`` on a seeded batch (T=5, B=3, D=2, H=4) and explain what is wrong, if anything."""
    dh_raw, x, h = _data()
    value, fb = run_learner(EXERCISE, fn, *map(read_only, (dh_raw, x, h)), explain=lambda err: _error_feedback(fn, err))
    if fb is not None:
        return fb
    if not isinstance(value, (tuple, list)) or len(value) != 3:
        return Feedback(EXERCISE, "wrong", [tr("Return three arrays: `return dW_xh, dW_hh, db_h`.")])

    expected = recurrent_weight_grads(dh_raw, x, h)
    mistakes = known_mistakes(dh_raw, x, h)
    answers = [as_real_array(v)[0] for v in value]
    for m, (triple, advice) in mistakes.items():  # a mistake that explains all three values is the one to name
        if all(a is not None and a.shape == np.shape(e) and matches(a, np.asarray(e)) for a, e in zip(answers, triple)):
            if not all(a.shape == e.shape and matches(a, e) for a, e in zip(answers, expected)):
                mistakes = {m: (triple, advice)}
                break
    # db_h left per sequence also comes as (B, H), without the column axis
    more = {"db_h": [(NOT_SUMMED_BATCH, dh_raw.sum(axis=0), tr(ADVICE[NOT_SUMMED_BATCH]))]}
    parts = []
    for i, name in enumerate(NAMES):
        per_value = {m: (v[i], advice) for m, (v, advice) in mistakes.items()}
        parts.append((name, _diagnose_value(name, value[i], expected[i], per_value, more.get(name, ()))))
    fb = combine(EXERCISE, parts)
    return confirmed(fb, EXERCISE, fn, (dh_raw, x, h), value)
