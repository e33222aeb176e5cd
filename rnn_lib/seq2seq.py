"""An encoder–decoder of two GRUs, with optional attention (notebooks 21 and 22).

The encoder reads the source tokens x_1 … x_S (one-hot, V) into states h^e_1 … h^e_S; its state after each
sequence's last token is the decoder's start, g_0 = h^e_{len}: the bridge.  The decoder reads BOS, y_1, …, y_{T−1}
(teacher forcing: the right previous token, not its own guess) into states g_1 … g_T, and predicts::

    without attention:  z_t = W_out g_t + b_out                                    W_out (V, H)
    with attention:     c_t = attention(keys h^e_1 … h^e_S, query g_t, mask)        rnn_lib.attention
                        z_t = W_out [g_t; c_t] + b_out                              W_out (V, 2H)
    L = (1/B) Σ_b Σ_{t ≤ its EOS} −log softmax(z_t)[y_t]                           mean loss per sequence

(the query is the decoder's current state, as in Luong et al. 2015, so each GRU runs over its whole sequence in one
call).  :func:`greedy_decode` runs free, feeding back its own most likely token (beam search: ``course.decoding``).  Each GRU has an identity read-out,
so its dy is ∂L/∂h_t; its ∂L/∂h_0 is the gradient across the bridge.  Parameters, one flat dict: "enc.W_ih" (3H, V),
"enc.W_hh" (3H, H), "enc.b_ih", "enc.b_hh" (3H, 1), the same for "dec.", "att.W_q", "att.W_k", "att.v" (additive),
"W_out", "b_out" (V, 1).  Tokens as in ``rnn_lib.data.reversal_task``: src (S, B), tgt (T, B), PAD after the end."""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from . import attention as attn
from . import gru
from .clipping import clip_by_global_norm
from .data import BOS, EOS, PAD
from .fast import gru as fast_gru  # the same numbers as gru.forward/backward in fewer calls
from .losses import check_class_targets, one_hot, softmax_cross_entropy
from .optim import Adam
from .validation import as_float_array, as_generator, check_arrays, check_positive, check_shapes, check_size, describe

CELL = ("W_ih", "W_hh", "b_ih", "b_hh")
ATTENTION = (None, "additive", "dot")


def names(attention=None) -> tuple:
    """The parameter names of a model with this attention (None, "additive" or "dot")."""
    enc_dec = tuple(f"{part}.{k}" for part in ("enc", "dec") for k in CELL)
    return enc_dec + (("att.W_q", "att.W_k", "att.v") if attention == "additive" else ()) + ("W_out", "b_out")


def check_attention(attention):
    """None, "additive" or "dot", else a ValueError (the type is looked at first: no array is compared with a str)."""
    if not (attention is None or isinstance(attention, str)) or attention not in ATTENTION:
        raise ValueError(f"attention must be None, 'additive' or 'dot', got {attention!r}")
    return attention


def init_params(V, H, *, attention=None, A=None, rng=None, dtype=np.float64) -> dict:
    """Each GRU as ``gru.init_params`` draws it, attention's as ``attention.init_params`` (A = H unless given), W_out ~
    U(±1/√(its columns)), b_out = 0; rng None (numpy's global RNG) or a Generator.  Returns the flat dict above."""
    V, H, attention = check_size(V, "V"), check_size(H, "H"), check_attention(attention)
    A, rng = (H if A is None else check_size(A, "A")), as_generator(rng, seeds=False)
    params = {}
    for part in ("enc", "dec"):
        cell = gru.init_params(V, H, 1, rng=rng, dtype=dtype)  # checks dtype; its read-out is not used
        params |= {f"{part}.{k}": cell[k] for k in CELL}
    if attention == "additive":
        params |= {f"att.{k}": v for k, v in attn.init_params(H, H, A, rng=rng, dtype=dtype).items()}
    F = H if attention is None else 2 * H
    uniform = np.random.uniform if rng is None else rng.uniform
    params["W_out"] = (uniform(-1, 1, size=(V, F)) / math.sqrt(F)).astype(dtype)
    params["b_out"] = np.zeros((V, 1), dtype=dtype)
    return params


def check_params(params, attention) -> tuple[int, int]:
    """The dict's arrays for this attention, their shapes consistent; returns (V, H)."""
    check_arrays(params, names(attention))
    G_H, V = params["enc.W_ih"].shape
    H = G_H // 3
    F = H if attention is None else 2 * H
    expected = {f"{p}.{k}": s for p in ("enc", "dec") for k, s in gru.param_shapes(V, H, 1).items() if k in CELL}
    expected |= {"W_out": (V, F), "b_out": (V, 1)}
    if attention == "additive":
        A = params["att.W_q"].shape[0]
        expected |= {"att.W_q": (A, H), "att.W_k": (A, H), "att.v": (A, 1)}
    check_shapes(params, expected, f"(V = {V}, H = {H} from enc.W_ih (3H, V); attention={attention!r})")
    return V, H


