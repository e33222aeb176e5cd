"""The one-step pairs rnn_step_forward/backward and output_step_forward/backward of ``rnn_lib.reference``.

Each step's backward passes a finite-difference check on its own, for a single vector (H,) and for a
batch (B, H).  (The loops over them, ``reference.forward``/``backward``, are held equal to the engine in
test_reference_engine.py and to finite differences in test_gradients.py.)
"""

import numpy as np
import pytest

import rnn_lib
from rnn_lib.gradcheck import check_gradients

LAYOUTS = {"single": None, "batch": 3}


# -- each step's backward on its own ------------------------------------------------------
# The scalar f = Σ upstream ⊙ output has gradient `upstream` with respect to the step's output,
# so the step's backward, fed `upstream`, must return f's gradient with respect to each input.


def rnn_step_arrays(seed, layout):
    rng = np.random.default_rng(seed)
    D, H = 3, 4
    lead = () if LAYOUTS[layout] is None else (LAYOUTS[layout],)
    arrays = {
        "x_t": rng.standard_normal(lead + (D,)),
        "h_prev": 0.5 * rng.standard_normal(lead + (H,)),
        "W_xh": 0.5 * rng.standard_normal((H, D)),
        "W_hh": 0.5 * rng.standard_normal((H, H)),
        "b_h": 0.5 * rng.standard_normal((H, 1)),
    }
    return arrays, rng.standard_normal(lead + (H,))


def output_step_arrays(seed, layout):
    rng = np.random.default_rng(seed)
    H, O = 4, 3
    lead = () if LAYOUTS[layout] is None else (LAYOUTS[layout],)
    arrays = {
        "h_t": rng.standard_normal(lead + (H,)),
        "W_hy": 0.5 * rng.standard_normal((O, H)),
        "b_y": 0.5 * rng.standard_normal((O, 1)),
    }
    return arrays, rng.standard_normal(lead + (O,))


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("name", ("x_t", "h_prev", "W_xh", "W_hh", "b_h"))
def test_rnn_step_backward_matches_finite_differences(name, layout):
    arrays, dh_t = rnn_step_arrays(53, layout)

    def f():
        h_t, _ = rnn_lib.rnn_step_forward(*arrays.values())
        return np.sum(dh_t * h_t)

    _, cache = rnn_lib.rnn_step_forward(*arrays.values())
    analytic = dict(zip(arrays, rnn_lib.rnn_step_backward(dh_t, cache)))
    check_gradients(f, {name: arrays[name]}, analytic).assert_ok()


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("name", ("h_t", "W_hy", "b_y"))
def test_output_step_backward_matches_finite_differences(name, layout):
    arrays, dy_t = output_step_arrays(54, layout)

    def f():
        y_t, _ = rnn_lib.output_step_forward(*arrays.values())
        return np.sum(dy_t * y_t)

    _, cache = rnn_lib.output_step_forward(*arrays.values())
    analytic = dict(zip(arrays, rnn_lib.output_step_backward(dy_t, cache)))
    check_gradients(f, {name: arrays[name]}, analytic).assert_ok()


@pytest.mark.parametrize("layout", LAYOUTS)
def test_rnn_step_forward_is_tanh_of_the_pre_activation(layout, assert_close):
    arrays, _ = rnn_step_arrays(55, layout)
    x_t, h_prev, W_xh, W_hh, b_h = arrays.values()
    # Column-vector form of the problem, applied to each row: a_t = W_xh x_t + W_hh h_{t−1} + b_h.
    a_t = (W_xh @ np.atleast_2d(x_t).T + W_hh @ np.atleast_2d(h_prev).T + b_h).T
    h_t, _ = rnn_lib.rnn_step_forward(*arrays.values())
    assert_close(h_t, np.tanh(a_t).reshape(h_prev.shape))


@pytest.mark.parametrize("layout", LAYOUTS)
def test_step_backward_results_are_shaped_like_their_arrays(layout):
    arrays, dh_t = rnn_step_arrays(56, layout)
    _, cache = rnn_lib.rnn_step_forward(*arrays.values())
    shapes = [g.shape for g in rnn_lib.rnn_step_backward(dh_t, cache)]
    assert shapes == [a.shape for a in arrays.values()]
