"""LSTMModel and GRUModel: SimpleRNN's surface over rnn_lib.lstm and rnn_lib.gru, with the same guarantees.

Same numbers as the functional modules plus plain SGD; the call order, the checks before anything
changes, all-or-nothing updates and the files are those of every model of the course.
"""

from __future__ import annotations

import numpy as np
import pytest

import rnn_lib
from rnn_lib import GRUModel, LSTMModel, SimpleRNN, gru, lstm
from rnn_lib.validation import CallOrderError

MODELS = {"LSTM": (LSTMModel, lstm), "GRU": (GRUModel, gru)}
D, H, O, T = 3, 4, 2, 6


def case(name, seed=0):
    cls, module = MODELS[name]
    rng = np.random.default_rng(seed + 1)
    return (
        cls(D, H, O, rng=np.random.default_rng(seed)),
        module,
        rng.standard_normal((T, D)),
        rng.standard_normal((T, O)),
    )


@pytest.mark.parametrize("name", MODELS)
def test_forward_is_the_functional_forward_as_a_column_per_step(name):
    model, module, x, _ = case(name)
    y_hat, _ = module.forward(model.params, x)
    np.testing.assert_array_equal(model.forward(x), y_hat[:, :, None])


@pytest.mark.parametrize("name", MODELS)
def test_backward_is_one_sgd_step_on_the_functional_gradients(name):
    model, module, x, y = case(name)
    y_hat, cache = module.forward(model.params, x)
    grads = module.backward(model.params, cache, y_hat - y)
    expected = {k: p - 0.05 * grads[k] for k, p in model.params.items()}
    model.forward(x)
    loss = model.backward(x, y, 0.05)
    assert loss == pytest.approx(0.5 * float(np.sum((y_hat - y) ** 2)), rel=1e-14)
    for k, p in model.params.items():
        np.testing.assert_allclose(p, expected[k], rtol=1e-14, atol=1e-15)


@pytest.mark.parametrize("name", MODELS)
def test_training_steps_lower_the_loss(name):
    model, _, x, y = case(name)
    first = model.train_step(x, y, 0.05)
    for _ in range(30):
        last = model.train_step(x, y, 0.05)
    assert last < 0.9 * first


@pytest.mark.parametrize("name", MODELS)
def test_the_global_rng_draws_what_the_functional_init_draws(name):
    cls, module = MODELS[name]
    np.random.seed(7)
    model = cls(D, H, O)
    np.random.seed(7)
    params = module.init_params(D, H, O)
    for k in params:
        np.testing.assert_array_equal(model.params[k], params[k])


def test_the_forget_bias_opens_the_f_block_only():
    model = LSTMModel(D, H, O, rng=np.random.default_rng(0), forget_bias=1.0)
    np.testing.assert_array_equal(model.b_ih[H : 2 * H], 1.0)
    assert not np.any(np.delete(model.b_ih, np.s_[H : 2 * H], axis=0)) and not np.any(model.b_hh)


@pytest.mark.parametrize("bad, error", [(float("nan"), ValueError), ("1", TypeError), (True, TypeError)])
def test_a_bad_forget_bias_is_refused_before_any_draw(bad, error):
    gen = np.random.default_rng(3)
    state = gen.bit_generator.state
    with pytest.raises(error, match="forget_bias"):
        LSTMModel(D, H, O, rng=gen, forget_bias=bad)
    assert gen.bit_generator.state == state


@pytest.mark.parametrize("name", MODELS)
def test_backward_without_forward_is_a_call_order_error(name):
    model, _, x, y = case(name)
    with pytest.raises(CallOrderError):
        model.backward(x, y, 0.1)


@pytest.mark.parametrize("name", MODELS)
@pytest.mark.parametrize("attr", ["W_ih", "b_hh", "b_y"])
def test_a_read_only_parameter_is_refused_and_nothing_changes(name, attr):
    model, _, x, y = case(name)
    model.forward(x)
    setattr(model, attr, np.broadcast_to(getattr(model, attr).copy(), getattr(model, attr).shape))
    before = {k: p.copy() for k, p in model.params.items()}
    with pytest.raises(ValueError, match=rf"{type(model).__name__}\.{attr} is read-only"):
        model.backward(x, y, 0.1)
    assert all(np.array_equal(model.params[k], before[k]) for k in before)


@pytest.mark.parametrize("name", MODELS)
def test_a_parameter_that_is_a_view_of_another_is_refused(name):
    model, _, x, y = case(name)
    model.b_hh = model.W_hh[:, :1]
    with pytest.raises(ValueError, match="share memory"):
        model.train_step(x, y, 0.1)


@pytest.mark.parametrize("name", MODELS)
def test_a_wrong_shape_is_named_with_the_sizes(name):
    model, _, x, _ = case(name)
    model.W_hh = np.zeros((H, H))
    with pytest.raises(ValueError, match=rf"{type(model).__name__}\.W_hh must have shape"):
        model.forward(x)


@pytest.mark.parametrize("name", MODELS)
def test_an_exploding_step_is_refused_and_nothing_changes(name):
    model, _, x, y = case(name)
    model.forward(x)
    before = {k: p.copy() for k, p in model.params.items()}
    with pytest.raises(FloatingPointError):
        model.backward(x, y * 1e150, 1e150)
    assert all(np.array_equal(model.params[k], before[k]) for k in before)


@pytest.mark.parametrize("name", MODELS)
def test_save_and_load_round_trip_bit_for_bit(name, tmp_path):
    model, _, x, y = case(name)
    model.train_step(x, y, 0.1)
    loaded = type(model).load(model.save(tmp_path / "m.npz"))
    assert loaded.sizes == model.sizes
    assert all(loaded.params[k].tobytes() == p.tobytes() for k, p in model.params.items())


@pytest.mark.parametrize("name", MODELS)
def test_a_file_of_another_model_is_refused_by_name(name, tmp_path):
    model, _, _, _ = case(name)
    path = model.save(tmp_path / "m.npz")
    with pytest.raises(ValueError, match="not written by SimpleRNN.save"):
        SimpleRNN.load(path)
    other = GRUModel if name == "LSTM" else LSTMModel
    with pytest.raises(ValueError, match=f"not written by {other.__name__}.save"):
        other.load(path)


def test_a_model_too_large_for_memory_leaves_the_global_rng_where_it_was():
    np.random.seed(5)
    state = np.random.get_state()
    with pytest.raises(ValueError, match="not fit in this machine's memory"):
        LSTMModel(1, 10**6, 1)
    after = np.random.get_state()
    assert np.array_equal(state[1], after[1]) and state[2] == after[2]


def test_the_models_are_exported():
    assert rnn_lib.LSTMModel is LSTMModel and rnn_lib.GRUModel is GRUModel
