"""The checker of notebook 15 accepts the right answer and names each known mistake.

Every mistake is planted the way a learner would write it, in a loop over time of their own (not through the
checker's switches).
"""

import numpy as np
import pytest

from course.exercises import relu_rnn
from course.exercises.relu_rnn import check_relu_deltas


def learner_relu(dh_out, h, W_hh, *, mistake=None):
    """A learner's ReLU-RNN recursion in row form; ``mistake`` plants one error."""
    T, B, H = dh_out.shape
    dh_raw = np.zeros((T, B, H))
    dh_next = np.zeros((B, H))
    steps = range(T) if mistake == "forwards" else reversed(range(T))
    for i in steps:  # row i holds step t = i + 1; h[i + 1] is h_t
        dh = dh_out[i] + (0.0 if mistake == "no dh_next" else dh_next)
        state = h[i] if mistake == "mask of h_prev" else h[i + 1]
        if mistake == "tanh'":
            mask = 1 - state**2
        elif mistake == "mask >= 0":
            mask = (state >= 0).astype(float)
        elif mistake == "h as derivative":
            mask = state
        else:
            mask = (state > 0).astype(float)
        dh_raw[i] = mask * dh
        back = dh if mistake == "carry dh" else dh_raw[i]
        dh_next = back @ (W_hh.T if mistake == "W_hh.T" else W_hh)
    return dh_raw


MISTAKES = {
    "tanh'": relu_rnn.TANH,
    "mask >= 0": relu_rnn.NO_MASK,
    "h as derivative": relu_rnn.H_AS_DERIVATIVE,
    "mask of h_prev": relu_rnn.MASK_OF_H_PREV,
    "carry dh": relu_rnn.UNMASKED_CARRY,
    "no dh_next": relu_rnn.NOT_CARRIED,
    "W_hh.T": relu_rnn.TRANSPOSED,
    "forwards": relu_rnn.FORWARDS,
}


def test_the_right_answer_passes():
    fb = check_relu_deltas(learner_relu)
    assert fb.passed, fb.text


def test_the_problem_has_units_off_and_on_and_a_non_zero_first_state():
    _, h, _ = relu_rnn.problem()
    assert 0.2 < np.mean(h[1:] > 0) < 0.8 and np.all(h[0] >= 0) and np.any(h[0] > 0)


@pytest.mark.parametrize("mistake", MISTAKES)
def test_each_known_mistake_is_named(mistake):
    fb = check_relu_deltas(lambda *a: learner_relu(*a, mistake=mistake))
    assert fb.status == "wrong" and fb.mistake == MISTAKES[mistake], fb.text


def test_the_known_mistakes_differ_from_the_answer_and_from_each_other():
    args = relu_rnn.problem()
    right = relu_rnn.relu_deltas(*args)
    values = [v for v, _ in relu_rnn.known_mistakes(*args).values()]
    assert all(not np.allclose(v, right, rtol=1e-6) for v in values)
    assert all(not np.allclose(a, b, rtol=1e-6) for i, a in enumerate(values) for b in values[i + 1 :])


def test_dropping_dh_next_is_right_at_the_last_step_only_and_says_so():
    fb = check_relu_deltas(lambda *a: learner_relu(*a, mistake="no dh_next"))
    assert "t = 1, 2, 3, 4, 5" in fb.text and "the other steps are right" in fb.text


def test_an_unknown_mistake_gets_the_wrong_steps_counted_from_1():
    def off_at_step_2(dh_out, h, W_hh):
        out = learner_relu(dh_out, h, W_hh)
        out[1] += 1.0
        return out

    fb = check_relu_deltas(off_at_step_2)
    assert fb.status == "wrong" and fb.mistake is None and "t = 2" in fb.text


def test_two_arrays_returned_is_refused_with_advice():
    fb = check_relu_deltas(lambda *a: (learner_relu(*a), None))
    assert fb.status == "wrong" and "Return one array" in fb.text


def test_an_unfinished_exercise_is_not_implemented():
    def unfinished(dh_out, h, W_hh):
        raise NotImplementedError

    assert check_relu_deltas(unfinished).status == "not implemented"
