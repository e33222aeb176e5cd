"""Every exercise checker survives whatever a learner hands it, and never grades a wrong answer right.

For each checker the table below names a right solution (the learners written in the exercise tests).
Each test feeds every checker one kind of trouble: no function at all, a function that raises, one
that never returns, answers that are complex, NaN, text or nested wrongly, and a solution that edits
the arrays it was given.  The checker must return a Feedback (never raise), and say "wrong" (never
"correct") for every answer that is not the right one.
"""

from __future__ import annotations

import sys
import time

import numpy as np
import pytest
from test_exercises_attention import backward_right, scores_right, softmax_right
from test_exercises_deep import bi_right, stack_right
from test_exercises_dynamics_clipping import jac, right_clip
from test_exercises_encoder_decoder import bridge_right, inputs_right, masked_loss_right
from test_exercises_forward_pass import forward_right, step_right
from test_exercises_gated import learner_gru, learner_lstm
from test_exercises_gradcheck_training import centred, make_train
from test_exercises_grammar import accuracy_right
from test_exercises_hidden_recurrent import learner_hidden, learner_weights
from test_exercises_language_model import right_bigram, right_sampler
from test_exercises_loss_output import loss_right, out_right
from test_exercises_optimisers import adam_step
from test_exercises_relu_rnn import learner_relu
from test_exercises_softmax import stable
from test_exercises_tbptt_vectorisation import grads_from_deltas, learner_mixed, learner_rollout, learner_tbptt

from course.exercises import _feedback
from course.exercises._feedback import INPUT_WRITTEN
from course.exercises.attention import check_dot_attention_backward, check_masked_softmax, check_scaled_dot_scores
from course.exercises.clipping import check_clip_per_sequence
from course.exercises.deep import check_bidirectional_states, check_stack_deltas
from course.exercises.dynamics import check_jacobian_product
from course.exercises.encoder_decoder import check_bridge_gradient, check_decoder_inputs, check_masked_loss
from course.exercises.finite_differences import check_centred_difference
from course.exercises.forward_pass import check_rnn_forward, check_rnn_step
from course.exercises.gated_cells import check_gru_gate_grads, check_lstm_gate_grads
from course.exercises.grammar import check_legal_set_accuracy
from course.exercises.hidden_state import check_hidden_state_grads
from course.exercises.language_model import check_bigram_perplexity, check_sample_characters
from course.exercises.loss import check_weighted_loss_and_grad
from course.exercises.optimisers import check_adam_step
from course.exercises.output_layer import check_output_layer_backward
from course.exercises.projects import check_mixed_rollout, check_rollout
from course.exercises.recurrent_weights import check_recurrent_weight_grads
from course.exercises.relu_rnn import check_relu_deltas
from course.exercises.softmax import check_softmax_cross_entropy
from course.exercises.tbptt import check_tbptt_gradients
from course.exercises.training import check_train_gd
from course.exercises.vectorisation import check_weight_grads_from_deltas

CHECKERS = {
    "rnn_step": (check_rnn_step, step_right),
    "rnn_forward": (check_rnn_forward, forward_right),
    "weighted_loss": (check_weighted_loss_and_grad, loss_right),
    "output_layer": (check_output_layer_backward, out_right),
    "hidden_state": (check_hidden_state_grads, learner_hidden),
    "recurrent_weights": (check_recurrent_weight_grads, learner_weights),
    "centred_difference": (check_centred_difference, centred),
    "train_gd": (check_train_gd, make_train()),
    "jacobian_product": (check_jacobian_product, jac),
    "clip_per_sequence": (check_clip_per_sequence, right_clip),
    "tbptt_gradients": (check_tbptt_gradients, learner_tbptt),
    "weight_grads_from_deltas": (check_weight_grads_from_deltas, grads_from_deltas),
    "rollout": (check_rollout, learner_rollout),
    "mixed_rollout": (check_mixed_rollout, learner_mixed),
    "softmax_cross_entropy": (check_softmax_cross_entropy, stable),
    "adam_step": (check_adam_step, adam_step),
    "lstm_gate_grads": (check_lstm_gate_grads, learner_lstm),
    "gru_gate_grads": (check_gru_gate_grads, learner_gru),
    "bigram_perplexity": (check_bigram_perplexity, right_bigram),
    "sample_characters": (check_sample_characters, right_sampler),
    "legal_set_accuracy": (check_legal_set_accuracy, accuracy_right),
    "relu_deltas": (check_relu_deltas, learner_relu),
    "stack_deltas": (check_stack_deltas, stack_right),
    "bidirectional_states": (check_bidirectional_states, bi_right),
    "scaled_dot_scores": (check_scaled_dot_scores, scores_right),
    "masked_softmax": (check_masked_softmax, softmax_right),
    "dot_attention_backward": (check_dot_attention_backward, backward_right),
    "decoder_inputs": (check_decoder_inputs, inputs_right),
    "masked_loss": (check_masked_loss, masked_loss_right),
    "bridge_gradient": (check_bridge_gradient, bridge_right),
}
# The one checker that passes a writable copy: the centred difference, whose contract is to move x[i] and put it
# back. Every other checker passes its arrays read-only (course.exercises._feedback.read_only): a write raises, and
# is named INPUT_WRITTEN at its line.
WRITABLE_INPUTS = {"centred_difference"}


