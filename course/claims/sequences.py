"""Notebooks 18 and 19: the character model of the course's prose (experiments/char_language_model.py) and the
embedded Reber grammar (experiments/reber_memory.py)."""

import json

import numpy as np

from rnn_lib.data import reber_strings

from ..grammar import encode_strings
from ..text import Vocabulary, load_corpus
from . import EVERY, OVERALL, about, at_least, claim

LM, REBER = "char_language_model", "reber_memory"
LM_BUDGET, REBER_BUDGET = (
    "1200 updates of BPTT(64, 64), Adam η = 0.01",
    "3000 updates of 32 fresh strings, Adam η = 0.01",
)


def _corpus():
    text = load_corpus("course_prose")
    n_val = len(text) // 10
    return Vocabulary(text), text[:-n_val], text[-n_val:]


def _bigram_perplexity(alpha=0.1):
    """The bigram baseline of notebook 18 at its best smoothing (α = 0.1), on the validation text."""
    vocab, train_text, val_text = _corpus()
    train, val = vocab.encode(train_text), vocab.encode(val_text)
    pairs = np.zeros((vocab.size, vocab.size))
    np.add.at(pairs, (train[:-1], train[1:]), 1.0)
    table = (pairs + alpha) / (pairs.sum(axis=1, keepdims=True) + vocab.size * alpha)
    return float(np.exp(-np.mean(np.log(table[val[:-1], val[1:]]))))


def _curve(tables, cell, seed, column):
    return tables["curves"].where(cell=cell, seed=seed).column(column)


def _seeds(table):
    return table.values("seed")


@claim(
    notebook="18",
    experiment=LM,
    tables=("curves",),
    budget=LM_BUDGET,
    rule=EVERY,
    quick=False,
    sentence="after 1200 updates both networks' validation perplexity is below half the bigram baseline's",
)
def language_models_beat_half_the_bigram(tables):
    limit = _bigram_perplexity() / 2
    return {
        s: all(np.exp(_curve(tables, c, s, "val_loss")[-1]) < limit for c in ("RNN", "LSTM"))
        for s in _seeds(tables["curves"])
    }


def _lstm_lower(tables, seed, update):
    rows = tables["curves"]
    return (
        rows.where(cell="LSTM", seed=seed, update=update).rows[0]["val_loss"]
        < rows.where(cell="RNN", seed=seed, update=update).rows[0]["val_loss"]
    )


@claim(
    notebook="18",
    experiment=LM,
    tables=("curves",),
    budget=LM_BUDGET,
    rule=EVERY,
    quick=False,
    sentence="at updates 100, 300 and 600 the RNN's validation loss is below the LSTM's of the same seed (with the "
    "RNN's initial weights W ~ N(0, 1/H): halved, the lead held to update 600 in 2 of seeds 0-4, char_language_model_"
    "choices)",
)
def rnn_ahead_early(tables):
    return {s: not any(_lstm_lower(tables, s, u) for u in (100, 300, 600)) for s in _seeds(tables["curves"])}


@claim(
    notebook="18",
    experiment=LM,
    tables=("curves",),
    budget=LM_BUDGET,
    rule=at_least(0.9),
    quick=False,
    sentence="after 1200 updates the LSTM's validation loss is below the RNN's of the same seed (9 or more of 10)",
)
def lstm_ahead_at_the_end(tables):
    return {s: _lstm_lower(tables, s, 1200) for s in _seeds(tables["curves"])}


@claim(
    notebook="18",
    experiment=LM,
    tables=("curves",),
    budget=LM_BUDGET,
    rule=at_least(0.9),
    quick=False,
    sentence="the lowest validation loss along the run is the LSTM's (9 or more of 10; by 0.01-0.06, and held-out "
    "seed 300 reversed it: first stated for every seed)",
)
def lstm_lower_best(tables):
    return {
        s: np.min(_curve(tables, "LSTM", s, "val_loss")) < np.min(_curve(tables, "RNN", s, "val_loss"))
        for s in _seeds(tables["curves"])
    }


