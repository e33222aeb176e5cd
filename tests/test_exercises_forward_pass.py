"""The checkers of notebook 01 accept the right answer, greet an unfinished one, and name each classic mistake.

Also: the unrolled-network figure draws T labelled hidden states.
"""

import matplotlib

matplotlib.use("Agg")  # headless: no window, before pyplot is imported

import matplotlib.pyplot as plt
import numpy as np
import pytest

from rnn_lib.exercises.forward_pass import check_rnn_forward, check_rnn_step
from rnn_lib.plotting.unrolled import draw_unrolled


def sigmoid(a):
    return 1.0 / (1.0 + np.exp(-a))


# ---------------------------------------------------------------------------
# rnn_step: the right one and its classic mistakes, all in rows (x_t (B, D), h_prev (B, H)).
# ---------------------------------------------------------------------------


def step_right(x_t, h_prev, W_xh, W_hh, b_h):
    return np.tanh(x_t @ W_xh.T + h_prev @ W_hh.T + b_h[:, 0])


def step_not_implemented(x_t, h_prev, W_xh, W_hh, b_h):
    raise NotImplementedError


STEP_MISTAKES = {
    "missing bias": lambda x_t, h_prev, W_xh, W_hh, b_h: np.tanh(x_t @ W_xh.T + h_prev @ W_hh.T),
    "no tanh: returned a_t instead of h_t": lambda x_t, h_prev, W_xh, W_hh, b_h: (
        x_t @ W_xh.T + h_prev @ W_hh.T + b_h[:, 0]
    ),
    "sigmoid instead of tanh": lambda x_t, h_prev, W_xh, W_hh, b_h: sigmoid(x_t @ W_xh.T + h_prev @ W_hh.T + b_h[:, 0]),
    "W_hh not transposed": lambda x_t, h_prev, W_xh, W_hh, b_h: np.tanh(x_t @ W_xh.T + h_prev @ W_hh + b_h[:, 0]),
    "forgot the recurrent term": lambda x_t, h_prev, W_xh, W_hh, b_h: np.tanh(x_t @ W_xh.T + b_h[:, 0]),
}


def test_check_rnn_step_accepts_the_right_step():
    assert check_rnn_step(step_right).status == "correct"


def test_check_rnn_step_says_not_implemented_for_an_unfinished_exercise():
    feedback = check_rnn_step(step_not_implemented)
    assert feedback.status == "not implemented"
    assert "not implemented yet" in str(feedback)


@pytest.mark.parametrize("mistake", sorted(STEP_MISTAKES))
def test_check_rnn_step_names_each_known_mistake(mistake):
    feedback = check_rnn_step(STEP_MISTAKES[mistake])
    assert (feedback.status, feedback.mistake) == ("wrong", mistake)


def test_check_rnn_step_explains_a_transposed_input_weight_as_a_shape_error():
    feedback = check_rnn_step(lambda x_t, h_prev, W_xh, W_hh, b_h: np.tanh(x_t @ W_xh + h_prev @ W_hh.T + b_h[:, 0]))
    assert (feedback.status, feedback.mistake) == ("wrong", "shape error")
    assert "x_t @ W_xh.T" in str(feedback)


def test_check_rnn_step_explains_a_column_bias_added_to_rows_as_a_shape_error():
    feedback = check_rnn_step(lambda x_t, h_prev, W_xh, W_hh, b_h: np.tanh(x_t @ W_xh.T + h_prev @ W_hh.T + b_h))
    assert (feedback.status, feedback.mistake) == ("wrong", "shape error")
    assert "b_h[:, 0]" in str(feedback)


def test_check_rnn_step_reports_the_shape_of_a_column_layout_answer():
    feedback = check_rnn_step(lambda x_t, h_prev, W_xh, W_hh, b_h: np.tanh(W_xh @ x_t.T + W_hh @ h_prev.T + b_h))
    assert feedback.status == "wrong"
    assert "transpose of the expected shape" in str(feedback)


