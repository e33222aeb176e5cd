"""The trainers train any cell of the course (RNN, LSTM, GRU), by SGD or with an optimiser: the same numbers as the
loop a learner would write from the cell's forward/backward and the optimiser's step."""

from __future__ import annotations

import numpy as np
import pytest

import rnn_lib
from course.stateful import train_tbptt
from rnn_lib import cells, gru, lstm
from rnn_lib.optim import Adam
from rnn_lib.training import train

GATED = {"LSTM": (cells.LSTM, lstm), "GRU": (cells.GRU, gru)}
T, N, D, H, O = 7, 6, 2, 4, 1


def data(seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((T, N, D)), rng.standard_normal((T, N, O))


def sgd_by_hand(module, params, x, y, lr, steps):
    """Full-batch gradient descent on the mean loss, written out."""
    for _ in range(steps):
        y_hat, cache = module.forward(params, x)
        grads = module.backward(params, cache, y_hat - y)
        for k in params:
            params[k] -= lr * grads[k] / x.shape[1]
    return params


@pytest.mark.parametrize("name", GATED)
def test_train_with_a_gated_cell_is_gradient_descent_on_its_own_gradients(name):
    cell, module = GATED[name]
    x, y = data()
    params = module.init_params(D, H, O, rng=np.random.default_rng(1))
    expected = sgd_by_hand(module, {k: v.copy() for k, v in params.items()}, x, y, 0.1, 3)
    train(params, x, y, epochs=3, batch_size=N, learning_rate=0.1, shuffle=False, cell=cell, progress=False)
    for k in params:
        np.testing.assert_allclose(params[k], expected[k], rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("name", GATED)
def test_train_with_adam_takes_adams_steps(name):
    cell, module = GATED[name]
    x, y = data(2)
    params = module.init_params(D, H, O, rng=np.random.default_rng(3))
    by_hand = {k: v.copy() for k, v in params.items()}
    adam = Adam(by_hand, lr=0.01)
    for _ in range(4):
        y_hat, cache = module.forward(by_hand, x)
        grads = module.backward(by_hand, cache, y_hat - y)
        adam.step({k: grads[k] / N for k in by_hand})
    train(params, x, y, epochs=4, batch_size=N, optimizer=Adam(params, lr=0.01), shuffle=False, cell=cell)
    for k in params:
        np.testing.assert_allclose(params[k], by_hand[k], rtol=1e-13, atol=1e-15)


def test_train_accepts_a_model_and_the_cells_name():
    model = rnn_lib.LSTMModel(D, H, O, rng=np.random.default_rng(4))
    x, y = data(5)
    history = train(model, x, y, epochs=20, batch_size=3, learning_rate=0.1, cell="lstm", progress=False)
    assert history.loss[-1] < history.loss[0]


def test_an_optimizer_with_a_learning_rate_too_is_refused_before_anything_changes():
    params = rnn_lib.init_params(D, H, O, rng=np.random.default_rng(6))
    before = {k: v.copy() for k, v in params.items()}
    x, y = data()
    with pytest.raises(ValueError, match="either learning_rate"):
        train(params, x, y, epochs=1, batch_size=2, learning_rate=0.1, optimizer=Adam(params))
    assert all(np.array_equal(params[k], before[k]) for k in params)


def test_an_optimizer_over_other_arrays_is_refused():
    params = rnn_lib.init_params(D, H, O, rng=np.random.default_rng(7))
    other = {k: v.copy() for k, v in params.items()}
    x, y = data()
    with pytest.raises(ValueError, match="other arrays"):
        train(params, x, y, epochs=1, batch_size=2, optimizer=Adam(other))


@pytest.mark.parametrize("bad, error", [("LSTMx", ValueError), (42, TypeError)])
def test_an_unknown_cell_is_refused(bad, error):
    params = rnn_lib.init_params(D, H, O, rng=np.random.default_rng(8))
    x, y = data()
    with pytest.raises(error, match="cell"):
        train(params, x, y, epochs=1, batch_size=2, cell=bad)


def test_parameters_of_another_cell_are_named_in_the_error():
    params = lstm.init_params(D, H, O, rng=np.random.default_rng(9))
    x, y = data()
    with pytest.raises(ValueError, match="missing W_xh"):
        train(params, x, y, epochs=1, batch_size=2)  # an LSTM's dict, trained as the RNN


@pytest.mark.parametrize("name", GATED)
def test_train_tbptt_with_a_gated_cell_carries_the_states_from_chunk_to_chunk(name):
    cell, module = GATED[name]
    rng = np.random.default_rng(10)
    x, y = rng.standard_normal((10, 3, D)), rng.standard_normal((10, 3, O))
    params = module.init_params(D, H, O, rng=np.random.default_rng(11))
    by_hand = {k: v.copy() for k, v in params.items()}
    states = {s: np.zeros((3, H)) for s in cell.state_names}
    for c in range(0, 10, 4):  # chunks 1–4, 5–8, 9–10
        y_hat, cache = module.forward(by_hand, x[c : c + 4], **states)
        grads = module.backward(by_hand, cache, y_hat - y[c : c + 4])
        for k in by_hand:
            by_hand[k] -= 0.05 * grads[k] / 3
        states = cell.last_states(cache)  # numbers: no gradient crosses a chunk's start
    train_tbptt(params, x, y, k1=4, learning_rate=0.05, cell=cell, progress=False)
    for k in params:
        np.testing.assert_allclose(params[k], by_hand[k], rtol=1e-13, atol=1e-15)


def test_a_gated_cell_with_k2_above_k1_is_refused():
    params = lstm.init_params(D, H, O, rng=np.random.default_rng(12))
    with pytest.raises(ValueError, match="k2 = k1"):
        train_tbptt(params, np.zeros((8, 2, D)), np.zeros((8, 2, O)), k1=2, k2=4, cell=cells.LSTM)


def test_the_rnn_trains_with_adam_through_train_tbptt():
    params = rnn_lib.init_params(1, 8, 1, rng=np.random.default_rng(13), scale=0.3)
    x, y = rnn_lib.data.sine_wave(4, 60, rng=14)
    history = train_tbptt(params, x, y, k1=10, epochs=15, optimizer=Adam(params, lr=0.01), progress=False)
    assert history.loss[-1] < 0.5 * history.loss[0]
