"""Checkers for notebooks 13 and 14: the backward recursion through an LSTM's and a GRU's gates, for a batch.

LSTM (notebook 13).  The learner writes ``lstm_gate_grads(dh_out, c, gates, W_hh)`` in row form:

    dh_out (T, B, H)   row t − 1 holds W_hyᵀ δ^y_t, the path from ŷ_t into h_t (dy @ W_hy)
    c (T + 1, B, H)    c[0] = c_0, c[t] = c_t
    gates (T, B, 4H)   row t − 1 holds i_t, f_t, g_t, o_t side by side
    W_hh (4H, H)

and returns ``dh_raw`` (T, B, 4H), row t − 1 holding δ^a_t = ∂L/∂a_t:

    δ^h_t = W_hyᵀ δ^y_t + W_hhᵀ δ^a_{t+1}          δ^c_t = δ^h_t ⊙ o_t ⊙ (1 − tanh² c_t) + f_{t+1} ⊙ δ^c_{t+1}
    δ^a_t = [δ^c_t ⊙ g_t ⊙ i_t(1 − i_t),  δ^c_t ⊙ c_{t−1} ⊙ f_t(1 − f_t),  δ^c_t ⊙ i_t ⊙ (1 − g_t²),
             δ^h_t ⊙ tanh(c_t) ⊙ o_t(1 − o_t)]

GRU (notebook 14).  ``gru_gate_grads(dh_out, h, gates, hn, W_hh)`` with h (T + 1, B, H), gates (T, B, 3H)
(r_t, z_t, n_t), hn (T, B, H) = W_hn h_{t−1} + b_hn, W_hh (3H, H), returns ``(dh_raw_x, dh_raw_h)``, each
(T, B, 3H): ∂L/∂(W_ih x_t + b_ih) and ∂L/∂(W_hh h_{t−1} + b_hh), with
δ^h_t = W_hyᵀ δ^y_t + W_hhᵀ dh_raw_h_{t+1} + z_{t+1} ⊙ δ^h_{t+1}.

The reference solutions loop over ``rnn_lib.lstm.gates_backward`` / ``rnn_lib.gru.gates_backward``.  Each known
mistake within a step is that function with one thing changed (``course.gated_bugs.LSTM_MISTAKES``,
``GRU_MISTAKES``: the gallery's planted pieces), so the checker recognises exactly what the gallery shows; mistakes
in the loop are switches of the loop.  Feedback names the
mistake, the gate blocks it spoils and the steps, counting t from 1.
"""

from __future__ import annotations

import numpy as np

from rnn_lib import gru, lstm

from .. import gated_bugs
from ..i18n import N_, tr
from ._feedback import (
    Feedback,
    as_real_array,
    combine,
    diagnose,
    guarded,
    matches,
    numpy_said,
    one_array,
    run_learner,
    shape_error_advice,
    steps_message,
)

LSTM_EXERCISE = "lstm_gate_grads"
GRU_EXERCISE = "gru_gate_grads"


# ---------------------------------------------------------------------------
# Reference solutions, with the switches that reproduce the mistakes made in the loop.
# ---------------------------------------------------------------------------


def lstm_gate_grads(
    dh_out, c, gates, W_hh, *, gates_backward=lstm.gates_backward, carry_dh=True, backwards=True, c_shift=0
):
    """δ^a_t of every step by the LSTM's backward recursion (row form); returns dh_raw (T, B, 4H).

    Defaults give the right answer.  gates_backward: the element-wise backward (a planted one of
    ``course.gated_bugs`` reproduces a mistake within a step); carry_dh=False drops W_hhᵀ δ^a_{t+1};
    backwards=False runs forwards in time; c_shift=1 passes c_t where c_{t−1} belongs.
    """
    T = dh_out.shape[0]
    dh_raw = np.zeros(gates.shape)
    dh_next = np.zeros(dh_out.shape[1:])  # W_hhᵀ δ^a_{t+1}: nothing after the last step
    dc_next = np.zeros(dh_out.shape[1:])  # f_{t+1} ⊙ δ^c_{t+1}
    for t in reversed(range(T)) if backwards else range(T):
        dh = dh_out[t] + (dh_next if carry_dh else 0.0)
        dh_raw[t], dc_next = gates_backward(dh, dc_next, c[t + c_shift], gates[t], np.tanh(c[t + 1]))
        dh_next = dh_raw[t] @ W_hh
    return dh_raw


