"""Checkers of notebook 22 (attention): the right answers pass, each classic slip is named, nothing crashes."""

import numpy as np
import pytest

from course.exercises import attention as ex
from course.exercises.attention import (
    check_dot_attention_backward,
    check_masked_softmax,
    check_scaled_dot_scores,
)

# ---------------------------------------------------------------------------
# Right answers, written as a learner would (not with the library)
# ---------------------------------------------------------------------------


def scores_right(keys, query):
    return np.einsum("sbh,bh->bs", keys, query) / np.sqrt(keys.shape[2])


def softmax_right(scores, mask):
    e = np.where(mask, scores, -np.inf)
    w = np.exp(e - e.max(axis=1, keepdims=True))
    return w / w.sum(axis=1, keepdims=True)


def backward_right(keys, query, weights, dcontext):
    H_k = keys.shape[2]
    dweights = np.einsum("bh,sbh->bs", dcontext, keys)
    dscores = weights * (dweights - np.sum(weights * dweights, axis=1, keepdims=True))
    dquery = np.einsum("bs,sbh->bh", dscores, keys) / np.sqrt(H_k)
    dkeys = weights.T[:, :, None] * dcontext[None] + dscores.T[:, :, None] * query[None] / np.sqrt(H_k)
    return dkeys, dquery


# ---------------------------------------------------------------------------
# 1. Scores
# ---------------------------------------------------------------------------


def test_the_right_scores_pass():
    assert check_scaled_dot_scores(scores_right).passed


def test_scores_in_a_loop_pass_too():
    def loop(keys, query):
        S, B, H_k = keys.shape
        out = np.zeros((B, S))
        for b in range(B):
            for s in range(S):
                out[b, s] = keys[s, b] @ query[b] / H_k**0.5
        return out

    assert check_scaled_dot_scores(loop).passed


@pytest.mark.parametrize(
    "slip, mistake",
    [
        (lambda k, q: scores_right(k, q) * np.sqrt(k.shape[2]), ex.NO_SCALE),
        (lambda k, q: scores_right(k, q) / np.sqrt(k.shape[2]), ex.BY_H),
        (lambda k, q: scores_right(k, q) * np.sqrt(k.shape[2]) / np.sqrt(k.shape[0]), ex.BY_S),
        (lambda k, q: scores_right(k, q).T, ex.TIME_MAJOR),
    ],
    ids=["no scale", "by H", "by sqrt S", "(S, B)"],
)
def test_the_scores_checker_names_its_likely_mistakes(slip, mistake):
    fb = check_scaled_dot_scores(slip)
    assert fb.status == "wrong" and fb.mistake == mistake, fb.text


def test_scores_that_mix_the_sequences_are_wrong():
    fb = check_scaled_dot_scores(lambda k, q: (np.einsum("sbh,ch->bs", k, q)) / np.sqrt(k.shape[2]))
    assert fb.status == "wrong", fb.text


# ---------------------------------------------------------------------------
# 2. The masked softmax
# ---------------------------------------------------------------------------


def test_the_right_masked_softmax_passes():
    assert check_masked_softmax(softmax_right).passed


def test_a_masked_softmax_that_renormalises_after_zeroing_passes():
    # softmax over the allowed keys' shift, zero the masked ones, divide by the new sum: the same weights
    def renormalised(scores, mask):
        top = np.where(mask, scores, -np.inf).max(axis=1, keepdims=True)
        w = np.exp(np.minimum(scores - top, 0.0)) * mask
        return w / w.sum(axis=1, keepdims=True)

    assert check_masked_softmax(renormalised).passed


def shift_masked(scores, mask):
    w = np.exp(scores - scores.max(axis=1, keepdims=True)) * mask  # shifted by a masked score too
    return w / w.sum(axis=1, keepdims=True)


def no_shift(scores, mask):
    w = np.exp(np.where(mask, scores, -np.inf))
    return w / w.sum(axis=1, keepdims=True)


def after(scores, mask):
    w = np.exp(scores - scores.max(axis=1, keepdims=True))
    return w / w.sum(axis=1, keepdims=True) * mask


def wrong_axis(scores, mask):
    e = np.where(mask, scores, -np.inf)
    w = np.exp(e - e.max(axis=0, keepdims=True))
    return w / w.sum(axis=0, keepdims=True)


def penalty(big):
    def fn(scores, mask):
        return softmax_right(scores - big * ~mask, np.ones_like(mask))

    return fn


