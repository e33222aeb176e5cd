"""Checks at the public surface: one precise error per mistake, raised before anything changes.

Policy for what arrives (the same everywhere in rnn_lib):

- plain lists and tuples are accepted and turned into arrays (a ragged list is
  refused with ``ValueError``);
- integer arrays are converted to the parameters' float dtype (``[1, 2, 3, 4]`` is a
  fine input; integers above 2**53 lose their last digits, as in any float arithmetic);
- float arrays of another precision are converted to the parameters' dtype; a value
  too large for that dtype (1e300 into float32) is refused with ``ValueError``;
- bool, complex, string, datetime and object arrays are refused with ``TypeError``:
  each is more likely a mistake (a mask, an FFT, a list mixing numbers with None)
  than data;
- NaN or inf, wrong number of dimensions, wrong sizes and empty sequences are
  refused with ``ValueError``;
- sizes must be Python or numpy integers (``3.0`` and ``True`` are refused with
  ``TypeError``), at least 1; a learning rate must be a real number (``TypeError``
  otherwise), finite and positive (``ValueError`` otherwise);
- parameters must be float32 or float64 numpy arrays of one dtype, with the shapes
  of :func:`rnn_lib.core.param_shapes`, and finite.

Calling methods in the wrong order (``SimpleRNN.backward`` before any ``forward``,
twice after one ``forward``, with another x, or after the weights changed since the
``forward``) raises :class:`CallOrderError`, which is both a ``ValueError`` (the
contract: bad input gives ValueError or TypeError) and a ``RuntimeError`` (what
Python code raises for a wrong state), so either ``except`` clause catches it.

Messages name the argument, what was expected and what arrived.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from .core import PARAM_NAMES, param_shapes

FLOAT_DTYPES = (np.float32, np.float64)


class CallOrderError(ValueError, RuntimeError):
    """A method was called in the wrong order, e.g. ``backward`` without the ``forward`` it needs."""


def describe(value) -> str:
    """Short description of what arrived, for error messages."""
    if isinstance(value, np.ndarray):
        return f"array of shape {value.shape} and dtype {value.dtype}"
    return f"{type(value).__name__}"


def _all_finite(arr: np.ndarray) -> bool:
    """True only if every element of the float array ``arr`` is finite (a quick test, about 0.5 µs).

    NaN and ±inf make the sum of squares NaN or inf, so a finite sum proves every element finite.
    A finite array may still overflow that sum (elements above ~1e154 in float64): then this says
    False and the caller's full, element-wise check decides, so the answer is never wrong, only slow.
    """
    return math.isfinite(np.vdot(arr, arr))


def as_float_array(value, name: str, dtype=np.float64, *, copy: bool = False) -> np.ndarray:
    """``value`` as a finite array of ``dtype``, or a TypeError/ValueError naming ``name``.

    ``dtype=None`` keeps float32 and float64 as they are and turns anything else
    numeric into float64.  ``copy=True`` always returns a new array (a snapshot the
    caller may keep even if the learner later edits their array in place).
    """
    # Fast path for what nearly every call passes: a finite array already of the right float dtype.
    # It returns exactly what the full check below would; anything else goes through that check.
    if type(value) is np.ndarray:
        vdt = value.dtype
        if (vdt == dtype) if dtype is not None else (vdt.type in FLOAT_DTYPES):
            if _all_finite(value):
                return value.astype(vdt) if copy else value  # what astype(dtype, copy=copy) gives
    if isinstance(value, (str, bytes)) or value is None:
        raise TypeError(f"{name} must be an array of numbers, got {describe(value)}")
    try:
        arr = np.asarray(value)
    except (ValueError, TypeError) as err:  # ragged nested lists
        raise ValueError(
            f"{name} must be a rectangular array of numbers (every row the same length); numpy said: {err}"
        ) from None
    kind = arr.dtype.kind
    if kind == "b":
        raise TypeError(f"{name} must hold numbers, got a bool array (a mask?) of shape {arr.shape}")
    if kind == "c":
        raise TypeError(f"{name} must be real, got a complex array of shape {arr.shape}")
    if kind == "O":
        raise TypeError(
            f"{name} must be an array of numbers, got dtype object (shape {arr.shape}): "
            "a list mixing numbers with None, strings or rows of different lengths?"
        )
    if kind not in "iuf":
        raise TypeError(f"{name} must be an array of numbers, got dtype {arr.dtype} (shape {arr.shape})")
    if dtype is None:
        dtype = arr.dtype if arr.dtype.type in FLOAT_DTYPES else np.float64
    with np.errstate(over="ignore"):  # overflow is reported below, as an error rather than a warning
        out = arr.astype(dtype, copy=copy)
    if not np.all(np.isfinite(out)):
        if kind == "f" and not np.all(np.isfinite(arr)):
            bad = np.argwhere(~np.isfinite(arr))[0]
            raise ValueError(
                f"{name} must be finite, but it holds NaN or inf (first at index {tuple(int(i) for i in bad)})"
            )
        raise ValueError(
            f"{name} holds values too large for {np.dtype(dtype).name} "
            f"(largest magnitude {float(np.max(np.abs(arr))):.3g}, limit {float(np.finfo(dtype).max):.3g})"
        )
    return out


def check_size(value, name: str) -> int:
    """A positive integer size (bool refused), or a TypeError/ValueError naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a positive integer, got {value!r} ({type(value).__name__})")
    if value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value}")
    return int(value)


