"""Notebook 22: the encoder–decoder with and without attention (experiments/seq2seq_lengths.py) and its arbitrary
choices changed one at a time (experiments/attention_choices.py).

Both tables have one row per (model, seed, checkpoint update, test length) with the exact match of greedy decoding
on 100 test strings of that length.  The base budget is 2000 updates of 32 fresh strings, Adam η = 0.01, H = 64;
a variant of attention_choices changes one of those choices (its claims name it).
"""

import numpy as np

from . import EVERY, OVERALL, about, at_least, at_most, claim

LENGTHS, CHOICES = "seq2seq_lengths", "attention_choices"
BUDGET = "2000 updates of batches of 32 fresh strings of 1-12 digits, Adam η = 0.01, H = 64"


def exact(rows, attention, seed, update, length=None, **where) -> float | np.ndarray:
    """The exact match of one run at one checkpoint: at ``length``, or at every length (in order) if None."""
    run = rows.where(attention=attention, seed=seed, update=update, **where)
    if length is None:
        return run.column("exact_match")[np.argsort(run.column("length"))]
    return run.where(length=length).rows[0]["exact_match"]


def seeds_of(rows, attention, **where) -> list:
    return rows.where(attention=attention, **where).values("seed")


def _paired(rows, judge, models=("none", "dot")):
    """seed → judge(seed), over the seeds every one of ``models`` has."""
    common = set(seeds_of(rows, models[0])).intersection(*(seeds_of(rows, m) for m in models[1:]))
    return {s: judge(s) for s in sorted(common)}


# --- the base: seq2seq_lengths --------------------------------------------------------------------------------------


@claim(
    notebook="22",
    experiment=LENGTHS,
    budget=BUDGET,
    rule=EVERY,
    sentence="without attention, after 2000 updates, at least 0.98 of the strings of 1-3 digits are reversed exactly "
    "and at most 0.3 of the strings of 12 digits, with the gradient clipped at global norm 1 (without clipping, in "
    "seed 3 of seeds 0-4 the 3-digit strings reached 0.97; the 12-digit ones at most 0.15 in all five; first stated "
    "as 0.99: held-out seed 685 reversed 0.98 of the 3-digit strings)",
)
def without_attention_long_strings_fail(tables):
    rows = tables[""]
    return {
        s: min(exact(rows, "none", s, 2000)[:3]) >= 0.98 and exact(rows, "none", s, 2000, 12) <= 0.3
        for s in seeds_of(rows, "none")
    }


@claim(
    notebook="22",
    experiment=LENGTHS,
    budget=BUDGET,
    rule=EVERY,
    sentence="with scaled dot-product attention, after 1000 updates and after 2000, at least 0.98 of the strings of "
    "every length 1-12 are reversed exactly (reversal decides how soon: copying the same strings, it was below 0.98 "
    "at some length after 1000 updates in all of seeds 0-4, and after 2000 in seed 3; and so does clipping at norm 1: "
    "without it, below 0.98 after 1000 updates in seeds 0 and 2 of 0-4, at least 0.99 everywhere after 2000)",
)
def dot_attention_exact_at_every_length(tables):
    rows = tables[""]
    return {s: min(min(exact(rows, "dot", s, u)) for u in (1000, 2000)) >= 0.98 for s in seeds_of(rows, "dot")}


@claim(
    notebook="22",
    experiment=LENGTHS,
    budget=BUDGET,
    rule=at_least(0.8),
    sentence="after 2000 updates additive attention reverses more strings of 12 digits exactly than the model without "
    "attention of the same seed, in most seeds (at least 80 %; first stated for every seed: in held-out seed 539 "
    "additive attention reversed 3 of 100, the model without it 9)",
)
def additive_attention_beats_none_at_length_12(tables):
    rows = tables[""]
    return _paired(
        rows, lambda s: exact(rows, "additive", s, 2000, 12) > exact(rows, "none", s, 2000, 12), ("none", "additive")
    )


@claim(
    notebook="22",
    experiment=LENGTHS,
    budget=BUDGET,
    rule=at_most(0.3),
    sentence="additive attention (η = 0.01, A = H) reverses at least 0.98 of the strings of every length after 2000 "
    "updates in few seeds (at most 30 %; the dot product in all), from init_params' initial weights and with the "
    "gradient clipped at global norm 1: with every weight doubled, in 2 of seeds 0-4; without clipping, in 3 of them "
    "(and in seed 3 it reversed no string of any length)",
)
def additive_attention_rarely_exact_everywhere(tables):
    rows = tables[""]
    return {s: min(exact(rows, "additive", s, 2000)) >= 0.98 for s in seeds_of(rows, "additive")}


