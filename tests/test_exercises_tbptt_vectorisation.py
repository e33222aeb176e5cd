"""Checkers of notebooks 10, 11 and 12: the right answer passes, a blank one is "not implemented", known bugs are named."""

import numpy as np
import pytest

import rnn_lib
from course.exercises.projects import (
    MIXED_MISTAKES,
    _mixed_problem,
    check_mixed_rollout,
    check_rollout,
    reference_mixed_rollout,
)
from course.exercises.tbptt import _tbptt_problem, check_tbptt_gradients
from course.exercises.vectorisation import check_weight_grads_from_deltas
from course.forecasting import free_running
from rnn_lib.tbptt import truncated_gradients

PARAM_NAMES = ("W_xh", "W_hh", "W_hy", "b_h", "b_y")


def blank(*args):
    raise NotImplementedError


# --- notebook 10: BPTT(k, k) ------------------------------------------------------------------


def learner_tbptt(params, x, y, k, *, reset=False, carry_grad=False, drop_last=False, assign=False):
    """A learner's chunked BPTT with the public API, and the classic ways to get it wrong."""
    T, B, _ = x.shape
    grads = {name: np.zeros_like(params[name]) for name in PARAM_NAMES}
    h = np.zeros((B, params["W_hh"].shape[0]))
    if carry_grad:  # the gradient crosses the boundaries: no truncation at all
        y_hat, cache = rnn_lib.forward(params, x)
        g = rnn_lib.backward(params, cache, y_hat - y)
        return {name: g[name] for name in PARAM_NAMES}
    for c in range(0, T - (T % k if drop_last else 0), k):
        y_hat, cache = rnn_lib.forward(params, x[c : c + k], np.zeros_like(h) if reset else h)
        g = rnn_lib.backward(params, cache, y_hat - y[c : c + k])
        for name in PARAM_NAMES:
            grads[name] = g[name] if assign else grads[name] + g[name]
        h = cache.h[-1]
    return grads


def test_right_tbptt_passes():
    assert check_tbptt_gradients(learner_tbptt).passed


def test_checker_expects_what_rnn_lib_tbptt_computes():
    params, x, y = _tbptt_problem()
    lib = truncated_gradients(params, x, y, 3).grads
    mine = learner_tbptt(params, x, y, 3)
    for name in PARAM_NAMES:
        np.testing.assert_allclose(mine[name], lib[name], rtol=1e-12, atol=1e-12)


def test_returning_grads_with_the_last_state_is_accepted():
    def with_state(params, x, y, k):
        return learner_tbptt(params, x, y, k), None

    assert check_tbptt_gradients(with_state).passed


def test_blank_tbptt_is_not_implemented():
    assert check_tbptt_gradients(blank).status == "not implemented"


@pytest.mark.parametrize(
    "flag, mistake",
    [
        ("carry_grad", "carrying the gradient across chunk boundaries"),
        ("reset", "resetting the hidden state at each chunk"),
        ("drop_last", "dropping the last, shorter chunk"),
        ("assign", "keeping only the last chunk's gradient"),
    ],
)
def test_known_tbptt_mistakes_are_named(flag, mistake):
    fb = check_tbptt_gradients(lambda p, x, y, k: learner_tbptt(p, x, y, k, **{flag: True}))
    assert fb.status == "wrong" and fb.mistake == mistake


def test_tbptt_with_a_missing_gradient_is_wrong_with_a_message():
    def missing(params, x, y, k):
        g = learner_tbptt(params, x, y, k)
        del g["b_y"]
        return g

    fb = check_tbptt_gradients(missing)
    assert fb.status == "wrong" and "b_y" in fb.text


def test_tbptt_with_a_wrong_sign_is_wrong():
    fb = check_tbptt_gradients(lambda p, x, y, k: {n: -g for n, g in learner_tbptt(p, x, y, k).items()})
    assert fb.status == "wrong" and fb.mistake == "sign flipped"  # with where to look (tbptt.py _SIGN)


