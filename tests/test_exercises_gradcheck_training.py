"""Checkers of notebooks 06 (centred_difference) and 07 (train_gd): right answers pass, each classic slip is named."""

import numpy as np
import pytest
from test_wrong_answers_01_11 import TRAIN

import rnn_lib
from course.exercises import training as tr
from course.exercises._feedback import INPUT_WRITTEN
from course.exercises.finite_differences import check_centred_difference
from course.exercises.training import check_train_gd

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


def with_slip(slip):
    """A learner's centred_difference with one slip, written as a learner would write it."""

    def centred_difference(f, x, eps):
        grad = np.zeros_like(x)
        if slip == "all at once":
            return np.full_like(x, (f(x + eps) - f(x - eps)) / (2 * eps))
        f_0 = f(x)
        for i in range(len(x)) if slip == "rows" else np.ndindex(x.shape):
            old = x[i].copy() if slip == "rows" else x[i]
            h = eps * abs(old) if slip == "relative" else eps
            x[i] = old + h
            f_plus = f(x)
            if slip not in ("forward", "half step"):
                x[i] = old - h
            f_minus = f(x)
            if slip != "not restored":
                x[i] = old
            grad[i] = {
                "forward": (f_plus - f_0) / eps,
                "half step": (f_plus - f_0) / (2 * eps),
                "over eps": (f_plus - f_minus) / eps,
                "swapped": (f_minus - f_plus) / (2 * eps),
                "precedence": (f_plus - f_minus) / 2 * eps,
            }.get(slip, (f_plus - f_minus) / (2 * eps))
        return grad

    return centred_difference


def not_restored_on_a_copy(f, x, eps):
    return with_slip("not restored")(f, x.copy(), eps)


def unfinished(f, x, eps):
    raise NotImplementedError


def test_centred_difference_right_answer_passes():
    assert check_centred_difference(centred).status == "correct"


def test_centred_difference_arithmetic_restore_passes_with_a_note():
    fb = check_centred_difference(centred_arithmetic_restore)
    assert fb.status == "correct" and "x[i] = old" in fb.text


def test_centred_difference_not_implemented():
    assert check_centred_difference(unfinished).status == "not implemented"


@pytest.mark.parametrize(
    "fn, mistake",
    [
        (with_slip("forward"), "forward difference"),
        (with_slip("over eps"), "divided by eps instead of 2 eps"),
        (with_slip("not restored"), "x not restored"),
        (not_restored_on_a_copy, "x not restored"),
        (with_slip("swapped"), "difference the wrong way round"),
        (with_slip("precedence"), "/ 2 * eps multiplies by eps"),
        (with_slip("relative"), "relative step eps·|x_i|"),
        (with_slip("all at once"), "every entry moved at once"),
        (with_slip("rows"), "a whole row moved at a time"),
        (with_slip("half step"), "only the +eps side moved"),
    ],
)
def test_centred_difference_mistake_is_named(fn, mistake):
    fb = check_centred_difference(fn)
    assert fb.status == "wrong"
    assert fb.mistake == mistake


# ---------------------------------------------------------------------------
# train_gd(params, x, y, lr, epochs) -> (theta, losses, diverged)
# ---------------------------------------------------------------------------


def make_train(mistake=None):
    """A learner's train_gd on rnn_lib's public functions; ``mistake`` plants one slip, written as a learner would."""

    def train_gd(params, x, y, lr, epochs):
        B = x.shape[1]
        per = 1.0 if mistake == "sum loss" else 1.0 / B
        g_per = 1.0 if mistake in ("sum loss", "sum gradient") else 1.0 / B
        theta = params if mistake == "in place" else {name: params[name].copy() for name in params}
        previous, losses = theta, []
        if mistake == "stale":
            y_hat, cache = rnn_lib.forward(theta, x)
            stale = rnn_lib.backward(theta, cache, rnn_lib.loss_grad(y_hat, y))
        if mistake == "loss after update":
            for _ in range(epochs):
                y_hat, cache = rnn_lib.forward(theta, x)
                grads = rnn_lib.backward(theta, cache, rnn_lib.loss_grad(y_hat, y))
                previous = theta
                theta = {name: theta[name] - lr * grads[name] / B for name in rnn_lib.PARAM_NAMES}
                loss = rnn_lib.loss(rnn_lib.forward(theta, x)[0], y) / B
                if losses and (not np.isfinite(loss) or loss > 10 * losses[0]):
                    return previous, losses, True
                losses.append(loss)
            return theta, losses, False
        for k in range(epochs if mistake == "no final loss" else epochs + 1):
            y_hat, cache = rnn_lib.forward(theta, x)
            loss = rnn_lib.loss(y_hat, y) * per
            if mistake == "bad loss kept":
                losses.append(loss)
            if not losses:
                limit = np.inf
            else:
                limit = losses[-1] if mistake == "first rise" else 10 * losses[0]
            if mistake != "no check" and (not np.isfinite(loss) or loss > limit):
                return (theta if mistake == "kept bad step" else previous), losses, True
            if mistake != "bad loss kept":
                losses.append(loss)
            if k == epochs:
                break
            grads = stale if mistake == "stale" else rnn_lib.backward(theta, cache, rnn_lib.loss_grad(y_hat, y))
            previous = theta
            if mistake == "in place":
                for name in rnn_lib.PARAM_NAMES:
                    theta[name] -= lr * g_per * grads[name]
                continue
            sign = 1.0 if mistake == "ascent" else -1.0
            names = grads if mistake == "every key" else rnn_lib.PARAM_NAMES
            theta = {
                name: theta[name] + sign * lr * g_per * grads[name]
                for name in names
                if name != "b_y" or mistake != "forgot b_y"
            }
            if mistake == "forgot b_y":
                theta["b_y"] = previous["b_y"]
        return theta, losses, False

    return train_gd


