"""Checkers for notebook 22's exercises: scaled dot-product scores, the masked softmax, and the backward pass.

Arrays are time-major as everywhere in the course: keys (S, B, H_k), one query per sequence (B, H_k), scores and
weights (B, S), mask (B, S) bool (True where a key may be attended).

- ``scaled_dot_scores(keys, query)`` → scores (B, S), e_{b,s} = q_b · k_{s,b} / √H_k.  Named: the √H_k missing,
  dividing by H_k instead of its square root, scaling by √S or √B, multiplying by √H_k, the softmax
  taken already, the scores returned (S, B).
- ``masked_softmax(scores, mask)`` → weights (B, S): softmax over s of the allowed keys, exactly 0 elsewhere.
  Named: softmax over the wrong axis (the batch), the mask applied after the softmax (not renormalised), the mask
  ignored or inverted, a finite penalty that leaves masked weights tiny but not 0, no max shift (overflow on scores
  of size 1000), the shift by a row's largest score taken over the masked keys too (0/0 when that one is masked),
  one shift for the whole array (0/0 in a row far below the largest score).
- ``dot_attention_backward(keys, query, weights, dcontext)`` → (dkeys (S, B, H_k), dquery (B, H_k)) for
  c_b = Σ_s α_{b,s} k_{s,b}, α = masked softmax of the scaled dot scores.  Named: forgetting the gradient through
  the weights into the keys (only α dc), the direct path α dc forgotten, the √H_k missing in the backward pass,
  the softmax Jacobian's diagonal only (α(1 − α) ∂L/∂α), ∂L/∂α used as ∂L/∂e (no softmax Jacobian), the
  Jacobian's sign, its sum over the batch or without α, α for ∂L/∂e in dquery, the direct path scaled, H_k for
  √H_k, (dquery, dkeys) returned.

The right answers come from ``rnn_lib.attention`` (the library the notebook derives).  Every checker runs the
learner's function on copies of its data (the mask read-only), so what it expects cannot be changed by the answer.
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from rnn_lib import attention

from ..i18n import N_, tr
from ._feedback import (
    Feedback,
    as_real_array,
    combine,
    confirmed,
    diagnose,
    guarded,
    has_nan_or_inf,
    name_shape_mistake,
    read_only,
    run_learner,
    split_pair,
)

SCORES = "scaled_dot_scores"
SOFTMAX = "masked_softmax"
BACKWARD = "dot_attention_backward"

NO_SCALE = N_("missing √H_k")
BY_H = N_("divided by H_k, not √H_k")
BY_S = N_("scaled by √S, not √H_k")
TIME_MAJOR = N_("scores returned (S, B)")
WRONG_AXIS = N_("softmax over the wrong axis")
MASK_AFTER = N_("mask applied after the softmax")
NO_MASK = N_("mask ignored")
INVERTED = N_("mask inverted")
FINITE_PENALTY = N_("finite penalty instead of −inf")
NO_SHIFT = N_("no max shift")
SHIFT_MASKED = N_("max shift over the masked keys too")
GLOBAL_MAX = N_("one max shift for the whole array")
NO_WEIGHT_PATH = N_("forgetting the gradient through the weights into the keys")
NO_DIRECT_PATH = N_("the direct path α dc into the keys forgotten")
DIAGONAL_ONLY = N_("softmax Jacobian's diagonal only")
NO_JACOBIAN = N_("∂L/∂α used as ∂L/∂e")
TIMES_SCALE = N_("multiplied by √H_k")
BY_B = N_("scaled by √B, not √H_k")
SOFTMAX_TAKEN = N_("softmax taken already")
JACOBIAN_SIGN = N_("softmax Jacobian's sign flipped")
JACOBIAN_BATCH = N_("softmax Jacobian summed over the batch")
JACOBIAN_NO_ALPHA = N_("Σ_r ∂L/∂α_r without the weights α_r")
WEIGHTS_FOR_DE = N_("α in place of ∂L/∂e in dquery")
DIRECT_SCALED = N_("the direct path α dc divided by √H_k")
BACKWARD_BY_H = N_("divided by H_k, not √H_k, in the backward pass")
PAIR_SWAPPED = N_("returned (dquery, dkeys)")
UNMASKED_WEIGHTS = N_("the weights recomputed without the mask")


def data():
    """keys (S, B, H_k) = (5, 3, 6), query (B, H_k), mask (B, S), dcontext (B, H_k): seeded, of unequal scales.

    H_k = 6 is not a square (√H_k is not a whole number, so `/ 2` or int(np.sqrt(H_k)) cannot pass) and differs
    from S and B (so dividing by √S or √B is another number).

    The mask allows 4, 3 and 2 keys: the first two sequences padded at the end, the third at the start (as some
    pipelines pad: the mask, not the position, says what is padding).  So every sequence has a masked key (an
    inverted mask stays finite) and every key position is allowed in some sequence (so does a softmax over the
    batch axis): those mistakes are named rather than seen as NaN.
    """
    rng = np.random.default_rng(22)
    S, B, H_k = 5, 3, 6
    keys = rng.standard_normal((S, B, H_k)) * np.array([1.0, 2.0, 0.5, 1.5, 0.8, 1.2])  # features of different scales
    query = rng.standard_normal((B, H_k)) * 1.5
    mask = np.array(
        [[True, True, True, True, False], [True, True, True, False, False], [False, False, False, True, True]]
    )
    dcontext = rng.standard_normal((B, H_k))
    return keys, query, mask, dcontext


def _softmax(e, axis=-1):
    w = np.exp(e - e.max(axis=axis, keepdims=True))
    return w / w.sum(axis=axis, keepdims=True)


def _scores(keys, query, scale):
    return np.einsum("sbh,bh->bs", keys, query) / scale


def _masked(e, mask, axis=-1):
    with np.errstate(invalid="ignore"):
        return _softmax(np.where(mask, e, -np.inf), axis=axis)


def _call(exercise, fn, *args):
    """The learner's answer on read-only copies of ``args`` (the caller still needs its scores, keys and mask as they
    came: a write into one is named), numpy's warnings silenced."""
    copies = [read_only(np.asarray(a)) for a in args]
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        return run_learner(exercise, fn, *copies)


