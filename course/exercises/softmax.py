"""Checker for notebook 16's exercise: softmax cross-entropy over a batch, and its gradient.

The learner writes ``softmax_cross_entropy(logits, targets)`` for logits (T, B, V) and integer targets (T, B):

    loss    = −Σ_t Σ_b log softmax(z_{t,b})[y_{t,b}]        (natural log, summed)
    dlogits = softmax(z) − onehot(y)                         (shape (T, B, V))

:func:`check_softmax_cross_entropy` runs it twice on data of its own.  First on moderate logits, where the
formula alone decides, recognising: a mean instead of a sum, the log in base 2, the minus sign forgotten, the
one-hot off by one class, softmax taken over the wrong axis, the gradient's sign, the −1 of the one-hot left
out, the gradient with respect to p instead of z, a loss or gradient divided by T or by B, a ½, log p summed over
every class, binary cross-entropy, log p indexed with [..., targets], the loss rounded, the gradient at the target
only, an extra p(1 − p), log p − onehot, and (dlogits, loss) returned in that order.  Then on logits of size 1000, where only a stable
computation survives: exp overflowing without the max shift, and log(softmax) taken after softmax underflowed
to 0, are named, and so is a shift by the one largest logit of the whole array (a row far below it underflows
to 0/0).  The inputs are passed read-only, so a write into one is named too, and an answer computed in float32
(dlogits is a gradient).
"""

from __future__ import annotations

import warnings

import numpy as np

from rnn_lib.losses import softmax_cross_entropy

from ..i18n import N_, tr
from ._feedback import (
    Feedback,
    combine,
    confirmed,
    diagnose,
    guarded,
    has_nan_or_inf,
    read_only,
    run_learner,
    split_pair,
)

EXERCISE = "softmax_cross_entropy"

MEAN = N_("mean instead of sum")
LOG2 = N_("log in base 2")
NO_MINUS = N_("minus sign forgotten")
OFF_BY_ONE = N_("one-hot off by one")
WRONG_AXIS = N_("softmax over the wrong axis")
SIGN = N_("gradient sign flipped")
NO_ONEHOT = N_("one-hot left out of the gradient")
DL_DP = N_("gradient with respect to p, not z")
NO_SHIFT = N_("no max shift")
NAIVE_LOG = N_("log of softmax computed naively")
SHIFT_AXIS_0 = N_("max shift over axis 0")
MAX_NOT_ADDED = N_("max not added back in log-sum-exp")
DIV_T = N_("divided by T")
DIV_B = N_("divided by B")
HALF = N_("a ½ in the loss")
ALL_CLASSES = N_("log p summed over every class")
BINARY = N_("binary cross-entropy over every class")
ROUNDED = N_("loss rounded to a whole number")
TARGET_ONLY = N_("gradient at the target class only")
EXTRA_JACOBIAN = N_("an extra factor p(1 − p) in the gradient")
LOG_P_GRAD = N_("log p − onehot")
SWAPPED = N_("returned (dlogits, loss)")
FANCY_INDEX = N_("log p indexed with [..., targets]")
GLOBAL_MAX = N_("one max shift for the whole array")


def moderate_data():
    """T = 4 steps, B = 3 sequences, V = 5 classes, logits ~ N(0, 2²): every formula slip shows, nothing overflows.

    The last class, 4, is never a target: V must be read from the logits (a V taken as targets.max() + 1 is 4).
    """
    rng = np.random.default_rng(16)
    logits = 2.0 * rng.standard_normal((4, 3, 5))
    targets = rng.integers(0, 4, size=(4, 3))
    return logits, targets