@claim(
    notebook="22",
    experiment=LENGTHS,
    budget="500 updates of batches of 32 fresh strings of 1-12 digits, Adam η = 0.01, H = 64",
    rule=EVERY,
    sentence="after 500 updates the model without attention has reversed at most 1 of the 100 12-digit test strings, "
    "while the dot-product model of the same seed has reversed at least 10 and the additive one more than the model "
    "without attention (first stated as 'each attention model at least 10': held-out seed 680's additive model had 6; "
    "before that as none against some: held-out seed 526 reversed one without attention); a lead of reversal's: "
    "copying the same "
    "strings, the dot product had fewer than 10 right after 500 updates in 4 of seeds 0-4; with every initial weight "
    "halved, in seed 0 (3 of 100)",
)
def attention_ahead_early(tables):
    rows = tables[""]
    return _paired(
        rows,
        lambda s: (
            exact(rows, "none", s, 500, 12) <= 0.01
            and exact(rows, "dot", s, 500, 12) >= 0.1
            and exact(rows, "additive", s, 500, 12) > exact(rows, "none", s, 500, 12)
        ),
        ("none", "dot", "additive"),
    )


@claim(
    notebook="22",
    experiment=LENGTHS,
    budget=BUDGET,
    rule=OVERALL,
    sentence="at length 12 the median exact match over seeds after 2000 updates is below 0.15 without attention and "
    "1.00 with the dot product (on reversal; copying the same strings, seeds 0-4: 0.02 and 0.99; with every initial "
    "weight doubled, 0.15 and 1.00)",
)
def median_at_length_12(tables):
    # A first version also put additive attention's median between 0.5 and 0.95 (0.85 on seeds 0-9); on the held-out
    # seeds 515-519 it was 0.96, so that part was dropped: additive attention's spread is what the notebook shows.
    rows = tables[""]
    median = {k: np.median([exact(rows, k, s, 2000, 12) for s in seeds_of(rows, k)]) for k in ("none", "dot")}
    return median["none"] < 0.15 and median["dot"] == 1.0


# --- one choice at a time: attention_choices ------------------------------------------------------------------------


LONG_BUDGET = "2000 updates of 32 fresh strings of 1-20 digits, Adam η = 0.01, H = 64"


@claim(
    notebook="22",
    experiment=CHOICES,
    budget=LONG_BUDGET,
    rule=at_least(0.6),
    sentence="trained and tested on strings of 1-20 digits, dot-product attention reverses less than 0.9 of the "
    "20-digit strings after 2000 updates in most seeds (at least 60 %)",
)
def at_20_digits_dot_attention_falls_short(tables):
    # Its history: "more than after 1000 updates" too, written on seeds 0-3, failed in held-out seed 519 (0.00 at
    # both): that half became at_20_digits_the_budget_binds.  "In every seed" held on seeds 0-4 and 515-519 and failed
    # in seed 7 (0.96) when seeds 5-9 were added: now "in most seeds".
    rows = tables[""].where(variant="len20")
    return {s: exact(rows, "dot", s, 2000, 20) < 0.9 for s in seeds_of(rows, "dot")}


@claim(
    notebook="22",
    experiment=CHOICES,
    budget=LONG_BUDGET,
    rule=at_least(0.6),
    sentence="trained and tested on strings of 1-20 digits, dot-product attention reverses more 20-digit strings "
    "after 2000 updates than after 1000 in most seeds (at least 60 %): there the budget binds",
)
def at_20_digits_the_budget_binds(tables):
    rows = tables[""].where(variant="len20")
    return {s: exact(rows, "dot", s, 2000, 20) > exact(rows, "dot", s, 1000, 20) for s in seeds_of(rows, "dot")}


@claim(
    notebook="22",
    experiment=CHOICES,
    budget=LONG_BUDGET,
    rule=at_least(0.6),
    quick=False,
    sentence="trained and tested on strings of 1-20 digits, at every length 13-20 the dot-product model reverses more "
    "strings exactly after 2000 updates than the model without attention of the same seed, in most seeds (at least "
    "60 %)",
)
def at_20_digits_attention_still_ahead(tables):
    # "In every seed" on seeds 0-4; seed 9's dot-product model, which learned no alignment (0.01 at 12 digits), made
    # it "in most seeds".
    rows = tables[""].where(variant="len20")
    return _paired(
        rows, lambda s: all(exact(rows, "dot", s, 2000, L) > exact(rows, "none", s, 2000, L) for L in range(13, 21))
    )


@claim(
    notebook="22",
    experiment=CHOICES,
    budget="2000 updates of 32 fresh strings of 1-12 digits, Adam η = 0.01, H = 128",
    rule=EVERY,
    quick=False,
    sentence="with twice the state (H = 128) the model without attention still reverses at most half of the strings "
    "of 12 digits after 2000 updates",
)
def a_larger_state_does_not_remove_the_bottleneck(tables):
    rows = tables[""].where(variant="H128")
    return {s: exact(rows, "none", s, 2000, 12) <= 0.5 for s in seeds_of(rows, "none")}


