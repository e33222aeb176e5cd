"""Checker for notebook 17's exercise: one Adam step, written as a function of arrays.

The learner writes ``adam_step(p, g, m, v, t, lr, beta1, beta2, eps) -> (p_new, m_new, v_new)``, t = 1, 2, …
the number of this step (counted from 1, as in the maths), returning new arrays and changing none of its inputs:

    m_new = β1 m + (1 − β1) g,      v_new = β2 v + (1 − β2) g²
    p_new = p − lr · m̂ / (√v̂ + ε),  m̂ = m_new / (1 − β1^t),  v̂ = v_new / (1 − β2^t)

:func:`check_adam_step` runs it on a first step (t = 1, m = v = 0) and on a later one (t = 3), with ε large and
some gradients small so that where ε goes shows, and β1 ≠ β2 so that swapping them shows.  It names: no bias
correction (or on m or v only), ε inside the square root, ε added before correcting v, t counted from 0, β1 and
β2 swapped, v averaging g instead of g², β and 1 − β exchanged in the averages, a step uphill, the state not
updated, inputs written into (passed read-only), m̂ and v̂ returned as the state, ε outside the fraction, no square root, t taken
as 1, g for m̂, β1 in both corrections, an lr or ε of one's own, the three values in another order, √v / (1 − β2^t),
and two slips that give the right step at t = 1 only: β·t for β^t and (1 − β)^t for 1 − β^t.
"""

from __future__ import annotations

import itertools
import warnings

import numpy as np

from ..i18n import N_, tr
from ._feedback import (
    Feedback,
    as_real_array,
    combine,
    confirmed,
    diagnose,
    guarded,
    has_nan_or_inf,
    matches,
    read_only,
    run_learner,
)

EXERCISE = "adam_step"
LR, BETA1, BETA2, EPS = 0.1, 0.8, 0.95, 1e-3  # ε large, β1 ≠ β2 and far from 1: every slip changes the numbers

NO_CORRECTION = N_("no bias correction")
ONLY_M = N_("bias correction on m only")
ONLY_V = N_("bias correction on v only")
EPS_INSIDE = N_("ε inside the square root")
EPS_BEFORE = N_("ε added before correcting v")
T_FROM_0 = N_("t counted from 0")
SWAPPED = N_("β1 and β2 swapped")
V_OF_G = N_("v averages g, not g²")
WEIGHTS = N_("β and 1 − β exchanged")
UPHILL = N_("step uphill (+ instead of −)")
STALE = N_("state not updated")
OLD_STATE = N_("the step uses the old m and v")
T_PLUS_1 = N_("t + 1 in the corrections")
MULTIPLIED = N_("multiplied by the correction instead of divided")
EPS_SQUARED = N_("√(v̂ + ε²) instead of √v̂ + ε")
AMSGRAD = N_("AMSGrad's max(v, v_new)")
ABS_G = N_("v averages |g|, not g²")
HAT_RETURNED = N_("m̂ and v̂ returned as the new state")
EPS_OUTSIDE = N_("ε added to p, outside the fraction")
NO_SQRT = N_("v̂ without its square root")
T_IS_1 = N_("t taken as 1 at every step")
G_NOT_M = N_("g where m̂ belongs")
BETA1_IN_BOTH = N_("1 − β1^t in both corrections")
DEFAULT_EPS = N_("ε of your own (1e-8), not the argument")
DEFAULT_LR = N_("lr of your own (0.001), not the argument")
ORDER = N_("returned in another order")
BETA_TIMES_T = N_("β·t instead of β^t")
POWER_OF_1_MINUS = N_("(1 − β)^t instead of 1 − β^t")
CORRECTION_OUTSIDE_SQRT = N_("√v / (1 − β2^t): the correction outside the square root")


def cases():
    """Two calls: ``(p, g, m, v, t)`` for a first step from zero state and for a third step."""
    rng = np.random.default_rng(17)
    p = rng.standard_normal((3, 4))
    g = rng.standard_normal((3, 4)) * np.array([1.0, 0.1, 0.01, 0.001])  # columns of different size: ε matters
    zero = np.zeros((3, 4))
    m = 0.5 * rng.standard_normal((3, 4))
    v = rng.uniform(0.001, 0.5, size=(3, 4))
    return [(p, g, zero, zero, 1), (p, g, m, v, 3)]


