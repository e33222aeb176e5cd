"""Two measurements the notebooks make on a network while it trains.

- **Curvature** (notebooks 07, 09): gradient descent is stable along a direction of curvature λ only if
  η < 2/λ, so the number to know is λ_max, the largest eigenvalue of the loss's Hessian.
  :func:`largest_eigenvalue` finds it by power iteration on Hessian-vector products, each a centred
  finite difference of the gradient (:func:`hessian_vector_product`): no Hessian is ever formed.
- **Reach** (notebooks 08–10): :func:`state_gradients` returns ∂L/∂h_t for every step t, and
  :func:`gradient_by_lag` the mean ‖∂L_T/∂h_{T−k}‖ of a loss at the last step, against the lag k;
  :func:`input_gradient_by_lag` the mean ‖∂L_T/∂x_{T−k}‖, for any cell (RNN, LSTM, GRU, IRNN: notebook 15).
- :func:`norm_shares`: which of the five arrays a gradient (or the weights) is concentrated in.

Parameters are dicts ``W_xh (H, D), W_hh (H, H), W_hy (O, H), b_h (H, 1), b_y (O, 1)``; ``grad`` is any
function of such a dict that returns the five gradients of a loss (extra keys are ignored).
"""

from __future__ import annotations

import math

import numpy as np

from rnn_lib import engine
from rnn_lib.cells import check_cell
from rnn_lib.clipping import global_norm
from rnn_lib.functional import backward, forward
from rnn_lib.parameters import PARAM_NAMES
from rnn_lib.validation import (
    as_float_array,
    as_generator,
    as_params,
    check_backward,
    check_grads,
    check_inputs,
    check_params,
    check_positive,
    check_size,
    describe,
)


def _dot(a, b) -> float:
    return sum(float(np.vdot(a[k], b[k])) for k in PARAM_NAMES)


def _check_grad(grad):
    if not callable(grad):
        raise TypeError(f"grad must be a function params → dict of the five gradients, got {describe(grad)}")


def _gradient(grad, params) -> dict:
    """grad(params), checked: the five arrays, shaped like the parameters and finite (FloatingPointError if not)."""
    out = grad(params)
    for k in PARAM_NAMES if isinstance(out, dict) else ():
        g = out.get(k)
        if isinstance(g, np.ndarray) and g.dtype.kind == "f" and not np.all(np.isfinite(g)):
            raise FloatingPointError(f"grad returned NaN or inf in {k!r}: the loss is not finite near these params")
    return check_grads(out, like=params, name="grad(params)")


def hessian_vector_product(grad, params, v, *, eps=1e-5) -> dict:
    """H v ≈ (∇L(θ + s v̂) − ∇L(θ − s v̂)) / 2s · ‖v‖, with v̂ = v/‖v‖ and s = eps · max(1, ‖θ‖).

    grad: params dict → gradient dict.  params, v: dicts of the five arrays (v like params).
    Returns a dict of the five products, shaped like the parameters; ``params`` is not changed.
    The error is O(s²) from the third derivative plus O(1e-16/s) from rounding: about 1e-8 relative.
    """
    _check_grad(grad)
    check_params(params)
    v = check_grads(v, like=params, name="v")
    eps = check_positive(eps, "eps")
    norm_v = global_norm(v)
    if norm_v == 0.0:
        return {k: np.zeros_like(params[k]) for k in PARAM_NAMES}
    s = eps * max(1.0, math.sqrt(_dot(params, params)))
    plus = _gradient(grad, {k: params[k] + (s / norm_v) * v[k] for k in PARAM_NAMES})
    minus = _gradient(grad, {k: params[k] - (s / norm_v) * v[k] for k in PARAM_NAMES})
    return {k: (plus[k] - minus[k]) * (norm_v / (2 * s)) for k in PARAM_NAMES}


def _power_iteration(hvp, v, iters, tol):
    """Largest-magnitude eigenvalue of the symmetric map ``hvp`` from start v (unit): (λ, iterations used)."""
    lam = 0.0
    for i in range(1, iters + 1):
        w = hvp(v)
        new = _dot(v, w)  # Rayleigh quotient vᵀHv with ‖v‖ = 1
        norm_w = math.sqrt(_dot(w, w))
        if norm_w == 0.0:
            return 0.0, i
        v = {k: w[k] / norm_w for k in PARAM_NAMES}
        if i > 1 and abs(new - lam) <= tol * abs(new):
            return new, i
        lam = new
    return lam, iters


def largest_eigenvalue(grad, params, *, iters=500, tol=1e-8, rng=0, eps=1e-5) -> float:
    """λ_max, the largest (most positive) eigenvalue of the Hessian of the loss whose gradient is ``grad``.

    Power iteration on Hessian-vector products (:func:`hessian_vector_product`) from a random start
    (``rng``: seed or Generator) finds the eigenvalue of largest magnitude, λ₁.  If λ₁ < 0 the search is
    repeated on H − λ₁I, whose eigenvalues λ − λ₁ ≥ 0 are largest for λ = λ_max.  Stops when the estimate
    changes by less than ``tol`` (relative) or after ``iters`` products per search.  Returns a float.
    """
    _check_grad(grad)
    check_params(params)
    iters = check_size(iters, "iters")
    tol, eps = check_positive(tol, "tol"), check_positive(eps, "eps")
    g = as_generator(rng)
    start = {k: g.standard_normal(params[k].shape) for k in PARAM_NAMES}
    norm = math.sqrt(_dot(start, start))
    start = {k: a / norm for k, a in start.items()}

    def hvp(v):
        return hessian_vector_product(grad, params, v, eps=eps)

    lam1, _ = _power_iteration(hvp, start, iters, tol)
    if lam1 >= 0:
        return lam1

    def shifted(v):  # (H − λ₁I) v: positive semi-definite, largest eigenvalue λ_max − λ₁
        hv = hvp(v)
        return {k: hv[k] - lam1 * v[k] for k in PARAM_NAMES}

    mu, _ = _power_iteration(shifted, start, iters, tol)
    return mu + lam1


