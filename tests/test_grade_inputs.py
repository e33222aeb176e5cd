"""`make grade` checks every submission before it grades anything, and reports what it found in one table.

Grading itself needs nbgrader: `make grade-test` runs it end to end.
"""

import csv
import shutil

import nbformat
import pytest

from tests.notebook_files import NOTEBOOK_DIR
from tools import grade
from tools.nbgrader_cells import POINTS

EXERCISES = grade.course_exercises()
FIRST = next(iter(EXERCISES))  # a course notebook with exercises


def learner_folder(root, name, *notebooks):
    (root / name).mkdir(parents=True)
    for stem in notebooks:
        shutil.copyfile(NOTEBOOK_DIR / f"{stem}.ipynb", root / name / f"{stem}.ipynb")
    return root


def test_every_notebook_with_a_solution_block_is_gradable():
    assert FIRST and all(exs for exs in EXERCISES.values())
    assert "00_index" not in EXERCISES  # the course map has no exercise


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda r: r / "missing", "is not a folder"),
        (lambda r: (r / "loose.ipynb").write_text("{}") and r, "folder named by the learner"),
        (lambda r: learner_folder(r, "ann lee", FIRST), "letters, digits"),
        (lambda r: learner_folder(r, "ann", "00_index"), "not a course notebook with exercises"),
        (lambda r: learner_folder(r, "ann"), "no notebook in it"),
        (lambda r: r, "no learner's folder"),
    ],
)
def test_bad_submissions_are_refused_before_anything_is_written(tmp_path, make, message):
    (tmp_path / "in").mkdir()
    submissions = make(tmp_path / "in")
    with pytest.raises(ValueError, match=message):
        grade.grade(submissions, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_an_unreadable_notebook_is_named(tmp_path):
    (tmp_path / "in" / "ann").mkdir(parents=True)
    (tmp_path / "in" / "ann" / f"{FIRST}.ipynb").write_text("not json")
    with pytest.raises(ValueError, match=f"ann/{FIRST}.ipynb: not a readable notebook"):
        grade.read_submissions(tmp_path / "in", EXERCISES)


def test_the_table_has_a_column_per_exercise_and_counts_missing_and_failed_as_zero(tmp_path):
    f, g = grade.Exercise("01_x", "f", "check_f"), grade.Exercise("01_x", "g", "check_g")
    scores = {"ann": {f: 1.0, g: 0.0}, "bo": {f: None, g: None}, "cy": {f: grade.FAILED, g: grade.FAILED}}
    grade.write_table(tmp_path / "scores.csv", scores, [f, g])
    rows = list(csv.reader((tmp_path / "scores.csv").read_text(encoding="utf-8").splitlines()))
    assert rows == [
        ["learner", "01:f", "01:g", "total", "max"],
        ["ann", "1", "0", "1", str(2 * POINTS)],
        ["bo", "", "", "0", str(2 * POINTS)],
        ["cy", "error", "error", "0", str(2 * POINTS)],
    ]
    assert grade.show(scores).splitlines()[2].split() == ["bo", "—", "—", "0"]


def test_checker_text_reads_printed_result_and_error_outputs():
    cell = nbformat.v4.new_code_cell("check_f(f)")
    cell.outputs = [
        nbformat.v4.new_output("stream", name="stderr", text="✗ f: not yet right.\n"),
        nbformat.v4.new_output("error", ename="E", evalue="v", traceback=["\x1b[0;31mTraceback\x1b[0m", "E: v"]),
    ]
    assert grade.checker_text(cell) == "✗ f: not yet right.\nTraceback\nE: v"
    assert grade.checker_text(nbformat.v4.new_code_cell("x")) == "(no output)"