def _reference(p, g, m, v, t, *, beta1=BETA1, beta2=BETA2, correct_m=True, correct_v=True, eps_inside=False,
               eps_before=False, t_shift=0, v_of_g=False, weights_swapped=False, sign=-1, old_state=False,
               multiplied=False, eps_squared=False, amsgrad=False, abs_g=False, hat_returned=False,
               eps_outside=False, no_sqrt=False, g_not_m=False, beta1_in_both=False, eps=EPS, lr=LR,
               beta_times_t=False, power_of_1_minus=False, correction_outside_sqrt=False):  # fmt: skip
    """The right step, or (with a flag) one of the classic wrong ones."""
    a1, a2 = (1 - beta1, 1 - beta2) if not weights_swapped else (beta1, beta2)
    b1, b2 = (beta1, beta2) if not weights_swapped else (1 - beta1, 1 - beta2)
    m_new = b1 * m + a1 * g
    v_new = b2 * v + a2 * (g if v_of_g else np.abs(g) if abs_g else g * g)
    if amsgrad:
        v_new = np.maximum(v, v_new)
    m_used, v_used = (m, v) if old_state else (m_new, v_new)
    s = t + t_shift
    c1 = 1 - beta1**s if correct_m else 1.0
    c2 = 1 - (beta1 if beta1_in_both else beta2) ** s if correct_v else 1.0
    if beta_times_t:  # the same as β^t at t = 1: only a later step tells them apart
        c1, c2 = 1 - beta1 * s, 1 - beta2 * s
    if power_of_1_minus:  # the same at t = 1 too
        c1, c2 = (1 - beta1) ** s, (1 - beta2) ** s
    if multiplied:
        c1, c2 = 1 / c1, 1 / c2
    if eps_inside:
        denom = np.sqrt(v_used / c2 + eps)
    elif eps_squared:
        denom = np.sqrt(v_used / c2 + eps**2)
    elif eps_before:
        denom = (np.sqrt(v_used) + eps) / np.sqrt(c2)
    elif eps_outside:
        denom = np.sqrt(v_used / c2)
    elif no_sqrt:
        denom = v_used / c2 + eps
    elif correction_outside_sqrt:
        denom = np.sqrt(v_used) / c2 + eps
    else:
        denom = np.sqrt(v_used / c2) + eps
    p_new = p + sign * lr * (g if g_not_m else m_used / c1) / denom + (eps if eps_outside else 0.0)
    if hat_returned:
        return p_new, m_new / c1, v_new / c2
    return p_new, m_new, v_new


