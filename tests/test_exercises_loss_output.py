"""The checkers of notebooks 02 and 03 accept right answers and name each classic mistake.

Each planted mistake is a small function a learner might write; the checker must return
status "wrong" with that mistake's name, and an unfinished exercise must give "not implemented".
"""

import numpy as np
import pytest

import rnn_lib
from course.exercises import loss as loss_ex
from course.exercises import output_layer as out_ex
from course.exercises.loss import check_weighted_loss_and_grad
from course.exercises.output_layer import check_output_layer_backward

# ---------------------------------------------------------------------------
# 02: weighted_loss_and_grad(y_hat, y, w) -> (loss, dy), y_hat (T, B, O), w (T,)
# ---------------------------------------------------------------------------


def steps(w):
    return w[:, None, None]  # (T, 1, 1)


def loss_right(y_hat, y, w):
    diff = y_hat - y
    return 0.5 * float(np.sum(steps(w) * diff**2)), steps(w) * diff


def loss_loop(y_hat, y, w):  # a loop over the steps: also right
    loss, dy = 0.0, np.zeros_like(y_hat)
    for t in range(len(w)):
        dy[t] = w[t] * (y_hat[t] - y[t])
        loss += 0.5 * w[t] * float(np.sum((y_hat[t] - y[t]) ** 2))
    return loss, dy


def loss_sign(y_hat, y, w):
    diff = y - y_hat
    return 0.5 * float(np.sum(steps(w) * diff**2)), steps(w) * diff


def loss_no_half(y_hat, y, w):
    diff = y_hat - y
    return float(np.sum(steps(w) * diff**2)), 2 * steps(w) * diff


def loss_mean(y_hat, y, w):
    diff = y_hat - y
    return 0.5 * float(np.mean(steps(w) * diff**2)), steps(w) * diff / y.size


def loss_last_step(y_hat, y, w):
    dy = np.zeros_like(y)
    dy[-1] = w[-1] * (y_hat[-1] - y[-1])
    return 0.5 * w[-1] * float(np.sum((y_hat[-1] - y[-1]) ** 2)), dy


def loss_grad_flat(y_hat, y, w):
    loss, dy = loss_right(y_hat, y, w)
    return loss, dy.ravel()


def loss_grad_column(y_hat, y, w):
    loss, dy = loss_right(y_hat, y, w)
    return loss, dy[..., None]  # the reference's column vectors


def loss_grad_without_weight(y_hat, y, w):
    return loss_right(y_hat, y, w)[0], y_hat - y


def loss_weight_squared(y_hat, y, w):
    weighted = steps(w) * (y_hat - y)
    return 0.5 * float(np.sum(weighted**2)), steps(w) * weighted


def loss_half_in_grad(y_hat, y, w):
    loss, dy = loss_right(y_hat, y, w)
    return loss, 0.5 * dy


def loss_per_step(y_hat, y, w):
    diff = y_hat - y
    return 0.5 * w * np.sum(diff**2, axis=(1, 2)), steps(w) * diff


def loss_per_sequence(y_hat, y, w):
    diff = y_hat - y
    return 0.5 * np.sum(steps(w) * diff**2, axis=(0, 2)), steps(w) * diff


def loss_norm(y_hat, y, w):
    diff = y_hat - y
    norms = np.linalg.norm(diff, axis=2, keepdims=True)
    return 0.5 * float(np.sum(steps(w) * norms)), steps(w) * diff / norms


def loss_batch_mean(y_hat, y, w):
    B = y.shape[1]
    loss, dy = loss_right(y_hat, y, w)
    return loss / B, dy / B


def not_written(*args):
    raise NotImplementedError


@pytest.mark.parametrize("learner", [loss_right, loss_loop])
def test_loss_checker_accepts_the_right_answer(learner):
    fb = check_weighted_loss_and_grad(learner)
    assert fb.status == "correct", fb.text


def test_loss_checker_accepts_numpy_scalar_loss():
    fb = check_weighted_loss_and_grad(
        lambda y_hat, y, w: (np.float64(loss_right(y_hat, y, w)[0]), loss_right(y_hat, y, w)[1])
    )
    assert fb.status == "correct", fb.text


