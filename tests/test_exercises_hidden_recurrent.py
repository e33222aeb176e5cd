"""The checkers of notebooks 04 and 05 accept the right answer and name each classic mistake.

Every planted mistake below is written the way a learner would write it (a loop
over time, one step at a time), not through the checker's own switches.
"""

import numpy as np
import pytest
from test_wrong_answers_01_11 import HIDDEN, RECURRENT

import rnn_lib
from course.exercises import hidden_state as hs
from course.exercises import recurrent_weights as rw
from course.exercises.hidden_state import check_hidden_state_grads, hidden_state_grads
from course.exercises.recurrent_weights import check_recurrent_weight_grads, recurrent_weight_grads

# ---------------------------------------------------------------------------
# 04: hidden_state_grads(dy, h, W_hy, W_hh) -> (dh, dh_raw), a batch in row form
# ---------------------------------------------------------------------------


def learner_hidden(dy, h, W_hy, W_hh, *, mistake=None):
    """A learner's loop over a batch in row form, dy (T, B, O), h (T+1, B, H); ``mistake`` plants one classic error."""
    T, B, H = dy.shape[0], dy.shape[1], W_hh.shape[0]
    dh, dh_raw = np.zeros((T, B, H)), np.zeros((T, B, H))
    dh_next = np.zeros((B, H))
    if mistake == "forwards":
        steps = range(1, T + 1)
    elif mistake == "first step skipped":
        steps = range(T, 1, -1)  # stops at t = 2
    else:
        steps = range(T, 0, -1)
    for t in steps:
        if mistake == "column form":
            dh[t - 1] = W_hy.T @ dy[t - 1] + dh_next  # the one-sequence formula, pasted: (H, O) @ (B, O) fails
        elif mistake == "W_hy.T":
            dh[t - 1] = dy[t - 1] @ W_hy.T + dh_next
        elif mistake == "no readout":
            dh[t - 1] = dh_next
        else:
            dh[t - 1] = dy[t - 1] @ W_hy + (0.0 if mistake in ("no dh_next", "after tanh") else dh_next)
        grad = {
            "tanh of h": 1.0 - np.tanh(h[t]) ** 2,
            "h_{t-1}": 1.0 - h[t - 1] ** 2,
            "no tanh prime": 1.0,
            "1 - h": 1.0 - h[t],
        }.get(mistake, 1.0 - h[t] ** 2)
        dh_raw[t - 1] = grad * dh[t - 1]
        if mistake == "after tanh":
            dh_raw[t - 1] += dh_next
        sent = dh[t - 1] if mistake == "recurrent without tanh" else dh_raw[t - 1]
        dh_next = sent @ (W_hh.T if mistake == "W_hh" else W_hh)
        if mistake == "batch sum":
            dh_next = dh_next.sum(axis=0)
    return (dh_raw, dh) if mistake == "swapped" else (dh, dh_raw)


def test_hidden_checker_accepts_the_right_loop():
    assert check_hidden_state_grads(learner_hidden).status == "correct"


def test_hidden_checker_accepts_a_column_form_loop_over_each_sequence():
    def per_sequence(dy, h, W_hy, W_hh):  # the notebook's one-sequence recursion, run on each column of the batch
        dh, dh_raw = np.zeros(h[1:].shape), np.zeros(h[1:].shape)
        for b in range(dy.shape[1]):
            dh_next = np.zeros(W_hh.shape[0])
            for t in reversed(range(dy.shape[0])):
                dh[t, b] = W_hy.T @ dy[t, b] + dh_next
                dh_raw[t, b] = (1.0 - h[t + 1, b] ** 2) * dh[t, b]
                dh_next = W_hh.T @ dh_raw[t, b]
        return dh, dh_raw

    assert check_hidden_state_grads(per_sequence).status == "correct"


def test_hidden_reference_solution_matches_rnn_lib_backward_on_a_batch():
    rng = np.random.default_rng(0)
    params = {k: 0.5 * rng.standard_normal(s) for k, s in rnn_lib.param_shapes(3, 4, 2).items()}
    x, y = rng.standard_normal((6, 5, 3)), rng.standard_normal((6, 5, 2))
    y_hat, cache = rnn_lib.forward(params, x)
    dy = y_hat - y
    _, dh_raw = hidden_state_grads(dy, cache.h, params["W_hy"], params["W_hh"])
    grads = rnn_lib.backward(params, cache, dy)
    np.testing.assert_allclose(dh_raw.sum(axis=(0, 1))[:, None], grads["b_h"], rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(dh_raw[0] @ params["W_hh"], grads["h0"], rtol=1e-12, atol=1e-14)


def test_hidden_reference_solution_accepts_one_sequence():
    rng = np.random.default_rng(2)
    dy, h = rng.standard_normal((4, 1, 2)), np.tanh(rng.standard_normal((5, 1, 3)))
    W_hy, W_hh = rng.standard_normal((2, 3)), rng.standard_normal((3, 3))
    batched = hidden_state_grads(dy, h, W_hy, W_hh)
    single = hidden_state_grads(dy[:, 0], h[:, 0], W_hy, W_hh)
    for one, many in zip(single, batched):
        np.testing.assert_allclose(one, many[:, 0], rtol=1e-14, atol=0)


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
        ("batch sum", "dh_next summed over the batch"),
        ("recurrent without tanh", hs.RECURRENT_WITHOUT_TANH),
        ("no tanh prime", hs.NO_TANH_PRIME),
        ("after tanh", hs.AFTER_TANH),
        ("1 - h", hs.ONE_MINUS_H),
        ("first step skipped", hs.FIRST_STEP_SKIPPED),
        ("swapped", hs.SWAPPED),
        ("no readout", hs.NO_READOUT),
        ("W_hy.T", hs.W_HY_T),
    ],
)
def test_hidden_checker_names_the_mistake(planted, name):
    fb = check_hidden_state_grads(lambda *args: learner_hidden(*args, mistake=planted))
    assert (fb.status, fb.mistake) == ("wrong", name)


