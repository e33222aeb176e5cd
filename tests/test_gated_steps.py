"""The step functions of rnn_lib.lstm and rnn_lib.gru are the readable pieces of the sequence functions.

A loop over time built from lstm_step_forward/backward (gru_step_…) and the course's read-out
reproduces forward/backward; each step's backward passes a finite-difference check on its own;
gates_forward computes the textbook equations, written out here in column form with σ = 1 / (1 + e^(−a));
and each sequence backward is one short function that calls its step backward.
"""

import ast
import inspect

import numpy as np
import pytest

import rnn_lib
from course.gated_bugs import random_problem
from rnn_lib import gru, lstm
from rnn_lib.gradcheck import check_gradients

LAYOUTS = {"single": None, "batch": 3}
LSTM_GRADS = ("W_ih", "W_hh", "b_ih", "b_hh", "W_hy", "b_y", "x", "h0", "c0")
GRU_GRADS = ("W_ih", "W_hh", "b_ih", "b_hh", "W_hy", "b_y", "x", "h0")
STEP_PARAMS = ("W_ih", "W_hh", "b_ih", "b_hh")


def textbook_sigmoid(a):
    return 1.0 / (1.0 + np.exp(-a))


# -- loops of step functions -----------------------------------------------------------------------


def lstm_loop(params, x, h0, c0, y):
    """Forward and backward as loops of step functions; returns (y_hat, states (h, c), gradients)."""
    W = [params[k] for k in STEP_PARAMS]
    h, c, caches, outputs = [h0], [c0], [], []
    for x_t in x:
        h_t, c_t, cache = lstm.lstm_step_forward(x_t, h[-1], c[-1], *W)
        y_t, out_cache = rnn_lib.output_step_forward(h_t, params["W_hy"], params["b_y"])
        h.append(h_t)
        c.append(c_t)
        caches.append((cache, out_cache))
        outputs.append(y_t)
    y_hat = np.stack(outputs)
    grads = {k: np.zeros_like(v) for k, v in params.items()}
    dx, dh_next, dc_next = [], 0.0, 0.0
    for t in reversed(range(len(x))):
        cache, out_cache = caches[t]
        dh_from_y, dW_hy, db_y = rnn_lib.output_step_backward(y_hat[t] - y[t], out_cache)
        dx_t, dh_next, dc_next, *step_grads = lstm.lstm_step_backward(dh_from_y + dh_next, dc_next, cache)
        for name, g in zip((*STEP_PARAMS, "W_hy", "b_y"), (*step_grads, dW_hy, db_y)):
            grads[name] += g
        dx.append(dx_t)
    grads.update(x=np.stack(dx[::-1]), h0=dh_next, c0=dc_next)
    return y_hat, (np.stack(h), np.stack(c)), grads


def gru_loop(params, x, h0, y):
    """Forward and backward as loops of step functions; returns (y_hat, h, gradients)."""
    W = [params[k] for k in STEP_PARAMS]
    h, caches, outputs = [h0], [], []
    for x_t in x:
        h_t, cache = gru.gru_step_forward(x_t, h[-1], *W)
        y_t, out_cache = rnn_lib.output_step_forward(h_t, params["W_hy"], params["b_y"])
        h.append(h_t)
        caches.append((cache, out_cache))
        outputs.append(y_t)
    y_hat = np.stack(outputs)
    grads = {k: np.zeros_like(v) for k, v in params.items()}
    dx, dh_next = [], 0.0
    for t in reversed(range(len(x))):
        cache, out_cache = caches[t]
        dh_from_y, dW_hy, db_y = rnn_lib.output_step_backward(y_hat[t] - y[t], out_cache)
        dx_t, dh_next, *step_grads = gru.gru_step_backward(dh_from_y + dh_next, cache)
        for name, g in zip((*STEP_PARAMS, "W_hy", "b_y"), (*step_grads, dW_hy, db_y)):
            grads[name] += g
        dx.append(dx_t)
    grads.update(x=np.stack(dx[::-1]), h0=dh_next)
    return y_hat, np.stack(h), grads


