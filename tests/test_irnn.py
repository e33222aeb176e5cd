"""rnn_lib.irnn: the ReLU RNN's backward is the derivative of its forward, and the IRNN starts as Le et al. define it.

Finite differences in float64 for every array (the five parameters, x and h0), one sequence and a batch, on
problems whose pre-activations all keep a distance from 0, the ReLU's kink, larger than the differences' step.
"""

import numpy as np
import pytest

import rnn_lib
from rnn_lib import cells, irnn
from rnn_lib.gradcheck import check_gradients
from rnn_lib.training import train

LAYOUTS = {"single": None, "batch": 3}
ARRAYS = ("W_xh", "W_hh", "W_hy", "b_h", "b_y", "x", "h0")


def problem(seed, B, T=5, D=3, H=4, O=2):
    """A random problem (weights ~ 0.5·N(0, 1), h0 ≥ 0) with some units on and some off at every step."""
    p = rnn_lib.data.random_problem(seed, T=T, D=D, H=H, O=O, B=B)
    h0 = np.abs(p.h0)  # a ReLU state is never negative
    _, cache = irnn.forward(p.params, p.x, h0)
    a = cache.x @ p.params["W_xh"].T + cache.h[:-1] @ p.params["W_hh"].T + p.params["b_h"][:, 0]
    assert np.min(np.abs(a)) > 1e-3 and 0 < np.mean(a > 0) < 1, "choose another seed: a unit sits on the kink"
    return p.params, p.x, p.y, h0


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("name", ARRAYS)
def test_backward_matches_finite_differences(name, layout):
    params, x, y, h0 = problem(41, LAYOUTS[layout])
    arrays = {**{k: v.copy() for k, v in params.items()}, "x": x.copy(), "h0": h0.copy()}
    y_hat, cache = irnn.forward(params, x, h0)
    grads = irnn.backward(params, cache, y_hat - y)

    def loss():
        return rnn_lib.loss(irnn.forward(arrays, arrays["x"], arrays["h0"])[0], y)

    check_gradients(loss, {name: arrays[name]}, {name: grads[name]}, tol=1e-7).assert_ok()


@pytest.mark.parametrize("layout", LAYOUTS)
def test_the_tanh_derivative_in_its_place_fails_the_check(layout):
    # A planted bug: backward with tanh′ = 1 − h² instead of relu′ gives a gradient far from the differences.
    params, x, y, h0 = problem(41, LAYOUTS[layout])
    y_hat, cache = irnn.forward(params, x, h0)
    right = irnn.backward(params, cache, y_hat - y)["W_xh"]
    wrong = rnn_lib.engine.backward(params, cache, y_hat - y)["W_xh"]  # the tanh RNN's backward on ReLU states
    assert np.max(np.abs(wrong - right)) > 0.1 * np.max(np.abs(right))


@pytest.mark.parametrize("layout", LAYOUTS)
def test_backward_returns_every_array_with_its_shape(layout):
    params, x, y, h0 = problem(41, LAYOUTS[layout])
    y_hat, cache = irnn.forward(params, x, h0)
    grads = irnn.backward(params, cache, y_hat - y)
    assert {k: v.shape for k, v in grads.items()} == {
        **{k: v.shape for k, v in params.items()},
        "x": x.shape,
        "h0": h0.shape,
    }


def test_forward_is_relu_of_the_course_pre_activation():
    params, x, _, h0 = problem(41, 3)
    _, cache = irnn.forward(params, x, h0)
    h_prev = h0
    for t in range(1, x.shape[0] + 1):  # the column-form step, written out
        a_t = (params["W_xh"] @ x[t - 1].T + params["W_hh"] @ h_prev.T + params["b_h"]).T
        h_prev = np.maximum(a_t, 0.0)
        np.testing.assert_allclose(cache.h[t], h_prev, rtol=1e-14, atol=1e-15)


def test_init_params_is_le_et_al_identity_zero_biases_small_gaussian_weights():
    params = irnn.init_params(2, 100, 3, rng=np.random.default_rng(0))
    assert np.array_equal(params["W_hh"], np.eye(100))
    assert not params["b_h"].any() and not params["b_y"].any()
    for name in ("W_xh", "W_hy"):
        assert 0.0008 < params[name].std() < 0.0012 and abs(params[name].mean()) < 0.0003


def test_init_params_draws_from_the_global_rng_without_a_generator_and_keeps_the_dtype():
    np.random.seed(3)
    first = irnn.init_params(2, 5, 1, dtype=np.float32)
    np.random.seed(3)
    second = irnn.init_params(2, 5, 1, dtype=np.float32)
    assert all(np.array_equal(first[k], second[k]) and first[k].dtype == np.float32 for k in first)


def test_with_identity_weights_and_every_unit_on_the_error_reaches_every_input_unchanged():
    # W_hh = I, b_h = 0, positive inputs and input weights: every unit is on at every step, so the
    # Jacobian ∂h_t/∂h_{t−1} is I and the last step's error reaches x_1 exactly as it reaches x_T.
    rng = np.random.default_rng(5)
    params = irnn.init_params(2, 6, 1, rng=rng)
    params["W_xh"] = np.abs(params["W_xh"])
    x = rng.uniform(0.1, 1.0, size=(40, 2))
    y_hat, cache = irnn.forward(params, x)
    dy = np.zeros_like(y_hat)
    dy[-1] = 1.0
    dx = irnn.backward(params, cache, dy)["x"]
    np.testing.assert_allclose(dx, np.broadcast_to(dx[-1], dx.shape), rtol=1e-12)


