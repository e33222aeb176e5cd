"""Checker for notebook 04: the backward recursion for δ^h_t and δ^a_t, for a batch, in row form.

The learner writes ``hidden_state_grads(dy, h, W_hy, W_hh)`` for a batch of B sequences, stored time-major with one
sequence per row (row form): ``dy[t]`` is (B, O), its row b is (δ^y_{t+1})ᵀ of sequence b, and so on.  Transposing
the column-form recursion of the notebook row by row gives

    δ^h_T = W_hyᵀ δ^y_T                          row form:  dh[T−1] = dy[T−1] @ W_hy
    δ^h_t = W_hyᵀ δ^y_t + W_hhᵀ δ^a_{t+1}        row form:  dh[t] = dy[t] @ W_hy + dh_raw[t+1] @ W_hh
    δ^a_t = (1 − h_t²) ⊙ δ^h_t                   row form:  dh_raw[t] = (1 − h[t+1]²) * dh[t]

Shapes: dy (T, B, O); h (T + 1, B, H) with h[0] = h_0 and h[t] = h_t; W_hy (O, H); W_hh (H, H).  The function
returns ``(dh, dh_raw)``, each (T, B, H), row t−1 holding δ^h_t and δ^a_t.  The reference solution also accepts one
sequence, dy (T, O) and h (T + 1, H): the row-form products work for a single row too.

:func:`check_hidden_state_grads` runs it on seeded data whose sizes all differ (B ≠ H ≠ O), with a non-symmetric
W_hh, and recognises the classic mistakes of this step by name.
"""

from __future__ import annotations

import numpy as np

from ._feedback import Feedback, as_real_array, combine, diagnose, matches, run_learner, shape_error_advice

EXERCISE = "hidden_state_grads"


def _recursion(dy, h, W_hy, W_hh, *, dh_next_on=True, tanh_grad=None, recurrent=None, backwards=True, mix=False):
    """The recursion in row form, with switches that reproduce each known mistake (all defaults: the right answer).

    tanh_grad: factor used for tanh′ at each step, shaped like h[1:] (default 1 − h_t²).
    recurrent: the matrix M in the row form dh_next = dh_raw[t] @ M (default W_hh, i.e. W_hhᵀ δ^a per column).
    backwards: False runs the loop forwards in time, carrying dh_next from t−1 to t.
    mix: True sums dh_next over the batch, so every sequence receives the others' gradient.
    """
    T = dy.shape[0]
    tanh_grad = 1.0 - h[1:] ** 2 if tanh_grad is None else tanh_grad
    recurrent = W_hh if recurrent is None else recurrent
    dh = np.zeros(h[1:].shape)
    dh_raw = np.zeros(h[1:].shape)
    dh_next = np.zeros(h.shape[1:])  # (B, H), or (H,) for one sequence
    for t in reversed(range(T)) if backwards else range(T):
        dh[t] = dy[t] @ W_hy + (dh_next if dh_next_on else 0.0)
        dh_raw[t] = tanh_grad[t] * dh[t]
        dh_next = dh_raw[t] @ recurrent
        if mix:
            dh_next = dh_next.sum(axis=0)
    return dh, dh_raw


def hidden_state_grads(dy, h, W_hy, W_hh):
    """Reference solution: δ^h_t and δ^a_t for every step, by the backward recursion in row form.

    dy (T, B, O), h (T + 1, B, H) with h[0] = h_0, W_hy (O, H), W_hh (H, H).  Returns ``(dh, dh_raw)``, each
    (T, B, H).  One sequence works too: dy (T, O), h (T + 1, H) give (T, H).
    """
    return _recursion(dy, h, W_hy, W_hh)


