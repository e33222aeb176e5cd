"""rnn_lib.fast.lstm and rnn_lib.fast.gru compute the numbers of the readable rnn_lib.lstm and rnn_lib.gru.

Float64 to rounding (1e-12 relative, every output, every gradient, every array of the cache), float32 to its own
precision, for one sequence and a batch, with and without initial states, on the edge sizes T = 1 and H = 1, and
over several of the fast backward's blocks of steps.
"""

import numpy as np
import pytest

from course.gated_bugs import random_problem
from rnn_lib import cells, gru, lstm
from rnn_lib.fast import gru as fast_gru
from rnn_lib.fast import lstm as fast_lstm
from rnn_lib.gradcheck import relative_error

PAIRS = {"LSTM": (lstm, fast_lstm), "GRU": (gru, fast_gru)}
SIZES = {
    "usual": dict(T=7, D=3, H=5, O=2),
    "one step": dict(T=1, D=2, H=3, O=2),
    "H = 1": dict(T=4, D=2, H=1, O=3),
    "several blocks": dict(T=19, D=3, H=4, O=2),  # the fast backward works in blocks of 8 steps: 3, 8, 8
}


def both(cell, params, x, y, states):
    """(y_hat, cache, grads) of the readable module and of the fast one; the fast one gets (B, H) states."""
    readable, fast = PAIRS[cell]
    y_hat, cache = readable.forward(params, x, **states)
    grads = readable.backward(params, cache, y_hat - y)
    batch = {k: np.atleast_2d(v) for k, v in states.items()}
    y_fast, cache_fast = fast.forward(params, x, **batch)
    grads_fast = fast.backward(params, cache_fast, y_fast - y)
    return (y_hat, cache, grads), (y_fast, cache_fast, grads_fast)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("B", [None, 4])
@pytest.mark.parametrize("cell", PAIRS)
def test_fast_equals_readable_in_float64(cell, B, size):
    params, x, y, states = random_problem(cell, seed=91, B=B, **SIZES[size])
    (y_hat, cache, grads), (y_fast, cache_fast, grads_fast) = both(cell, params, x, y, states)
    assert relative_error(y_fast, y_hat) < 1e-12
    for name in cache._fields[:-1]:
        assert relative_error(getattr(cache_fast, name), getattr(cache, name)) < 1e-12, name
    assert grads_fast.keys() == grads.keys()
    for name in grads:
        assert grads_fast[name].shape == grads[name].shape, name
        assert relative_error(grads_fast[name], grads[name]) < 1e-12, name


@pytest.mark.parametrize("cell", PAIRS)
def test_fast_equals_readable_from_zero_states(cell):
    params, x, y, _ = random_problem(cell, seed=92, B=3)
    readable, fast = PAIRS[cell]
    y_hat, cache = readable.forward(params, x)
    y_fast, cache_fast = fast.forward(params, x)
    grads, grads_fast = readable.backward(params, cache, y_hat - y), fast.backward(params, cache_fast, y_fast - y)
    assert relative_error(y_fast, y_hat) < 1e-12
    assert max(relative_error(grads_fast[k], grads[k]) for k in grads) < 1e-12


@pytest.mark.parametrize("cell", PAIRS)
def test_fast_in_float32_agrees_with_readable_float64(cell):
    params, x, y, states = random_problem(cell, seed=93, T=20, D=4, H=8, O=3, B=5)
    params32 = {k: v.astype(np.float32) for k, v in params.items()}
    x32, y32 = x.astype(np.float32), y.astype(np.float32)
    states32 = {k: v.astype(np.float32) for k, v in states.items()}
    readable, fast = PAIRS[cell]
    y_hat, cache = readable.forward(params, x, **states)
    grads = readable.backward(params, cache, y_hat - y)
    y_fast, cache_fast = fast.forward(params32, x32, **states32)
    grads_fast = fast.backward(params32, cache_fast, y_fast - y32)
    assert y_fast.dtype == np.float32 and all(g.dtype == np.float32 for g in grads_fast.values())
    assert relative_error(y_fast, y_hat) < 1e-5
    assert max(relative_error(grads_fast[k], grads[k]) for k in grads) < 1e-4


@pytest.mark.parametrize("cell", PAIRS)
def test_the_fast_cache_is_the_readable_cache_type_and_read_only(cell):
    params, x, y, states = random_problem(cell, seed=94, B=2)
    readable, fast = PAIRS[cell]
    y_fast, cache = fast.forward(params, x, **states)
    assert type(cache) is type(readable.forward(params, x, **states)[1])
    assert not any(a.flags.writeable for a in cache[1:-1])  # what backward reads (x is the caller's own array)
    # The readable backward takes the fast forward's cache and gives the fast backward's numbers.
    grads, grads_fast = readable.backward(params, cache, y_fast - y), fast.backward(params, cache, y_fast - y)
    assert max(relative_error(grads_fast[k], grads[k]) for k in grads) < 1e-12


@pytest.mark.parametrize("cell", ["LSTM", "GRU"])
def test_the_trainers_cells_run_the_fast_paths(cell):
    _, fast = PAIRS[cell]
    assert cells.CELLS[cell].forward is fast.forward and cells.CELLS[cell].backward is fast.backward


@pytest.mark.parametrize("cell", PAIRS)
def test_fast_backward_leaves_the_cache_and_dy_unchanged(cell):
    params, x, y, states = random_problem(cell, seed=95, B=3)
    _, fast = PAIRS[cell]
    y_fast, cache = fast.forward(params, x, **states)
    dy = y_fast - y
    before = [np.copy(a) for a in cache[:-1]] + [dy.copy()]
    fast.backward(params, cache, dy)
    fast.backward(params, cache, dy)
    for a, b in zip([*cache[:-1], dy], before):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("B", [None, 3])
@pytest.mark.parametrize("cell", PAIRS)
def test_fast_backward_without_inputs_skips_only_dx(cell, B):
    params, x, y, states = random_problem(cell, seed=96, B=B)
    _, fast = PAIRS[cell]
    y_fast, cache = fast.forward(params, x, **{k: np.atleast_2d(v) for k, v in states.items()})
    full, lean = fast.backward(params, cache, y_fast - y), fast.backward(params, cache, y_fast - y, inputs=False)
    assert "x" in full and lean.keys() == full.keys() - {"x"}
    for name in lean:
        np.testing.assert_array_equal(lean[name], full[name])