# ---------------------------------------------------------------------------
# 1. Scaled dot-product scores
# ---------------------------------------------------------------------------


@guarded(SCORES)
def check_scaled_dot_scores(fn) -> Feedback:
    """Check ``fn(keys (S, B, H_k), query (B, H_k)) -> scores (B, S)``, e_{b,s} = q_b · k_{s,b} / √H_k."""
    keys, query, _, _ = data()
    S, B, H_k = keys.shape
    result, problem = _call(SCORES, fn, keys, query)
    if problem is not None:
        return problem
    right = _scores(keys, query, math.sqrt(H_k))
    mistakes = {
        NO_SCALE: (
            _scores(keys, query, 1.0),
            tr(
                "Divide by √H_k = √{h_k}: q · k sums H_k products, so its spread grows like √H_k, and "
                "unscaled scores push the softmax to one key."
            ).format(h_k=H_k),
        ),
        BY_H: (
            _scores(keys, query, H_k),
            tr("The scale is the square root of H_k: divide by np.sqrt(H_k), not by H_k."),
        ),
        BY_S: (
            _scores(keys, query, math.sqrt(S)),
            tr(
                "The scale is √H_k, the length of the vectors in the dot product (keys.shape[2]), not √S, "
                "the number of keys."
            ),
        ),
        BY_B: (
            _scores(keys, query, math.sqrt(B)),
            tr(
                "The scale is √H_k, the length of the vectors in the dot product (keys.shape[2]), not √B, "
                "the number of sequences (keys.shape[1])."
            ),
        ),
        TIMES_SCALE: (
            _scores(keys, query, 1 / math.sqrt(H_k)),
            tr("Divide by √H_k, not multiply: the scaling makes the scores smaller, e = q · k / √H_k."),
        ),
        SOFTMAX_TAKEN: (
            _softmax(right),
            tr(
                "These are weights, the softmax of the scores: this function returns the scores e = q · k / "
                "√H_k themselves; the (masked) softmax is the next exercise."
            ),
        ),
    }
    fb = diagnose(SCORES, result, right, name="scores", known_mistakes=mistakes, float64=True)
    fb = name_shape_mistake(
        fb,
        result,
        [
            (
                TIME_MAJOR,
                right.T,
                tr(
                    "The scores are (B, S), one row per sequence, so that the softmax runs along each row: "
                    "transpose, or use np.einsum('sbh,bh->bs', keys, query)."
                ),
            )
        ],
    )
    return confirmed(fb, SCORES, fn, (keys, query), result)


# ---------------------------------------------------------------------------
# 2. The masked softmax
# ---------------------------------------------------------------------------


def _softmax_data():
    """Moderate scores (B, S) = (3, 5) from :func:`data`'s keys and query, and its mask."""
    keys, query, mask, _ = data()
    return _scores(keys, query, math.sqrt(keys.shape[2])), mask