def known_mistakes(dy, h, W_hy, W_hh):
    """Mistake name → ((dh, dh_raw) that mistake produces, advice)."""
    return {
        "dropped dh_next (only the path through ŷ_t)": (
            _recursion(dy, h, W_hy, W_hh, dh_next_on=False),
            (
                "δ^h_t has two terms: W_hyᵀ δ^y_t from ŷ_t AND W_hhᵀ δ^a_{t+1} from h_{t+1}. "
                "Add dh_next (zero only at the last step)."
            ),
        ),
        "tanh′ written as 1 − tanh(h_t)²": (
            _recursion(dy, h, W_hy, W_hh, tanh_grad=1.0 - np.tanh(h[1:]) ** 2),
            (
                "tanh′(a_t) = 1 − tanh(a_t)² and tanh(a_t) = h_t, so the factor is 1 − h_t²: "
                "h already went through tanh once."
            ),
        ),
        "off-by-one state in tanh′ (1 − h_{t−1}²)": (
            _recursion(dy, h, W_hy, W_hh, tanh_grad=1.0 - h[:-1] ** 2),
            ("δ^a_t = (1 − h_t²) ⊙ δ^h_t uses the state this step produced: h[t + 1] for dy[t] (h[0] is h_0)."),
        ),
        "ran forwards in time": (
            _recursion(dy, h, W_hy, W_hh, backwards=False),
            (
                "δ^h_t needs δ^a_{t+1}, which is known only after step t+1 is done: loop over "
                "reversed(range(T)), starting from dh_next = 0 at the last step."
            ),
        ),
        "W_hh instead of W_hhᵀ": (
            _recursion(dy, h, W_hy, W_hh, recurrent=W_hh.T),
            (
                "In column form dh_next = W_hhᵀ δ^a_{t+1}. A row holds its transpose, (δ^a_{t+1})ᵀ W_hh, so in "
                "row form it is dh_raw[t] @ W_hh; dh_raw[t] @ W_hh.T is the row form of W_hh δ^a."
            ),
        ),
        "dh_next summed over the batch": (
            _recursion(dy, h, W_hy, W_hh, mix=True),
            (
                "The sequences of a batch are independent: sequence b's state receives only sequence b's "
                "gradient. Keep dh_next of shape (B, H), one row per sequence; do not sum over axis 0."
            ),
        ),
    }


def wrong_rows(answer, expected) -> str:
    """Which time rows of ``answer`` (T, ...) differ from ``expected``, 0-based and as the notebook's 1-based steps."""
    rows = [t for t in range(expected.shape[0]) if not matches(answer[t], expected[t])]
    if not rows:
        return "Every row is right."
    if len(rows) == expected.shape[0]:
        return f"Wrong in every row, i.e. at every step t = 1..{len(rows)}."
    where = ", ".join(map(str, rows))
    steps = ", ".join(str(t + 1) for t in rows)
    return f"Wrong in row(s) {where} (0-based), i.e. step(s) t = {steps}; the other rows are right."


def _shape_advice(err: Exception) -> Feedback:
    """A product numpy refused: in row form a column-form product like ``W_hy.T @ dy[t]`` has mismatched shapes."""
    return Feedback(
        EXERCISE,
        "wrong",
        [
            f"numpy refused a product: {err}",
            "In row form each sequence is a row: dy[t] is (B, O) and dh_raw[t] is (B, H). A column-form product "
            "such as W_hy.T @ dy[t] or W_hh.T @ dh_raw[t] does not fit; transpose the whole product: "
            "(M v)ᵀ = vᵀ Mᵀ, so M @ v becomes v_rows @ M.T.",
        ],
    )


def check_hidden_state_grads(fn) -> Feedback:
    """Run ``fn(dy, h, W_hy, W_hh)`` on a seeded batch (T=5, B=3, H=4, O=2) and explain what is wrong, if anything."""
    rng = np.random.default_rng(404)
    T, B, H, O = 5, 3, 4, 2  # all different, so a product with the wrong transpose fails or gives a wrong shape
    W_hy = 0.8 * rng.standard_normal((O, H))
    W_hh = 0.8 * rng.standard_normal((H, H))  # far from symmetric, so W_hh and W_hhᵀ give different answers
    h = np.tanh(rng.standard_normal((T + 1, B, H)))  # any states in (−1, 1) will do; h[0] = h_0 non-zero
    dy = rng.standard_normal((T, B, O))

    args = (dy.copy(), h.copy(), W_hy.copy(), W_hh.copy())
    value, fb = run_learner(EXERCISE, fn, *args, explain=lambda err: shape_error_advice(err, _shape_advice))
    if fb is not None:
        return fb
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        return Feedback(EXERCISE, "wrong", ["Return two arrays, `return dh, dh_raw`, each of shape (T, B, H)."])

    expected = hidden_state_grads(dy, h, W_hy, W_hh)
    mistakes = known_mistakes(dy, h, W_hy, W_hh)
    parts = []
    for i, name in enumerate(("dh", "dh_raw")):
        fb = diagnose(
            EXERCISE,
            value[i],
            expected[i],
            name=name,
            known_mistakes={m: (v[i], advice) for m, (v, advice) in mistakes.items()},
            time_axis=0,
        )
        if fb.mistake is not None:  # say which steps the mistake spoils, in rows and in steps
            fb.messages.append(wrong_rows(as_real_array(value[i])[0], expected[i]))
        parts.append((name, fb))
    return combine(EXERCISE, parts)
