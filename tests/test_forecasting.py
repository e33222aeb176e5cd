"""Free-running forecasts and the baselines of notebook 12."""

import numpy as np
import pytest

import rnn_lib
from course.exercises.projects import reference_rollout
from course.forecasting import autoregressive, dominant_frequency, fit_autoregressive, free_running, persistence
from rnn_lib.gradcheck import relative_error


def sine_net(seed=0, H=5):
    g = np.random.default_rng(seed)
    return {k: 0.7 * g.standard_normal(s) for k, s in rnn_lib.param_shapes(1, H, 1).items()}


def step_by_step(params, x_warm, n_steps):
    """An independent loop over the one-step functions: warm up, then feed each ŷ back as x."""
    W_xh, W_hh, W_hy, b_h, b_y = (params[k] for k in rnn_lib.PARAM_NAMES)
    h, out = np.zeros(W_hh.shape[0]), []
    for t in range(len(x_warm) + n_steps - 1):
        x_t = x_warm[t] if t < len(x_warm) else out[-1]
        h, _ = rnn_lib.rnn_step_forward(x_t, h, W_xh, W_hh, b_h)
        out.append(rnn_lib.output_step_forward(h, W_hy, b_y)[0])
    return np.array(out[len(x_warm) - 1 :])


def test_free_running_feeds_each_prediction_back_with_the_state_carried():
    params, x_warm = sine_net(), np.sin(0.5 * np.arange(8))[:, None]
    forecast = free_running(params, x_warm, 6)
    assert forecast.shape == (6, 1)
    assert relative_error(forecast, step_by_step(params, x_warm, 6)) < 1e-12
    assert relative_error(forecast, reference_rollout(params, x_warm, 6)) < 1e-12


def test_free_running_needs_outputs_that_can_be_inputs():
    params = {k: np.zeros(s) for k, s in rnn_lib.param_shapes(1, 3, 2).items()}
    with pytest.raises(ValueError, match="O must equal D"):
        free_running(params, np.zeros((4, 1)), 3)


def test_persistence_predicts_the_current_value_and_copies():
    x = np.arange(6.0).reshape(3, 2, 1)
    forecast = persistence(x)
    assert np.array_equal(forecast, x) and forecast is not x


def test_fit_autoregressive_recovers_the_coefficients_that_made_the_data():
    x = np.random.default_rng(0).standard_normal((30, 4, 1))
    c, a1, a2 = 0.3, 1.2, -0.7
    previous = np.concatenate([np.zeros((1, 4, 1)), x[:-1]])  # x_{t-1}, 0 before the first step
    y = c + a1 * x + a2 * previous
    coef = fit_autoregressive(x, y, order=2)
    assert relative_error(coef, np.array([c, a1, a2])) < 1e-10
    assert relative_error(autoregressive(coef, x), y) < 1e-10


def test_fit_autoregressive_rejects_mismatched_shapes():
    with pytest.raises(ValueError, match="same shape"):
        fit_autoregressive(np.zeros((5, 2, 1)), np.zeros((5, 3, 1)))


def test_dominant_frequency_finds_the_frequency_and_amplitude_of_a_sinusoid():
    t = np.arange(70)
    s = 0.2 + 0.8 * np.sin(2 * np.pi * 0.734 * t * 0.1 + 1.0)
    f, amplitude = dominant_frequency(s)
    assert abs(f - 0.734) < 1e-9 and abs(amplitude - 0.8) < 1e-9