def _large_scores():
    """Scores of size 1000 (exp overflows without the max shift): the three rows of the moderate data's mask, and a
    fourth row with every key allowed, all near −1000."""
    _, mask = _softmax_data()
    scores = np.array(
        [
            [1000.0, 998.0, 995.0, 1001.0, 990.0],
            [-3.0, 1.5, 0.25, 800.0, -2.0],  # a large score at a masked key: only the mask keeps it out
            [5.0, -1000.0, -1001.0, -999.0, -1002.0],  # allowed scores near −1000: exp underflows without the shift
            # its largest score allowed, 2000 below row 0's: a shift by the whole array's max leaves 0/0 here, a
            # shift by the row's own max (masked keys included) does not
            [-1000.0, -998.0, -1003.0, -999.0, -1001.0],
        ]
    )
    return scores, np.vstack([mask, np.ones((1, mask.shape[1]), dtype=bool)])


def _softmax_mistakes(scores, mask):
    return {
        WRONG_AXIS: (
            _masked(scores, mask, axis=0),
            tr(
                "The weights of one sequence sum to 1 over its S keys: take the softmax along each row, "
                "axis=-1 (axis 0 mixes the sequences of the batch)."
            ),
        ),
        MASK_AFTER: (
            _softmax(scores) * mask,
            tr(
                "Zeroing the masked weights after the softmax leaves the rest summing to less than 1: put "
                "−inf into the masked scores first (np.where(mask, scores, -np.inf)), then take the "
                "softmax."
            ),
        ),
        NO_MASK: (_softmax(scores), tr("Masked keys (padding) must get weight 0: use the mask.")),
        INVERTED: (
            _masked(scores, ~mask),
            tr("True in the mask marks a key that MAY be attended; the padding is where it is False."),
        ),
    }


def _finite_penalty(result, mask, right) -> Feedback | None:
    """The feedback for masked weights that are not 0 while the allowed ones are right up to their sum (a finite
    penalty on the masked scores), else None."""
    weights, problem = as_real_array(result)
    if problem is not None or weights.shape != mask.shape or not np.any(weights[~mask] != 0.0):
        return None
    allowed = weights * mask
    with np.errstate(all="ignore"):
        allowed = allowed / allowed.sum(axis=-1, keepdims=True)
    if not (np.all(np.isfinite(allowed)) and np.allclose(allowed, right, rtol=1e-7, atol=1e-12)):
        return None
    return Feedback(
        SOFTMAX,
        "wrong",
        [
            tr("This is exactly what the mistake '{mistake}' gives.").format(mistake=tr(FINITE_PENALTY)),
            tr(
                "Close, but a masked key's weight must be exactly 0, and yours reach {largest:.1e}: a finite "
                "penalty on the masked scores. Use np.where(mask, scores, -np.inf) before the softmax: "
                "exp(−inf) = 0 exactly."
            ).format(largest=float(np.max(np.abs(weights[~mask])))),
        ],
        FINITE_PENALTY,
    )


