"""Every notebook, with every exercise answered wrongly, shows no traceback outside the learner's own cells.

Slow (every notebook twice, each exercise/checker pair in a kernel of its own): ``make wrong-answers-test``.  The
unfinished answer (``raise NotImplementedError``) is the student edition: every notebook of it runs here (``make test``
runs two, tests/test_student_edition.py).
"""

import pytest

from tests.notebook_files import NOTEBOOK_PATHS, read
from tests.test_student_edition import SOLVED, edition, student_notebook_runs_and_every_checker_says_not_implemented  # noqa: F401
from tests.wrong_answers import execute, output_text, pairs_notebook, problems, run_with
from tools.nbgrader_cells import exercises

WITH_EXERCISES = [p for p in NOTEBOOK_PATHS if exercises(read(p))]
PAIRS = [(p, name) for p in WITH_EXERCISES for *_, name, _ in exercises(read(p))]


@pytest.mark.parametrize("path", SOLVED, ids=lambda p: p.stem)
def test_every_student_notebook_runs_and_every_checker_says_not_implemented(edition, path):  # noqa: F811
    student_notebook_runs_and_every_checker_says_not_implemented(edition, path)


@pytest.mark.parametrize("answer", ["return None", "raising"])
@pytest.mark.parametrize("path", WITH_EXERCISES, ids=lambda p: p.stem)
def test_no_traceback_outside_the_exercise_cells(path, answer):
    found, checkers = run_with(path, answer)
    assert found == [], f"{path.name} answered '{answer}': {found}"
    for cell, text in checkers:
        assert text.startswith("✗"), f"{path.name} cell {cell}: {text}"


@pytest.mark.parametrize("path, name", PAIRS, ids=lambda v: getattr(v, "stem", v))
def test_the_exercise_and_its_checker_alone_in_a_fresh_kernel(path, name):
    nb, index = pairs_notebook([path], reset=False)
    pair = next(i for i, (label, *_) in enumerate(index) if label.endswith(f": {name}"))
    start = 3 * pair  # each pair is three cells: setup, exercise, checker
    nb.cells = nb.cells[start : start + 3]
    execute(nb)
    assert problems(nb, {1}) == []
    text = output_text(nb.cells[2])
    assert text.startswith("✓") or "which this kernel does not know" in text, text
