"""Bad input gives one precise error and changes nothing.

The table ``BAD_CALLS`` lists one mistake per row, across the public surface: ``SimpleRNN(...)``,
its ``forward``, ``backward``, ``loss``, ``gradients`` and ``train_step``, and the functional
``rnn_lib.forward``, ``rnn_lib.backward``, ``rnn_lib.loss`` and ``rnn_lib.loss_grad``.  Each row
names the exception type and key words its message must contain (the argument, what was
expected, what arrived).  After every row the parameters of the models involved are
bit-identical to before, the global RNG has not moved, and the model's cached forward pass
still gives exactly the update a model that never saw the mistake makes.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

import rnn_lib
from rnn_lib import SimpleRNN
from rnn_lib.validation import CallOrderError

T, D, H, O = 5, 3, 4, 2
LR = 0.05


def new_model(**kwargs):
    return SimpleRNN(D, H, O, rng=np.random.default_rng(0), **kwargs)


def make_case():
    """A model with a cached forward pass of x, a model never forwarded, data and functional caches."""
    rng = np.random.default_rng(1)
    x = rng.standard_normal((T, D))
    y = rng.standard_normal((T, O))
    xb = rng.standard_normal((T, 2, D))
    model = new_model()
    model.forward(x)
    params = model.params  # the model's own arrays: a functional call must not touch them either
    _, cache = rnn_lib.forward(params, x)
    _, cache_batch = rnn_lib.forward(params, xb)
    return SimpleNamespace(
        model=model,
        unforwarded=new_model(),
        x=x,
        y=y,
        xb=xb,
        params=params,
        cache=cache,
        cache_batch=cache_batch,
        other_x=rng.standard_normal((T, D)),
    )


def with_param(params, name, value):
    """A copy of the dict with one entry replaced (the original arrays stay untouched)."""
    return {**params, name: value}


def without(params, name):
    return {k: v for k, v in params.items() if k != name}


def reassigned(model, name, value, call):
    """Run ``call()`` while ``model.<name>`` is ``value`` (a learner's reassignment), then restore it."""
    saved = getattr(model, name)
    setattr(model, name, value)
    try:
        call()
    finally:
        setattr(model, name, saved)


def with_nan(a, index=(2, 1)):
    a = np.array(a, dtype=float)
    a[index] = np.nan
    return a


def with_inf(a, index=(0, 0)):
    a = np.array(a, dtype=float)
    a[index] = -np.inf
    return a


RAGGED = [[1.0, 2.0, 3.0], [4.0, 5.0]]


def row(call, exc, *keywords, id):
    return pytest.param(call, exc, keywords, id=id)


BAD_CALLS = [
    # -- SimpleRNN(...) ----------------------------------------------------------------------------
    row(lambda c: SimpleRNN(0, H, O), ValueError, "input_size", "positive integer", "0", id="init-size-zero"),
    row(lambda c: SimpleRNN(D, -4, O), ValueError, "hidden_size", "positive integer", "-4", id="init-size-negative"),
    row(lambda c: SimpleRNN(D, 2.5, O), TypeError, "hidden_size", "positive integer", "2.5", id="init-size-float"),
    row(lambda c: SimpleRNN(D, H, True), TypeError, "output_size", "positive integer", "True", id="init-size-bool"),
    row(lambda c: SimpleRNN("3", H, O), TypeError, "input_size", "positive integer", "'3'", id="init-size-str"),
    row(lambda c: SimpleRNN(D, H, O, rng=42), TypeError, "rng", "Generator", "int", id="init-rng-int"),
    row(lambda c: SimpleRNN(D, H, O, dtype=np.int32), TypeError, "dtype", "float32", "int32", id="init-dtype-int"),
    # -- SimpleRNN.forward: x ------------------------------------------------------------------
    row(lambda c: c.model.forward(np.ones(T)), ValueError, "x", "(T, D=3)", "(5,)", id="forward-1d"),
    row(lambda c: c.model.forward(c.xb), ValueError, "one sequence", "(T, D=3)", "(5, 2, 3)", id="forward-batch"),
    row(lambda c: c.model.forward(np.ones((T, 2, 2, D))), ValueError, "x", "(T, D=3)", "4-D", id="forward-4d"),
    row(lambda c: c.model.forward(np.ones((T, 4))), ValueError, "x", "3 features", "(5, 4)", id="forward-features"),
    row(lambda c: c.model.forward(np.ones((0, D))), ValueError, "x", "empty", "T = 0", id="forward-empty"),
    row(lambda c: c.model.forward([]), ValueError, "x", "empty", "T = 0", id="forward-empty-list"),
    row(lambda c: c.model.forward(with_nan(c.x)), ValueError, "x", "finite", "NaN", "(2, 1)", id="forward-nan"),
    row(lambda c: c.model.forward(with_inf(c.x)), ValueError, "x", "finite", "inf", id="forward-inf"),
    row(lambda c: c.model.forward(c.x > 0), TypeError, "x", "bool", "(5, 3)", id="forward-bool"),
    row(lambda c: c.model.forward(c.x + 0j), TypeError, "x", "complex", "(5, 3)", id="forward-complex"),
    row(lambda c: c.model.forward(c.x.astype(object)), TypeError, "x", "numbers", "object", id="forward-object"),
    row(lambda c: c.model.forward([[1, None, 2]] * T), TypeError, "x", "numbers", "None", id="forward-none-inside"),
    row(lambda c: c.model.forward(c.x.astype(str)), TypeError, "x", "numbers", "<U", id="forward-str-array"),
    row(lambda c: c.model.forward("1 2 3"), TypeError, "x", "numbers", "str", id="forward-str"),
    row(lambda c: c.model.forward(None), TypeError, "x", "numbers", "NoneType", id="forward-none"),
    row(lambda c: c.model.forward(RAGGED), ValueError, "x", "rectangular", "inhomogeneous", id="forward-ragged"),
    row(lambda c: c.model.forward(3.0), ValueError, "x", "(T, D=3)", "0-D", id="forward-scalar"),
    row(
        lambda c: reassigned(c.model, "W_hh", np.zeros((3, 3)), lambda: c.model.forward(c.x)),
        ValueError,
        "SimpleRNN.W_hh",
        "(4, 4)",
        "(3, 3)",
        id="forward-reassigned-weight-shape",
    ),
    row(
        lambda c: reassigned(c.model, "b_h", [[0.0]] * H, lambda: c.model.forward(c.x)),
        TypeError,
        "SimpleRNN.b_h",
        "numpy",
        "list",
        id="forward-reassigned-weight-list",
    ),
    row(
        lambda c: reassigned(c.model, "W_xh", np.full((H, D), np.nan), lambda: c.model.forward(c.x)),
        ValueError,
        "SimpleRNN.W_xh",
        "finite",
        id="forward-reassigned-weight-nan",
    ),
    # -- SimpleRNN.backward: order, x, y, learning rate ---------------------------------------
    row(lambda c: c.unforwarded.backward(c.x, c.y), CallOrderError, "forward(x) first", id="backward-before-forward"),
    row(lambda c: c.model.backward(c.other_x, c.y), CallOrderError, "x", "different", "forward", id="backward-other-x"),
    row(lambda c: c.model.backward(c.x[:4], c.y[:4]), CallOrderError, "x", "(4, 3)", "(5, 3)", id="backward-shorter-x"),
    row(lambda c: c.model.backward(c.x, c.y[:4]), ValueError, "y", "(5, 2)", "(4, 2)", "T = 5", id="backward-y-short"),
    row(
        lambda c: c.model.backward(c.x, c.y[:, :1]), ValueError, "y", "(5, 2)", "(5, 1)", "O = 2", id="backward-y-width"
    ),
    row(lambda c: c.model.backward(c.x, c.y[:, 0]), ValueError, "y", "(5, 2)", "(5,)", id="backward-y-1d"),
    row(lambda c: c.model.backward(c.x, with_nan(c.y, (1, 1))), ValueError, "y", "finite", id="backward-y-nan"),
    row(lambda c: c.model.backward(c.x, c.y > 0), TypeError, "y", "bool", id="backward-y-bool"),
    row(lambda c: c.model.backward(c.x, RAGGED), ValueError, "y", "rectangular", id="backward-y-ragged"),
    row(lambda c: c.model.backward(c.x, c.y, 0), ValueError, "learning_rate", "finite positive", "0", id="lr-zero"),
    row(lambda c: c.model.backward(c.x, c.y, -0.1), ValueError, "learning_rate", "positive", "-0.1", id="lr-negative"),
    row(lambda c: c.model.backward(c.x, c.y, float("nan")), ValueError, "learning_rate", "finite", "nan", id="lr-nan"),
    row(lambda c: c.model.backward(c.x, c.y, float("inf")), ValueError, "learning_rate", "finite", "inf", id="lr-inf"),
    row(lambda c: c.model.backward(c.x, c.y, "0.1"), TypeError, "learning_rate", "number", "str", id="lr-str"),
    row(lambda c: c.model.backward(c.x, c.y, None), TypeError, "learning_rate", "number", "None", id="lr-none"),
    row(lambda c: c.model.backward(c.x, c.y, True), TypeError, "learning_rate", "number", "bool", id="lr-bool"),
    row(lambda c: c.model.backward(c.x, c.y, 1 + 0j), TypeError, "learning_rate", "number", "complex", id="lr-complex"),
    # -- SimpleRNN.loss / gradients / train_step ------------------------------------------------
    row(lambda c: c.model.loss(c.x, c.y[:4]), ValueError, "y", "(5, 2)", "(4, 2)", id="loss-y-short"),
    row(lambda c: c.model.loss(c.x[:, :2], c.y), ValueError, "x", "3 features", "(5, 2)", id="loss-x-features"),
    row(lambda c: c.model.loss(with_nan(c.x), c.y), ValueError, "x", "finite", id="loss-x-nan"),
    row(lambda c: c.model.gradients(c.x, c.y[:, :1]), ValueError, "y", "(5, 2)", "(5, 1)", id="gradients-y-width"),
    row(lambda c: c.model.gradients(c.x + 0j, c.y), TypeError, "x", "complex", id="gradients-x-complex"),
    row(lambda c: c.model.gradients(c.x, with_inf(c.y)), ValueError, "y", "finite", "inf", id="gradients-y-inf"),
    # train_step with another x: if it ran forward before refusing, the cached pass of x would be gone.
    row(lambda c: c.model.train_step(c.other_x, c.y[:4]), ValueError, "y", "(5, 2)", "(4, 2)", id="train-step-y"),
    row(lambda c: c.model.train_step(c.other_x, c.y, -1), ValueError, "learning_rate", "-1", id="train-step-lr"),
    # -- rnn_lib.forward ---------------------------------------------------------------------------
    row(lambda c: rnn_lib.forward(c.params, c.x[:, :2]), ValueError, "x", "3 features", "(5, 2)", id="f-forward-x"),
    row(lambda c: rnn_lib.forward(c.params, np.ones(T)), ValueError, "x", "(T, D=3)", "(5,)", id="f-forward-1d"),
    row(lambda c: rnn_lib.forward(c.params, c.x[:0]), ValueError, "x", "empty", "T = 0", id="f-forward-empty"),
    row(lambda c: rnn_lib.forward(c.params, c.xb[:, :0]), ValueError, "x", "empty batch", "B = 0", id="f-forward-b0"),
    row(lambda c: rnn_lib.forward(c.params, with_nan(c.x)), ValueError, "x", "finite", id="f-forward-nan"),
    row(lambda c: rnn_lib.forward(c.params, c.x, np.zeros(3)), ValueError, "h0", "(4,)", "(3,)", id="f-forward-h0"),
    row(
        lambda c: rnn_lib.forward(c.params, c.xb, np.zeros(H)), ValueError, "h0", "(2, 4)", "(4,)", id="f-forward-h0-b"
    ),
    row(
        lambda c: rnn_lib.forward(c.params, c.x, np.full(H, np.nan)), ValueError, "h0", "finite", id="f-forward-h0-nan"
    ),
    row(lambda c: rnn_lib.forward([1, 2], c.x), TypeError, "params", "dict", "list", id="f-params-not-dict"),
    row(
        lambda c: rnn_lib.forward(without(c.params, "b_y"), c.x), ValueError, "params", "missing", "b_y", id="f-missing"
    ),
    row(
        lambda c: rnn_lib.forward(with_param(c.params, "b_h", np.zeros((3, 1))), c.x),
        ValueError,
        "params['b_h']",
        "(4, 1)",
        "(3, 1)",
        id="f-params-shape",
    ),
    row(
        lambda c: rnn_lib.forward(with_param(c.params, "b_h", np.zeros(H)), c.x),
        ValueError,
        "params['b_h']",
        "2-D",
        "(4,)",
        id="f-params-1d-bias",
    ),
    row(
        lambda c: rnn_lib.forward(with_param(c.params, "W_xh", np.ones((H, D), dtype=int)), c.x),
        TypeError,
        "params['W_xh']",
        "float32 or float64",
        "int",
        id="f-params-int",
    ),
    row(
        lambda c: rnn_lib.forward(with_param(c.params, "W_hy", c.params["W_hy"].astype(np.float32)), c.x),
        TypeError,
        "share one dtype",
        "W_hy: float32",
        id="f-params-mixed-dtype",
    ),
    row(
        lambda c: rnn_lib.forward(with_param(c.params, "W_hh", with_inf(c.params["W_hh"])), c.x),
        ValueError,
        "params['W_hh']",
        "finite",
        id="f-params-inf",
    ),
    row(
        lambda c: rnn_lib.forward(with_param(c.params, "W_xh", c.params["W_xh"].tolist()), c.x),
        TypeError,
        "params['W_xh']",
        "numpy",
        "list",
        id="f-params-list",
    ),
    # -- rnn_lib.backward ------------------------------------------------------------------------
    row(
        lambda c: rnn_lib.backward(c.params, c.cache_batch, c.y),
        ValueError,
        "dy",
        "(5, 2, 2)",
        "(5, 2)",
        "batch",
        id="f-backward-batch-cache-single-dy",
    ),
    row(
        lambda c: rnn_lib.backward(c.params, c.cache, np.ones((T, 1, O))),
        ValueError,
        "dy",
        "(5, 2)",
        "(5, 1, 2)",
        "one sequence",
        id="f-backward-single-cache-batch-dy",
    ),
    row(lambda c: rnn_lib.backward(c.params, c.cache, c.y[:4]), ValueError, "dy", "(5, 2)", "(4, 2)", id="f-dy-short"),
    row(
        lambda c: rnn_lib.backward(c.params, c.cache, with_nan(c.y, (0, 0))), ValueError, "dy", "finite", id="f-dy-nan"
    ),
    row(lambda c: rnn_lib.backward(c.params, c.cache, c.y > 0), TypeError, "dy", "bool", id="f-dy-bool"),
    row(lambda c: rnn_lib.backward(c.params, "cache", c.y), TypeError, "cache", "rnn_lib.forward", "str", id="f-cache"),
    row(lambda c: rnn_lib.backward(c.params, tuple(c.cache), c.y), TypeError, "cache", "tuple", id="f-cache-tuple"),
    row(
        lambda c: rnn_lib.backward(rnn_lib.init_params(D, 3, O, rng=np.random.default_rng(0)), c.cache, c.y),
        ValueError,
        "cache",
        "H=4",
        "H=3",
        id="f-cache-other-sizes",
    ),
    row(
        lambda c: rnn_lib.backward({k: v.astype(np.float32) for k, v in c.params.items()}, c.cache, c.y),
        TypeError,
        "cache",
        "float64",
        "float32",
        id="f-cache-other-dtype",
    ),
    # -- rnn_lib.loss / loss_grad --------------------------------------------------------------
    row(lambda c: rnn_lib.loss(c.y, c.y[:4]), ValueError, "y", "shape of y_hat", "(5, 2)", "(4, 2)", id="f-loss-short"),
    row(lambda c: rnn_lib.loss(c.y, c.y > 0), TypeError, "y", "bool", id="f-loss-y-bool"),
    row(lambda c: rnn_lib.loss(["a", "b"], c.y), TypeError, "y_hat", "numbers", id="f-loss-yhat-str"),
    row(lambda c: rnn_lib.loss(RAGGED, RAGGED), ValueError, "y_hat", "rectangular", id="f-loss-ragged"),
    row(lambda c: rnn_lib.loss(np.zeros((0, O)), np.zeros((0, O))), ValueError, "y_hat", "empty", id="f-loss-empty"),
    row(lambda c: rnn_lib.loss(with_nan(c.y, (0, 1)), c.y), ValueError, "y_hat", "finite", id="f-loss-nan"),
    row(lambda c: rnn_lib.loss_grad(c.y, c.y.T), ValueError, "y", "(5, 2)", "(2, 5)", id="f-loss-grad-transposed"),
]


def snapshot(model):
    """Bytes, dtype and shape of every parameter: equal snapshots mean bit-identical parameters."""
    return {name: (p.tobytes(), p.dtype, p.shape) for name, p in model.params.items()}


@pytest.mark.parametrize(("call", "exc", "keywords"), BAD_CALLS)
def test_bad_input_raises_one_precise_error(call, exc, keywords):
    case = make_case()
    with pytest.raises(exc) as info:
        call(case)
    message = str(info.value)
    missing = [k for k in keywords if k not in message]
    assert not missing, f"message lacks {missing}: {message!r}"
    assert isinstance(info.value, (ValueError, TypeError)), "bad input must give ValueError or TypeError"
    assert "broadcast" not in message, "numpy's broadcasting message is not an explanation"


@pytest.mark.parametrize(("call", "exc", "keywords"), BAD_CALLS)
def test_bad_input_leaves_everything_as_it_was(call, exc, keywords):
    case = make_case()
    before = {"model": snapshot(case.model), "unforwarded": snapshot(case.unforwarded)}
    global_rng = np.random.get_state()[1].copy()
    with pytest.raises(exc):
        call(case)
    assert snapshot(case.model) == before["model"]
    assert snapshot(case.unforwarded) == before["unforwarded"]
    assert np.array_equal(np.random.get_state()[1], global_rng), "a refused call must not draw from the global RNG"
    # The cached forward pass of x survived: backward gives exactly the step of a model that never saw the mistake.
    twin = new_model()
    twin.forward(case.x)
    assert case.model.backward(case.x, case.y, LR) == twin.backward(case.x, case.y, LR)
    assert snapshot(case.model) == snapshot(twin)


def test_call_order_error_is_both_value_error_and_runtime_error():
    # Code written against the old RuntimeError keeps working; the ValueError contract holds too.
    assert issubclass(CallOrderError, ValueError) and issubclass(CallOrderError, RuntimeError)


def test_a_second_backward_after_one_forward_is_refused_and_changes_nothing():
    case = make_case()
    case.model.backward(case.x, case.y, LR)
    after_first = snapshot(case.model)
    with pytest.raises(CallOrderError, match=r"stale.*forward\(x\) again"):
        case.model.backward(case.x, case.y, LR)
    assert snapshot(case.model) == after_first


def test_weights_changed_between_forward_and_backward_are_noticed():
    # e.g. rnn_lib.training.train(model, ...) or a learner's edit between the two calls.
    case = make_case()
    case.model.W_hh[0, 0] += 0.5
    before = snapshot(case.model)
    with pytest.raises(CallOrderError, match=r"W_hh changed since the last forward"):
        case.model.backward(case.x, case.y, LR)
    assert snapshot(case.model) == before


def test_editing_x_in_place_after_forward_is_noticed_by_backward():
    # forward keeps a copy of x: the learner's later edit cannot silently mix two inputs in one gradient.
    case = make_case()
    x = case.x.copy()
    model = new_model()
    model.forward(x)
    x[0, 0] += 1.0
    with pytest.raises(CallOrderError, match="different"):
        model.backward(x, case.y, LR)


def test_editing_x_in_place_after_functional_forward_does_not_change_backward():
    case = make_case()
    x = case.x.copy()
    _, cache = rnn_lib.forward(case.params, x)
    expected = rnn_lib.backward(case.params, rnn_lib.forward(case.params, case.x)[1], case.y)
    x[...] = 0.0
    grads = rnn_lib.backward(case.params, cache, case.y)
    assert all(np.array_equal(grads[k], expected[k]) for k in rnn_lib.PARAM_NAMES)


# -- Exploding updates: FloatingPointError, model unchanged ------------------------------------------


def test_an_update_that_overflows_raises_floating_point_error_and_changes_nothing():
    case = make_case()
    big_y = 100.0 * np.ones((T, O))  # gradients of size ~100: finite, but 1e308 times them is not
    before = snapshot(case.model)
    with pytest.raises(FloatingPointError) as info:
        case.model.backward(case.x, big_y, 1e308)
    assert "smaller learning rate" in str(info.value) and "clip" in str(info.value)
    assert snapshot(case.model) == before


def test_after_a_refused_update_a_valid_backward_still_works():
    case = make_case()
    with pytest.raises(FloatingPointError):
        case.model.backward(case.x, 100.0 * np.ones((T, O)), 1e308)
    twin = new_model()
    twin.forward(case.x)
    assert case.model.backward(case.x, case.y, LR) == twin.backward(case.x, case.y, LR)
    assert snapshot(case.model) == snapshot(twin)


def test_weights_too_large_to_compute_with_are_refused_before_the_forward_pass():
    model = new_model()
    model.W_hy[...] = 1e200  # finite, but its products and squares overflow float64
    before = snapshot(model)
    with pytest.raises(ValueError, match=r"SimpleRNN\.W_hy holds values too large.*limit is 1\.34e\+154"):
        model.forward(np.ones((T, D)))
    assert snapshot(model) == before


def test_a_forward_pass_that_overflows_raises_floating_point_error(monkeypatch):
    # Within the limits no overflow is known to reach ŷ; the guard still stands, and is tested by faking one.
    model = new_model()
    monkeypatch.setattr(type(model), "_run_forward", staticmethod(lambda params, x: (np.full((T, O), np.inf), None)))
    before = snapshot(model)
    with pytest.raises(FloatingPointError, match="overflowed"):
        model.forward(np.ones((T, D)))
    assert snapshot(model) == before and model._forwarded is None


@pytest.mark.parametrize("method", ["backward", "gradients"])
def test_gradients_that_overflow_raise_floating_point_error_and_change_nothing(method):
    model = new_model()
    model.W_xh[...] = 1.0  # with x = 1: a_t = 3, so h_t ≈ 0.995 in every unit
    model.W_hy[...] = 1e154  # within the limit; ŷ ~ 4e154 is finite, W_hyᵀ δ^y ~ 8e308 is not
    x, y = np.ones((T, D)), np.zeros((T, O))
    model.forward(x)
    before = snapshot(model)
    call = (lambda: model.backward(x, y, LR)) if method == "backward" else (lambda: model.gradients(x, y))
    with pytest.raises(FloatingPointError, match="gradients of .* overflowed"):
        call()
    assert snapshot(model) == before


# -- What is accepted (the policy of validation.py's docstring) ---------------------------------------


def test_lists_and_integer_arrays_give_the_same_numbers_as_float_arrays():
    x = np.arange(T * D).reshape(T, D) % 3
    expected = new_model().forward(x.astype(float))
    assert np.array_equal(new_model().forward(x), expected)
    assert np.array_equal(new_model().forward(x.tolist()), expected)


def test_one_feature_sequences_may_be_plain_lists_and_targets_flat():
    model = SimpleRNN(1, 3, 1, rng=np.random.default_rng(0))
    twin = SimpleRNN(1, 3, 1, rng=np.random.default_rng(0))
    x, y = rnn_lib.data.toy_task()
    model.forward([1, 2, 3, 4])
    twin.forward(x)
    assert model.backward([1, 2, 3, 4], [2, 3, 4, 5], LR) == twin.backward(x, y, LR)


def test_targets_shaped_like_forward_output_are_accepted():
    case = make_case()
    assert case.model.loss(case.x, case.y[:, :, None]) == case.model.loss(case.x, case.y)


def test_float32_model_refuses_inputs_too_large_for_float32():
    model = new_model(dtype=np.float32)
    with pytest.raises(ValueError, match="too large to compute with in float32"):
        model.forward(np.full((T, D), 1e300))


def test_float32_model_computes_in_float32():
    model = new_model(dtype=np.float32)
    assert model.dtype == np.float32
    assert model.forward(np.ones((T, D))).dtype == np.float32
