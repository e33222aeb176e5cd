"""A batch (T, B, D) is B independent sequences: outputs per sequence, parameter gradients summed over them."""

import numpy as np
import pytest

import rnn_lib

PARAM_NAMES = ("W_xh", "W_hh", "W_hy", "b_h", "b_y")
T, B, D, H, O = 5, 4, 3, 4, 2


@pytest.fixture
def batch(make_problem):
    return make_problem(seed=31, T=T, D=D, H=H, O=O, B=B)


def batched_call(problem):
    """y_hat and gradients of the whole batch in one call."""
    y_hat, cache = rnn_lib.forward(problem.params, problem.x, problem.h0)
    return y_hat, rnn_lib.backward(problem.params, cache, rnn_lib.loss_grad(y_hat, problem.y))


def single_calls(problem):
    """y_hat and gradients of each sequence b on its own, as lists over b."""
    outputs, grads = [], []
    for b in range(problem.x.shape[1]):
        y_hat, cache = rnn_lib.forward(problem.params, problem.x[:, b], problem.h0[b])
        outputs.append(y_hat)
        grads.append(rnn_lib.backward(problem.params, cache, rnn_lib.loss_grad(y_hat, problem.y[:, b])))
    return outputs, grads


def test_batch_outputs_equal_single_sequence_outputs(batch, assert_close):
    y_hat, _ = batched_call(batch)
    outputs, _ = single_calls(batch)
    assert_close(y_hat, np.stack(outputs, axis=1))


@pytest.mark.parametrize("name", PARAM_NAMES)
def test_batch_parameter_gradient_is_sum_of_single_sequence_gradients(name, batch, assert_close):
    _, grads = batched_call(batch)
    _, singles = single_calls(batch)
    assert_close(grads[name], sum(g[name] for g in singles))


def test_batch_input_gradient_holds_each_sequence_input_gradient(batch, assert_close):
    _, grads = batched_call(batch)
    _, singles = single_calls(batch)
    assert_close(grads["x"], np.stack([g["x"] for g in singles], axis=1))


def test_batch_h0_gradient_holds_each_sequence_h0_gradient(batch, assert_close):
    _, grads = batched_call(batch)
    _, singles = single_calls(batch)
    assert_close(grads["h0"], np.stack([g["h0"] for g in singles], axis=0))


def test_batch_loss_is_sum_of_single_sequence_losses(batch):
    y_hat, _ = batched_call(batch)
    outputs, _ = single_calls(batch)
    singles = sum(rnn_lib.loss(outputs[b], batch.y[:, b]) for b in range(B))
    assert abs(rnn_lib.loss(y_hat, batch.y) - singles) <= 1e-12 * singles


def test_sequences_of_a_batch_do_not_influence_each_other(batch, assert_close):
    y_hat, _ = batched_call(batch)
    changed = batch.x.copy()
    changed[:, 1:] += 1.0  # every sequence but the first
    y_hat_changed, _ = rnn_lib.forward(batch.params, changed, batch.h0)
    assert_close(y_hat_changed[:, 0], y_hat[:, 0])


def test_batch_of_one_equals_the_single_sequence(batch, assert_close):
    one = batch._replace(x=batch.x[:, :1], y=batch.y[:, :1], h0=batch.h0[:1])
    y_hat, grads = batched_call(one)
    outputs, singles = single_calls(one)
    assert_close(y_hat[:, 0], outputs[0])
    for name in PARAM_NAMES:
        assert_close(grads[name], singles[0][name])
