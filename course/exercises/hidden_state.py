"""Checker for notebook 04: the backward recursion for δ^h_t and δ^a_t, for a batch, in row form.

The learner writes ``hidden_state_grads(dy, h, W_hy, W_hh)`` for a batch of B sequences, stored time-major with one
sequence per row (row form): ``dy[t - 1]`` is (B, O), its row b is (δ^y_t)ᵀ of sequence b, and so on.  Transposing
the column-form recursion of the notebook row by row gives, for t = T, …, 1,

    δ^h_t = W_hyᵀ δ^y_t + W_hhᵀ δ^a_{t+1}       row form:  dh[t - 1] = dy[t - 1] @ W_hy + dh_next
    δ^a_t = (1 − h_t²) ⊙ δ^h_t                  row form:  dh_raw[t - 1] = (1 − h[t]²) * dh[t - 1]
    dh_next for step t − 1 = W_hhᵀ δ^a_t        row form:  dh_next = dh_raw[t - 1] @ W_hh     (0 before step T)

Shapes: dy (T, B, O); h (T + 1, B, H) with h[0] = h_0 and h[t] = h_t; W_hy (O, H); W_hh (H, H).  The function
returns ``(dh, dh_raw)``, each (T, B, H), row t − 1 holding δ^h_t and δ^a_t.  The reference solution also accepts one
sequence, dy (T, O) and h (T + 1, H): the row-form products work for a single row too.

:func:`check_hidden_state_grads` runs it on seeded data whose sizes all differ (B ≠ H ≠ O), with a non-symmetric
W_hh, and names the classic mistakes of this step: a dropped dh_next, 1 − tanh(h_t)², the state of the wrong step in
tanh′, the loop run forwards, W_hh where W_hhᵀ belongs, sequences of the batch mixed, tanh′ missing on the recurrent
path only; and the next ones: no tanh′ at all, dh_next added after tanh′, 1 − h_t for 1 − h_t², the first step
skipped, the two results swapped, the path through ŷ_t dropped, and W_hy transposed in a row-form product; and the
last step skipped, dh_next accumulated across steps (+=), float32 results, and a function that keeps state from one
call to the next (it is called twice).
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
    numpy_said,
    read_only,
    run_learner,
    steps_message,
)

__all__ = ["FLOAT32", "check_hidden_state_grads", "hidden_state_grads", "known_mistakes"]

EXERCISE = "hidden_state_grads"

DROPPED_DH_NEXT = N_("dropped dh_next (only the path through ŷ_t)")
TANH_OF_H = N_("tanh′ written as 1 − tanh(h_t)²")
OFF_BY_ONE = N_("off-by-one state in tanh′ (1 − h_{t−1}²)")
FORWARDS = N_("ran forwards in time")
W_HH_NOT_T = N_("W_hh instead of W_hhᵀ")
BATCH_MIXED = N_("dh_next summed over the batch")
RECURRENT_WITHOUT_TANH = N_("tanh′ missing on the recurrent path (δ^h sent back, not δ^a)")
NO_TANH_PRIME = N_("no tanh′ at all (dh_raw = dh)")
AFTER_TANH = N_("dh_next added after tanh′")
ONE_MINUS_H = N_("1 − h_t instead of 1 − h_t²")
FIRST_STEP_SKIPPED = N_("the first step skipped (the loop stops at t = 2)")
SWAPPED = N_("dh and dh_raw swapped")
NO_READOUT = N_("dropped the path through ŷ_t (only dh_next)")
W_HY_T = N_("W_hy.T in a row-form product")
LAST_STEP_SKIPPED = N_("the last step skipped (the loop starts at t = T − 1)")
ACCUMULATED = N_("dh_next accumulated across steps (+= instead of =)")

ADVICE = {
    DROPPED_DH_NEXT: (
        N_(
            "δ^h_t has two terms: W_hyᵀ δ^y_t from ŷ_t AND W_hhᵀ δ^a_{t+1} from h_{t+1}. Add dh_next "
            "(zero only at the last step)."
        )
    ),
    TANH_OF_H: (
        N_(
            "tanh′(a_t) = 1 − tanh(a_t)² and tanh(a_t) = h_t, so the factor is 1 − h_t²: h already "
            "went through tanh once."
        )
    ),
    OFF_BY_ONE: N_("δ^a_t = (1 − h_t²) ⊙ δ^h_t uses the state this step produced: h[t] for dy[t - 1] (h[0] is h_0)."),
    FORWARDS: (
        N_(
            "δ^h_t needs δ^a_{t+1}, which is known only after step t + 1 is done: loop t = T, T − 1, "
            "…, 1, starting from dh_next = 0."
        )
    ),
    W_HH_NOT_T: (
        N_(
            "In column form dh_next = W_hhᵀ δ^a_t. A row holds its transpose, (δ^a_t)ᵀ W_hh, so in row "
            "form the rows of dh_raw meet W_hh itself; W_hh.T there is the row form of W_hh δ^a."
        )
    ),
    BATCH_MIXED: (
        N_(
            "The sequences of a batch are independent: sequence b's state receives only sequence b's "
            "gradient. Keep dh_next of shape (B, H), one row per sequence; do not sum over the batch "
            "axis."
        )
    ),
    RECURRENT_WITHOUT_TANH: (
        N_(
            "What flows to step t − 1 is W_hhᵀ δ^a_t: W_hh acts on a_t, so the gradient must pass "
            "through tanh′ first. Send dh_raw (δ^a_t) back through W_hh, not dh (δ^h_t)."
        )
    ),
    NO_TANH_PRIME: (
        N_(
            "h_t = tanh(a_t), so ∂L/∂a_t = (1 − h_t²) ⊙ δ^h_t: multiply by tanh′, entry by entry, "
            "before anything goes back through W_hh."
        )
    ),
    AFTER_TANH: (
        N_(
            "dh_next = W_hhᵀ δ^a_{t+1} is a gradient with respect to h_t, so it joins the read-out's "
            "term in δ^h_t, before tanh′: δ^h_t = W_hyᵀ δ^y_t + dh_next, then δ^a_t = (1 − h_t²) ⊙ "
            "δ^h_t."
        )
    ),
    ONE_MINUS_H: N_("tanh′(a) = 1 − tanh(a)², so the factor is 1 − h_t², squared."),
    FIRST_STEP_SKIPPED: (
        N_(
            "Step 1 has a gradient too: the loop must run t = T, …, 1, down to row 0 included: "
            "`range(T, 0, -1)` over t, or `reversed(range(T))` over rows."
        )
    ),
    SWAPPED: N_("Return them in the order asked for, `return dh, dh_raw`: δ^h first, then δ^a."),
    NO_READOUT: (
        N_(
            "δ^h_t has two terms: the read-out's W_hyᵀ δ^y_t (the only one at t = T) and dh_next. The "
            "read-out's term is missing, so nothing enters the recursion."
        )
    ),
    W_HY_T: (
        N_(
            "In row form the read-out's term is (δ^y_t)ᵀ W_hy: the rows dy[t - 1] (B, O) meet W_hy (O, "
            "H) itself. W_hy.T belongs to the column form W_hyᵀ δ^y_t."
        )
    ),
    LAST_STEP_SKIPPED: N_(
        "The recursion starts at the last step, t = T, where δ^h_T = W_hyᵀ δ^y_T (nothing comes back from a step "
        "T + 1): loop over the rows T − 1, …, 0, `reversed(range(T))`, not from T − 2."
    ),
    ACCUMULATED: N_(
        "dh_next is what step t + 1 sends back, W_hhᵀ δ^a_{t+1}, one step's worth: assign it anew at every "
        "step (dh_next = ...), do not add to the old one. The sum over later steps happens by itself, through "
        "the chain of δ^a."
    ),
}
_SIGN = N_(
    "both terms of δ^h_t enter with a plus sign, and so does tanh′: δ^h_t = W_hyᵀ δ^y_t + "
    "W_hhᵀ δ^a_{t+1}, δ^a_t = (1 − h_t²) ⊙ δ^h_t."
)


def _recursion(dy, h, W_hy, W_hh, mistake=None):
    """The recursion in row form, (dh, dh_raw), or what the named ``mistake`` computes instead."""
    T = dy.shape[0]
    states = h[1:]  # h_1 … h_T: row t − 1 is h_t, like dy
    tanh_grad = {
        TANH_OF_H: 1.0 - np.tanh(states) ** 2,
        OFF_BY_ONE: 1.0 - h[:-1] ** 2,
        NO_TANH_PRIME: np.ones_like(states),
        ONE_MINUS_H: 1.0 - states,
    }.get(mistake, 1.0 - states**2)
    readout = dy @ (W_hy.T if mistake == W_HY_T else W_hy)
    dh, dh_raw = np.zeros(states.shape), np.zeros(states.shape)
    dh_next = np.zeros(h.shape[1:])  # (B, H), or (H,) for one sequence
    first = T - 2 if mistake == LAST_STEP_SKIPPED else T - 1
    rows = range(T) if mistake == FORWARDS else range(first, 0 if mistake == FIRST_STEP_SKIPPED else -1, -1)
    for r in rows:  # r = t − 1
        dh[r] = (0.0 if mistake == NO_READOUT else readout[r]) + (
            0.0 if mistake in (DROPPED_DH_NEXT, AFTER_TANH) else dh_next
        )
        dh_raw[r] = tanh_grad[r] * dh[r] + (dh_next if mistake == AFTER_TANH else 0.0)
        sent = dh[r] if mistake == RECURRENT_WITHOUT_TANH else dh_raw[r]
        dh_next = sent @ (W_hh.T if mistake == W_HH_NOT_T else W_hh) + (dh_next if mistake == ACCUMULATED else 0.0)
        if mistake == BATCH_MIXED:
            dh_next = dh_next.sum(axis=0)
    return (dh_raw, dh) if mistake == SWAPPED else (dh, dh_raw)


def hidden_state_grads(dy, h, W_hy, W_hh):
    """Reference solution: δ^h_t and δ^a_t for every step, by the backward recursion in row form.

    dy (T, B, O), h (T + 1, B, H) with h[0] = h_0, W_hy (O, H), W_hh (H, H).  Returns ``(dh, dh_raw)``, each
    (T, B, H).  One sequence works too: dy (T, O), h (T + 1, H) give (T, H).
    """
    return _recursion(dy, h, W_hy, W_hh)


MISTAKES = tuple(ADVICE)


def known_mistakes(dy, h, W_hy, W_hh):
    """Mistake name → ((dh, dh_raw) that mistake produces, advice); W_hy.T only where O = H lets it run."""
    square = W_hy.shape[0] == W_hy.shape[1]
    return {m: (_recursion(dy, h, W_hy, W_hh, m), ADVICE[m]) for m in MISTAKES if m != W_HY_T or square}


def _square_problem():
    """A problem with B = O = H = 3, where W_hy.T and column-form products run instead of raising."""
    rng = np.random.default_rng(405)
    T, n = 5, 3
    W_hy, W_hh = 0.8 * rng.standard_normal((n, n)), 0.8 * rng.standard_normal((n, n))
    return rng.standard_normal((T, n, n)), np.tanh(rng.standard_normal((T + 1, n, n))), W_hy, W_hh


def _shape_feedback(fn, err: Exception) -> Feedback | None:
    """A product numpy refused, explained: the learner's code is run again where the suspected mistake runs."""
    if not (isinstance(err, ValueError) and any(w in str(err) for w in ("matmul", "broadcast", "shapes"))):
        return None
    args = _square_problem()
    value, fb = run_learner(EXERCISE, fn, *map(read_only, args))
    if fb is None and isinstance(value, (tuple, list)) and len(value) == 2:
        arr, problem = as_real_array(value[0])
        if problem is None and matches(arr, _recursion(*args, mistake=W_HY_T)[0]):
            first = tr(
                "dh: W_hy.T meets δ^y_t as in column form, but here each sequence is a row, dy[t - 1] is (B, O)."
            )
            return Feedback(EXERCISE, "wrong", [first, ADVICE[W_HY_T], numpy_said(err)], W_HY_T)
    return Feedback(
        EXERCISE,
        "wrong",
        [
            tr("A product does not fit: a column-form product in a row-form batch?"),
            tr(
                "In row form each sequence is a row: dy[t - 1] is (B, O) and dh_raw[t - 1] is (B, H). A "
                "column-form product such as W_hy.T @ dy[t - 1] or W_hh.T @ dh_raw[t - 1] does not fit; "
                "transpose the whole product: (M v)ᵀ = vᵀ Mᵀ, so M @ v becomes v_rows @ M.T."
            ),
            numpy_said(err),
        ],
        N_("shape error"),
    )