@claim(
    notebook="18",
    experiment=LM,
    tables=("curves",),
    budget=LM_BUDGET,
    rule=EVERY,
    quick=False,
    sentence="after 1200 updates the gap validation/training loss is smaller for the LSTM than for the RNN",
)
def lstm_smaller_gap(tables):
    def gap(cell, s):
        return _curve(tables, cell, s, "val_loss")[-1] - _curve(tables, cell, s, "train_loss")[-1]

    return {s: gap("LSTM", s) < gap("RNN", s) for s in _seeds(tables["curves"])}


@claim(
    notebook="18",
    experiment=LM,
    tables=("curves",),
    budget=LM_BUDGET,
    rule=EVERY,
    quick=False,
    sentence="clipping at norm 100 touched at most 2.5 % of the RNN's updates and 0.2 % of the LSTM's",
)
def clipping_rarely_acts(tables):
    return {
        s: _curve(tables, "RNN", s, "clipped")[-1] <= 0.025 and _curve(tables, "LSTM", s, "clipped")[-1] <= 0.002
        for s in _seeds(tables["curves"])
    }


def _loops(s, window=100, longest=60):
    return any(s[-window:] == s[-window - p : -p] for p in range(1, longest + 1))


def _word_share(s, words_in_training):
    words = "".join(c if c.isalpha() else " " for c in s).split()
    return np.mean([w in words_in_training for w in words]) if words else np.nan


def _texts(tables):
    return {(r["cell"], r["seed"], r["temperature"]): json.loads(r["text"]) for r in tables["samples"].rows}


@claim(
    notebook="18",
    experiment=LM,
    tables=("samples",),
    budget=LM_BUDGET,
    rule=at_least(0.8),
    quick=False,
    sentence="greedy sampling (τ = 0) ends in a loop (8 or more of 10 seeds, each network)",
)
def greedy_text_loops(tables):
    texts = _texts(tables)
    return {s: all(_loops(texts[c, s, 0.0]) for c in ("RNN", "LSTM")) for s in _seeds(tables["samples"])}


@claim(
    notebook="18",
    experiment=LM,
    tables=("samples",),
    budget=LM_BUDGET,
    rule=EVERY,
    quick=False,
    sentence="at τ = 0.5 more of the sampled words are words of the training text than at τ = 1 and τ = 1.5",
)
def cool_sampling_writes_more_real_words(tables):
    _, train_text, _ = _corpus()
    words = set("".join(c if c.isalpha() else " " for c in train_text).split())
    texts = _texts(tables)
    return {
        s: all(
            _word_share(texts[c, s, 0.5], words) > max(_word_share(texts[c, s, t], words) for t in (1.0, 1.5))
            for c in ("RNN", "LSTM")
        )
        for s in _seeds(tables["samples"])
    }


@claim(
    notebook="18",
    experiment=LM,
    tables=("units",),
    budget=LM_BUDGET,
    rule=about(0.7),
    quick=False,
    sentence="the LSTM has a unit that tracks 'inside LaTeX math' with |r| ≥ 0.75 in about 7 of 10 seeds",
)
def lstm_has_a_math_unit(tables):
    rows = tables["units"].where(cell="LSTM")
    return {s: abs(rows.where(seed=s).rows[0]["corr"]) >= 0.75 for s in _seeds(rows)}


@claim(
    notebook="18",
    experiment=LM,
    tables=("units",),
    budget=LM_BUDGET,
    rule=about(0.1),
    quick=False,
    sentence="the RNN has such a unit (|r| ≥ 0.75) in about 1 of 10 seeds",
)
def rnn_seldom_has_a_math_unit(tables):
    rows = tables["units"].where(cell="RNN")
    return {s: abs(rows.where(seed=s).rows[0]["corr"]) >= 0.75 for s in _seeds(rows)}


# --- notebook 18 at each network's searched rate (experiments/char_language_model_searched.py) ----------------------

