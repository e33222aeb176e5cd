"""Curvature (λ_max by power iteration on finite-difference Hessian-vector products) and the gradient's reach."""

import numpy as np
import pytest

import rnn_lib
from course.diagnostics import (
    gradient_by_lag,
    hessian_vector_product,
    input_gradient_by_lag,
    largest_eigenvalue,
    norm_shares,
    state_gradients,
)
from rnn_lib import gru, lstm
from rnn_lib.gradcheck import numerical_gradient, relative_error

NAMES = rnn_lib.PARAM_NAMES


def flat(d):
    return np.concatenate([d[k].ravel() for k in NAMES])


def unflat(v, like):
    out, i = {}, 0
    for k in NAMES:
        out[k] = v[i : i + like[k].size].reshape(like[k].shape)
        i += like[k].size
    return out


def small_params(seed=0, scale=0.6, D=1, H=3, O=1):
    g = np.random.default_rng(seed)
    return {k: scale * g.standard_normal(s) for k, s in rnn_lib.param_shapes(D, H, O).items()}


def quadratic(eigenvalues, seed=0):
    """The gradient θ ↦ Aθ of ½θᵀAθ on the five arrays of small_params, A symmetric with these eigenvalues."""
    like = small_params()
    n = flat(like).size
    Q, _ = np.linalg.qr(np.random.default_rng(seed).standard_normal((n, n)))
    lam = np.zeros(n)
    lam[: len(eigenvalues)] = eigenvalues
    A = Q @ np.diag(lam) @ Q.T
    return (lambda p: unflat(A @ flat(p), like)), like, A


def rnn_gradient(x, y):
    def grad(params):
        y_hat, cache = rnn_lib.forward(params, x)
        return rnn_lib.backward(params, cache, rnn_lib.loss_grad(y_hat, y))

    return grad


def test_hessian_vector_product_of_a_quadratic_is_a_times_v():
    grad, params, A = quadratic([5.0, -2.0, 1.0])
    v = small_params(seed=3)
    hv = hessian_vector_product(grad, params, v)
    assert relative_error(flat(hv), A @ flat(v)) < 1e-8


def test_largest_eigenvalue_of_a_quadratic():
    grad, params, A = quadratic([7.0, 3.0, -1.0, 0.5])
    assert abs(largest_eigenvalue(grad, params) - 7.0) < 1e-6


def test_largest_eigenvalue_is_the_most_positive_even_when_a_negative_one_is_larger_in_size():
    grad, params, _ = quadratic([2.0, -9.0, 0.3])  # power iteration alone would find -9
    assert abs(largest_eigenvalue(grad, params) - 2.0) < 1e-6


def test_largest_eigenvalue_of_an_rnn_loss_matches_the_full_finite_difference_hessian():
    x = np.random.default_rng(1).standard_normal((5, 1))
    y = np.random.default_rng(2).standard_normal((5, 1))
    grad, params = rnn_gradient(x, y), small_params()
    n, eps = flat(params).size, 1e-5
    hessian = np.empty((n, n))
    for i in range(n):  # column i: centred difference of the gradient along the i-th parameter
        e = np.zeros(n)
        e[i] = eps
        hessian[:, i] = (
            flat(grad(unflat(flat(params) + e, params))) - flat(grad(unflat(flat(params) - e, params)))
        ) / (2 * eps)
    expected = np.linalg.eigvalsh((hessian + hessian.T) / 2).max()
    assert abs(largest_eigenvalue(grad, params) - expected) < 1e-5 * abs(expected)


def test_curvature_functions_leave_the_parameters_bit_identical():
    x, y = rnn_lib.data.toy_task()
    params = small_params()
    before = {k: v.copy() for k, v in params.items()}
    largest_eigenvalue(rnn_gradient(x, y), params, iters=20)
    assert all(np.array_equal(params[k], before[k]) for k in NAMES)


def test_largest_eigenvalue_rejects_a_gradient_that_is_not_a_function():
    with pytest.raises(TypeError, match="grad must be a function"):
        largest_eigenvalue({"W_hh": 1}, small_params())


def test_largest_eigenvalue_rejects_zero_iterations():
    grad, params, _ = quadratic([1.0])
    with pytest.raises(ValueError, match="iters"):
        largest_eigenvalue(grad, params, iters=0)


def reference_state_gradients(params, x, dy):
    """δ^h_t by the recursion δ^h_{t−1} = W_hyᵀδ^y_{t−1} + W_hhᵀ((1 − h_t²) ⊙ δ^h_t), one sequence: (T + 1, H)."""
    _, cache = rnn_lib.forward(params, x)
    h = cache.h[:, 0]
    T = len(x)
    out = np.zeros_like(h)
    out[T] = params["W_hy"].T @ dy[T - 1]
    for t in range(T, 0, -1):
        out[t - 1] = params["W_hh"].T @ ((1 - h[t] ** 2) * out[t]) + (params["W_hy"].T @ dy[t - 2] if t >= 2 else 0)
    return out