@guarded(EXERCISE)
def check_hidden_state_grads(fn) -> Feedback:
    """Run ``fn(dy, h, W_hy, W_hh)`` on a seeded batch (T=5, B=3, H=4, O=2) and explain what is wrong, if anything."""
    rng = np.random.default_rng(404)
    T, B, H, O = 5, 3, 4, 2  # all different, so a product with the wrong transpose fails or gives a wrong shape
    W_hy = 0.8 * rng.standard_normal((O, H))
    W_hh = 0.8 * rng.standard_normal((H, H))  # far from symmetric, so W_hh and W_hhᵀ give different answers
    h = np.tanh(rng.standard_normal((T + 1, B, H)))  # any states in (−1, 1) will do; h[0] = h_0 non-zero
    dy = rng.standard_normal((T, B, O))

    args = tuple(map(read_only, (dy, h, W_hy, W_hh)))
    value, fb = run_learner(EXERCISE, fn, *args, explain=lambda err: _shape_feedback(fn, err))
    if fb is not None:
        return fb
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        return Feedback(EXERCISE, "wrong", [tr("Return two arrays, `return dh, dh_raw`, each of shape (T, B, H).")])

    expected = hidden_state_grads(dy, h, W_hy, W_hh)
    mistakes = known_mistakes(dy, h, W_hy, W_hh)
    answers = [as_real_array(v)[0] for v in value]
    for m, (pair, advice) in mistakes.items():  # a mistake that explains both values is the one to name
        if all(a is not None and a.shape == e.shape and matches(a, e) for a, e in zip(answers, pair)):
            mistakes = {m: (pair, advice)}
            break
    parts = []
    for i, name in enumerate(("dh", "dh_raw")):
        fb = diagnose(
            EXERCISE,
            value[i],
            expected[i],
            name=name,
            known_mistakes={m: (v[i], advice) for m, (v, advice) in mistakes.items()},
            time_axis=0,
            sign_advice=_SIGN,
            float64=True,
        )
        if fb.mistake is not None and fb.mistake != "sign flipped":  # say which steps the mistake spoils
            rows = [r for r in range(T) if not matches(answers[i][r], expected[i][r])]
            if rows:
                fb.messages.append(steps_message(rows, T, name=name))
        parts.append((name, fb))
    fb = combine(EXERCISE, parts)
    return confirmed(fb, EXERCISE, fn, (dy, h, W_hy, W_hh), value)
