"""rnn_lib.lstm.backward and rnn_lib.gru.backward are the derivatives of their forward's loss.

Centred finite differences in float64 agree for every array (the six parameters, the inputs x, the initial
states h0 and, for the LSTM, c0), for one sequence (T, D) and a batch (T, B, D), with non-zero initial
states and weights of size ~0.5 so that every σ and tanh is far from linear.
"""

import numpy as np
import pytest

import rnn_lib
from course.gated_bugs import MODULES, STATE_NAMES, loss_function, random_problem
from rnn_lib import gru, lstm
from rnn_lib.gradcheck import check_gradients

TOLERANCE = 1e-7
ARRAYS = {cell: ("W_ih", "W_hh", "b_ih", "b_hh", "W_hy", "b_y", "x", *STATE_NAMES[cell]) for cell in MODULES}
CASES = [(cell, name) for cell in MODULES for name in ARRAYS[cell]]
LAYOUTS = {"single": None, "batch": 3}


def gradient_report(cell, problem, name):
    """Relative error of the library's gradient of ``name`` against finite differences of the loss."""
    params, x, y, states = problem
    arrays = {k: np.array(v) for k, v in {**params, "x": x, **states}.items()}
    module = MODULES[cell]
    y_hat, cache = module.forward(params, x, *states.values())
    grads = module.backward(params, cache, rnn_lib.loss_grad(y_hat, y))
    return check_gradients(loss_function(cell, arrays, y), {name: arrays[name]}, {name: grads[name]}, tol=TOLERANCE)


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("cell, name", CASES)
def test_backward_matches_finite_differences(cell, name, layout):
    problem = random_problem(cell, seed=31, T=5, D=3, H=4, O=2, B=LAYOUTS[layout])
    gradient_report(cell, problem, name).assert_ok()


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("cell, name", CASES)
def test_backward_matches_finite_differences_with_h_1(cell, name, layout):
    # H = 1: a gate block is one row, so slicing and broadcasting slips between (H,) and (H, 1) show here.
    problem = random_problem(cell, seed=32, T=4, D=2, H=1, O=3, B=LAYOUTS[layout])
    gradient_report(cell, problem, name).assert_ok()


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("cell, name", CASES)
def test_backward_matches_finite_differences_for_one_step(cell, name, layout):
    problem = random_problem(cell, seed=33, T=1, D=2, H=3, O=2, B=LAYOUTS[layout])
    gradient_report(cell, problem, name).assert_ok()


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("cell", MODULES)
def test_backward_returns_every_array_with_its_shape(cell, layout):
    params, x, y, states = random_problem(cell, seed=34, B=LAYOUTS[layout])
    y_hat, cache = MODULES[cell].forward(params, x, *states.values())
    grads = MODULES[cell].backward(params, cache, y_hat - y)
    expected = {k: v.shape for k, v in {**params, "x": x, **states}.items()}
    assert {k: v.shape for k, v in grads.items()} == expected


@pytest.mark.parametrize("cell", MODULES)
def test_default_initial_states_are_zero(cell):
    params, x, _, states = random_problem(cell, seed=35, B=2)
    zeros = {k: np.zeros_like(v) for k, v in states.items()}
    np.testing.assert_array_equal(MODULES[cell].forward(params, x)[0], MODULES[cell].forward(params, x, **zeros)[0])


def test_lstm_bias_gradients_are_equal():
    # b_ih and b_hh only ever appear as their sum b_ih + b_hh: their gradients are the same numbers.
    params, x, y, states = random_problem("LSTM", seed=36, B=3)
    y_hat, cache = lstm.forward(params, x, **states)
    grads = lstm.backward(params, cache, y_hat - y)
    np.testing.assert_array_equal(grads["b_ih"], grads["b_hh"])


def test_gru_bias_gradients_agree_on_r_and_z_and_differ_on_n():
    # b_hn is multiplied by r_t, b_in is not: the n blocks differ; for r and z only the sums act.
    params, x, y, states = random_problem("GRU", seed=37, B=3)
    y_hat, cache = gru.forward(params, x, **states)
    grads = gru.backward(params, cache, y_hat - y)
    H = 4
    np.testing.assert_array_equal(grads["b_ih"][: 2 * H], grads["b_hh"][: 2 * H])
    n_ih, n_hh = grads["b_ih"][2 * H :], grads["b_hh"][2 * H :]
    assert np.max(np.abs(n_ih - n_hh)) > 0.1 * np.max(np.abs(n_ih))


@pytest.mark.parametrize("cell, sigmoid_blocks, tanh_block", [("LSTM", (0, 1, 3), 2), ("GRU", (0, 1), 2)])
def test_problem_is_nonlinear_enough_to_expose_a_wrong_derivative(cell, sigmoid_blocks, tanh_block):
    # The finite-difference tests are only as strong as the problem: σ and tanh must work away from 0.
    params, x, _, states = random_problem(cell, seed=31, T=5, D=3, H=4, O=2, B=3)
    _, cache = MODULES[cell].forward(params, x, *states.values())
    blocks = MODULES[cell].gate_blocks(cache.gates)
    assert min(np.mean(np.abs(blocks[k] - 0.5)) for k in sigmoid_blocks) > 0.1
    assert np.mean(np.abs(blocks[tanh_block])) > 0.3
