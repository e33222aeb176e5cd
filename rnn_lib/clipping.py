"""Gradient clipping: keep one huge gradient from throwing the parameters off a cliff.

The parameter gradients are treated as one long vector g (Pascanu, Mikolov & Bengio 2013):

    global norm    ‖g‖ = sqrt(Σ_p ‖∂L/∂p‖_F²)        p ∈ {W_xh, W_hh, W_hy, b_h, b_y}
    by norm        g ← g · c / max(‖g‖, c)            same direction, length at most c
    by value       g_i ← min(max(g_i, −c), c)         every entry in [−c, c]; the direction changes

Every function returns new arrays of the parameter gradients only; norms neither overflow nor underflow."""

from __future__ import annotations

import math

import numpy as np

from .parameters import PARAM_NAMES
from .validation import check_clip, check_grads, check_positive


def _norm(arrays) -> float:
    """sqrt(Σ ‖a‖²) over a list of float arrays, in float64, scaled when the plain sum would over- or underflow."""
    arrays = [np.asarray(a, dtype=np.float64) for a in arrays]
    total = sum(float(np.vdot(a, a)) for a in arrays)
    if math.isfinite(total) and total > 1e-280:
        return math.sqrt(total)
    largest = max(float(np.max(np.abs(a), initial=0.0)) for a in arrays)
    if largest == 0.0:
        return 0.0
    return largest * math.sqrt(sum(float(np.vdot(a / largest, a / largest)) for a in arrays))


def global_norm(grads, *, names=PARAM_NAMES) -> float:
    """‖g‖ = sqrt(Σ_p ‖∂L/∂p‖_F²) over the parameter gradients ``names`` (the five of the RNN by default), as a float."""
    grads = check_grads(grads, names)
    return _norm(grads.values())


def clip_by_global_norm(grads, max_norm, *, names=PARAM_NAMES):
    """Rescale the gradients together to a global norm of at most ``max_norm``: ``(clipped, norm before)``."""
    max_norm = check_positive(max_norm, "max_norm")
    grads = check_grads(grads, names)
    norm = _norm(grads.values())
    scale = max_norm / max(norm, max_norm)  # = 1 when norm <= max_norm, and never a division by zero
    return {k: (g * scale).astype(g.dtype, copy=False) for k, g in grads.items()}, norm


def clip_by_value(grads, limit, *, names=PARAM_NAMES):
    """Clip every entry to [−limit, limit] (which changes the direction); returns a new dict."""
    limit = check_positive(limit, "limit")
    grads = check_grads(grads, names)
    return {k: np.clip(g, -limit, limit) for k, g in grads.items()}


def cosine(a, b) -> float:
    """Cosine of the angle between two gradient dicts, each seen as one long vector (0.0 if either is zero)."""
    a, b = check_grads(a), check_grads(b)
    for k in PARAM_NAMES:
        if a[k].shape != b[k].shape:
            message = f"a['{k}'] has shape {a[k].shape} but b['{k}'] has shape {b[k].shape}: not gradients of one model"
            raise ValueError(message)
    norm_a, norm_b = _norm(a.values()), _norm(b.values())
    if norm_a == 0.0 or norm_b == 0.0:
        return 0.0
    # Each vector scaled to length 1 first, so the products can neither overflow nor underflow.
    dot = sum(float(np.vdot(np.asarray(a[k], np.float64) / norm_a, np.asarray(b[k], np.float64) / norm_b)) for k in a)
    return max(-1.0, min(1.0, dot))


def apply_clip(grads, clip, *, names=PARAM_NAMES):
    """Clip the gradients ``names`` as the spec ``clip`` says: None, ("norm", max_norm) or ("value", limit).

    Returns ``(grads, norm before clipping, whether clipping changed anything)``."""
    kind, c = check_clip(clip) or (None, None)
    grads = check_grads(grads, names)
    norm = _norm(grads.values())
    if kind is None:
        return grads, norm, False
    if kind == "norm":
        return clip_by_global_norm(grads, c, names=names)[0], norm, norm > c
    changed = any(np.any(np.abs(g) > c) for g in grads.values())
    return clip_by_value(grads, c, names=names), norm, changed
