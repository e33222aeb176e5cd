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

from functools import partial

import numpy as np

from rnn_lib import gru, lstm

from .. import gated_bugs
from ..i18n import N_, tr
from ._feedback import (
    Feedback,
    as_real_array,
    combine,
    confirmed,
    diagnose,
    guarded,
    matches,
    numpy_said,
    one_array,
    read_only,
    run_learner,
    shape_error_advice,
    steps_message,
)

LSTM_EXERCISE = "lstm_gate_grads"
GRU_EXERCISE = "gru_gate_grads"
GRU_SWAPPED = N_("returned (dh_raw_h, dh_raw_x)")


# ---------------------------------------------------------------------------
# Reference solutions, with the switches that reproduce the mistakes made in the loop.
# ---------------------------------------------------------------------------


def lstm_gate_grads(
    dh_out, c, gates, W_hh, *, gates_backward=lstm.gates_backward, carry_dh=True, backwards=True, c_shift=0,
    tanh_c_shift=0, last_step=True, forget_of_step_t=False,
):  # fmt: skip
    """δ^a_t of every step by the LSTM's backward recursion (row form); returns dh_raw (T, B, 4H).

    Defaults give the right answer.  gates_backward: the element-wise backward (a planted one of
    ``course.gated_bugs`` reproduces a mistake within a step); carry_dh=False drops W_hhᵀ δ^a_{t+1};
    backwards=False runs forwards in time; c_shift=1 passes c_t where c_{t−1} belongs; tanh_c_shift=−1 passes
    tanh(c_{t−1}) where tanh(c_t) belongs; last_step=False leaves step T out of the loop; forget_of_step_t=True
    carries δ^c_{t+1} back into δ^c_t through f_t, the step's own forget gate, instead of f_{t+1}.
    """
    T = dh_out.shape[0]
    dh_raw = np.zeros(gates.shape)
    dh_next = np.zeros(dh_out.shape[1:])  # W_hhᵀ δ^a_{t+1}: nothing after the last step
    dc_next = np.zeros(dh_out.shape[1:])  # f_{t+1} ⊙ δ^c_{t+1}
    steps = range(T if last_step else T - 1)
    for t in reversed(steps) if backwards else steps:
        dh = dh_out[t] + (dh_next if carry_dh else 0.0)
        tanh_c = np.tanh(c[t + 1 + tanh_c_shift])
        if forget_of_step_t and t + 1 < T:  # dc_next is f_{t+1} ⊙ δ^c_{t+1}: trade f_{t+1} for f_t
            H = dh_out.shape[-1]
            dc_next = gates[t][..., H : 2 * H] * dc_next / gates[t + 1][..., H : 2 * H]
        dh_raw[t], dc_next = gates_backward(dh, dc_next, c[t + c_shift], gates[t], tanh_c)
        dh_next = dh_raw[t] @ W_hh
    return dh_raw


def gru_gate_grads(
    dh_out, h, gates, hn, W_hh, *, gates_backward=gru.gates_backward, carry_dh=True, backwards=True, h_shift=0,
    last_step=True, leak_of_step_t=False,
):  # fmt: skip
    """(dh_raw_x, dh_raw_h) of every step by the GRU's backward recursion (row form), each (T, B, 3H).

    Defaults give the right answer.  gates_backward: as for :func:`lstm_gate_grads`; carry_dh=False drops what
    reaches h_t from step t + 1 altogether; backwards=False runs forwards in time; h_shift=1 passes h_t where
    h_{t−1} belongs; last_step=False leaves step T out of the loop; leak_of_step_t=True carries δ^h_{t+1} back into
    δ^h_t through z_t, the step's own update gate, instead of z_{t+1}.
    """
    T = dh_out.shape[0]
    dh_raw_x, dh_raw_h = np.zeros(gates.shape), np.zeros(gates.shape)
    dh_next = np.zeros(dh_out.shape[1:])
    steps = range(T if last_step else T - 1)
    for t in reversed(steps) if backwards else steps:
        dh = dh_out[t] + (dh_next if carry_dh else 0.0)
        dh_raw_x[t], dh_raw_h[t], dh_leak = gates_backward(dh, h[t + h_shift], gates[t], hn[t])
        if leak_of_step_t and t > 0:  # dh_leak is z_t ⊙ δ^h_t: trade z_t for z_{t−1}, the gate step t − 1 reads
            H = dh_out.shape[-1]
            dh_leak = gates[t - 1][..., H : 2 * H] * dh_leak / gates[t][..., H : 2 * H]
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


# Further mistakes within a step that the checkers name (not in the gallery): element-wise backwards written here,
# each the library's with one derivative written wrongly, as a learner writes it.


