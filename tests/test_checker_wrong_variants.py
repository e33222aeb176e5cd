"""Checkers their own test data cannot fool (issue 21 item 5) and answers no checker may crash on (issue 24).

Each wrong variant is written as a learner writes it, independently of the checker's own model of the mistake,
and must be graded wrong with a message that names it.
"""

import math

import numpy as np
import pytest

from course.exercises import grammar as gr
from course.exercises import language_model as lm
from course.exercises import optimisers as op
from course.exercises import softmax as sm
from course.exercises.attention import check_dot_attention_backward, check_masked_softmax, check_scaled_dot_scores
from course.exercises.encoder_decoder import check_bridge_gradient, check_decoder_inputs, check_masked_loss
from course.exercises.gated_cells import check_lstm_gate_grads, lstm_gate_grads
from course.exercises.grammar import check_legal_set_accuracy
from course.exercises.language_model import check_bigram_perplexity, check_sample_characters
from course.exercises.optimisers import check_adam_step
from course.exercises.relu_rnn import check_relu_deltas, relu_deltas
from course.exercises.softmax import check_softmax_cross_entropy


def assert_named(fb, mistake):
    assert fb.status == "wrong" and fb.mistake == mistake, fb.text
    assert mistake in fb.text  # the learner reads the name


# --- 18: sampling every row from its own logits -------------------------------------------------------------------


def sampler(logits, temperature, u, slip=None):
    if temperature == 0:
        return np.argmax(logits, axis=1)
    z = logits / temperature
    if slip == "first row":
        z = np.broadcast_to(z[0], z.shape)
    shift = z.max() if slip == "global shift" else z.max(axis=1, keepdims=True)
    e = np.exp(z - shift)
    p = e / e.sum(axis=1, keepdims=True)
    return np.minimum((np.cumsum(p, axis=1) <= u[:, None]).sum(axis=1), logits.shape[1] - 1)


def test_the_sampler_checker_passes_a_right_sampler():
    assert check_sample_characters(sampler).passed


@pytest.mark.parametrize("slip, mistake", [("first row", lm.FIRST_ROW), ("global shift", lm.GLOBAL_SHIFT)])
def test_the_sampler_checker_names_a_sampler_that_mixes_up_the_rows(slip, mistake):
    assert_named(check_sample_characters(lambda z, t, u: sampler(z, t, u, slip)), mistake)


def test_the_sampler_checkers_rows_are_distinct_distributions():
    assert len({tuple(np.round(lm._softmax(z), 6)) for z in lm.BLOCKS}) == len(lm.BLOCKS)
    assert len({int(np.argmax(z)) for z in lm.BLOCKS}) == len(lm.BLOCKS)


# --- 19: unequal probabilities of the legal symbols ----------------------------------------------------------------


def accuracy(probs, allowed, slip=None):
    has = allowed.any(axis=1)
    rows = []
    for p, a in zip(probs[has], allowed[has]):
        if slip == "tied at max":
            rows.append(set(np.flatnonzero(p == p.max())) == set(np.flatnonzero(a)))
        elif slip == "lowest vs largest":
            rows.append(p[a].min() >= p.max())
        else:
            rows.append(p[a].min() > p[~a].max())
    return float(np.mean(rows))


@pytest.mark.parametrize(
    "slip, mistake", [("tied at max", gr.TIED_AT_MAX), ("lowest vs largest", gr.LOWEST_VS_LARGEST)]
)
def test_the_legal_set_checker_names_rules_that_hold_only_for_equal_probabilities(slip, mistake):
    assert check_legal_set_accuracy(accuracy).passed
    assert_named(check_legal_set_accuracy(lambda p, a: accuracy(p, a, slip)), mistake)


def test_on_realistic_rows_those_rules_are_wrong_where_the_answer_is_one():
    # The case: a trained network puts 0.55 and 0.45 on two legal symbols.
    probs = np.array([[0.55, 0.45, 0, 0, 0, 0, 0], [0.3, 0.3, 0.25, 0.05, 0.05, 0.05, 0], [0.9, 0.1, 0, 0, 0, 0, 0]])
    allowed = np.array([[1, 1, 0, 0, 0, 0, 0], [1, 1, 1, 0, 0, 0, 0], [1, 0, 0, 0, 0, 0, 0]], dtype=bool)
    assert accuracy(probs, allowed) == 1.0
    assert accuracy(probs, allowed, "tied at max") == accuracy(probs, allowed, "lowest vs largest") == 1 / 3
    data, legal = gr.data()
    n = legal.sum(axis=1)
    unequal = [len(set(np.round(p[a], 9))) == k for p, a, k in zip(data, legal, n) if k > 1]
    assert sum(unequal) >= 10  # most multi-symbol rows of the checker's data have unequal legal probabilities


