"""Deep (stacked) and bidirectional RNNs, built on the course's RNN (notebook 20).

Layer l reads the states of layer l − 1 (layer 1 reads x) and the read-out reads the top layer::

    h^l_t = tanh(W^l_xh h^{l−1}_t + W^l_hh h^l_{t−1} + b^l_h),    h^0_t = x_t          each layer (H)
    ŷ_t = W_hy h^L_t + b_y                                                            (O)

Bidirectional: each layer also runs an RNN from t = T down to 1 and passes on [h→_t; h←_t] (2H).  Each layer is
``rnn_lib.forward``/``backward`` with an identity read-out (ŷ_t = h_t, so dy is ∂L/∂h_t); its ∂L/∂x is δ^h of the
layer below.  Parameters, one flat dict: "l1.W_xh" (H, D), "l1.W_hh" (H, H), "l1.b_h" (H, 1), "l1r.…" (backward
direction), "l2.W_xh" (H, H or 2H), …, "W_hy" (O, H or 2H), "b_y" (O, 1)."""

from __future__ import annotations

import re
from typing import NamedTuple

import numpy as np

from . import validation
from .functional import backward as rnn_backward
from .functional import draw_params
from .functional import forward as rnn_forward

LAYER = ("W_xh", "W_hh", "b_h")


def init_params(D, H, O, *, layers=2, bidirectional=False, rng=None, scale=0.1, dtype=np.float64) -> dict:
    """Each layer's W_xh, W_hh and the read-out's W_hy drawn N(0, 1) · scale as ``rnn_lib.init_params`` draws them
    (layer 1 first, its forward direction before its backward one), biases 0.  Returns the flat dict above."""
    D, H, O, L = (validation.check_size(v, n) for v, n in ((D, "D"), (H, "H"), (O, "O"), (layers, "layers")))
    if not isinstance(bidirectional, bool):
        raise TypeError(f"bidirectional must be True or False, got {bidirectional!r}")
    rng = validation.as_generator(rng, seeds=False)
    scale, dtype = validation.check_positive(scale, "scale"), validation.check_float_dtype(dtype)
    width, params = 2 * H if bidirectional else H, {}
    for l in range(1, L + 1):
        for direction in ("", "r") if bidirectional else ("",):
            drawn = draw_params(D if l == 1 else width, H, 1, rng=rng, scale=scale, dtype=dtype)
            params |= {f"l{l}{direction}.{k}": drawn[k] for k in LAYER}
    top = draw_params(1, width, O, rng=rng, scale=scale, dtype=dtype)
    return params | {"W_hy": top["W_hy"], "b_y": top["b_y"]}


def structure(params) -> tuple[int, bool, int, int]:
    """Check the dict; return (layers L, bidirectional, D, H) read from its names and shapes."""
    if not isinstance(params, dict):
        raise TypeError(f"params must be the dict of deep.init_params, got {validation.describe(params)}")
    found = {m.group(1, 2) for m in (re.fullmatch(r"l(\d+)(r?)\.W_xh", k) for k in params) if m}
    L, bidirectional = len({n for n, _ in found}), any(r for _, r in found)
    dirs = ("", "r") if bidirectional else ("",)
    names = [f"l{l}{d}.{k}" for l in range(1, L + 1) for d in dirs for k in LAYER] + ["W_hy", "b_y"]
    if L == 0 or set(found) != {(str(l), d) for l in range(1, L + 1) for d in dirs}:
        raise ValueError(f"params must hold layers l1 … lL (and l1r … for a bidirectional RNN), got {sorted(params)}")
    validation.check_arrays(params, names)
    (H, D), O = params["l1.W_xh"].shape, params["W_hy"].shape[0]
    width = len(dirs) * H
    shapes = {"W_hy": (O, width), "b_y": (O, 1)}
    for l in range(1, L + 1):
        for d in dirs:
            shapes |= {f"l{l}{d}.W_xh": (H, D if l == 1 else width), f"l{l}{d}.W_hh": (H, H), f"l{l}{d}.b_h": (H, 1)}
    origin = f"(D = {D}, H = {H} from l1.W_xh, {L} layers, bidirectional={bidirectional})"
    validation.check_shapes(params, shapes, origin)
    return L, bidirectional, D, H


def _rnn(params, name, H):
    """One direction of one layer as the course's RNN, with the identity read-out ŷ_t = h_t."""
    dtype = params["W_hy"].dtype
    return {k: params[f"{name}.{k}"] for k in LAYER} | {"W_hy": np.eye(H, dtype=dtype), "b_y": np.zeros((H, 1), dtype)}


class DeepCache(NamedTuple):
    """Each direction's ``rnn_lib.forward`` cache, the top layer's outputs (T, B, H or 2H), single."""

    caches: list
    top: np.ndarray
    single: bool


def forward(params, x):
    """Run the stack over x (T, D) or (T, B, D).  Returns ``(y_hat (T, O) or (T, B, O), cache)``."""
    L, bidirectional, D, H = structure(params)
    x = validation.check_inputs(x, D, params["W_hy"].dtype)
    single = x.ndim == 2
    inputs, caches = x[:, None] if single else x, []
    for l in range(1, L + 1):
        h, cache = rnn_forward(_rnn(params, f"l{l}", H), inputs)  # checks inputs: layer 1's x, shapes and values
        caches.append(cache)
        if bidirectional:  # the same RNN on the sequence read backwards; its outputs put back in time order
            h_r, cache_r = rnn_forward(_rnn(params, f"l{l}r", H), inputs[::-1])
            caches.append(cache_r)
            h = np.concatenate([h, h_r[::-1]], axis=-1)
        inputs = h
    y_hat = inputs @ params["W_hy"].T + params["b_y"][:, 0]
    return (y_hat[:, 0] if single else y_hat), DeepCache(caches, inputs, single)


def backward(params, cache, dy):
    """BPTT through the stack, given dy = ∂L/∂ŷ like y_hat: gradients named like params, and "x" like x."""
    L, bidirectional, _, H = structure(params)
    if type(cache) is not DeepCache:
        raise TypeError(f"cache must be the second value returned by deep.forward, got {validation.describe(cache)}")
    T, B, W = cache.top.shape
    O = params["W_hy"].shape[0]
    dy = validation.as_float_array(dy, "dy", params["W_hy"].dtype, bounded=False)
    expected = (T, O) if cache.single else (T, B, O)
    if dy.shape != expected:
        raise ValueError(f"dy must have the shape of the y_hat forward returned, {expected}, got shape {dy.shape}")
    dy = dy.reshape(T, B, O)
    rows = dy.reshape(T * B, -1)
    grads = {"W_hy": rows.T @ cache.top.reshape(T * B, W), "b_y": rows.sum(axis=0)[:, None]}
    dh = dy @ params["W_hy"]  # ∂L/∂(top layer's outputs)
    caches = iter(reversed(cache.caches))
    for l in range(L, 0, -1):
        if bidirectional:  # caches were appended forward, backward: they come back in the opposite order
            g_r = rnn_backward(_rnn(params, f"l{l}r", H), next(caches), dh[::-1, :, H:])
            grads |= {f"l{l}r.{k}": g_r[k] for k in LAYER}
        g = rnn_backward(_rnn(params, f"l{l}", H), next(caches), np.ascontiguousarray(dh[..., :H]))
        grads |= {f"l{l}.{k}": g[k] for k in LAYER}
        dh = g["x"] + (g_r["x"][::-1] if bidirectional else 0.0)  # ∂L/∂ this layer's inputs: the outputs below
    return grads | {"x": dh[:, 0] if cache.single else dh}
