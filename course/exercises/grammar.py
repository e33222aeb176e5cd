"""Checker for notebook 19's exercise: the legal-set accuracy of a model's predictions.

The learner writes ``legal_set_accuracy(probs, allowed) -> float`` for probs (N, 7), a probability for each
symbol at N positions, and allowed (N, 7) bool, the symbols the grammar allows next.  Rows with no allowed symbol
(after a string's final E, or padding) are not positions and are left out.  A position is right when, with n
allowed symbols, the n most probable symbols are exactly the allowed ones: every allowed symbol strictly more
probable than every other.  The result is the fraction of positions that are right.

:func:`check_legal_set_accuracy` names: counting a position right when the most probable symbol is allowed (any
legal symbol instead of exactly the legal set), ties counted as right, the top two taken whatever n is, symbols
above 1/7 taken as the predicted set, the symbols tied at the maximum taken as the set (right only when legal
symbols are equally probable), the lowest legal probability compared with the largest of all instead of the
largest illegal one, rows without an allowed symbol counted as wrong or as right, a count instead
of a fraction, agreement averaged over symbols instead of positions, a percentage, ties broken by the order of
np.argsort (either way), legal probability mass above ½, only the most probable legal symbol compared with the
largest illegal one, and the legal symbols' sum compared with it.
"""

from __future__ import annotations

import warnings

import numpy as np

from ..i18n import N_, tr
from ._feedback import Feedback, as_real_array, confirmed, diagnose_number, guarded, matches, read_only, run_learner

EXERCISE = "legal_set_accuracy"
ANY_LEGAL = N_("any legal symbol instead of exactly the legal set")
TIES = N_("ties counted as right")
TOP_TWO = N_("always the top two")
THRESHOLD = N_("symbols above 1/7 as the predicted set")
EMPTY_WRONG = N_("rows without a legal symbol counted as wrong")
EMPTY_RIGHT = N_("rows without a legal symbol counted as right")
COUNT = N_("a count, not a fraction")
PER_SYMBOL = N_("averaged over symbols, not positions")
TIED_AT_MAX = N_("the symbols tied at the maximum taken as the predicted set")
LOWEST_VS_LARGEST = N_("lowest legal compared with the largest probability of all")
PERCENT = N_("a percentage, not a fraction")
SORT_ORDER = N_("ties broken by the sort order")
LEGAL_MASS = N_("legal probability mass above ½")
HIGHEST_LEGAL = N_("only the most probable legal symbol compared")
LEGAL_SUM = N_("legal mass compared with the largest illegal probability")


def _row(legal, rest, allowed_idx, rng):
    """A probability row putting ``legal`` (sorted high to low) on allowed_idx and ``rest`` on the others, shuffled."""
    p = np.zeros(7)
    others = [i for i in range(7) if i not in allowed_idx]
    p[allowed_idx] = legal
    p[others] = rng.permutation(rest)
    return p / p.sum()


