"""Notebook 20: a one-layer, a two-layer and a bidirectional RNN on rnn_lib.data.window_sum
(experiments/deep_bidirectional.py).

The table has one row per recorded update of each run: model ("rnn", "deep", "bi"), ahead, lr, size, seed,
update, unexplained (Σ (ŷ − y)² / Σ y² on the 512 validation sequences).  The left-to-right networks are judged
against the **causal optimum**: the unexplained fraction, on the same validation sequences, of the best prediction
from x_1 … x_t alone (the window's past part, the future inputs predicted by their mean 0); it lies within 0.005 of
the expected bound ``course.deep_rnns.causal_bound``.  The settings: ahead ∈ {0, 2, 4, 8} at η = 0.01, size 1;
η ∈ {0.001, 0.03} and size ½, 2 at ahead 2.
"""

from functools import cache

import numpy as np

from ..deep_rnns import T, validation_set
from . import EVERY, by_seed, claim

EXPERIMENT = "deep_bidirectional"
BUDGET = "600 updates of 32 fresh sequences (T = 20), Adam, parameter counts matched within 7 %"
AHEAD = (2, 4, 8)  # the settings whose answer lies partly ahead, at the default η and size
SETTINGS = [{"ahead": a, "lr": 0.01, "size": 1.0} for a in AHEAD] + [
    {"ahead": 2, "lr": 0.001, "size": 1.0},
    {"ahead": 2, "lr": 0.03, "size": 1.0},
    {"ahead": 2, "lr": 0.01, "size": 0.5},
    {"ahead": 2, "lr": 0.01, "size": 2.0},
]  # every setting with something ahead: each arbitrary choice changed once from (ahead 2, η 0.01, size 1)
LEFT_TO_RIGHT = ("rnn", "deep")


@cache
def causal_optimum(ahead, length=T) -> float:
    """The unexplained fraction on the validation sequences (of ``length`` steps, T = 20 unless the ledger's
    deep_bidirectional_choices changed it) of the best prediction from x_1 … x_t alone."""
    _, y = validation_set(ahead, length=length)
    _, past = validation_set(0, length=length)  # the same inputs (x is drawn first): y without its future part
    return float(np.sum((y - past) ** 2) / np.sum(y**2))


def _curve(rows, model, setting):
    return rows.where(model=model, **setting).column("unexplained")


def _final(rows, model, setting):
    return _curve(rows, model, setting)[-1]


@claim(
    notebook="20",
    experiment=EXPERIMENT,
    budget=BUDGET,
    rule=EVERY,
    sentence="with inputs 2, 4 or 8 steps ahead in the window, the bidirectional network's unexplained fraction after "
    "600 updates of batches of 32 is below 0.02 (first stated without the batch: with batches of 4 one seed of 10 "
    "ended at 0.024 at ahead 8)",
)
def bidirectional_reaches_what_lies_ahead(tables):
    defaults = [s for s in SETTINGS if s["lr"] == 0.01 and s["size"] == 1.0]
    return by_seed(tables[""], lambda rows: all(_final(rows, "bi", s) < 0.02 for s in defaults))


@claim(
    notebook="20",
    experiment=EXPERIMENT,
    budget=BUDGET,
    rule=EVERY,
    sentence="with batches of 32, the one-layer and the two-layer network end within 0.01 above the causal optimum and "
    "never go more than 0.005 below it, at every setting with something ahead (ahead 2, 4, 8; η 0.001, 0.03; size ½, "
    "2) (first stated without the batch: with batches of 4 the last updates' noise left them up to 0.024 above it in "
    "4 of 10 seeds)",
)
def left_to_right_networks_stop_at_the_causal_optimum(tables):
    def held(rows):
        for s in SETTINGS:
            best = causal_optimum(s["ahead"])
            for m in LEFT_TO_RIGHT:
                curve = _curve(rows, m, s)
                if not (curve[-1] <= best + 0.01 and curve.min() >= best - 0.005):
                    return False
        return True

    return by_seed(tables[""], held)


@claim(
    notebook="20",
    experiment=EXPERIMENT,
    budget=BUDGET,
    rule=EVERY,
    sentence="after 600 updates the two-layer network's unexplained fraction is within 0.01 of the one-layer "
    "network's, at every setting (ahead 0 included)",
)
def two_layers_within_0_01_of_one(tables):
    everything = [{"ahead": 0, "lr": 0.01, "size": 1.0}, *SETTINGS]
    return by_seed(
        tables[""], lambda rows: all(abs(_final(rows, "deep", s) - _final(rows, "rnn", s)) < 0.01 for s in everything)
    )


@claim(
    notebook="20",
    experiment=EXPERIMENT,
    budget=BUDGET,
    rule=EVERY,
    sentence="with nothing ahead (ahead 0) all three networks end below 0.002",
)
def with_nothing_ahead_every_network_learns(tables):
    control = {"ahead": 0, "lr": 0.01, "size": 1.0}
    return by_seed(tables[""], lambda rows: all(_final(rows, m, control) < 0.002 for m in ("rnn", "deep", "bi")))


@claim(
    notebook="20",
    experiment=EXPERIMENT,
    budget="every 25 updates up to 600, " + BUDGET,
    rule=EVERY,
    sentence="from update 200 on, the bidirectional network is below both left-to-right networks of its seed at "
    "every recorded update, at every setting with something ahead",
)
def bidirectional_ahead_from_update_200(tables):
    def held(rows):
        for s in SETTINGS:
            runs = {m: rows.where(model=m, **s) for m in ("rnn", "deep", "bi")}
            late = {m: r.column("unexplained")[r.column("update") >= 200] for m, r in runs.items()}
            if not np.all(late["bi"] < np.minimum(late["rnn"], late["deep"])):
                return False
        return True

    return by_seed(tables[""], held)


@claim(
    notebook="20",
    experiment=EXPERIMENT,
    budget="100 updates, " + BUDGET,
    rule=EVERY,
    sentence="the further ahead the information sits, the more updates the bidirectional network needs: at η = 0.01 "
    "and size 1, after 100 updates its unexplained fraction grows with ahead (2 < 4 < 8) (first stated without the "
    "rate and size: at η 0.03 and size 2 it held in 9 and 7 of 10 seeds; after 50 updates in 10 of 10 at every η "
    "and size tried)",
)
def far_ahead_takes_longer(tables):
    def held(rows):
        at_100 = [rows.where(model="bi", ahead=a, lr=0.01, size=1.0, update=100).rows[0]["unexplained"] for a in AHEAD]
        return at_100[0] < at_100[1] < at_100[2]

    return by_seed(tables[""], held)


@claim(
    notebook="20",
    experiment=EXPERIMENT,
    budget=BUDGET,
    rule=EVERY,
    sentence="with nothing ahead (ahead 0), at η = 0.01, size 1 and inputs ±1, the two-layer network ends closer to "
    "the exact answer than the one-layer network (a lower unexplained fraction after 600 updates; both below 0.002) "
    "(first stated without the rate, size and input scale: at η 0.03 and sizes ½, 2 it did in 6-7 of 10 seeds, at "
    "η 0.001 in none, with inputs ±3 in 1)",
)
def two_layers_fit_closer_with_nothing_ahead(tables):
    control = {"ahead": 0, "lr": 0.01, "size": 1.0}
    return by_seed(tables[""], lambda rows: _final(rows, "deep", control) < _final(rows, "rnn", control))
