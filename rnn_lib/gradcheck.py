"""Gradient checking by centred finite differences (notebook 03).

    ∂f/∂θ_i ≈ (f(θ + ε e_i) − f(θ − ε e_i)) / 2ε        error ≈ ε²|f‴|/6 + u|f|/ε,  u ≈ 1.1e-16 in float64

The second term hides gradients smaller than about u·|f|/ε, so :func:`check_gradients` measures each array's error
against max(‖a‖ + ‖n‖, what round-off can resolve) (:func:`resolution`)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from . import engine, reference
from .parameters import PARAM_NAMES
from .validation import check_grads, check_h0, check_inputs, check_params, check_positive, check_targets, describe

DEFAULT_EPS = 1e-6
DEFAULT_FLOOR = 1e-8
ROUNDOFF_FACTOR = 4.0  # ‖round-off‖ ≤ this · u·|f|/ε·sqrt(size): measured at most 0.4 (toy task, 40 seeds)


def _check_perturbable(x, name="x") -> None:
    if type(x) is not np.ndarray:
        message = f"{name} must be a numpy float array that f reads (it is perturbed in place), got {describe(x)}"
        raise TypeError(message)
    if x.dtype.kind != "f":
        raise TypeError(
            f"{name} must hold floats to be perturbed by ε, got dtype {x.dtype}: an integer array would round "
            f"x ± ε back to x (convert it first: x = x.astype(np.float64))"
        )
    if not x.flags.writeable:
        raise ValueError(f"{name} is read-only, so it cannot be perturbed in place; pass a writeable copy")


def _value(f) -> float:
    value = f()
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise TypeError(f"f must return one real number, got {describe(value)}") from None
    if not math.isfinite(value):
        raise ValueError(f"f returned {value} at a perturbed point: the loss is not finite there")
    return value


def _centred_differences(f, x, eps):
    """The centred differences and the largest |f| met: ``(grad float64 like x, max |f|)``."""
    grad = np.zeros(x.shape, dtype=np.float64)
    largest = 0.0
    for i in np.ndindex(x.shape):
        old = x[i].copy()
        try:
            x[i] = old + eps
            f_plus = _value(f)
            x[i] = old - eps
            f_minus = _value(f)
        finally:
            x[i] = old  # the exact original value, whatever happened (old + ε − ε is not always old)
        grad[i] = (f_plus - f_minus) / (2 * eps)
        largest = max(largest, abs(f_plus), abs(f_minus))
    return grad, largest


def numerical_gradient(f, x, eps=DEFAULT_EPS):
    """Centred-difference gradient of ``f()`` (no arguments, reads ``x``) with respect to the float array ``x``.

    ``x`` is perturbed in place and restored exactly, even when ``f`` raises.  Returns float64 shaped like ``x``."""
    eps = check_positive(eps, "eps")
    _check_perturbable(x)
    return _centred_differences(f, x, eps)[0]


def resolution(f_scale: float, eps: float, size: int, dtype=np.float64) -> float:
    """The smallest ‖gradient‖ a centred difference can resolve: ROUNDOFF_FACTOR · u·|f|/ε · sqrt(size)."""
    return ROUNDOFF_FACTOR * float(np.finfo(dtype).eps) * f_scale / eps * math.sqrt(size)


def relative_error(analytic, numeric, floor=DEFAULT_FLOOR) -> float:
    """‖a − n‖ / max(‖a‖ + ‖n‖, floor), Frobenius norms: 0 when equal, 1 when opposite; a float."""
    a = np.asarray(analytic, dtype=np.float64)
    n = np.asarray(numeric, dtype=np.float64)
    if a.shape != n.shape:
        raise ValueError(f"analytic gradient has shape {a.shape} but numeric has shape {n.shape}")
    return float(np.linalg.norm(a - n) / max(np.linalg.norm(a) + np.linalg.norm(n), floor))


@dataclass
class GradcheckReport:
    """Per-array result of :func:`check_gradients`: ``errors`` and the ``floors`` they were measured against."""

    errors: dict = field(default_factory=dict)
    tol: float = 1e-7
    floors: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return all(e <= self.tol for e in self.errors.values())

    @property
    def max_error(self) -> float:
        return max(self.errors.values(), default=0.0)

    def failed(self) -> list:
        """Names whose relative error exceeds the tolerance."""
        return [name for name, e in self.errors.items() if e > self.tol]

    def __getitem__(self, name) -> float:
        return self.errors[name]

    def __str__(self) -> str:
        width = max((len(n) for n in self.errors), default=4)
        lines = [f"{'name':<{width}}  rel. error  (tol {self.tol:.0e})"]
        for name, e in self.errors.items():
            lines.append(f"{name:<{width}}  {e:.1e}     {'ok' if e <= self.tol else 'FAIL'}")
        return "\n".join(lines)

    __repr__ = __str__

    def assert_ok(self):
        """Raise AssertionError naming every array whose gradient is off."""
        if not self.ok:
            raise AssertionError(f"gradient check failed for {', '.join(self.failed())}:\n{self}")


def check_gradients(f, arrays, analytic, *, eps=DEFAULT_EPS, floor=DEFAULT_FLOOR, tol=1e-7) -> GradcheckReport:
    """Compare analytic gradients with centred differences, one named array at a time.

    Inputs: f(), reading ``arrays`` (name → float array, perturbed and restored); analytic, name → claimed gradient
    (names absent are skipped).  Returns a :class:`GradcheckReport` (print it)."""
    eps, floor, tol = check_positive(eps, "eps"), check_positive(floor, "floor"), check_positive(tol, "tol")
    for what, value in (("f", f), ("arrays", arrays), ("analytic", analytic)):
        if not (callable(value) if what == "f" else isinstance(value, dict)):
            raise TypeError(f"{what} must be {'a function' if what == 'f' else 'a dict'}, got {describe(value)}")
    for name, arr in arrays.items():
        if name in analytic:
            _check_perturbable(arr, f"arrays['{name}']")
    report = GradcheckReport(tol=tol)
    for name, arr in arrays.items():
        if name in analytic:
            numeric, f_scale = _centred_differences(f, arr, eps)
            report.floors[name] = max(floor, resolution(f_scale, eps, arr.size) / tol)
            report.errors[name] = relative_error(analytic[name], numeric, report.floors[name])
    return report


def check_rnn(params, x, y, *, h0=None, grads=None, eps=DEFAULT_EPS, floor=DEFAULT_FLOOR, tol=1e-7):
    """Gradient check of L = ½ Σ‖ŷ − y‖² for the RNN, in float64 on copies: x (T, D) or (T, B, D), y like ŷ.

    grads: the gradients to check (may include "x" and "h0"); None checks ``rnn_lib.backward``."""
    D, H, O = check_params(params)  # every argument checked, in float64, before anything is computed
    x = check_inputs(x, D, np.float64)
    y = check_targets(y, (*x.shape[:-1], O), np.float64)
    h0 = check_h0(h0, None if x.ndim == 2 else x.shape[1], H, np.float64)
    arrays = {k: np.array(params[k], dtype=np.float64) for k in PARAM_NAMES} | {"x": np.array(x)}
    arrays |= {} if h0 is None else {"h0": np.array(h0)}
    if grads is not None:
        names = [k for k in arrays if k in grads] if isinstance(grads, dict) else PARAM_NAMES
        grads = check_grads(grads, names, like=arrays)

    def f():
        y_hat, _ = engine.forward(arrays, arrays["x"], arrays.get("h0"))
        return reference.loss(y_hat, y)

    if grads is None:
        y_hat, cache = engine.forward(arrays, arrays["x"], arrays.get("h0"))
        grads = engine.backward(arrays, cache, reference.loss_grad(y_hat, y))
    return check_gradients(f, arrays, grads, eps=eps, floor=floor, tol=tol)
