"""The losses: the problem's squared error, and softmax cross-entropy for one symbol out of V (notebook 16).

    L = ½ Σ_t ‖ŷ_t − y_t‖²,  ∂L/∂ŷ_t = ŷ_t − y_t;      L = −Σ_t log softmax(z_t)[y_t],  ∂L/∂z_t = p_t − onehot(y_t)

logits (T, V) or (T, B, V), targets (T,) or (T, B) class indices.  log Σ_j exp(z_j) = m + log Σ_j exp(z_j − m) with
m = max_j z_j: no exponent overflows and the sum is at least 1."""

from __future__ import annotations

import math

import numpy as np

from . import reference
from .validation import as_float_array, check_float_dtype, check_size, describe, out_of_memory


def _pair(y_hat, y):
    """y_hat and y as float arrays of one shape (y in y_hat's dtype), at least one step."""
    y_hat = as_float_array(y_hat, "y_hat", None)
    y = as_float_array(y, "y", y_hat.dtype)
    if y_hat.size == 0:
        raise ValueError(f"y_hat is empty (shape {y_hat.shape}); give at least one time step")
    if y.shape != y_hat.shape:
        raise ValueError(f"y must have the shape of y_hat {y_hat.shape}, got shape {y.shape}")
    return y_hat, y


def loss(y_hat, y) -> float:
    """L = ½ Σ ‖ŷ − y‖² over every step (and sequence), checked; y_hat and y share one shape. Returns a float."""
    return reference.loss(*_pair(y_hat, y))


def loss_grad(y_hat, y):
    """∂L/∂ŷ = ŷ − y, shaped like y_hat, checked."""
    return reference.loss_grad(*_pair(y_hat, y))


def check_logits(logits, name: str = "logits") -> np.ndarray:
    """Logits as a finite float array of shape (T, V) or (T, B, V) with T, B, V >= 1 (float32 kept, else float64)."""
    z = as_float_array(logits, name, None, bounded=False)
    if z.ndim not in (2, 3):
        message = f"{name} must have shape (T, V) for one sequence or (T, B, V) for a batch, got shape {z.shape}"
        raise ValueError(message)
    if 0 in z.shape:
        raise ValueError(f"{name} is empty (shape {z.shape}); give at least one step, sequence and class")
    return z


def check_class_targets(targets, shape: tuple | None, V: int, name: str = "targets") -> np.ndarray:
    """Integer class indices of the given shape ((T,) or (T, B); None: any), each in 0 … V − 1, as int64.

    Floats (a one-hot row?), bools, negative indices (numpy would read them from the end) and subclasses are refused."""
    if targets is None or isinstance(targets, (str, bytes)):
        raise TypeError(f"{name} must be an array of integer class indices, got {describe(targets)}")
    if isinstance(targets, np.ndarray) and type(targets) is not np.ndarray:
        raise TypeError(f"{name} must be a plain numpy array or a list, got {type(targets).__name__}")
    try:
        y = np.asarray(targets)
    except (ValueError, TypeError) as err:
        raise ValueError(f"{name} must be a rectangular array of class indices; numpy said: {err}") from None
    kind = y.dtype.kind
    if kind == "b":
        raise TypeError(f"{name} must hold integer class indices, got a bool array of shape {y.shape}")
    if kind == "f":
        hint = " If they are whole numbers, convert them: targets.astype(int)."
        if shape is not None and y.shape == (*shape, V):
            hint = " It has the logits' shape: one-hot rows? Pass the indices, targets.argmax(axis=-1)."
        raise TypeError(f"{name} must be integer class indices, got a float array (dtype {y.dtype}).{hint}")
    if kind not in "iu":
        raise TypeError(f"{name} must be integer class indices, got dtype {y.dtype} (shape {y.shape})")
    time_major, shape = shape is not None, y.shape if shape is None else shape  # time-major: a message names the step
    if y.shape != shape:
        what = "one index per step" if len(shape) == 1 else "one index per step and sequence"
        hint = " (one-hot rows? pass targets.argmax(axis=-1))" if y.shape == (*shape, V) else ""
        raise ValueError(f"{name} must have shape {shape}, {what} of the logits, got shape {y.shape}{hint}")
    bad = (y < 0) | (y >= V)
    if np.any(bad):
        where = tuple(int(i) for i in np.argwhere(bad)[0])
        raise ValueError(
            f"{name} must be class indices in 0 … {V - 1} (V = {V} classes), got {int(y[where])} at "
            f"{name}[{', '.join(map(str, where))}]" + (f" (step t = {where[0] + 1})" if time_major and where else "")
        )
    return y.astype(np.int64, copy=False)


