"""The checkers of notebooks 04 and 05 accept the right answer and name each classic mistake.

Every planted mistake below is written the way a learner would write it (a loop
over time, one step at a time), not through the checker's own switches.
"""

import numpy as np
import pytest

import rnn_lib
from rnn_lib.exercises.hidden_state import check_hidden_state_grads, hidden_state_grads
from rnn_lib.exercises.recurrent_weights import check_recurrent_weight_grads, recurrent_weight_grads

# ---------------------------------------------------------------------------
# 04: hidden_state_grads(dy, h, W_hy, W_hh) -> (dh, dh_raw)
# ---------------------------------------------------------------------------


def learner_hidden(dy, h, W_hy, W_hh, *, mistake=None):
    """A learner's loop; ``mistake`` plants one classic error."""
    T, H = dy.shape[0], W_hh.shape[0]
    dh, dh_raw = np.zeros((T, H)), np.zeros((T, H))
    dh_next = np.zeros(H)
    steps = range(T) if mistake == "forwards" else reversed(range(T))
    for t in steps:
        dh[t] = W_hy.T @ dy[t] + (0.0 if mistake == "no dh_next" else dh_next)
        if mistake == "tanh of h":
            grad = 1.0 - np.tanh(h[t + 1]) ** 2
        elif mistake == "h_{t-1}":
            grad = 1.0 - h[t] ** 2
        else:
            grad = 1.0 - h[t + 1] ** 2
        dh_raw[t] = grad * dh[t]
        dh_next = (W_hh if mistake == "W_hh" else W_hh.T) @ dh_raw[t]
    return dh, dh_raw


def test_hidden_checker_accepts_the_right_loop():
    assert check_hidden_state_grads(learner_hidden).status == "correct"


def test_hidden_reference_solution_matches_rnn_lib_backward():
    rng = np.random.default_rng(0)
    params = {k: 0.5 * rng.standard_normal(s) for k, s in rnn_lib.param_shapes(3, 4, 2).items()}
    x, y = rng.standard_normal((6, 3)), rng.standard_normal((6, 2))
    y_hat, cache = rnn_lib.forward(params, x)
    dy = y_hat - y
    _, dh_raw = hidden_state_grads(dy, cache.h[:, 0, :], params["W_hy"], params["W_hh"])
    grads = rnn_lib.backward(params, cache, dy)
    np.testing.assert_allclose(dh_raw.sum(axis=0)[:, None], grads["b_h"], rtol=1e-12, atol=1e-14)


def test_hidden_checker_says_not_implemented():
    def unfinished(dy, h, W_hy, W_hh):
        raise NotImplementedError

    assert check_hidden_state_grads(unfinished).status == "not implemented"


@pytest.mark.parametrize(
    "planted, name",
    [
        ("no dh_next", "dropped dh_next (only the path through ŷ_t)"),
        ("tanh of h", "tanh′ written as 1 − tanh(h_t)²"),
        ("h_{t-1}", "off-by-one state in tanh′ (1 − h_{t−1}²)"),
        ("forwards", "ran forwards in time"),
        ("W_hh", "W_hh instead of W_hhᵀ"),
    ],
)
def test_hidden_checker_names_the_mistake(planted, name):
    fb = check_hidden_state_grads(lambda *args: learner_hidden(*args, mistake=planted))
    assert (fb.status, fb.mistake) == ("wrong", name)


def test_hidden_checker_names_the_wrong_steps_of_a_dropped_dh_next():
    fb = check_hidden_state_grads(lambda *args: learner_hidden(*args, mistake="no dh_next"))
    # Only the last step (row 4, t = 5) has no dh_next term, so it stays right.
    assert "Wrong in row(s) 0, 1, 2, 3 (0-based), i.e. step(s) t = 1, 2, 3, 4" in str(fb)


def test_hidden_checker_names_the_wrong_steps_of_an_unknown_mistake():
    def last_step_doubled(dy, h, W_hy, W_hh):
        dh, dh_raw = learner_hidden(dy, h, W_hy, W_hh)
        return dh * np.r_[np.ones(4), 2.0][:, None], dh_raw  # an error no known mistake makes, in row 4 only

    fb = check_hidden_state_grads(last_step_doubled)
    assert (fb.status, fb.mistake) == ("wrong", None) and "Wrong at time step(s) t = 4 (0-based)" in str(fb)