def _mistakes(p, g, m, v, t):
    """mistake name → ((p_new, m_new, v_new) it gives, advice)."""
    variants = {
        NO_CORRECTION: (
            dict(correct_m=False, correct_v=False),
            tr("Divide m by 1 − β1^t and v by 1 − β2^t: both start at 0 and are too small in the first steps."),
        ),
        ONLY_M: (dict(correct_v=False), tr("v needs its correction too: v̂ = v / (1 − β2^t).")),
        ONLY_V: (dict(correct_m=False), tr("m needs its correction too: m̂ = m / (1 − β1^t).")),
        EPS_INSIDE: (dict(eps_inside=True), tr("ε is added after the square root: √v̂ + ε, not √(v̂ + ε).")),
        EPS_BEFORE: (dict(eps_before=True), tr("Correct v first, then add ε: √(v / (1 − β2^t)) + ε.")),
        T_FROM_0: (
            dict(t_shift=-1),
            tr(
                "t counts the steps from 1: the first step uses 1 − β^1, not 1 − β^0 = 0. Use the t the function "
                "is given (a step counter of your own falls behind it)."
            ),
        ),
        SWAPPED: (dict(beta1=BETA2, beta2=BETA1), tr("β1 goes with m (the gradients), β2 with v (their squares).")),
        V_OF_G: (dict(v_of_g=True), tr("v is the running mean of the squared gradients: (1 − β2) g².")),
        WEIGHTS: (dict(weights_swapped=True), tr("The old value keeps weight β, the new gradient gets 1 − β.")),
        UPHILL: (dict(sign=+1), tr("Step against the gradient: p − lr · m̂ / (√v̂ + ε).")),
        OLD_STATE: (
            dict(old_state=True),
            tr(
                "Update m and v first, then step with the new ones: m̂ and v̂ come from m_new and v_new, "
                "which already hold this step's gradient."
            ),
        ),
        T_PLUS_1: (dict(t_shift=+1), tr("t is already the number of this step, from 1: use β^t, not β^(t + 1).")),
        MULTIPLIED: (
            dict(multiplied=True),
            tr(
                "The correction divides: m̂ = m / (1 − β1^t) is larger than m in the first steps (m starts "
                "at 0), not m · (1 − β1^t)."
            ),
        ),
        EPS_SQUARED: (dict(eps_squared=True), tr("ε is added after the square root: √v̂ + ε, not √(v̂ + ε²).")),
        AMSGRAD: (
            dict(amsgrad=True),
            tr(
                "That is AMSGrad, which keeps the largest v so far. Adam's v is the plain running mean: β2 "
                "v + (1 − β2) g², even when it is smaller than before."
            ),
        ),
        ABS_G: (dict(abs_g=True), tr("v is the running mean of the squared gradients: (1 − β2) g², not |g|.")),
        HAT_RETURNED: (
            dict(hat_returned=True),
            tr(
                "m̂ and v̂ are used for this step only: return the running means themselves, m_new and v_new "
                "(the next step corrects them again, with its own t)."
            ),
        ),
        EPS_OUTSIDE: (
            dict(eps_outside=True),
            tr("ε belongs in the denominator: p − lr · m̂ / (√v̂ + ε), with the parentheses."),
        ),
        NO_SQRT: (dict(no_sqrt=True), tr("Divide by the square root of v̂: m̂ / (√v̂ + ε), np.sqrt(v_hat).")),
        T_IS_1: (
            dict(t_shift=1 - t),  # 1 − β^1 whatever t is (at t = 1 the right answer)
            tr("Use the step number the function is given: 1 − β1^t and 1 − β2^t, with t = 1, 2, 3, …"),
        ),
        G_NOT_M: (
            dict(g_not_m=True),
            tr("Adam steps along the running mean of the gradients: p − lr · m̂ / (√v̂ + ε), m̂ in place of g."),
        ),
        BETA1_IN_BOTH: (
            dict(beta1_in_both=True),
            tr("Each mean has its own correction: m̂ = m / (1 − β1^t), v̂ = v / (1 − β2^t)."),
        ),
        DEFAULT_EPS: (
            dict(eps=1e-8),
            tr(
                "Use the eps the function is given (the checker passes {eps}); a number written in the function "
                "ignores it."
            ).format(eps=EPS),
        ),
        DEFAULT_LR: (
            dict(lr=1e-3),
            tr(
                "Use the lr the function is given (the checker passes {lr}); a number written in the function "
                "ignores it."
            ).format(lr=LR),
        ),
        BETA_TIMES_T: (
            dict(beta_times_t=True),
            tr(
                "The corrections raise β to the power t: 1 − β1**t and 1 − β2**t (`**`, not `*`). At t = 1 "
                "both forms give 1 − β, so only a later step shows the difference."
            ),
        ),
        POWER_OF_1_MINUS: (
            dict(power_of_1_minus=True),
            tr(
                "The correction is 1 − β^t, β raised to the power t and then taken from 1: 1 - beta1**t, not "
                "(1 - beta1)**t. At t = 1 both give 1 − β, so only a later step shows the difference."
            ),
        ),
        CORRECTION_OUTSIDE_SQRT: (
            dict(correction_outside_sqrt=True),
            tr(
                "Correct v before the square root: v̂ = v / (1 − β2^t), then √v̂ + ε; √v / (1 − β2^t) divides "
                "by the correction where its square root belongs."
            ),
        ),
    }
    out = {}
    for name, (flags, advice) in variants.items():
        with np.errstate(all="ignore"):
            out[name] = (_reference(p, g, m, v, t, **flags), advice)
    return out


def _run(fn, p, g, m, v, t):
    # read-only: p, g, m and v stay as they were, so that a failed step can be retried (`m *= beta1` is named)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        return run_learner(EXERCISE, fn, *map(read_only, (p, g, m, v)), t, LR, BETA1, BETA2, EPS)


