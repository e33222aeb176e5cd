"""Checks at the public surface: one precise error per mistake, raised before anything changes.

Policy for what arrives (the same everywhere in rnn_lib):

- plain lists and tuples are accepted and turned into arrays;
- integer arrays are converted to the parameters' float dtype (``[1, 2, 3, 4]`` is a fine input);
- float arrays of another precision are converted to the parameters' dtype;
- bool, complex, string and object arrays are refused with ``TypeError``: each
  is more likely a mistake (a mask, an FFT, a ragged list) than data;
- NaN or inf, wrong number of dimensions, wrong sizes and empty sequences are
  refused with ``ValueError``.

Messages name the argument, what was expected and what arrived.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from .core import PARAM_NAMES

FLOAT_DTYPES = (np.float32, np.float64)


def describe(value) -> str:
    """Short description of what arrived, for error messages."""
    if isinstance(value, np.ndarray):
        return f"array of shape {value.shape} and dtype {value.dtype}"
    return f"{type(value).__name__}"


def as_float_array(value, name: str, dtype=np.float64) -> np.ndarray:
    """``value`` as a finite array of ``dtype``, or a TypeError/ValueError naming ``name``."""
    if isinstance(value, (str, bytes)) or value is None:
        raise TypeError(f"{name} must be an array of numbers, got {describe(value)}")
    try:
        arr = np.asarray(value)
    except ValueError as err:  # ragged nested lists
        raise ValueError(f"{name} must be a rectangular array of numbers; numpy said: {err}") from None
    kind = arr.dtype.kind
    if kind == "b":
        raise TypeError(f"{name} must hold numbers, got a bool array (a mask?) of shape {arr.shape}")
    if kind == "c":
        raise TypeError(f"{name} must be real, got a complex array of shape {arr.shape}")
    if kind not in "iuf":
        raise TypeError(f"{name} must be an array of numbers, got dtype {arr.dtype} (shape {arr.shape})")
    arr = arr.astype(dtype, copy=False)
    if not np.all(np.isfinite(arr)):
        bad = np.argwhere(~np.isfinite(arr))[0]
        raise ValueError(
            f"{name} must be finite, but it holds NaN or inf (first at index {tuple(int(i) for i in bad)})"
        )
    return arr


def check_size(value, name: str) -> int:
    """A positive integer size (bool refused), or a TypeError/ValueError naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a positive integer, got {value!r} ({type(value).__name__})")
    if value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value}")
    return int(value)


def check_learning_rate(value) -> float:
    """A finite, positive learning rate as float."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"learning_rate must be a positive number, got {value!r} ({type(value).__name__})")
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"learning_rate must be a finite positive number, got {value!r}")
    return float(value)


def check_params(params) -> tuple[int, int, int]:
    """Check a parameter dict; return its sizes (D, H, O).

    Expects the keys ``W_xh, W_hh, W_hy, b_h, b_y`` holding float32 or float64
    arrays, all of one dtype, shaped (H, D), (H, H), (O, H), (H, 1), (O, 1).
    """
    if not isinstance(params, dict):
        raise TypeError(f"params must be a dict with keys {', '.join(PARAM_NAMES)}, got {describe(params)}")
    missing = [k for k in PARAM_NAMES if k not in params]
    if missing:
        raise ValueError(f"params is missing {', '.join(missing)} (expected keys {', '.join(PARAM_NAMES)})")
    for k in PARAM_NAMES:
        p = params[k]
        if not isinstance(p, np.ndarray) or p.ndim != 2:
            raise ValueError(f"params['{k}'] must be a 2-D numpy array, got {describe(p)}")
        if p.dtype.type not in FLOAT_DTYPES:
            raise TypeError(f"params['{k}'] must be float32 or float64, got dtype {p.dtype}")
    dtypes = {params[k].dtype for k in PARAM_NAMES}
    if len(dtypes) > 1:
        found = ", ".join(f"{k}: {params[k].dtype}" for k in PARAM_NAMES)
        raise TypeError(f"params must all share one dtype, got {found}")
    H, D = params["W_xh"].shape
    O = params["W_hy"].shape[0]  # noqa: E741
    expected = {"W_xh": (H, D), "W_hh": (H, H), "W_hy": (O, H), "b_h": (H, 1), "b_y": (O, 1)}
    for k, shape in expected.items():
        if params[k].shape != shape:
            raise ValueError(
                f"params['{k}'] must have shape {shape} (from W_xh {(H, D)} and W_hy {params['W_hy'].shape}), "
                f"got {params[k].shape}"
            )
    return D, H, O


def check_inputs(x, D: int, dtype, name: str = "x", allow_1d: bool = False) -> np.ndarray:
    """Inputs as (T, D) or (T, B, D) in ``dtype``; with ``allow_1d`` and D == 1 a (T,) vector is read as (T, 1)."""
    arr = as_float_array(x, name, dtype)
    if allow_1d and arr.ndim == 1 and D == 1:
        arr = arr[:, None]
    if arr.ndim not in (2, 3):
        raise ValueError(
            f"{name} must have shape (T, D={D}) for one sequence or (T, B, D={D}) for a batch, "
            f"got {arr.ndim}-D array of shape {arr.shape}"
        )
    if arr.shape[0] == 0:
        raise ValueError(f"{name} is an empty sequence (T = 0, shape {arr.shape}); give at least one time step")
    if arr.shape[-1] != D:
        raise ValueError(f"{name} must have {D} features in its last axis (input size D = {D}), got shape {arr.shape}")
    if arr.ndim == 3 and arr.shape[1] == 0:
        raise ValueError(f"{name} is an empty batch (B = 0, shape {arr.shape})")
    return arr


def check_targets(y, y_hat_shape: tuple, dtype, name: str = "y") -> np.ndarray:
    """Targets shaped like the predictions ``y_hat_shape``; (T,) and (T, O, 1) are accepted where unambiguous."""
    arr = as_float_array(y, name, dtype)
    T, O = y_hat_shape[0], y_hat_shape[-1]  # noqa: E741
    if arr.shape != y_hat_shape:
        if len(y_hat_shape) == 2 and arr.shape == (T,) and O == 1:
            arr = arr[:, None]
        elif len(y_hat_shape) == 2 and arr.shape == (T, O, 1):  # what SimpleRNN.forward returns
            arr = arr[:, :, 0]
        else:
            raise ValueError(f"{name} must have shape {y_hat_shape} to match the predictions, got shape {arr.shape}")
    return arr


def check_h0(h0, B, H: int, dtype) -> np.ndarray | None:
    """Initial state: None, or (H,) for one sequence (B None) / (B, H) for a batch."""
    if h0 is None:
        return None
    arr = as_float_array(h0, "h0", dtype)
    expected = (H,) if B is None else (B, H)
    if arr.shape != expected:
        raise ValueError(f"h0 must have shape {expected} (hidden size H = {H}), got shape {arr.shape}")
    return arr
