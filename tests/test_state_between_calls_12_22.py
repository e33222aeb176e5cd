"""The checkers of notebooks 12-22 on a function that keeps something between calls: right once, wrong ever after.

Apart from tests/test_wrong_answers_12_22.py (whose learners are stateless) because tests/test_checker_language.py
re-runs every checker call of those files in Chinese over the same learner, and a learner with state would answer
differently the second time, which is the very mistake.  Here each language gets a fresh learner.
"""

import numpy as np
import pytest

from course.exercises import attention as att
from course.exercises import deep as dp
from course.exercises import encoder_decoder as ed
from course.exercises import gated_cells as gc
from course.exercises import grammar as gr
from course.exercises import language_model as lm
from course.exercises import optimisers as op
from course.exercises import projects as pj
from course.exercises import softmax as sm
from course.exercises._feedback import STATE_KEPT
from course.i18n import tr
from tests.test_wrong_answers_12_22 import (
    adam,
    attention_backward,
    bidirectional,
    bigram,
    bridge,
    gru,
    inputs,
    legal,
    lstm,
    masked,
    mixed,
    rollout,
    sample,
    scores,
    softmax_ce,
    softmax_masked,
    stack,
)

# ---------------------------------------------------------------------------------------------------------------
# Every checker: a function that keeps something between calls (a buffer it adds into) is right only once
# ---------------------------------------------------------------------------------------------------------------


def accumulating(right):
    """``right``, as a learner writes it with an array created outside the function and added into (+=)."""
    answers = []

    def learner(*args):
        answers.append(right(*args))
        if isinstance(answers[0], tuple):
            return tuple(sum(np.asarray(a[k]) for a in answers) for k in range(len(answers[0])))
        return sum(np.asarray(a) for a in answers)

    return learner


ACCUMULATING = {
    "mixed_rollout": (pj.check_mixed_rollout, mixed, STATE_KEPT),
    "lstm_gate_grads": (gc.check_lstm_gate_grads, lstm, STATE_KEPT),
    "gru_gate_grads": (gc.check_gru_gate_grads, gru, STATE_KEPT),
    "legal_set_accuracy": (gr.check_legal_set_accuracy, legal, STATE_KEPT),
    "stack_deltas": (dp.check_stack_deltas, stack, STATE_KEPT),
    "bidirectional_states": (dp.check_bidirectional_states, bidirectional, STATE_KEPT),
    "decoder_inputs": (ed.check_decoder_inputs, inputs, STATE_KEPT),
    "masked_loss": (ed.check_masked_loss, masked, STATE_KEPT),
    "bridge_gradient": (ed.check_bridge_gradient, bridge, STATE_KEPT),
    "scaled_dot_scores": (att.check_scaled_dot_scores, scores, STATE_KEPT),
    "dot_attention_backward": (att.check_dot_attention_backward, attention_backward, STATE_KEPT),
    "rollout": (pj.check_rollout, rollout, STATE_KEPT),
    "bigram_perplexity": (lm.check_bigram_perplexity, bigram, STATE_KEPT),
    "softmax_cross_entropy": (sm.check_softmax_cross_entropy, softmax_ce, STATE_KEPT),
    "adam_step": (op.check_adam_step, adam, STATE_KEPT),
    "masked_softmax": (att.check_masked_softmax, softmax_masked, STATE_KEPT),
    # called on other data the second time (another τ): wrong there, without the name
    "sample_characters": (lm.check_sample_characters, sample, None),
}


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("name", ACCUMULATING)
def test_an_answer_that_keeps_state_between_calls_is_wrong(name, lang, monkeypatch):
    monkeypatch.setenv("COURSE_LANG", lang)
    check, right, mistake = ACCUMULATING[name]
    assert check(right).passed
    fb = check(accumulating(right))
    assert fb.status == "wrong" and fb.mistake == mistake, fb.text  # the verdict: the same in both languages
    assert mistake is None or tr(mistake, lang) in fb.text  # the learner reads the name, in their language
    assert "Traceback" not in fb.text