def test_train_gd_right_answer_passes():
    fb = check_train_gd(make_train())
    assert fb.status == "correct", fb.text


def test_train_gd_reference_agrees_with_the_public_api():
    params, x, y = tr._problem()
    for lr, epochs in (tr.STABLE, tr.UNSTABLE):
        ours, theirs = tr.train_gd(params, x, y, lr, epochs), make_train()(params, x, y, lr, epochs)
        assert ours[2] == theirs[2] and np.allclose(ours[1], theirs[1], rtol=1e-12)


def test_train_gd_problem_converges_with_the_small_step_and_diverges_with_the_large_one():
    params, x, y = tr._problem()
    _, losses, diverged = tr.train_gd(params, x, y, *tr.STABLE)
    assert not diverged and np.all(np.diff(losses) < 0)
    _, losses, diverged = tr.train_gd(params, x, y, *tr.UNSTABLE)
    assert diverged and np.any(np.diff(losses) < 0)  # it rises, falls back once, then blows up: a real test of the rule


def test_train_gd_not_implemented():
    def not_written(params, x, y, lr, epochs):
        raise NotImplementedError

    assert check_train_gd(not_written).status == "not implemented"


TRAIN_MISTAKES = {
    "ascent": tr.ASCENT,
    "in place": INPUT_WRITTEN,  # params is passed read-only: `theta[name] -= ...` on it raises, and is named
    "sum gradient": tr.SUM_GRADIENT,
    "sum loss": tr.SUM_LOSS,
    "stale": tr.STALE,
    "loss after update": tr.LOSS_AFTER,
    "no final loss": tr.NO_FINAL_LOSS,
    "no check": tr.NO_CHECK,
    "kept bad step": tr.KEPT_BAD_STEP,
    "bad loss kept": tr.BAD_LOSS_KEPT,
    "first rise": tr.FIRST_RISE,
    "forgot b_y": tr.FORGOT_B_Y,
    "every key": tr.EXTRA_KEYS,
}


@pytest.mark.parametrize("planted", sorted(TRAIN_MISTAKES))
def test_train_gd_mistake_is_named(planted):
    fb = check_train_gd(make_train(planted))
    assert (fb.status, fb.mistake) == ("wrong", TRAIN_MISTAKES[planted]), fb.text


def test_every_mistake_the_training_checker_knows_is_tested():
    further = {m for m in TRAIN.values() if m is not None}  # tested in test_wrong_answers_01_11
    assert set(TRAIN_MISTAKES.values()) | further == set(tr.MISTAKES) | {INPUT_WRITTEN, tr.EXTRA_KEYS}


def test_train_gd_a_run_that_never_stops_gets_the_divergence_advice_even_when_rnn_lib_refuses_it():
    def runaway(params, x, y, lr, epochs):  # no check, and a step so long that the parameters overflow
        theta = {name: params[name].copy() for name in params}
        for _ in range(200):
            y_hat, cache = rnn_lib.forward(theta, x)
            grads = rnn_lib.backward(theta, cache, rnn_lib.loss_grad(y_hat, y))
            theta = {name: theta[name] - 1e3 * lr * grads[name] for name in rnn_lib.PARAM_NAMES}
        return theta, [0.0], False

    fb = check_train_gd(runaway)
    assert fb.mistake == tr.NO_CHECK and "losses[0]" in fb.text


def test_train_gd_feedback_for_an_unknown_mistake_names_the_run_and_the_entry():
    def off_by_a_bit(params, x, y, lr, epochs):
        theta, losses, diverged = make_train()(params, x, y, lr, epochs)
        return theta, [losses[0] * 1.01, *losses[1:]], diverged

    text = (check_train_gd(off_by_a_bit)).text
    assert "losses[0] (the loss after 0 updates)" in text and "before any update" in text


def test_train_gd_asks_for_three_values():
    fb = check_train_gd(lambda *args: make_train()(*args)[:2])
    assert fb.status == "wrong" and "return theta, losses, diverged" in fb.text
