"""Checker of notebook 19 (legal_set_accuracy): the right answer passes, each classic slip is named."""

import numpy as np
import pytest

from course.exercises import grammar as ex
from course.exercises.grammar import check_legal_set_accuracy
from course.grammar import encode_strings, legal_set_hits
from rnn_lib.data import reber_strings


def accuracy(probs, allowed, slip=None):
    """The learner's function, with one switch per slip."""
    rows = allowed.any(axis=1) if slip not in ("empty wrong", "empty right") else np.ones(len(probs), dtype=bool)
    n = allowed.sum(axis=1)
    right = []
    for p, legal, k, counted in zip(probs, allowed, n, rows):
        if not counted:
            continue
        if slip == "any":
            right.append(legal[np.argmax(p)])
        elif slip == "top two":
            right.append(set(np.argsort(-p)[:2]) == set(np.flatnonzero(legal)))
        elif slip == "threshold":
            right.append(set(np.flatnonzero(p > 1 / 7)) == set(np.flatnonzero(legal)))
        elif slip == "per symbol":
            top = np.zeros(7, dtype=bool)
            top[np.argsort(-p, kind="stable")[:k]] = True
            right.extend(top == legal)
        elif k == 0:
            right.append(slip == "empty right")
        elif slip == "ties":
            right.append(p[legal].min() >= p[~legal].max())
        else:
            right.append(p[legal].min() > p[~legal].max())
    return float(np.sum(right)) if slip == "count" else float(np.mean(right))


def learner(slip):
    return lambda probs, allowed: accuracy(probs, allowed, slip)


def accuracy_right(probs, allowed):
    return accuracy(probs, allowed)


def test_the_right_answer_passes():
    assert check_legal_set_accuracy(accuracy_right).status == "correct"


def test_the_right_answer_is_the_librarys_legal_set_hits():
    strings, legal = reber_strings(30, rng=4)
    _, _, mask, allowed = encode_strings(strings, legal)
    logits = np.random.default_rng(1).standard_normal(allowed.shape) + 3 * allowed
    probs = np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)
    assert accuracy_right(probs.reshape(-1, 7), allowed.reshape(-1, 7)) == legal_set_hits(logits, allowed)[mask].mean()


@pytest.mark.parametrize(
    "slip, mistake",
    [
        ("any", ex.ANY_LEGAL),
        ("ties", ex.TIES),
        ("top two", ex.TOP_TWO),
        ("threshold", ex.THRESHOLD),
        ("empty wrong", ex.EMPTY_WRONG),
        ("empty right", ex.EMPTY_RIGHT),
        ("count", ex.COUNT),
        ("per symbol", ex.PER_SYMBOL),
    ],
)
def test_each_slip_is_named(slip, mistake):
    fb = check_legal_set_accuracy(learner(slip))
    assert fb.status == "wrong" and fb.mistake == mistake, fb.text


def test_every_named_mistake_gives_a_value_of_its_own():
    right_value, mistakes = ex._answers(*ex.data())
    values = [right_value] + [v for v, _ in mistakes.values()]
    assert min(abs(a - b) for i, a in enumerate(values) for b in values[:i]) > 1e-3


def test_an_unnamed_wrong_fraction_says_what_was_expected():
    fb = check_legal_set_accuracy(lambda p, a: 0.5)
    assert fb.status == "wrong" and fb.mistake is None and "positions" in fb.text


def test_the_mask_cannot_be_edited():
    def edits(probs, allowed):
        allowed[:] = True
        return accuracy_right(probs, allowed)

    assert "read-only" in (check_legal_set_accuracy(edits)).text