def _lstm_step(dh, dc_next, c_prev, gates, tanh_c, *, dtanh_c=None, dtanh_g=None, dsigma=None):
    """The LSTM's element-wise backward with tanh′ of c, tanh′ of g or σ′ given as functions (None: the right one)."""
    i, f, g, o = lstm.gate_blocks(gates)
    dsigma = dsigma or (lambda s: s * (1.0 - s))
    dc = dc_next + dh * o * (dtanh_c(tanh_c) if dtanh_c else 1.0 - tanh_c**2)
    dh_raw = np.concatenate(
        [dc * g * dsigma(i), dc * c_prev * dsigma(f), dc * i * (dtanh_g(g) if dtanh_g else 1.0 - g**2),
         dh * tanh_c * dsigma(o)],
        axis=-1,
    )  # fmt: skip
    return dh_raw, f * dc


def _gru_step(dh, h_prev, gates, hn, *, dtanh_n=None, z_sign=1.0, r_on_x=False, leak_one_minus_z=False):
    """The GRU's element-wise backward with one thing written wrongly (the defaults give the right one)."""
    r, z, n = gru.gate_blocks(gates)
    dn = dh * (1.0 - z) * (dtanh_n(n) if dtanh_n else 1.0 - n**2)
    dr = dn * hn * r * (1.0 - r)
    dz = z_sign * dh * (h_prev - n) * z * (1.0 - z)
    dh_raw_x = np.concatenate([dr, dz, dn * r if r_on_x else dn], axis=-1)
    dh_raw_h = np.concatenate([dr, dz, dn * r], axis=-1)
    return dh_raw_x, dh_raw_h, dh * ((1.0 - z) if leak_one_minus_z else z)


LSTM_MORE = {  # name → (element-wise backward, advice)
    N_("tanh′ of the cell state written as 1 − tanh c_t"): (
        partial(_lstm_step, dtanh_c=lambda tc: 1.0 - tc),
        N_("tanh′(c_t) = 1 − tanh²(c_t): square it, (1 - tanh_c**2)."),
    ),
    N_("tanh′ of the cell state taken as 1 − c_t²"): (
        partial(_lstm_step, dtanh_c=lambda tc: 1.0 - np.arctanh(tc) ** 2),
        N_(
            "tanh′(c_t) = 1 − tanh²(c_t), with tanh applied first: c_t is not squashed, tanh(c_t) is. Use "
            "1 - np.tanh(c[t + 1])**2."
        ),
    ),
    N_("tanh′ on g written as 1 − g"): (
        partial(_lstm_step, dtanh_g=lambda g: 1.0 - g),
        N_("g_t = tanh(a^g_t), so tanh′ = 1 − g_t²: square g, (1 - g**2)."),
    ),
    N_("σ′ written as 1 − σ² (tanh′'s form)"): (
        partial(_lstm_step, dsigma=lambda s: 1.0 - s**2),
        N_("1 − s² is tanh′. For a gate s = σ(a), σ′ = s(1 − s): s * (1 - s), on the i, f and o blocks."),
    ),
}

