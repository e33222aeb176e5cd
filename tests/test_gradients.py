"""rnn_lib.backward is the derivative of rnn_lib.forward's loss: centred finite differences in float64 agree.

Each test checks one array (a parameter, the inputs x or the initial state h0) for one layout (one
sequence (T, D) or a batch (T, B, D)), with non-zero h0 and weights of size ~0.5 so tanh is far from linear.
"""

import numpy as np
import pytest

import rnn_lib
from rnn_lib.gradcheck import check_gradients

TOLERANCE = 1e-7
ARRAYS = ("W_xh", "W_hh", "W_hy", "b_h", "b_y", "x", "h0")
LAYOUTS = {"single": None, "batch": 3}  # B for make_problem


def gradient_report(problem, name):
    """Relative error of rnn_lib.backward's gradient of ``name`` against finite differences of the loss."""
    arrays = {k: v.copy() for k, v in problem.params.items()}
    arrays["x"] = problem.x.copy()
    arrays["h0"] = problem.h0.copy()
    params = {k: arrays[k] for k in rnn_lib.PARAM_NAMES}

    def loss():
        y_hat, _ = rnn_lib.forward(params, arrays["x"], arrays["h0"])
        return rnn_lib.loss(y_hat, problem.y)

    y_hat, cache = rnn_lib.forward(params, arrays["x"], arrays["h0"])
    grads = rnn_lib.backward(params, cache, rnn_lib.loss_grad(y_hat, problem.y))
    return check_gradients(loss, {name: arrays[name]}, {name: grads[name]}, tol=TOLERANCE)


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("name", ARRAYS)
def test_backward_gradient_matches_finite_differences(name, layout, make_problem):
    problem = make_problem(seed=21, T=5, D=3, H=4, O=2, B=LAYOUTS[layout])
    report = gradient_report(problem, name)
    report.assert_ok()


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("name", ARRAYS)
def test_backward_gradient_matches_finite_differences_with_h_1(name, layout, make_problem):
    # H = 1 and D, O > 1: broadcasting slips between (H,) and (H, 1) show up here.
    problem = make_problem(seed=22, T=4, D=2, H=1, O=3, B=LAYOUTS[layout])
    gradient_report(problem, name).assert_ok()


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("name", ARRAYS)
def test_backward_gradient_matches_finite_differences_for_one_step(name, layout, make_problem):
    problem = make_problem(seed=23, T=1, D=2, H=3, O=2, B=LAYOUTS[layout])
    gradient_report(problem, name).assert_ok()


def test_backward_returns_the_five_parameter_gradients_and_x_and_h0(make_problem):
    problem = make_problem(seed=24, T=3, D=2, H=3, O=2)
    y_hat, cache = rnn_lib.forward(problem.params, problem.x, problem.h0)
    grads = rnn_lib.backward(problem.params, cache, rnn_lib.loss_grad(y_hat, problem.y))
    assert sorted(grads) == sorted(ARRAYS)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_backward_gradients_have_the_shapes_of_their_arrays(layout, make_problem):
    problem = make_problem(seed=25, T=3, D=2, H=3, O=2, B=LAYOUTS[layout])
    y_hat, cache = rnn_lib.forward(problem.params, problem.x, problem.h0)
    grads = rnn_lib.backward(problem.params, cache, rnn_lib.loss_grad(y_hat, problem.y))
    shapes = {k: v.shape for k, v in problem.params.items()} | {"x": problem.x.shape, "h0": problem.h0.shape}
    assert {k: v.shape for k, v in grads.items()} == shapes


def test_loss_grad_is_the_derivative_of_loss(make_problem):
    problem = make_problem(seed=26, T=4, D=2, H=3, O=2, B=2)
    y_hat = np.random.default_rng(0).standard_normal(problem.y.shape)
    report = check_gradients(
        lambda: rnn_lib.loss(y_hat, problem.y), {"y_hat": y_hat}, {"y_hat": rnn_lib.loss_grad(y_hat, problem.y)}
    )
    report.assert_ok()


def test_loss_is_half_the_sum_of_squared_errors():
    y_hat = np.array([[1.0, 2.0], [3.0, 4.0]])
    y = np.array([[0.0, 2.0], [1.0, 1.0]])
    assert rnn_lib.loss(y_hat, y) == 0.5 * (1.0 + 0.0 + 4.0 + 9.0)


def test_problem_is_nonlinear_enough_to_expose_a_wrong_tanh_derivative(make_problem):
    # The finite-difference tests are only as strong as the problem: hidden states must be far from 0.
    problem = make_problem(seed=21, T=5, D=3, H=4, O=2, B=3)
    _, cache = rnn_lib.forward(problem.params, problem.x, problem.h0)
    assert np.mean(np.abs(cache.h[1:])) > 0.3


# -- the same check on the paths that large problems take ----------------------------------------


@pytest.mark.parametrize("name", ARRAYS)
def test_backward_in_blocks_of_steps_matches_finite_differences(name, make_problem, monkeypatch):
    # Long sequences are walked back in blocks of steps; force that on a small problem (T = 7, blocks of 2).
    monkeypatch.setattr(rnn_lib.engine, "ONE_BLOCK_BYTES", 0)
    problem = make_problem(seed=27, T=7, D=3, H=4, O=2, B=3)
    gradient_report(problem, name).assert_ok()


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("name", ARRAYS)
def test_reference_backward_matches_finite_differences(name, layout, make_problem):
    # The readable reference, checked on its own (not only through its equality with the engine).
    problem = make_problem(seed=29, T=5, D=3, H=4, O=2, B=LAYOUTS[layout])
    arrays = {**{k: v.copy() for k, v in problem.params.items()}, "x": problem.x.copy(), "h0": problem.h0.copy()}

    def loss():
        return rnn_lib.reference.loss(rnn_lib.reference.forward(arrays, arrays["x"], arrays["h0"])[0], problem.y)

    grads = rnn_lib.reference.gradients(arrays, arrays["x"], problem.y, arrays["h0"])
    check_gradients(loss, {name: arrays[name]}, {name: grads[name]}, tol=TOLERANCE).assert_ok()