def test_float32_parameters_compute_in_float32_close_to_float64():
    params, x, y, h0 = problem(41, 3)
    params32 = {k: v.astype(np.float32) for k, v in params.items()}
    y64, c64 = irnn.forward(params, x, h0)
    y32, c32 = irnn.forward(params32, x, h0)
    g64 = irnn.backward(params, c64, y64 - y)
    g32 = irnn.backward(params32, c32, y32 - y.astype(np.float32))
    assert y32.dtype == np.float32 and all(g32[k].dtype == np.float32 for k in g32)
    for k in g64:
        np.testing.assert_allclose(g32[k], g64[k], rtol=2e-4, atol=2e-5)


def test_bad_input_gets_a_precise_error():
    params, x, y, h0 = problem(41, 3)
    with pytest.raises(ValueError, match="3 features"):
        irnn.forward(params, x[:, :, :2])
    with pytest.raises(ValueError, match=r"h0 must have shape \(3, 4\)"):
        irnn.forward(params, x, h0[:2])
    y_hat, cache = irnn.forward(params, x, h0)
    with pytest.raises(ValueError, match="dy must have the shape of y_hat"):
        irnn.backward(params, cache, y_hat[:, :2])
    with pytest.raises(TypeError, match="rnn_lib.irnn.forward"):
        irnn.backward(params, (cache.x, cache.h), y_hat - y)
    with pytest.raises(ValueError, match="same params"):
        irnn.backward(rnn_lib.data.random_problem(1, D=3, H=5, O=2).params, cache, y_hat - y)


def test_train_with_the_irnn_cell_is_gradient_descent_on_its_own_gradients():
    rng = np.random.default_rng(6)
    x, y = rng.uniform(0, 1, size=(7, 6, 2)), rng.standard_normal((6, 1))
    params = irnn.init_params(2, 4, 1, rng=rng, scale=0.3)
    expected = {k: v.copy() for k, v in params.items()}
    for _ in range(3):  # full-batch gradient descent on the mean loss of the last step, written out
        y_hat, cache = irnn.forward(expected, x)
        dy = np.zeros_like(y_hat)
        dy[-1] = y_hat[-1] - y
        grads = irnn.backward(expected, cache, dy)
        for k in expected:
            expected[k] -= 0.1 * grads[k] / x.shape[1]
    train(params, x, y, epochs=3, batch_size=6, learning_rate=0.1, shuffle=False, cell=cells.IRNN, progress=False)
    for k in params:
        np.testing.assert_allclose(params[k], expected[k], rtol=1e-13, atol=1e-15)


def test_the_cell_is_found_by_its_name():
    assert cells.check_cell("irnn") is cells.IRNN


def test_backward_refuses_the_tanh_networks_cache_and_the_tanh_backward_refuses_this_one():
    params = irnn.init_params(3, 4, 2, rng=np.random.default_rng(0), scale=0.5)
    x = np.random.default_rng(1).standard_normal((5, 3))
    dy = np.ones((5, 2))
    with pytest.raises(TypeError, match="rnn_lib.irnn.forward"):
        irnn.backward(params, rnn_lib.forward(params, x)[1], dy)
    with pytest.raises(TypeError, match="rnn_lib.forward"):
        rnn_lib.backward(params, irnn.forward(params, x)[1], dy)


def test_the_cache_is_read_only_and_an_edited_one_is_refused():
    params = irnn.init_params(3, 4, 2, rng=np.random.default_rng(0), scale=0.5)
    _, cache = irnn.forward(params, np.random.default_rng(1).standard_normal((5, 3)))
    with pytest.raises(ValueError, match="read-only"):
        cache.h[2, 0, 0] = np.nan
    cache.h.flags.writeable = True
    cache.h[2, 0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN or inf"):
        irnn.backward(params, cache, np.ones((5, 2)))


def test_states_that_overflow_are_an_error_naming_the_step():
    params = irnn.init_params(2, 3, 1, rng=np.random.default_rng(0), scale=1.0)
    params["W_hh"] = 1e3 * np.eye(3)
    x = np.abs(np.random.default_rng(1).standard_normal((200, 2))) + 1.0
    before = {k: v.copy() for k, v in params.items()}
    with pytest.raises(FloatingPointError, match=r"overflowed float64 by step t = \d+"):
        irnn.forward(params, x)
    assert all(np.array_equal(params[k], before[k]) for k in params)


def test_states_too_large_for_memory_are_a_value_error(monkeypatch):
    params = irnn.init_params(2, 3, 1, rng=np.random.default_rng(0))
    x = np.zeros((4, 2))

    def no_memory(*args, **kwargs):
        raise MemoryError

    monkeypatch.setattr(irnn, "run_forward", no_memory)
    with pytest.raises(ValueError, match=r"hidden states, \(T \+ 1, H\) = \(5, 3\), would not fit"):
        irnn.forward(params, x)
    monkeypatch.setattr(rnn_lib.engine, "forward", no_memory)
    with pytest.raises(ValueError, match=r"\(T \+ 1, B, H\) = \(5, 1, 3\), would not fit"):
        rnn_lib.forward(params, x[:, None, :])
