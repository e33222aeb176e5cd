"""Attention over the states of an encoder, forward and backward (notebook 22 derives every line).

For one query q_b (the decoder's state, H_q) and the keys k_{1,b} … k_{S,b} (the encoder's states, H_k)::

    additive (Bahdanau et al., 2015):  e_{b,s} = vᵀ tanh(W_q q_b + W_k k_{s,b})     W_q (A, H_q), W_k (A, H_k), v (A, 1)
    scaled dot product:                e_{b,s} = q_b · k_{s,b} / √H_k                no parameters; H_q = H_k
    weights:  α_{b,s} = exp(e_{b,s}) / Σ_{s' allowed} exp(e_{b,s'}) where the mask allows s, exactly 0 elsewhere
    context:  c_b = Σ_s α_{b,s} k_{s,b}                                                 (H_k)

keys (S, B, H_k), query (B, H_q), mask (B, S) bool (True where a key may be attended).  The checked :func:`forward`
/ :func:`backward` take one query per sequence; the trusting :func:`attend` / :func:`attend_backward` take
(Tq, B, H_q), all the decoder's steps at once (``rnn_lib.seq2seq`` uses them)."""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from . import validation
from .functional import drawn_atomically
from .validation import as_float_array, as_generator, check_arrays, check_float_dtype, check_size, describe

PARAM_NAMES = ("W_q", "W_k", "v")
KINDS = ("additive", "dot")


def init_params(H_q, H_k, A, *, rng=None, dtype=np.float64) -> dict:
    """Additive attention's parameters, each ~ U(−1/√n, 1/√n), n its number of columns (PyTorch's nn.Linear).

    Inputs: sizes H_q, H_k, A (the score's hidden layer); rng None (global RNG) or a Generator; dtype.
    Returns {"W_q": (A, H_q), "W_k": (A, H_k), "v": (A, 1)}."""
    H_q, H_k, A = check_size(H_q, "H_q"), check_size(H_k, "H_k"), check_size(A, "A")
    rng, dtype = as_generator(rng, seeds=False), check_float_dtype(dtype)
    uniform = np.random.uniform if rng is None else rng.uniform
    shapes = {"W_q": (A, H_q), "W_k": (A, H_k), "v": (A, 1)}

    def draw():
        return {
            k: (uniform(-1, 1, size=s) / math.sqrt(s[1] if k != "v" else A)).astype(dtype) for k, s in shapes.items()
        }

    return drawn_atomically(rng, draw)


class AttentionCache(NamedTuple):
    """The inputs, the weights (Tq, B, S), u = tanh(W_q q + W_k k) (Tq, B, S, A) (additive only), the kind, and
    single (the query was (B, H_q)); read-only."""

    kind: str
    keys: np.ndarray
    query: np.ndarray
    mask: np.ndarray | None
    weights: np.ndarray
    u: np.ndarray | None
    single: bool


def attend(params, keys, query, mask, kind):
    """Trusting forward for Tq queries per sequence: keys (S, B, H_k), query (Tq, B, H_q), mask (B, S) or None.

    Returns ``(context (Tq, B, H_k), weights (Tq, B, S), cache)``."""
    kb = keys.transpose(1, 0, 2)  # (B, S, H_k): a batch of (S, H_k) matrices for the batched products
    u = None
    if kind == "additive":
        kp = (keys @ params["W_k"].T).transpose(1, 0, 2)  # W_k k_{s,b}, once for every query: (B, S, A)
        u = np.tanh((query @ params["W_q"].T)[:, :, None, :] + kp)  # (Tq, B, S, A)
        e = u @ params["v"][:, 0]  # (Tq, B, S)
    else:
        e = (kb @ query.transpose(1, 2, 0)).transpose(2, 0, 1) / math.sqrt(keys.shape[2])  # q_b · k_{s,b} / √H_k
    if mask is not None:
        e = np.where(mask, e, -np.inf)  # exp(−inf) = 0: masked keys get weight exactly 0
    w = np.exp(e - e.max(axis=-1, keepdims=True))  # shifted by the row's largest allowed score: no overflow
    w /= w.sum(axis=-1, keepdims=True)
    context = (w.transpose(1, 0, 2) @ kb).transpose(1, 0, 2)  # Σ_s α_{b,s} k_{s,b}
    for a in (keys, query, w) + (() if u is None else (u,)) + (() if mask is None else (mask,)):
        a.flags.writeable = False
    return context, w, AttentionCache(kind, keys, query, mask, w, u, False)