def data():
    """probs (N, 7) and allowed (N, 7): positions of every kind the mistakes treat differently, in a seeded order."""
    rng = np.random.default_rng(19)
    rows = []

    def add(count, n_legal, legal, rest):
        for _ in range(count):
            idx = list(rng.choice(7, size=n_legal, replace=False))
            rows.append((_row(legal, rest, idx, rng), idx))

    # Legal symbols get unequal probabilities, as a trained network gives them (0.55 / 0.45, not 0.5 / 0.5).
    add(9, 2, [0.47, 0.38], [0.05, 0.04, 0.03, 0.02, 0.01])  # exactly the legal pair on top: right
    add(7, 1, [0.9], [0.02] * 5 + [0.0])  # one legal symbol, far on top: right
    add(5, 2, [0.5, 0.05], [0.3, 0.05, 0.04, 0.03, 0.03])  # argmax legal, the other legal below an illegal: wrong
    add(3, 2, [0.3, 0.2], [0.2, 0.1, 0.1, 0.05, 0.05])  # a legal symbol tied with an illegal one: wrong
    add(4, 1, [0.6], [0.2, 0.05, 0.05, 0.05, 0.05, 0.0])  # one legal on top, an illegal one above 1/7: right
    add(4, 2, [0.1, 0.05], [0.5, 0.2, 0.05, 0.05, 0.05])  # an illegal symbol on top: wrong
    add(3, 3, [0.4, 0.3, 0.2], [0.04, 0.03, 0.02, 0.01])  # three legal symbols on top: right
    add(2, 2, [0.45, 0.45], [0.04, 0.03, 0.02, 0.01, 0.0])  # the legal pair tied on top: right too
    add(2, 1, [0.4], [0.4, 0.1, 0.05, 0.05, 0.0, 0.0])  # the legal symbol tied with an illegal one at the top: wrong
    add(1, 3, [0.16, 0.15, 0.14], [0.13, 0.12, 0.11, 0.1])  # three legal on top, together below ½: right
    add(3, 2, [0.2, 0.15], [0.3, 0.15, 0.1, 0.05, 0.05])  # the legal pair's sum above the top illegal one: wrong
    order = rng.permutation(len(rows) + 6)
    probs, allowed = np.zeros((len(order), 7)), np.zeros((len(order), 7), dtype=bool)
    for slot, (p, idx) in zip(order, rows):
        probs[slot], allowed[slot, idx] = p, True
    for slot in order[len(rows) :]:  # 6 rows after a final E: no legal symbol
        probs[slot] = rng.dirichlet(np.ones(7))
    return probs, allowed


def _answers(probs, allowed):
    """The right fraction and each named mistake's value: name → (value, advice)."""
    has = allowed.any(axis=1)
    n = allowed.sum(axis=1)
    lowest_legal = np.where(allowed, probs, np.inf).min(axis=1)
    highest_illegal = np.where(allowed, -np.inf, probs).max(axis=1)
    right_rows = lowest_legal > highest_illegal
    ranks = np.argsort(np.argsort(-probs, axis=1, kind="stable"), axis=1, kind="stable")  # 0 = most probable
    top_n = ranks < n[:, None]
    top_two = ranks < 2
    right = float(right_rows[has].mean())
    mistakes = {
        ANY_LEGAL: (
            float(allowed[np.arange(len(probs)), probs.argmax(axis=1)][has].mean()),
            tr(
                "The most probable symbol being legal is not enough: with n legal symbols, the n most "
                "probable must be exactly those (every legal one above every illegal one)."
            ),
        ),
        TIES: (
            float((lowest_legal >= highest_illegal)[has].mean()),
            tr("A legal symbol tied with an illegal one is not separated from it: use >, not >=."),
        ),
        TOP_TWO: (
            float(np.all(top_two == allowed, axis=1)[has].mean()),
            tr("The predicted set has as many symbols as are legal at that position (1, 2 or 3), not always two."),
        ),
        THRESHOLD: (
            float(np.all((probs > 1 / 7) == allowed, axis=1)[has].mean()),
            tr("Compare ranks, not a fixed threshold: the n most probable symbols, n = the number of legal ones."),
        ),
        EMPTY_WRONG: (
            float(right_rows[has].sum() / len(probs)),
            tr(
                "Rows with no legal symbol (after the final E, padding) are not positions: leave them out "
                "of the count and of the total."
            ),
        ),
        EMPTY_RIGHT: (
            float((right_rows | ~has).mean()),
            tr(
                "Rows with no legal symbol are not positions (min over an empty set is +inf, so they look "
                "right): leave them out."
            ),
        ),
        COUNT: (float(right_rows[has].sum()), tr("Return the fraction of positions, not their number: divide by it.")),
        TIED_AT_MAX: (
            float(
                np.all(np.isclose(probs, probs.max(axis=1, keepdims=True), rtol=0, atol=0) == allowed, axis=1)[
                    has
                ].mean()
            ),
            tr(
                "Legal symbols need not be equally probable (a trained network gives 0.55 and 0.45): the n "
                "most probable symbols are the predicted set, n = the number of legal ones, not those tied "
                "at the maximum."
            ),
        ),
        LOWEST_VS_LARGEST: (
            float((lowest_legal >= probs.max(axis=1))[has].mean()),
            tr(
                "Compare the lowest legal probability with the largest *illegal* one (mask the legal "
                "symbols out, e.g. np.where(allowed, -np.inf, probs).max(axis=1)), not with the largest of "
                "all."
            ),
        ),
        PER_SYMBOL: (
            float((top_n == allowed)[has].mean()),
            tr("A position is right or wrong as a whole: average over positions, not over (position, symbol) pairs."),
        ),
        PERCENT: (100 * right, tr("Return a fraction between 0 and 1: leave out the × 100.")),
        SORT_ORDER: (
            float(np.all(top_n == allowed, axis=1)[has].mean()),
            tr(
                "The n symbols np.argsort puts first are the n most probable only when no illegal symbol is "
                "tied with a legal one: a tie is broken by the sort order and may land either way. Compare "
                "probabilities: every legal symbol strictly above every illegal one."
            ),
        ),
        LEGAL_MASS: (
            float((np.where(allowed, probs, 0.0).sum(axis=1) > 0.5)[has].mean()),
            tr(
                "The legal symbols may hold most of the probability while an illegal one outranks one of "
                "them, or hold less than half while every one of them is on top: compare each legal symbol "
                "with the illegal ones."
            ),
        ),
        HIGHEST_LEGAL: (
            float((np.where(allowed, probs, -np.inf).max(axis=1) > highest_illegal)[has].mean()),
            tr(
                "Every legal symbol must beat every illegal one, so compare the LOWEST legal probability "
                "with the largest illegal one (np.where(allowed, probs, np.inf).min(axis=1))."
            ),
        ),
        LEGAL_SUM: (
            float((np.where(allowed, probs, 0.0).sum(axis=1) > highest_illegal)[has].mean()),
            tr(
                "Compare each legal symbol on its own: the lowest legal probability must be above the "
                "largest illegal one, not their sum."
            ),
        ),
    }
    return right, mistakes