def state_gradients(params, x, dy, h0=None) -> np.ndarray:
    """δ^h_t = ∂L/∂h_t for t = 0 … T, for the loss whose gradient with respect to ŷ is ``dy``.

    x: (T, D) or (T, B, D); dy: like ŷ, (T, O) or (T, B, O) (zeros except the last step for a loss at
    the last step only).  Returns (T + 1, H) or (T + 1, B, H); row t is ∂L/∂h_t, row 0 is ∂L/∂h_0.
    Row t is W_hyᵀ δ^y_t (through ŷ_t) plus ``rnn_lib.backward``'s gradient of h_0 for the sequence
    restarted at step t from the stored h_t (through h_{t+1}, …): earlier losses do not depend on h_t.
    Cost O(T²): this is a measurement, not a training step.
    """
    _, cache = forward(params, x, h0)
    dy = check_backward(cache, dy, check_params(params), cache.h.dtype, kind=engine.ForwardCache, made_by="forward")
    single = cache.single
    x, h = (cache.x[:, 0], cache.h[:, 0]) if single else (cache.x, cache.h)  # (T, [B,] D), (T + 1, [B,] H)
    T = h.shape[0] - 1
    out = np.empty_like(h)
    out[T] = dy[T - 1] @ params["W_hy"]  # ∂L/∂h_T = W_hyᵀ δ^y_T (row form)
    for t in range(T):
        _, suffix = forward(params, x[t:], h[t])
        out[t] = backward(params, suffix, dy[t:])["h0"]
        if t > 0:
            out[t] += dy[t - 1] @ params["W_hy"]
    return out


def _last_step_data(params, x, y_last, sizes):
    """x (T, B, D) and the last step's targets y_last (B, O), checked for parameters of these sizes."""
    D, _, O = sizes(params)
    x = check_inputs(x, D, params["W_hh"].dtype)
    if x.ndim != 3:
        raise ValueError(f"x must be a batch of sequences, shape (T, B, D={D}), got shape {x.shape}")
    y_last = as_float_array(y_last, "y_last", x.dtype)
    if y_last.shape != (x.shape[1], O):
        raise ValueError(
            f"y_last must be the last step's targets, shape (B, O) = {(x.shape[1], O)}, got {y_last.shape}"
        )
    return x, y_last


def gradient_by_lag(params, x, y_last) -> np.ndarray:
    """How far back the last step's error reaches: ‖∂L_T/∂h_{T−k}‖ for k = 0 … T, mean over the batch.

    L_T = ½‖ŷ_T − y_T‖² (the loss at the last step only); x (T, B, D), y_last (B, O) the last step's
    targets.  Returns (T + 1,): entry k is the mean over sequences of ‖∂L_T/∂h_{T−k}‖ (k is the lag).
    """
    x, y_last = _last_step_data(params, x, y_last, check_params)
    y_hat, _ = forward(params, x)
    dy = np.zeros_like(y_hat)
    dy[-1] = y_hat[-1] - y_last
    return np.linalg.norm(state_gradients(params, x, dy), axis=-1).mean(axis=-1)[::-1]


def input_gradient_by_lag(params, x, y_last, *, cell="RNN") -> np.ndarray:
    """How far back the last step's error reaches the inputs: ‖∂L_T/∂x_{T−k}‖ for k = 0 … T − 1, mean over the batch.

    L_T = ½‖ŷ_T − y_T‖² (the loss at the last step only), for any cell of ``rnn_lib.cells`` (its name or the
    Cell); params of that cell; x (T, B, D), y_last (B, O) the last step's targets.  Unlike ∂L_T/∂h_{T−k}, the
    input gradient means the same thing for every cell (the LSTM's state is (h, c)).  Returns (T,): entry k is
    the mean over sequences of ‖∂L_T/∂x_{T−k}‖ (k is the lag).
    """
    cell = check_cell(cell)
    params = as_params(params, cell.sizes)
    x, y_last = _last_step_data(params, x, y_last, cell.sizes)
    y_hat, cache = cell.forward(params, x)
    dy = np.zeros_like(y_hat)
    dy[-1] = y_hat[-1] - y_last  # only the last step is scored
    dx = cell.backward(params, cache, dy)["x"]
    return np.linalg.norm(dx, axis=-1).mean(axis=-1)[::-1]


def norm_shares(arrays) -> dict:
    """Each of the five arrays' part of their global norm, ‖a_p‖ / ‖(a_W_xh, …, a_b_y)‖; the squares sum to 1.

    Of a gradient dict: where the gradient is.  Of a parameter dict: which weights are large.
    """
    arrays = check_grads(arrays, name="arrays")
    norms = {k: global_norm(arrays, names=(k,)) for k in PARAM_NAMES}  # overflow-safe, like the total
    total = global_norm(arrays)
    return {k: (n / total if total > 0 else 0.0) for k, n in norms.items()}
