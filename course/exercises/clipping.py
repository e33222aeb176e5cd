"""Checker for notebook 09's exercise: clipping each sequence's gradient before averaging.

The text clips the batch gradient, one dict of five arrays, by its global norm.  The exercise does
the same for every sequence of a batch separately, and then averages:

    g^(b) = the five gradients of sequence b,     ‖g^(b)‖ = sqrt(Σ_p ‖g^(b)_p‖_F²)
    result_p = (1/B) Σ_b g^(b)_p · c / max(‖g^(b)‖, c)

The learner writes ``clip_per_sequence(grads, max_norm)``: ``grads[p]`` has shape (B, *shape of p),
row b holding sequence b's gradient; the result is a NEW dict with the parameters' own shapes (the
input must not change).

Named mistakes: clipping the mean, one norm for the batch, each parameter clipped separately, a sum instead of the
mean, small gradients scaled up, the squared norm, clipping by value, one sequence's scale for all, PyTorch's ε in the
norm, float32, the input written into (the gradients are passed read-only), state kept between calls, and two slips a max_norm of 1 would hide (the
checker passes 0.6): a long gradient scaled to norm 1, and a max_norm of 1 written into the function; then, on a
second batch with a sequence whose gradient is all zeros, a division by its norm (0/0).
"""

from __future__ import annotations

import warnings

import numpy as np

from rnn_lib.parameters import PARAM_NAMES, param_shapes

from ..i18n import N_, tr
from ._feedback import (
    FLOAT32,
    Feedback,
    _float_dtype,
    confirmed,
    diagnose,
    flatten,
    gradients_as_vector,
    guarded,
    has_nan_or_inf,
    read_only,
    run_learner,
)

__all__ = ["FLOAT32", "check_clip_per_sequence", "per_sequence_gradients"]

EXERCISE = "clip_per_sequence"
BY_VALUE = N_("clipping each entry (by value) instead of each sequence's norm")
ONE_SCALE = N_("the first sequence's scale used for every sequence")
EPSILON = N_("an ε added to the norm (max_norm / (‖g‖ + ε))")
UNIT_NORM = N_("scaled to norm 1, not to max_norm")
OWN_MAX_NORM = N_("a max_norm of 1 of your own, not the argument")
ZERO_NORM = N_("0/0 for a sequence whose gradient is 0")
SHAPES = param_shapes(D=2, H=3, O=2)
# one exploded sequence, two long ones (one of them shorter than 1) and a short one left alone; max_norm is not 1,
# which would hide a function that forgets to multiply by max_norm, or writes 1 for it
NORMS = (40.0, 2.0, 0.3, 0.7)
MAX_NORM = 0.6
ZERO_NORMS = (2.0, 0.0, 0.3)  # a second batch, asked once the first is right: a sequence whose gradient is all 0


def per_sequence_gradients(norms=NORMS, seed=0) -> dict:
    """Gradients of B = len(norms) sequences, ``grads[p]`` of shape (B, *SHAPES[p]); sequence b has global norm norms[b]."""
    rng = np.random.default_rng(seed)
    g = {k: rng.standard_normal((len(norms), *s)) for k, s in SHAPES.items()}
    g["W_hh"] *= 4.0  # one parameter dominates, as W_hh's gradient does when gradients explode
    size = np.sqrt(sum(np.sum(v * v, axis=tuple(range(1, v.ndim))) for v in g.values()))  # (B,)
    return {k: v * (np.asarray(norms) / size).reshape(-1, *[1] * (v.ndim - 1)) for k, v in g.items()}


def _mean_of(rows: np.ndarray, scales: np.ndarray) -> np.ndarray:
    return (rows * scales[:, None]).mean(axis=0)


