"""The checkers of notebook 01 accept the right answer, greet an unfinished one, and name each classic mistake.

Also: the unrolled-network figure draws T labelled hidden states.
"""

import matplotlib

matplotlib.use("Agg")  # headless: no window, before pyplot is imported

import matplotlib.pyplot as plt
import numpy as np
import pytest

import rnn_lib
from course.exercises import forward_pass as fp
from course.exercises.forward_pass import STEP_ADVICE, check_rnn_forward, check_rnn_step
from course.plotting.unrolled import draw_unrolled


def sigmoid(a):
    return 1.0 / (1.0 + np.exp(-a))


# ---------------------------------------------------------------------------
# rnn_step: the right one and its classic mistakes, all in rows (x_t (B, D), h_prev (B, H)).
# ---------------------------------------------------------------------------


def step_right(x_t, h_prev, W_xh, W_hh, b_h):
    return np.tanh(x_t @ W_xh.T + h_prev @ W_hh.T + b_h[:, 0])


def step_column_form_transposed(x_t, h_prev, W_xh, W_hh, b_h):  # the column form, transposed at the end: also right
    return np.tanh(W_xh @ x_t.T + W_hh @ h_prev.T + b_h).T


def step_not_implemented(x_t, h_prev, W_xh, W_hh, b_h):
    raise NotImplementedError


STEP_MISTAKES = {
    fp.MISSING_BIAS: lambda x_t, h_prev, W_xh, W_hh, b_h: np.tanh(x_t @ W_xh.T + h_prev @ W_hh.T),
    fp.NO_TANH: lambda x_t, h_prev, W_xh, W_hh, b_h: x_t @ W_xh.T + h_prev @ W_hh.T + b_h[:, 0],
    fp.SIGMOID: lambda x_t, h_prev, W_xh, W_hh, b_h: sigmoid(x_t @ W_xh.T + h_prev @ W_hh.T + b_h[:, 0]),
    fp.RELU: lambda x_t, h_prev, W_xh, W_hh, b_h: np.maximum(0, x_t @ W_xh.T + h_prev @ W_hh.T + b_h.ravel()),
    fp.HH_NOT_T: lambda x_t, h_prev, W_xh, W_hh, b_h: np.tanh(x_t @ W_xh.T + h_prev @ W_hh + b_h[:, 0]),
    fp.XH_NOT_T: lambda x_t, h_prev, W_xh, W_hh, b_h: np.tanh(x_t @ W_xh + h_prev @ W_hh.T + b_h[:, 0]),
    fp.NO_RECURRENT: lambda x_t, h_prev, W_xh, W_hh, b_h: np.tanh(x_t @ W_xh.T + b_h[:, 0]),
    fp.NO_INPUT: lambda x_t, h_prev, W_xh, W_hh, b_h: np.tanh(h_prev @ W_hh.T + b_h[:, 0]),
    fp.MINUS_RECURRENT: lambda x_t, h_prev, W_xh, W_hh, b_h: np.tanh(x_t @ W_xh.T - h_prev @ W_hh.T + b_h[:, 0]),
    fp.COLUMN_BIAS: lambda x_t, h_prev, W_xh, W_hh, b_h: np.tanh(x_t @ W_xh.T + h_prev @ W_hh.T + b_h),
    fp.BIAS_AFTER_TANH: lambda x_t, h_prev, W_xh, W_hh, b_h: np.tanh(x_t @ W_xh.T + h_prev @ W_hh.T) + b_h[:, 0],
    fp.SWAPPED: lambda x_t, h_prev, W_xh, W_hh, b_h: np.tanh(h_prev @ W_xh.T + x_t @ W_hh.T + b_h[:, 0]),
    fp.NOT_UPDATED: lambda x_t, h_prev, W_xh, W_hh, b_h: h_prev,
    fp.RETURNED_PAIR: lambda x_t, h_prev, W_xh, W_hh, b_h: rnn_lib.rnn_step_forward(x_t, h_prev, W_xh, W_hh, b_h),
    fp.COLUMN_LAYOUT: lambda x_t, h_prev, W_xh, W_hh, b_h: np.tanh(W_xh @ x_t.T + W_hh @ h_prev.T + b_h),
    fp.TANH_TWICE: lambda x_t, h_prev, W_xh, W_hh, b_h: np.tanh(np.tanh(x_t @ W_xh.T + h_prev @ W_hh.T + b_h[:, 0])),
}


