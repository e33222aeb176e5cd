"""Checkers of notebook 18 (bigram_perplexity, sample_characters): the right answers pass, each classic slip is named."""

import numpy as np
import pytest

from course.exercises import language_model as ex
from course.exercises.language_model import check_bigram_perplexity, check_sample_characters
from course.text import sample_index

# ---------------------------------------------------------------------------
# bigram_perplexity, written as a learner would, with one switch per slip.
# ---------------------------------------------------------------------------


def bigram(train, val, V, alpha, slip=None):
    counts = np.zeros((V, V))
    source = val if slip == "from val" else train
    for a, b in zip(source[:-1], source[1:]):
        if slip == "reversed":
            a, b = b, a
        counts[a, b] += 1
    if slip == "no smoothing":
        alpha = 0.0
    totals = counts.sum(axis=0 if slip == "axis" else 1, keepdims=True)
    if slip == "axis":
        table = (counts + alpha) / (totals + V * alpha)
    elif slip == "unigram":
        table = (counts + alpha) / (np.bincount(train, minlength=V)[:, None] + V * alpha)
    elif slip == "numerator":
        table = (counts + alpha) / totals
    else:
        table = (counts + alpha) / (totals + V * alpha)
    p = table[val[1:], val[:-1]] if slip == "lookup" else table[val[:-1], val[1:]]
    if slip == "sum":
        return float(np.exp(-np.sum(np.log(p))))
    if slip == "log2":
        return float(np.exp(-np.mean(np.log2(p))))
    if slip == "2**nats":
        return float(2 ** -np.mean(np.log(p)))
    if slip == "mean of exp":
        return float(np.mean(1 / p))
    return float(np.exp(-np.mean(np.log(p))))


def learner(slip):
    return lambda train, val, V, alpha: bigram(train, val, V, alpha, slip)


def right_bigram(train, val, V, alpha):
    return bigram(train, val, V, alpha)


def test_the_right_bigram_perplexity_passes():
    assert check_bigram_perplexity(right_bigram).status == "correct"


def test_the_right_answer_is_exp_of_the_mean_cross_entropy_of_the_table():
    # The same number from softmax cross-entropy of log-probability "logits": the bigram is a tiny language model.
    from course.text import perplexity

    train, val = ex.bigram_data()
    counts = np.zeros((5, 5))
    np.add.at(counts, (train[:-1], train[1:]), 1)
    table = (counts + ex.ALPHA) / (counts.sum(1, keepdims=True) + 5 * ex.ALPHA)
    assert right_bigram(train, val, 5, ex.ALPHA) == pytest.approx(perplexity(np.log(table[val[:-1]]), val[1:]))


@pytest.mark.parametrize(
    "slip, mistake",
    [
        ("sum", ex.NO_MEAN),
        ("log2", ex.BASE_2),
        ("2**nats", ex.MIXED),
        ("mean of exp", ex.MEAN_OF_EXP),
        ("no smoothing", ex.NO_SMOOTHING),
        ("numerator", ex.NUMERATOR_ONLY),
        ("axis", ex.WRONG_AXIS),
        ("reversed", ex.REVERSED),
        ("lookup", ex.LOOKUP_REVERSED),
        ("unigram", ex.UNIGRAM_CONTEXT),
        ("from val", ex.FROM_VAL),
    ],
)
def test_each_bigram_slip_is_named(slip, mistake):
    fb = check_bigram_perplexity(learner(slip))
    assert fb.status == "wrong" and fb.mistake == mistake, fb.text


def test_every_named_bigram_mistake_gives_a_value_of_its_own():
    train, val = ex.bigram_data()
    right, mistakes, _ = ex._bigram_answers(train, val, 5, ex.ALPHA)
    values = [right] + [v for v, _ in mistakes.values()]
    assert min(abs(a - b) / abs(b) for i, a in enumerate(values) for b in values[:i]) > 1e-4  # ≫ PASS_TOL