def attend_backward(params, cache, dcontext, dweights=None):
    """Trusting backward of :func:`attend`: dcontext (Tq, B, H_k), dweights (Tq, B, S) or None.

    Returns a dict: "keys" (S, B, H_k), "query" (Tq, B, H_q), and for the additive kind "W_q", "W_k", "v"."""
    kind, keys, query, _, w, u, _ = cache
    kb, dcb = keys.transpose(1, 0, 2), dcontext.transpose(1, 0, 2)  # (B, S, H_k), (B, Tq, H_k)
    # c_b = Σ_s α_{b,s} k_{s,b}: ∂L/∂α_{b,s} = dc_b · k_{s,b}, and each key receives α_{b,s} dc_b.
    dw = (dcb @ kb.transpose(0, 2, 1)).transpose(1, 0, 2)  # (Tq, B, S)
    if dweights is not None:
        dw = dw + dweights
    dkeys = w.transpose(1, 2, 0) @ dcb  # (B, S, H_k)
    # Softmax: ∂L/∂e_s = α_s (∂L/∂α_s − Σ_s' α_s' ∂L/∂α_s'); masked keys have α = 0, so they get 0.
    de = w * (dw - (w * dw).sum(axis=-1, keepdims=True))
    if kind == "dot":
        scale = 1.0 / math.sqrt(keys.shape[2])  # a Python float: float32 stays float32
        dquery = (de.transpose(1, 0, 2) @ kb).transpose(1, 0, 2) * scale  # Σ_s ∂L/∂e_s k_s / √H_k
        dkeys += de.transpose(1, 2, 0) @ query.transpose(1, 0, 2) * scale  # Σ_t ∂L/∂e_{t,s} q_t / √H_k
        return {"keys": dkeys.transpose(1, 0, 2), "query": dquery}
    W_q, W_k, v = params["W_q"], params["W_k"], params["v"]
    A = v.shape[0]
    dv = (de.reshape(1, -1) @ u.reshape(-1, A)).T  # e = vᵀ u: ∂L/∂v = Σ ∂L/∂e u
    da = 1.0 - u * u  # tanh′ = 1 − u², then times v and ∂L/∂e: ∂L/∂(W_q q + W_k k), (Tq, B, S, A)
    da *= v[:, 0]
    da *= de[..., None]
    dqp, dkp = da.sum(axis=2), da.sum(axis=0)  # each query meets every key, each key every query
    dkeys += dkp @ W_k
    return {
        "W_q": dqp.reshape(-1, A).T @ query.reshape(-1, query.shape[2]),
        "W_k": dkp.reshape(-1, A).T @ kb.reshape(-1, kb.shape[2]),
        "v": dv,
        "keys": dkeys.transpose(1, 0, 2),
        "query": dqp @ W_q,
    }


def check_params(params, H_q: int, H_k: int, origin: str) -> None:
    """Additive attention's dict: W_q (A, H_q), W_k (A, H_k), v (A, 1), one float dtype, finite."""
    check_arrays(params, PARAM_NAMES)
    A = params["W_q"].shape[0]
    validation.check_shapes(params, {"W_q": (A, H_q), "W_k": (A, H_k), "v": (A, 1)}, f"(A = {A} from W_q, {origin})")


