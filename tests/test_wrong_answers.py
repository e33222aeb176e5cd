"""A learner who gets an exercise wrong reads words, not tracebacks — the fast part, run by ``make test``.

Every notebook with every kind of wrong answer (``return None``, raising), and every pair in a kernel of its own, is
the slow part: ``make wrong-answers-test`` (tests/teaching/test_wrong_answers_every_notebook.py).  ``make test`` runs two notebooks
of the student edition, whose unfinished answers raise (tests/test_student_edition.py).
"""

import numpy as np
import pytest

from course.exercises import usable
from course.exercises.grammar import check_legal_set_accuracy
from tests.notebook_files import NOTEBOOK_PATHS, read
from tests.wrong_answers import execute, output_text, pairs_notebook, problems
from tools.nbgrader_cells import exercises


def earlier_exercises():
    """function name → the names of the functions of earlier exercises of its notebook."""
    out = {}
    for path in NOTEBOOK_PATHS:
        names = [name for *_, name, _ in exercises(read(path))]
        out.update({name: names[:k] for k, name in enumerate(names)})
    return out


def test_every_exercise_and_its_checker_work_alone_after_the_setup_cell():
    # The namespace is emptied before each pair (%reset -f): every name a checker cell calls must be its own.
    nb, index = pairs_notebook(NOTEBOOK_PATHS, reset=True)
    assert len(index) >= 20
    execute(nb)
    assert problems(nb, {exercise for _, exercise, _ in index}) == []
    before = earlier_exercises()
    for label, _, checker in index:
        text = output_text(nb.cells[checker])
        name = label.split(": ")[1]
        uses_earlier = any(f"uses `{other}`, which this kernel does not know" in text for other in before[name])
        assert text.startswith("✓") or uses_earlier, f"{label}: {text}"


def right_accuracy(probs, allowed):
    has = allowed.any(axis=1)
    lowest = np.where(allowed, probs, np.inf).min(axis=1)
    highest = np.where(allowed, -np.inf, probs).max(axis=1)
    return float((lowest > highest)[has].mean())


def test_usable_is_silent_for_a_right_answer(capsys):
    assert usable(right_accuracy, check_legal_set_accuracy)
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize(
    "answer, words",
    [
        (lambda probs, allowed: None, "does not pass its checker yet"),
        (lambda probs, allowed: 1 / 0, "does not pass its checker yet"),
        (None, "does not pass its checker yet"),
    ],
)
def test_usable_says_in_words_why_it_stops(capsys, answer, words):
    assert not usable(answer, check_legal_set_accuracy)
    out = " ".join(capsys.readouterr().out.split())  # as read, whatever the wrapping
    assert words in out and "run its cell and the checker again" in out and "Traceback" not in out


def test_usable_names_an_unfinished_function(capsys):
    def legal_set_accuracy(probs, allowed):
        raise NotImplementedError

    assert not usable(legal_set_accuracy, check_legal_set_accuracy)
    out = " ".join(capsys.readouterr().out.split())  # as read, whatever the wrapping
    assert "`legal_set_accuracy`" in out and "not written yet" in out


def test_usable_survives_a_wrong_answer_that_sys_exits(capsys):
    def legal_set_accuracy(probs, allowed):
        raise SystemExit(3)

    assert not usable(legal_set_accuracy, check_legal_set_accuracy)
