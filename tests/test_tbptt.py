"""Truncated BPTT: full BPTT when nothing is truncated, and exactly the gradient of the truncated objective otherwise."""

import numpy as np
import pytest

import rnn_lib
from course.stateful import train_tbptt
from rnn_lib import engine, reference
from rnn_lib.gradcheck import check_gradients
from rnn_lib.tbptt import truncated_gradients

PARAM_NAMES = ("W_xh", "W_hh", "W_hy", "b_h", "b_y")


def truncated_objective(params, x, y, k1, k2, h0):
    """Σ_chunks Σ_{t in chunk} L_t with each window's start state fixed: an independent per-step loop.

    The window start states are computed once here, with the parameters as they are now, and then held
    fixed: the returned closure recomputes only the states inside each window from those numbers.
    x (T, B, D), y (T, B, O), h0 (B, H).
    """
    _, cache = engine.forward(params, x, h0)
    fixed = cache.h.copy()  # fixed[t] = h_t, numbers, no longer functions of the parameters
    T = x.shape[0]

    def f():
        total = 0.0
        for c in range(0, T, k1):
            e, s = min(c + k1, T), max(c - (k2 - k1), 0)
            h = fixed[s]
            for t in range(s, e):  # step t computes h_{t+1} from x[t]
                h = np.tanh(x[t] @ params["W_xh"].T + h @ params["W_hh"].T + params["b_h"].T)
                if t >= c:
                    diff = h @ params["W_hy"].T + params["b_y"].T - y[t]
                    total += 0.5 * float(np.sum(diff * diff))
        return total

    return f


@pytest.mark.parametrize("B", [None, 3])
def test_no_truncation_equals_full_bptt_exactly(make_problem, B):
    prob = make_problem(0, T=7, D=2, H=4, O=2, B=B)
    y_hat, cache = engine.forward(prob.params, prob.x, prob.h0)
    full = engine.backward(prob.params, cache, y_hat - prob.y)
    result = truncated_gradients(prob.params, prob.x, prob.y, 7, h0=prob.h0)
    for k in PARAM_NAMES:
        np.testing.assert_allclose(result.grads[k], full[k], rtol=1e-13, atol=1e-13)
    assert result.loss == pytest.approx(reference.loss(y_hat, prob.y), rel=1e-13)


@pytest.mark.parametrize(
    "k1, k2", [(1, 1), (2, 2), (3, 3), (7, 7), (2, 3), (3, 5), (2, 6), (1, 4)], ids=lambda v: str(v)
)
def test_truncated_gradient_is_the_gradient_of_the_truncated_objective(make_problem, k1, k2):
    prob = make_problem(1, T=7, D=2, H=3, O=2, B=2)  # T = 7 is not a multiple of k1 in most cases
    result = truncated_gradients(prob.params, prob.x, prob.y, k1, k2, h0=prob.h0)
    arrays = {k: v.copy() for k, v in prob.params.items()}
    f = truncated_objective(arrays, prob.x, prob.y, k1, k2, prob.h0)
    check_gradients(f, arrays, result.grads, tol=1e-7).assert_ok()


def test_truncation_changes_the_gradient(make_problem):
    # Guards the test above against a truncation that silently truncates nothing.
    prob = make_problem(2, T=8, D=2, H=3, O=2, B=2)
    full = truncated_gradients(prob.params, prob.x, prob.y, 8, h0=prob.h0).grads
    short = truncated_gradients(prob.params, prob.x, prob.y, 2, h0=prob.h0).grads
    assert np.linalg.norm(full["W_hh"] - short["W_hh"]) > 1e-3 * np.linalg.norm(full["W_hh"])


def test_loss_and_final_state_are_those_of_the_forward_pass(make_problem):
    prob = make_problem(3, T=9, D=2, H=3, O=1, B=2)
    y_hat, cache = engine.forward(prob.params, prob.x, prob.h0)
    result = truncated_gradients(prob.params, prob.x, prob.y, 2, 4, h0=prob.h0)
    np.testing.assert_allclose(result.h_last, cache.h[-1], rtol=1e-13, atol=1e-14)
    assert result.loss == pytest.approx(reference.loss(y_hat, prob.y), rel=1e-12)


def test_one_sequence_gives_an_h_last_of_shape_H(make_problem):
    prob = make_problem(4, T=5, D=1, H=3, O=1)
    result = truncated_gradients(prob.params, prob.x, prob.y, 2)
    assert result.h_last.shape == (3,)


def test_carrying_h_last_into_the_next_segment_is_chunking(make_problem):
    # Two calls on the halves, the state carried, equal one call with k1 = k2 = half.
    prob = make_problem(5, T=8, D=2, H=3, O=2, B=2)
    first = truncated_gradients(prob.params, prob.x[:4], prob.y[:4], 4, h0=prob.h0)
    second = truncated_gradients(prob.params, prob.x[4:], prob.y[4:], 4, h0=first.h_last)
    both = truncated_gradients(prob.params, prob.x, prob.y, 4, h0=prob.h0)
    for k in PARAM_NAMES:
        np.testing.assert_allclose(first.grads[k] + second.grads[k], both.grads[k], rtol=1e-12, atol=1e-13)


def test_parameters_are_not_changed(make_problem):
    prob = make_problem(6, T=6, D=2, H=3, O=2, B=2)
    before = {k: v.copy() for k, v in prob.params.items()}
    truncated_gradients(prob.params, prob.x, prob.y, 2, 3)
    assert all(np.array_equal(prob.params[k], before[k]) for k in PARAM_NAMES)


def test_k2_smaller_than_k1_is_refused(make_problem):
    prob = make_problem(7, T=6, D=2, H=3, O=2)
    with pytest.raises(ValueError, match="k2"):
        truncated_gradients(prob.params, prob.x, prob.y, 3, 2)


@pytest.mark.parametrize("bad", [0, 2.5, True])
def test_k1_must_be_a_positive_int(make_problem, bad):
    prob = make_problem(8, T=6, D=2, H=3, O=2)
    with pytest.raises((TypeError, ValueError), match="k1"):
        truncated_gradients(prob.params, prob.x, prob.y, bad)


def sine_problem(seed=0, T=40, B=8, H=8):
    x, y = rnn_lib.data.sine_wave(B, T, rng=seed)
    params = rnn_lib.init_params(1, H, 1, rng=np.random.default_rng(seed), scale=0.3)
    return params, x, y


def test_train_tbptt_reduces_the_loss():
    params, x, y = sine_problem()
    history = train_tbptt(params, x, y, k1=10, epochs=30, learning_rate=0.05, progress=False)
    assert history.loss[-1] < 0.3 * history.loss[0]


def test_train_tbptt_takes_one_step_per_chunk():
    params, x, y = sine_problem(T=25)
    history = train_tbptt(params, x, y, k1=10, k2=15, epochs=3, learning_rate=0.01, progress=False)
    assert history.steps == 3 * 3 and history.epochs == 3


def test_train_tbptt_with_one_chunk_is_full_batch_gradient_descent():
    params, x, y = sine_problem(T=12, B=4)
    expected = {k: v.copy() for k, v in params.items()}
    grads = truncated_gradients(expected, x, y, 12).grads
    for k in PARAM_NAMES:
        expected[k] -= 0.05 * grads[k] / 4
    train_tbptt(params, x, y, k1=12, epochs=1, learning_rate=0.05, progress=False)
    for k in PARAM_NAMES:
        np.testing.assert_allclose(params[k], expected[k], rtol=1e-13, atol=1e-15)
