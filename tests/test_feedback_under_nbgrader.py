"""A checker's Feedback is the cell's result for a learner, and graded the way nbgrader grades under nbgrader.

nbgrader (autograde, validate) sets NBGRADER_EXECUTION in the kernel's environment and gives a test cell no
points when it shows an error or writes to stderr; it reads a result as a partial score.
"""

import nbformat
import pytest
from IPython.lib.pretty import pretty
from nbclient import NotebookClient

from course.exercises import Feedback

RIGHT = Feedback("ex", "correct")
WRONG = Feedback("ex", "wrong", ["a detail"])
UNDONE = Feedback("ex", "not implemented")


@pytest.mark.parametrize("fb", [RIGHT, WRONG, UNDONE], ids=lambda fb: fb.status)
def test_outside_nbgrader_the_result_is_the_text(fb, monkeypatch):
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    assert pretty(fb) == str(fb) == repr(fb)


@pytest.mark.parametrize(
    "fb, stream", [(RIGHT, "out"), (WRONG, "err"), (UNDONE, "err")], ids=["right", "wrong", "undone"]
)
def test_under_nbgrader_the_text_is_printed_right_to_stdout_else_to_stderr(fb, stream, monkeypatch, capsys):
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    with pytest.raises(NotImplementedError):  # no plain-text result
        pretty(fb)
    printed = capsys.readouterr()
    assert getattr(printed, stream) == f"{fb}\n" and getattr(printed, "err" if stream == "out" else "out") == ""


def run(sources, under_nbgrader: bool, monkeypatch):
    """The outputs of each cell, as (type, stream name, text), run in a fresh kernel."""
    if under_nbgrader:
        monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")  # the kernel inherits this environment
    else:
        monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
    NotebookClient(nb, timeout=60, kernel_name="python3").execute()
    return [
        [(o.output_type, o.get("name"), o.get("text") or o.get("data", {}).get("text/plain")) for o in c.outputs]
        for c in nb.cells
    ]


CELLS = ["from course.exercises import Feedback", "Feedback('ex', 'wrong', ['a detail'])", "Feedback('ex', 'correct')"]


def test_in_a_kernel_a_learner_sees_the_feedback_as_the_result(monkeypatch):
    outputs = run(CELLS, False, monkeypatch)
    assert outputs[1:] == [[("execute_result", None, str(WRONG))], [("execute_result", None, str(RIGHT))]]


def test_in_a_kernel_under_nbgrader_a_wrong_answer_fails_the_cell_and_a_right_one_does_not(monkeypatch):
    outputs = run(CELLS, True, monkeypatch)
    assert outputs[1] == [("stream", "stderr", f"{WRONG}\n")]  # stderr: nbgrader gives no points
    assert outputs[2] == [("stream", "stdout", f"{RIGHT}\n")]  # no error, no stderr, no result: full points
