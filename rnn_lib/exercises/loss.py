"""Checker for notebook 02's exercise: the loss L = ½ Σ_t ‖ŷ_t − y_t‖² and its gradient δ^y = ŷ − y.

The learner writes ``loss_and_grad(y_hat, y)`` returning ``(loss, dy)``: a number and an
array shaped like ``y_hat`` (T, O).  :func:`check_loss_and_grad` runs it on data of its own
and judges the two values separately, recognising the classic mistakes: the sign (y − ŷ),
a missing ½, a mean instead of a sum, only the last step, and a gradient of the wrong shape.
"""

from __future__ import annotations

import numpy as np

from ._feedback import Feedback, combine, diagnose, run_learner, split_pair

EXERCISE = "loss_and_grad"

# Mistake names, shared by the loss and the gradient so one bug gets one name.
SIGN = "sign flipped (y − ŷ)"
MISSING_HALF = "missing ½"
MEAN = "mean instead of sum"
LAST_STEP = "only the last step"
WRONG_SHAPE = "wrong shape"


def _data():
    """Seeded predictions and targets with T = 5 steps and O = 3 outputs (so 1/T, 1/O, 1/(T·O) differ)."""
    rng = np.random.default_rng(2024)
    y_hat = rng.standard_normal((5, 3))
    y = rng.standard_normal((5, 3))
    return y_hat, y


def check_loss_and_grad(fn) -> Feedback:
    """Check ``fn(y_hat, y) -> (loss, dy)`` for y_hat, y of shape (T, O).

    loss must be ½ Σ_t Σ_j (ŷ_{t,j} − y_{t,j})², a number; dy must be ŷ − y, shape (T, O).
    """
    y_hat, y = _data()
    T, O = y_hat.shape
    result, not_written = run_learner(EXERCISE, fn, y_hat.copy(), y.copy())
    if not_written:
        return not_written
    bad_return = split_pair(EXERCISE, result, ("loss", "dy"))
    if bad_return:
        return bad_return
    loss, dy = result

    diff = y_hat - y
    L = 0.5 * float(np.sum(diff**2))
    last = np.zeros_like(diff)
    last[-1] = diff[-1]

    loss_mistakes = {
        MISSING_HALF: (2 * L, "The ½ in L = ½ Σ‖ŷ_t − y_t‖² is part of the definition: it makes ∂L/∂ŷ exactly ŷ − y."),
        MEAN: (L / (T * O), "L sums over every step and output: use np.sum, not np.mean."),
        LAST_STEP: (
            0.5 * float(np.sum(diff[-1] ** 2)),
            "Every step is scored: sum over all T steps, not only the last.",
        ),
    }
    grad_mistakes = {
        SIGN: (-diff, "∂/∂ŷ of ½(ŷ − y)² is +(ŷ − y): the prediction comes first."),
        MISSING_HALF: (2 * diff, "The 2 from the square cancels the ½: ∂L/∂ŷ is ŷ − y, not 2(ŷ − y)."),
        MEAN: (diff / (T * O), "With L a sum, nothing is divided by T·O: dy is just ŷ − y."),
        LAST_STEP: (last, "Each step's prediction has its own error: dy has a non-zero row for every step."),
    }

    loss_fb = diagnose(EXERCISE, loss, L, name="loss", known_mistakes=loss_mistakes)
    if loss_fb.status == "wrong" and np.ndim(loss) != 0 and np.size(loss) > 1:
        loss_fb.messages.append("L is one number for the whole sequence: sum over both the steps and the outputs.")

    grad_fb = diagnose(EXERCISE, dy, diff, name="dy", known_mistakes=grad_mistakes, time_axis=0)
    if dy is not None and np.shape(dy) != diff.shape:
        grad_fb.mistake = WRONG_SHAPE
        grad_fb.messages.append(
            "dy = ∂L/∂ŷ has one entry per entry of ŷ: the same shape (T, O) as y_hat, no reshape or sum."
        )
    return combine(EXERCISE, {"loss": loss_fb, "dy": grad_fb})