@pytest.mark.parametrize("layout", LAYOUTS)
def test_loop_of_lstm_steps_reproduces_forward_and_its_states(layout, assert_close):
    params, x, y, s = random_problem("LSTM", seed=61, B=LAYOUTS[layout])
    y_loop, (h, c), _ = lstm_loop(params, x, s["h0"], s["c0"], y)
    y_hat, cache = lstm.forward(params, x, **s)
    assert_close(y_loop, y_hat)
    assert_close(h, cache.h.reshape(h.shape))  # h[0] = h_0, h[t] = h_t
    assert_close(c, cache.c.reshape(c.shape))


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("name", LSTM_GRADS)
def test_loop_of_lstm_step_backwards_reproduces_backward(name, layout, assert_close):
    params, x, y, s = random_problem("LSTM", seed=62, B=LAYOUTS[layout])
    _, _, loop_grads = lstm_loop(params, x, s["h0"], s["c0"], y)
    y_hat, cache = lstm.forward(params, x, **s)
    assert_close(loop_grads[name], lstm.backward(params, cache, y_hat - y)[name])


@pytest.mark.parametrize("layout", LAYOUTS)
def test_loop_of_gru_steps_reproduces_forward_and_its_states(layout, assert_close):
    params, x, y, s = random_problem("GRU", seed=63, B=LAYOUTS[layout])
    y_loop, h, _ = gru_loop(params, x, s["h0"], y)
    y_hat, cache = gru.forward(params, x, **s)
    assert_close(y_loop, y_hat)
    assert_close(h, cache.h.reshape(h.shape))


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("name", GRU_GRADS)
def test_loop_of_gru_step_backwards_reproduces_backward(name, layout, assert_close):
    params, x, y, s = random_problem("GRU", seed=64, B=LAYOUTS[layout])
    _, _, loop_grads = gru_loop(params, x, s["h0"], y)
    y_hat, cache = gru.forward(params, x, **s)
    assert_close(loop_grads[name], gru.backward(params, cache, y_hat - y)[name])


# -- each step's backward on its own ---------------------------------------------------------------
# f = Σ upstream ⊙ output has gradient `upstream` with respect to each output, so the step's backward,
# fed those upstreams, must return f's gradient with respect to each input.


def step_arrays(cell, seed, layout):
    rng = np.random.default_rng(seed)
    D, H = 3, 4
    G = 4 if cell == "LSTM" else 3
    lead = () if LAYOUTS[layout] is None else (LAYOUTS[layout],)
    arrays = {"x_t": rng.standard_normal(lead + (D,)), "h_prev": 0.5 * rng.standard_normal(lead + (H,))}
    if cell == "LSTM":
        arrays["c_prev"] = rng.standard_normal(lead + (H,))
    shapes = {"W_ih": (G * H, D), "W_hh": (G * H, H), "b_ih": (G * H, 1), "b_hh": (G * H, 1)}
    arrays.update({k: 0.5 * rng.standard_normal(shape) for k, shape in shapes.items()})
    upstream = [rng.standard_normal(lead + (H,)) for _ in range(2 if cell == "LSTM" else 1)]
    return arrays, upstream


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("name", ("x_t", "h_prev", "c_prev", *STEP_PARAMS))
def test_lstm_step_backward_matches_finite_differences(name, layout):
    arrays, (dh, dc) = step_arrays("LSTM", 65, layout)

    def f():
        h_t, c_t, _ = lstm.lstm_step_forward(*arrays.values())
        return np.sum(dh * h_t) + np.sum(dc * c_t)  # c_t is an output too: dc is what step t + 1 sends it

    _, _, cache = lstm.lstm_step_forward(*arrays.values())
    dx_t, dh_prev, dc_prev, *param_grads = lstm.lstm_step_backward(dh, dc, cache)
    analytic = dict(zip(arrays, (dx_t, dh_prev, dc_prev, *param_grads)))
    check_gradients(f, {name: arrays[name]}, analytic).assert_ok()


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("name", ("x_t", "h_prev", *STEP_PARAMS))
def test_gru_step_backward_matches_finite_differences(name, layout):
    arrays, (dh,) = step_arrays("GRU", 66, layout)

    def f():
        h_t, _ = gru.gru_step_forward(*arrays.values())
        return np.sum(dh * h_t)

    _, cache = gru.gru_step_forward(*arrays.values())
    analytic = dict(zip(arrays, gru.gru_step_backward(dh, cache)))
    check_gradients(f, {name: arrays[name]}, analytic).assert_ok()