def gru_gate_grads(
    dh_out, h, gates, hn, W_hh, *, gates_backward=gru.gates_backward, carry_dh=True, backwards=True, h_shift=0
):
    """(dh_raw_x, dh_raw_h) of every step by the GRU's backward recursion (row form), each (T, B, 3H).

    Defaults give the right answer.  gates_backward: as for :func:`lstm_gate_grads`; carry_dh=False drops what
    reaches h_t from step t + 1 altogether; backwards=False runs forwards in time; h_shift=1 passes h_t where
    h_{t−1} belongs.
    """
    T = dh_out.shape[0]
    dh_raw_x, dh_raw_h = np.zeros(gates.shape), np.zeros(gates.shape)
    dh_next = np.zeros(dh_out.shape[1:])
    for t in reversed(range(T)) if backwards else range(T):
        dh = dh_out[t] + (dh_next if carry_dh else 0.0)
        dh_raw_x[t], dh_raw_h[t], dh_leak = gates_backward(dh, h[t + h_shift], gates[t], hn[t])
        dh_next = dh_raw_h[t] @ W_hh + dh_leak
    return dh_raw_x, dh_raw_h


# ---------------------------------------------------------------------------
# Known mistakes: name → (how to reproduce it, advice).
# ---------------------------------------------------------------------------

# Mistakes within a step: the gallery's planted element-wise backwards (course.gated_bugs), with advice.
LSTM_ADVICE = {
    N_("σ′ missing on the forget gate"): N_(
        "f_t = σ(a^f_t), so δ^a for the f block is δ^f ⊙ f_t ⊙ (1 − f_t): multiply by σ′ = f(1 − f)."
    ),
    N_("σ′ missing on the input gate"): N_("i_t = σ(a^i_t): the i block needs σ′ = i(1 − i) after δ^i = δ^c ⊙ g."),
    N_("σ′ missing on the output gate"): N_(
        "o_t = σ(a^o_t): the o block needs σ′ = o(1 − o) after δ^o = δ^h ⊙ tanh(c_t)."
    ),
    N_("tanh′ missing on g"): N_("g_t = tanh(a^g_t): the g block needs tanh′ = 1 − g² after δ^g = δ^c ⊙ i."),
    N_("dc not accumulated (the path from c_{t+1} is lost)"): N_(
        "c_t reaches the loss through h_t AND through c_{t+1}: δ^c_t = δ^h ⊙ o ⊙ (1 − tanh² c_t) + "
        "dc_next. Add what step t + 1 sent back instead of overwriting it."
    ),
    N_("the path from h_t into c_t is missing"): N_(
        "h_t = o_t ⊙ tanh(c_t) reads c_t too: add δ^h_t ⊙ o_t ⊙ (1 − tanh² c_t) to dc_next."
    ),
    N_("tanh′ of the cell state missing"): N_(
        "h_t = o_t ⊙ tanh(c_t): the path from h_t into c_t goes through tanh, so it needs 1 − tanh²(c_t)."
    ),
    N_("dc carried back without f (∂c_t/∂c_{t−1} taken as the identity)"): N_(
        "c_t = f_t ⊙ c_{t−1} + …, so what reaches c_{t−1} is f_t ⊙ δ^c_t, not δ^c_t itself."
    ),
    N_("gate blocks in the wrong order (i, f, o, g)"): N_(
        "Stack the blocks in the forward's order, i, f, g, o (PyTorch's), or W_hhᵀ δ^a mixes the gates up."
    ),
}

GRU_ADVICE = {
    N_("z and 1 − z swapped"): N_(
        "h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{t−1}: n_t is weighted by 1 − z_t, so δ^n = (1 − z) ⊙ δ^h."
    ),
    N_("the h_{t−1} term of ∂h_t/∂z_t is dropped"): N_(
        "z_t multiplies h_{t−1} as well as n_t: ∂h_t/∂z_t = h_{t−1} − n_t, so δ^z = δ^h ⊙ (h_{t−1} − n_t)."
    ),
    N_("r placed on h_{t−1} in ∂L/∂r"): N_(
        "Here r_t multiplies W_hn h_{t−1} + b_hn (hn), after the product, not h_{t−1} (that is Cho "
        "et al.'s placement): δ^r = δ^{a,n} ⊙ hn."
    ),
    N_("r missing on the recurrent n block"): N_(
        "hn = W_hn h_{t−1} + b_hn enters n's pre-activation as r_t ⊙ hn: its gradient is r ⊙ "
        "δ^{a,n}, while the input side's n block gets δ^{a,n} itself."
    ),
    N_("σ′ missing on z"): N_("z_t = σ(…): the z block needs σ′ = z(1 − z) after δ^z."),
    N_("σ′ missing on r"): N_("r_t = σ(…): the r block needs σ′ = r(1 − r) after δ^r = δ^{a,n} ⊙ hn."),
    N_("tanh′ missing on n"): N_("n_t = tanh(…): multiply δ^n by tanh′ = 1 − n² before it reaches the pre-activation."),
    N_("the leak z ⊙ δ^h_t not carried back"): N_(
        "h_t = … + z_t ⊙ h_{t−1} reads h_{t−1} directly: what reaches h_{t−1} is W_hhᵀ dh_raw_h + z_t ⊙ δ^h_t."
    ),
}