def test_hidden_checker_asks_for_two_arrays():
    fb = check_hidden_state_grads(lambda *args: learner_hidden(*args)[0])
    assert fb.status == "wrong" and "return dh, dh_raw" in str(fb)


# ---------------------------------------------------------------------------
# 05: recurrent_weight_grads(dh_raw, x, h) -> (dW_xh, dW_hh, db_h)
# ---------------------------------------------------------------------------


def learner_weights(dh_raw, x, h, *, mistake=None):
    """A learner's loop over t of outer products; ``mistake`` plants one classic error."""
    T, H = dh_raw.shape
    D = x.shape[1]
    dW_xh, dW_hh, db_h = np.zeros((H, D)), np.zeros((H, H)), np.zeros((H, 1))
    if mistake == "transposed":
        dW_xh, dW_hh = np.zeros((D, H)), np.zeros((H, H))
    for t in range(T):
        delta = dh_raw[t]
        if mistake == "tanh twice":
            delta = (1.0 - h[t + 1] ** 2) * delta
        if mistake == "delta h":  # undoes the tanh′ factor: what using δ^h_t would give
            delta = delta / (1.0 - h[t + 1] ** 2)
        h_prev = h[t + 1] if mistake == "h_t" else h[t]
        if mistake == "transposed":
            dW_xh += np.outer(x[t], delta)
            dW_hh += np.outer(h_prev, delta)
        else:
            dW_xh += np.outer(delta, x[t])
            dW_hh += np.outer(delta, h_prev)
        db_h += delta[:, None]
    if mistake == "flat db_h":
        db_h = db_h[:, 0]
    return dW_xh, dW_hh, db_h


def test_weights_checker_accepts_the_right_loop():
    assert check_recurrent_weight_grads(learner_weights).status == "correct"


def test_weights_reference_solution_matches_rnn_lib_backward():
    rng = np.random.default_rng(1)
    params = {k: 0.5 * rng.standard_normal(s) for k, s in rnn_lib.param_shapes(3, 4, 2).items()}
    x, y = rng.standard_normal((6, 3)), rng.standard_normal((6, 2))
    y_hat, cache = rnn_lib.forward(params, x)
    grads = rnn_lib.backward(params, cache, y_hat - y)
    h = cache.h[:, 0, :]
    _, dh_raw = hidden_state_grads(y_hat - y, h, params["W_hy"], params["W_hh"])
    for name, value in zip(("W_xh", "W_hh", "b_h"), recurrent_weight_grads(dh_raw, x, h)):
        np.testing.assert_allclose(value, grads[name], rtol=1e-12, atol=1e-14)


def test_weights_checker_says_not_implemented():
    def unfinished(dh_raw, x, h):
        raise NotImplementedError

    assert check_recurrent_weight_grads(unfinished).status == "not implemented"


@pytest.mark.parametrize(
    "planted, name",
    [
        ("h_t", "h_t instead of h_{t−1} in dW_hh"),
        ("transposed", "transposed outer product"),
        ("flat db_h", "db_h of shape (H,) instead of (H, 1)"),
        ("delta h", "δ^h used instead of δ^a (tanh′ factor missing)"),
        ("tanh twice", "tanh′ applied twice"),
    ],
)
def test_weights_checker_names_the_mistake(planted, name):
    fb = check_recurrent_weight_grads(lambda *args: learner_weights(*args, mistake=planted))
    assert (fb.status, fb.mistake) == ("wrong", name)


def test_weights_checker_says_which_value_is_wrong():
    fb = check_recurrent_weight_grads(lambda *args: learner_weights(*args, mistake="h_t"))
    assert "dW_xh: correct." in str(fb) and "db_h: correct." in str(fb) and "dW_hh:" in str(fb)


def test_weights_checker_asks_for_three_arrays():
    fb = check_recurrent_weight_grads(lambda *args: learner_weights(*args)[:2])
    assert fb.status == "wrong" and "return dW_xh, dW_hh, db_h" in str(fb)
