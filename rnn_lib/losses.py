"""The course's losses: the problem's squared error, and softmax cross-entropy for predicting one symbol out of V.

The squared error (notebooks 02–07), for predictions ŷ_t and targets y_t of the same shape::

    L = ½ Σ_t ‖ŷ_t − y_t‖²,      ∂L/∂ŷ_t = ŷ_t − y_t = δ^y_t

The cross-entropy (notebook 16 on), for the logits z_t (V numbers; code ``logits[t]``) at step t and the index y_t
of the right symbol::

    p_t = softmax(z_t),        p_{t,i} = exp(z_{t,i}) / Σ_j exp(z_{t,j})
    L   = −Σ_t log p_t[y_t]                    natural log; summed over steps (and batch), like ½ Σ_t ‖ŷ_t − y_t‖²
    ∂L/∂z_t = p_t − onehot(y_t)                prediction minus target, like δ^y_t = ŷ_t − y_t

Shapes (time-major, as everywhere in the course): logits (T, V) or (T, B, V); targets (T,) or (T, B), integer
class indices in 0 … V − 1.  The logits are what the RNN's read-out W_hy h_t + b_y computes (O = V), so
``dlogits`` goes into ``rnn_lib.backward`` exactly where ``dy`` did.

Computed stably: with m = max_j z_j, log Σ_j exp(z_j) = m + log Σ_j exp(z_j − m).  Every exponent is ≤ 0, so no
exp overflows, and the largest term is exp(0) = 1, so the sum never underflows to 0 and its log is finite.
"""

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
        raise ValueError(
            f"{name} must have shape (T, V) for one sequence or (T, B, V) for a batch, got shape {z.shape}"
        )
    if 0 in z.shape:
        raise ValueError(f"{name} is empty (shape {z.shape}); give at least one step, sequence and class")
    return z


def check_class_targets(targets, shape: tuple | None, V: int, name: str = "targets") -> np.ndarray:
    """Integer class indices of the given shape ((T,) or (T, B); None: any), each in 0 … V − 1, as an int64 array.

    Refused: floats (even whole numbers: a float target is more likely a one-hot row or a probability than an
    index), bools, negative or too large indices (numpy would silently read a negative index from the end),
    arrays of another shape, numpy subclasses such as masked arrays (their mask would be ignored).
    """
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
        onehot = shape is not None and y.shape == (*shape, V)
        hint = (
            " It has the logits' shape: one-hot rows? Pass the indices, targets.argmax(axis=-1)."
            if onehot
            else " If they are whole numbers, convert them: targets.astype(int)."
        )
        raise TypeError(f"{name} must be integer class indices, got a float array (dtype {y.dtype}).{hint}")
    if kind not in "iu":
        raise TypeError(f"{name} must be integer class indices, got dtype {y.dtype} (shape {y.shape})")
    time_major = shape is not None  # then axis 0 is time, and a message can name the step
    if shape is None:
        shape = y.shape
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
    """log Σ_j exp(z_j) over the last axis, and the pieces softmax needs: returns ``(lse, e, s)``.

    e = exp(z − m) (every entry in [0, 1], the largest 1), s = Σ_j e_j >= 1, lse = m + log s; shapes (…, V),
    (…, 1), (…).  Trusting: z is a finite float array.
    """
    m = z.max(axis=-1, keepdims=True)
    with np.errstate(over="ignore", under="ignore"):  # exp may underflow to 0 (harmless); z − m overflows only to −inf
        e = np.exp(z - m)
    s = e.sum(axis=-1, keepdims=True)
    return (m + np.log(s))[..., 0], e, s


def softmax(logits) -> np.ndarray:
    """p = softmax(z) over the last axis (each row positive, summing to 1), computed with the max shift.

    logits: any float array with at least one axis; the result has its shape and float dtype.
    """
    z = as_float_array(logits, "logits", None, bounded=False)
    if z.ndim == 0 or z.shape[-1] == 0:
        raise ValueError(f"logits must have a non-empty last axis (the V classes), got shape {z.shape}")
    _, e, s = _log_sum_exp(z)
    return e / s


def log_softmax(logits) -> np.ndarray:
    """log softmax(z) = z − log Σ_j exp(z_j) over the last axis, without ever taking the log of an underflowed 0.

    logits: any float array with at least one axis; the result has its shape and float dtype.
    """
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

    logits: (T, V) or (T, B, V), float; targets: (T,) or (T, B), integer class indices in 0 … V − 1.
    Returns ``(loss, dlogits)``: loss = −Σ_t (Σ_b) log softmax(z_t)[y_t], a Python float (natural log), and
    dlogits = softmax(z) − onehot(y), with the logits' shape and float dtype.

    Every argument is checked before anything is computed.  Raises FloatingPointError in the one case the
    max shift cannot save: logits whose spread within one row exceeds the float range (about 1.8e308).
    """
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
    """Row i of the V × V identity for every index: shape ``indices.shape + (V,)``.

    indices: integers in 0 … V − 1, any shape ((T,) or (T, B) for the course's time-major inputs).
    """
    V = check_size(V, "V")
    idx = check_class_targets(indices, None, V, name="indices")
    try:
        out = np.zeros(idx.shape + (V,), dtype=check_float_dtype(dtype))
    except MemoryError:
        raise out_of_memory(f"one-hot vectors of shape {idx.shape + (V,)}") from None
    np.put_along_axis(out, idx[..., None], 1.0, axis=-1)
    return out