def check_positive(value, name: str) -> float:
    """A finite, positive real number as float, or a TypeError/ValueError naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a positive number, got {value!r} ({type(value).__name__})")
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a finite positive number, got {value!r}")
    return float(value)


def check_learning_rate(value) -> float:
    """A finite, positive learning rate as float."""
    return check_positive(value, "learning_rate")


def check_float_dtype(dtype, name: str = "dtype"):
    """float32 or float64 as a numpy dtype; anything else is a TypeError naming ``name``."""
    try:
        dt = np.dtype(dtype)
    except TypeError:
        dt = None
    if dt is None or dt.type not in FLOAT_DTYPES:
        raise TypeError(f"{name} must be np.float32 or np.float64, got {dtype!r}")
    return dt


def check_params(params, *, owner: str = "params", sizes: tuple[int, int, int] | None = None) -> tuple[int, int, int]:
    """Check a parameter dict; return its sizes (D, H, O).

    Expects the keys ``W_xh, W_hh, W_hy, b_h, b_y`` holding finite float32 or float64
    arrays, all of one dtype, shaped (H, D), (H, H), (O, H), (H, 1), (O, 1).  Other
    keys are ignored.  ``sizes=(D, H, O)`` also demands those sizes; ``owner`` names
    the container in messages: ``params['W_xh']`` or, for ``owner="SimpleRNN"``,
    ``SimpleRNN.W_xh``.
    """

    fast = _params_sizes_if_valid(params, sizes)
    if fast is not None:
        return fast

    def label(k):
        return f"{owner}['{k}']" if owner == "params" else f"{owner}.{k}"

    if not isinstance(params, dict):
        raise TypeError(f"{owner} must be a dict with keys {', '.join(PARAM_NAMES)}, got {describe(params)}")
    missing = [k for k in PARAM_NAMES if k not in params]
    if missing:
        raise ValueError(f"{owner} is missing {', '.join(missing)} (expected keys {', '.join(PARAM_NAMES)})")
    for k in PARAM_NAMES:
        p = params[k]
        if not isinstance(p, np.ndarray):
            raise TypeError(f"{label(k)} must be a 2-D numpy float array, got {describe(p)}")
        if p.ndim != 2:
            raise ValueError(f"{label(k)} must be a 2-D array, got {describe(p)}")
        if p.dtype.type not in FLOAT_DTYPES:
            raise TypeError(f"{label(k)} must be float32 or float64, got dtype {p.dtype}")
    dtypes = {params[k].dtype for k in PARAM_NAMES}
    if len(dtypes) > 1:
        found = ", ".join(f"{k}: {params[k].dtype}" for k in PARAM_NAMES)
        raise TypeError(f"{owner} must all share one dtype, got {found}")
    if sizes is None:
        H, D = params["W_xh"].shape
        O = params["W_hy"].shape[0]
        origin = f"(from W_xh {(H, D)} and W_hy {params['W_hy'].shape})"
    else:
        D, H, O = sizes
        origin = f"(input_size D = {D}, hidden_size H = {H}, output_size O = {O})"
    for k, shape in param_shapes(D, H, O).items():
        if params[k].shape != shape:
            raise ValueError(f"{label(k)} must have shape {shape} {origin}, got {params[k].shape}")
    for k in PARAM_NAMES:
        if not np.all(np.isfinite(params[k])):
            raise ValueError(f"{label(k)} must be finite, but it holds NaN or inf")
    return D, H, O


def _params_sizes_if_valid(params, sizes):
    """(D, H, O) when ``params`` certainly passes :func:`check_params`, else None.

    A few attribute reads instead of the full check's loops: what every call with valid
    parameters pays.  None means "let the full check look", which then finds and names the fault.
    """
    if not isinstance(params, dict):
        return None
    try:
        W_xh, W_hh, W_hy, b_h, b_y = params["W_xh"], params["W_hh"], params["W_hy"], params["b_h"], params["b_y"]
    except KeyError:
        return None
    nd = np.ndarray
    if not (type(W_xh) is nd and type(W_hh) is nd and type(W_hy) is nd and type(b_h) is nd and type(b_y) is nd):
        return None
    dt = W_hh.dtype
    if not (dt.type in FLOAT_DTYPES and W_xh.dtype == dt and W_hy.dtype == dt and b_h.dtype == dt and b_y.dtype == dt):
        return None
    if W_xh.ndim != 2 or W_hy.ndim != 2:
        return None
    H, D = W_xh.shape
    O = W_hy.shape[0]
    if sizes is not None and (type(sizes) is not tuple or (D, H, O) != sizes):
        return None
    if W_hh.shape != (H, H) or W_hy.shape != (O, H) or b_h.shape != (H, 1) or b_y.shape != (O, 1):
        return None
    vdot = np.vdot
    total = vdot(W_xh, W_xh) + vdot(W_hh, W_hh) + vdot(W_hy, W_hy) + vdot(b_h, b_h) + vdot(b_y, b_y)
    if not math.isfinite(total):
        return None
    return (D, H, O) if sizes is None else sizes  # the full check returns the sizes it was given


def check_param_dict(params, names, shapes_of, *, owner: str = "params"):
    """Check a dict of parameter arrays; return their dtype.

    names: the keys it must hold (others are ignored), each a finite float32 or float64 2-D numpy
    array, all of one dtype.  ``shapes_of(params)`` returns ``({name: expected shape}, origin)``,
    origin saying where the sizes came from (e.g. "(H = 4 from W_hh's columns)"); it is called
    once every array is known to be 2-D, so it may read their shapes.
    """
    if not isinstance(params, dict):
        raise TypeError(f"{owner} must be a dict with keys {', '.join(names)}, got {describe(params)}")
    missing = [k for k in names if k not in params]
    if missing:
        raise ValueError(f"{owner} is missing {', '.join(missing)} (expected keys {', '.join(names)})")
    for k in names:
        p = params[k]
        if not isinstance(p, np.ndarray):
            raise TypeError(f"{owner}['{k}'] must be a 2-D numpy float array, got {describe(p)}")
        if p.ndim != 2:
            raise ValueError(f"{owner}['{k}'] must be a 2-D array, got {describe(p)}")
        if p.dtype.type not in FLOAT_DTYPES:
            raise TypeError(f"{owner}['{k}'] must be float32 or float64, got dtype {p.dtype}")
    if len({params[k].dtype for k in names}) > 1:
        found = ", ".join(f"{k}: {params[k].dtype}" for k in names)
        raise TypeError(f"{owner} must all share one dtype, got {found}")
    shapes, origin = shapes_of(params)
    for k, shape in shapes.items():
        if params[k].shape != shape:
            raise ValueError(f"{owner}['{k}'] must have shape {shape} {origin}, got {params[k].shape}")
    for k in names:
        if not _all_finite(params[k]) and not np.all(np.isfinite(params[k])):
            raise ValueError(f"{owner}['{k}'] must be finite, but it holds NaN or inf")
    return params[names[0]].dtype


def check_inputs(x, D: int, dtype, name: str = "x", allow_1d: bool = False, copy: bool = False) -> np.ndarray:
    """Inputs as (T, D) or (T, B, D) in ``dtype``; with ``allow_1d`` and D == 1 a (T,) vector is read as (T, 1).

    ``copy=True`` returns a snapshot that does not share memory with ``x``.
    """
    arr = as_float_array(x, name, dtype, copy=copy)
    if arr.ndim >= 1 and arr.shape[0] == 0:
        raise ValueError(f"{name} is an empty sequence (T = 0, shape {arr.shape}); give at least one time step")
    if allow_1d and arr.ndim == 1 and D == 1:
        arr = arr[:, None]
    if arr.ndim not in (2, 3):
        raise ValueError(
            f"{name} must have shape (T, D={D}) for one sequence or (T, B, D={D}) for a batch, "
            f"got {arr.ndim}-D array of shape {arr.shape}"
        )
    if arr.shape[-1] != D:
        raise ValueError(f"{name} must have {D} features in its last axis (input size D = {D}), got shape {arr.shape}")
    if arr.ndim == 3 and arr.shape[1] == 0:
        raise ValueError(f"{name} is an empty batch (B = 0, shape {arr.shape})")
    return arr


def check_targets(y, y_hat_shape: tuple, dtype, name: str = "y") -> np.ndarray:
    """Targets shaped like the predictions ``y_hat_shape``; (T,) and (T, O, 1) are accepted where unambiguous."""
    arr = as_float_array(y, name, dtype)
    T, O = y_hat_shape[0], y_hat_shape[-1]
    if arr.shape != y_hat_shape:
        if len(y_hat_shape) == 2 and arr.shape == (T,) and O == 1:
            arr = arr[:, None]
        elif len(y_hat_shape) == 2 and arr.shape == (T, O, 1):  # what SimpleRNN.forward returns
            arr = arr[:, :, 0]
        else:
            hint = ""
            if arr.ndim >= 1 and arr.shape[0] != T:
                hint = f": {arr.shape[0]} time steps where x has T = {T}"
            elif arr.ndim >= 2 and arr.shape[-1] != O:
                hint = f": {arr.shape[-1]} values per step where the model outputs O = {O}"
            raise ValueError(
                f"{name} must have shape {y_hat_shape} to match the predictions, got shape {arr.shape}{hint}"
            )
    return arr


def check_h0(h0, B, H: int, dtype, name: str = "h0") -> np.ndarray | None:
    """Initial state: None, or (H,) for one sequence (B None) / (B, H) for a batch; ``name`` as in messages (c0 too)."""
    if h0 is None:
        return None
    arr = as_float_array(h0, name, dtype)
    expected = (H,) if B is None else (B, H)
    if arr.shape != expected:
        what = "one sequence" if B is None else f"a batch of B = {B}"
        raise ValueError(f"{name} must have shape {expected} for {what} (hidden size H = {H}), got shape {arr.shape}")
    return arr


def as_generator(rng) -> np.random.Generator:
    """``rng`` as a numpy Generator: a Generator is used as it is, an int is a seed; anything else is a TypeError."""
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, numbers.Integral) and not isinstance(rng, bool):
        return np.random.default_rng(int(rng))
    raise TypeError(f"rng must be an int seed or a numpy Generator, got {describe(rng)}")
