"""Checker for notebook 06's coding exercise: ``centred_difference(f, x, eps)``.

The contract: ``f(x)`` returns a float; ``x`` is a float64 array of any shape;
the result is an array shaped like ``x`` whose entry i is

    (f(x + ε e_i) − f(x − ε e_i)) / 2ε,

computed by changing ``x`` in place one entry at a time and putting every entry
back, so that ``x`` is unchanged when the function returns.

The checker compares with that formula computed the right way (not with the exact
derivative), so a right answer matches to rounding error, and it names the classic
slips: a one-sided difference, dividing by ε instead of 2ε, and not restoring ``x``;
and the next ones: the two values subtracted the wrong way round, ``/ 2 * eps``
(which multiplies by ε), a relative step ε·|x_i|, every entry moved at once, a whole
row moved at a time (``range(len(x))`` on a 2-D array), and only the +ε side moved; and a
centred difference taken with a step of the learner's own instead of ``eps`` (recognised
from its O(s²) error against the derivative), a float32 result, and state kept between calls.
"""

from __future__ import annotations

import numpy as np

from ..i18n import N_, tr
from ._feedback import FLOAT32, Feedback, confirmed, diagnose, guarded, run_learner

__all__ = ["FLOAT32", "OWN_EPS", "check_centred_difference"]

EXERCISE = "centred_difference"
EPS = 1e-3  # large enough that a one-sided difference is visibly off (its error is O(ε), here ~1e-3)
OWN_EPS = N_("a step other than the eps passed in")


def _test_function(x):
    """A smooth scalar function with curvature and cross terms, so every slip changes the result."""
    return float(np.sum(np.sin(x) * x**2) + 0.5 * np.sum(x) ** 2 + np.sum(np.tanh(x[:, :1] * x[:, 1:])))


def _difference(f, x, eps, kind):
    """Reference implementations, right and wrong; ``kind`` names the formula or the slip.

    "relative step" moves x_i by ε·|x_i| (and still divides by 2ε); "row" visits x[i] for i in range(len(x)),
    which on a 2-D x moves a whole row at once.
    """
    x = x.copy()
    grad = np.zeros_like(x)
    for i in range(len(x)) if kind == "row" else np.ndindex(x.shape):
        old = np.copy(x[i])
        step = eps * abs(old) if kind == "relative step" else eps
        x[i] = old + step
        f_plus = f(x)
        x[i] = old - step
        f_minus = f(x)
        x[i] = old
        f_0 = f(x)
        grad[i] = {
            "forward": (f_plus - f_0) / eps,
            "backward": (f_0 - f_minus) / eps,
            "over eps": (f_plus - f_minus) / eps,
            "swapped": (f_minus - f_plus) / (2 * eps),
            "precedence": (f_plus - f_minus) / 2 * eps,
            "half step": (f_plus - f_0) / (2 * eps),
        }.get(kind, (f_plus - f_minus) / (2 * eps))
    return grad


def _all_at_once(f, x, eps):
    """Every entry moved together, (f(x + ε·1) − f(x − ε·1)) / 2ε, in every entry of the result."""
    return np.full_like(x, (f(x + eps) - f(x - eps)) / (2 * eps))


def _not_restored(f, x, eps):
    """The slip "x[i] += ε; f; x[i] −= 2ε; f" with no restore: each entry is left at old − ε."""
    x = x.copy()
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        x[i] += eps
        f_plus = f(x)
        x[i] -= 2 * eps
        f_minus = f(x)
        grad[i] = (f_plus - f_minus) / (2 * eps)
    return grad


def _step_used(answer, x0):
    """The step s of a centred difference the answer was taken with, when it is one and s is not EPS; else None.

    A centred difference with step s is the derivative plus C s² (C: the third derivatives, entry by entry), so
    answer − g = λ (expected − g), with g the derivative (a centred difference at a step so small that its C s²
    is rounding) and λ = (s / EPS)².  The answer is one when λ explains it to 5 % of the O(ε²) term.
    """
    try:
        answer = np.asarray(answer, dtype=np.float64)
    except (TypeError, ValueError):
        return None
    if answer.shape != x0.shape or not np.all(np.isfinite(answer)):
        return None
    g = _difference(_test_function, x0, 1e-5, "centred")
    term = _difference(_test_function, x0, EPS, "centred") - g  # C ε²
    lam = float(np.vdot(answer - g, term) / np.vdot(term, term))
    if not (0 <= lam < 1e4) or abs(lam - 1) < 0.1:
        return None
    if np.linalg.norm(answer - g - lam * term) > 0.05 * max(lam, 1e-3) * np.linalg.norm(term) + 1e-9:
        return None
    return EPS * np.sqrt(lam)