def check_forward_args(params, keys, query, mask, kind):
    """forward's arguments checked; snapshots ``(keys (S, B, H_k), query (B, H_q), mask or None)``."""
    if not isinstance(kind, str):
        raise TypeError(f"kind must be the str 'additive' or 'dot', got {describe(kind)}")
    if kind not in KINDS:
        raise ValueError(f"kind must be 'additive' or 'dot', got {kind!r}")
    if params is None and kind == "additive":
        raise TypeError("params must be the dict of attention.init_params(H_q, H_k, A) for kind='additive', got None")
    dtype = None if params is None else check_arrays(params, PARAM_NAMES)  # the dot kind does not use them
    keys = as_float_array(keys, "keys", dtype, copy=True)
    if keys.ndim != 3 or 0 in keys.shape:
        raise ValueError(f"keys must have shape (S, B, H_k) with S, B, H_k ≥ 1 (time-major), got {describe(keys)}")
    S, B, H_k = keys.shape
    query = as_float_array(query, "query", keys.dtype, copy=True)
    H_q = query.shape[-1] if query.ndim == 2 else 0
    if kind == "additive":
        H_q = params["W_q"].shape[1]
        check_params(params, H_q, H_k, f"H_q = {H_q} from W_q, H_k = {H_k} from keys")
    elif query.shape[-1:] != (H_k,):
        raise ValueError(f"query must have H_k = {H_k} entries per row for kind='dot' (q · k), got shape {query.shape}")
    if query.shape != (B, H_q):
        raise ValueError(f"query must have shape (B, H_q) = {(B, H_q)} (B from keys), got shape {query.shape}")
    if mask is not None:
        if isinstance(mask, np.ndarray) and type(mask) is not np.ndarray:
            raise TypeError(f"mask must be a plain numpy bool array, got {type(mask).__name__}")
        mask = np.array(mask)  # a snapshot, like keys and query
        if mask.dtype != bool:
            raise TypeError(f"mask must be a bool array (True where a key may be attended), got dtype {mask.dtype}")
        if mask.shape != (B, S):
            raise ValueError(f"mask must have shape (B, S) = {(B, S)} (from keys), got shape {mask.shape}")
        empty = np.flatnonzero(~mask.any(axis=1))
        if empty.size:
            raise ValueError(f"mask row {int(empty[0])} has no True: every sequence must allow at least one key")
    return keys, query, mask


def forward(params, keys, query, mask=None, kind="additive"):
    """Attention of one query per sequence over its keys, checked.

    Inputs: params the dict of :func:`init_params` (kind "additive"; None or ignored for "dot"); keys (S, B, H_k);
    query (B, H_q); mask (B, S) bool or None; kind "additive" or "dot".
    Returns ``(context (B, H_k), weights (B, S), cache)``; the weights are exactly 0 where the mask is False."""
    keys, query, mask = check_forward_args(params, keys, query, mask, kind)
    context, w, cache = attend(params, keys, query[None], mask, kind)
    return context[0], w[0], cache._replace(single=True)


def backward(params, cache, dcontext, dweights=None):
    """Gradients of L through :func:`forward`, given dcontext = ∂L/∂context (B, H_k) and dweights = ∂L/∂weights
    (B, S) or None.  Returns {"keys": (S, B, H_k), "query": (B, H_q)} and, for the additive kind, "W_q", "W_k", "v"
    shaped like their parameters."""
    if type(cache) is not AttentionCache or not cache.single:
        raise TypeError(f"cache must be the third value returned by attention.forward, got {describe(cache)}")
    S, B, H_k = cache.keys.shape
    if cache.kind == "additive":
        check_params(params, cache.query.shape[-1], H_k, "the sizes forward was given")
        if params["W_q"].dtype != cache.keys.dtype or params["v"].shape[0] != cache.u.shape[-1]:
            raise ValueError("params do not fit the cache (another A or dtype): pass the params forward was given")
    given = {"dcontext": (dcontext, (B, H_k)), "dweights": (dweights, (B, S))}
    checked = {}
    for name, (value, shape) in given.items():
        if value is None and name == "dweights":
            continue
        checked[name] = as_float_array(value, name, cache.keys.dtype, bounded=False)[None]
        if checked[name].shape[1:] != shape:
            raise ValueError(f"{name} must have shape {shape} (from forward), got shape {checked[name].shape[1:]}")
    grads = attend_backward(params, cache, checked["dcontext"], checked.get("dweights"))
    grads["query"] = grads["query"][0]
    return grads
