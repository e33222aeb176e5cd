"""Truncated BPTT with the softmax cross-entropy: a language model trained statefully over a long text."""

import numpy as np
import pytest

import rnn_lib
from course.stateful import train_tbptt
from course.text import Vocabulary, next_character_streams, one_hot
from rnn_lib import engine, reference
from rnn_lib.gradcheck import check_gradients
from rnn_lib.losses import softmax_cross_entropy
from rnn_lib.tbptt import truncated_gradients
from rnn_lib.training import TrainingDiverged

V, H = 5, 6


def char_problem(seed=0, T=9, B=2):
    rng = np.random.default_rng(seed)
    params = rnn_lib.init_params(V, H, V, rng=rng, scale=0.5)
    y = rng.integers(0, V, size=(T, B))
    x = one_hot(rng.integers(0, V, size=(T, B)), V)
    h0 = 0.5 * rng.standard_normal((B, H))
    return params, x, y, h0


@pytest.mark.parametrize("B", [None, 3])
def test_no_truncation_equals_full_bptt_with_the_cross_entropy(B):
    params, x, y, h0 = char_problem(0, B=B or 1)
    if B is None:
        x, y, h0 = x[:, 0], y[:, 0], h0[0]
    logits, cache = engine.forward(params, x, h0)
    loss, dlogits = softmax_cross_entropy(logits, y)
    full = engine.backward(params, cache, dlogits)
    result = truncated_gradients(params, x, y, x.shape[0], h0=h0, loss=softmax_cross_entropy)
    for k in rnn_lib.PARAM_NAMES:
        np.testing.assert_allclose(result.grads[k], full[k], rtol=1e-13, atol=1e-14)
    assert result.loss == pytest.approx(loss, rel=1e-13)


@pytest.mark.parametrize("k1, k2", [(2, 2), (3, 5), (1, 4)])
def test_truncated_gradient_is_that_of_the_truncated_cross_entropy_objective(k1, k2):
    params, x, y, h0 = char_problem(1)
    result = truncated_gradients(params, x, y, k1, k2, h0=h0, loss=softmax_cross_entropy)
    arrays = {k: v.copy() for k, v in params.items()}
    fixed = engine.forward(params, x, h0)[1].h.copy()  # the window-start states, held fixed as numbers
    T = x.shape[0]

    def objective():
        total = 0.0
        for c in range(0, T, k1):
            e, s = min(c + k1, T), max(c - (k2 - k1), 0)
            logits, _ = engine.forward(arrays, x[s:e], fixed[s])
            total += softmax_cross_entropy(logits[c - s :], y[c:e])[0]
        return total

    check_gradients(objective, arrays, result.grads).assert_ok()


def test_a_language_model_learns_a_periodic_text_with_truncated_bptt():
    text = "abcde" * 80
    vocab = Vocabulary(text)
    inputs, targets = next_character_streams(vocab.encode(text), 4)
    params = rnn_lib.init_params(vocab.size, 16, vocab.size, rng=np.random.default_rng(0), scale=0.1)
    history = train_tbptt(
        params, one_hot(inputs, vocab.size), targets, k1=10, epochs=8, learning_rate=0.1,
        loss=softmax_cross_entropy, progress=False,
    )  # fmt: skip
    steps = inputs.shape[0]
    per_character = [loss / steps for loss in history.loss]
    assert per_character[0] > 0.5 * np.log(5) and per_character[-1] < 0.05  # from about log V to almost nothing


def test_bad_targets_are_refused_before_the_first_update():
    params, x, y, _ = char_problem(2, T=30)
    y[-1, 0] = V  # out of range, in the last chunk
    before = {k: v.copy() for k, v in params.items()}
    with pytest.raises(ValueError, match=r"targets\[29, 0\]"):
        train_tbptt(params, x, y, k1=5, learning_rate=0.1, loss=softmax_cross_entropy, progress=False)
    assert all(np.array_equal(params[k], before[k]) for k in rnn_lib.PARAM_NAMES)


@pytest.mark.parametrize("bad", [np.zeros((9, 2, V)), np.zeros((9, 2)), np.zeros((9, 3), dtype=int)])
def test_targets_that_are_not_class_indices_of_shape_T_B_are_refused(bad):
    params, x, _, _ = char_problem(3)
    with pytest.raises((TypeError, ValueError), match="targets"):
        truncated_gradients(params, x, bad, 3, loss=softmax_cross_entropy)


def test_an_unknown_loss_is_refused():
    params, x, y, _ = char_problem(4)
    with pytest.raises(TypeError, match="loss must be"):
        truncated_gradients(params, x, y, 3, loss=lambda y_hat, y: (0.0, y_hat))


def test_weights_too_large_to_compute_with_are_refused_before_training():
    # W_hy = 1e308 would make every logit inf; the check refuses it before the first chunk.
    params, x, y, _ = char_problem(5, T=20)
    params["W_hy"][...] = 1e308
    before = {k: v.copy() for k, v in params.items()}
    with pytest.raises(ValueError, match=r"params\['W_hy'\] holds values too large"):
        train_tbptt(params, x, y, k1=5, learning_rate=0.1, loss=softmax_cross_entropy, progress=False)
    assert all(np.array_equal(params[k], before[k]) for k in rnn_lib.PARAM_NAMES)


def test_a_step_too_large_stops_training_with_training_diverged():
    params, x, y, _ = char_problem(5, T=20)
    with pytest.raises(TrainingDiverged) as info:
        train_tbptt(params, x, y, k1=5, learning_rate=1e308, loss=softmax_cross_entropy, progress=False)
    assert info.value.quantity in ("a parameter", "the loss")
    assert all(np.all(np.isfinite(params[k])) for k in rnn_lib.PARAM_NAMES)


def test_the_default_loss_is_still_the_squared_error():
    rng = np.random.default_rng(6)
    params = rnn_lib.init_params(2, 3, 2, rng=rng, scale=0.5)
    x, y = rng.standard_normal((6, 2)), rng.standard_normal((6, 2))
    y_hat, cache = engine.forward(params, x)
    result = truncated_gradients(params, x, y, 6)
    assert result.loss == pytest.approx(reference.loss(y_hat, y), rel=1e-13)
