"""Notebook 19 with one arbitrary choice changed at a time (experiments/reber_memory_choices.py): each run is the
stored run of the same seed with exactly one thing changed, the runs stop where the docstring says, and the ledger
(course/claims/choices.py) counts each claim on those rows."""

import sys

import numpy as np
import pytest

from course.claims import choices, registry
from course.results import load_results
from tests.notebook_files import ROOT

sys.path.insert(0, str(ROOT / "experiments"))
import reber_memory as reber_sweep  # noqa: E402  (experiments/reber_memory.py)
import reber_memory_choices as reber_choices  # noqa: E402


def test_grammar_runs_trained_in_segments_are_the_sweeps_runs(monkeypatch):
    # the choices runs train EVERY updates per call with one optimiser and one generator: unchanged, that is the
    # stored run (a fresh generator or optimiser per segment would draw other strings or restart Adam)
    monkeypatch.setitem(reber_choices.VARIANTS, "unchanged", ({}, reber_sweep.MODELS))
    rows = reber_choices.run({"variant": "unchanged", "cell": "RNN", "H": 16, "lr": 0.01, "seed": 0}, True)
    stored = load_results("reber_memory").where(cell="RNN", H=16, seed=0)
    assert [r["update"] for r in rows] == [0, reber_sweep.EVERY]
    for row in rows:
        old = stored.where(update=row["update"]).rows[0]
        assert all(abs(row[c] - old[c]) <= 1e-12 * max(1.0, abs(old[c])) for c in old if c not in ("cell",)), row


def test_a_changed_initialisation_changes_only_what_it_names():
    rnn = reber_choices.initial_weights("RNN", 16, 3, init_scale=2.0)
    lstm = reber_choices.initial_weights("LSTM", 8, 3, forget_bias=3.0)
    rnn_0, lstm_0 = reber_choices.initial_weights("RNN", 16, 3), reber_choices.initial_weights("LSTM", 8, 3)
    assert all(np.array_equal(rnn[k], 2.0 * rnn_0[k]) for k in ("W_xh", "W_hh", "W_hy"))
    assert np.array_equal(rnn["b_h"], rnn_0["b_h"]) and np.array_equal(rnn["b_y"], rnn_0["b_y"])
    changed = lstm["b_ih"] != lstm_0["b_ih"]
    assert changed[8:16].all() and not changed[:8].any() and not changed[16:].any()  # the f block only
    assert np.all(lstm["b_ih"][8:16] == 3.0)
    assert all(np.array_equal(lstm[k], lstm_0[k]) for k in lstm if k != "b_ih")


def test_every_grammar_run_stops_at_the_first_record_where_all_is_learned_or_runs_the_whole_budget():
    table = load_results("reber_memory_choices")
    for case in reber_choices.EXPERIMENT.cases:
        run = table.where(**case)
        learned = np.all([run.column(c) >= 0.99 for c in reber_choices.STOP_AT], axis=0)
        assert run.column("update")[0] == 0 and np.all(np.diff(run.column("update")) == reber_sweep.EVERY), case
        if learned.any():
            assert np.argmax(learned) == len(run) - 1, case  # stopped at the first such record
        else:
            assert run.column("update")[-1] == reber_sweep.UPDATES, case


def test_a_batch_change_starts_from_the_stored_runs_weights():
    # batches change nothing before the first update: the first record equals the stored run's of the same seed
    table, sweep = load_results("reber_memory_choices"), load_results("reber_memory")
    firsts = table.where(update=0, variant="batch8").rows
    assert len(firsts) == len(table.where(update=0, variant="batch8").values("seed")) * 3 * 2  # 3 models, 2 rates
    for row in firsts:
        old = sweep.where(update=0, seed=row["seed"], cell=row["cell"], H=row["H"]).rows[0]
        assert row["loss"] == old["loss"] and row["strings"] == old["strings"], row
    changed = table.where(update=0, variant="lstm_fb3", cell="LSTM", H=8, seed=0).rows[0]
    assert changed["loss"] != sweep.where(update=0, seed=0, cell="LSTM", H=8).rows[0]["loss"]  # the bias did change


def test_the_ledger_pairs_the_changed_runs_with_the_stored_runs_of_the_networks_not_changed():
    claim = registry()["reber_rnn_before_small_lstm"]  # RNN (H = 16) against LSTM (H = 8) at η = 0.01
    runs = (("RNN", 16, 0.01), ("LSTM", 8, 0.01))
    tables = choices._paired_tables(claim, "reber_memory_choices", "lstm_fb0", runs, "reber_memory")[""]
    stored, changed = load_results("reber_memory"), load_results("reber_memory_choices")
    rnn = [dict(r) for r in stored.where(cell="RNN", H=16).rows if r["seed"] < 5]
    lstm = changed.where(variant="lstm_fb0", cell="LSTM", H=8, lr=0.01)
    assert [dict(r) for r in tables.where(cell="RNN").rows] == rnn  # untouched: the stored runs of seeds 0-4
    assert list(tables.where(cell="LSTM").column("loss")) == list(lstm.column("loss"))  # changed: the new runs
    assert choices.choice_counts("reber_rnn_before_small_lstm", "lstm_fb0")[1] == 5
    with pytest.raises(ValueError, match="not run at"):  # a rate the variant did not run is an error, not the stored
        choices._paired_tables(claim, "reber_memory_choices", "lstm_fb0", (("LSTM", 8, 0.3),), "reber_memory")