def check_tokens(src, tgt, V):
    """src (S, B), tgt (T, B) tokens in 0 … V − 1, each source tokens then PAD only: ``(src, tgt, lengths (B,))``."""
    src = check_class_targets(src, None, V, name="src")
    if src.ndim != 2 or 0 in src.shape:
        raise ValueError(f"src must have shape (S, B), time-major, S, B ≥ 1, got shape {src.shape}")
    lengths = (src != PAD).sum(axis=0)
    padded = np.arange(src.shape[0])[:, None] >= lengths
    if np.any((src == PAD) != padded) or np.any(lengths == 0):
        b = int(np.flatnonzero(np.any((src == PAD) != padded, axis=0) | (lengths == 0))[0])
        raise ValueError(f"src[:, {b}] must be at least one token then PAD ({PAD}) only, got {src[:, b].tolist()}")
    if tgt is not None:
        tgt = check_class_targets(tgt, None, V, name="tgt")
        if tgt.ndim != 2 or tgt.shape[1] != src.shape[1] or tgt.shape[0] == 0:
            raise ValueError(f"tgt must have shape (T, B = {src.shape[1]}) with T ≥ 1, got shape {tgt.shape}")
    return src, tgt, lengths


def gru_params(params, part, H):
    """The encoder's (part "enc") or the decoder's ("dec") GRU as a network of its own, with an identity read-out:
    W_hy = I (H, H) and b_y = 0, so its ŷ_t is h_t and the dy its backward pass takes is ∂L/∂h_t."""
    dtype = params["W_out"].dtype
    return {k: params[f"{part}.{k}"] for k in CELL} | {"W_hy": np.eye(H, dtype=dtype), "b_y": np.zeros((H, 1), dtype)}


class Seq2SeqCache(NamedTuple):
    """The GRUs' caches, the attention's (or None), the features [g_t; c_t] (T, B, F), lengths (B,), the kind."""

    enc: gru.GRUCache
    dec: gru.GRUCache
    att: attn.AttentionCache | None
    features: np.ndarray
    lengths: np.ndarray
    attention: str | None


def forward(params, src, tgt, attention=None):
    """Teacher-forced forward pass: src (S, B), tgt (T, B) tokens, attention None, "additive" or "dot" →
    ``(logits (T, B, V), cache)``."""
    attention = check_attention(attention)
    V, H = check_params(params, attention)
    src, tgt, lengths = check_tokens(src, tgt, V)
    dtype = params["W_out"].dtype
    enc, enc_cache = fast_gru.forward(gru_params(params, "enc", H), one_hot(src, V, dtype))  # (S, B, H): h^e_1 … h^e_S
    B = src.shape[1]
    bridge = enc[lengths - 1, np.arange(B)]  # each sequence's state after its own last token
    dec_in = np.concatenate([np.full((1, B), BOS), tgt[:-1]])
    dec, dec_cache = fast_gru.forward(gru_params(params, "dec", H), one_hot(dec_in, V, dtype), h0=bridge)
    att_cache, features = None, dec
    if attention:
        att = {k[4:]: params[k] for k in names(attention) if k.startswith("att.")}
        context, _, att_cache = attn.attend(att, enc, dec, (src != PAD).T, attention)
        features = np.concatenate([dec, context], axis=-1)
    logits = features @ params["W_out"].T + params["b_out"][:, 0]
    return logits, Seq2SeqCache(enc_cache, dec_cache, att_cache, features, lengths, attention)


def loss(logits, tgt):
    """Mean over sequences of the summed cross-entropy up to each EOS: logits (T, B, V), tgt (T, B) →
    ``(loss, dlogits)``, dlogits 0 at PAD steps."""
    keep = check_class_targets(tgt, None, np.shape(logits)[-1], name="tgt") != PAD
    total, d = softmax_cross_entropy(logits[keep][:, None], np.asarray(tgt)[keep][:, None])
    dlogits = np.zeros_like(logits)
    dlogits[keep] = d[:, 0] / keep.shape[1]
    return total / keep.shape[1], dlogits