# --- 18: single-number answers name their exercise's likely mistakes ------------------------------------------------


def bigram(train, val, V, alpha, slip=None):
    counts = np.zeros((V, V))
    text = np.concatenate([train, val]) if slip == "train and val" else train
    if slip == "not accumulated":
        counts[text[:-1], text[1:]] += 1  # numpy applies += once per distinct index pair
    else:
        np.add.at(counts, (text[:-1], text[1:]), 1)
    if slip == "train and val":  # the usual way: the two texts counted one after the other, no pair across them
        counts = np.zeros((V, V))
        np.add.at(counts, (train[:-1], train[1:]), 1)
        np.add.at(counts, (val[:-1], val[1:]), 1)
    totals = counts.sum(axis=1, keepdims=True)
    table = (counts + alpha) / (totals + (alpha if slip == "denominator" else V * alpha))
    if slip == "unigram":
        unigram = (np.bincount(train, minlength=V) + alpha) / (len(train) + V * alpha)
        table = np.tile(unigram, (V, 1))
    logp = np.log(table[val[:-1], val[1:]])
    mean = logp.sum() / len(val) if slip == "M" else logp.mean()
    return math.exp(-mean)


@pytest.mark.parametrize(
    "slip, mistake",
    [
        ("not accumulated", lm.NOT_ACCUMULATED),
        ("denominator", lm.DENOMINATOR_ALPHA),
        ("M", lm.MEAN_OVER_M),
        ("train and val", lm.TRAIN_AND_VAL),
        ("unigram", lm.UNIGRAM),
    ],
)
def test_the_bigram_checker_names_its_likely_mistakes(slip, mistake):
    assert check_bigram_perplexity(bigram).passed
    fb = check_bigram_perplexity(lambda *args: bigram(*args, slip=slip))
    assert_named(fb, mistake)
    assert "constant factor" not in fb.text


def test_a_wrong_single_number_gets_no_constant_factor_guess():
    fb = check_bigram_perplexity(lambda *args: bigram(*args) * 1.3)
    assert fb.status == "wrong" and "constant factor" not in fb.text and "Expected" in fb.text


def softmax_xent(logits, targets, slip=None):
    m = logits.max(axis=0 if slip == "axis 0" else -1, keepdims=True)
    z = logits - m
    lse = np.log(np.exp(z).sum(axis=-1, keepdims=True))
    log_p = z - lse
    picked = np.take_along_axis(log_p, targets[..., None], axis=-1)
    if slip == "max not added":  # log-sum-exp without its m, against the raw logit of the target
        picked = np.take_along_axis(logits, targets[..., None], axis=-1) - lse
    loss = -float(picked.sum())
    return loss, np.exp(log_p) - np.eye(logits.shape[-1])[targets]


@pytest.mark.parametrize("slip, mistake", [("axis 0", sm.SHIFT_AXIS_0), ("max not added", sm.MAX_NOT_ADDED)])
def test_the_softmax_checker_names_its_likely_mistakes(slip, mistake):
    assert check_softmax_cross_entropy(softmax_xent).passed
    fb = check_softmax_cross_entropy(lambda z, y: softmax_xent(z, y, slip))
    assert_named(fb, mistake)


# --- 17: Adam's likely mistakes ---------------------------------------------------------------------------------------


def adam(p, g, m, v, t, lr, b1, b2, eps, slip=None):
    m_new = b1 * m + (1 - b1) * g
    v_new = b2 * v + (1 - b2) * (np.abs(g) if slip == "abs g" else g**2)
    if slip == "amsgrad":
        v_new = np.maximum(v, v_new)
    s = t + 1 if slip == "t + 1" else t
    mm, vv = (m, v) if slip == "old state" else (m_new, v_new)
    if slip == "multiplied":
        m_hat, v_hat = mm * (1 - b1**s), vv * (1 - b2**s)
    else:
        m_hat, v_hat = mm / (1 - b1**s), vv / (1 - b2**s)
    denom = np.sqrt(v_hat + eps**2) if slip == "eps squared" else np.sqrt(v_hat) + eps
    return p - lr * m_hat / denom, m_new, v_new


