"""A third reviewer's wrong answers for the checkers (issue 21, item 5): what the first two red teams left.

Each wrong answer is written as a learner writes it, in the learner's own words (not the checker's switches), and
is right on the checker's inputs by a coincidence of values (Adam's t = 1, a max_norm of 1, D = B, a string that
never reaches PAD), right only to float32's digits, right while it writes into the caller's arrays, or careless
with numbers in a way that moderate inputs hide (one max shift for the whole array, a division by a norm that can be
0).  Every one is graded wrong and, where the checker knows the mistake, named in the words the learner reads; the
right answer, written the same way, still passes.  The answers that keep state between calls (02, 06, 09) are in
tests/test_state_between_calls.py, whose learners are made fresh for each language (tests/test_checker_language.py
runs this file's answers twice over one learner).
"""

import numpy as np
import pytest

from course.exercises import attention as att
from course.exercises import clipping as cl
from course.exercises import deep as dp
from course.exercises import encoder_decoder as ed
from course.exercises import forward_pass as fp
from course.exercises import gated_cells as gc
from course.exercises import grammar as gr
from course.exercises import language_model as lm
from course.exercises import loss as lo
from course.exercises import optimisers as op
from course.exercises import projects as pj
from course.exercises import softmax as sm
from course.exercises import tbptt as tb
from course.exercises._feedback import FLOAT32, INPUT_WRITTEN
from rnn_lib import reference
from rnn_lib.parameters import PARAM_NAMES
from tests.test_wrong_answers_01_11 import tbptt
from tests.test_wrong_answers_12_22 import (
    attention_backward,
    bidirectional,
    bridge,
    gru,
    legal,
    lstm,
    masked,
    mixed,
    rollout,
    sample,
    scores,
    softmax_masked,
    stack,
)


def assert_graded(check, answer, mistake):
    fb = check(answer)
    assert fb.status == "wrong", fb.text
    assert fb.mistake == mistake, fb.text
    if mistake is not None:
        assert mistake in fb.text
    assert "Traceback" not in fb.text


# ---------------------------------------------------------------------------------------------------------------
# 17: one Adam step — slips that are right at t = 1
# ---------------------------------------------------------------------------------------------------------------


def adam(p, g, m, v, t, lr, beta1, beta2, eps, slip=None):
    m_new = beta1 * m + (1 - beta1) * g
    v_new = beta2 * v + (1 - beta2) * g**2
    c1, c2 = 1 - beta1**t, 1 - beta2**t
    if slip == "beta * t":
        c1, c2 = 1 - beta1 * t, 1 - beta2 * t
    if slip == "(1 - beta) ** t":
        c1, c2 = (1 - beta1) ** t, (1 - beta2) ** t
    if slip == "correction outside the root":
        return p - lr * (m_new / c1) / (np.sqrt(v_new) / c2 + eps), m_new, v_new
    return p - lr * (m_new / c1) / (np.sqrt(v_new / c2) + eps), m_new, v_new


ADAM_WRONG = {
    "beta * t": op.BETA_TIMES_T,
    "(1 - beta) ** t": op.POWER_OF_1_MINUS,
    "correction outside the root": op.CORRECTION_OUTSIDE_SQRT,
}


def test_adam_right_answer_passes():
    assert op.check_adam_step(adam).passed


@pytest.mark.parametrize("slip", ADAM_WRONG)
def test_adam_wrong_answers(slip):
    assert_graded(op.check_adam_step, lambda *a: adam(*a, slip=slip), ADAM_WRONG[slip])


# ---------------------------------------------------------------------------------------------------------------
# 16: softmax cross-entropy — a shift that moderate logits cannot tell from the right one, float32
# ---------------------------------------------------------------------------------------------------------------


def cross_entropy(logits, targets, slip=None):
    shift = logits.max() if slip == "one max for all" else logits.max(axis=-1, keepdims=True)
    z = logits - shift
    if slip == "float32":
        z = z.astype(np.float32)
    log_p = z - np.log(np.exp(z).sum(axis=-1, keepdims=True))
    onehot = np.eye(logits.shape[-1])[targets]
    return -np.sum(np.take_along_axis(log_p, targets[..., None], axis=-1)), np.exp(log_p) - onehot


SOFTMAX_WRONG = {"one max for all": sm.GLOBAL_MAX, "float32": FLOAT32}


def test_softmax_right_answer_passes():
    assert sm.check_softmax_cross_entropy(cross_entropy).passed


@pytest.mark.parametrize("slip", SOFTMAX_WRONG)
def test_softmax_wrong_answers(slip):
    assert_graded(sm.check_softmax_cross_entropy, lambda z, y: cross_entropy(z, y, slip), SOFTMAX_WRONG[slip])