def _mistakes(grads, c):
    """The right flat vector, and mistake name → (flat vector that mistake returns, advice)."""
    B = len(next(iter(grads.values())))
    rows = flatten(grads, B)  # (B, n)
    norms = np.linalg.norm(rows, axis=1)  # ‖g^(b)‖
    right = _mean_of(rows, c / np.maximum(norms, c))
    mean = rows.mean(axis=0)
    whole = np.linalg.norm(rows)
    per_param = np.concatenate(
        [
            (
                grads[k].reshape(B, -1) * (c / np.maximum(np.linalg.norm(grads[k].reshape(B, -1), axis=1), c))[:, None]
            ).mean(axis=0)
            for k in PARAM_NAMES
        ]
    )
    return right, {
        N_("clipping the mean instead of each sequence"): (
            mean * (c / max(np.linalg.norm(mean), c)),
            (
                tr(
                    "You averaged first and clipped the mean: that is ordinary norm clipping of the batch "
                    "gradient, where the exploded sequence still decides the direction. Clip every sequence's "
                    "gradient (its own norm over its five arrays), then average."
                )
            ),
        ),
        N_("one norm for the whole batch"): (
            _mean_of(rows, np.full(B, c / max(whole, c))),
            (
                tr(
                    "One norm over all sequences together scales every sequence by the same factor. Each "
                    "sequence b needs its own norm ‖g^(b)‖: sum the squares over every axis except the batch "
                    "axis."
                )
            ),
        ),
        N_("clipping each parameter separately"): (
            per_param,
            (
                tr(
                    "Each sequence's five arrays were clipped one by one. The norm of sequence b is ONE number "
                    "over all five of its arrays together (the global norm of notebook 09)."
                )
            ),
        ),
        N_("summing instead of averaging"): (
            right * B,
            tr("The result is B times too large: average the clipped gradients over the batch (divide by B)."),
        ),
        N_("scaling up small gradients"): (
            _mean_of(rows, c / norms),
            (
                tr(
                    "A sequence whose gradient was shorter than max_norm was stretched to length max_norm. "
                    "Clipping only ever shortens: scale = max_norm / max(‖g^(b)‖, max_norm), which is 1 for a "
                    "short gradient."
                )
            ),
        ),
        BY_VALUE: (
            np.clip(rows, -c, c).mean(axis=0),
            tr(
                "np.clip(g, -max_norm, max_norm) clips every entry on its own (clipping by value), which changes "
                "the direction of the gradient. Here each sequence's gradient is scaled as a whole: by max_norm / "
                "max(‖g^(b)‖, max_norm), its global norm over the five arrays."
            ),
        ),
        ONE_SCALE: (
            _mean_of(rows, np.full(B, (c / np.maximum(norms, c))[0])),
            tr(
                "Every sequence got the scale of sequence 0. Each sequence b has its own norm ‖g^(b)‖ and so its "
                "own scale: one scale per row of the batch, shape (B,), broadcast over each array's other axes."
            ),
        ),
        EPSILON: (
            _mean_of(rows, np.where(norms > c, c / (norms + 1e-6), 1.0)),
            tr(
                "Here the scale is exactly max_norm / max(‖g^(b)‖, max_norm), which never divides by zero (max_norm "
                "> 0): no ε is needed. PyTorch's clip_grad_norm_ adds 1e-6 to the norm, which changes the seventh "
                "digit, more than the checker's 1e-7 allows."
            ),
        ),
        UNIT_NORM: (
            _mean_of(rows, np.where(norms > c, 1 / norms, 1.0)),
            tr(
                "A long gradient was divided by its norm, which leaves it at length 1. Clipping shortens it to "
                "length max_norm: multiply by max_norm / ‖g^(b)‖ (the checker passes max_norm = {c:g})."
            ).format(c=c),
        ),
        OWN_MAX_NORM: (
            _mean_of(rows, 1 / np.maximum(norms, 1.0)),
            tr(
                "The scale is 1 / max(‖g^(b)‖, 1): a max_norm of 1 written into the function. Use the max_norm "
                "the function is given (the checker passes {c:g}): max_norm / max(‖g^(b)‖, max_norm)."
            ).format(c=c),
        ),
        N_("squared norm"): (
            _mean_of(rows, c / np.maximum(norms**2, c)),
            tr("The scale used ‖g^(b)‖² instead of ‖g^(b)‖: take the square root of the sum of squares."),
        ),
    }