GRU_MORE = {
    N_("tanh′ on n written as 1 − n"): (
        partial(_gru_step, dtanh_n=lambda n: 1.0 - n),
        N_("n_t = tanh(…), so tanh′ = 1 − n_t²: square n, (1 - n**2)."),
    ),
    N_("∂h_t/∂z_t taken as n_t − h_{t−1} (sign flipped)"): (
        partial(_gru_step, z_sign=-1.0),
        N_(
            "h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{t−1}: the derivative with respect to z_t is h_{t−1} − n_t "
            "(z weights the old state), not n_t − h_{t−1}."
        ),
    ),
    N_("r on the input side's n block too"): (
        partial(_gru_step, r_on_x=True),
        N_(
            "r_t multiplies hn only, the recurrent side: n_t = tanh(W_in x_t + b_in + r_t ⊙ hn). The input "
            "side's n block, dh_raw_x, gets δ^{a,n} itself, without r."
        ),
    ),
    N_("the leak carried back as (1 − z) ⊙ δ^h_t"): (
        partial(_gru_step, leak_one_minus_z=True),
        N_("h_{t−1} is weighted by z_t in h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{t−1}: the leak is z_t ⊙ δ^h_t."),
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
    N_("tanh(c_{t−1}) where tanh(c_t) belongs"): (
        {"tanh_c_shift": -1},
        N_("h_t = o_t ⊙ tanh(c_t) reads the new cell state: np.tanh(c[t]) for step t (c[t] = c_t, c[0] = c_0)."),
    ),
    N_("step T left out of the loop"): (
        {"last_step": False},
        N_(
            "The loop must start at the last step, t = T (row T − 1): reversed(range(T)). Starting one row "
            "earlier leaves δ^a_T at 0, and everything it sends back is lost."
        ),
    ),
    N_("f_t where f_{t+1} belongs (in what c_{t+1} sends back)"): (
        {"forget_of_step_t": True},
        N_(
            "c_{t+1} = f_{t+1} ⊙ c_t + …, so what reaches c_t from step t + 1 is f_{t+1} ⊙ δ^c_{t+1}: the forget "
            "gate of step t + 1. Multiply δ^c_t by f_t when you send it back to c_{t−1}, at the end of step t "
            "(dc_next = f * dc), not when it arrives."
        ),
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
    N_("step T left out of the loop"): (
        {"last_step": False},
        N_(
            "The loop must start at the last step, t = T (row T − 1): reversed(range(T)). Starting one row "
            "earlier leaves the δ of step T at 0, and everything it sends back is lost."
        ),
    ),
    N_("z_t where z_{t+1} belongs (in the leak from h_{t+1})"): (
        {"leak_of_step_t": True},
        N_(
            "h_{t+1} = (1 − z_{t+1}) ⊙ n_{t+1} + z_{t+1} ⊙ h_t, so the leak into δ^h_t is z_{t+1} ⊙ δ^h_{t+1}: "
            "the update gate of step t + 1. Multiply δ^h_t by z_t when you send it back, at the end of step t "
            "(leak = z * dh), not when it arrives."
        ),
    ),
}


def _mistakes(solution, planted, advice, more, loop, args):
    """Mistake name → (what ``solution(*args)`` gives with that mistake, advice): planted pieces, the further
    element-wise slips (``more``), then loop switches."""
    within = {name: (solution(*args, gates_backward=planted[name]), advice[name]) for name in advice}
    with np.errstate(all="ignore"):
        within |= {name: (solution(*args, gates_backward=step), text) for name, (step, text) in more.items()}
    return within | {name: (solution(*args, **switches), text) for name, (switches, text) in loop.items()}


def lstm_mistakes(dh_out, c, gates, W_hh):
    """Mistake name → (dh_raw that mistake produces, advice)."""
    args = (dh_out, c, gates, W_hh)
    return _mistakes(lstm_gate_grads, gated_bugs.LSTM_MISTAKES, LSTM_ADVICE, LSTM_MORE, LSTM_LOOP, args)


def gru_mistakes(dh_out, h, gates, hn, W_hh):
    """Mistake name → ((dh_raw_x, dh_raw_h) that mistake produces, advice)."""
    args = (dh_out, h, gates, hn, W_hh)
    return _mistakes(gru_gate_grads, gated_bugs.GRU_MISTAKES, GRU_ADVICE, GRU_MORE, GRU_LOOP, args)


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
    fb = diagnose(exercise, answer, expected, name=name, known_mistakes=mistakes, time_axis=0, float64=True)
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
    """``run_learner`` on read-only copies of ``args`` (a row of δ^h added into in place, ``dh = dh_out[t]; dh +=
    …``, spoils the caller's array: it is named); a product numpy refused becomes a Feedback explaining row form."""

    def row_form(err):
        first = tr("A product with W_hh does not fit: the column form of one sequence, in a row-form batch?")
        advice = tr(
            "In row form δ^a_t is (B, G·H) and W_hh is (G·H, H): what reaches h_{t−1} is dh_raw[t] @ "
            "W_hh, (B, H). W_hh.T @ … is the column form of one sequence."
        )
        return Feedback(exercise, "wrong", [first, advice, numpy_said(err)])

    return run_learner(exercise, fn, *map(read_only, args), explain=lambda err: shape_error_advice(err, row_form))


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
    fb = _explain(LSTM_EXERCISE, "dh_raw", value, expected, lstm_mistakes(*args), ("i", "f", "g", "o"))
    return confirmed(fb, LSTM_EXERCISE, fn, args, value)


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
    pair = [as_real_array(v)[0] for v in value]
    if all(a is not None and matches(a, e) for a, e in zip(pair, expected[::-1])):
        return Feedback(
            GRU_EXERCISE,
            "wrong",
            [
                tr(
                    "The mistake '{swapped}': both arrays are right, in the wrong order. Return the input "
                    "side's first: `return dh_raw_x, dh_raw_h` (their n blocks differ by r)."
                ).format(swapped=tr(GRU_SWAPPED))
            ],
            GRU_SWAPPED,
        )
    mistakes = gru_mistakes(*args)
    parts = []
    for k, name in enumerate(("dh_raw_x", "dh_raw_h")):
        per_value = {m: (v[k], advice) for m, (v, advice) in mistakes.items()}
        parts.append((name, _explain(GRU_EXERCISE, name, value[k], expected[k], per_value, ("r", "z", "n"))))
    return confirmed(combine(GRU_EXERCISE, parts), GRU_EXERCISE, fn, args, value)