# ---------------------------------------------------------------------------
# rnn_forward: x (T, B, D), params dict → (h_1 … h_T as (T, B, H), y_hat (T, B, O)).
# ---------------------------------------------------------------------------


def make_forward(
    *, h0=0.0, lag=1, shift_out=False, return_a=False, activation=np.tanh, bias=True, hh_t=True, out_bias=True
):
    """A learner's rnn_forward with one planted mistake chosen by the keyword arguments."""

    def rnn_forward(x, params):
        W_xh, W_hh, W_hy, b_h, b_y = (params[k] for k in ("W_xh", "W_hh", "W_hy", "b_h", "b_y"))
        states = [np.full((x.shape[1], W_hh.shape[0]), h0)]
        pre = []
        for t in range(x.shape[0]):
            h_prev = states[max(t + 1 - lag, 0)]
            a_t = x[t] @ W_xh.T + h_prev @ (W_hh.T if hh_t else W_hh) + (b_h[:, 0] if bias else 0.0)
            pre.append(a_t)
            states.append(activation(a_t))
        h = np.array(pre) if return_a else np.array(states[:-1] if shift_out else states[1:])
        return h, h @ W_hy.T + (b_y[:, 0] if out_bias else 0.0)

    return rnn_forward


FORWARD_MISTAKES = {
    "h_0 not zero": make_forward(h0=1.0),
    "used the wrong state (h_{t−2} instead of h_{t−1})": make_forward(lag=2),
    "states shifted by one step (returned h_0 … h_{T−1})": make_forward(shift_out=True),
    "returned a_t instead of h_t": make_forward(return_a=True),
    "no tanh": make_forward(activation=lambda a: a),
    "sigmoid instead of tanh": make_forward(activation=sigmoid),
    "missing bias": make_forward(bias=False),
    "W_hh not transposed": make_forward(hh_t=False),
    "missing output bias": make_forward(out_bias=False),
}


def test_check_rnn_forward_accepts_the_right_forward_pass():
    assert check_rnn_forward(make_forward()).status == "correct"


def test_check_rnn_forward_says_not_implemented_for_an_unfinished_exercise():
    def rnn_forward(x, params):
        raise NotImplementedError

    assert check_rnn_forward(rnn_forward).status == "not implemented"


@pytest.mark.parametrize("mistake", sorted(FORWARD_MISTAKES))
def test_check_rnn_forward_names_each_known_mistake(mistake):
    feedback = check_rnn_forward(FORWARD_MISTAKES[mistake])
    assert (feedback.status, feedback.mistake) == ("wrong", mistake)


def test_check_rnn_forward_recognises_a_random_initial_state_as_h0_not_zero():
    rng = np.random.default_rng(123)

    def rnn_forward(x, params):
        h, states = rng.standard_normal((x.shape[1], params["W_hh"].shape[0])), []  # a fresh random h_0 each call
        for t in range(x.shape[0]):
            h = np.tanh(x[t] @ params["W_xh"].T + h @ params["W_hh"].T + params["b_h"][:, 0])
            states.append(h)
        h_all = np.array(states)
        return h_all, h_all @ params["W_hy"].T + params["b_y"][:, 0]

    feedback = check_rnn_forward(rnn_forward)
    assert (feedback.status, feedback.mistake) == ("wrong", "h_0 not zero")


def test_check_rnn_forward_asks_for_a_pair_when_only_one_array_comes_back():
    feedback = check_rnn_forward(lambda x, params: make_forward()(x, params)[0])
    assert feedback.status == "wrong"
    assert "(h, y_hat)" in str(feedback)


def test_check_rnn_forward_names_the_wrong_time_steps():
    def off_at_last_step(x, params):
        h, y_hat = make_forward()(x, params)
        h = h.copy()
        h[-1] += 0.1
        return h, y_hat

    assert "t = 4" in str(check_rnn_forward(off_at_last_step))


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
