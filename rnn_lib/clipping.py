"""Gradient clipping: keep one huge gradient from throwing the parameters off a cliff.

The five parameter gradients are treated as one long vector g (Pascanu, Mikolov & Bengio 2013):

    global norm    ‖g‖ = sqrt(Σ_p ‖∂L/∂p‖_F²)        p ∈ {W_xh, W_hh, W_hy, b_h, b_y}
    by norm        g ← g · c / max(‖g‖, c)            same direction, length at most c
    by value       g_i ← min(max(g_i, −c), c)         every entry in [−c, c]; the direction changes

Every function returns new arrays and leaves the gradients it is given untouched.
A ``grads`` dict may hold more keys than the five (``rnn_lib.backward`` adds ``"x"`` and
``"h0"``); only the five parameter gradients are read, and only they are returned.
"""

from __future__ import annotations

import math

import numpy as np

from .core import PARAM_NAMES
from .validation import as_float_array, check_positive, describe


def check_grads(grads) -> dict:
    """The five parameter gradients of ``grads`` as finite float arrays (the caller's arrays are not changed)."""
    if not isinstance(grads, dict):
        raise TypeError(f"grads must be a dict with keys {', '.join(PARAM_NAMES)}, got {describe(grads)}")
    missing = [k for k in PARAM_NAMES if k not in grads]
    if missing:
        raise ValueError(f"grads is missing {', '.join(missing)} (expected keys {', '.join(PARAM_NAMES)})")
    checked = {}
    for k in PARAM_NAMES:
        g = grads[k]
        dtype = g.dtype if isinstance(g, np.ndarray) and g.dtype.kind == "f" else np.float64
        checked[k] = as_float_array(g, f"grads['{k}']", dtype)
    return checked


def _norm(grads: dict) -> float:
    # Sum of squares in float64, whatever the gradients' dtype: the norm is a single number we compare.
    return math.sqrt(sum(float(np.vdot(g, g)) for g in (np.asarray(grads[k], np.float64) for k in PARAM_NAMES)))


def global_norm(grads) -> float:
    """‖g‖ = sqrt(Σ_p ‖∂L/∂p‖_F²) over the five parameter gradients, as a float."""
    return _norm(check_grads(grads))


def clip_by_global_norm(grads, max_norm):
    """Rescale all five gradients together so that their global norm is at most ``max_norm``.

    Returns ``(clipped, norm)``: a new dict of the five gradients (same shapes and dtypes) and
    the global norm *before* clipping.  Gradients already shorter than ``max_norm`` are returned
    unchanged (as copies): clipping never makes a gradient longer.  A zero gradient stays zero.
    """
    max_norm = check_positive(max_norm, "max_norm")
    grads = check_grads(grads)
    norm = _norm(grads)
    scale = max_norm / max(norm, max_norm)  # = 1 when norm <= max_norm, and never a division by zero
    return {k: (g * scale).astype(g.dtype, copy=False) for k, g in grads.items()}, norm


def clip_by_value(grads, limit):
    """Clip every entry of the five gradients to [−limit, limit]; returns a new dict.

    Cheap and simple, but the result generally points in another direction than the gradient:
    large entries are cut, small ones kept, so the proportions between entries change.
    """
    limit = check_positive(limit, "limit")
    grads = check_grads(grads)
    return {k: np.clip(g, -limit, limit) for k, g in grads.items()}


def cosine(a, b) -> float:
    """Cosine of the angle between two gradient dicts, each seen as one long vector (0.0 if either is zero)."""
    a, b = check_grads(a), check_grads(b)
    dot = sum(float(np.vdot(np.asarray(a[k], np.float64), np.asarray(b[k], np.float64))) for k in PARAM_NAMES)
    denom = _norm(a) * _norm(b)
    return dot / denom if denom > 0 else 0.0
