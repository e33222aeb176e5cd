"""Run notebooks as a learner who gets the exercises wrong, and collect what a learner would see go wrong.

Shared by the fast check in ``make test`` (tests/test_wrong_answers.py: every exercise/checker pair in one kernel)
and the slow one behind ``make wrong-answers-test`` (tests/teaching/test_wrong_answers_every_notebook.py: every
notebook, every kind of wrong answer, every pair in a kernel of its own).
"""

from __future__ import annotations

import nbformat
from nbclient import NotebookClient

from tests.notebook_files import NOTEBOOK_DIR, read
from tools.make_student import UNFINISHED, student_edition
from tools.nbgrader_cells import exercises

# What each exercise's solution block becomes: the kinds of wrong answer every later cell must survive.
ANSWERS = {
    "return None": ("return None",),
    "raising": ('raise RuntimeError("a slip in the learner\'s code")',),
    "unfinished": UNFINISHED,
}


def execute(nb, timeout=600):
    """Execute ``nb`` in place in a fresh kernel started in the notebooks' folder, errors recorded, not raised."""
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        allow_errors=True,
        resources={"metadata": {"path": str(NOTEBOOK_DIR)}},
    )
    client.execute()
    return nb


def output_text(cell) -> str:
    return "".join(out.get("text", "") + str(out.get("data", {}).get("text/plain", "")) for out in cell.outputs)


def problems(nb, exercise_cells) -> list:
    """What a learner would see go wrong outside the exercise cells: tracebacks and stderr, as (cell, text)."""
    found = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or i in exercise_cells:
            continue
        for out in cell.outputs:
            if out.output_type == "error":
                found.append((i, f"{out.ename}: {out.evalue}"))
            elif out.output_type == "stream" and out.name == "stderr":
                found.append((i, f"stderr: {out.text[:300]}"))
    return found


def run_with(path, answer: str):
    """The notebook at ``path`` with every exercise answered ``answer`` (a key of ANSWERS), executed.

    Returns (problems, checker outputs): problems as :func:`problems`; checker outputs, (cell, text) per checker.
    """
    original = read(path)
    found = exercises(original)
    nb, _ = student_edition(original, ANSWERS[answer])
    execute(nb)
    checkers = [(checker, output_text(nb.cells[checker])) for _, checker, _, _ in found]
    return problems(nb, {exercise for exercise, *_ in found}), checkers


def pairs_notebook(paths, *, reset: bool) -> tuple:
    """One notebook holding, for each exercise of ``paths``: (``%reset -f``,) the setup cell, the exercise, its checker.

    Returns (notebook, [(label, exercise cell index, checker cell index)]) — indices into the new notebook.
    With ``reset``, every pair starts from an empty namespace (imported modules stay loaded: the names are what a
    restart takes away); the slow test gives each pair a kernel of its own instead.
    """
    nb = nbformat.v4.new_notebook()
    index = []
    for path in paths:
        original = read(path)
        setup = next(c for c in original.cells if c.cell_type == "code")
        for exercise, checker, name, _ in exercises(original):
            if reset:
                nb.cells.append(nbformat.v4.new_code_cell("%reset -f"))
            nb.cells.append(nbformat.v4.new_code_cell(setup.source))
            nb.cells.append(nbformat.v4.new_code_cell(original.cells[exercise].source))
            nb.cells.append(nbformat.v4.new_code_cell(original.cells[checker].source))
            index.append((f"{path.stem}: {name}", len(nb.cells) - 2, len(nb.cells) - 1))
    return nb, index
