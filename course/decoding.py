"""Decoding an encoder–decoder beyond greedy (notebook 21): the probability of an output, and beam search.

Both run on ``rnn_lib.seq2seq``'s model; they live beside the library because a learner keeps the model and
greedy decoding, while the beam is a search over it (notebook 21 derives and measures it).
"""

from __future__ import annotations

import numpy as np

from rnn_lib import attention as attn
from rnn_lib import gru
from rnn_lib.data import BOS, EOS, PAD
from rnn_lib.fast import gru as fast_gru
from rnn_lib.losses import log_softmax, one_hot
from rnn_lib.seq2seq import (
    CELL,
    check_attention,
    check_params,
    check_tokens,
    forward,
    gru_params,
    names,
    upto_eos,
)
from rnn_lib.validation import check_size


def log_probs(params, src, tokens, attention=None):
    """The log-probability the model gives each output, log p(y_1 … y_k | x) with y_k its first EOS.

    Inputs: src (S, B); tokens (T, B), e.g. what :func:`greedy_decode` returns (steps after the first EOS are
    ignored; a column without EOS is scored over all T steps).  Returns (B,) floats.
    """
    attention = check_attention(attention)
    V, _ = check_params(params, attention)
    src, tokens, _ = check_tokens(src, tokens, V)
    logits, _ = forward(params, src, tokens, attention)  # teacher forcing on the output itself
    picked = np.take_along_axis(log_softmax(logits), tokens[..., None], axis=-1)[..., 0]  # (T, B)
    return np.where(upto_eos(tokens), picked, 0.0).sum(axis=0)


def beam_search(params, src, T, beam=3, attention=None):
    """Beam search: for each sequence, the ``beam`` most probable partial outputs are extended one token at a time.

    At every step each live hypothesis is extended by every token, and the ``beam`` highest total log-probabilities
    among the extensions are kept; an extension ending in EOS is finished and leaves the beam.  Log-probabilities
    only fall as a hypothesis grows, so the search stops as soon as the best finished score is at least every live
    one (no live hypothesis can overtake it), or after T steps.  ``beam=1`` is greedy decoding up to its EOS.
    No length normalisation: every output of this task has a known length, and the scores are those of
    :func:`log_probs`.

    Inputs: src (S, B) tokens; T, beam positive ints.  Returns ``(tokens (T, B) int, scores (B,))``: the best
    finished output of each sequence (PAD after its EOS; the best live one if none finished in T steps) and its
    log-probability.
    """
    attention = check_attention(attention)
    V, H = check_params(params, attention)
    src, _, lengths = check_tokens(src, None, V)
    T, beam, B, dtype = check_size(T, "T"), check_size(beam, "beam"), src.shape[1], params["W_out"].dtype
    enc, _ = fast_gru.forward(gru_params(params, "enc", H), one_hot(src, V, dtype))
    W = [params[f"dec.{k}"] for k in CELL]
    att = {k[4:]: params[k] for k in names(attention) if k.startswith("att.")}
    tokens, scores = np.full((T, B), PAD, dtype=np.int64), np.empty(B, dtype=dtype)
    for b in range(B):  # one source at a time: its hypotheses are the rows of a small batch
        h = enc[lengths[b] - 1, b][None]  # (k, H), k live hypotheses; at first one, the bridge
        outputs, score = [[]], np.zeros(1, dtype=dtype)  # each live hypothesis's tokens and log-probability
        finished = []  # (log-probability, tokens) of the hypotheses that ended with EOS
        for _ in range(T):
            last = np.array([seq[-1] if seq else BOS for seq in outputs])
            h, _ = gru.gru_step_forward(one_hot(last, V, dtype), h, *W)
            features = h
            if attention:
                keys = np.repeat(enc[:, b : b + 1], len(outputs), axis=1)  # (S, k, H): one copy per hypothesis
                mask = np.repeat((src[:, b] != PAD)[None], len(outputs), axis=0)
                context, _, _ = attn.attend(att, keys, h[None], mask, attention)
                features = np.concatenate([h, context[0]], axis=-1)
            total = score[:, None] + log_softmax(features @ params["W_out"].T + params["b_out"][:, 0])  # (k, V)
            best = np.argsort(-total, axis=None, kind="stable")[:beam]  # ties: the first, as np.argmax
            rows, new = np.unravel_index(best, total.shape)
            live = [(r, v) for r, v in zip(rows, new) if v != EOS]
            finished += [(total[r, v], outputs[r] + [EOS]) for r, v in zip(rows, new) if v == EOS]
            if not live or (finished and max(f[0] for f in finished) >= total[live[0]]):
                break
            outputs = [outputs[r] + [v] for r, v in live]
            score, h = np.array([total[r, v] for r, v in live]), h[[r for r, _ in live]]
        found = max(finished, key=lambda f: f[0]) if finished else (score[0], outputs[0])
        scores[b], tokens[: len(found[1]), b] = found
    return tokens, scores
