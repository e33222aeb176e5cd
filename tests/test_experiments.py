"""Every stored result in notebooks/data is reproduced by its experiment's quick mode (make experiments-check).

This is the test `make test` runs for the experiments: one test per experiment, so a failure names the
experiment, and its message lists every stored row value that was not reproduced (to 1e-12 relative).
"""

import csv
import io
import shutil
import sys

import pytest

from tests.notebook_files import ROOT

sys.path.insert(0, str(ROOT / "experiments"))
import harness  # noqa: E402  (the experiments' own import name)

EXPERIMENTS = harness.all_experiments()


def test_there_are_experiments():
    assert {e.name for e in EXPERIMENTS} >= {
        "sgd_step_size",
        "clipping_explosion",
        "adding_budget",
        "deep_bidirectional",
    }


def test_deep_bidirectional_stores_every_case_at_every_recorded_update():
    experiment = next(e for e in EXPERIMENTS if e.name == "deep_bidirectional")
    stored = harness.read_table(experiment.path())
    key = ("model", "ahead", "lr", "size", "seed")
    runs = {tuple(row[k] for k in key) for row in stored.rows}
    assert runs == {tuple(case[k] for k in key) for case in experiment.cases}  # 3 networks × 20 settings × seeds 0-9
    assert len(stored.rows) == len(runs) * 25  # updates 0, 25, …, 600


@pytest.mark.parametrize("experiment", EXPERIMENTS, ids=lambda e: e.name)
def test_quick_mode_reproduces_the_stored_rows(experiment):
    problems = experiment.check()
    assert not problems, f"{experiment.name}: stored rows not reproduced:\n" + "\n".join(problems[:30])


def test_a_changed_stored_value_is_caught_and_named(tmp_path, monkeypatch):
    experiment = next(e for e in EXPERIMENTS if e.name == "tbptt_cosine")
    for table in experiment.keys:
        shutil.copy(experiment.path(table), tmp_path / experiment.path(table).name)
    monkeypatch.setattr(harness, "PACKAGE_DATA_DIR", tmp_path)
    path = experiment.path("by_k")
    lines = path.read_text().splitlines()
    header = next(i for i, line in enumerate(lines) if not line.startswith("#"))
    cells = lines[header + 1].split(",")  # seed 0, rho 0.5, k 1: a row the quick mode recomputes
    cells[-1] = repr(float(cells[-1]) * (1 + 100 * experiment.rtol))  # just outside its tolerance
    lines[header + 1] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n")
    problems = experiment.check()
    assert len(problems) == 1 and "seed=0, rho=0.5, scheme=k,k, k=1" in problems[0] and "cosine" in problems[0]


def test_a_chaotic_run_is_compared_where_builds_agree_and_only_there(tmp_path, monkeypatch):
    """clipping_explosion's clipped run: update 1 is compared, update 10 (where builds differ) is not."""
    experiment = next(e for e in EXPERIMENTS if e.name == "clipping_explosion")
    for table in experiment.keys:
        shutil.copy(experiment.path(table), tmp_path / experiment.path(table).name)
    monkeypatch.setattr(harness, "PACKAGE_DATA_DIR", tmp_path)
    path = experiment.path("updates")
    lines = path.read_text().splitlines(keepends=True)
    comments = [line for line in lines if line.startswith("#")]
    rows = list(csv.reader(line for line in lines if not line.startswith("#")))
    columns = rows[0]
    for cells in rows[1:]:
        row = dict(zip(columns, cells))
        if row["variant"] == "clip 1, eta 0.1" and row["seed"] == "0" and row["update"] in {"1", "10"}:
            cells[columns.index("loss")] = repr(float(row["loss"]) * 1.01)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text("".join(comments) + out.getvalue())
    problems = experiment.check()
    assert len(problems) == 1 and "update=1)" in problems[0] and "loss" in problems[0], problems


