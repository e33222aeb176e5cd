"""Checker for notebook 02's exercise: a step-weighted loss over a batch and its gradient.

The learner writes ``weighted_loss_and_grad(y_hat, y, w)`` for a batch stored time-major, y_hat and y of shape
(T, B, O), with one fixed weight w_t ≥ 0 per step, w of shape (T,):

    L_w = ½ Σ_t w_t Σ_b ‖ŷ_{t,b} − y_{t,b}‖²,        δ^y_{t,b} = ∂L_w/∂ŷ_{t,b} = w_t (ŷ_{t,b} − y_{t,b}).

It returns ``(loss, dy)``: a number and an array shaped like ``y_hat``.  With every w_t = 1 this is the problem's
loss ½ Σ_t ‖ŷ_t − y_t‖² (summed over the batch) and dy = ŷ − y.  :func:`check_weighted_loss_and_grad` runs it on
data of its own and judges the two values separately, recognising the classic mistakes: the sign (y − ŷ), a missing
½, a mean instead of a sum, only the last step, a gradient of the wrong shape, the weight left out of dy, the weight
squared, and a weight vector that does not broadcast over (T, B, O); and the next ones a learner makes: the ½ kept in
dy, a loss left per step (T,) or per sequence (B,) instead of one number, ‖ŷ − y‖ where its square belongs, and a
division by B (a mean over the batch), by T (a mean over the steps) or by Σ_t w_t (weights normalised), and a float32
result.
"""

from __future__ import annotations

import numpy as np

from ..i18n import N_, tr
from ._feedback import (
    FLOAT32,
    Feedback,
    combine,
    confirmed,
    diagnose,
    guarded,
    name_shape_mistake,
    numpy_said,
    read_only,
    run_learner,
    split_pair,
)

__all__ = ["FLOAT32", "check_weighted_loss_and_grad", "weighted_loss_and_grad"]

EXERCISE = "weighted_loss_and_grad"

# Mistake names, shared by the loss and the gradient so one bug gets one name.
SIGN = N_("sign flipped (y − ŷ)")
MISSING_HALF = N_("missing ½")
MEAN = N_("mean instead of sum")
LAST_STEP = N_("only the last step")
WRONG_SHAPE = N_("wrong shape")
NO_WEIGHT = N_("weight w_t left out")
WEIGHT_SQUARED = N_("weight squared (w_t inside the square)")
HALF_IN_GRAD = N_("½ kept in the gradient")
PER_STEP = N_("loss left per step (not summed over t)")
PER_SEQUENCE = N_("loss left per sequence (not summed over the batch)")
NORM = N_("‖ŷ − y‖ instead of ‖ŷ − y‖²")
BATCH_MEAN = N_("divided by B (mean over the batch)")
STEP_MEAN = N_("divided by T (mean over the steps)")
NORMALISED = N_("weights normalised (divided by Σ_t w_t)")


def _data():
    """Seeded data, T = 5 steps, B = 4 sequences, O = 3 outputs (all different), and distinct weights w_t ≠ 1."""
    rng = np.random.default_rng(2024)
    y_hat = rng.standard_normal((5, 4, 3))
    y = rng.standard_normal((5, 4, 3))
    w = np.array([0.5, 2.0, 0.25, 1.5, 3.0])  # distinct, none 1: a missing or squared weight cannot hide
    return y_hat, y, w


def weighted_loss_and_grad(y_hat, y, w):
    """Reference solution. y_hat, y (T, B, O), w (T,).  Returns (L_w, dy): a float and (T, B, O)."""
    diff = y_hat - y
    w_b = w[:, None, None]  # (T, 1, 1): one weight per step, the same for every sequence and output
    return 0.5 * float(np.sum(w_b * diff**2)), w_b * diff