def _log_sum_exp(z):
    """``(lse, e, s)`` over the last axis: e = exp(z − m) (…, V), s = Σ_j e_j ≥ 1 (…, 1), lse = m + log s (…)."""
    m = z.max(axis=-1, keepdims=True)
    with np.errstate(over="ignore", under="ignore"):  # exp may underflow to 0 (harmless); z − m overflows only to −inf
        e = np.exp(z - m)
    s = e.sum(axis=-1, keepdims=True)
    return (m + np.log(s))[..., 0], e, s


def softmax(logits) -> np.ndarray:
    """p = softmax(z) over the last axis, with the max shift; the logits' shape and float dtype."""
    z = as_float_array(logits, "logits", None, bounded=False)
    if z.ndim == 0 or z.shape[-1] == 0:
        raise ValueError(f"logits must have a non-empty last axis (the V classes), got shape {z.shape}")
    _, e, s = _log_sum_exp(z)
    return e / s


def log_softmax(logits) -> np.ndarray:
    """log softmax(z) = z − log Σ_j exp(z_j) over the last axis (never the log of an underflowed 0)."""
    z = as_float_array(logits, "logits", None, bounded=False)
    if z.ndim == 0 or z.shape[-1] == 0:
        raise ValueError(f"logits must have a non-empty last axis (the V classes), got shape {z.shape}")
    with np.errstate(over="ignore"):
        out = z - _log_sum_exp(z)[0][..., None]
    if not np.all(np.isfinite(out)):
        raise FloatingPointError("log_softmax overflowed: the logits of one row span more than the float range")
    return out


def softmax_cross_entropy(logits, targets):
    """Summed cross-entropy of the softmax read-out and its gradient with respect to the logits.

    Inputs: logits (T, V) or (T, B, V); targets (T,) or (T, B) class indices in 0 … V − 1.
    Returns ``(loss, dlogits)``: −Σ log softmax(z_t)[y_t] as a float, and softmax(z) − onehot(y) like the logits."""
    z = check_logits(logits)
    y = check_class_targets(targets, z.shape[:-1], z.shape[-1])
    lse, e, s = _log_sum_exp(z)
    picked = np.take_along_axis(z, y[..., None], axis=-1)[..., 0]  # z_t[y_t]
    with np.errstate(over="ignore", invalid="ignore"):
        loss = float(np.sum(lse - picked, dtype=np.float64))  # −log p_t[y_t] = log Σ_j exp(z_tj) − z_t[y_t]
    if not math.isfinite(loss):
        raise FloatingPointError(
            "the cross-entropy overflowed: within one row the logits span more than the float range "
            f"(largest magnitude {float(np.max(np.abs(z))):.3g}); scale the read-out down"
        )
    dlogits = e / s  # p_t
    at_target = y[..., None]
    np.put_along_axis(dlogits, at_target, np.take_along_axis(dlogits, at_target, axis=-1) - 1, axis=-1)  # − onehot
    return loss, dlogits


def one_hot(indices, V, dtype=np.float64) -> np.ndarray:
    """Row i of the V × V identity for every index i in 0 … V − 1: shape ``indices.shape + (V,)``."""
    V = check_size(V, "V")
    idx = check_class_targets(indices, None, V, name="indices")
    try:
        out = np.zeros(idx.shape + (V,), dtype=check_float_dtype(dtype))
    except MemoryError:
        raise out_of_memory(f"one-hot vectors of shape {idx.shape + (V,)}") from None
    np.put_along_axis(out, idx[..., None], 1.0, axis=-1)
    return out