def backward(params, cache, dlogits):
    """Back through the decoder, attention, bridge and encoder: dlogits (T, B, V) → gradients like params."""
    if type(cache) is not Seq2SeqCache:
        raise TypeError(f"cache must be the second value returned by seq2seq.forward, got {describe(cache)}")
    V, H = check_params(params, cache.attention)
    dlogits = as_float_array(dlogits, "dlogits", params["W_out"].dtype, bounded=False)
    if dlogits.shape != cache.features.shape[:2] + (V,):
        raise ValueError(f"dlogits must have the logits' shape {cache.features.shape[:2] + (V,)}, got {dlogits.shape}")
    T, B, F = cache.features.shape
    rows = dlogits.reshape(T * B, V)
    grads = {"W_out": rows.T @ cache.features.reshape(T * B, F), "b_out": rows.sum(axis=0)[:, None]}
    dfeatures = dlogits @ params["W_out"]
    ddec, denc = dfeatures[..., :H], np.zeros(cache.enc.h[1:].shape, dtype=dlogits.dtype)
    if cache.attention:
        att = {k[4:]: params[k] for k in names(cache.attention) if k.startswith("att.")}
        g = attn.attend_backward(att, cache.att, np.ascontiguousarray(dfeatures[..., H:]))
        ddec = ddec + g.pop("query")  # the decoder's state is the query, so it gets the attention's gradient too
        denc += g.pop("keys")
        grads |= {f"att.{k}": v for k, v in g.items()}
    g_dec = fast_gru.backward(gru_params(params, "dec", H), cache.dec, ddec)
    denc[cache.lengths - 1, np.arange(B)] += g_dec["h0"]  # across the bridge, into each last encoder state
    g_enc = fast_gru.backward(gru_params(params, "enc", H), cache.enc, denc)
    grads |= {f"{p}.{k}": g[k] for p, g in (("enc", g_enc), ("dec", g_dec)) for k in CELL}
    return {k: grads[k] for k in names(cache.attention)}


def greedy_decode(params, src, T, attention=None):
    """Free running from BOS for T steps, fed its own most likely token: src (S, B) →
    ``(tokens (T, B), attention maps (T, B, S) or None)``."""
    attention = check_attention(attention)
    V, H = check_params(params, attention)
    src, _, lengths = check_tokens(src, None, V)
    T, B, dtype = check_size(T, "T"), src.shape[1], params["W_out"].dtype
    enc, _ = fast_gru.forward(gru_params(params, "enc", H), one_hot(src, V, dtype))
    h, token = enc[lengths - 1, np.arange(B)], np.full(B, BOS)
    W = [params[f"dec.{k}"] for k in CELL]
    att = {k[4:]: params[k] for k in names(attention) if k.startswith("att.")}
    tokens, maps = np.empty((T, B), dtype=np.int64), np.empty((T, B, src.shape[0]), dtype=dtype)
    for t in range(T):
        h, _ = gru.gru_step_forward(one_hot(token, V, dtype), h, *W)
        features = h
        if attention:
            context, maps[t], _ = attn.attend(att, enc, h[None], (src != PAD).T, attention)
            features = np.concatenate([h, context[0]], axis=-1)
        token = tokens[t] = np.argmax(features @ params["W_out"].T + params["b_out"][:, 0], axis=-1)
    return tokens, (maps if attention else None)


def upto_eos(tokens):
    """(T, B) bool: True at the steps up to and including each column's first EOS (every step if it has none)."""
    return np.cumsum(tokens == EOS, axis=0) - (tokens == EOS) == 0


def exact_match(tokens, tgt):
    """Per sequence: True when tokens equal tgt up to and including tgt's EOS.  tokens, tgt (T, B).  Returns (B,)."""
    return np.all((tokens == tgt) | ~upto_eos(tgt), axis=0)  # the steps before EOS, and EOS itself


def train(params, make_batch, *, steps, lr, attention=None, clip=1.0, on_update=None):
    """Adam on fresh batches ``make_batch(step)`` → (src, tgt), clipped to global norm ``clip`` (None: not clipped),
    params in place; ``on_update(updates_done, loss, params)`` after each update.  Returns every step's loss."""
    clip = None if clip is None else check_positive(clip, "clip")  # before the first batch is drawn
    opt, losses = Adam(params, lr=lr), []
    for step in range(check_size(steps, "steps")):
        src, tgt = make_batch(step)
        logits, cache = forward(params, src, tgt, attention)
        value, dlogits = loss(logits, tgt)
        grads = backward(params, cache, dlogits)
        if clip is not None:
            grads, _ = clip_by_global_norm(grads, clip, names=tuple(grads))
        opt.step(grads)
        losses.append(value)
        if on_update is not None:
            on_update(step + 1, value, params)
    return losses