def test_loss_reference_with_unit_weights_is_the_problems_loss():
    rng = np.random.default_rng(0)
    y_hat, y = rng.standard_normal((4, 2, 3)), rng.standard_normal((4, 2, 3))
    loss, dy = loss_ex.weighted_loss_and_grad(y_hat, y, np.ones(4))
    assert abs(loss - rnn_lib.loss(y_hat, y)) < 1e-12 * loss
    np.testing.assert_allclose(dy, rnn_lib.loss_grad(y_hat, y), rtol=1e-14, atol=0)


def test_loss_checker_reports_not_implemented():
    assert check_weighted_loss_and_grad(not_written).status == "not implemented"


@pytest.mark.parametrize(
    ("learner", "mistake"),
    [
        (loss_sign, loss_ex.SIGN),
        (loss_no_half, loss_ex.MISSING_HALF),
        (loss_mean, loss_ex.MEAN),
        (loss_last_step, loss_ex.LAST_STEP),
        (loss_grad_flat, loss_ex.WRONG_SHAPE),
        (loss_grad_column, loss_ex.WRONG_SHAPE),
        (loss_grad_without_weight, loss_ex.NO_WEIGHT),
        (loss_weight_squared, loss_ex.WEIGHT_SQUARED),
        (loss_half_in_grad, loss_ex.HALF_IN_GRAD),
        (loss_per_step, loss_ex.PER_STEP),
        (loss_per_sequence, loss_ex.PER_SEQUENCE),
        (loss_norm, loss_ex.NORM),
        (loss_batch_mean, loss_ex.BATCH_MEAN),
    ],
)
def test_loss_checker_names_the_mistake(learner, mistake):
    fb = check_weighted_loss_and_grad(learner)
    assert (fb.status, fb.mistake) == ("wrong", mistake), fb.text


def test_loss_checker_judges_loss_and_gradient_separately():
    # Sign flipped: the loss (a square) is still right, only dy is wrong, and the text says which.
    text = (check_weighted_loss_and_grad(loss_sign)).text
    assert "loss: correct." in text and "dy:\n    This is exactly what the mistake" in text


def test_loss_checker_sign_advice_is_about_prediction_minus_target():
    text = (check_weighted_loss_and_grad(lambda y_hat, y, w: (loss_right(y_hat, y, w)[0], 2 * (y - y_hat)))).text
    assert "relative error" in text  # not the known sign mistake (a factor 2 too): the general sign check
    fb = check_weighted_loss_and_grad(lambda y_hat, y, w: (-loss_right(y_hat, y, w)[0], loss_right(y_hat, y, w)[1]))
    assert fb.mistake == "sign flipped" and "never negative" in fb.text


def test_loss_checker_counts_steps_from_1():
    def last_step_off(y_hat, y, w):
        loss, dy = loss_right(y_hat, y, w)
        dy = dy.copy()
        dy[-1] *= 1.5
        return loss, dy

    assert "dy is wrong at t = 5 (row t − 1 holds step t)" in (check_weighted_loss_and_grad(last_step_off)).text


def test_loss_checker_explains_a_weight_that_does_not_broadcast():
    fb = check_weighted_loss_and_grad(lambda y_hat, y, w: (0.0, w * (y_hat - y)))  # (T,) against (T, B, O)
    assert fb.status == "wrong" and "w[:, None, None]" in fb.text


def test_loss_checker_explains_a_missing_return_value():
    fb = check_weighted_loss_and_grad(lambda y_hat, y, w: y_hat - y)
    assert fb.status == "wrong" and "return two values" in fb.text


# ---------------------------------------------------------------------------
# 03: output_layer_backward(dy, h, W_hy) -> (dh, dW_hy, db_y), dy (T, B, O), h (T + 1, B, H) = h_0 … h_T
# ---------------------------------------------------------------------------


def out_dW(dy, h):
    return np.einsum("tbo,tbh->oh", dy, h)


def out_db(dy):
    return dy.sum(axis=(0, 1))[:, None]


def out_right(dy, h, W_hy):
    T, B, O = dy.shape
    return dy @ W_hy, dy.reshape(T * B, O).T @ h[1:].reshape(T * B, -1), out_db(dy)