@pytest.mark.parametrize(
    "slip, mistake",
    [
        ("old state", op.OLD_STATE),
        ("t + 1", op.T_PLUS_1),
        ("multiplied", op.MULTIPLIED),
        ("eps squared", op.EPS_SQUARED),
        ("amsgrad", op.AMSGRAD),
        ("abs g", op.ABS_G),
    ],
)
def test_the_adam_checker_names_its_likely_mistakes(slip, mistake):
    assert check_adam_step(adam).passed
    fb = check_adam_step(lambda *a: adam(*a, slip=slip))
    assert fb.status == "wrong" and mistake in (fb.mistake or ""), fb.text
    assert "Largest difference" not in fb.text.split("\n")[2]  # the mistake's name comes first, not a raw index


# --- issue 24's probe: lists, __array__ that raises, huge views ------------------------------------------------------


def test_the_lstm_and_relu_checkers_accept_the_right_values_as_a_list():
    assert check_lstm_gate_grads(lambda *a: list(lstm_gate_grads(*a))).passed
    assert check_lstm_gate_grads(lambda *a: lstm_gate_grads(*a).tolist()).passed
    assert check_relu_deltas(lambda *a: list(relu_deltas(*a))).passed
    assert check_relu_deltas(lambda *a: tuple(relu_deltas(*a))).passed
    assert "Return one array" in check_relu_deltas(lambda *a: (relu_deltas(*a), 0)).text


class Refuses:
    """An answer whose conversion to an array raises ``error`` (a torch tensor that requires grad raises
    RuntimeError; anything can raise SystemExit)."""

    def __init__(self, error):
        self.error = error

    def __array__(self, *args, **kwargs):
        raise self.error

    def __float__(self):
        raise self.error


CHECKERS = {
    "softmax": (check_softmax_cross_entropy, lambda answer: lambda z, y: (answer, answer)),
    "bigram": (check_bigram_perplexity, lambda answer: lambda *args: answer),
    "adam": (check_adam_step, lambda answer: lambda *args: (answer, answer, answer)),
    "legal set": (check_legal_set_accuracy, lambda answer: lambda *args: answer),
    "sampler": (check_sample_characters, lambda answer: lambda *args: answer),
    "relu": (check_relu_deltas, lambda answer: lambda *args: answer),
    "lstm": (check_lstm_gate_grads, lambda answer: lambda *args: answer),
    "attention scores": (check_scaled_dot_scores, lambda answer: lambda *args: answer),
    "masked softmax": (check_masked_softmax, lambda answer: lambda *args: answer),
    "attention backward": (check_dot_attention_backward, lambda answer: lambda *args: (answer, answer)),
    "decoder inputs": (check_decoder_inputs, lambda answer: lambda *args: answer),
    "masked loss": (check_masked_loss, lambda answer: lambda *args: (answer, answer)),
    "bridge": (check_bridge_gradient, lambda answer: lambda *args: answer),
}
ERRORS = [RuntimeError("Can't call numpy() on Tensor that requires grad"), SystemExit(2), MemoryError(), ValueError()]


@pytest.mark.parametrize("error", ERRORS, ids=lambda e: type(e).__name__)
@pytest.mark.parametrize("name", CHECKERS)
def test_an_answer_whose_conversion_raises_is_feedback_in_words(name, error):
    check, returning = CHECKERS[name]
    fb = check(returning(Refuses(error)))
    assert fb.status == "wrong" and ("numpy cannot read" in fb.text or "could not read" in fb.text), fb.text


@pytest.mark.parametrize("name", CHECKERS)
def test_a_huge_broadcast_view_is_feedback_in_words(name):
    check, returning = CHECKERS[name]
    huge = np.broadcast_to(np.float64(1.0), (10**11,))  # 800 GB if copied
    fb = check(returning(huge))
    assert fb.status == "wrong" and ("far more than any answer" in fb.text or "shape" in fb.text), fb.text
