"""rnn_lib.deep: stacked and bidirectional RNNs on rnn_lib.forward/backward (notebook 20), FD-checked."""

import numpy as np
import pytest

import rnn_lib
from rnn_lib import deep
from rnn_lib.gradcheck import numerical_gradient, relative_error


def problem(layers, bidirectional, seed=0, B=2):
    rng = np.random.default_rng(seed)
    params = deep.init_params(3, 4, 2, layers=layers, bidirectional=bidirectional, rng=rng, scale=0.5)
    params = {k: v + 0.1 * rng.standard_normal(v.shape) if k.endswith(("b_h", "b_y")) else v for k, v in params.items()}
    shape = (5, 3) if B is None else (5, B, 3)
    return params, rng.standard_normal(shape), rng.standard_normal(shape[:-1] + (2,))


@pytest.mark.parametrize("layers", [1, 3])
@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("B", [None, 2])
def test_every_gradient_through_layers_and_time_matches_centred_differences(layers, bidirectional, B):
    params, x, y = problem(layers, bidirectional, B=B)
    y_hat, cache = deep.forward(params, x)
    grads = deep.backward(params, cache, y_hat - y)  # L = ½ Σ ‖ŷ − y‖²

    def L():
        return 0.5 * float(np.sum((deep.forward(params, x)[0] - y) ** 2))

    assert set(grads) == set(params) | {"x"}
    for name, array in (params | {"x": x}).items():
        err = relative_error(grads[name], numerical_gradient(L, array))
        assert err < 1e-7, f"{layers} layers, bidirectional={bidirectional}: {name} relative error {err:.1e}"


def test_one_layer_is_the_course_rnn():
    params, x, y = problem(1, False)
    rnn = {"W_xh": params["l1.W_xh"], "W_hh": params["l1.W_hh"], "b_h": params["l1.b_h"]}
    rnn |= {"W_hy": params["W_hy"], "b_y": params["b_y"]}
    np.testing.assert_allclose(deep.forward(params, x)[0], rnn_lib.forward(rnn, x)[0], rtol=1e-13)


def test_the_backward_direction_reads_the_sequence_from_its_end():
    params, x, _ = problem(1, True)
    y_hat, _ = deep.forward(params, x)
    # ŷ_1 depends on x_5 through the backward direction only: changing x_5 changes ŷ_1 …
    later = x.copy()
    later[-1] += 1.0
    assert not np.allclose(deep.forward(params, later)[0][0], y_hat[0])
    # … and a one-directional network's ŷ_1 never sees it.
    params1, _, _ = problem(1, False)
    np.testing.assert_array_equal(deep.forward(params1, later)[0][0], deep.forward(params1, x)[0][0])


def test_stacked_layers_read_the_states_below():
    params, x, _ = problem(2, False)
    h1, _ = rnn_lib.forward(
        {"W_xh": params["l1.W_xh"], "W_hh": params["l1.W_hh"], "b_h": params["l1.b_h"]}
        | {"W_hy": np.eye(4), "b_y": np.zeros((4, 1))},
        x,
    )
    two = {"W_xh": params["l2.W_xh"], "W_hh": params["l2.W_hh"], "b_h": params["l2.b_h"]}
    expected, _ = rnn_lib.forward(two | {"W_hy": params["W_hy"], "b_y": params["b_y"]}, h1)
    np.testing.assert_allclose(deep.forward(params, x)[0], expected, rtol=1e-13)


def test_init_params_names_and_shapes():
    params = deep.init_params(3, 4, 2, layers=2, bidirectional=True, rng=np.random.default_rng(0))
    shapes = {k: v.shape for k, v in params.items()}
    assert shapes["l1.W_xh"] == shapes["l1r.W_xh"] == (4, 3) and shapes["l2.W_xh"] == (4, 8)
    assert shapes["W_hy"] == (2, 8) and len(params) == 2 * 2 * 3 + 2


@pytest.mark.parametrize(
    "change, error, words",
    [
        (lambda p, x: ({k: v for k, v in p.items() if k != "l2.W_hh"}, x), ValueError, "params is missing l2.W_hh"),
        (lambda p, x: ({k: v for k, v in p.items() if not k.startswith("l1.")}, x), ValueError, "l1 … lL"),
        (lambda p, x: (p | {"l2.W_xh": np.ones((4, 3))}, x), ValueError, "params['l2.W_xh'] must have shape (4, 4)"),
        (lambda p, x: (p, x[..., :2]), ValueError, "x must have 3 features"),
        (lambda p, x: (p, np.full_like(x, np.nan)), ValueError, "x must be finite"),
        (lambda p, x: ("W", x), TypeError, "params must be the dict of deep.init_params"),
    ],
)
def test_bad_input_is_named(change, error, words):
    params, x, _ = problem(2, False)
    with pytest.raises(error) as info:
        deep.forward(*change(params, x))
    assert words in str(info.value)


def test_backward_refuses_dy_of_another_shape():
    params, x, y = problem(2, True)
    _, cache = deep.forward(params, x)
    with pytest.raises(ValueError, match=r"dy must have the shape of the y_hat forward returned, \(5, 2, 2\)"):
        deep.backward(params, cache, y[:, :1])