# --- notebook 11: the weight gradients as single products ------------------------------------


def grads_from_deltas(dh_raw, x, h, *, shift=0, scale=1.0, keep_column=True, transpose=False, batch_major=False):
    T, B, H = dh_raw.shape
    D = x.shape[2]
    rows = dh_raw.reshape(T * B, H)
    prev = h[1:] if shift else h[:-1]
    xs, hs = (x.transpose(1, 0, 2), prev.transpose(1, 0, 2)) if batch_major else (x, prev)
    dW_xh = rows.T @ xs.reshape(T * B, D)
    dW_hh = rows.T @ hs.reshape(T * B, H)
    db_h = rows.sum(axis=0)
    if transpose:
        dW_xh, dW_hh = dW_xh.T, dW_hh.T
    return dW_xh * scale, dW_hh * scale, (db_h[:, None] if keep_column else db_h) * scale


def test_right_weight_grads_pass():
    assert check_weight_grads_from_deltas(grads_from_deltas).passed


def test_blank_weight_grads_are_not_implemented():
    assert check_weight_grads_from_deltas(blank).status == "not implemented"


def test_weight_grads_equal_the_per_step_loop():
    rng = np.random.default_rng(0)
    T, B, D, H = 4, 3, 2, 5
    dh_raw, x, h = rng.standard_normal((T, B, H)), rng.standard_normal((T, B, D)), rng.standard_normal((T + 1, B, H))
    dW_xh, dW_hh, db_h = grads_from_deltas(dh_raw, x, h)
    loop = [np.zeros((H, D)), np.zeros((H, H)), np.zeros((H, 1))]
    for t in range(T):
        for b in range(B):
            loop[0] += np.outer(dh_raw[t, b], x[t, b])
            loop[1] += np.outer(dh_raw[t, b], h[t, b])
            loop[2][:, 0] += dh_raw[t, b]
    for mine, ref in zip((dW_xh, dW_hh, db_h), loop):
        np.testing.assert_allclose(mine, ref, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize(
    "kwargs, mistake",
    [
        ({"shift": 1}, "h_t instead of h_{t−1} in dW_hh"),
        ({"scale": 1 / 4}, "mean over the batch instead of the sum"),
        ({"scale": 1 / 5}, "mean over time instead of the sum"),
        ({"batch_major": True}, "rows of different steps paired"),
    ],
)
def test_known_weight_grad_mistakes_are_named(kwargs, mistake):
    fb = check_weight_grads_from_deltas(lambda d, x, h: grads_from_deltas(d, x, h, **kwargs))
    assert fb.status == "wrong" and fb.mistake == mistake


def test_last_step_only_is_named():
    def last_step(dh_raw, x, h):
        return dh_raw[-1].T @ x[-1], dh_raw[-1].T @ h[-2], dh_raw[-1].sum(axis=0)[:, None]

    fb = check_weight_grads_from_deltas(last_step)
    assert fb.status == "wrong" and fb.mistake == "the last step only"


def test_first_sequence_only_is_named():
    def first_seq(dh_raw, x, h):
        return dh_raw[:, 0].T @ x[:, 0], dh_raw[:, 0].T @ h[:-1, 0], dh_raw[:, 0].sum(axis=0)[:, None]

    fb = check_weight_grads_from_deltas(first_seq)
    assert fb.status == "wrong" and fb.mistake == "the first sequence only"


def test_transposed_weight_grads_get_the_transpose_hint():
    fb = check_weight_grads_from_deltas(lambda d, x, h: grads_from_deltas(d, x, h, transpose=True))
    assert fb.status == "wrong" and "transpose" in fb.text


def test_bias_without_column_axis_gets_a_shape_hint():
    fb = check_weight_grads_from_deltas(lambda d, x, h: grads_from_deltas(d, x, h, keep_column=False))
    assert fb.status == "wrong" and "db_h" in fb.text and "(3, 1)" in fb.text


def test_weight_grads_returning_two_values_are_wrong_with_a_message():
    fb = check_weight_grads_from_deltas(lambda d, x, h: grads_from_deltas(d, x, h)[:2])
    assert fb.status == "wrong" and "tuple" in fb.text


# --- notebook 12: rollout -----------------------------------------------------------------------


def learner_rollout(params, x_warm, n_steps, *, reset=False, late=False, repeat=False):
    y_hat, cache = rnn_lib.forward(params, x_warm)
    h, pred = cache.h[-1, 0], y_hat[-1]
    out = []
    for _ in range(n_steps + int(late)):
        out.append(pred)
        inp = x_warm[-1] if repeat else pred
        y_next, cache = rnn_lib.forward(params, inp[None, :], None if reset else h)
        h, pred = cache.h[-1, 0], y_next[0]
    return np.array(out[int(late) :])


def test_right_rollout_passes():
    assert check_rollout(learner_rollout).passed


def test_blank_rollout_is_not_implemented():
    assert check_rollout(blank).status == "not implemented"


@pytest.mark.parametrize(
    "flag, mistake",
    [("reset", "resetting the hidden state"), ("late", "one step late"), ("repeat", "feeding the last input again")],
)
def test_known_rollout_mistakes_are_named(flag, mistake):
    fb = check_rollout(lambda p, x, n: learner_rollout(p, x, n, **{flag: True}))
    assert fb.status == "wrong" and fb.mistake == mistake


def test_rollout_with_wrong_shape_is_wrong():
    fb = check_rollout(lambda p, x, n: learner_rollout(p, x, n)[:, 0])
    assert fb.status == "wrong" and "shape" in fb.text


# --- notebook 12: teacher forcing and free running in one function -----------------------------------------


def learner_mixed(params, x, feed_back):
    """An independent right answer: the one-step functions, the state carried, ŷ_{t−1} fed back where asked."""
    W_xh, W_hh, W_hy, b_h, b_y = (params[k] for k in rnn_lib.PARAM_NAMES)
    h, previous, out = np.zeros(W_hh.shape[0]), None, []
    for t in range(len(x)):
        inp = previous if feed_back[t] else x[t]
        h, _ = rnn_lib.rnn_step_forward(inp, h, W_xh, W_hh, b_h)
        previous, _ = rnn_lib.output_step_forward(h, W_hy, b_y)
        out.append(previous)
    return np.array(out)


def test_right_mixed_rollout_passes():
    assert check_mixed_rollout(learner_mixed).passed


def test_blank_mixed_rollout_is_not_implemented():
    assert check_mixed_rollout(lambda p, x, f: blank()).status == "not implemented"


@pytest.mark.parametrize("mistake", MIXED_MISTAKES)
def test_known_mixed_rollout_mistakes_are_named(mistake):
    fb = check_mixed_rollout(lambda p, x, f: reference_mixed_rollout(p, x, f, mistake=mistake))
    assert fb.status == "wrong" and fb.mistake == mistake


def test_mixed_rollout_mistakes_all_differ_from_the_right_answer_and_from_each_other():
    params, x, feed_back = _mixed_problem()
    answers = [reference_mixed_rollout(params, x, feed_back)] + [
        reference_mixed_rollout(params, x, feed_back, mistake=m) for m in MIXED_MISTAKES
    ]
    for i in range(len(answers)):
        for j in range(i):
            assert np.max(np.abs(answers[i] - answers[j])) > 1e-3


def test_mixed_rollout_is_teacher_forcing_without_feedback_and_free_running_after_a_warm_up():
    params, x, _ = _mixed_problem()
    none = np.zeros(len(x), dtype=bool)
    assert np.allclose(reference_mixed_rollout(params, x, none), rnn_lib.forward(params, x)[0], rtol=1e-12, atol=1e-12)
    after_4 = np.arange(len(x)) >= 4
    free = free_running(params, x[:4], len(x) - 3)  # ŷ_4 … ŷ_T from a warm-up of 4
    assert np.allclose(reference_mixed_rollout(params, x, after_4)[3:], free, rtol=1e-12, atol=1e-12)