def out_right_loop(dy, h, W_hy):  # one sequence and one step at a time, in column form, t from 1: also right
    T, B, O = dy.shape
    dh = np.zeros((T, B, h.shape[2]))
    dW_hy, db_y = np.zeros(W_hy.shape), np.zeros((O, 1))
    for t in range(1, T + 1):
        for b in range(B):
            dh[t - 1, b] = W_hy.T @ dy[t - 1, b]
            dW_hy += np.outer(dy[t - 1, b], h[t, b])
            db_y += dy[t - 1, b][:, None]
    return dh, dW_hy, db_y


def out_w_hy_t(dy, h, W_hy):
    return dy @ W_hy.T, out_dW(dy, h[1:]), out_db(dy)


def out_w_hy_t_column(dy, h, W_hy):
    return np.stack([W_hy.T @ dy[t] for t in range(len(dy))]), out_dW(dy, h[1:]), out_db(dy)


def out_dh_batch_sum(dy, h, W_hy):
    return (dy @ W_hy).sum(axis=1), out_dW(dy, h[1:]), out_db(dy)


def out_dh_batch_sum_keepdims(dy, h, W_hy):
    return (dy @ W_hy).sum(axis=1, keepdims=True), out_dW(dy, h[1:]), out_db(dy)


def out_dh_time_sum(dy, h, W_hy):
    return (dy @ W_hy).sum(axis=0), out_dW(dy, h[1:]), out_db(dy)


def out_transposed(dy, h, W_hy):
    return dy @ W_hy, np.einsum("tbh,tbo->ho", h[1:], dy), out_db(dy)


def out_shifted(dy, h, W_hy):  # the loop over rows t = 0 … T − 1 reads h[t], which is h_{t}, one step early
    dW_hy = np.zeros(W_hy.shape)
    for t in range(len(dy)):
        dW_hy += dy[t].T @ h[t]
    return dy @ W_hy, dW_hy, out_db(dy)


def out_mean(dy, h, W_hy):
    T, B = dy.shape[:2]
    return dy @ W_hy, out_dW(dy, h[1:]) / (T * B), dy.mean(axis=(0, 1))[:, None]


def out_flat_bias(dy, h, W_hy):
    return dy @ W_hy, out_dW(dy, h[1:]), dy.sum(axis=(0, 1))


def out_last_step(dy, h, W_hy):
    dh = np.zeros(dy.shape[:2] + (h.shape[2],))
    dh[-1] = dy[-1] @ W_hy
    return dh, dy[-1].T @ h[-1], dy[-1].sum(axis=0)[:, None]


def out_not_summed_over_batch(dy, h, W_hy):
    return dy @ W_hy, np.einsum("tbo,tbh->boh", dy, h[1:]), out_db(dy)


def out_all_states(dy, h, W_hy):  # h used as if it held h_1 … h_T
    return dy @ W_hy, out_dW(dy, h), out_db(dy)


def out_all_states_reshaped(dy, h, W_hy):
    T, B, O = dy.shape
    return dy @ W_hy, dy.reshape(T * B, O).T @ h.reshape(T * B, -1), out_db(dy)


def out_dh_with_h0(dy, h, W_hy):
    dh = np.zeros_like(h)
    dh[1:] = dy @ W_hy
    return dh, out_dW(dy, h[1:]), out_db(dy)


def out_scalar_bias(dy, h, W_hy):
    return dy @ W_hy, out_dW(dy, h[1:]), np.sum(dy)


def out_tanh_prime(dy, h, W_hy):
    return (dy @ W_hy) * (1 - h[1:] ** 2), out_dW(dy, h[1:]), out_db(dy)


def out_first_sequence(dy, h, W_hy):
    return dy @ W_hy, dy[:, 0].T @ h[1:, 0], dy[:, 0].sum(axis=0)[:, None]


@pytest.mark.parametrize("learner", [out_right, out_right_loop])
def test_output_checker_accepts_right_answers(learner):
    fb = check_output_layer_backward(learner)
    assert fb.status == "correct", fb.text


