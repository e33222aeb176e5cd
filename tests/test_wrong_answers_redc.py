"""A third reviewer's wrong answers for the checkers (issue 21, item 5): what the first two red teams left.

Each wrong answer is written as a learner writes it, in the learner's own words (not the checker's switches), and
is right on some inputs by coincidence of values (t = 1, a row already normalised, equal sizes), right only in
float32, right while it writes into its inputs, or careless with numbers in a way that moderate inputs hide.
Every one is graded wrong and, where the checker knows the mistake, named in the words the learner reads; the right
answer, written the same way, still passes.
"""

import numpy as np
import pytest

from course.exercises import attention as att
from course.exercises import deep as dp
from course.exercises import encoder_decoder as ed
from course.exercises import gated_cells as gc
from course.exercises import optimisers as op
from course.exercises import softmax as sm
from course.exercises import tbptt as tb
from course.exercises._feedback import FLOAT32, INPUT_WRITTEN  # noqa: F401 - used by later sections
from tests.test_wrong_answers_01_11 import tbptt
from tests.test_wrong_answers_12_22 import attention_backward, bridge, gru, lstm, masked, stack


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
# 10, 13, 14, 20, 21, 22: gradients returned in float32 (the right numbers, rounded: they passed 1e-7)
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