@pytest.mark.parametrize("learner", [step_right, step_column_form_transposed])
def test_check_rnn_step_accepts_the_right_step(learner):
    assert check_rnn_step(learner).status == "correct"


def test_check_rnn_step_says_not_implemented_for_an_unfinished_exercise():
    feedback = check_rnn_step(step_not_implemented)
    assert feedback.status == "not implemented"
    assert "not implemented yet" in feedback.text


@pytest.mark.parametrize("mistake", sorted(STEP_MISTAKES))
def test_check_rnn_step_names_each_known_mistake(mistake):
    feedback = check_rnn_step(STEP_MISTAKES[mistake])
    assert (feedback.status, feedback.mistake) == ("wrong", mistake), feedback.text


def test_every_mistake_the_step_checker_knows_is_tested():
    assert set(STEP_MISTAKES) == set(fp.STEP_MISTAKES) | {fp.COLUMN_LAYOUT}


@pytest.mark.parametrize("mistake", [fp.XH_NOT_T, fp.COLUMN_BIAS, fp.SWAPPED])
def test_a_mistake_that_raises_a_shape_error_is_named_with_the_error(mistake):
    fb = check_rnn_step(STEP_MISTAKES[mistake])
    assert fb.messages[0].startswith("This is exactly what the mistake") and STEP_ADVICE[mistake] in fb.text
    assert "numpy refused a product" in fb.messages[-1]  # numpy's words last, as a detail


def test_an_unknown_shape_error_gets_the_shapes_and_the_row_rule():
    fb = check_rnn_step(lambda x_t, h_prev, W_xh, W_hh, b_h: np.tanh(x_t @ W_hh.T))  # no mistake the checker knows
    assert (fb.status, fb.mistake) == ("wrong", "shape error")
    assert "(B, H)" in fb.text and "(2, 3)" in fb.text


def test_an_unknown_wrong_step_gets_the_relative_error_and_where():
    fb = check_rnn_step(lambda x_t, h_prev, W_xh, W_hh, b_h: np.tanh(x_t @ W_xh.T + h_prev @ W_hh.T + 2 * b_h[:, 0]))
    assert (
        (fb.status, fb.mistake) == ("wrong", None) and "relative error" in fb.text and "Largest difference" in fb.text
    )


def test_a_sign_flip_of_the_whole_step_gets_this_exercises_sign_advice():
    fb = check_rnn_step(lambda *args: -step_right(*args))
    assert fb.mistake == "sign flipped" and "a_t = W_xh x_t + W_hh h_{t−1} + b_h" in fb.text


# ---------------------------------------------------------------------------
# rnn_forward: x (T, B, D), params dict, h0 (B, H) → (h_0 … h_T as (T + 1, B, H), y_hat (T, B, O)).
# ---------------------------------------------------------------------------


def forward_right(x, params, h0):
    W_xh, W_hh, W_hy, b_h, b_y = (params[k] for k in ("W_xh", "W_hh", "W_hy", "b_h", "b_y"))
    h = [h0]
    for t in range(1, x.shape[0] + 1):
        h.append(np.tanh(x[t - 1] @ W_xh.T + h[t - 1] @ W_hh.T + b_h[:, 0]))
    h = np.array(h)
    return h, h[1:] @ W_hy.T + b_y[:, 0]


def forward_preallocated(x, params, h0):  # a preallocated h written row by row: also right
    T, B, _ = x.shape
    h = np.zeros((T + 1, B, params["W_hh"].shape[0]))
    h[0] = h0
    y_hat = np.zeros((T, B, params["W_hy"].shape[0]))
    for t in range(1, T + 1):
        h[t] = step_right(x[t - 1], h[t - 1], params["W_xh"], params["W_hh"], params["b_h"])
        y_hat[t - 1] = h[t] @ params["W_hy"].T + params["b_y"][:, 0]
    return h, y_hat