def test_an_unnamed_wrong_perplexity_says_what_was_expected():
    fb = check_bigram_perplexity(lambda *args: right_bigram(*args) * 1.01)
    assert fb.status == "wrong" and fb.mistake is None and "Expected" in fb.text


def test_a_bigram_answer_of_several_numbers_is_explained():
    fb = check_bigram_perplexity(lambda *args: np.ones(3))
    assert fb.status == "wrong" and "one number" in fb.text


def test_not_implemented_bigram():
    def unfinished(*args):
        raise NotImplementedError

    assert check_bigram_perplexity(unfinished).status == "not implemented"


# ---------------------------------------------------------------------------
# sample_characters.
# ---------------------------------------------------------------------------


def sampler(slip=None):
    def fn(logits, temperature, u):
        if temperature == 0 and slip != "tau0":
            return np.argmax(logits, axis=1)
        if slip == "argmax":
            return np.argmax(logits, axis=1)
        if slip in ("after", "not normalised"):
            z = logits - logits.max(axis=1, keepdims=True)
            p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True) / temperature
            if slip == "after":
                p = p / p.sum(axis=1, keepdims=True)
        else:
            z = logits * temperature if slip == "times" else logits / temperature
            if slip != "no shift":
                z = z - z.max(axis=1, keepdims=True)
            p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
        cdf = np.cumsum(p, axis=1)
        idx = (cdf <= u[:, None]).sum(axis=1)
        if slip == "off by one":
            idx = idx - 1
        return np.clip(idx, 0, logits.shape[1] - 1)

    return fn


def right_sampler(logits, temperature, u):
    return sampler()(logits, temperature, u)


def test_the_right_sampler_passes():
    assert check_sample_characters(right_sampler).status == "correct"


def test_a_sampler_that_orders_the_characters_otherwise_passes_too():
    def descending(logits, temperature, u):
        if temperature == 0:
            return np.argmax(logits, axis=1)
        z = logits / temperature
        p = np.exp(z - z.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        order = np.argsort(-p[0])  # the same logits in every row
        cdf = np.cumsum(p[:, order], axis=1)
        return order[np.minimum((cdf <= u[:, None]).sum(axis=1), len(order) - 1)]

    assert check_sample_characters(descending).status == "correct"


def test_the_right_sampler_draws_what_the_library_draws():
    # course.text.sample_index uses the same inverse CDF: with the generator's own u the two agree.
    z = np.random.default_rng(3).standard_normal((50, 7))
    u = np.random.default_rng(4).random((50, 1))[:, 0]
    np.testing.assert_array_equal(right_sampler(z, 0.7, u), sample_index(z, temperature=0.7, rng=4))


@pytest.mark.parametrize(
    "slip, mistake",
    [
        ("after", ex.AFTER_SOFTMAX),
        ("times", ex.TIMES_TAU),
        ("argmax", ex.ARGMAX),
        ("not normalised", ex.NOT_NORMALISED),
        ("off by one", ex.OFF_BY_ONE),
        ("tau0", ex.TAU_ZERO),
        ("no shift", ex.NO_SHIFT),
    ],
)
def test_each_sampling_slip_is_named(slip, mistake):
    fb = check_sample_characters(sampler(slip))
    assert fb.status == "wrong" and fb.mistake == mistake, fb.text


def test_a_sampler_that_raises_at_tau_zero_is_told_to_take_the_argmax():
    def divides(logits, temperature, u):
        if temperature == 0:
            raise ZeroDivisionError("float division by zero")
        return right_sampler(logits, temperature, u)

    fb = check_sample_characters(divides)
    assert fb.mistake == ex.TAU_ZERO and "ZeroDivisionError" in fb.text and "argmax" in fb.text


def test_indices_out_of_range_or_of_the_wrong_shape_are_explained():
    assert "whole numbers in 0 … 5" in (check_sample_characters(lambda z, t, u: right_sampler(z, t, u) + 0.5)).text
    assert "shape" in (check_sample_characters(lambda z, t, u: right_sampler(z, t, u)[:, None])).text
