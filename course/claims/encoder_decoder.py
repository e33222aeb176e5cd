"""Notebook 21: the encoder–decoder without attention, exact match against length (experiments/seq2seq_lengths.py,
its runs without attention) and the same runs with one choice changed at a time (experiments/seq2seq_bottleneck.py).

Notebook 22 owns the comparison with attention (course/claims/attention.py): nothing here reads those rows.
"""

import numpy as np

from . import EVERY, claim

LENGTHS, BOTTLENECK = "seq2seq_lengths", "seq2seq_bottleneck"
BUDGET = "2000 updates of 32 fresh strings, Adam η = 0.01, H = 64"
LONG_BUDGET = "8000 updates of 32 fresh strings, Adam, one of H and η changed from H = 64, η = 0.01"


def exact_by_length(rows, update) -> np.ndarray:
    """Exact match at lengths 1 … 12 (index L − 1) of one run's rows at ``update``."""
    at = rows.where(update=update)
    return np.array([at.where(length=L).column("exact_match")[0] for L in range(1, 13)])


def _runs(tables):
    """seed → that seed's rows without attention."""
    rows = tables[""].where(attention="none")
    return {s: rows.where(seed=s) for s in rows.values("seed")}


@claim(
    notebook="21",
    experiment=LENGTHS,
    budget=BUDGET,
    rule=EVERY,
    sentence="without attention, strings of 1 to 4 digits are reversed exactly in at least 95 % of the test strings "
    "of each length",
)
def short_reversals_are_learned(tables):
    return {s: bool(np.all(exact_by_length(r, 2000)[:4] >= 0.95)) for s, r in _runs(tables).items()}


@claim(
    notebook="21",
    experiment=LENGTHS,
    budget=BUDGET,
    rule=EVERY,
    sentence="without attention, exact match falls with the length: 4 digits > 8 > 10 > 12",
)
def exact_match_falls_with_length(tables):
    def falls(em):
        return bool(em[3] > em[7] > em[9] > em[11])

    return {s: falls(exact_by_length(r, 2000)) for s, r in _runs(tables).items()}


@claim(
    notebook="21",
    experiment=LENGTHS,
    budget=BUDGET,
    rule=EVERY,
    sentence="without attention, at most a quarter of the 12-digit strings are reversed exactly",
)
def long_reversals_mostly_fail(tables):
    return {s: bool(exact_by_length(r, 2000)[11] <= 0.25) for s, r in _runs(tables).items()}


@claim(
    notebook="21",
    experiment=LENGTHS,
    budget="updates 1000 and 2000 of the runs of " + BUDGET,
    rule=EVERY,
    sentence="at 12 digits exact match is still rising at the end of the budget: higher at update 2000 than at 1000",
)
def long_reversals_still_improving(tables):
    return {s: bool(exact_by_length(r, 2000)[11] > exact_by_length(r, 1000)[11]) for s, r in _runs(tables).items()}