def forward_with_step(step):
    """A learner's rnn_forward that calls their (wrong) rnn_step."""

    def rnn_forward(x, params, h0):
        h = [h0]
        for t in range(1, x.shape[0] + 1):
            h.append(step(x[t - 1], h[t - 1], params["W_xh"], params["W_hh"], params["b_h"]))
        h = np.array(h)
        return h, h[1:] @ params["W_hy"].T + params["b_y"][:, 0]

    return rnn_forward


def make_forward(mistake):
    """A learner's rnn_forward with one planted sequence-level mistake, written as a learner would write it."""

    def rnn_forward(x, params, h0):
        W_xh, W_hh, W_hy, b_h, b_y = (params[k] for k in ("W_xh", "W_hh", "W_hy", "b_h", "b_y"))
        T = x.shape[0]
        if mistake in (fp.ALIASED, fp.ALIASED_AFTER_H0):
            state, states = h0.copy(), []
            states.append(state if mistake == fp.ALIASED else h0)  # h0 itself, or the buffer that becomes h_T
            for t in range(T):
                state[:] = np.tanh(x[t] @ W_xh.T + state @ W_hh.T + b_h[:, 0])  # in place, stored again
                states.append(state)
            h = np.array(states)
            return h, h[1:] @ W_hy.T + b_y[:, 0]
        if mistake == fp.BATCH_AXIS:  # x[:, t] where x[t] belongs
            h = [h0]
            for t in range(T):
                h.append(np.tanh(x[:, t] @ W_xh.T + h[-1] @ W_hh.T + b_h[:, 0]))
            h = np.array(h)
            return h, h[1:] @ W_hy.T + b_y[:, 0]
        if mistake == fp.X_AHEAD:  # x[t] at step t = 1 … T: one row past the end at t = T
            h = [h0]
            for t in range(1, T + 1):
                h.append(np.tanh(x[t] @ W_xh.T + h[-1] @ W_hh.T + b_h[:, 0]))
            h = np.array(h)
            return h, h[1:] @ W_hy.T + b_y[:, 0]
        if mistake == fp.LAST_STEP_MISSING:
            h = np.zeros((T + 1,) + h0.shape)
            h[0] = h0
            for t in range(1, T):
                h[t] = np.tanh(x[t - 1] @ W_xh.T + h[t - 1] @ W_hh.T + b_h[:, 0])
            return h, h[1:] @ W_hy.T + b_y[:, 0]
        start = np.zeros_like(h0) if mistake == fp.IGNORED_H0 else h0
        h, a = [start], []
        for t in range(1, T + 1):
            h_prev = {fp.LAG2: h[max(t - 2, 0)], fp.NEVER_UPDATED: start}.get(mistake, h[t - 1])
            x_t = x[t - 2] if mistake == fp.X_LATE else x[t - 1]
            a.append(x_t @ W_xh.T + h_prev @ W_hh.T + b_h[:, 0])
            h.append(np.tanh(a[-1]))
        h, a = np.array(h), np.array(a)
        read = {fp.Y_FROM_A: a, fp.Y_FROM_PREV: h[:-1], fp.Y_WITH_H0: h}.get(mistake, h[1:])
        y_hat = read @ (W_hy if mistake == fp.HY_NOT_T else W_hy.T)
        y_hat = y_hat + {fp.MISSING_OUT_BIAS: 0.0, fp.OUT_COLUMN_BIAS: b_y}.get(mistake, b_y[:, 0])
        if mistake == fp.Y_TANH:
            y_hat = np.tanh(y_hat)
        elif mistake == fp.BATCH_MAJOR:
            return np.stack(list(h), axis=1), y_hat
        elif mistake == fp.RETURNED_SWAPPED:
            return y_hat, h
        if mistake == fp.NO_H0_ROW:
            h = h[1:]
        elif mistake == fp.NO_LAST_ROW:
            h = h[:-1]
        elif mistake == fp.RETURNED_A:
            h = np.concatenate([h[:1], a])
        return h, y_hat

    return rnn_forward


