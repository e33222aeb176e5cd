"""Stored results: written as text, read back bit for bit, compared row by row, and a clear error when missing."""

import math

import numpy as np
import pytest

from course.results import Results, compare_rows, load_results, read_table, write_table

ROWS = [
    {"eta": 0.1, "seed": 0, "loss": 0.1 + 0.2, "status": "ok"},
    {"eta": 0.1, "seed": 1, "loss": float("nan"), "status": "diverged"},
    {"eta": 0.3, "seed": 0, "loss": 1e-300, "status": "ok"},
]


def test_a_table_reads_back_bit_for_bit_with_its_protocol(tmp_path):
    path = write_table(tmp_path / "t.csv", ROWS, "how the rows were made\nsecond line")
    table = read_table(path)
    assert table.columns == ["eta", "seed", "loss", "status"]
    assert table.protocol == "how the rows were made\nsecond line"
    assert table.rows[0]["loss"] == 0.1 + 0.2 and table.rows[2]["loss"] == 1e-300  # repr round-trips exactly
    assert math.isnan(table.rows[1]["loss"]) and isinstance(table.rows[0]["seed"], int)


def test_where_column_and_values_select_what_a_notebook_plots(tmp_path):
    table = read_table(write_table(tmp_path / "t.csv", ROWS, "p"))
    assert table.where(eta=0.1).column("seed").tolist() == [0, 1]
    assert table.values("eta") == [0.1, 0.3]
    with pytest.raises(KeyError, match="no column 'lr'"):
        table.where(lr=0.1)


def test_where_keeps_exactly_the_rows_a_row_by_row_comparison_keeps_in_their_order():
    # where() looks values up in an index per column; == row by row is what it must agree with, queries repeated.
    rng = np.random.default_rng(0)
    values = [0, 1, 2, 0.5, float("nan"), "ok", "diverged"]
    rows = [{c: values[rng.integers(len(values))] for c in "abc"} for _ in range(300)]
    table = Results(rows, ["a", "b", "c"])
    queries = [{"a": 1}, {"a": 1.0}, {"a": np.int64(2), "b": 0.5}, {"c": "ok", "a": 0}, {"b": float("nan")},
               {"a": rows[0]["a"], "b": rows[0]["b"], "c": rows[0]["c"]}, {"a": 7}, {"b": [1]}, {}]  # fmt: skip
    for query in [*queries, *queries]:
        expected = [row for row in rows if all(row[k] == v for k, v in query.items())]
        assert [dict(r) for r in table.where(**query).rows] == expected, query
    nan_row = next(row for row in table.rows if row["a"] != row["a"])
    assert table.where(a=nan_row["a"]).rows == ()  # NaN equals nothing, even the very object stored


def test_compare_rows_passes_reproduced_rows_and_names_every_difference(tmp_path):
    stored = read_table(write_table(tmp_path / "t.csv", ROWS, "p"))
    assert compare_rows(stored, ROWS, key=("eta", "seed")) == []
    changed = [dict(ROWS[0], loss=ROWS[0]["loss"] * (1 + 1e-9)), dict(ROWS[2], status="diverged")]
    problems = compare_rows(stored, changed, key=("eta", "seed"))
    assert len(problems) == 2
    assert "eta=0.1, seed=0" in problems[0] and "loss" in problems[0] and "relative difference 1.0e-09" in problems[0]
    assert "status stored 'ok', recomputed 'diverged'" in problems[1]


def test_compare_rows_tolerates_1e_13_and_reports_rows_that_are_not_stored(tmp_path):
    stored = read_table(write_table(tmp_path / "t.csv", ROWS, "p"))
    assert compare_rows(stored, [dict(ROWS[0], loss=ROWS[0]["loss"] * (1 + 1e-13))], key=("eta", "seed")) == []
    problems = compare_rows(stored, [dict(ROWS[0], seed=7)], key=("eta", "seed"))
    assert problems == ["row (eta=0.1, seed=7): not in the stored results"]


def test_a_missing_result_file_says_how_to_make_it(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"experiments/no_such_experiment\.py.*make experiments"):
        load_results("no_such_experiment", folder=tmp_path)


def test_writing_no_rows_is_an_error(tmp_path):
    with pytest.raises(ValueError, match="no rows"):
        write_table(tmp_path / "t.csv", [], "p")
