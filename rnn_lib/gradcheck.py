"""Gradient checking by centred finite differences.

    ∂f/∂θ_i ≈ (f(θ + ε e_i) − f(θ − ε e_i)) / 2ε        error O(ε²) + O(u/ε)

where u is the unit round-off of the dtype.  In float64 with ε ≈ 1e-6 a correct
gradient of this course's losses typically agrees to a relative error of 1e-9
or better; a wrong one is off by 1e-2 or more.  Compare with
:func:`relative_error`, which has a floor so that two tiny gradients do not
produce a huge ratio of two rounding errors.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import engine, reference

DEFAULT_EPS = 1e-6
DEFAULT_FLOOR = 1e-8


def numerical_gradient(f, x, eps=DEFAULT_EPS):
    """Centred-difference gradient of the scalar function ``f()`` with respect to the array ``x``.

    ``x`` is perturbed in place, one entry at a time, and always restored
    exactly; ``f`` takes no arguments and reads ``x`` itself (a closure).
    Returns an array shaped like ``x`` in float64.
    """
    grad = np.zeros(x.shape, dtype=np.float64)
    it = np.nditer(x, flags=["multi_index"], op_flags=["readwrite"])
    for _ in it:
        i = it.multi_index
        old = x[i].copy()
        x[i] = old + eps
        f_plus = float(f())
        x[i] = old - eps
        f_minus = float(f())
        x[i] = old  # restore the exact original value, not old + eps - eps
        grad[i] = (f_plus - f_minus) / (2 * eps)
    return grad


def relative_error(analytic, numeric, floor=DEFAULT_FLOOR) -> float:
    """‖a − n‖ / max(‖a‖ + ‖n‖, floor), Frobenius norms: 0 when equal, 1 when opposite.

    The floor keeps the ratio meaningful when both gradients are (nearly) zero.
    """
    a = np.asarray(analytic, dtype=np.float64)
    n = np.asarray(numeric, dtype=np.float64)
    if a.shape != n.shape:
        raise ValueError(f"analytic gradient has shape {a.shape} but numeric has shape {n.shape}")
    return float(np.linalg.norm(a - n) / max(np.linalg.norm(a) + np.linalg.norm(n), floor))


@dataclass
class GradcheckReport:
    """Per-array result of :func:`check_gradients`: name → relative error, and whether each passed."""

    errors: dict = field(default_factory=dict)
    tol: float = 1e-7

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

    f: scalar function of no arguments that reads the arrays in ``arrays``.
    arrays: dict name → array that ``f`` depends on (perturbed in place, restored).
    analytic: dict name → claimed gradient, same shapes; names absent here are skipped.

    Returns a :class:`GradcheckReport`; ``print`` it for a table, ``.assert_ok()`` to fail loudly.
    """
    report = GradcheckReport(tol=tol)
    for name, arr in arrays.items():
        if name in analytic:
            numeric = numerical_gradient(f, arr, eps)
            report.errors[name] = relative_error(analytic[name], numeric, floor)
    return report


def check_rnn(params, x, y, *, h0=None, grads=None, eps=DEFAULT_EPS, floor=DEFAULT_FLOOR, tol=1e-7):
    """Gradient check of L = ½ Σ‖ŷ − y‖² for the RNN with these params, inputs x and targets y.

    grads: the gradients to check (dict, may include "x" and "h0"); when None,
    ``rnn_lib.backward`` (the engine) is checked.  x (T, D) or (T, B, D), y like ŷ.
    Every array is checked in float64 on copies: the caller's arrays are not touched.
    """
    arrays = {k: np.array(v, dtype=np.float64) for k, v in params.items()}
    arrays["x"] = np.array(x, dtype=np.float64)
    if h0 is not None:
        arrays["h0"] = np.array(h0, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)

    def f():
        y_hat, _ = engine.forward(arrays, arrays["x"], arrays.get("h0"))
        return reference.loss(y_hat, y)

    if grads is None:
        y_hat, cache = engine.forward(arrays, arrays["x"], arrays.get("h0"))
        grads = engine.backward(arrays, cache, reference.loss_grad(y_hat, y))
    return check_gradients(f, arrays, grads, eps=eps, floor=floor, tol=tol)