FORWARD_MISTAKES = {
    **{m: forward_with_step(STEP_MISTAKES[m]) for m in fp.FORWARD_STEP_MISTAKES},
    **{m: make_forward(m) for m in fp.FORWARD_ADVICE},
}


@pytest.mark.parametrize("learner", [forward_right, forward_preallocated, forward_with_step(step_right)])
def test_check_rnn_forward_accepts_the_right_forward_pass(learner):
    assert check_rnn_forward(learner).status == "correct"


def test_check_rnn_forward_says_not_implemented_for_an_unfinished_exercise():
    def rnn_forward(x, params, h0):
        raise NotImplementedError

    assert check_rnn_forward(rnn_forward).status == "not implemented"


@pytest.mark.parametrize("mistake", sorted(FORWARD_MISTAKES))
def test_check_rnn_forward_names_each_known_mistake(mistake):
    feedback = check_rnn_forward(FORWARD_MISTAKES[mistake])
    assert (feedback.status, feedback.mistake) == ("wrong", mistake), feedback.text


def test_every_mistake_the_forward_checker_knows_is_tested():
    assert set(FORWARD_MISTAKES) == set(fp.FORWARD_MISTAKES)


def test_check_rnn_forward_asks_for_a_pair_when_only_one_array_comes_back():
    feedback = check_rnn_forward(lambda x, params, h0: forward_right(x, params, h0)[0])
    assert feedback.status == "wrong"
    assert "(h, y_hat)" in feedback.text


@pytest.mark.parametrize("row, t", [(4, 4), (0, 0)])
def test_check_rnn_forward_names_the_wrong_time_steps_counting_h_0_as_t_0(row, t):
    def off_at_one_row(x, params, h0):
        h, y_hat = forward_right(x, params, h0)
        h = h.copy()
        h[row] += 0.1
        return h, y_hat

    text = (check_rnn_forward(off_at_one_row)).text
    assert f"h is wrong at t = {t} (row t holds h_t, row 0 is h_0)" in text


def test_check_rnn_forward_counts_prediction_steps_from_1():
    def off_at_last_prediction(x, params, h0):
        h, y_hat = forward_right(x, params, h0)
        y_hat = y_hat.copy()
        y_hat[-1] += 0.1
        return h, y_hat

    assert f"y_hat is wrong at t = {fp.T} (row t − 1 holds step t)" in (check_rnn_forward(off_at_last_prediction)).text


# ---------------------------------------------------------------------------
# The figure.
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("T", [1, 3, 6])
def test_draw_unrolled_returns_an_axes_with_T_hidden_states_labelled(T):
    ax = draw_unrolled(T)
    labels = {text.get_text() for text in ax.texts}
    try:
        assert isinstance(ax, plt.Axes)
        assert {f"$h_{{{t}}}$" for t in range(1, T + 1)} <= labels
        assert f"$h_{{{T + 1}}}$" not in labels
    finally:
        plt.close(ax.figure)


def test_draw_unrolled_colours_highlighted_nodes_and_edges():
    ax = draw_unrolled(3, highlight_nodes=["h2"], highlight_edges=[("h1", "h2")], highlight_color="#123456")
    try:
        by_gid = {patch.get_gid(): patch for patch in ax.patches}
        assert by_gid["node h2"].get_edgecolor()[:3] == matplotlib.colors.to_rgb("#123456")
        assert by_gid["edge h1->h2"].get_edgecolor()[:3] == matplotlib.colors.to_rgb("#123456")
        assert by_gid["node h1"].get_edgecolor()[:3] != matplotlib.colors.to_rgb("#123456")
    finally:
        plt.close(ax.figure)


def test_draw_unrolled_refuses_an_unknown_node_name():
    with pytest.raises(ValueError, match="h9"):
        draw_unrolled(3, highlight_nodes=["h9"])
    plt.close("all")