def each_number(value, f):
    """``value`` with f applied to every array and float in it (tuples, lists and dicts kept)."""
    if isinstance(value, dict):
        return {k: each_number(v, f) for k, v in value.items()}
    if isinstance(value, (tuple, list)):
        return type(value)(each_number(v, f) for v in value)
    if isinstance(value, (np.ndarray, float, np.floating)):
        return f(np.asarray(value, dtype=np.float64))
    return value


def returning(right, f):
    """A learner whose answer is the right one with every number passed through f."""

    def learner(*args):
        return each_number(right(*args), f)

    return learner


def assert_wrong_without_raising(checker, learner):
    fb = checker(learner)
    assert isinstance(fb, _feedback.Feedback)
    assert fb.status == "wrong", fb.text
    assert fb.text  # the text a learner reads renders
    return fb


@pytest.mark.parametrize("name", CHECKERS)
def test_the_right_solution_passes(name):
    checker, right = CHECKERS[name]
    assert checker(right).status == "correct"


@pytest.mark.parametrize("name", CHECKERS)
@pytest.mark.parametrize("not_a_function", [None, 42, "rnn_step", np.zeros(3)], ids=["None", "int", "str", "array"])
def test_something_that_is_not_a_function_is_explained(name, not_a_function):
    fb = assert_wrong_without_raising(CHECKERS[name][0], not_a_function)
    assert "your function itself" in fb.text


@pytest.mark.parametrize("name", CHECKERS)
def test_an_exception_in_the_learners_code_becomes_feedback_naming_it(name):
    def broken(*args):
        raise RuntimeError("something in my code")

    fb = assert_wrong_without_raising(CHECKERS[name][0], broken)
    assert "RuntimeError" in fb.text and "something in my code" in fb.text


@pytest.mark.parametrize("name", CHECKERS)
def test_a_function_that_never_returns_is_stopped_with_a_message(name, monkeypatch):
    monkeypatch.setattr(_feedback, "TIME_LIMIT", 0.2)

    def forever(*args):
        while True:
            pass

    fb = assert_wrong_without_raising(CHECKERS[name][0], forever)
    assert "stopped after" in fb.text


@pytest.mark.parametrize("name", CHECKERS)
def test_an_exception_swallowing_loop_is_stopped_too(name, monkeypatch):
    monkeypatch.setattr(_feedback, "TIME_LIMIT", 0.2)

    def stubborn(*args):
        while True:
            try:
                while True:
                    pass
            except Exception:  # noqa: BLE001 - the learner's habit this test is about
                pass

    assert "stopped after" in str(assert_wrong_without_raising(CHECKERS[name][0], stubborn))


@pytest.mark.parametrize("name", CHECKERS)
def test_a_loop_with_a_bare_except_is_stopped_too(name, monkeypatch):
    monkeypatch.setattr(_feedback, "TIME_LIMIT", 0.2)

    def swallows_everything(*args):
        while True:
            try:
                time.sleep(0.05)
            except:  # noqa: E722 - a bare except swallows the checker's stop signal as well
                pass

    assert "stopped after" in str(assert_wrong_without_raising(CHECKERS[name][0], swallows_everything))
    assert sys.gettrace() is None  # the checker leaves no tracer behind