SEARCHED = "char_language_model_searched"
SEARCHED_BUDGET = (
    "1200 updates of BPTT(64, 64), each network at its searched Adam rate: η = 0.01 (RNN), η = 0.03 (LSTM)"
)


def _rnn_minus_lstm(tables, seed, update=None):
    """The RNN's validation loss minus the LSTM's of one seed (nats; > 0: the LSTM lower), at ``update`` or, with
    None, their lowest values along the run."""
    rows = tables["curves"]
    if update is None:
        return np.min(_curve(tables, "RNN", seed, "val_loss")) - np.min(_curve(tables, "LSTM", seed, "val_loss"))
    return (
        rows.where(cell="RNN", seed=seed, update=update).rows[0]["val_loss"]
        - rows.where(cell="LSTM", seed=seed, update=update).rows[0]["val_loss"]
    )


@claim(
    notebook="18",
    experiment=SEARCHED,
    tables=("curves",),
    budget=SEARCHED_BUDGET,
    rule=EVERY,
    quick=False,
    sentence="each at its searched rate, the LSTM's validation loss is below the RNN's of the same seed at updates 300 "
    "and 600 (at the shared η = 0.01 the RNN was below at 100, 300 and 600: rnn_ahead_early)",
)
def searched_lstm_ahead_early(tables):
    return {s: all(_rnn_minus_lstm(tables, s, u) > 0 for u in (300, 600)) for s in _seeds(tables["curves"])}


@claim(
    notebook="18",
    experiment=SEARCHED,
    tables=("curves",),
    budget=SEARCHED_BUDGET,
    rule=EVERY,
    quick=False,
    sentence="each at its searched rate, after 1200 updates the LSTM's validation loss is below the RNN's of the same "
    "seed by 0.01 to 0.07 nats (at the shared η = 0.01: in 9 of 10, by −0.001 to 0.09); below in every seed also with "
    "the RNN's initial weights halved or with batches of 8 streams, but by 0.003-0.09 and 0.14-0.22 there: the margin "
    "is the settings'",
)
def searched_lstm_ahead_at_the_end(tables):
    return {s: 0.01 <= _rnn_minus_lstm(tables, s, 1200) <= 0.07 for s in _seeds(tables["curves"])}


@claim(
    notebook="18",
    experiment=SEARCHED,
    tables=("curves",),
    budget=SEARCHED_BUDGET,
    rule=EVERY,
    quick=False,
    sentence="each at its searched rate, the lowest validation loss along the run is the LSTM's, by 0.05 to 0.12 nats "
    "(at the shared η = 0.01: by 0.01 to 0.06; with the RNN's initial weights halved 0.05-0.15, with batches of 8 "
    "streams 0.16-0.19: the margin is the settings')",
)
def searched_lstm_lower_best(tables):
    return {s: 0.05 <= _rnn_minus_lstm(tables, s) <= 0.12 for s in _seeds(tables["curves"])}


@claim(
    notebook="18",
    experiment=SEARCHED,
    tables=("curves",),
    budget=SEARCHED_BUDGET,
    rule=at_least(0.9),
    quick=False,
    sentence="each at its searched rate, after 1200 updates the gap validation/training loss is larger for the LSTM "
    "than for the RNN (9 or more of 10; at the shared η = 0.01 it was smaller in every seed: lstm_smaller_gap)",
)
def searched_lstm_larger_gap(tables):
    def gap(cell, s):
        return _curve(tables, cell, s, "val_loss")[-1] - _curve(tables, cell, s, "train_loss")[-1]

    return {s: gap("LSTM", s) > gap("RNN", s) for s in _seeds(tables["curves"])}


@claim(
    notebook="18",
    experiment=SEARCHED,
    tables=("curves",),
    budget=SEARCHED_BUDGET,
    rule=EVERY,
    quick=False,
    sentence="at η = 0.03 the LSTM's validation loss is lowest between updates 500 and 750 and higher after 1200",
)
def searched_lstm_turns_before_the_end(tables):
    def turns(s):
        loss, update = _curve(tables, "LSTM", s, "val_loss"), _curve(tables, "LSTM", s, "update")
        return 500 <= update[np.argmin(loss)] <= 750 and loss[-1] > np.min(loss)

    return {s: turns(s) for s in _seeds(tables["curves"])}


