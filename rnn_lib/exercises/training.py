"""Checker for notebook 07's coding exercise: ``sgd_step(params, grads, lr)``.

The contract: return a NEW dict ``{name: params[name] − lr · grads[name]}`` for all five
parameters, and leave ``params`` (the dict and its arrays) unchanged, so a caller can
still compare before and after, or retry the step with a smaller learning rate.

Recognised slips: gradient ascent (+ instead of −), a parameter left out or not
updated (named), the update done in place, the learning rate applied twice
(lr² · g, or two steps 2·lr · g).
"""

from __future__ import annotations

import numpy as np

from ..parameters import PARAM_NAMES, param_shapes
from ._feedback import Feedback, diagnose, run_learner

EXERCISE = "sgd_step"
LR = 0.1  # lr² = 0.01 and 2·lr = 0.2 differ from lr and from each other, so each slip has its own value


def _problem():
    rng = np.random.default_rng(7)
    shapes = param_shapes(D=3, H=4, O=2)
    params = {name: rng.standard_normal(shape) for name, shape in shapes.items()}
    grads = {name: rng.standard_normal(shape) for name, shape in shapes.items()}
    return params, grads


def check_sgd_step(fn) -> Feedback:
    """Run the learner's ``sgd_step(params, grads, lr)`` on random arrays and explain what differs."""
    params, grads = _problem()
    originals = {name: value.copy() for name, value in params.items()}
    expected = {name: originals[name] - LR * grads[name] for name in PARAM_NAMES}  # before the learner's code runs
    given = dict(params)  # a shallow copy, to see whether the learner's dict or its arrays changed
    answer, fb = run_learner(EXERCISE, fn, given, {name: g.copy() for name, g in grads.items()}, LR)
    if fb is not None:
        return fb

    changed = [name for name in PARAM_NAMES if not np.array_equal(params[name], originals[name])]
    if changed or any(given[name] is not params[name] for name in PARAM_NAMES):
        what = ", ".join(changed) if changed else "the dict you were given"
        return Feedback(
            EXERCISE,
            "wrong",
            [
                f"Your function changed {what} in place (p -= lr * g, or params[name] = ...).",
                (
                    "The contract here: leave params untouched and return a new dict, "
                    "{name: params[name] - lr * grads[name] for name in params}, so the caller still has the "
                    "old values (to compare, or to retry with a smaller η)."
                ),
            ],
            mistake="updated in place",
        )
    if not isinstance(answer, dict):
        return Feedback(
            EXERCISE,
            "wrong",
            [f"sgd_step should return a dict of the five updated parameters, got {type(answer).__name__}."],
        )
    missing = [name for name in PARAM_NAMES if name not in answer]
    if missing:
        return Feedback(
            EXERCISE,
            "wrong",
            [f"The returned dict has no {', '.join(missing)}: every parameter needs its update."],
            mistake="forgot a parameter",
        )

    results = {}
    for name in PARAM_NAMES:
        p, g = originals[name], grads[name]
        known = {
            "gradient ascent": (p + LR * g, "Step against the gradient: p − lr·g, not p + lr·g."),
            "forgot a parameter": (p, f"{name} is returned unchanged: it was not updated."),
            "lr applied twice": (p - LR * LR * g, "The step is lr²·g: the learning rate is multiplied in twice."),
            "step applied twice": (p - 2 * LR * g, "The step is 2·lr·g: the update is applied twice."),
        }
        results[name] = diagnose(EXERCISE, answer[name], expected[name], name=name, known_mistakes=known)
    wrong = {name: r for name, r in results.items() if not r.passed}
    if not wrong:
        return Feedback(EXERCISE, "correct")

    mistakes = {r.mistake for r in wrong.values()}
    if mistakes == {"forgot a parameter"}:
        names = ", ".join(wrong)
        return Feedback(
            EXERCISE,
            "wrong",
            [f"{names} {'is' if len(wrong) == 1 else 'are'} returned unchanged: the other parameters are right."],
            mistake="forgot a parameter",
        )
    if len(mistakes) == 1 and None not in mistakes:
        first = next(iter(wrong.values()))
        where = "every parameter" if len(wrong) == len(PARAM_NAMES) else ", ".join(wrong)
        return Feedback(EXERCISE, "wrong", [f"In {where}: {first.messages[1]}"], mistake=first.mistake)
    msgs = []
    for name, r in wrong.items():
        msgs.append(f"{name}: " + " ".join(r.messages))
    return Feedback(EXERCISE, "wrong", msgs)
