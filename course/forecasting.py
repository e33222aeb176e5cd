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
from rnn_lib.validation import as_float_array, check_inputs, check_memory, check_params, check_positive, check_size


def free_running(params, x_warm, n_steps) -> np.ndarray:
    """Forecast ``n_steps`` values after the warm-up x_warm (T0, D), feeding each prediction back (D = O).

    Returns (n_steps, O): the first row is ŷ_{T0}, the prediction the warm-up makes for the step after
    it; each further row is the network's answer to its own previous prediction, the state carried.
    """
    D, _, O = check_params(params)
    if O != D:
        raise ValueError(f"free running feeds predictions back as inputs, so O must equal D; got D = {D}, O = {O}")
    x_warm = check_inputs(x_warm, D, params["W_hh"].dtype, name="x_warm")
    if x_warm.ndim != 2:
        raise ValueError(f"x_warm must be one sequence, shape (T0, D={D}), got shape {x_warm.shape}")
    n_steps = check_size(n_steps, "n_steps")
    check_memory(n_steps * (8 * O + 112), f"a forecast of n_steps = {n_steps} values")
    y_hat, cache = forward(params, x_warm)
    h, prediction = cache.h[-1, 0], y_hat[-1]
    out = [prediction]
    for _ in range(n_steps - 1):
        y_next, cache = forward(params, prediction[None, :], h)  # one step, from the carried state
        h, prediction = cache.h[-1, 0], y_next[0]
        out.append(prediction)
    return np.array(out)


def persistence(x) -> np.ndarray:
    """The "tomorrow is like today" forecast: ŷ_t = x_t (a copy, shaped like x)."""
    return as_float_array(x, "x", copy=True)


def _series(x, name: str, columns: int = 1) -> np.ndarray:
    """x as a float64 series of one feature, (T, 1) or (T, B, 1); ``columns``: the design matrix's width, whose
    size (T·B × columns numbers) must fit in memory."""
    x = as_float_array(x, name)
    if x.ndim not in (2, 3) or x.shape[-1] != 1 or 0 in x.shape:
        raise ValueError(f"{name} must be a series of one feature, shape (T, 1) or (T, B, 1), got shape {x.shape}")
    check_memory(16 * x.size * (columns + 1), f"the lagged values of {name} (shape {x.shape}) for {columns} columns")
    return x


def _lagged(x, order):
    """Design matrix rows [1, x_t, x_{t−1}, …, x_{t−p+1}] for every step and sequence: (T·B, p + 1)."""
    T = x.shape[0]
    series = x.reshape(T, -1)  # (T, B)
    cols = [np.ones_like(series)]
    for lag in range(order):
        shifted = np.zeros_like(series)
        shifted[lag:] = series[: max(T - lag, 0)]  # x_{t−lag}; steps before the first count as 0
        cols.append(shifted)
    return np.stack([c.ravel() for c in cols], axis=1)


def fit_autoregressive(x, y, order=2) -> np.ndarray:
    """Least-squares AR(p) coefficients [c, a_1, …, a_p] from inputs x and next values y, both (T, B, 1).

    Minimises Σ_t Σ_b (c + Σ_i a_i x_{t−i+1} − y_t)², the same per-step squared error the RNN is trained on.
    The order p is at most T: a lag beyond the series would see only the zeros before its first step.
    """
    order = check_size(order, "order")
    x, y = _series(x, "x", order + 1), _series(y, "y")
    if x.shape != y.shape:
        raise ValueError(f"x and y must have the same shape, got {x.shape} and {y.shape}")
    if order > x.shape[0]:
        raise ValueError(f"order must be at most T = {x.shape[0]} (the number of steps), got order = {order}")
    coef, *_ = np.linalg.lstsq(_lagged(x, order), y.ravel(), rcond=None)
    return coef


def autoregressive(coef, x) -> np.ndarray:
    """Predictions of the AR(p) model ``coef`` = [c, a_1, …, a_p] for inputs x (T, B, 1) or (T, 1): like x."""
    coef = as_float_array(coef, "coef")
    if coef.ndim != 1 or coef.size < 2:
        raise ValueError(f"coef must be [c, a_1, …, a_p], a 1-D array of at least 2 numbers, got shape {coef.shape}")
    x = _series(x, "x", coef.size)
    return (_lagged(x, coef.size - 1) @ coef).reshape(x.shape)


def dominant_frequency(s, dt=0.1, frequencies=None):
    """The sinusoid c + A sin(2π f t dt + φ) closest to the series s (n,) in least squares: (f, A).

    f is searched on ``frequencies`` (default 0.2 … 2.0 in steps of 0.001, the units of
    ``rnn_lib.data.sine_wave``'s ``freq_range``); for each f the best c, A, φ are a linear fit.
    """
    s = as_float_array(s, "s").ravel()
    if s.size < 3:
        raise ValueError(f"s must hold at least 3 samples (c, A and φ are fitted), got {s.size}")
    dt = check_positive(dt, "dt")
    f = np.arange(200, 2001) / 1000.0 if frequencies is None else as_float_array(frequencies, "frequencies")
    if f.ndim != 1 or f.size == 0 or np.any(f <= 0):
        got = f"{f.min():g} among them" if f.ndim == 1 and f.size else f"shape {f.shape}"
        raise ValueError(f"frequencies must be a non-empty 1-D array of positive numbers, got {got}")
    check_memory(48 * f.size * s.size, f"a fit of {f.size} frequencies to {s.size} samples (s)")
    angle = 2 * np.pi * f[:, None] * np.arange(len(s))[None, :] * dt  # (F, n)
    X = np.stack([np.sin(angle), np.cos(angle), np.ones_like(angle)], axis=2)  # (F, n, 3)
    try:
        coef = np.linalg.solve(X.transpose(0, 2, 1) @ X, (X.transpose(0, 2, 1) @ s)[:, :, None])[:, :, 0]  # (F, 3)
    except np.linalg.LinAlgError:
        raise ValueError(
            f"the fit is singular for some frequency: 2π f dt (dt = {dt}) is a multiple of π, where every sample of "
            "the sine is 0; choose other frequencies or another dt"
        ) from None
    residual = np.sum((np.einsum("fnk,fk->fn", X, coef) - s) ** 2, axis=1)
    best = int(np.argmin(residual))
    return float(f[best]), float(np.hypot(coef[best, 0], coef[best, 1]))