def _zero_norm_feedback(fn) -> Feedback | None:
    """None when ``fn`` is right on a batch with a zero gradient (a sequence whose loss does not depend on the
    parameters, or an all-padding one); else what is wrong there."""
    grads = per_sequence_gradients(ZERO_NORMS, seed=1)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        answer, feedback = run_learner(EXERCISE, fn, read_only(grads), MAX_NORM)
    if feedback is not None:
        return feedback
    if isinstance(answer, dict) and any(has_nan_or_inf(answer.get(k)) for k in PARAM_NAMES):
        return Feedback(
            EXERCISE,
            "wrong",
            [
                tr("The mistake '{mistake}':").format(mistake=tr(ZERO_NORM)),
                tr(
                    "Right on the first batch, but NaN on a batch where one sequence's gradient is all zeros: its "
                    "norm is 0, and dividing by it (g / ‖g‖, or max_norm / ‖g‖ · …) gives 0/0."
                ),
                tr(
                    "Scale by max_norm / max(‖g^(b)‖, max_norm): the denominator is never below max_norm > 0, and a "
                    "zero gradient stays 0."
                ),
            ],
            ZERO_NORM,
        )
    vec, feedback = gradients_as_vector(EXERCISE, answer, SHAPES, tr("the five averaged gradients"))
    if feedback is not None:
        return feedback
    with np.errstate(all="ignore"):  # some of the mistakes divide by the zero norm; only the right value is used
        right, _ = _mistakes(grads, MAX_NORM)
    fb = diagnose(EXERCISE, vec, right, name=tr("your averaged gradient"))
    if fb.passed:
        return None
    return Feedback(
        EXERCISE,
        "wrong",
        [tr("Right on the first batch, but not on a batch where one sequence's gradient is all zeros:"), *fb.messages],
    )


@guarded(EXERCISE)
def check_clip_per_sequence(fn) -> Feedback:
    """Check ``fn(grads, max_norm)`` on four sequences: one exploded, two long, one short (to be left alone)."""
    grads = per_sequence_gradients()
    answer, feedback = run_learner(EXERCISE, fn, read_only(grads), MAX_NORM)  # `g *= scale` is INPUT_WRITTEN
    if feedback is not None:
        return feedback
    vec, feedback = gradients_as_vector(EXERCISE, answer, SHAPES, tr("the five averaged gradients"))
    if feedback is not None:
        return feedback
    right, mistakes = _mistakes(grads, MAX_NORM)
    fb = diagnose(EXERCISE, vec, right, name=tr("your averaged gradient"), known_mistakes=mistakes)
    low = [k for k in PARAM_NAMES if (_float_dtype(answer[k]) or np.dtype(np.float64)).itemsize < 8]
    if fb.passed and low:
        return Feedback(
            EXERCISE,
            "wrong",
            [
                tr("This is exactly what the mistake '{mistake}' gives.").format(mistake=tr(FLOAT32)),
                tr("The values are right, but {names} came back as {dtype}; the gradients are float64.").format(
                    names=", ".join(low), dtype=_float_dtype(answer[low[0]])
                ),
                tr(
                    "float32 keeps about 7 significant digits (float16 about 3): a gradient check compares to "
                    "1e-7 and would fail. Leave out the .astype(np.float32) or dtype=np.float32: numpy computes "
                    "in float64 by default."
                ),
            ],
            FLOAT32,
        )
    fb = confirmed(fb, EXERCISE, fn, (grads, MAX_NORM), answer)
    return (_zero_norm_feedback(fn) or fb) if fb.passed else fb