# Mistakes in the loop: the reference solution's switches that reproduce them, and advice.
LSTM_LOOP = {
    N_("dh not carried back (W_hhᵀ δ^a_{t+1} dropped)"): (
        {"carry_dh": False},
        N_(
            "δ^h_t has two terms: W_hyᵀ δ^y_t from ŷ_t and W_hhᵀ δ^a_{t+1} from step t + 1 (dh_next, "
            "zero only after the last step)."
        ),
    ),
    N_("c_t where c_{t−1} belongs (in the f block)"): (
        {"c_shift": 1},
        N_("f_t multiplies c_{t−1}, the state the step received: use c[t − 1] for step t (c[0] = c_0), not c[t]."),
    ),
    N_("ran forwards in time"): (
        {"backwards": False},
        N_("δ^h_t and δ^c_t need what step t + 1 sends back: loop over reversed(range(T))."),
    ),
}

GRU_LOOP = {
    N_("dh not carried back at all"): (
        {"carry_dh": False},
        N_("δ^h_t has two terms: W_hyᵀ δ^y_t from ŷ_t and what step t + 1 sends back (zero only after the last step)."),
    ),
    N_("h_t where h_{t−1} belongs"): (
        {"h_shift": 1},
        N_("∂h_t/∂z_t = h_{t−1} − n_t uses the state the step received: h[t − 1] for step t (h[0] = h_0)."),
    ),
    N_("ran forwards in time"): (
        {"backwards": False},
        N_("δ^h_t needs what step t + 1 sends back: loop over reversed(range(T))."),
    ),
}


def _mistakes(solution, planted, advice, loop, args):
    """Mistake name → (what ``solution(*args)`` gives with that mistake, advice): planted pieces, then loop switches."""
    within = {name: (solution(*args, gates_backward=planted[name]), advice[name]) for name in advice}
    return within | {name: (solution(*args, **switches), text) for name, (switches, text) in loop.items()}


def lstm_mistakes(dh_out, c, gates, W_hh):
    """Mistake name → (dh_raw that mistake produces, advice)."""
    return _mistakes(lstm_gate_grads, gated_bugs.LSTM_MISTAKES, LSTM_ADVICE, LSTM_LOOP, (dh_out, c, gates, W_hh))


def gru_mistakes(dh_out, h, gates, hn, W_hh):
    """Mistake name → ((dh_raw_x, dh_raw_h) that mistake produces, advice)."""
    return _mistakes(gru_gate_grads, gated_bugs.GRU_MISTAKES, GRU_ADVICE, GRU_LOOP, (dh_out, h, gates, hn, W_hh))


# ---------------------------------------------------------------------------
# The checkers.
# ---------------------------------------------------------------------------


def wrong_blocks(answer, expected, gate_names) -> list:
    """The gate blocks (names) in which ``answer`` (…, G·H) differs from ``expected``."""
    G = len(gate_names)
    pairs = zip(gate_names, np.split(answer, G, axis=-1), np.split(expected, G, axis=-1))
    return [name for name, a, e in pairs if not matches(a, e)]


def last_step_advice(answer, expected, gate_names) -> str:
    """What the last step says: it is computed first, with nothing coming back to it, so only a mistake within a step shows there."""
    T = expected.shape[0]
    bad = wrong_blocks(answer[T - 1], expected[T - 1], gate_names)
    if not bad:
        wrong = [t for t in range(T) if not matches(answer[t], expected[t])]
        if wrong != list(range(len(wrong))):  # not "every step before some t": no pattern to read
            return ""
        return tr(
            "The last step, t = {t}, is right (nothing comes back to it from later) and every step "
            "before t = {first_right} is wrong: the mistake is in what flows back between steps."
        ).format(t=T, first_right=len(wrong) + 1)
    where = (
        tr("every gate block")
        if len(bad) == len(gate_names)
        else tr("the gate block(s) {blocks} only").format(blocks=", ".join(bad))
    )
    return tr(
        "At the last step, t = {t}, where nothing comes back from later, {where} are wrong: look there first."
    ).format(t=T, where=where)