@guarded(SOFTMAX)
def check_masked_softmax(fn) -> Feedback:
    """Check ``fn(scores (B, S), mask (B, S) bool) -> weights (B, S)``."""
    scores, mask = _softmax_data()
    result, problem = _call(SOFTMAX, fn, scores, mask)
    if problem is not None:
        return problem
    right = _masked(scores, mask)
    fb = diagnose(SOFTMAX, result, right, name="weights", known_mistakes=_softmax_mistakes(scores, mask), float64=True)
    fb = name_shape_mistake(
        fb, result, [(WRONG_AXIS, _masked(scores.T, mask.T), tr("Softmax along each sequence's S keys, axis=-1."))]
    )
    penalty = _finite_penalty(result, mask, right)
    if penalty is not None and fb.mistake is None:
        return penalty
    fb = confirmed(fb, SOFTMAX, fn, (scores, mask), result)
    if not fb.passed:
        return fb
    big, big_mask = _large_scores()
    result, problem = _call(SOFTMAX, fn, big, big_mask)
    if problem is not None:
        return problem
    values, unreadable = as_real_array(result, "weights")
    raw = np.asarray(result, dtype=float) if unreadable is not None and has_nan_or_inf(result) else None
    if raw is not None and raw.shape == big.shape and np.isfinite(raw[0]).all() and not np.isfinite(raw[3]).all():
        return Feedback(  # row 3 is NaN only when the shift was one number for the whole array
            SOFTMAX,
            "wrong",
            [
                tr("This is exactly what the mistake '{mistake}' gives.").format(mistake=tr(GLOBAL_MAX)),
                tr(
                    "Right on moderate scores, but NaN on scores of size 1000 in a row whose scores are all near "
                    "−1000: shifted by the largest score of the whole array (scores.max()), every exp of that row "
                    "underflows to 0, and 0/0 is NaN."
                ),
                tr(
                    "Shift each row by its own largest allowed score: apply the mask (−inf) first, then subtract "
                    "max(axis=-1, keepdims=True)."
                ),
            ],
            GLOBAL_MAX,
        )
    if raw is not None and raw.shape == big.shape and np.isfinite(raw[0]).all():  # row 0's largest score is allowed
        return Feedback(
            SOFTMAX,
            "wrong",
            [
                tr("This is exactly what the mistake '{mistake}' gives.").format(mistake=tr(SHIFT_MASKED)),
                tr(
                    "Right on moderate scores, but NaN on scores of size 1000 in the rows whose largest score "
                    "sits at a masked key: shifted by that score, every allowed exp underflows to 0, and 0/0 "
                    "is NaN."
                ),
                tr("Shift by the largest ALLOWED score: apply the mask (−inf) first, then subtract the row's max."),
            ],
            SHIFT_MASKED,
        )
    if raw is not None:
        return Feedback(
            SOFTMAX,
            "wrong",
            [
                tr("This is exactly what the mistake '{mistake}' gives.").format(mistake=tr(NO_SHIFT)),
                tr("Right on moderate scores, but on scores of size 1000 the weights hold NaN: exp(1000) overflows."),
                tr("Subtract each row's largest allowed score before exp (softmax(e) = softmax(e − max e))."),
            ],
            NO_SHIFT,
        )
    fb = diagnose(SOFTMAX, result, _masked(big, big_mask), name="weights")
    if not fb.passed:
        return Feedback(
            SOFTMAX, "wrong", [tr("Right on moderate scores, but not on scores of size 1000:"), *fb.messages]
        )
    if np.any(values[~big_mask] != 0.0):
        return Feedback(SOFTMAX, "wrong", [tr("On scores of size 1000 a masked key's weight is not exactly 0.")])
    return confirmed(fb, SOFTMAX, fn, (big, big_mask), result)


# ---------------------------------------------------------------------------
# 3. The backward pass of scaled dot-product attention
# ---------------------------------------------------------------------------


def _backward(keys, query, weights, dcontext, *, scale=True, weight_path=True, direct=True, jacobian="full",
              by_h=False, direct_scaled=False, weights_for_de=False):  # fmt: skip
    """(dkeys, dquery); the defaults are right, each switch reproduces one named mistake.

    jacobian: "full" (right), "diagonal", "none", "sign" (Σ_r α_r ∂L/∂α_r − ∂L/∂α_s), "batch" (that sum over
    the batch axis) or "no_alpha" (Σ_r ∂L/∂α_r).
    """
    s = keys.shape[2] if by_h else math.sqrt(keys.shape[2]) if scale else 1.0
    dw = np.einsum("bh,sbh->bs", dcontext, keys)  # ∂L/∂α_{b,s} = dc_b · k_{s,b}
    if jacobian == "full":
        de = weights * (dw - (weights * dw).sum(axis=-1, keepdims=True))
    elif jacobian == "diagonal":
        de = weights * (1.0 - weights) * dw
    elif jacobian == "sign":
        de = weights * ((weights * dw).sum(axis=-1, keepdims=True) - dw)
    elif jacobian == "batch":
        de = weights * (dw - (weights * dw).sum(axis=0, keepdims=True))
    elif jacobian == "no_alpha":
        de = weights * (dw - dw.sum(axis=-1, keepdims=True))
    else:
        de = dw
    dquery = np.einsum("bs,sbh->bh", weights if weights_for_de else de, keys) / s
    dkeys = np.zeros_like(keys)
    if direct:
        dkeys += np.einsum("bs,bh->sbh", weights, dcontext) / (s if direct_scaled else 1.0)
    if weight_path:
        dkeys += np.einsum("bs,bh->sbh", de, query) / s
    return dkeys, dquery