@guarded(EXERCISE)
def check_centred_difference(fn) -> Feedback:
    """Run the learner's ``centred_difference(f, x, eps)`` on a test function and explain what differs."""
    x0 = np.random.default_rng(6).uniform(-1.5, 1.5, size=(3, 2))
    # Not read_only, unlike every other checker's inputs: the exercise's contract is to move x[i] in place, call f,
    # and put the old value back (x is the caller's parameter array, perturbed where it lives, as a gradient check
    # of a model does). So x stays writable, and what is judged is that it comes back as it was ("x not restored").
    x = x0.copy()
    answer, fb = run_learner(EXERCISE, fn, _test_function, x, EPS)
    if fb is not None:
        return fb

    changed = np.abs(x - x0)
    if np.max(changed) > 1e-9:
        where = tuple(int(i) for i in np.unravel_index(int(np.argmax(changed)), x.shape))
        return Feedback(
            EXERCISE,
            "wrong",
            [
                (
                    tr(
                        "After your function returned, x had changed (entry {where}: was {was:.6g}, now "
                        "{now:.6g}): each perturbed entry must be put back before the next one is moved."
                    ).format(where=where, was=x0[where], now=x[where])
                ),
                (
                    tr(
                        "Save old = x[i] first and end with x[i] = old; otherwise every later difference is taken "
                        "at a shifted point, and the caller's parameters are left damaged."
                    )
                ),
            ],
            mistake=N_("x not restored"),
        )

    expected = _difference(_test_function, x0, EPS, "centred")
    one_sided = tr(
        "Your difference is one-sided, its error is O(ε); the centred one, (f(x+ε) − f(x−ε)) / 2ε, is O(ε²)."
    )
    known = {
        N_("forward difference"): (_difference(_test_function, x0, EPS, "forward"), one_sided),
        N_("backward difference"): (_difference(_test_function, x0, EPS, "backward"), one_sided),
        N_("divided by eps instead of 2 eps"): (
            _difference(_test_function, x0, EPS, "over eps"),
            tr("The two points x+ε and x−ε are 2ε apart: divide by 2 * eps."),
        ),
        N_("x not restored"): (
            _not_restored(_test_function, x0, EPS),
            tr("Each entry is left at old − ε: restore it with x[i] = old before moving the next one."),
        ),
        N_("difference the wrong way round"): (
            _difference(_test_function, x0, EPS, "swapped"),
            tr("The slope is (f(x + ε) − f(x − ε)) / 2ε: the value at x + ε comes first."),
        ),
        N_("/ 2 * eps multiplies by eps"): (
            _difference(_test_function, x0, EPS, "precedence"),
            tr("Python reads a / 2 * eps as (a / 2) * eps: write a / (2 * eps)."),
        ),
        N_("relative step eps·|x_i|"): (
            _difference(_test_function, x0, EPS, "relative step"),
            tr(
                "Move each entry by eps itself, x[i] = old ± eps, the step you divide by; a step eps·|x_i| "
                "is a different step for every entry (and none where x_i = 0)."
            ),
        ),
        N_("every entry moved at once"): (
            _all_at_once(_test_function, x0, EPS),
            tr(
                "x + eps moves every entry together, which measures the slope along (1, 1, …, 1), one "
                "number. Entry i of the gradient needs x moved along e_i only: change x[i] alone, one "
                "index at a time (np.ndindex)."
            ),
        ),
        N_("a whole row moved at a time"): (
            _difference(_test_function, x0, EPS, "row"),
            tr(
                "For a 2-D x, range(len(x)) gives rows, and x[i] is a whole row. Visit every entry: for i "
                "in np.ndindex(x.shape)."
            ),
        ),
        N_("only the +eps side moved"): (
            _difference(_test_function, x0, EPS, "half step"),
            tr(
                "The centred difference needs f at x − ε too: (f(x + ε) − f(x − ε)) / 2ε. (f(x + ε) − "
                "f(x)) / 2ε is half of a one-sided difference."
            ),
        ),
    }
    fb = diagnose(
        EXERCISE,
        answer,
        expected,
        name=tr("your gradient"),
        known_mistakes=known,
        sign_advice=tr("(f(x + ε) − f(x − ε)) / 2ε, in that order."),
        float64=True,
    )
    if fb.status == "wrong" and fb.mistake is None:
        step = _step_used(answer, x0)
        if step is not None:
            return Feedback(
                EXERCISE,
                "wrong",
                [
                    tr("This is exactly what the mistake '{mistake}' gives.").format(mistake=tr(OWN_EPS)),
                    (
                        tr(
                            "Your differences are centred, but taken with a step far smaller than the eps = {eps:g} "
                            "the caller passed (they agree with the exact derivative)."
                        ).format(eps=EPS)
                        if step < 0.1 * EPS
                        else tr(
                            "Your differences are centred, but taken with a step of about {step:.1g}, not the eps "
                            "= {eps:g} the caller passed."
                        ).format(step=step, eps=EPS)
                    ),
                    tr(
                        "Move x[i] to old ± eps and divide by 2 * eps, with eps the argument: no step of your own "
                        "inside the function. The caller chooses eps."
                    ),
                ],
                OWN_EPS,
            )
    if fb.passed and not np.array_equal(x, x0):
        fb.messages.append(
            tr(
                "Note: x came back different in its last bits (old + ε − ε is not always old in floating "
                "point); restoring with x[i] = old gives back the exact value."
            )
        )
    return confirmed(fb, EXERCISE, fn, (_test_function, x0, EPS), answer)