def _judge(result, p, g, m, v, t) -> Feedback:
    if not isinstance(result, (tuple, list)) or len(result) != 3:
        return Feedback(EXERCISE, "wrong", [tr("Return three arrays: `return p_new, m_new, v_new`.")])
    right = _reference(p, g, m, v, t)
    values = [as_real_array(r)[0] for r in result]
    for order in itertools.permutations(range(3)):
        if order != (0, 1, 2) and all(
            values[i] is not None and matches(values[i], right[k]) for k, i in enumerate(order)
        ):
            names = ("p_new", "m_new", "v_new")
            return Feedback(
                EXERCISE,
                "wrong",
                [
                    tr("The mistake '{order}': your values are right, returned as ({names}).").format(
                        order=tr(ORDER), names=", ".join(names[order.index(k)] for k in range(3))
                    ),
                    tr("Return them in the order the exercise asks: `return p_new, m_new, v_new`."),
                ],
                ORDER,
            )
    p_new, problem = as_real_array(result[0])
    if problem is not None and has_nan_or_inf(result[0]):  # other problems (complex, text, …): diagnose says so
        v_new, _ = as_real_array(result[2])
        if v_new is not None and bool(np.any(v_new < 0)):
            return Feedback(
                EXERCISE,
                "wrong",
                [
                    tr("The mistake '{mistake}':").format(mistake=tr(V_OF_G)),
                    tr("p_new holds NaN and v_new has negative entries: √ of a negative number."),
                    tr("v is the running mean of the squared gradients: (1 − β2) g², never negative."),
                ],
                V_OF_G,
            )
        if t == 1:
            return Feedback(
                EXERCISE,
                "wrong",
                [
                    tr("The mistake '{mistake}':").format(mistake=tr(T_FROM_0)),
                    tr("p_new holds NaN or inf at the first step: a division by 1 − β^0 = 0?"),
                    tr("t counts the steps from 1: the first step divides by 1 − β1¹ and 1 − β2¹."),
                ],
                T_FROM_0,
            )
        with np.errstate(all="ignore"):
            product_p = _reference(p, g, m, v, t, beta_times_t=True)[0]
        answer_p = np.asarray(result[0], dtype=np.float64)
        if answer_p.shape == product_p.shape and np.array_equal(np.isfinite(answer_p), np.isfinite(product_p)):
            # 1 − β2·t < 0 from t = 2 on (β2 > ½): v / (1 − β2·t) is negative, and its square root NaN
            return Feedback(
                EXERCISE,
                "wrong",
                [
                    tr("The mistake '{mistake}':").format(mistake=tr(BETA_TIMES_T)),
                    tr(
                        "p_new holds NaN at step t = {t}, though m_new and v_new may be right: 1 − β2·t = {c:.2f} "
                        "is negative, and so is v divided by it."
                    ).format(t=t, c=1 - BETA2 * t),
                    tr(
                        "The corrections raise β to the power t: 1 − β1**t and 1 − β2**t (`**`, not `*`). At t = 1 "
                        "both forms give 1 − β, so only a later step shows the difference."
                    ),
                ],
                BETA_TIMES_T,
            )
        return Feedback(EXERCISE, "wrong", [tr("p_new holds NaN or inf: a division by zero, or √ of a negative v?")])
    mistakes = _mistakes(p, g, m, v, t)
    parts = {}
    for i, name in enumerate(("p_new", "m_new", "v_new")):
        known = {
            k: (value[i], advice) for k, (value, advice) in mistakes.items() if not np.allclose(value[i], right[i])
        }
        if name != "p_new":
            known[STALE] = (
                (p, m, v)[i],
                tr("{name} is the old value: compute the new running mean.").format(name=name),
            )
        parts[name] = diagnose(EXERCISE, result[i], right[i], name=name, known_mistakes=known, float64=True)
    return combine(EXERCISE, parts)


@guarded(EXERCISE)
def check_adam_step(fn) -> Feedback:
    """Check ``fn(p, g, m, v, t, lr, beta1, beta2, eps) -> (p_new, m_new, v_new)`` on a first and a third step."""
    if not callable(fn):
        return Feedback(
            EXERCISE, "wrong", [tr("Pass your function itself, got {name}.").format(name=type(fn).__name__)]
        )
    for p, g, m, v, t in cases():
        result, not_written = _run(fn, p, g, m, v, t)
        if not_written:
            return not_written
        fb = confirmed(_judge(result, p, g, m, v, t), EXERCISE, fn, (p, g, m, v, t, LR, BETA1, BETA2, EPS), result)
        if not fb.passed:
            if t == 1:
                fb.messages.insert(0, tr("At step t = {t} (the first, from m = v = 0):").format(t=t))
            else:
                fb.messages.insert(0, tr("At step t = {t}:").format(t=t))
            return fb
    return Feedback(EXERCISE, "correct")