def test_hidden_checker_explains_a_column_form_product_instead_of_a_traceback():
    fb = check_hidden_state_grads(lambda *args: learner_hidden(*args, mistake="column form"))
    assert fb.status == "wrong" and "row-form" in fb.messages[0] and "numpy" not in fb.messages[0]
    assert fb.messages[-1].startswith("(numpy's message: ValueError")


def test_every_mistake_the_hidden_checker_knows_is_tested():
    tested = {name for _, name in test_hidden_checker_names_the_mistake.pytestmark[0].args[1]}
    assert tested | set(HIDDEN.values()) >= set(hs.MISTAKES)  # the further ones in test_wrong_answers_01_11


def test_hidden_checker_names_the_wrong_steps_of_a_dropped_dh_next():
    fb = check_hidden_state_grads(lambda *args: learner_hidden(*args, mistake="no dh_next"))
    # Only the last step (t = T = 5) has no dh_next term, so it stays right.
    assert "dh is wrong at t = 1, 2, 3, 4 (row t − 1 holds step t); the other steps are right." in fb.text


def test_hidden_checker_names_the_wrong_steps_of_an_unknown_mistake():
    def last_step_doubled(dy, h, W_hy, W_hh):
        dh, dh_raw = learner_hidden(dy, h, W_hy, W_hh)
        return dh * np.r_[np.ones(4), 2.0][:, None, None], dh_raw  # an error no known mistake makes, at t = 5 only

    fb = check_hidden_state_grads(last_step_doubled)
    assert (fb.status, fb.mistake) == ("wrong", None) and "dh is wrong at t = 5 (row t − 1 holds step t)" in fb.text


def test_hidden_checker_sign_advice_is_about_the_recursion():
    fb = check_hidden_state_grads(lambda *args: tuple(-v for v in learner_hidden(*args)))
    assert fb.mistake == "sign flipped" and "δ^h_t = W_hyᵀ δ^y_t + W_hhᵀ δ^a_{t+1}" in fb.text


def test_hidden_checker_asks_for_two_arrays():
    fb = check_hidden_state_grads(lambda *args: learner_hidden(*args)[0])
    assert fb.status == "wrong" and "return dh, dh_raw" in fb.text


# ---------------------------------------------------------------------------
# 05: recurrent_weight_grads(dh_raw, x, h) -> (dW_xh, dW_hh, db_h), for a batch
# ---------------------------------------------------------------------------


def learner_weights(dh_raw, x, h, *, mistake=None):
    """A learner's loop over t and b of outer products; ``mistake`` plants one classic error.

    dh_raw (T, B, H), x (T, B, D), h (T + 1, B, H).
    """
    T, B, H = dh_raw.shape
    D = x.shape[2]
    dW_xh, dW_hh, db_h = np.zeros((H, D)), np.zeros((H, H)), np.zeros((H, 1))
    if mistake == "transposed":
        dW_xh = np.zeros((D, H))
    if mistake == "not summed over b":
        dW_xh, dW_hh, db_h = np.zeros((B, H, D)), np.zeros((B, H, H)), np.zeros((B, H, 1))
    first = {"first step skipped": 2}.get(mistake, 1)
    last = T - 1 if mistake == "last step skipped" else T
    for t in range(first, last + 1):
        for b in range(1 if mistake == "first sequence" else B):
            delta = dh_raw[t - 1, b]
            if mistake == "tanh twice":
                delta = (1.0 - h[t, b] ** 2) * delta
            h_prev = h[t, b] if mistake == "h_t" else h[t - 1, b]
            if mistake == "transposed":
                dW_xh += np.outer(x[t - 1, b], delta)
                dW_hh += np.outer(h_prev, delta)
            elif mistake == "not summed over b":
                dW_xh[b] += np.outer(delta, x[t - 1, b])
                dW_hh[b] += np.outer(delta, h_prev)
                db_h[b] += delta[:, None]
                continue
            else:
                dW_xh += np.outer(delta, x[t - 1, b])
                if not (mistake == "t = 1 skipped in dW_hh" and t == 1):
                    dW_hh += np.outer(delta, h_prev)
            db_h += delta[:, None]
    if mistake == "flat db_h":
        db_h = db_h[:, 0]
    if mistake == "scalar db_h":
        db_h = float(db_h.sum())
    if mistake == "batch mean":
        dW_xh, dW_hh, db_h = dW_xh / B, dW_hh / B, db_h / B
    if mistake == "time mean":
        dW_xh, dW_hh, db_h = dW_xh / T, dW_hh / T, db_h / T
    if mistake == "swapped":
        return dW_hh, dW_xh, db_h
    return dW_xh, dW_hh, db_h


