"""The parameters' dtype decides the arithmetic: float32 params compute in float32 and agree with float64."""

import numpy as np
import pytest

import rnn_lib
from rnn_lib.gradcheck import relative_error

GRAD_NAMES = ("W_xh", "W_hh", "W_hy", "b_h", "b_y", "x", "h0")
FLOAT32_TOLERANCE = 1e-5  # float32 round-off is 6e-8; a few dozen operations deep stays well below this


@pytest.fixture
def problem(make_problem):
    return make_problem(seed=41, T=6, D=3, H=5, O=2, B=4)


def run(params, problem):
    """y_hat and gradients for these params (float64 inputs, whatever the params' dtype)."""
    y_hat, cache = rnn_lib.forward(params, problem.x, problem.h0)
    return y_hat, rnn_lib.backward(params, cache, rnn_lib.loss_grad(y_hat, problem.y))


def as_float32(params):
    return {k: v.astype(np.float32) for k, v in params.items()}


def test_float32_params_give_float32_outputs(problem):
    y_hat, _ = run(as_float32(problem.params), problem)
    assert y_hat.dtype == np.float32


@pytest.mark.parametrize("name", GRAD_NAMES)
def test_float32_params_give_float32_gradients(name, problem):
    _, grads = run(as_float32(problem.params), problem)
    assert grads[name].dtype == np.float32


def test_float32_hidden_states_are_float32(problem):
    _, cache = rnn_lib.forward(as_float32(problem.params), problem.x, problem.h0)
    assert cache.h.dtype == np.float32


def test_float32_inputs_do_not_lower_the_arithmetic_of_float64_params(problem, assert_close):
    x32, h0_32 = problem.x.astype(np.float32), problem.h0.astype(np.float32)
    y_from_32, _ = rnn_lib.forward(problem.params, x32, h0_32)
    y_from_64, _ = rnn_lib.forward(problem.params, x32.astype(np.float64), h0_32.astype(np.float64))
    assert y_from_32.dtype == np.float64
    assert_close(y_from_32, y_from_64, tol=1e-14)


def test_float32_outputs_agree_with_float64(problem):
    y32, _ = run(as_float32(problem.params), problem)
    y64, _ = run(problem.params, problem)
    assert relative_error(y32, y64) < FLOAT32_TOLERANCE


@pytest.mark.parametrize("name", GRAD_NAMES)
def test_float32_gradients_agree_with_float64(name, problem):
    _, g32 = run(as_float32(problem.params), problem)
    _, g64 = run(problem.params, problem)
    assert relative_error(g32[name], g64[name]) < FLOAT32_TOLERANCE


def test_float32_outputs_are_not_float64_results_rounded_at_the_end(problem):
    # Genuine float32 arithmetic differs from float64 in the last float32 digits, not only by the final rounding.
    y32, _ = run(as_float32(problem.params), problem)
    y64, _ = run(problem.params, problem)
    assert not np.array_equal(y32, y64.astype(np.float32))
