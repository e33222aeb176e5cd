"""Checkers of notebooks 06 (centred_difference) and 07 (sgd_step): right answers pass, each classic slip is named."""

import numpy as np
import pytest

from rnn_lib.exercises.finite_differences import check_centred_difference
from rnn_lib.exercises.training import check_sgd_step

# ---------------------------------------------------------------------------
# centred_difference(f, x, eps)
# ---------------------------------------------------------------------------


def centred(f, x, eps):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + eps
        f_plus = f(x)
        x[i] = old - eps
        f_minus = f(x)
        x[i] = old
        grad[i] = (f_plus - f_minus) / (2 * eps)
    return grad


def centred_arithmetic_restore(f, x, eps):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        x[i] += eps
        f_plus = f(x)
        x[i] -= 2 * eps
        f_minus = f(x)
        x[i] += eps  # back to old, up to the last bit
        grad[i] = (f_plus - f_minus) / (2 * eps)
    return grad


def forward_difference(f, x, eps):
    grad = np.zeros_like(x)
    f_0 = f(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + eps
        grad[i] = (f(x) - f_0) / eps
        x[i] = old
    return grad


def over_eps(f, x, eps):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + eps
        f_plus = f(x)
        x[i] = old - eps
        f_minus = f(x)
        x[i] = old
        grad[i] = (f_plus - f_minus) / eps
    return grad


def not_restored(f, x, eps):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        x[i] += eps
        f_plus = f(x)
        x[i] -= 2 * eps
        f_minus = f(x)
        grad[i] = (f_plus - f_minus) / (2 * eps)
    return grad


def not_restored_on_a_copy(f, x, eps):
    return not_restored(f, x.copy(), eps)


def unfinished(f, x, eps):
    raise NotImplementedError


def test_centred_difference_right_answer_passes():
    assert check_centred_difference(centred).status == "correct"


def test_centred_difference_arithmetic_restore_passes_with_a_note():
    fb = check_centred_difference(centred_arithmetic_restore)
    assert fb.status == "correct" and "x[i] = old" in str(fb)


def test_centred_difference_not_implemented():
    assert check_centred_difference(unfinished).status == "not implemented"


@pytest.mark.parametrize(
    "fn, mistake",
    [
        (forward_difference, "forward difference"),
        (over_eps, "divided by eps instead of 2 eps"),
        (not_restored, "x not restored"),
        (not_restored_on_a_copy, "x not restored"),
    ],
)
def test_centred_difference_mistake_is_named(fn, mistake):
    fb = check_centred_difference(fn)
    assert fb.status == "wrong"
    assert fb.mistake == mistake


# ---------------------------------------------------------------------------
# sgd_step(params, grads, lr)
# ---------------------------------------------------------------------------


def sgd(params, grads, lr):
    return {name: params[name] - lr * grads[name] for name in params}


def ascent(params, grads, lr):
    return {name: params[name] + lr * grads[name] for name in params}


def forgets_b_y(params, grads, lr):
    return {name: params[name] - lr * grads[name] if name != "b_y" else params[name] for name in params}


def drops_W_hh(params, grads, lr):
    return {name: params[name] - lr * grads[name] for name in params if name != "W_hh"}


def in_place(params, grads, lr):
    for name in params:
        params[name] -= lr * grads[name]
    return params


def in_place_no_return(params, grads, lr):
    for name in params:
        params[name] -= lr * grads[name]


def lr_squared(params, grads, lr):
    return {name: params[name] - lr * (lr * grads[name]) for name in params}


def step_twice(params, grads, lr):
    return {name: params[name] - lr * grads[name] - lr * grads[name] for name in params}


def not_written(params, grads, lr):
    raise NotImplementedError


def test_sgd_step_right_answer_passes():
    assert check_sgd_step(sgd).status == "correct"


def test_sgd_step_not_implemented():
    assert check_sgd_step(not_written).status == "not implemented"


@pytest.mark.parametrize(
    "fn, mistake",
    [
        (ascent, "gradient ascent"),
        (forgets_b_y, "forgot a parameter"),
        (drops_W_hh, "forgot a parameter"),
        (in_place, "updated in place"),
        (in_place_no_return, "updated in place"),
        (lr_squared, "lr applied twice"),
        (step_twice, "step applied twice"),
    ],
)
def test_sgd_step_mistake_is_named(fn, mistake):
    fb = check_sgd_step(fn)
    assert fb.status == "wrong"
    assert fb.mistake == mistake


@pytest.mark.parametrize("fn, name", [(forgets_b_y, "b_y"), (drops_W_hh, "W_hh")])
def test_sgd_step_names_the_forgotten_parameter(fn, name):
    assert name in str(check_sgd_step(fn))


def test_sgd_step_feedback_without_a_known_mistake_names_the_parameter():
    def wrong_W_xh(params, grads, lr):
        new = sgd(params, grads, lr)
        new["W_xh"] = new["W_xh"] + 0.5
        return new

    fb = check_sgd_step(wrong_W_xh)
    assert fb.status == "wrong" and fb.mistake is None and "W_xh" in str(fb)