@pytest.mark.parametrize(
    "slip, mistake",
    [
        (wrong_axis, ex.WRONG_AXIS),
        (after, ex.MASK_AFTER),
        (lambda z, m: softmax_right(z, np.ones_like(m)), ex.NO_MASK),
        (lambda z, m: softmax_right(z, ~m), ex.INVERTED),
        (penalty(30.0), ex.FINITE_PENALTY),
        (penalty(10.0), ex.FINITE_PENALTY),
        (no_shift, ex.NO_SHIFT),
        (shift_masked, ex.SHIFT_MASKED),
        (lambda z, m: softmax_right(z.T, m.T), ex.WRONG_AXIS),
    ],
    ids=[
        "axis 0",
        "mask after",
        "no mask",
        "inverted",
        "penalty 30",
        "penalty 10",
        "no shift",
        "shift masked",
        "transposed",
    ],
)
def test_the_softmax_checker_names_its_likely_mistakes(slip, mistake):
    fb = check_masked_softmax(slip)
    assert fb.status == "wrong" and fb.mistake == mistake, fb.text


def test_the_checkers_masked_weights_are_distinct_from_the_mistakes():
    # the data must tell the mistakes apart: every named value differs from the right one
    scores, mask = ex._softmax_data()
    right = softmax_right(scores, mask)
    assert (~mask).any() and mask.any(axis=0).all()
    for name, (value, _) in ex._softmax_mistakes(scores, mask).items():
        assert not np.allclose(value, right, rtol=1e-6, atol=1e-9), name


# ---------------------------------------------------------------------------
# 3. The backward pass
# ---------------------------------------------------------------------------


def test_the_right_backward_passes():
    assert check_dot_attention_backward(backward_right).passed


def test_the_backward_checker_gives_padding_and_several_sequences():
    keys, query, mask, dcontext = ex.data()
    S, B, _ = keys.shape
    assert S > 1 and B > 1 and not mask.all() and mask.any(axis=1).all()


def without(**switches):
    def fn(keys, query, weights, dcontext):
        return ex._backward(keys, query, weights, dcontext, **switches)

    return fn


@pytest.mark.parametrize(
    "switches, mistake",
    [
        ({"weight_path": False}, ex.NO_WEIGHT_PATH),
        ({"direct": False}, ex.NO_DIRECT_PATH),
        ({"scale": False}, ex.NO_SCALE),
        ({"jacobian": "diagonal"}, ex.DIAGONAL_ONLY),
        ({"jacobian": "none"}, ex.NO_JACOBIAN),
    ],
    ids=["no weight path", "no direct path", "no scale", "diagonal", "no jacobian"],
)
def test_the_backward_checker_names_its_likely_mistakes(switches, mistake):
    fb = check_dot_attention_backward(without(**switches))
    assert fb.status == "wrong" and mistake in fb.mistake, fb.text


def test_forgetting_the_weight_path_leaves_dquery_right_and_says_so():
    fb = check_dot_attention_backward(without(weight_path=False))
    assert "dquery: correct." in fb.text and "through the weights" in fb.mistake


def test_the_backward_reference_equals_finite_differences():
    # the checker's own switches, at their defaults, are the gradient of L = Σ dcontext · context
    from rnn_lib.gradcheck import numerical_gradient, relative_error

    keys, query, mask, dcontext = ex.data()

    def loss():
        e = np.where(mask, np.einsum("sbh,bh->bs", keys, query) / np.sqrt(keys.shape[2]), -np.inf)
        w = np.exp(e - e.max(axis=1, keepdims=True))
        w /= w.sum(axis=1, keepdims=True)
        return float(np.sum(dcontext * np.einsum("bs,sbh->bh", w, keys)))

    weights = softmax_right(scores_right(keys, query), mask)
    dkeys, dquery = ex._backward(keys, query, weights, dcontext)
    assert relative_error(dkeys, numerical_gradient(loss, keys)) < 1e-7
    assert relative_error(dquery, numerical_gradient(loss, query)) < 1e-7


def test_a_single_array_instead_of_the_pair_is_explained():
    fb = check_dot_attention_backward(lambda k, q, w, d: backward_right(k, q, w, d)[0])
    assert fb.status == "wrong" and "return two values" in fb.text


@pytest.mark.parametrize("checker", [check_scaled_dot_scores, check_masked_softmax, check_dot_attention_backward])
def test_an_answer_of_the_wrong_shape_or_type_is_feedback(checker):
    for answer in (np.zeros((2, 2)), "text", [1, [2, 3]], np.full((3, 5), np.nan), (np.zeros(2), None)):
        fb = checker(lambda *args, answer=answer: answer)
        assert fb.status == "wrong" and fb.text
