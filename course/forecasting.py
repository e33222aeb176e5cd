"""Forecasting a sequence (notebook 12): the RNN run free, and the baselines every forecast must beat.

- :func:`free_running`: read a warm-up of true values, then feed each prediction back as the next input.
- :func:`persistence`: predict that the next value equals the current one, ŷ_t = x_t.
- :func:`fit_autoregressive` / :func:`autoregressive`: the linear AR(p) model
  ŷ_t = c + a_1 x_t + a_2 x_{t−1} + … + a_p x_{t−p+1}, fitted by least squares; values before the
  first step count as 0 (as h_0 = 0 does for the RNN), so it predicts every step the RNN predicts.

Shapes are the course's, time-major with one feature: x (T, 1) or (T, B, 1), predictions like x.
"""

from __future__ import annotations

import numpy as np

from rnn_lib.functional import forward
from rnn_lib.validation import as_float_array, check_size


def free_running(params, x_warm, n_steps) -> np.ndarray:
    """Forecast ``n_steps`` values after the warm-up x_warm (T0, D), feeding each prediction back (D = O).

    Returns (n_steps, O): the first row is ŷ_{T0}, the prediction the warm-up makes for the step after
    it; each further row is the network's answer to its own previous prediction, the state carried.
    """
    n_steps = check_size(n_steps, "n_steps")
    y_hat, cache = forward(params, x_warm)
    if y_hat.shape[-1] != np.shape(x_warm)[-1]:
        raise ValueError(f"free running feeds predictions back as inputs, so O must equal D; got {y_hat.shape}")
    h, prediction = cache.h[-1, 0], y_hat[-1]
    out = [prediction]
    for _ in range(n_steps - 1):
        y_next, cache = forward(params, prediction[None, :], h)  # one step, from the carried state
        h, prediction = cache.h[-1, 0], y_next[0]
        out.append(prediction)
    return np.array(out)


def persistence(x) -> np.ndarray:
    """The "tomorrow is like today" forecast: ŷ_t = x_t (a copy, shaped like x)."""
    return as_float_array(x, "x").copy()


def _lagged(x, order):
    """Design matrix rows [1, x_t, x_{t−1}, …, x_{t−p+1}] for every step and sequence: (T·B, p + 1)."""
    T = x.shape[0]
    series = x.reshape(T, -1)  # (T, B)
    cols = [np.ones_like(series)]
    for lag in range(order):
        shifted = np.zeros_like(series)
        shifted[lag:] = series[: T - lag]  # x_{t−lag}; steps before the first count as 0
        cols.append(shifted)
    return np.stack([c.ravel() for c in cols], axis=1)


def fit_autoregressive(x, y, order=2) -> np.ndarray:
    """Least-squares AR(p) coefficients [c, a_1, …, a_p] from inputs x and next values y, both (T, B, 1).

    Minimises Σ_t Σ_b (c + Σ_i a_i x_{t−i+1} − y_t)², the same per-step squared error the RNN is trained on.
    """
    x, y = as_float_array(x, "x"), as_float_array(y, "y")
    if x.shape != y.shape:
        raise ValueError(f"x and y must have the same shape, got {x.shape} and {y.shape}")
    order = check_size(order, "order")
    coef, *_ = np.linalg.lstsq(_lagged(x, order), y.ravel(), rcond=None)
    return coef


def autoregressive(coef, x) -> np.ndarray:
    """Predictions of the AR(p) model ``coef`` = [c, a_1, …, a_p] for inputs x (T, B, 1) or (T, 1): like x."""
    x = as_float_array(x, "x")
    coef = np.asarray(coef, dtype=np.float64)
    return (_lagged(x, len(coef) - 1) @ coef).reshape(x.shape)


def dominant_frequency(s, dt=0.1, frequencies=None):
    """The sinusoid c + A sin(2π f t dt + φ) closest to the series s (n,) in least squares: (f, A).

    f is searched on ``frequencies`` (default 0.2 … 2.0 in steps of 0.001, the units of
    ``rnn_lib.data.sine_wave``'s ``freq_range``); for each f the best c, A, φ are a linear fit.
    """
    s = as_float_array(s, "s").ravel()
    f = np.arange(200, 2001) / 1000.0 if frequencies is None else np.asarray(frequencies, dtype=np.float64)
    angle = 2 * np.pi * f[:, None] * np.arange(len(s))[None, :] * dt  # (F, n)
    X = np.stack([np.sin(angle), np.cos(angle), np.ones_like(angle)], axis=2)  # (F, n, 3)
    coef = np.linalg.solve(X.transpose(0, 2, 1) @ X, (X.transpose(0, 2, 1) @ s)[:, :, None])[:, :, 0]  # (F, 3)
    residual = np.sum((np.einsum("fnk,fk->fn", X, coef) - s) ** 2, axis=1)
    best = int(np.argmin(residual))
    return float(f[best]), float(np.hypot(coef[best, 0], coef[best, 1]))
