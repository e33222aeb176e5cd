"""Feedback for exercises: more than pass/fail.

A checker calls the learner's function on data it chooses, then :func:`diagnose`
compares the answer with the right one, term by term: shape (and transposes),
sign, a constant factor, which time step or which entry is off, and whether the
answer equals a *known mistake* (the signature of a bug from the gallery in
notebook 06).  The result is a :class:`Feedback`, which shows itself as text
in a notebook and can be inspected in tests.  When nbgrader grades a notebook,
a Feedback that is not correct is written to stderr instead, which is how the
checker's cell loses its points while the learner still reads the text.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field

import numpy as np

from ..gradcheck import relative_error

PASS_TOL = 1e-7  # relative error; right answers land near 1e-15, wrong ones above 1e-3


@dataclass
class Feedback:
    """What a checker found. ``status`` is "correct", "wrong" or "not implemented"."""

    exercise: str
    status: str
    messages: list = field(default_factory=list)
    mistake: str | None = None  # name of the known mistake the answer matches, if any

    @property
    def passed(self) -> bool:
        return self.status == "correct"

    def __str__(self) -> str:
        head = {
            "correct": f"✓ {self.exercise}: correct.",
            "wrong": f"✗ {self.exercise}: not yet right.",
            "not implemented": f"… {self.exercise}: not implemented yet — "
            "replace `raise NotImplementedError` with your code and run the cell again.",
        }[self.status]
        return "\n".join([head, *("  " + m for m in self.messages)])

    __repr__ = __str__

    def _repr_pretty_(self, printer, cycle) -> None:
        """The text, as the cell's result; under nbgrader (autograde, validate), printed instead, as nbgrader grades.

        nbgrader gives a test cell its points unless it shows an error or writes to stderr, and reads a result
        as a partial score: there a correct Feedback prints to stdout, any other to stderr, and neither is a
        result (NotImplementedError is IPython's signal for that).
        """
        if "NBGRADER_EXECUTION" not in os.environ:
            printer.text(str(self))
            return
        print(self, file=sys.stdout if self.passed else sys.stderr)
        raise NotImplementedError


def not_implemented(exercise: str) -> Feedback:
    return Feedback(exercise, "not implemented")


def run_learner(exercise: str, fn, *args):
    """Call the learner's function; returns ``(value, None)`` or ``(None, Feedback)`` when it is not written yet."""
    try:
        return fn(*args), None
    except NotImplementedError:
        return None, not_implemented(exercise)


def matches(a, b, tol=PASS_TOL) -> bool:
    """True when two arrays have one shape and agree to a relative error of ``tol``."""
    return a.shape == b.shape and relative_error(a, b) <= tol


_matches = matches  # older spelling, kept for the checkers that use it


def combine(exercise: str, parts) -> Feedback:
    """One Feedback from several, one per returned value (a dict, or pairs, name → Feedback from :func:`diagnose`).

    Correct only when every part is. Each wrong part's messages are listed under its name; advice for a known
    mistake already given for an earlier part is not repeated. ``mistake`` joins the distinct known mistakes
    found with " + " (None when no part matched one).
    """
    parts = list(dict(parts).items())
    if all(fb.passed for _, fb in parts):
        return Feedback(exercise, "correct", [f"{name}: correct." for name, _ in parts])
    messages, mistakes = [], []
    for name, fb in parts:
        if fb.passed:
            messages.append(f"{name}: correct.")
        elif fb.mistake is not None and fb.mistake in mistakes:
            messages.append(f"{name}: the same mistake, '{fb.mistake}'.")
            messages.extend("  " + m for m in fb.messages[2:])
        else:
            messages.append(f"{name}:")
            messages.extend("  " + m for m in fb.messages)
            if fb.mistake is not None:
                mistakes.append(fb.mistake)
    return Feedback(exercise, "wrong", messages, " + ".join(mistakes) or None)


def split_pair(exercise: str, result, names: tuple) -> Feedback | None:
    """None if ``result`` is a pair, else the Feedback explaining what the function should return."""
    if isinstance(result, (tuple, list)) and len(result) == 2:
        return None
    got = f"a {type(result).__name__} of length {len(result)}" if isinstance(result, (tuple, list)) else None
    got = got or f"a single {type(result).__name__}"
    return Feedback(exercise, "wrong", [f"return two values, `return {names[0]}, {names[1]}`; got {got}."])


def diagnose(exercise: str, answer, expected, *, name="your result", known_mistakes=None, time_axis=None) -> Feedback:
    """Compare ``answer`` with ``expected`` and explain the difference.

    known_mistakes: dict  mistake name → (value that mistake produces, advice).
    time_axis: axis of ``expected`` that indexes time steps, to name the wrong steps.
    """
    expected = np.asarray(expected, dtype=np.float64)
    if answer is None:
        return Feedback(exercise, "wrong", [f"{name} is None: did the function forget to `return` its result?"])
    try:
        answer = np.asarray(answer, dtype=np.float64)
    except (TypeError, ValueError):
        return Feedback(exercise, "wrong", [f"{name} should be an array of numbers, got {type(answer).__name__}."])

    if answer.shape != expected.shape:
        msgs = [f"{name} has shape {answer.shape}, expected {expected.shape}."]
        if answer.shape == expected.shape[::-1]:
            msgs.append("That is the transpose of the expected shape: check the order of the factors (a vs aᵀ).")
        elif answer.size == expected.size:
            msgs.append("Same number of entries: a reshape or a missing column-vector axis (n, 1)?")
        elif answer.ndim < expected.ndim:
            msgs.append("Fewer axes than expected: did you sum over an axis that should stay (time, or the batch)?")
        return Feedback(exercise, "wrong", msgs)

    if matches(answer, expected):
        return Feedback(exercise, "correct")

    for mistake, (value, advice) in (known_mistakes or {}).items():
        if matches(answer, np.asarray(value, dtype=np.float64)):
            return Feedback(
                exercise, "wrong", [f"This is exactly what the mistake '{mistake}' gives.", advice], mistake
            )

    msgs = [f"relative error {relative_error(answer, expected):.1e} (a right answer is below {PASS_TOL:.0e})."]
    if matches(answer, -expected):
        msgs.append("Right size, wrong sign everywhere: check ŷ − y versus y − ŷ, or a − where a + belongs.")
    else:
        denom = float(np.vdot(expected, expected))
        if denom > 0:
            factor = float(np.vdot(answer, expected)) / denom
            if abs(factor) > 1e-3 and matches(answer, factor * expected, 1e-6):
                msgs.append(f"Off by a constant factor of {factor:.3g}: a missing or extra ½, 2, or 1/T?")
    if time_axis is not None and expected.ndim > 0:
        wrong = [
            t
            for t in range(expected.shape[time_axis])
            if not matches(np.take(answer, t, time_axis), np.take(expected, t, time_axis))
        ]
        if wrong:
            steps = ", ".join(map(str, wrong))
            msgs.append(f"Wrong at time step(s) t = {steps} (0-based); the other steps are right.")
    else:
        diff = np.abs(answer - expected)
        where = np.unravel_index(int(np.argmax(diff)), diff.shape) if diff.ndim else ()
        msgs.append(
            f"Largest difference at index {tuple(int(i) for i in where)}: "
            f"yours {answer[where]:.6g}, expected {expected[where]:.6g}."
        )
    return Feedback(exercise, "wrong", msgs)
