"""rnn_lib.lstm and rnn_lib.gru: bad input gives one precise error and changes nothing; init is deterministic.

Each row of ``BAD_CALLS`` is one mistake, with the exception type and key words its message must contain
(the argument, what was expected, what arrived).  After every row the parameters, the inputs and the cache
are bit-identical to before and the global RNG has not moved.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from course.gated_bugs import random_problem
from rnn_lib import gru, lstm

T, D, H, O, B = 5, 3, 4, 2, 2


def make_case():
    lp, x, y, ls = random_problem("LSTM", seed=81, T=T, D=D, H=H, O=O)
    gp, _, _, gs = random_problem("GRU", seed=82, T=T, D=D, H=H, O=O)
    xb = np.random.default_rng(83).standard_normal((T, B, D))
    return SimpleNamespace(
        lstm=lp,
        gru=gp,
        x=x,
        y=y,
        xb=xb,
        h0=ls["h0"],
        c0=ls["c0"],
        lstm_cache=lstm.forward(lp, x, **ls)[1],
        lstm_cache_batch=lstm.forward(lp, xb)[1],
        gru_cache=gru.forward(gp, x, **gs)[1],
    )


def with_entry(params, name, value):
    return {**params, name: value}


def without(params, name):
    return {k: v for k, v in params.items() if k != name}


def with_nan(a, index=(1, 1)):
    a = np.array(a, dtype=float)
    a[index] = np.nan
    return a


def row(call, exc, *keywords, id):
    return pytest.param(call, exc, keywords, id=id)


BAD_CALLS = [
    # -- forward: params ----------------------------------------------------------------------------
    row(lambda c: lstm.forward([c.lstm], c.x), TypeError, "params", "dict", "list", id="lstm-params-list"),
    row(lambda c: lstm.forward(without(c.lstm, "b_hh"), c.x), ValueError, "missing b_hh", "W_ih", id="lstm-missing"),
    row(
        lambda c: gru.forward({"W_xh": c.gru["W_ih"]}, c.x),
        ValueError,
        "missing W_ih, W_hh, b_ih, b_hh, W_hy, b_y",
        id="gru-vanilla-keys",
    ),
    row(
        lambda c: lstm.forward(with_entry(c.lstm, "W_ih", c.lstm["W_ih"].tolist()), c.x),
        TypeError,
        "params['W_ih']",
        "numpy",
        "list",
        id="lstm-param-list",
    ),
    row(
        lambda c: gru.forward(with_entry(c.gru, "b_ih", c.gru["b_ih"][:, 0]), c.x),
        ValueError,
        "params['b_ih']",
        "2-D",
        "(12,)",
        id="gru-flat-bias",
    ),
    row(
        lambda c: lstm.forward(with_entry(c.lstm, "W_hh", c.lstm["W_hh"].astype(np.int64)), c.x),
        TypeError,
        "params['W_hh']",
        "float32 or float64",
        "int64",
        id="lstm-int-param",
    ),
    row(
        lambda c: gru.forward(with_entry(c.gru, "W_hy", c.gru["W_hy"].astype(np.float32)), c.x),
        TypeError,
        "one dtype",
        "W_hy: float32",
        id="gru-mixed-dtypes",
    ),
    row(
        lambda c: lstm.forward(c.gru, c.x),
        ValueError,
        "params['W_ih']",
        "(16, 3)",
        "(12, 3)",
        "4 gate",
        id="gru-to-lstm",
    ),
    row(
        lambda c: gru.forward(c.lstm, c.x),
        ValueError,
        "params['W_ih']",
        "(12, 3)",
        "(16, 3)",
        "3 gate",
        id="lstm-to-gru",
    ),
    row(
        lambda c: lstm.forward(with_entry(c.lstm, "b_ih", c.lstm["b_ih"][:-1]), c.x),
        ValueError,
        "params['b_ih']",
        "(16, 1)",
        "(15, 1)",
        id="lstm-short-bias",
    ),
    row(
        lambda c: gru.forward(with_entry(c.gru, "W_hy", c.gru["W_hy"][:, :-1]), c.x),
        ValueError,
        "params['W_hy']",
        "(2, 4)",
        "(2, 3)",
        id="gru-readout-columns",
    ),
    row(
        lambda c: lstm.forward(with_entry(c.lstm, "W_hh", with_nan(c.lstm["W_hh"])), c.x),
        ValueError,
        "params['W_hh']",
        "finite",
        "NaN",
        id="lstm-nan-param",
    ),
    # -- forward: x and the initial states ----------------------------------------------------------------
    row(lambda c: lstm.forward(c.lstm, c.x[:, :2]), ValueError, "x", "3 features", "(5, 2)", id="lstm-x-features"),
    row(lambda c: gru.forward(c.gru, with_nan(c.x)), ValueError, "x", "finite", "NaN", "(1, 1)", id="gru-x-nan"),
    row(lambda c: lstm.forward(c.lstm, c.x > 0), TypeError, "x", "bool", id="lstm-x-bool"),
    row(lambda c: gru.forward(c.gru, np.ones((T, B, 1, D))), ValueError, "x", "(T, B, D=3)", "4-D", id="gru-x-4d"),
    row(lambda c: lstm.forward(c.lstm, np.ones((0, D))), ValueError, "x", "empty", "T = 0", id="lstm-x-empty"),
    row(lambda c: lstm.forward(c.lstm, c.x, h0=np.ones(H + 1)), ValueError, "h0", "(4,)", "(5,)", id="lstm-h0-shape"),
    row(
        lambda c: lstm.forward(c.lstm, c.xb, c0=c.c0), ValueError, "c0", "(2, 4)", "batch of B = 2", id="lstm-c0-batch"
    ),
    row(lambda c: lstm.forward(c.lstm, c.x, c0=with_nan(c.c0, 1)), ValueError, "c0", "finite", id="lstm-c0-nan"),
    row(lambda c: gru.forward(c.gru, c.x, h0="zeros"), TypeError, "h0", "numbers", "str", id="gru-h0-str"),
    # -- backward -------------------------------------------------------------------------------------
    row(
        lambda c: lstm.backward(c.lstm, c.gru_cache, c.y),
        TypeError,
        "cache",
        "rnn_lib.lstm.forward",
        "GRUCache",
        id="lstm-gru-cache",
    ),
    row(
        lambda c: gru.backward(c.gru, c.lstm_cache, c.y),
        TypeError,
        "cache",
        "rnn_lib.gru.forward",
        "LSTMCache",
        id="gru-lstm-cache",
    ),
    row(
        lambda c: lstm.backward(random_problem("LSTM", H=5)[0], c.lstm_cache, c.y),
        ValueError,
        "cache was made with",
        "H=4",
        "H=5",
        id="lstm-cache-sizes",
    ),
    row(
        lambda c: gru.backward({k: v.astype(np.float32) for k, v in c.gru.items()}, c.gru_cache, c.y),
        TypeError,
        "cache was made with float64",
        "float32",
        id="gru-cache-dtype",
    ),
    row(lambda c: lstm.backward(c.lstm, c.lstm_cache, c.y[:-1]), ValueError, "dy", "(5, 2)", "(4, 2)", id="lstm-dy"),
    row(
        lambda c: lstm.backward(c.lstm, c.lstm_cache_batch, c.y),
        ValueError,
        "dy",
        "(5, 2, 2)",
        "batch of B = 2",
        id="lstm-dy-batch",
    ),
    row(lambda c: gru.backward(c.gru, c.gru_cache, with_nan(c.y)), ValueError, "dy", "finite", id="gru-dy-nan"),
    # -- init_params ----------------------------------------------------------------------------------
    row(lambda c: lstm.init_params(0, H, O), ValueError, "D", "positive integer", "0", id="init-D-zero"),
    row(lambda c: gru.init_params(D, 2.5, O), TypeError, "H", "positive integer", "2.5", id="init-H-float"),
    row(lambda c: lstm.init_params(D, H, O, dtype=np.int32), TypeError, "dtype", "float32", id="init-dtype"),
    row(lambda c: gru.init_params(D, H, O, rng=42), TypeError, "rng", "Generator", "int", id="init-rng-int"),
    row(
        lambda c: lstm.init_params(D, H, O, forget_bias="1"),
        TypeError,
        "forget_bias",
        "number",
        "'1'",
        id="init-fb-str",
    ),
    row(lambda c: lstm.init_params(D, H, O, forget_bias=np.inf), ValueError, "forget_bias", "finite", id="init-fb-inf"),
    row(
        lambda c: lstm.init_params(D, H, O, forget_bias=10**400), ValueError, "forget_bias", "finite", id="init-fb-huge"
    ),
    row(
        lambda c: lstm.init_params(D, H, O, dtype=np.float32, forget_bias=1e30),
        ValueError,
        "forget_bias",
        "float32",
        id="init-fb-float32",
    ),
    row(
        lambda c: lstm.init_params(1, 10**6, 1),
        ValueError,
        "LSTM's parameters",
        "H = 1000000",
        "fit in this machine's memory",
        id="init-lstm-memory",
    ),
    row(
        lambda c: lstm.forward(c.lstm, np.broadcast_to(np.zeros(D), (10**6, 10**6, D))),
        ValueError,
        "x of shape (1000000, 1000000, 3)",
        "fit in this machine's memory",
        id="lstm-x-broadcast-memory",
    ),
    row(
        lambda c: gru.forward(c.gru, np.broadcast_to(np.zeros(D), (10**6, 10**6, D))),
        ValueError,
        "x of shape (1000000, 1000000, 3)",
        "fit in this machine's memory",
        id="gru-x-broadcast-memory",
    ),
]


def snapshot(case):
    arrays = {f"lstm.{k}": v for k, v in case.lstm.items()} | {f"gru.{k}": v for k, v in case.gru.items()}
    arrays |= {"x": case.x, "xb": case.xb, "y": case.y, "h0": case.h0, "c0": case.c0}
    for name in ("lstm_cache", "lstm_cache_batch", "gru_cache"):
        arrays |= {f"{name}.{k}": v for k, v in getattr(case, name)._asdict().items() if k != "single"}
    return {k: v.copy() for k, v in arrays.items()}, np.random.get_state()[1].copy()


@pytest.mark.parametrize("call, exc, keywords", BAD_CALLS)
def test_bad_call_raises_a_precise_error(call, exc, keywords):
    case = make_case()
    with pytest.raises(exc) as info:
        call(case)
    for word in keywords:
        assert word in str(info.value), f"{word!r} not in: {info.value}"


@pytest.mark.parametrize("call, exc, keywords", BAD_CALLS)
def test_bad_call_changes_nothing(call, exc, keywords):
    case = make_case()
    np.random.seed(84)
    before, rng_before = snapshot(case)
    with pytest.raises(exc):
        call(case)
    after, rng_after = snapshot(case)
    for name, value in before.items():
        np.testing.assert_array_equal(after[name], value, err_msg=name)
    np.testing.assert_array_equal(rng_after, rng_before)


@pytest.mark.parametrize("module", [lstm, gru])
def test_backward_can_be_called_twice_and_editing_x_after_forward_changes_nothing(module):
    params, x, y, states = random_problem(module.__name__.split(".")[-1].upper(), seed=85, B=B)
    y_hat, cache = module.forward(params, x, **states)
    first = module.backward(params, cache, y_hat - y)
    x += 1.0  # the cache holds a copy of x
    second = module.backward(params, cache, y_hat - y)
    for name in first:
        np.testing.assert_array_equal(first[name], second[name], err_msg=name)


# -- initialisation --------------------------------------------------------------------------------


@pytest.mark.parametrize("module, G", [(lstm, 4), (gru, 3)])
def test_init_has_the_layout_and_the_stated_distribution(module, G):
    params = module.init_params(D, H, O, rng=np.random.default_rng(0))
    assert {k: v.shape for k, v in params.items()} == module.param_shapes(D, H, O)
    assert params["W_hh"].shape == (G * H, H)
    for name in ("W_ih", "W_hh", "W_hy"):  # U(−1/√H, 1/√H): inside the bound, and spread over it
        assert np.max(np.abs(params[name])) <= 1 / np.sqrt(H)
        assert np.max(np.abs(params[name])) > 0.5 / np.sqrt(H)
    for name in ("b_ih", "b_hh", "b_y"):
        np.testing.assert_array_equal(params[name], 0.0)


@pytest.mark.parametrize("module", [lstm, gru])
def test_init_is_deterministic_for_a_seed(module):
    first = module.init_params(D, H, O, rng=np.random.default_rng(5))
    second = module.init_params(D, H, O, rng=np.random.default_rng(5))
    other = module.init_params(D, H, O, rng=np.random.default_rng(6))
    for name in first:
        np.testing.assert_array_equal(first[name], second[name])
    assert not np.array_equal(first["W_hh"], other["W_hh"])


@pytest.mark.parametrize("module", [lstm, gru])
def test_init_without_rng_follows_the_global_seed(module):
    np.random.seed(7)
    first = module.init_params(D, H, O)
    np.random.seed(7)
    second = module.init_params(D, H, O)
    for name in first:
        np.testing.assert_array_equal(first[name], second[name])


@pytest.mark.parametrize("module", [lstm, gru])
def test_init_in_float32(module):
    params = module.init_params(D, H, O, rng=np.random.default_rng(0), dtype=np.float32)
    assert {v.dtype for v in params.values()} == {np.dtype(np.float32)}


def test_forget_bias_sets_the_f_block_of_b_ih_only():
    plain = lstm.init_params(D, H, O, rng=np.random.default_rng(8))
    biased = lstm.init_params(D, H, O, rng=np.random.default_rng(8), forget_bias=1.0)
    expected = dict(plain, b_ih=plain["b_ih"].copy())
    expected["b_ih"][H : 2 * H] = 1.0
    for name in plain:
        np.testing.assert_array_equal(biased[name], expected[name], err_msg=name)


def test_forget_bias_of_one_opens_the_forget_gate_at_the_start():
    # Zero input and state: every pre-activation is its bias, so f_1 = σ(1) ≈ 0.731 and i_1 = o_1 = σ(0) = 0.5.
    params = lstm.init_params(D, H, O, rng=np.random.default_rng(9), forget_bias=1.0)
    _, cache = lstm.forward(params, np.zeros((1, D)))
    i, f, g, o = lstm.gate_blocks(cache.gates[0, 0])
    np.testing.assert_allclose(f, 1 / (1 + np.exp(-1.0)), rtol=1e-15)
    np.testing.assert_allclose(np.concatenate([i, o]), 0.5, rtol=1e-15)


def test_a_size_too_large_for_memory_is_refused_before_the_generator_moves():
    gen = np.random.default_rng(86)
    state = gen.bit_generator.state
    with pytest.raises(
        ValueError, match=r"GRU's parameters for D = 1, H = 1000000, O = 1 .* fit in this machine's memory"
    ):
        gru.init_params(1, 10**6, 1, rng=gen)
    assert gen.bit_generator.state == state


@pytest.mark.parametrize("cell", ["LSTM", "GRU"])
def test_the_cache_is_read_only(cell):
    module = {"LSTM": lstm, "GRU": gru}[cell]
    params, x, y, states = random_problem(cell, seed=87, B=B)
    y_hat, cache = module.forward(params, x, **states)
    arrays = {name: value for name, value in cache._asdict().items() if name != "single"}
    for name, value in arrays.items():
        with pytest.raises(ValueError, match="read-only"):
            value[0] += 1.0
    np.testing.assert_array_equal(module.forward(params, x, **states)[1].h, cache.h)