def test_weights_checker_accepts_the_right_loop():
    assert check_recurrent_weight_grads(learner_weights).status == "correct"


def test_weights_reference_solution_matches_rnn_lib_backward():
    rng = np.random.default_rng(1)
    params = {k: 0.5 * rng.standard_normal(s) for k, s in rnn_lib.param_shapes(3, 4, 2).items()}
    x, y = rng.standard_normal((6, 3, 3)), rng.standard_normal((6, 3, 2))  # (T, B, ·): a batch of 3
    y_hat, cache = rnn_lib.forward(params, x)
    grads = rnn_lib.backward(params, cache, y_hat - y)
    h = cache.h  # (T + 1, B, H)
    dh_raw = np.stack(  # δ^a_t of each sequence, from notebook 04's one-sequence recursion
        [hidden_state_grads((y_hat - y)[:, b], h[:, b], params["W_hy"], params["W_hh"])[1] for b in range(3)], axis=1
    )
    for name, value in zip(("W_xh", "W_hh", "b_h"), recurrent_weight_grads(dh_raw, x, h), strict=True):
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
        ("tanh twice", "tanh′ applied twice"),
        ("first sequence", "only the first sequence of the batch"),
        ("batch mean", "mean over the batch instead of the sum"),
        ("t = 1 skipped in dW_hh", rw.T1_SKIPPED),
        ("first step skipped", rw.FIRST_STEP_SKIPPED),
        ("last step skipped", rw.LAST_STEP_SKIPPED),
        ("time mean", rw.TIME_MEAN),
        ("swapped", rw.SWAPPED),
        ("not summed over b", rw.NOT_SUMMED_BATCH),
        ("scalar db_h", rw.SCALAR_DB),
    ],
)
def test_weights_checker_names_the_mistake(planted, name):
    fb = check_recurrent_weight_grads(lambda *args: learner_weights(*args, mistake=planted))
    assert (fb.status, fb.mistake) == ("wrong", name)


def test_every_mistake_the_weights_checker_knows_is_tested():
    tested = {name for _, name in test_weights_checker_names_the_mistake.pytestmark[0].args[1]}
    assert tested | set(RECURRENT.values()) | {rw.ALL_STATES} >= set(rw.ADVICE)  # further: test_wrong_answers_01_11


def test_weights_checker_recognises_all_states_used_from_the_error_it_raises():
    def all_states(dh_raw, x, h):
        return (
            np.einsum("tbi,tbj->ij", dh_raw, x),
            np.einsum("tbi,tbj->ij", dh_raw, h),  # h has T + 1 rows: numpy refuses
            dh_raw.sum(axis=(0, 1))[:, None],
        )

    fb = check_recurrent_weight_grads(all_states)
    assert fb.mistake == rw.ALL_STATES and "h_0 … h_{T−1}, without h_T" in fb.text
    assert fb.messages[0].startswith("dW_hh pairs dh_raw, T rows") and "numpy" in fb.messages[-1]


def test_weights_checker_sign_advice_is_about_these_gradients():
    fb = check_recurrent_weight_grads(lambda *args: tuple(-v for v in learner_weights(*args)))
    assert fb.mistake == "sign flipped" and "inside δ^a_t" in fb.text and "y − ŷ" not in fb.text


def test_weights_checker_says_which_value_is_wrong():
    fb = check_recurrent_weight_grads(lambda *args: learner_weights(*args, mistake="h_t"))
    assert "dW_xh: correct." in fb.text and "db_h: correct." in fb.text and "dW_hh:" in fb.text


def test_weights_checker_asks_for_three_arrays():
    fb = check_recurrent_weight_grads(lambda *args: learner_weights(*args)[:2])
    assert fb.status == "wrong" and "return dW_xh, dW_hh, db_h" in fb.text


def test_weights_checker_explains_one_sequence_code_run_on_a_batch():
    def one_sequence_code(dh_raw, x, h):  # notebook 05's text, unchanged, given (T, B, ·) arrays
        return dh_raw.T @ x, dh_raw.T @ h[:-1], dh_raw.sum(axis=0)[:, None]

    fb = check_recurrent_weight_grads(one_sequence_code)
    assert fb.status == "wrong" and "one-sequence product" in fb.messages[0] and "(T·B, ·) rows" in fb.text
    assert fb.messages[-1].startswith("(numpy's message: ValueError")
