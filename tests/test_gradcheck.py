"""rnn_lib.gradcheck: the tool every other gradient claim rests on, tested on functions with known answers."""

import numpy as np
import pytest

import rnn_lib
from rnn_lib.gradcheck import DEFAULT_EPS, DEFAULT_FLOOR, check_gradients, check_rnn, numerical_gradient, relative_error


def values_that_do_not_survive_a_round_trip(n):
    """Numbers v that v ± ε ∓ ε does not give back, whichever way round: only restoring a copy keeps them."""
    v = np.random.default_rng(0).uniform(1e-7, 1e-5, size=1000)  # near ε, where round-off bites
    eps = DEFAULT_EPS
    trapped = ((v + eps) - eps != v) & ((v - eps) + eps != v) & (((v + eps) - 2 * eps) + eps != v)
    return v[trapped][:n].copy()


# -- numerical_gradient -------------------------------------------------------------------


def test_numerical_gradient_restores_the_array_bitwise():
    x = values_that_do_not_survive_a_round_trip(6).reshape(2, 3)
    before = x.tobytes()
    numerical_gradient(lambda: np.sum(x**2), x)
    assert x.tobytes() == before


def test_numerical_gradient_of_sum_of_sin_is_cos():
    x = np.random.default_rng(1).uniform(-3.0, 3.0, size=(3, 4))
    grad = numerical_gradient(lambda: np.sum(np.sin(x)), x)
    assert relative_error(grad, np.cos(x)) < 1e-9


def test_numerical_gradient_perturbs_one_entry_at_a_time():
    # f couples the entries; its gradient is only right if each entry moves alone.
    x = np.array([0.3, -1.2, 2.0])
    grad = numerical_gradient(lambda: x[0] * x[1] + x[1] * x[2], x)
    assert relative_error(grad, np.array([x[1], x[0] + x[2], x[1]])) < 1e-9


def test_numerical_gradient_is_float64_and_shaped_like_the_array():
    x = np.ones((2, 3, 2), dtype=np.float32)
    grad = numerical_gradient(lambda: float(np.sum(x)), x, eps=1e-2)
    assert (grad.shape, grad.dtype) == (x.shape, np.float64)


# -- relative_error -----------------------------------------------------------------------


def test_relative_error_is_zero_for_equal_arrays():
    a = np.random.default_rng(2).standard_normal((3, 2))
    assert relative_error(a, a.copy()) == 0.0


def test_relative_error_is_one_for_opposite_arrays():
    a = np.random.default_rng(3).standard_normal((3, 2))
    assert relative_error(a, -a) == pytest.approx(1.0, abs=1e-15)


def test_relative_error_of_two_zero_arrays_is_zero_not_nan():
    assert relative_error(np.zeros(4), np.zeros(4)) == 0.0


def test_relative_error_divides_by_the_floor_when_both_gradients_are_tiny():
    tiny = np.full(4, 1e-12)
    # Without the floor this would be |2e-12| / 2·|1e-12| ≈ 1: two rounding errors compared with each other.
    expected = np.linalg.norm(2 * tiny) / DEFAULT_FLOOR
    assert relative_error(tiny, -tiny) == pytest.approx(expected, rel=1e-12)


def test_relative_error_refuses_arrays_of_different_shapes():
    # (2, 1) and (1, 2) would broadcast to (2, 2) without complaint: the check has to be explicit.
    with pytest.raises(ValueError, match="shape"):
        relative_error(np.zeros((2, 1)), np.zeros((1, 2)))


# -- check_gradients and its report -------------------------------------------------------


@pytest.fixture
def quadratic():
    """f = Σ a² + Σ a·b with its correct gradients: ∂f/∂a = 2a + b, ∂f/∂b = a."""
    rng = np.random.default_rng(4)
    arrays = {"a": rng.standard_normal(3), "b": rng.standard_normal(3)}

    def f():
        return np.sum(arrays["a"] ** 2) + np.sum(arrays["a"] * arrays["b"])

    right = {"a": 2 * arrays["a"] + arrays["b"], "b": arrays["a"].copy()}
    return f, arrays, right


def test_report_names_each_checked_array(quadratic):
    f, arrays, right = quadratic
    assert list(check_gradients(f, arrays, right).errors) == ["a", "b"]


def test_report_is_ok_for_correct_gradients(quadratic):
    f, arrays, right = quadratic
    assert check_gradients(f, arrays, right).ok


def test_report_flags_a_wrong_gradient(quadratic):
    f, arrays, right = quadratic
    wrong = right | {"b": -right["b"]}
    assert check_gradients(f, arrays, wrong).failed() == ["b"]


def test_report_is_not_ok_when_a_gradient_is_wrong(quadratic):
    f, arrays, right = quadratic
    wrong = right | {"a": 2 * arrays["a"]}  # the b term forgotten
    assert not check_gradients(f, arrays, wrong).ok


def test_assert_ok_is_silent_for_correct_gradients(quadratic):
    f, arrays, right = quadratic
    check_gradients(f, arrays, right).assert_ok()


def test_assert_ok_raises_naming_the_failing_array(quadratic):
    f, arrays, right = quadratic
    wrong = right | {"b": right["b"] + 0.1}
    with pytest.raises(AssertionError, match="failed for b"):
        check_gradients(f, arrays, wrong).assert_ok()


def test_check_gradients_skips_arrays_without_a_claimed_gradient(quadratic):
    f, arrays, right = quadratic
    assert list(check_gradients(f, arrays, {"b": right["b"]}).errors) == ["b"]


def test_check_gradients_leaves_the_arrays_bitwise_unchanged(quadratic):
    f, arrays, right = quadratic
    before = {k: v.tobytes() for k, v in arrays.items()}
    check_gradients(f, arrays, right)
    assert {k: v.tobytes() for k, v in arrays.items()} == before


# -- check_rnn ----------------------------------------------------------------------------


def test_check_rnn_passes_core_backward(make_problem):
    p = make_problem(seed=61, T=4, D=2, H=3, O=2)
    assert check_rnn(p.params, p.x, p.y, h0=p.h0).ok


def test_check_rnn_flags_a_deliberately_wrong_rnn_gradient(make_problem):
    p = make_problem(seed=62, T=4, D=2, H=3, O=2, B=2)
    y_hat, cache = rnn_lib.forward(p.params, p.x, p.h0)
    grads = rnn_lib.backward(p.params, cache, rnn_lib.loss_grad(y_hat, p.y))
    grads["W_hh"] = grads["W_hh"].T  # a classic slip: the transposed outer product
    assert check_rnn(p.params, p.x, p.y, h0=p.h0, grads=grads).failed() == ["W_hh"]


def test_check_rnn_leaves_the_callers_arrays_unchanged(make_problem):
    p = make_problem(seed=63, T=3, D=2, H=3, O=1)
    before = [a.tobytes() for a in (*p.params.values(), p.x, p.y, p.h0)]
    check_rnn(p.params, p.x, p.y, h0=p.h0)
    assert [a.tobytes() for a in (*p.params.values(), p.x, p.y, p.h0)] == before