# --- notebook 19 --------------------------------------------------------------------------------------------------

MODELS = (("RNN", 16), ("LSTM", 8), ("LSTM", 16))


def _learned(tables, cell, H, seed, column, level=0.99):
    run = tables[""].where(cell=cell, H=H, seed=seed)
    hit = run.column(column) >= level
    return run.column("update")[np.argmax(hit)] if hit.any() else np.nan


@claim(
    notebook="19",
    experiment=REBER,
    quick=False,
    budget=REBER_BUDGET,
    rule=EVERY,
    sentence="the inner grammar ('other' positions 99 % right) is learned within 200 updates in every run, and before "
    "the strings (first stated with 'every run gets 99 % of the strings right within 3000 updates': an LSTM with "
    "H = 8 of held-out seed 304 did not)",
)
def reber_learned_inner_grammar_first(tables):
    return {
        s: all(
            _learned(tables, c, H, s, "other") <= 200
            and not _learned(tables, c, H, s, "strings") <= _learned(tables, c, H, s, "other")
            for c, H in MODELS
        )  # a run that never learns the strings learned its inner grammar first
        for s in _seeds(tables[""])
    }


@claim(
    notebook="19",
    experiment=REBER,
    quick=False,
    budget=REBER_BUDGET,
    rule=at_least(0.9),
    sentence="within 3000 updates 99 % of the test strings are right in almost every run (30 of 30 stored; 14 of 15 "
    "on seeds 300-304)",
)
def reber_runs_learn_within_the_budget(tables):
    return {
        (c, H, s): bool(np.isfinite(_learned(tables, c, H, s, "strings")))
        for c, H in MODELS
        for s in _seeds(tables[""])
    }


def _learned_or_never(tables, cell, H, seed):
    """The update a run first has 99 % of the strings right; a run that never does counts as after the budget."""
    first = _learned(tables, cell, H, seed, "strings")
    return np.inf if np.isnan(first) else first


@claim(
    notebook="19",
    experiment=REBER,
    budget=REBER_BUDGET,
    rule=at_least(0.7),
    sentence="the RNN (H = 16) learns the strings before the LSTM (H = 8) in most seeds (9 of 10 stored, 4 of 5 on "
    "seeds 300-304; first stated for 9 in 10)",
)
def reber_rnn_before_small_lstm(tables):
    return {
        s: _learned_or_never(tables, "RNN", 16, s) < _learned_or_never(tables, "LSTM", 8, s) for s in _seeds(tables[""])
    }


@claim(
    notebook="19",
    experiment=REBER,
    quick=False,
    budget=REBER_BUDGET,
    rule=about(0.65),
    sentence="the LSTM (H = 16) learns the strings before the RNN (H = 16) in about two seeds of three (9 of 10 "
    "stored, 4 of 5 on seeds 300-304, 4 of 10 on seeds 530-539; first stated for 9 in 10, then for most seeds)",
)
def reber_large_lstm_before_rnn(tables):
    return {
        s: _learned_or_never(tables, "LSTM", 16, s) < _learned_or_never(tables, "RNN", 16, s)
        for s in _seeds(tables[""])
    }


@claim(
    notebook="19",
    experiment=REBER,
    quick=False,
    budget=REBER_BUDGET,
    rule=OVERALL,
    sentence="after 3000 updates the median loss of the 30 runs is within 0.01 nats of the grammar's L_min",
)
def reber_loss_reaches_the_minimum(tables):
    test, test_legal = reber_strings(2000, rng=10_000)
    _, _, mask, allowed = encode_strings(test, test_legal)
    L_min = float(np.mean(np.log(allowed.sum(axis=-1)[mask])))
    rows = tables[""]
    final = [rows.where(cell=c, H=H, seed=s).rows[-1]["loss"] for c, H in MODELS for s in _seeds(rows)]
    return np.median(final) - L_min < 0.01