@pytest.mark.parametrize("layout", LAYOUTS)
def test_step_backward_results_are_shaped_like_their_arrays(layout):
    for cell, backward, forward in (
        ("LSTM", lambda up, c: lstm.lstm_step_backward(*up, c), lambda a: lstm.lstm_step_forward(*a)[2]),
        ("GRU", lambda up, c: gru.gru_step_backward(*up, c), lambda a: gru.gru_step_forward(*a)[1]),
    ):
        arrays, upstream = step_arrays(cell, 67, layout)
        shapes = [g.shape for g in backward(upstream, forward(arrays.values()))]
        assert shapes == [a.shape for a in arrays.values()], cell


# -- the equations, written out --------------------------------------------------------------------


def test_lstm_step_computes_the_textbook_equations(assert_close):
    arrays, _ = step_arrays("LSTM", 68, "single")
    x_t, h_prev, c_prev, W_ih, W_hh, b_ih, b_hh = (
        arrays[k][..., None] if arrays[k].ndim == 1 else arrays[k] for k in arrays
    )
    H = h_prev.shape[0]
    a = W_ih @ x_t + b_ih + W_hh @ h_prev + b_hh  # column form, (4H, 1), blocks i, f, g, o
    i, f, o = (textbook_sigmoid(a[k * H : (k + 1) * H]) for k in (0, 1, 3))
    g = np.tanh(a[2 * H : 3 * H])
    c_t = f * c_prev + i * g
    h_t = o * np.tanh(c_t)
    ours_h, ours_c, _ = lstm.lstm_step_forward(*arrays.values())
    assert_close(ours_h, h_t[:, 0])
    assert_close(ours_c, c_t[:, 0])


def test_gru_step_computes_the_textbook_equations_with_r_after_the_product(assert_close):
    arrays, _ = step_arrays("GRU", 69, "single")
    x_t, h_prev, W_ih, W_hh, b_ih, b_hh = (arrays[k][..., None] if arrays[k].ndim == 1 else arrays[k] for k in arrays)
    H = h_prev.shape[0]
    blocks = [slice(k * H, (k + 1) * H) for k in range(3)]
    r = textbook_sigmoid(W_ih[blocks[0]] @ x_t + b_ih[blocks[0]] + W_hh[blocks[0]] @ h_prev + b_hh[blocks[0]])
    z = textbook_sigmoid(W_ih[blocks[1]] @ x_t + b_ih[blocks[1]] + W_hh[blocks[1]] @ h_prev + b_hh[blocks[1]])
    n = np.tanh(W_ih[blocks[2]] @ x_t + b_ih[blocks[2]] + r * (W_hh[blocks[2]] @ h_prev + b_hh[blocks[2]]))
    h_t = (1 - z) * n + z * h_prev
    ours, _ = gru.gru_step_forward(*arrays.values())
    assert_close(ours, h_t[:, 0])


def test_sigmoid_has_no_overflow_and_matches_the_textbook_formula(assert_close):
    a = np.array([-1000.0, -30.0, -1.0, 0.0, 2.5, 40.0, 1000.0])
    with np.errstate(over="ignore"):  # the textbook formula overflows at −1000 (and still gives 0)
        expected = textbook_sigmoid(a)
    assert_close(rnn_lib.gated.sigmoid(a), expected, tol=1e-15)


# -- the sequence functions are loops over the step functions ---------------------------------------


def lines_of_code(fn) -> int:
    """Lines of a function that hold code: its docstring, comments and blank lines left out."""
    body = ast.parse(inspect.getsource(fn)).body[0].body
    if isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]  # the docstring
    source = inspect.getsource(fn).splitlines()
    first = body[0].lineno - 1
    return sum(1 for line in source[first:] if line.strip() and not line.strip().startswith("#"))


@pytest.mark.parametrize("module, step", [(lstm, "lstm_step"), (gru, "gru_step")])
def test_sequence_functions_call_their_step_functions_and_no_product_of_their_own(module, step):
    forward, backward = inspect.getsource(module.forward), inspect.getsource(module.backward)
    assert f"{step}_forward(" in forward and "output_step_forward(" in forward
    assert "step_backward(dh" in backward and "output_step_backward(" in backward
    default = inspect.signature(module.backward).parameters["step_backward"].default
    assert default is getattr(module, f"{step}_backward")
    for source in (forward, backward):
        assert "@" not in source and "np.dot" not in source and "einsum" not in source


@pytest.mark.parametrize("module", [lstm, gru])
def test_each_sequence_backward_is_at_most_60_lines_of_code(module):
    assert lines_of_code(module.backward) <= 60