@guarded(EXERCISE)
def check_legal_set_accuracy(fn) -> Feedback:
    """Check ``fn(probs, allowed) -> float`` on positions of every kind, rows without a legal symbol among them."""
    if not callable(fn):
        return Feedback(
            EXERCISE, "wrong", [tr("Pass your function itself, got {name}.").format(name=type(fn).__name__)]
        )
    probs, allowed = data()
    right, mistakes = _answers(probs, allowed)
    given_allowed = allowed.copy()
    given_allowed.flags.writeable = False  # True/False cannot take `+= 1`; the mask is read, never written
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        result, not_written = run_learner(EXERCISE, fn, read_only(probs), given_allowed)  # the probs too
    if not_written:
        return not_written
    n = int(allowed.any(axis=1).sum())
    note = tr(" Of the {n} positions (rows with a legal symbol), {k} have exactly the legal symbols on top.").format(
        n=n, k=int(round(right * n))
    )
    fb = diagnose_number(EXERCISE, result, right, name=N_("your accuracy"), what=N_("the fraction of positions"),
                         known_mistakes=mistakes, note=note)  # fmt: skip
    if fb.mistake is None and not fb.passed:
        value, problem = as_real_array(result)
        if problem is None and value.shape == () and matches(value, np.asarray(_sorted_ascending(probs, allowed))):
            fb = Feedback(
                EXERCISE,
                "wrong",
                [
                    tr("This is exactly what the mistake '{mistake}' gives.").format(mistake=tr(SORT_ORDER)),
                    mistakes[SORT_ORDER][1],
                ],
                SORT_ORDER,
            )
    return confirmed(fb, EXERCISE, fn, (probs, allowed), result)


def _sorted_ascending(probs, allowed):
    """The fraction of positions whose n legal symbols are the last n of a stable ascending sort (ties broken
    the other way than a descending sort of −probs)."""
    has, n = allowed.any(axis=1), allowed.sum(axis=1)
    ranks = np.argsort(np.argsort(probs, axis=1, kind="stable"), axis=1, kind="stable")
    return float(np.all((ranks >= probs.shape[1] - n[:, None]) == allowed, axis=1)[has].mean())