# --- notebook 19 at each model's searched rate (experiments/reber_memory_searched.py) --------------------------------

REBER_SEARCHED = "reber_memory_searched"
REBER_SEARCHED_BUDGET = "3000 updates of 32 fresh strings, each model at its searched Adam rate: η = 0.03 for all three"


@claim(
    notebook="19",
    experiment=REBER_SEARCHED,
    quick=False,
    budget=REBER_SEARCHED_BUDGET,
    rule=about(0.4),
    sentence="at η = 0.03 the RNN (H = 16) learns the strings before the LSTM (H = 8) in about 4 of 10 seeds (at "
    "η = 0.01: 9 of 10, reber_rnn_before_small_lstm)",
)
def searched_reber_rnn_before_small_lstm(tables):
    return {
        s: _learned_or_never(tables, "RNN", 16, s) < _learned_or_never(tables, "LSTM", 8, s) for s in _seeds(tables[""])
    }


@claim(
    notebook="19",
    experiment=REBER_SEARCHED,
    quick=False,
    budget=REBER_SEARCHED_BUDGET,
    rule=at_least(0.7),
    sentence="at η = 0.03 the LSTM (H = 16) learns the strings before the RNN (H = 16) in most seeds (7 of 10; at "
    "η = 0.01: 9 of 10, reber_large_lstm_before_rnn)",
)
def searched_reber_large_lstm_before_rnn(tables):
    return {
        s: _learned_or_never(tables, "LSTM", 16, s) < _learned_or_never(tables, "RNN", 16, s)
        for s in _seeds(tables[""])
    }


@claim(
    notebook="19",
    experiment=REBER_SEARCHED,
    quick=False,
    budget=REBER_SEARCHED_BUDGET,
    rule=about(0.6),
    sentence="at η = 0.03 the RNN (H = 16) gets 99 % of the strings right within 900 updates and then loses them "
    "again: below 99 % after 3000 updates in about 6 of 10 seeds",
)
def searched_reber_rnn_loses_the_strings(tables):
    def loses(s):
        run = tables[""].where(cell="RNN", H=16, seed=s)
        return _learned_or_never(tables, "RNN", 16, s) <= 900 and run.column("strings")[-1] < 0.99

    return {s: loses(s) for s in _seeds(tables[""])}


@claim(
    notebook="19",
    experiment=REBER_SEARCHED,
    quick=False,
    budget=REBER_SEARCHED_BUDGET,
    rule=EVERY,
    sentence="at η = 0.03 both LSTMs have 99 % of the strings right after 3000 updates in every seed",
)
def searched_reber_lstms_keep_the_strings(tables):
    return {
        s: all(tables[""].where(cell="LSTM", H=H, seed=s).column("strings")[-1] >= 0.99 for H in (8, 16))
        for s in _seeds(tables[""])
    }


# --- notebook 18's controls for the math unit (experiments/char_language_model_controls.py) ------------------------

CONTROLS = "char_language_model_controls"
COUNTED, DECAYS = "\\_{}^=", (0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99)


def character_count_control():
    """The best decaying count of the characters \\ _ { } ^ = as a math detector: (|r| with math_mode, its decay).

    The count never looks at ``$``; its decay is the best of DECAYS on the validation text itself, so the control
    gets every chance a trained unit gets.
    """
    from ..language_model import decaying_count, math_mode

    _, _, val_text = _corpus()
    inside = math_mode(val_text).astype(float)
    r = {d: abs(np.corrcoef(decaying_count(val_text, COUNTED, d), inside)[0, 1]) for d in DECAYS}
    best = max(r, key=r.get)
    return float(r[best]), best