# ---------------------------------------------------------------------------------------------------------------
# 10, 12-14, 17, 20-22: results returned in float32 (the right numbers, rounded: they passed 1e-7)
# ---------------------------------------------------------------------------------------------------------------


def rounded_to_float32(fn):
    """``fn`` as a learner who stores its results in float32 ("to save memory") writes it."""

    def rounded(value):
        if isinstance(value, tuple):
            return tuple(rounded(v) for v in value)
        if isinstance(value, dict):
            return {k: rounded(v) for k, v in value.items()}
        return np.float32(value) if np.ndim(value) == 0 else np.asarray(value, dtype=np.float32)

    return lambda *args: rounded(fn(*args))


GRADIENTS_IN_FLOAT32 = {
    # and the values gradients are checked against, which 01's rnn_step and rnn_forward already name
    "rollout": (pj.check_rollout, rollout),
    "mixed rollout": (pj.check_mixed_rollout, mixed),
    "adam": (op.check_adam_step, adam),
    "bidirectional": (dp.check_bidirectional_states, bidirectional),
    "scores": (att.check_scaled_dot_scores, scores),
    "masked softmax": (att.check_masked_softmax, softmax_masked),
    "tbptt": (tb.check_tbptt_gradients, tbptt),
    "lstm": (gc.check_lstm_gate_grads, lstm),
    "gru": (gc.check_gru_gate_grads, gru),
    "stack": (dp.check_stack_deltas, stack),
    "masked loss": (ed.check_masked_loss, masked),
    "bridge": (ed.check_bridge_gradient, bridge),
    "attention backward": (att.check_dot_attention_backward, attention_backward),
}


@pytest.mark.parametrize("name", GRADIENTS_IN_FLOAT32)
def test_gradients_in_float32_are_named(name):
    check, right = GRADIENTS_IN_FLOAT32[name]
    assert check(right).passed
    assert_graded(check, rounded_to_float32(right), FLOAT32)


# ---------------------------------------------------------------------------------------------------------------
# 12-22: the right values, returned by a function that writes into the caller's arrays (they passed)
# ---------------------------------------------------------------------------------------------------------------


def lstm_adds_into_dh_out(dh_out, c, gates, W_hh):
    # dh = dh_out[t] is a view: `dh += dh_next` adds into the caller's dh_out (each row is read once: right values)
    T, B, H = dh_out.shape
    dh_raw, dh_next, dc_next = np.zeros((T, B, 4 * H)), np.zeros((B, H)), np.zeros((B, H))
    for t in reversed(range(T)):
        i, f, g, o = np.split(gates[t], 4, axis=1)
        tanh_c = np.tanh(c[t + 1])
        dh = dh_out[t]
        dh += dh_next
        dc = dh * o * (1 - tanh_c**2) + dc_next
        dh_raw[t] = np.concatenate(
            [dc * g * i * (1 - i), dc * c[t] * f * (1 - f), dc * i * (1 - g**2), dh * tanh_c * o * (1 - o)], axis=1
        )
        dh_next, dc_next = dh_raw[t] @ W_hh, f * dc
    return dh_raw


def gru_clips_its_gates(dh_out, h, gates, hn, W_hh):
    np.clip(gates, 0.0, 1.0, out=gates)  # "to be safe": σ is in (0, 1) already, so the values stay right
    return gru(dh_out, h, gates, hn, W_hh)


def scores_scale_the_query(keys, query):
    query /= np.sqrt(keys.shape[2])
    return np.einsum("sbh,bh->bs", keys, query)


