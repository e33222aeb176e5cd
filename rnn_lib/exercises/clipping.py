"""Checker for notebook 09's exercise: clipping by the global norm.

    ‖g‖ = sqrt(Σ_p ‖g_p‖_F²),     g_p ← g_p · c / max(‖g‖, c)   for all five p together

The learner writes ``clip_global_norm(grads, max_norm)`` returning a NEW dict of the five clipped
gradients (the input must not change).  Returning ``(clipped, norm)`` is accepted too.
"""

from __future__ import annotations

import numpy as np

from ..core import PARAM_NAMES
from ._feedback import Feedback, diagnose, run_learner

EXERCISE = "clip_global_norm"
SHAPES = {"W_xh": (3, 2), "W_hh": (3, 3), "W_hy": (2, 3), "b_h": (3, 1), "b_y": (2, 1)}


def _flat(grads) -> np.ndarray:
    return np.concatenate([np.asarray(grads[k], dtype=np.float64).ravel() for k in PARAM_NAMES])


def _unflat(v) -> dict:
    out, i = {}, 0
    for k in PARAM_NAMES:
        n = int(np.prod(SHAPES[k]))
        out[k] = v[i : i + n].reshape(SHAPES[k])
        i += n
    return out


def _grads(seed, scale) -> dict:
    rng = np.random.default_rng(seed)
    g = {k: rng.standard_normal(s) for k, s in SHAPES.items()}
    g["W_hh"] *= 5.0  # one parameter dominates, as W_hh's gradient does when gradients explode
    norm = np.sqrt(sum(float(np.sum(v * v)) for v in g.values()))
    return {k: v * (scale / norm) for k, v in g.items()}  # global norm exactly ``scale``


def _as_vector(answer):
    """The learner's answer as one vector in PARAM_NAMES order, or an explanation of why it is not one."""
    if isinstance(answer, tuple) and len(answer) == 2 and isinstance(answer[0], dict):
        answer = answer[0]
    if not isinstance(answer, dict):
        return None, f"Return a dict of the five clipped gradients, got {type(answer).__name__}."
    missing = [k for k in PARAM_NAMES if k not in answer]
    if missing:
        return None, f"The returned dict lacks {', '.join(missing)}: return all five gradients, clipped together."
    for k in PARAM_NAMES:
        if np.shape(answer[k]) != SHAPES[k]:
            return None, f"grads['{k}'] came back with shape {np.shape(answer[k])}, expected {SHAPES[k]}."
    return _flat(answer), None


def _run(fn, grads, c):
    """Call the learner on a copy-checked input; returns (vector, feedback-or-None, mutated?)."""
    given = {k: v.copy() for k, v in grads.items()}
    answer, feedback = run_learner(EXERCISE, fn, given, c)
    if feedback is not None:
        return None, feedback, False
    mutated = any(not np.array_equal(given[k], grads[k]) for k in PARAM_NAMES)
    vec, problem = _as_vector(answer)
    if problem:
        return None, Feedback(EXERCISE, "wrong", [problem]), mutated
    return vec, None, mutated


def check_clip_global_norm(fn) -> Feedback:
    """Check ``fn(grads, max_norm)`` on a long gradient (to be shortened) and a short one (to be left alone)."""
    c = 1.0
    long = _grads(0, scale=8.0)
    v = _flat(long)
    norm = float(np.linalg.norm(v))
    per_param = np.concatenate([(long[k] * (c / max(np.linalg.norm(long[k]), c))).ravel() for k in PARAM_NAMES])
    mistakes = {
        "clipping each parameter separately": (
            per_param,
            (
                "Each gradient was clipped to norm c on its own: the five together can still be √5·c long, and the "
                "direction changes. Compute ONE norm over all five (sqrt of the sum of all squares) and scale all by it."
            ),
        ),
        "squared norm": (
            v * (c / norm**2),
            "The scale used ‖g‖² instead of ‖g‖: take the square root of the sum of squares.",
        ),
        "clipping by value": (
            np.clip(v, -c, c),
            "That clips every entry to [−c, c] (clipping by value), which changes the direction. Rescale instead.",
        ),
    }
    # Stretching a short gradient is invisible on a long one; the short case below catches it.
    answer, feedback, mutated = _run(fn, long, c)
    if feedback is not None:
        return feedback
    fb = diagnose(EXERCISE, answer, v * (c / norm), name="your clipped gradient", known_mistakes=mistakes)
    if not fb.passed:
        return fb

    short = _grads(1, scale=0.25)
    s = _flat(short)
    answer, feedback, mutated_short = _run(fn, short, c)
    if feedback is not None:
        return feedback
    mistakes = {
        "scaling up small gradients": (
            s * (c / np.linalg.norm(s)),
            (
                "A gradient shorter than max_norm was stretched to length max_norm. Clipping only ever shortens: "
                "scale = max_norm / max(‖g‖, max_norm), which is 1 for a short gradient."
            ),
        ),
    }
    fb = diagnose(EXERCISE, answer, s, name="your result for a short gradient", known_mistakes=mistakes)
    if fb.passed and (mutated or mutated_short):
        return Feedback(
            EXERCISE,
            "wrong",
            [
                (
                    "The values are right, but the gradients you were given changed: the input was modified in place "
                    "(e.g. `g *= scale`). Build new arrays (`g * scale`), so the caller's gradients stay intact."
                ),
            ],
            "modifying the input in place",
        )
    return fb