@pytest.mark.parametrize("name", CHECKERS)
def test_a_function_that_swallows_the_stop_and_returns_is_still_stopped(name, monkeypatch):
    monkeypatch.setattr(_feedback, "TIME_LIMIT", 0.2)
    checker, right = CHECKERS[name]

    def slow_then_right(*args):
        try:
            while True:
                pass
        except BaseException:  # noqa: BLE001 - the learner's habit this test is about
            return right(*args)

    assert "stopped after" in str(assert_wrong_without_raising(checker, slow_then_right))


@pytest.mark.parametrize("name", CHECKERS)
def test_sys_exit_in_the_learners_code_becomes_feedback(name):
    def leaves(*args):
        sys.exit("bye")

    assert "SystemExit" in str(assert_wrong_without_raising(CHECKERS[name][0], leaves))


@pytest.mark.parametrize("name", CHECKERS)
def test_an_answer_numpy_cannot_read_is_explained(name):
    class Unreadable:
        def __array__(self, *args, **kwargs):
            raise RuntimeError("no")

    assert_wrong_without_raising(CHECKERS[name][0], lambda *args: Unreadable())


@pytest.mark.parametrize("name", CHECKERS)
def test_a_masked_answer_is_not_taken_for_its_data(name):
    checker, right = CHECKERS[name]
    assert_wrong_without_raising(checker, returning(right, lambda a: np.ma.array(a, mask=True)))


@pytest.mark.parametrize("name", CHECKERS)
def test_the_right_answer_plus_an_imaginary_part_is_not_right(name):
    checker, right = CHECKERS[name]
    fb = assert_wrong_without_raising(checker, returning(right, lambda a: a + 0.5j))
    assert "complex" in fb.text


@pytest.mark.parametrize("name", CHECKERS)
def test_nan_answers_are_named(name):
    checker, right = CHECKERS[name]
    fb = assert_wrong_without_raising(checker, returning(right, lambda a: np.full_like(a, np.nan)))
    assert "NaN" in fb.text


@pytest.mark.parametrize("name", CHECKERS)
def test_text_answers_are_explained(name):
    checker, right = CHECKERS[name]
    assert_wrong_without_raising(checker, returning(right, lambda a: a.astype(str)))


@pytest.mark.parametrize("name", CHECKERS)
def test_true_false_answers_are_not_numbers(name):
    checker, right = CHECKERS[name]
    assert_wrong_without_raising(checker, returning(right, lambda a: a > 0))


@pytest.mark.parametrize("name", CHECKERS)
def test_returning_nothing_is_explained(name):
    assert_wrong_without_raising(CHECKERS[name][0], lambda *args: None)


@pytest.mark.parametrize("name", CHECKERS)
def test_a_solution_that_scribbles_on_its_inputs_after_answering_is_graded_wrong(name):
    checker, right = CHECKERS[name]

    def scribbler(*args):
        answer = each_number(right(*args), np.copy)  # the right answer, computed first and kept apart
        for a in args:
            for arr in a.values() if isinstance(a, dict) else [a]:
                if isinstance(arr, np.ndarray) and arr.dtype.kind in "fiu":  # numbers, and texts as integers
                    arr += 1  # then the caller's arrays are damaged (or the write raises, if read-only)
        return answer

    fb = assert_wrong_without_raising(checker, scribbler)
    if name not in WRITABLE_INPUTS:
        assert fb.mistake == INPUT_WRITTEN and "arr += 1" in fb.text, fb.text  # the mistake and its line


@pytest.mark.parametrize("name", ["bigram_perplexity", "legal_set_accuracy"])
@pytest.mark.parametrize("wrap", [lambda a: a.reshape(1, 1), lambda a: a.reshape(1)], ids=["(1, 1)", "(1,)"])
def test_one_number_wrapped_in_an_array_is_not_one_number(name, wrap):
    checker, right = CHECKERS[name]
    fb = assert_wrong_without_raising(checker, returning(right, lambda a: wrap(a) if a.ndim == 0 else a))
    assert "one number" in fb.text
