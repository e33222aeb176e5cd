"""One policy for a function that writes into its inputs (issue 21, item 5): every checker of notebooks 01-11 passes
its arrays read-only, so a right answer that also writes into an input is graded wrong as INPUT_WRITTEN, and the
feedback names that input, quotes the line that writes, and says how to compute into a new array instead.

Each learner below computes the right answer first (the right solutions of the exercise tests), then writes into one
input the way a learner does (+=, *=, v[...] = ..., out=, a method that sorts in place, an entry of a dict replaced),
using the exercise's own argument names, so that the name the feedback quotes is the one the learner wrote.
The one exception, notebook 06's centred difference, moves x[i] in place by contract: its test is "x not restored".
"""

import numpy as np
import pytest
from test_checker_robustness import CHECKERS

from course.exercises._feedback import INPUT_WRITTEN


def _right(name):
    return CHECKERS[name][1]


def output_layer(dy, h, W_hy):
    answer = _right("output_layer")(dy, h, W_hy)
    dy *= 1.0  # harmless arithmetic, but a write into the caller's δ^y
    return answer


def hidden_state(dy, h, W_hy, W_hh):
    answer = _right("hidden_state")(dy, h, W_hy, W_hh)
    h[0] = 0.0
    return answer


def recurrent_weights(dh_raw, x, h):
    answer = _right("recurrent_weights")(dh_raw, x, h)
    dh_raw += 0.0
    return answer


def train_gd(params, x, y, lr, epochs):
    answer = _right("train_gd")(params, x, y, lr, epochs)
    params["W_hh"] = answer[0]["W_hh"]  # the caller's dict now holds the trained matrix
    return answer


def jacobian_product(W_hh, h, t, k):
    answer = _right("jacobian_product")(W_hh, h, t, k)
    W_hh[...] = W_hh.T
    return answer


def clip_per_sequence(grads, max_norm):
    answer = _right("clip_per_sequence")(grads, max_norm)
    grads["W_xh"] *= 1.0
    return answer


def tbptt_gradients(params, x, y, k):
    answer = _right("tbptt_gradients")(params, x, y, k)
    np.multiply(x, 1.0, out=x)
    return answer


def weight_grads_from_deltas(dh_raw, x, h):
    answer = _right("weight_grads_from_deltas")(dh_raw, x, h)
    h.sort(axis=0)
    return answer


def relu_deltas(dh_out, h, W_hh):
    answer = _right("relu_deltas")(dh_out, h, W_hh)
    np.maximum(h, 0.0, out=h)
    return answer


WRITERS = {  # checker name: (learner, the input it writes, as the line names it; the line)
    "output_layer": (output_layer, "dy", "dy *= 1.0"),
    "hidden_state": (hidden_state, "h", "h[0] = 0.0"),
    "recurrent_weights": (recurrent_weights, "dh_raw", "dh_raw += 0.0"),
    "train_gd": (train_gd, "params", 'params["W_hh"] = answer[0]["W_hh"]'),
    "jacobian_product": (jacobian_product, "W_hh", "W_hh[...] = W_hh.T"),
    "clip_per_sequence": (clip_per_sequence, "grads['W_xh']", 'grads["W_xh"] *= 1.0'),
    "tbptt_gradients": (tbptt_gradients, "x", "np.multiply(x, 1.0, out=x)"),
    "weight_grads_from_deltas": (weight_grads_from_deltas, "h", "h.sort(axis=0)"),
    "relu_deltas": (relu_deltas, "h", "np.maximum(h, 0.0, out=h)"),
}
# rnn_step (h_prev), rnn_forward (h0) and weighted_loss (y_hat): tests/test_wrong_answers_01_11.py and _redc.py


@pytest.mark.parametrize("name", WRITERS)
def test_a_right_answer_that_writes_into_an_input_is_graded_wrong_naming_the_input_and_the_line(name):
    learner, written, line = WRITERS[name]
    assert CHECKERS[name][0](_right(name)).passed  # the right answer alone passes
    fb = CHECKERS[name][0](learner)
    assert fb.status == "wrong" and fb.mistake == INPUT_WRITTEN, fb.text
    text = " ".join(fb.text.split())  # the message is wrapped for the notebook
    assert f"`{written}`" in text and line in text and "new array" in text, text


def test_every_checker_of_01_11_but_the_centred_difference_is_covered():
    elsewhere = {"rnn_step", "rnn_forward", "weighted_loss"}
    first_eleven = {
        "rnn_step",
        "rnn_forward",
        "weighted_loss",
        "output_layer",
        "hidden_state",
        "recurrent_weights",
        "centred_difference",
        "train_gd",
        "jacobian_product",
        "clip_per_sequence",
        "tbptt_gradients",
        "weight_grads_from_deltas",
        "relu_deltas",
    }
    assert set(WRITERS) | elsewhere | {"centred_difference"} == first_eleven
