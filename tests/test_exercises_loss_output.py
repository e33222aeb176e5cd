"""The checkers of notebooks 02 and 03 accept right answers and name each classic mistake.

Each planted mistake is a small function a learner might write; the checker must return
status "wrong" with that mistake's name, and an unfinished exercise must give "not implemented".
"""

import numpy as np
import pytest

from rnn_lib.exercises import loss as loss_ex
from rnn_lib.exercises import output_layer as out_ex
from rnn_lib.exercises.loss import check_loss_and_grad
from rnn_lib.exercises.output_layer import check_output_layer_grads

# ---------------------------------------------------------------------------
# 02: loss_and_grad(y_hat, y) -> (loss, dy)
# ---------------------------------------------------------------------------


def loss_right(y_hat, y):
    dy = y_hat - y
    return 0.5 * float(np.sum(dy**2)), dy


def loss_sign(y_hat, y):
    dy = y - y_hat
    return 0.5 * float(np.sum(dy**2)), dy


def loss_no_half(y_hat, y):
    return float(np.sum((y_hat - y) ** 2)), 2 * (y_hat - y)


def loss_mean(y_hat, y):
    return 0.5 * float(np.mean((y_hat - y) ** 2)), (y_hat - y) / y.size


def loss_last_step(y_hat, y):
    dy = np.zeros_like(y)
    dy[-1] = y_hat[-1] - y[-1]
    return 0.5 * float(np.sum(dy[-1] ** 2)), dy


def loss_grad_flat(y_hat, y):
    dy = y_hat - y
    return 0.5 * float(np.sum(dy**2)), dy.ravel()


def loss_grad_column(y_hat, y):
    dy = y_hat - y
    return 0.5 * float(np.sum(dy**2)), dy[:, :, None]  # the reference's (T, O, 1) column vectors


def not_written(*args):
    raise NotImplementedError


def test_loss_checker_accepts_the_right_answer():
    fb = check_loss_and_grad(loss_right)
    assert fb.status == "correct", str(fb)


def test_loss_checker_accepts_numpy_scalar_loss():
    fb = check_loss_and_grad(lambda y_hat, y: (0.5 * np.sum((y_hat - y) ** 2), y_hat - y))
    assert fb.status == "correct", str(fb)


def test_loss_checker_reports_not_implemented():
    assert check_loss_and_grad(not_written).status == "not implemented"


@pytest.mark.parametrize(
    ("learner", "mistake"),
    [
        (loss_sign, loss_ex.SIGN),
        (loss_no_half, loss_ex.MISSING_HALF),
        (loss_mean, loss_ex.MEAN),
        (loss_last_step, loss_ex.LAST_STEP),
        (loss_grad_flat, loss_ex.WRONG_SHAPE),
        (loss_grad_column, loss_ex.WRONG_SHAPE),
    ],
)
def test_loss_checker_names_the_mistake(learner, mistake):
    fb = check_loss_and_grad(learner)
    assert (fb.status, fb.mistake) == ("wrong", mistake), str(fb)


def test_loss_checker_judges_loss_and_gradient_separately():
    # Sign flipped: the loss (a square) is still right, only dy is wrong, and the text says which.
    text = str(check_loss_and_grad(loss_sign))
    assert "loss: correct." in text and "dy:\n    This is exactly what the mistake" in text


def test_loss_checker_explains_a_missing_return_value():
    fb = check_loss_and_grad(lambda y_hat, y: y_hat - y)
    assert fb.status == "wrong" and "return two values" in str(fb)


# ---------------------------------------------------------------------------
# 03: output_layer_grads(dy, h) -> (dW_hy, db_y)
# ---------------------------------------------------------------------------


def out_right(dy, h):
    return dy.T @ h, dy.sum(axis=0)[:, None]


def out_right_loop(dy, h):
    dW_hy, db_y = np.zeros((dy.shape[1], h.shape[1])), np.zeros((dy.shape[1], 1))
    for t in range(len(dy)):
        dW_hy += np.outer(dy[t], h[t])
        db_y += dy[t][:, None]
    return dW_hy, db_y


def out_transposed(dy, h):
    return h.T @ dy, dy.sum(axis=0)[:, None]


def out_shifted(dy, h):
    h_prev = np.vstack([np.zeros((1, h.shape[1])), h[:-1]])
    return dy.T @ h_prev, dy.sum(axis=0)[:, None]


def out_shifted_wrapped(dy, h):
    dW_hy = np.zeros((dy.shape[1], h.shape[1]))
    for t in range(len(dy)):
        dW_hy += np.outer(dy[t], h[t - 1])  # at t = 0 this reads h[-1]
    return dW_hy, dy.sum(axis=0)[:, None]


def out_last_step(dy, h):
    return np.outer(dy[-1], h[-1]), dy[-1][:, None]


def out_mean(dy, h):
    return dy.T @ h / len(dy), dy.mean(axis=0)[:, None]


def out_flat_bias(dy, h):
    return dy.T @ h, dy.sum(axis=0)


@pytest.mark.parametrize("learner", [out_right, out_right_loop])
def test_output_checker_accepts_right_answers(learner):
    fb = check_output_layer_grads(learner)
    assert fb.status == "correct", str(fb)


def test_output_checker_reports_not_implemented():
    assert check_output_layer_grads(not_written).status == "not implemented"


@pytest.mark.parametrize(
    ("learner", "mistake"),
    [
        (out_transposed, out_ex.TRANSPOSED),
        (out_shifted, out_ex.SHIFTED),
        (out_shifted_wrapped, out_ex.SHIFTED_WRAPPED),
        (out_last_step, out_ex.LAST_STEP),
        (out_mean, out_ex.MEAN),
        (out_flat_bias, out_ex.FLAT_BIAS),
    ],
)
def test_output_checker_names_the_mistake(learner, mistake):
    fb = check_output_layer_grads(learner)
    assert (fb.status, fb.mistake) == ("wrong", mistake), str(fb)


def test_output_checker_names_the_wrong_value():
    # Only db_y is wrong: dW_hy is reported correct, db_y is named.
    text = str(check_output_layer_grads(out_flat_bias))
    assert "dW_hy: correct." in text and "db_y:\n    db_y has shape (3,), expected (3, 1)." in text


def test_output_checker_lists_two_mistakes_at_once():
    fb = check_output_layer_grads(lambda dy, h: (h.T @ dy, dy.sum(axis=0)))
    assert fb.mistake == f"{out_ex.TRANSPOSED} + {out_ex.FLAT_BIAS}"