@claim(
    notebook="18",
    experiment=CONTROLS,
    budget="no training: the initial weights",
    rule=EVERY,
    sentence="untrained, no unit of either network tracks math: the best unit's |r| is below 0.4",
)
def untrained_units_track_math_weakly(tables):
    rows = tables[""]
    return {s: bool(np.all(np.abs(rows.where(seed=s).column("corr")) < 0.4)) for s in _seeds(rows)}


@claim(
    notebook="18",
    experiment=LM,
    tables=("units",),
    budget=LM_BUDGET,
    rule=about(0.7),
    quick=False,
    sentence="the LSTM's best unit tracks math better than the best decaying count of \\ _ { } ^ = (|r| 0.63) in "
    "about 7 of 10 seeds",
)
def lstm_math_unit_beats_the_character_count(tables):
    count_r, _ = character_count_control()
    rows = tables["units"].where(cell="LSTM")
    return {s: abs(rows.where(seed=s).rows[0]["corr"]) > count_r for s in _seeds(rows)}


@claim(
    notebook="18",
    experiment=LM,
    tables=("units",),
    budget=LM_BUDGET,
    rule=about(0.5),
    quick=False,
    sentence="the RNN's best unit tracks math better than that character count in about half the seeds",
)
def rnn_math_unit_beats_the_character_count_in_half(tables):
    count_r, _ = character_count_control()
    rows = tables["units"].where(cell="RNN")
    return {s: abs(rows.where(seed=s).rows[0]["corr"]) > count_r for s in _seeds(rows)}


# --- notebook 19: memory by lag (the columns memory_lag_* and memory_long of reber_memory) --------------------------

LAG_COLUMNS = {"5-6": "memory_lag_5_6", "7-9": "memory_lag_7_9", "10-15": "memory_lag_10_15", "16-25": "memory_long"}


def _per_run(tables):
    """(cell, H, seed) → the run's rows, for every run in the table."""
    rows = tables[""]
    return {(c, H, s): rows.where(cell=c, H=H, seed=s) for c, H in MODELS for s in _seeds(rows)}


def _learned_runs(tables):
    """The runs that get 99 % of the strings right within the budget, by (cell, H, seed)."""
    return {key: run for key, run in _per_run(tables).items() if np.any(run.column("strings") >= 0.99)}


def _first_at(run, column, level=0.99):
    hit = run.column(column) >= level
    return run.column("update")[np.argmax(hit)] if hit.any() else np.nan


def _at_learned(run, column):
    """The value of ``column`` at the first update with 99 % of the strings right (NaN if never)."""
    hit = run.column("strings") >= 0.99
    return run.column(column)[np.argmax(hit)] if hit.any() else np.nan


@claim(
    notebook="19",
    experiment=REBER,
    budget=REBER_BUDGET,
    rule=EVERY,
    sentence="in every run that learns the strings (99 % right), memory on the longest lags (16-25 steps, 61 test "
    "strings) reaches 0.99 no earlier than on the shortest (5-6 steps)",
)
def reber_long_lags_learned_last(tables):
    return {
        key: _first_at(run, LAG_COLUMNS["16-25"]) >= _first_at(run, LAG_COLUMNS["5-6"])
        for key, run in _learned_runs(tables).items()
    }


@claim(
    notebook="19",
    experiment=REBER,
    budget=REBER_BUDGET,
    rule=EVERY,
    sentence="at the update a run is counted as learned (99 % of the strings right), memory on lags 16-25 is at "
    "least 0.7 (in every run that learns)",
)
def reber_long_lags_mostly_right_when_counted_learned(tables):
    return {key: _at_learned(run, LAG_COLUMNS["16-25"]) >= 0.7 for key, run in _learned_runs(tables).items()}


@claim(
    notebook="19",
    experiment=REBER,
    budget=REBER_BUDGET,
    rule=about(0.6),
    sentence="at that update some of the 61 long strings are still wrong (memory on lags 16-25 below 0.99) in about "
    "3 runs of 5",
)
def reber_long_lags_behind_when_counted_learned(tables):
    return {key: _at_learned(run, LAG_COLUMNS["16-25"]) < 0.99 for key, run in _learned_runs(tables).items()}