def test_state_gradients_follow_the_backward_recursion():
    params = small_params(D=2, H=4, O=2)
    g = np.random.default_rng(5)
    x, dy = g.standard_normal((7, 2)), g.standard_normal((7, 2))
    assert relative_error(state_gradients(params, x, dy), reference_state_gradients(params, x, dy)) < 1e-12


def test_state_gradients_match_finite_differences_of_the_loss_in_a_middle_state():
    params = small_params(D=2, H=4, O=2)
    g = np.random.default_rng(6)
    x, y = g.standard_normal((6, 2)), g.standard_normal((6, 2))
    y_hat, cache = rnn_lib.forward(params, x)
    t = 3
    h_t = cache.h[t, 0].copy()

    def loss_from_step_t():  # L_t through ŷ_t, and L_{t+1} … L_T restarted from h_t; earlier losses do not use h_t
        y_hat_t = params["W_hy"] @ h_t + params["b_y"][:, 0]
        return 0.5 * float(np.sum((y_hat_t - y[t - 1]) ** 2)) + rnn_lib.loss(
            rnn_lib.forward(params, x[t:], h_t)[0], y[t:]
        )

    numeric = numerical_gradient(loss_from_step_t, h_t)
    assert relative_error(state_gradients(params, x, y_hat - y)[t], numeric) < 1e-7


def test_state_gradients_of_a_batch_are_those_of_each_sequence():
    params = small_params(D=2, H=3, O=1)
    g = np.random.default_rng(7)
    x, dy = g.standard_normal((5, 3, 2)), g.standard_normal((5, 3, 1))
    batch = state_gradients(params, x, dy)
    for b in range(3):
        assert relative_error(batch[:, b], state_gradients(params, x[:, b], dy[:, b])) < 1e-12


def test_gradient_by_lag_is_the_mean_norm_of_the_last_step_gradient_counted_back():
    params = small_params(D=2, H=3, O=1)
    g = np.random.default_rng(8)
    x, y_last = g.standard_normal((6, 4, 2)), g.standard_normal((4, 1))
    y_hat, _ = rnn_lib.forward(params, x)
    dy = np.zeros_like(y_hat)
    dy[-1] = y_hat[-1] - y_last
    by_step = np.linalg.norm(state_gradients(params, x, dy), axis=2).mean(axis=1)
    lags = gradient_by_lag(params, x, y_last)
    assert lags.shape == (7,) and relative_error(lags, by_step[::-1]) < 1e-12


@pytest.mark.parametrize("cell", ["RNN", "LSTM", "GRU", "IRNN"])
def test_input_gradient_by_lag_is_the_last_step_error_reaching_each_input_by_finite_differences(cell):
    rng = np.random.default_rng(8)
    T, B, D, H = 6, 3, 2, 4
    make = {"LSTM": lstm.init_params, "GRU": gru.init_params}.get(cell)
    params = make(D, H, 1, rng=rng) if make else rnn_lib.data.random_problem(8, D=D, H=H, O=1).params
    x, y = rng.uniform(0.1, 1.0, size=(T, B, D)), rng.standard_normal((B, 1))
    forward = rnn_lib.cells.check_cell(cell).forward

    def last_loss():  # L_T summed over the batch: each sequence's ∂L_T/∂x_t is its own
        return 0.5 * float(np.sum((forward(params, x)[0][-1] - y) ** 2))

    numeric = np.linalg.norm(numerical_gradient(last_loss, x), axis=-1).mean(axis=-1)[::-1]
    assert relative_error(input_gradient_by_lag(params, x, y, cell=cell), numeric) < 1e-7


def test_input_gradient_by_lag_wants_the_last_step_targets():
    params = rnn_lib.data.random_problem(9, D=2, H=3, O=1).params
    with pytest.raises(ValueError, match=r"shape \(B, O\)"):
        input_gradient_by_lag(params, np.zeros((4, 2, 2)), np.zeros((4, 2, 1)))


def test_norm_shares_square_to_one_and_find_where_the_norm_is():
    grads = {k: np.zeros(s) for k, s in rnn_lib.param_shapes(1, 3, 1).items()}
    grads["W_hy"][0, 1] = 3.0
    grads["b_y"][0, 0] = 4.0
    shares = norm_shares(grads)
    assert abs(shares["W_hy"] - 0.6) < 1e-15 and abs(shares["b_y"] - 0.8) < 1e-15 and shares["W_hh"] == 0.0
    assert abs(sum(s * s for s in norm_shares(small_params()).values()) - 1) < 1e-12