def test_attention_choices_changes_one_choice_of_seq2seq_lengths():
    # A variant's run with the base's settings makes the base's rows: the variants differ from the stored base by
    # their one change, nothing else (20 updates of one seed, both models).
    import attention_choices
    import seq2seq_lengths

    assert attention_choices.BASE == {
        "H": seq2seq_lengths.VARIANTS["base"],
        "lr": seq2seq_lengths.LEARNING_RATES["dot"],
        "max_length": seq2seq_lengths.MAX_LEN,
        "updates": seq2seq_lengths.UPDATES,
        "scale": 1.0,
        "batch": seq2seq_lengths.BATCH,
        "clip": seq2seq_lengths.CLIP,
        "task": "reversal",
    }
    assert seq2seq_lengths.LEARNING_RATES["none"] == attention_choices.BASE["lr"]
    for kind in ("none", "dot"):
        base = seq2seq_lengths.training_run(kind, 64, 0.01, 3, 20, (10, 20))
        variant = attention_choices.training_run(
            kind, 3, H=64, lr=0.01, max_length=12, updates=20, checkpoints=(10, 20)
        )
        assert variant == base and len(base) == 24
    # The ledger's changes reach the run: each one alone makes other rows than the base's.
    base = seq2seq_lengths.training_run("dot", 64, 0.01, 3, 10, (10,), max_length=4)
    for change in ({"scale": 2.0}, {"batch": 8}, {"clip": None}, {"task": "copy"}):
        assert seq2seq_lengths.training_run("dot", 64, 0.01, 3, 10, (10,), max_length=4, **change) != base, change
    for variant, change in attention_choices.VARIANTS.items():
        changed = {k for k, v in attention_choices.settings(variant).items() if v != attention_choices.BASE[k]}
        assert changed == set(change), variant


def test_adding_budget_choices_changes_one_choice_and_stops_where_the_claims_read():
    # A run with the base's settings is adding_budget's stored run, record for record, up to its first record below
    # half the baseline, and stops there (T = 5, seed 0: 512 updates; T = 10, seed 1: 512); each variant changes one
    # setting of the base.
    import adding_budget
    import adding_budget_choices

    from course.results import compare_rows

    base = adding_budget_choices.BASE
    stored = harness.read_table(next(e for e in EXPERIMENTS if e.name == "adding_budget").path())
    columns = ("T", "seed", "epoch", "update", "mse_ratio", "input_reach")
    for T, seed in ((5, 0), (10, 1)):
        rows = adding_budget.run({"T": T, "seed": seed, **base}, False, stop_below_half=True)
        ratios = [row["mse_ratio"] for row in rows]
        assert min(ratios[:-1]) >= 0.5 > ratios[-1] and rows[-1]["update"] == 512
        assert compare_rows(stored, [{c: row[c] for c in columns} for row in rows], ("T", "seed", "epoch")) == []
    for variant, change in adding_budget_choices.VARIANTS.items():
        changed = {k for k, v in {**base, **change}.items() if v != base[k]}
        assert changed == set(change) and len(change) == 1, variant


def test_adding_budget_choices_moves_the_first_marker_and_nothing_else():
    import adding_budget
    import numpy as np

    import rnn_lib

    x, _ = rnn_lib.data.adding_problem(300, 11, rng=3)
    moved, y = adding_budget.first_marker_at_step_1(x)
    second = 5 + np.argmax(x[5:, :, 1], axis=0)  # the second half starts at step 11 // 2 (from 0)
    assert np.all(moved[0, :, 1] == 1) and np.all(moved[:, :, 1].sum(axis=0) == 2)
    assert np.array_equal(moved[5:], x[5:]) and np.array_equal(moved[:, :, 0], x[:, :, 0])
    assert np.array_equal(y[:, 0], x[0, :, 0] + x[second, np.arange(300), 0])
    assert np.sum(x[0, :, 1]) < 300  # the draw had first markers elsewhere: the move was tested