def softmax_masks_the_scores(scores_, mask):
    scores_[~mask] = -np.inf
    e = np.exp(scores_ - scores_.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def sample_divides_the_logits(logits, temperature, u):
    if temperature == 0:
        return np.argmax(logits, axis=1)
    logits /= temperature
    return sample(logits, 1.0, u)


def legal_sorts_the_probabilities(probs, allowed):
    accuracy = legal(probs, allowed)
    probs.sort(axis=1)  # to look at them in order afterwards
    return accuracy


def bidirectional_reverses_x(x, fwd, bwd):
    states = bidirectional(x, fwd, bwd)
    x[:] = x[::-1].copy()  # "put it back" the wrong way: the caller's x is now reversed
    return states


def stack_scales_dy(dy, h1, h2, params):
    deltas = stack(dy, h1, h2, params)
    dy *= 0  # "consumed"
    return deltas


def rollout_appends_into_x_warm(params, x_warm, n_steps):
    forecast = rollout(params, x_warm, n_steps)
    x_warm[:-1] = x_warm[1:].copy()  # a sliding buffer, shifted in the caller's array
    return forecast


def mixed_decays_the_weights(params, x, feed_back):
    out = mixed(params, x, feed_back)
    params["W_hh"] *= 0.99
    return out


WRITES_INTO_INPUTS = {
    "lstm: dh = dh_out[t]; dh += …": (gc.check_lstm_gate_grads, lstm_adds_into_dh_out, lstm),
    "gru: np.clip(gates, out=gates)": (gc.check_gru_gate_grads, gru_clips_its_gates, gru),
    "scores: query /= √H_k": (att.check_scaled_dot_scores, scores_scale_the_query, scores),
    "masked softmax: scores[~mask] = −inf": (att.check_masked_softmax, softmax_masks_the_scores, softmax_masked),
    "sampler: logits /= τ": (lm.check_sample_characters, sample_divides_the_logits, sample),
    "legal set: probs.sort()": (gr.check_legal_set_accuracy, legal_sorts_the_probabilities, legal),
    "bidirectional: x reversed in place": (dp.check_bidirectional_states, bidirectional_reverses_x, bidirectional),
    "stack: dy *= 0": (dp.check_stack_deltas, stack_scales_dy, stack),
    "rollout: x_warm shifted": (pj.check_rollout, rollout_appends_into_x_warm, rollout),
    "mixed rollout: W_hh decayed": (pj.check_mixed_rollout, mixed_decays_the_weights, mixed),
}


@pytest.mark.parametrize("name", WRITES_INTO_INPUTS)
def test_writes_into_the_inputs_are_named(name):
    check, writes, right = WRITES_INTO_INPUTS[name]
    assert check(right).passed
    assert_graded(check, writes, INPUT_WRITTEN)


# ---------------------------------------------------------------------------------------------------------------
# 02: the weighted loss writes into its inputs (its state kept between calls: tests/test_state_between_calls.py)
# ---------------------------------------------------------------------------------------------------------------


def weighted(y_hat, y, w):
    diff = y_hat - y
    return 0.5 * float(np.sum(w[:, None, None] * diff**2)), w[:, None, None] * diff


def test_weighted_loss_right_answer_passes():
    assert lo.check_weighted_loss_and_grad(weighted).passed


def test_weighted_loss_written_into_y_hat_is_named():
    def subtracts_in_place(y_hat, y, w):
        y_hat -= y
        return 0.5 * float(np.sum(w[:, None, None] * y_hat**2)), w[:, None, None] * y_hat

    fb = lo.check_weighted_loss_and_grad(subtracts_in_place)
    assert fb.status == "wrong" and fb.mistake == INPUT_WRITTEN, fb.text
    assert "`y_hat`" in fb.text and "y_hat -= y" in fb.text, fb.text  # the input and the line that writes


# ---------------------------------------------------------------------------------------------------------------
# 09: clipping each sequence — slips a max_norm of 1 hid (the checker passed c = 1), and a zero gradient
# ---------------------------------------------------------------------------------------------------------------


def clip_each(grads, max_norm, slip=None):
    B = len(grads["W_hh"])
    norms = np.sqrt(sum(np.sum(g.reshape(B, -1) ** 2, axis=1) for g in grads.values()))
    scale = max_norm / np.maximum(norms, max_norm)
    if slip == "g / norm":
        scale = np.where(norms > max_norm, 1 / norms, 1.0)  # normalised, never multiplied by max_norm
    if slip == "1 for max_norm":
        scale = 1 / np.maximum(norms, 1.0)
    if slip == "norm > 1":
        scale = np.where(norms > 1, max_norm / norms, 1.0)
    if slip == "min(norm, c) / norm":
        scale = np.minimum(norms, max_norm) / norms  # right, except 0/0 for a gradient of norm 0
    return {k: (g * scale.reshape(-1, *[1] * (g.ndim - 1))).mean(axis=0) for k, g in grads.items()}


CLIP_WRONG = {
    "g / norm": (lambda g, c: clip_each(g, c, "g / norm"), cl.UNIT_NORM),
    "1 for max_norm": (lambda g, c: clip_each(g, c, "1 for max_norm"), cl.OWN_MAX_NORM),
    "norm > 1": (lambda g, c: clip_each(g, c, "norm > 1"), None),
    "min(norm, c) / norm": (lambda g, c: clip_each(g, c, "min(norm, c) / norm"), cl.ZERO_NORM),
}


def test_clip_right_answer_passes():
    with np.errstate(divide="raise", invalid="raise"):  # the checker's own numbers divide by no zero norm
        assert cl.check_clip_per_sequence(clip_each).passed


@pytest.mark.parametrize("slip", CLIP_WRONG)
def test_clip_wrong_answers(slip):
    assert_graded(cl.check_clip_per_sequence, *CLIP_WRONG[slip])


# ---------------------------------------------------------------------------------------------------------------
# 22: the masked softmax shifted by the whole array's largest score (it was called 'max shift over the masked keys')
# ---------------------------------------------------------------------------------------------------------------


def masked_then_one_shift(scores_, mask):
    z = np.where(mask, scores_, -np.inf)
    e = np.exp(z - z.max())  # the mask first, as asked, but one max for every row
    return e / e.sum(axis=1, keepdims=True)


def unmasked_row_shift(scores_, mask):
    e = np.exp(scores_ - scores_.max(axis=1, keepdims=True)) * mask
    return e / e.sum(axis=1, keepdims=True)


def test_masked_softmax_shifts_are_told_apart():
    assert_graded(att.check_masked_softmax, masked_then_one_shift, att.GLOBAL_MAX)
    assert_graded(att.check_masked_softmax, unmasked_row_shift, att.SHIFT_MASKED)


# ---------------------------------------------------------------------------------------------------------------
# 20: right states returned as a list of steps were graded wrong ("put the directions side by side")
# ---------------------------------------------------------------------------------------------------------------


def test_bidirectional_states_as_a_list_of_steps_pass_as_the_other_checkers_do():
    assert dp.check_bidirectional_states(lambda *a: list(bidirectional(*a))).passed
    assert dp.check_bidirectional_states(lambda *a: bidirectional(*a).tolist()).passed
    halves = dp.check_bidirectional_states(lambda *a: (bidirectional(*a)[..., :3], bidirectional(*a)[..., 3:]))
    assert halves.status == "wrong" and "side by side" in halves.text


# ---------------------------------------------------------------------------------------------------------------
# 01: rnn_forward — one state buffer updated in place and appended at every step, after h0 itself
# ---------------------------------------------------------------------------------------------------------------


def forward_appending_one_buffer(x, params, h0):
    W_xh, W_hh, W_hy, b_h, b_y = (params[k] for k in ("W_xh", "W_hh", "W_hy", "b_h", "b_y"))
    h_t, states = np.zeros_like(h0), [h0]
    h_t[:] = h0
    for t in range(1, x.shape[0] + 1):
        np.tanh(x[t - 1] @ W_xh.T + h_t @ W_hh.T + b_h.T, out=h_t)  # "no new array per step"
        states.append(h_t)
    h = np.array(states)
    return h, h[1:] @ W_hy.T + b_y.T


def test_forward_that_appends_one_buffer_is_named():
    assert_graded(fp.check_rnn_forward, forward_appending_one_buffer, fp.ALIASED_AFTER_H0)


# ---------------------------------------------------------------------------------------------------------------
# 10: truncated BPTT — a first state of shape (D, H), right while D = B (the checker had B = D = O = 2)
# ---------------------------------------------------------------------------------------------------------------


def tbptt_state_sized_by_d(params, x, y, k):
    T, B, D = x.shape
    h = np.zeros((D, params["W_hh"].shape[0]))  # D where B belongs: the same shape only when D = B
    grads = {name: np.zeros_like(params[name]) for name in PARAM_NAMES}
    for c in range(0, T, k):
        y_hat, cache = reference.forward(params, x[c : c + k], h)
        g = reference.backward(params, cache, reference.loss_grad(y_hat, y[c : c + k]))
        grads = {name: grads[name] + g[name] for name in PARAM_NAMES}
        h = cache.h[-1]
    return grads


def test_tbptt_state_of_the_wrong_size_is_graded_wrong():
    assert tb.check_tbptt_gradients(tbptt).passed
    fb = tb.check_tbptt_gradients(tbptt_state_sized_by_d)
    assert fb.status == "wrong" and "Traceback" not in fb.text, fb.text


# ---------------------------------------------------------------------------------------------------------------
# 21: the masked loss — lengths from np.argmax(tgt == PAD), 0 for the string that fills every step
# ---------------------------------------------------------------------------------------------------------------


def masked_loss_with_argmax_lengths(logits, tgt):
    T, B, V = logits.shape
    lengths = np.argmax(tgt == 0, axis=0)  # the first PAD; a column without PAD has no True, and argmax gives 0
    keep = np.arange(T)[:, None] < lengths
    z = logits - logits.max(axis=-1, keepdims=True)
    log_p = z - np.log(np.exp(z).sum(axis=-1, keepdims=True))
    ce = -np.take_along_axis(log_p, tgt[..., None], axis=-1)[..., 0]
    return float(np.sum(ce * keep)) / B, (np.exp(log_p) - np.eye(V)[tgt]) * keep[..., None] / B


def test_masked_loss_with_argmax_lengths_is_named():
    assert_graded(ed.check_masked_loss, masked_loss_with_argmax_lengths, ed.ARGMAX_LENGTH)