def _explain(exercise, name, answer, expected, mistakes, gate_names) -> Feedback:
    """diagnose(), plus which steps (counted from 1) are wrong and what the last step shows."""
    fb = diagnose(exercise, answer, expected, name=name, known_mistakes=mistakes, time_axis=0)
    arr, problem = as_real_array(answer)
    if fb.status == "wrong" and problem is None and arr.shape == expected.shape:
        if fb.mistake is not None:  # diagnose named the mistake; say also which steps it spoils
            rows = [t for t in range(expected.shape[0]) if not matches(arr[t], expected[t])]
            if rows:
                fb.messages.append(steps_message(rows, expected.shape[0], name=name))
        fb.messages.append(last_step_advice(arr, expected, gate_names))
        fb.messages = [m for m in fb.messages if m]
    return fb


def _run(exercise, fn, args):
    """``run_learner`` on copies of ``args``; a product numpy refused becomes a Feedback explaining row form."""

    def row_form(err):
        first = tr("A product with W_hh does not fit: the column form of one sequence, in a row-form batch?")
        advice = tr(
            "In row form δ^a_t is (B, G·H) and W_hh is (G·H, H): what reaches h_{t−1} is dh_raw[t] @ "
            "W_hh, (B, H). W_hh.T @ … is the column form of one sequence."
        )
        return Feedback(exercise, "wrong", [first, advice, numpy_said(err)])

    return run_learner(exercise, fn, *(a.copy() for a in args), explain=lambda err: shape_error_advice(err, row_form))


def _problem(cell, seed):
    """A seeded batch (T = 5, B = 3, D = 3, H = 4, O = 2) run through the library's forward; returns (cache, dh_out, W_hh)."""
    module = gated_bugs.MODULES[cell]
    params, x, y, states = gated_bugs.random_problem(cell, seed=seed, T=5, D=3, H=4, O=2, B=3)
    y_hat, cache = module.forward(params, x, **states)
    return cache, (y_hat - y) @ params["W_hy"], params["W_hh"]


@guarded(LSTM_EXERCISE)
def check_lstm_gate_grads(fn) -> Feedback:
    """Run ``fn(dh_out, c, gates, W_hh)`` on a seeded batch (T=5, B=3, H=4) and explain what is wrong, if anything."""
    cache, dh_out, W_hh = _problem("LSTM", 1313)  # non-zero h_0 and c_0: the t = 1 terms count too
    args = (dh_out, cache.c, cache.gates, W_hh)
    value, fb = _run(LSTM_EXERCISE, fn, args)
    if fb is not None:
        return fb
    expected = lstm_gate_grads(*args)
    value = one_array(value, expected.shape)
    if value is None:
        return Feedback(LSTM_EXERCISE, "wrong", [tr("Return one array, `return dh_raw`, of shape (T, B, 4H).")])
    return _explain(LSTM_EXERCISE, "dh_raw", value, expected, lstm_mistakes(*args), ("i", "f", "g", "o"))


@guarded(GRU_EXERCISE)
def check_gru_gate_grads(fn) -> Feedback:
    """Run ``fn(dh_out, h, gates, hn, W_hh)`` on a seeded batch (T=5, B=3, H=4) and explain what is wrong, if anything."""
    cache, dh_out, W_hh = _problem("GRU", 1414)
    args = (dh_out, cache.h, cache.gates, cache.hn, W_hh)
    value, fb = _run(GRU_EXERCISE, fn, args)
    if fb is not None:
        return fb
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        return Feedback(
            GRU_EXERCISE, "wrong", [tr("Return two arrays, `return dh_raw_x, dh_raw_h`, each of shape (T, B, 3H).")]
        )
    expected = gru_gate_grads(*args)
    mistakes = gru_mistakes(*args)
    parts = []
    for k, name in enumerate(("dh_raw_x", "dh_raw_h")):
        per_value = {m: (v[k], advice) for m, (v, advice) in mistakes.items()}
        parts.append((name, _explain(GRU_EXERCISE, name, value[k], expected[k], per_value, ("r", "z", "n"))))
    return combine(GRU_EXERCISE, parts)
