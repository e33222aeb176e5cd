"""Every exercise is nbgrader-ready: its metadata is what `make sync` generates from the markers, nothing else."""

import nbformat
import pytest

from tests.notebook_files import NOTEBOOK_PATHS, read
from tools import nbgrader_cells
from tools.make_student import BEGIN

WITH_EXERCISES = [p for p in NOTEBOOK_PATHS if any(nbgrader_cells.is_exercise(c) for c in read(p).cells)]


def notebook(*sources):
    """A notebook from sources; a source starting with '#md' is a markdown cell."""
    cells = [
        nbformat.v4.new_markdown_cell(s[3:]) if s.startswith("#md") else nbformat.v4.new_code_cell(s) for s in sources
    ]
    return nbformat.v4.new_notebook(cells=cells)


EXERCISE = f"def f(x):\n    {BEGIN}\n    return x\n    ### END SOLUTION"


def test_the_course_has_exercises():
    assert len(WITH_EXERCISES) >= 10


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=lambda p: p.stem)
def test_metadata_is_what_the_tool_generates(path):
    nb = read(path)
    assert [c.metadata.get("nbgrader") for c in nb.cells] == nbgrader_cells.metadata(nb), "run `make sync`"


@pytest.mark.parametrize("path", WITH_EXERCISES, ids=lambda p: p.stem)
def test_each_exercise_is_a_solution_cell_followed_by_an_autograded_checker_worth_points(path):
    nb = read(path)
    meta = [c.metadata.get("nbgrader", {}) for c in nb.cells]
    for i, cell in enumerate(nb.cells):
        if nbgrader_cells.is_exercise(cell):
            assert meta[i]["solution"] and not meta[i]["grade"] and not meta[i]["locked"]
            checker = next(j for j in range(i + 1, len(nb.cells)) if nb.cells[j].cell_type == "code")
            assert meta[checker]["grade"] and meta[checker]["locked"] and not meta[checker]["solution"]
            assert meta[checker]["points"] == nbgrader_cells.POINTS > 0
            assert f"{meta[checker]['grade_id']}(" in nb.cells[checker].source  # the checker the cell calls


@pytest.mark.parametrize("path", WITH_EXERCISES, ids=lambda p: p.stem)
def test_every_other_code_cell_is_read_only_and_ids_are_unique(path):
    nb = read(path)
    meta = [c.metadata.get("nbgrader") for c in nb.cells]
    for cell, m in zip(nb.cells, meta):
        if cell.cell_type == "markdown":
            assert m is None
        else:
            assert m["schema_version"] == 3 and {"grade", "grade_id", "locked", "solution"} <= set(m)
            assert m["solution"] or m["locked"], "a code cell the learner does not write in must be read-only"
    ids = [m["grade_id"] for m in meta if m]
    assert len(ids) == len(set(ids))


def test_a_notebook_without_exercises_gets_no_metadata():
    nb = notebook("x = 1", "#md text")
    assert nbgrader_cells.metadata(nb) == [None, None]
    nb.cells[0].metadata["nbgrader"] = {"locked": True}  # stale metadata is removed
    assert nbgrader_cells.apply(nb) and "nbgrader" not in nb.cells[0].metadata


def test_apply_writes_the_roles_and_a_second_pass_changes_nothing():
    nb = notebook("import numpy", EXERCISE, "#md words", "check_f(f)", "f(2)")
    assert nbgrader_cells.apply(nb)
    roles = [(m or {}).get("grade_id") for m in (c.metadata.get("nbgrader") for c in nb.cells)]
    assert roles == [f"cell-{nb.cells[0].id}", "f", None, "check_f", f"cell-{nb.cells[4].id}"]
    assert not nbgrader_cells.apply(nb)


@pytest.mark.parametrize(
    "sources, message",
    [
        ((EXERCISE,), "next code cell must call its checker"),
        ((EXERCISE, "print(f(1))"), "next code cell must call its checker"),
        ((EXERCISE, EXERCISE.replace("def f", "def g"), "check_g(g)"), "next code cell must call its checker"),
        ((f"x = 1\n{BEGIN}\n### END SOLUTION", "check_x(x)"), "must define the function"),
        ((EXERCISE, "check_f(f)", EXERCISE, "check_f(f)"), "share a function or checker name"),
    ],
)
def test_an_exercise_off_the_pattern_is_refused_with_a_reason(sources, message):
    with pytest.raises(ValueError, match=message):
        nbgrader_cells.metadata(notebook(*sources))