def extreme_data():
    """Logits of size 1000 (exp overflows) and a target 800 below the best class (its softmax underflows to 0).

    Shape (T, B, V) = (2, 2, 4).  The exact loss is finite, about 806.5.
    """
    logits = np.array(
        [
            [[1000.0, 998.0, 0.0, -5.0], [3.0, -800.0, 1.0, 0.0]],
            [[-1000.0, -1001.0, -999.0, -1002.0], [0.5, 0.0, -0.5, 1.0]],
        ]
    )
    targets = np.array([[1, 1], [2, 3]])
    return logits, targets


def _softmax(z, axis=-1):
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _loss_of(p, y):
    return -float(np.sum(np.log(np.take_along_axis(p, y[..., None], axis=-1))))


def _run(fn, logits, targets):
    """The learner's answer on read-only copies (`logits -= logits.max(...)` is named INPUT_WRITTEN), numpy's
    warnings silenced (overflow is what some answers are judged on)."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        return run_learner(EXERCISE, fn, read_only(logits), read_only(targets))


def _same_numbers_and_holes(answer, value) -> bool:
    """True when ``answer`` has the NaN and inf of ``value`` where it has them, and its numbers elsewhere."""
    arr = np.asarray(answer, dtype=np.float64)
    if arr.shape != value.shape or not np.array_equal(np.isfinite(arr), np.isfinite(value)):
        return False
    finite = np.isfinite(value)
    return bool(np.allclose(arr[finite], value[finite], rtol=1e-7, atol=1e-12))


def _not_finite(value) -> bool:
    """True when the answer is made of real numbers, some of them NaN or inf (other faults: diagnose names them)."""
    return has_nan_or_inf(value)


def _formula_feedback(loss, dlogits, logits, targets) -> Feedback:
    """Judge the two values on moderate logits, naming the known slips."""
    T, B, V = logits.shape
    L, grad = softmax_cross_entropy(logits, targets)
    p = _softmax(logits)
    onehot = np.eye(V)[targets]
    shifted = (targets + 1) % V
    loss_mistakes = {
        MEAN: (L / (T * B), tr("L sums −log p over every step and sequence: use np.sum, not np.mean.")),
        LOG2: (L / np.log(2), tr("Use the natural log, np.log: the course measures the loss in nats.")),
        NO_MINUS: (-L, tr("log p ≤ 0, so the loss −Σ log p is ≥ 0: keep the minus sign.")),
        OFF_BY_ONE: (
            _loss_of(p, shifted),
            tr("Pick the probability of class y itself, index targets, not targets + 1."),
        ),
        WRONG_AXIS: (
            _loss_of(_softmax(logits, axis=0), targets),
            tr("Softmax normalises over the V classes: axis=-1."),
        ),
        SHIFT_AXIS_0: (
            _loss_of(_softmax(logits - logits.max(axis=0, keepdims=True)), targets),
            tr(
                "The shift must be the same for all V classes of one (t, b): subtract z.max(axis=-1, "
                "keepdims=True); the max over axis 0 (the steps) is a different number for each class, and "
                "changes the softmax."
            ),
        ),
        MAX_NOT_ADDED: (
            L - float(np.sum(logits.max(axis=-1))),
            tr("log Σ_j exp(z_j) = m + log Σ_j exp(z_j − m): add the max m back (or subtract it from z_y too)."),
        ),
        DIV_T: (L / T, tr("L sums over the T steps and the B sequences: divide by nothing.")),
        DIV_B: (L / B, tr("L sums over the T steps and the B sequences: divide by nothing.")),
        HALF: (
            L / 2,
            tr("The ½ belongs to the squared error, ½ Σ ‖ŷ − y‖²; cross-entropy is −Σ log p[target], with no ½."),
        ),
        ALL_CLASSES: (
            -float(np.sum(np.log(p))),
            tr(
                "Only the target's probability counts: pick log p[target] at each (t, b), e.g. "
                "np.take_along_axis(log_p, targets[..., None], axis=-1), not the sum over all V classes."
            ),
        ),
        BINARY: (
            -float(np.sum(onehot * np.log(p) + (1 - onehot) * np.log(1 - p))),
            tr(
                "−Σ [y log p + (1 − y) log(1 − p)] is the loss of V separate yes/no outputs; with one "
                "softmax over V classes the loss is −log p[target] alone."
            ),
        ),
        FANCY_INDEX: (
            -float(np.sum(np.log(p)[..., targets])),
            tr(
                "log_p[..., targets] (or log_p[:, :, targets]) pairs every (t, b) with every target, a (T, B, "
                "T, B) array. Pick one entry per (t, b): np.take_along_axis(log_p, targets[..., None], "
                "axis=-1)."
            ),
        ),
        ROUNDED: (
            float(int(L)),
            tr("int(...) or // cut off the fraction: return the loss as a float, float(np.sum(...))."),
        ),
    }
    grad_mistakes = {
        SIGN: (-grad, tr("∂L/∂z = p − onehot: prediction minus target, as ŷ − y for the squared error.")),
        NO_ONEHOT: (p, tr("The −1 at the target class is missing: subtract onehot(y) from p.")),
        OFF_BY_ONE: (p - np.eye(V)[shifted], tr("The −1 sits one class too far: onehot(y) is row y of np.eye(V).")),
        WRONG_AXIS: (_softmax(logits, axis=0) - onehot, tr("Softmax normalises over the V classes: axis=-1.")),
        MEAN: (grad / (T * B), tr("With L a sum, nothing is divided by T·B.")),
        SHIFT_AXIS_0: (
            _softmax(logits - logits.max(axis=0, keepdims=True)) - onehot,
            tr("The shift must be the same for all V classes of one (t, b): subtract z.max(axis=-1, keepdims=True)."),
        ),
        DL_DP: (
            -onehot / np.take_along_axis(p, targets[..., None], axis=-1),
            tr("That is ∂L/∂p (−1/p_y at the target). Chain it through the softmax Jacobian: ∂L/∂z = p − onehot."),
        ),
        DIV_T: (grad / T, tr("With L a sum, nothing is divided: ∂L/∂z = p − onehot at every (t, b).")),
        DIV_B: (grad / B, tr("With L a sum, nothing is divided: ∂L/∂z = p − onehot at every (t, b).")),
        TARGET_ONLY: (
            np.where(onehot > 0, p - 1, 0.0),
            tr(
                "Every class's logit moves the loss, through the normalisation: ∂L/∂z_j = p_j − [j = target], "
                "so the classes that are not the target get p_j, not 0."
            ),
        ),
        EXTRA_JACOBIAN: (
            p * (1 - p) * grad,
            tr(
                "p − onehot is already the gradient with respect to the logits z: the softmax's Jacobian is "
                "in it. Multiplying by p(1 − p) applies it a second time."
            ),
        ),
        LOG_P_GRAD: (
            np.log(p) - onehot,
            tr("∂L/∂z = p − onehot with the probabilities p = softmax(z) themselves, not log p."),
        ),
    }
    loss_fb = diagnose(EXERCISE, loss, L, name="loss", known_mistakes=loss_mistakes, float64=True)
    if not loss_fb.passed and np.size(loss) > 1:
        loss_fb.messages.append(tr("The loss is one number: sum over steps and sequences."))
    grad_fb = diagnose(EXERCISE, dlogits, grad, name="dlogits", known_mistakes=grad_mistakes, time_axis=0, float64=True)
    return combine(EXERCISE, {"loss": loss_fb, "dlogits": grad_fb})


def _stability_feedback(loss, dlogits) -> Feedback:
    """Judge the answer on logits of size 1000, after the formula was found right."""
    logits, targets = extreme_data()
    L, grad = softmax_cross_entropy(logits, targets)
    with np.errstate(all="ignore"):
        global_shift = np.exp(logits - logits.max())
        global_shift = global_shift / global_shift.sum(axis=-1, keepdims=True) - np.eye(logits.shape[-1])[targets]
    if _not_finite(dlogits) and _same_numbers_and_holes(dlogits, global_shift):
        return Feedback(
            EXERCISE,
            "wrong",
            [
                tr("The mistake '{mistake}':").format(mistake=tr(GLOBAL_MAX)),
                tr(
                    "Right on moderate logits, but on logits of size 1000 dlogits holds NaN: the shift was the "
                    "largest logit of the whole array (z.max()), so a row whose logits are all near −1000 has "
                    "exp(z − max) = 0 in every class, and 0/0."
                ),
                tr(
                    "Subtract each row's own maximum, z.max(axis=-1, keepdims=True): then every row's largest "
                    "exponent is exp(0) = 1."
                ),
            ],
            GLOBAL_MAX,
        )
    if _not_finite(dlogits):
        return Feedback(
            EXERCISE,
            "wrong",
            [
                tr("The mistake '{mistake}':").format(mistake=tr(NO_SHIFT)),
                tr(
                    "Right on moderate logits, but on logits of size 1000 dlogits holds NaN or inf: exp(1000) "
                    "overflows."
                ),
                tr(
                    "Subtract each row's maximum before exp: softmax(z) = softmax(z − max z), and every "
                    "exponent is ≤ 0."
                ),
            ],
            NO_SHIFT,
        )
    grad_fb = diagnose(EXERCISE, dlogits, grad, name="dlogits", time_axis=0)
    if not grad_fb.passed:
        return Feedback(
            EXERCISE, "wrong", [tr("Right on moderate logits, but not on logits of size 1000:"), *grad_fb.messages]
        )
    if _not_finite(loss) or not diagnose(EXERCISE, loss, L, name="loss").passed:
        return Feedback(
            EXERCISE,
            "wrong",
            [
                tr("The mistake '{mistake}':").format(mistake=tr(NAIVE_LOG)),
                tr(
                    "dlogits is right even for logits of size 1000, but the loss is not (expected {l:.4f}): a "
                    "target 800 below the best class has softmax exactly 0.0 in float64, and log(0) = −inf (or "
                    "a clipped log gives a wrong finite number)."
                ).format(l=L),
                tr("Compute log p without p: log softmax(z)_y = (z_y − m) − log Σ_j exp(z_j − m), m = max z."),
            ],
            NAIVE_LOG,
        )
    return Feedback(EXERCISE, "correct")


@guarded(EXERCISE)
def check_softmax_cross_entropy(fn) -> Feedback:
    """Check ``fn(logits, targets) -> (loss, dlogits)`` for logits (T, B, V) and integer targets (T, B)."""
    if not callable(fn):
        return Feedback(
            EXERCISE, "wrong", [tr("Pass your function itself, got {name}.").format(name=type(fn).__name__)]
        )
    logits, targets = moderate_data()
    result, not_written = _run(fn, logits, targets)
    if not_written:
        return not_written
    bad_return = split_pair(EXERCISE, result, ("loss", "dlogits"))
    if bad_return:
        return bad_return
    if np.ndim(result[0]) == logits.ndim and np.ndim(result[1]) == 0:
        return Feedback(
            EXERCISE,
            "wrong",
            [
                tr(
                    "The mistake '{swapped}': the first value you returned is an array like the logits and the "
                    "second a single number. Return the loss first: `return loss, dlogits`."
                ).format(swapped=tr(SWAPPED))
            ],
            SWAPPED,
        )
    fb = confirmed(_formula_feedback(*result, logits, targets), EXERCISE, fn, (logits, targets), result)
    if not fb.passed:
        return fb
    result, _ = _run(fn, *extreme_data())
    if split_pair(EXERCISE, result, ("loss", "dlogits")):
        return Feedback(EXERCISE, "wrong", [tr("On logits of size 1000 the function did not return (loss, dlogits).")])
    fb = _stability_feedback(*result)
    return confirmed(fb, EXERCISE, fn, extreme_data(), result)