def test_output_reference_agrees_with_rnn_lib():
    # The reference is rnn_lib.output_step_backward applied at every step, with dW_hy and db_y summed over t.
    rng = np.random.default_rng(1)
    dy, h, W_hy = rng.standard_normal((4, 3, 2)), rng.standard_normal((5, 3, 5)), rng.standard_normal((2, 5))
    dh, dW_hy, db_y = out_ex.output_layer_backward(dy, h, W_hy)
    steps_ = [rnn_lib.output_step_backward(dy[t - 1], (h[t], W_hy)) for t in range(1, 5)]
    np.testing.assert_allclose(dh, np.stack([s[0] for s in steps_]), rtol=1e-13, atol=1e-13)
    np.testing.assert_allclose(dW_hy, sum(s[1] for s in steps_), rtol=1e-13, atol=1e-13)
    np.testing.assert_allclose(db_y, sum(s[2] for s in steps_), rtol=1e-13, atol=1e-13)


def test_output_checker_sizes_all_differ():
    assert len(set(out_ex.SIZES.values())) == 4


def test_output_checker_reports_not_implemented():
    assert check_output_layer_backward(not_written).status == "not implemented"


OUTPUT_MISTAKES = [
    (out_w_hy_t, out_ex.W_HY_T),
    (out_w_hy_t_column, out_ex.W_HY_T),
    (out_dh_batch_sum, out_ex.DH_BATCH_SUM),
    (out_dh_batch_sum_keepdims, out_ex.DH_BATCH_SUM),
    (out_dh_time_sum, out_ex.DH_TIME_SUM),
    (out_transposed, out_ex.TRANSPOSED),
    (out_shifted, out_ex.SHIFTED),
    (out_mean, out_ex.MEAN),
    (out_flat_bias, out_ex.FLAT_BIAS),
    (out_last_step, out_ex.LAST_STEP),
    (out_not_summed_over_batch, out_ex.NOT_SUMMED_BATCH),
    (out_all_states, out_ex.ALL_STATES),
    (out_all_states_reshaped, out_ex.ALL_STATES),
    (out_dh_with_h0, out_ex.DH_WITH_H0),
    (out_scalar_bias, out_ex.SCALAR_BIAS),
    (out_tanh_prime, out_ex.TANH_PRIME),
    (out_first_sequence, out_ex.FIRST_SEQUENCE),
]


@pytest.mark.parametrize(("learner", "mistake"), OUTPUT_MISTAKES)
def test_output_checker_names_the_mistake(learner, mistake):
    fb = check_output_layer_backward(learner)
    assert (fb.status, fb.mistake) == ("wrong", mistake), fb.text


def test_output_checker_sign_advice_is_about_the_read_out_not_the_loss():
    fb = check_output_layer_backward(lambda *args: tuple(-v for v in out_right(*args)))
    assert fb.mistake == "sign flipped" and "update (notebook 07)" in fb.text and "y − ŷ" not in fb.text


def test_output_checker_names_the_wrong_value():
    # Only db_y is wrong: dh and dW_hy are reported correct, db_y is named with its shape.
    text = (check_output_layer_backward(out_flat_bias)).text
    assert "dh: correct." in text and "dW_hy: correct." in text
    assert "db_y:\n    This is exactly what the mistake" in text and "db_y has shape (2,), expected (2, 1)." in text


def test_output_checker_gives_a_shape_hint_for_w_hy_t():
    fb = check_output_layer_backward(out_w_hy_t)
    assert fb.messages[0].startswith("dh: W_hy.T meets δ^y_t as in column form") and "numpy" not in fb.messages[0]
    assert fb.messages[-1].startswith("(numpy's message:")


def test_output_checker_gives_plain_shape_advice_for_an_unknown_shape_error():
    fb = check_output_layer_backward(lambda dy, h, W_hy: (dy @ h, out_dW(dy, h[1:]), out_db(dy)))
    assert (fb.status, fb.mistake) == ("wrong", "shape error") and "h (T + 1, B, H)" in fb.text


def test_output_checker_lists_two_mistakes_at_once():
    fb = check_output_layer_backward(lambda dy, h, W_hy: (dy @ W_hy, out_dW(dy, h[1:]).T, dy.sum(axis=(0, 1))))
    assert fb.mistake == f"{out_ex.TRANSPOSED} + {out_ex.FLAT_BIAS}"


def test_output_checker_explains_a_missing_return_value():
    fb = check_output_layer_backward(lambda dy, h, W_hy: (dy @ W_hy, out_dW(dy, h[1:])))
    assert fb.status == "wrong" and "return three values" in fb.text