@claim(
    notebook="22",
    experiment=CHOICES,
    budget="2000 updates of 32 fresh strings of 1-12 digits, Adam η = 0.003, H = 64",
    rule=EVERY,
    quick=False,
    sentence="at η = 0.003 the dot-product model still reverses at least 0.98 of the strings of every length after "
    "2000 updates, and the model without attention of the same seed at most 0.3 of the 12-digit strings",
)
def a_lower_rate_keeps_the_gap(tables):
    rows = tables[""].where(variant="lr0.003")
    return _paired(rows, lambda s: min(exact(rows, "dot", s, 2000)) >= 0.98 and exact(rows, "none", s, 2000, 12) <= 0.3)


@claim(
    notebook="22",
    experiment=CHOICES,
    budget="2000 updates of 32 fresh strings of 1-12 digits, Adam η = 0.003, H = 64",
    rule=about(0.5),
    quick=False,
    sentence="at η = 0.003 additive attention reverses at least 0.98 of the strings of every length after 2000 updates "
    "in about half the seeds (at η = 0.01 in at most 30 %, the dot product at either rate in all)",
)
def additive_attention_exact_in_about_half_at_eta_0_003(tables):
    # Written after the pilot seeds 100 and 101 reached 0.99 at 12 digits at η 0.001 and 0.003 (not at 0.01): on
    # seeds 0-9 at η 0.003 it held in 5 of 10 (seed 9 ended at 0.02 at 12 digits), so the rate helps, not cures.
    rows = tables[""].where(variant="lr0.003")
    return {s: min(exact(rows, "additive", s, 2000)) >= 0.98 for s in seeds_of(rows, "additive")}


@claim(
    notebook="22",
    experiment=CHOICES,
    budget="2000 updates of 32 fresh strings of 1-12 digits, Adam η = 0.001, H = 64",
    rule=at_least(0.6),
    quick=False,
    sentence="at η = 0.001 additive attention reverses at least 0.98 of the strings of every length after 2000 updates "
    "in most seeds (at least 60 %): the lower its rate, the more seeds it learns the task in (η 0.01, 0.003, 0.001)",
)
def additive_attention_mostly_exact_at_eta_0_001(tables):
    # 8 of 10 on seeds 0-9 (5 at η 0.003, 0 at 0.01); seed 7 was still at 0.31 on 12 digits after 2000 updates.
    rows = tables[""].where(variant="lr0.001")
    return {s: min(exact(rows, "additive", s, 2000)) >= 0.98 for s in seeds_of(rows, "additive")}


@claim(
    notebook="22",
    experiment=CHOICES,
    budget="2000 updates of 32 fresh strings of 1-12 digits, Adam η = 0.01, H = 32",
    rule=EVERY,
    quick=False,
    sentence="with half the state (H = 32) the dot-product model still reverses at least 0.95 of the strings of every "
    "length after 2000 updates",
)
def half_the_state_is_enough_with_attention(tables):
    rows = tables[""].where(variant="H32")
    return {s: min(exact(rows, "dot", s, 2000)) >= 0.95 for s in seeds_of(rows, "dot")}


@claim(
    notebook="22",
    experiment=CHOICES,
    budget="8000 updates of 32 fresh strings of 1-12 digits, Adam η = 0.01, H = 64",
    rule=EVERY,
    quick=False,
    sentence="with four times the budget (8000 updates) the model without attention reverses more 12-digit strings "
    "than after 2000, but fewer than 0.98 of them, what dot-product attention reached after 1000 updates",
)
def four_times_the_budget_does_not_close_the_gap(tables):
    rows = tables[""].where(variant="long")
    return {
        s: exact(rows, "none", s, 2000, 12) < exact(rows, "none", s, 8000, 12) < 0.98 for s in seeds_of(rows, "none")
    }


@claim(
    notebook="22",
    experiment=CHOICES,
    budget="2000 updates of 32 fresh strings of 1-12 digits to copy, Adam η = 0.01, H = 64 (seeds 0-4)",
    rule=at_least(0.6),
    quick=False,
    sentence="on copying (the same strings answered in their own order) dot-product attention gets at least 0.98 of "
    "the strings of every length right after 2000 updates, and the model without attention of the same seed at most "
    "0.05 of the 12-digit strings, in most seeds (at least 60 %; 4 of 5: in seed 3 the dot product had found no "
    "alignment for the long strings, 0.03 at 12 digits)",
)
def on_copying_attention_still_ahead_in_most_seeds(tables):
    rows = tables[""].where(variant="copy")
    return _paired(
        rows, lambda s: min(exact(rows, "dot", s, 2000)) >= 0.98 and exact(rows, "none", s, 2000, 12) <= 0.05
    )
