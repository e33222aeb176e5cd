"""For the LSTM and the GRU too, the parameters' dtype decides the arithmetic, and float32 agrees with float64."""

import numpy as np
import pytest

from course.gated_bugs import MODULES, random_problem
from rnn_lib.gradcheck import relative_error

FLOAT32_TOLERANCE = 1e-5  # float32 round-off is 6e-8; a few dozen operations deep stays well below this


def run(cell, params, x, y, states):
    y_hat, cache = MODULES[cell].forward(params, x, *states.values())
    return y_hat, cache, MODULES[cell].backward(params, cache, y_hat - y.astype(y_hat.dtype))


def as_float32(arrays):
    return {k: v.astype(np.float32) for k, v in arrays.items()}


@pytest.fixture(params=list(MODULES))
def case(request):
    cell = request.param
    return (cell, *random_problem(cell, seed=71, T=6, D=3, H=5, O=2, B=4))


def test_float32_params_give_float32_outputs_caches_and_gradients(case):
    cell, params, x, y, states = case
    y_hat, cache, grads = run(cell, as_float32(params), x, y, states)  # x, y and the states stay float64
    arrays = {"y_hat": y_hat, **{f"cache.{k}": v for k, v in cache._asdict().items() if k != "single"}, **grads}
    assert {k: v.dtype for k, v in arrays.items()} == {k: np.dtype(np.float32) for k in arrays}


def test_float64_params_compute_in_float64_even_from_float32_inputs(case):
    cell, params, x, y, states = case
    _, cache, grads = run(cell, params, x.astype(np.float32), y, as_float32(states))
    assert cache.h.dtype == np.float64 and all(g.dtype == np.float64 for g in grads.values())


def test_float32_agrees_with_float64(case):
    cell, params, x, y, states = case
    y64, _, g64 = run(cell, params, x, y, states)
    y32, _, g32 = run(cell, as_float32(params), x, y, states)
    assert relative_error(y32, y64) < FLOAT32_TOLERANCE
    errors = {k: relative_error(g32[k], g64[k]) for k in g64}
    assert max(errors.values()) < FLOAT32_TOLERANCE, errors
