"""Checker of notebook 16 (softmax_cross_entropy): the right answer passes, each classic slip is named."""

import numpy as np
import pytest

from course.exercises._feedback import INPUT_WRITTEN
from course.exercises.softmax import (
    DL_DP,
    LOG2,
    MEAN,
    NAIVE_LOG,
    NO_MINUS,
    NO_ONEHOT,
    NO_SHIFT,
    OFF_BY_ONE,
    SIGN,
    WRONG_AXIS,
    check_softmax_cross_entropy,
)


def stable(logits, targets):
    z = logits - logits.max(axis=-1, keepdims=True)
    log_p = z - np.log(np.exp(z).sum(axis=-1, keepdims=True))
    picked = np.take_along_axis(log_p, targets[..., None], axis=-1)
    dlogits = np.exp(log_p)
    np.put_along_axis(dlogits, targets[..., None], np.take_along_axis(dlogits, targets[..., None], -1) - 1, -1)
    return -float(picked.sum()), dlogits


def with_loss(loss_fn=None, grad_fn=None):
    """A variant of the right answer with its loss and/or gradient replaced by a wrong one."""

    def fn(logits, targets):
        loss, d = stable(logits, targets)
        p = d + np.eye(logits.shape[-1])[targets]
        return (loss_fn(loss, logits, targets, p) if loss_fn else loss), (
            grad_fn(d, logits, targets, p) if grad_fn else d
        )

    return fn


def softmax(z, axis=-1):
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def no_shift(logits, targets):
    e = np.exp(logits)
    p = e / e.sum(axis=-1, keepdims=True)
    loss = -float(np.sum(np.log(np.take_along_axis(p, targets[..., None], axis=-1))))
    return loss, p - np.eye(logits.shape[-1])[targets]


def naive_log(logits, targets):
    p = softmax(logits)
    loss = -float(np.sum(np.log(np.take_along_axis(p, targets[..., None], axis=-1))))
    return loss, p - np.eye(logits.shape[-1])[targets]


def clipped_log(logits, targets):
    p = softmax(logits)
    loss = -float(np.sum(np.log(np.maximum(np.take_along_axis(p, targets[..., None], axis=-1), 1e-12))))
    return loss, p - np.eye(logits.shape[-1])[targets]


def in_place(logits, targets):
    logits -= logits.max(axis=-1, keepdims=True)
    return stable(logits, targets)


def wrong_axis(logits, targets):
    p = softmax(logits, axis=0)
    loss = -float(np.sum(np.log(np.take_along_axis(p, targets[..., None], axis=-1))))
    return loss, p - np.eye(logits.shape[-1])[targets]


def off_by_one(logits, targets):
    return stable(logits, (targets + 1) % logits.shape[-1])


def unfinished(logits, targets):
    raise NotImplementedError


def test_right_answer_passes():
    fb = check_softmax_cross_entropy(stable)
    assert fb.status == "correct", fb.text


def test_not_implemented():
    assert check_softmax_cross_entropy(unfinished).status == "not implemented"


@pytest.mark.parametrize(
    "fn, mistake",
    [
        (with_loss(loss_fn=lambda L, z, y, p: L / (z.shape[0] * z.shape[1])), MEAN),
        (with_loss(loss_fn=lambda L, z, y, p: L / np.log(2)), LOG2),
        (with_loss(loss_fn=lambda L, z, y, p: -L), NO_MINUS),
        (with_loss(grad_fn=lambda d, z, y, p: -d), SIGN),
        (with_loss(grad_fn=lambda d, z, y, p: p), NO_ONEHOT),
        (
            with_loss(grad_fn=lambda d, z, y, p: -np.eye(z.shape[-1])[y] / np.take_along_axis(p, y[..., None], -1)),
            DL_DP,
        ),
        (off_by_one, OFF_BY_ONE),
        (wrong_axis, WRONG_AXIS),
        (no_shift, NO_SHIFT),
        (naive_log, NAIVE_LOG),
        (clipped_log, NAIVE_LOG),
        (in_place, INPUT_WRITTEN),  # logits are passed read-only: the write raises, and is named
    ],
    ids=[
        "mean",
        "log2",
        "minus",
        "sign",
        "no one-hot",
        "dL/dp",
        "off by one",
        "axis",
        "no shift",
        "naive log",
        "clipped log",
        "in place",
    ],
)
def test_mistake_is_named(fn, mistake):
    fb = check_softmax_cross_entropy(fn)
    assert fb.status == "wrong"
    assert mistake in (fb.mistake or ""), fb.text


def test_wrong_returns_and_non_functions_get_feedback_not_tracebacks():
    assert "two values" in (check_softmax_cross_entropy(lambda z, y: 1.0)).text
    assert check_softmax_cross_entropy(None).status == "wrong"
    fb = check_softmax_cross_entropy(lambda z, y: (np.nan, z * np.nan))
    assert fb.status == "wrong"


def test_the_checker_prints_no_warnings_for_answers_that_overflow():
    with np.errstate(all="raise"):  # the checker silences what the learner's exp(1000) would raise or print
        assert check_softmax_cross_entropy(no_shift).mistake == NO_SHIFT