@guarded(EXERCISE)
def check_weighted_loss_and_grad(fn) -> Feedback:
    """Check ``fn(y_hat, y, w) -> (loss, dy)`` for y_hat, y of shape (T, B, O) and w of shape (T,)."""
    y_hat, y, w = _data()
    T, B, O = y_hat.shape

    def broadcast_advice(err):  # numpy could not broadcast w against (T, B, O): explain it
        if not (isinstance(err, ValueError) and "broadcast" in str(err)):
            return None
        return Feedback(
            EXERCISE,
            "wrong",
            [
                tr("The weights w_t do not line up with the steps: w has shape (T,), the errors ŷ_t − y_t (T, B, O)."),
                tr(
                    "numpy aligns shapes from the LAST axis, so w * diff pairs w with the outputs. Give w the "
                    "axes it lacks: w[:, None, None] is (T, 1, 1), one weight per step."
                ),
                numpy_said(err),
            ],
        )

    result, not_written = run_learner(EXERCISE, fn, *map(read_only, (y_hat, y, w)), explain=broadcast_advice)
    if not_written:
        return not_written
    bad_return = split_pair(EXERCISE, result, ("loss", "dy"))
    if bad_return:
        return bad_return
    loss, dy = result

    diff = y_hat - y
    w_b = w[:, None, None]
    L, grad = weighted_loss_and_grad(y_hat, y, w)
    last = np.zeros_like(diff)
    last[-1] = grad[-1]

    loss_mistakes = {
        MISSING_HALF: (2 * L, tr("The ½ in L = ½ Σ w_t‖ŷ_t − y_t‖² is part of the definition: ∂L/∂ŷ has no factor 2.")),
        MEAN: (L / (T * B * O), tr("L sums over every step, sequence and output: use np.sum, not np.mean.")),
        LAST_STEP: (
            0.5 * w[-1] * float(np.sum(diff[-1] ** 2)),
            tr("Every step with w_t > 0 is scored: sum over all T steps, not only the last."),
        ),
        NO_WEIGHT: (
            0.5 * float(np.sum(diff**2)),
            tr("Step t's term is multiplied by w_t: L_w = ½ Σ_t w_t ‖ŷ_t − y_t‖²."),
        ),
        WEIGHT_SQUARED: (
            0.5 * float(np.sum((w_b * diff) ** 2)),
            tr("w_t multiplies the squared error, ½ w_t ‖ŷ_t − y_t‖², not the error inside the square."),
        ),
        NORM: (
            0.5 * float(np.sum(w * np.sqrt(np.sum(diff**2, axis=2)).sum(axis=1))),
            tr("The loss squares the length of each error vector: ‖ŷ − y‖² = Σ_j (ŷ_j − y_j)², no square root."),
        ),
        BATCH_MEAN: (
            L / B,
            tr(
                "L_w sums over the sequences of the batch too: no division by B (a mean per sequence is a "
                "choice made later, in training, not part of this loss)."
            ),
        ),
    }
    loss_mistakes[STEP_MEAN] = (
        L / T,
        tr("L_w sums over the steps: each step's term counts once, weighted by w_t, and nothing is divided by T."),
    )
    loss_mistakes[NORMALISED] = (
        L / float(np.sum(w)),
        tr(
            "The weights are used as given: L_w = ½ Σ_t w_t ‖ŷ_t − y_t‖², no division by Σ_t w_t (a weighted mean "
            "is another loss, with another gradient)."
        ),
    )
    per_step = 0.5 * np.sum(w_b * diff**2, axis=(1, 2))
    per_sequence = 0.5 * np.sum(w_b * diff**2, axis=(0, 2))
    one_number = tr("L is one number for the whole batch: sum over the steps, sequences and outputs.")
    loss_shape_mistakes = [
        (PER_STEP, per_step, tr("Your loss has one entry per step; {one_number}").format(one_number=one_number)),
        (
            PER_SEQUENCE,
            per_sequence,
            tr("Your loss has one entry per sequence; {one_number}").format(one_number=one_number),
        ),
    ]
    grad_mistakes = {
        SIGN: (-grad, tr("∂/∂ŷ of ½ w (ŷ − y)² is +w (ŷ − y): the prediction comes first.")),
        MISSING_HALF: (2 * grad, tr("The 2 from the square cancels the ½: ∂L/∂ŷ is w_t (ŷ − y), not 2 w_t (ŷ − y).")),
        MEAN: (grad / (T * B * O), tr("With L a sum, nothing is divided by T·B·O.")),
        LAST_STEP: (last, tr("Each step's prediction has its own error: dy has a non-zero row for every step.")),
        NO_WEIGHT: (
            diff,
            tr("w_t is a constant factor of step t's term, so it stays in the derivative: w_t (ŷ_t − y_t)."),
        ),
        WEIGHT_SQUARED: (
            w_b**2 * diff,
            tr("With w_t outside the square the chain rule gives w_t once: δ^y_t = w_t (ŷ_t − y_t), not w_t²."),
        ),
        HALF_IN_GRAD: (
            0.5 * grad,
            tr("The ½ belongs to the loss only: d/du ½u² = u, so the 2 of the square cancels it in dy."),
        ),
        BATCH_MEAN: (grad / B, tr("With L_w a sum over the batch, dy is not divided by B.")),
        STEP_MEAN: (grad / T, tr("With L_w a sum over the steps, dy is not divided by T: δ^y_t = w_t (ŷ_t − y_t).")),
        NORMALISED: (
            grad / float(np.sum(w)),
            tr("The weights are used as given: δ^y_t = w_t (ŷ_t − y_t), no division by Σ_t w_t."),
        ),
        NORM: (
            w_b * diff / np.sqrt(np.sum(diff**2, axis=2, keepdims=True)),
            tr("The loss squares ‖ŷ − y‖, so its gradient is w_t (ŷ_t − y_t), not the unit vector of the error."),
        ),
    }

    loss_fb = diagnose(
        EXERCISE,
        loss,
        L,
        name="loss",
        known_mistakes=loss_mistakes,
        sign_advice=tr("a loss of squares is never negative: L_w = +½ Σ_t w_t ‖ŷ_t − y_t‖²."),
        float64=True,
    )
    loss_fb = name_shape_mistake(loss_fb, loss, loss_shape_mistakes)
    if loss_fb.status == "wrong" and loss_fb.mistake is None and np.ndim(loss) != 0 and np.size(loss) > 1:
        loss_fb.messages.append(one_number)

    grad_fb = diagnose(
        EXERCISE,
        dy,
        grad,
        name="dy",
        known_mistakes=grad_mistakes,
        time_axis=0,
        sign_advice=tr(
            "δ^y_t = w_t (ŷ_t − y_t), prediction minus target: differentiating ½(ŷ − y)² with respect "
            "to ŷ gives +(ŷ − y)."
        ),
        float64=True,
    )
    if dy is not None and np.shape(dy) != grad.shape:
        grad_fb.mistake = WRONG_SHAPE
        grad_fb.messages.append(
            tr("dy = ∂L/∂ŷ has one entry per entry of ŷ: the same shape (T, B, O) as y_hat, no reshape or sum.")
        )
    fb = combine(EXERCISE, {"loss": loss_fb, "dy": grad_fb})
    return confirmed(fb, EXERCISE, fn, (y_hat, y, w), result)