@guarded(BACKWARD)
def check_dot_attention_backward(fn) -> Feedback:
    """Check ``fn(keys, query, weights, dcontext) -> (dkeys (S, B, H_k), dquery (B, H_k))``."""
    keys, query, mask, dcontext = data()
    _, weights, cache = attention.forward(None, keys, query, mask, kind="dot")
    result, problem = _call(BACKWARD, fn, keys, query, weights, dcontext)
    if problem is not None:
        return problem
    bad = split_pair(BACKWARD, result, ("dkeys", "dquery"))
    if bad is not None:
        return bad
    if np.shape(result[0]) == query.shape and np.shape(result[1]) == keys.shape:
        return Feedback(
            BACKWARD,
            "wrong",
            [
                tr(
                    "The mistake '{swapped}': the first array you returned has the shape of the query, {q}, "
                    "the second that of the keys, {k}. Return `dkeys, dquery`."
                ).format(swapped=tr(PAIR_SWAPPED), q=query.shape, k=keys.shape)
            ],
            PAIR_SWAPPED,
        )
    grads = attention.backward(None, cache, dcontext)
    args = (keys, query, weights, dcontext)
    variants = {
        NO_WEIGHT_PATH: (
            {"weight_path": False},
            tr(
                "The keys enter twice: in c = Σ_s α_s k_s, and in the scores e_s = q · k_s / √H_k that "
                "make the weights. Add the second path: ∂L/∂k_s += ∂L/∂e_s q / √H_k."
            ),
        ),
        NO_DIRECT_PATH: (
            {"direct": False},
            tr(
                "c = Σ_s α_s k_s reads each key directly: ∂L/∂k_s includes α_s ∂L/∂c, besides the path "
                "through the score."
            ),
        ),
        NO_SCALE: (
            {"scale": False},
            tr(
                "The scores were divided by √H_k, so both gradients through them are too: ∂L/∂q = Σ_s "
                "∂L/∂e_s k_s / √H_k."
            ),
        ),
        DIAGONAL_ONLY: (
            {"jacobian": "diagonal"},
            tr(
                "Each weight depends on every score of its row: ∂α_s/∂e_r = α_s([s = r] − α_r), so ∂L/∂e_s "
                "= α_s(∂L/∂α_s − Σ_r α_r ∂L/∂α_r), not α_s(1 − α_s)∂L/∂α_s."
            ),
        ),
        NO_JACOBIAN: (
            {"jacobian": "none"},
            tr("∂L/∂α is not ∂L/∂e: chain it through the softmax, ∂L/∂e_s = α_s(∂L/∂α_s − Σ_r α_r ∂L/∂α_r)."),
        ),
        JACOBIAN_SIGN: (
            {"jacobian": "sign"},
            tr("∂L/∂e_s = α_s(∂L/∂α_s − Σ_r α_r ∂L/∂α_r): the weight's own term first, minus the row's average."),
        ),
        JACOBIAN_BATCH: (
            {"jacobian": "batch"},
            tr(
                "The softmax of sequence b mixes only its own S scores: Σ_r α_r ∂L/∂α_r runs over the keys of "
                "one row, axis=1 (keepdims=True), not over the batch."
            ),
        ),
        JACOBIAN_NO_ALPHA: (
            {"jacobian": "no_alpha"},
            tr("The sum in the softmax's backward is weighted: Σ_r α_r ∂L/∂α_r, not Σ_r ∂L/∂α_r."),
        ),
        WEIGHTS_FOR_DE: (
            {"weights_for_de": True},
            tr(
                "q reaches the loss through the scores: ∂L/∂q = Σ_s ∂L/∂e_s k_s / √H_k, with ∂L/∂e (after the "
                "softmax's backward), not the weights α."
            ),
        ),
        DIRECT_SCALED: (
            {"direct_scaled": True},
            tr(
                "Only the path through the scores carries 1/√H_k: c = Σ_s α_s k_s reads the keys unscaled, so "
                "the direct part of ∂L/∂k_s is α_s ∂L/∂c."
            ),
        ),
        BACKWARD_BY_H: (
            {"by_h": True},
            tr("The scores were divided by √H_k, so the gradients through them are too: / np.sqrt(H_k), not / H_k."),
        ),
    }
    wrong = {name: (_backward(*args, **switches), advice) for name, (switches, advice) in variants.items()}
    wrong[UNMASKED_WEIGHTS] = (
        _backward(keys, query, _softmax(_scores(keys, query, math.sqrt(keys.shape[2]))), dcontext),
        tr(
            "Use the weights you are given: they are the MASKED softmax, 0 at the padded keys. Recomputed from "
            "the scores without the mask, the padded keys get weight, and gradient."
        ),
    )
    parts = {}
    for i, name in enumerate(("dkeys", "dquery")):
        expected = grads["keys"] if name == "dkeys" else grads["query"]
        known = {m: (value[i], advice) for m, (value, advice) in wrong.items() if not np.allclose(value[i], expected)}
        parts[name] = diagnose(BACKWARD, result[i], expected, name=name, known_mistakes=known, float64=True)
    return confirmed(combine(BACKWARD, parts), BACKWARD, fn, args, result)
