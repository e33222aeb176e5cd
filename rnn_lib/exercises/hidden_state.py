"""Checker for notebook 04: the backward recursion for δ^h_t and δ^a_t.

The learner writes ``hidden_state_grads(dy, h, W_hy, W_hh)`` for one sequence:

    δ^h_T = W_hyᵀ δ^y_T
    δ^h_t = W_hyᵀ δ^y_t + W_hhᵀ δ^a_{t+1}      for t = T−1, ..., 1
    δ^a_t = (1 − h_t²) ⊙ δ^h_t

Shapes: dy (T, O) holds δ^y_t in row t−1; h (T + 1, H) holds h_0 in row 0 and
h_t in row t; W_hy (O, H); W_hh (H, H).  The function returns ``(dh, dh_raw)``,
each (T, H), row t−1 holding δ^h_t and δ^a_t.

:func:`check_hidden_state_grads` runs it on seeded data with a non-symmetric
W_hh and recognises the classic mistakes of this step by name.
"""

from __future__ import annotations

import numpy as np

from ._feedback import Feedback, combine, diagnose, matches, run_learner

EXERCISE = "hidden_state_grads"


def _recursion(dy, h, W_hy, W_hh, *, dh_next_on=True, tanh_grad=None, recurrent=None, backwards=True):
    """The recursion with switches that reproduce each known mistake (all defaults: the right answer).

    tanh_grad: (T, H) factor used for tanh′ at each step (default 1 − h_t²).
    recurrent: the matrix M in dh_next = M δ^a (default W_hhᵀ).
    backwards: False runs the loop forwards in time, carrying dh_next from t−1 to t.
    """
    T, H = dy.shape[0], W_hh.shape[0]
    tanh_grad = 1.0 - h[1:] ** 2 if tanh_grad is None else tanh_grad
    recurrent = W_hh.T if recurrent is None else recurrent
    dh = np.zeros((T, H))
    dh_raw = np.zeros((T, H))
    dh_next = np.zeros(H)
    for t in reversed(range(T)) if backwards else range(T):
        dh[t] = W_hy.T @ dy[t] + (dh_next if dh_next_on else 0.0)
        dh_raw[t] = tanh_grad[t] * dh[t]
        dh_next = recurrent @ dh_raw[t]
    return dh, dh_raw


def hidden_state_grads(dy, h, W_hy, W_hh):
    """Reference solution: δ^h_t and δ^a_t for every step, by the backward recursion.

    dy (T, O), h (T + 1, H) with h[0] = h_0, W_hy (O, H), W_hh (H, H).
    Returns ``(dh, dh_raw)``, each (T, H).
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
            (
                "δ^a_t = (1 − h_t²) ⊙ δ^h_t uses the state this step produced: row t of h[1:], "
                "i.e. h[t + 1] for dy[t] (h[0] is h_0)."
            ),
        ),
        "ran forwards in time": (
            _recursion(dy, h, W_hy, W_hh, backwards=False),
            (
                "δ^h_t needs δ^a_{t+1}, which is known only after step t+1 is done: loop over "
                "reversed(range(T)), starting from dh_next = 0 at the last step."
            ),
        ),
        "W_hh instead of W_hhᵀ": (
            _recursion(dy, h, W_hy, W_hh, recurrent=W_hh),
            (
                "a_{t+1} = W_hh h_t + ..., so ∂a_{t+1}/∂h_t = W_hh and the gradient flows back through "
                "its transpose: dh_next = W_hh.T @ dh_raw[t + 1]."
            ),
        ),
    }


def wrong_rows(answer, expected) -> str:
    """Which rows of ``answer`` (T, H) differ from ``expected``, in code rows and in the notebook's 1-based steps."""
    rows = [t for t in range(expected.shape[0]) if not matches(answer[t], expected[t])]
    if not rows:
        return "Every row is right."
    if len(rows) == expected.shape[0]:
        return f"Wrong in every row, i.e. at every step t = 1..{len(rows)}."
    where = ", ".join(map(str, rows))
    steps = ", ".join(str(t + 1) for t in rows)
    return f"Wrong in row(s) {where} (0-based), i.e. step(s) t = {steps}; the other rows are right."


def check_hidden_state_grads(fn) -> Feedback:
    """Run ``fn(dy, h, W_hy, W_hh)`` on seeded data (T=5, H=4, O=2) and explain what is wrong, if anything."""
    rng = np.random.default_rng(404)
    T, H, O = 5, 4, 2
    W_hy = 0.8 * rng.standard_normal((O, H))
    W_hh = 0.8 * rng.standard_normal((H, H))  # far from symmetric, so W_hh and W_hhᵀ give different answers
    h = np.tanh(rng.standard_normal((T + 1, H)))  # any states in (−1, 1) will do; h[0] = h_0 non-zero
    dy = rng.standard_normal((T, O))

    args = (dy.copy(), h.copy(), W_hy.copy(), W_hh.copy())
    value, fb = run_learner(EXERCISE, fn, *args)
    if fb is not None:
        return fb
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        return Feedback(EXERCISE, "wrong", ["Return two arrays, `return dh, dh_raw`, each of shape (T, H)."])

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
            fb.messages.append(wrong_rows(np.asarray(value[i], dtype=np.float64), expected[i]))
        parts.append((name, fb))
    return combine(EXERCISE, parts)
