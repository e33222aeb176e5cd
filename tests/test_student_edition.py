"""The student edition hides every solution, runs without errors, and never overwrites a learner's work.

``make test`` runs two notebooks of the student edition (one of the first chapter, one with a single-number
checker); ``make wrong-answers-test`` runs all of them (tests/teaching/test_wrong_answers_every_notebook.py), with
every other kind of wrong answer.
"""

import nbformat
import pytest
from nbclient import NotebookClient

from tests.notebook_files import NOTEBOOK_DIR, NOTEBOOK_PATHS, read
from tools.make_student import BEGIN, is_untouched, strip_solutions, write_edition

SOLVED = [p for p in NOTEBOOK_PATHS if any(BEGIN in c.source for c in read(p).cells if c.cell_type == "code")]
FAST = [p for p in SOLVED if p.stem in ("01_forward_pass", "16_softmax_and_cross_entropy")]


def test_strip_solutions_keeps_indentation_and_the_rest():
    source = "def f(x):\n    y = 1\n    ### BEGIN SOLUTION\n    return x + y\n    ### END SOLUTION\n\nprint(2)"
    new, n = strip_solutions(source)
    assert n == 1
    assert "return x + y" not in new and "    raise NotImplementedError" in new
    assert new.startswith("def f(x):\n    y = 1\n") and new.endswith("\nprint(2)")


@pytest.mark.parametrize("bad", ["### BEGIN SOLUTION\nx = 1\n### END SOLUTION", "def f():\n    ### BEGIN SOLUTION\n"])
def test_malformed_solution_blocks_are_refused(bad):
    with pytest.raises(ValueError):
        strip_solutions(bad)


@pytest.fixture(scope="module")
def edition(tmp_path_factory):
    out = tmp_path_factory.mktemp("student")
    write_edition(NOTEBOOK_DIR, out)
    return out


def test_course_has_exercises():
    assert SOLVED, "no notebook has a ### BEGIN SOLUTION block"


def test_the_fast_run_covers_two_notebooks():
    assert len(FAST) == 2


@pytest.mark.parametrize("path", FAST, ids=lambda p: p.stem)
def test_student_notebook_runs_and_every_checker_says_not_implemented(edition, path):
    student_notebook_runs_and_every_checker_says_not_implemented(edition, path)


def student_notebook_runs_and_every_checker_says_not_implemented(edition, path):
    nb = read(edition / path.name)
    assert BEGIN not in "".join(c.source for c in nb.cells)
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(edition)}}).execute()
    texts = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for out in cell.outputs:
            assert out.output_type != "error", f"{path.name}: {out.get('ename')}: {out.get('evalue')}"
            texts.append(out.get("text", "") + str(out.get("data", {}).get("text/plain", "")))
    assert any("not implemented yet" in t for t in texts), f"{path.name}: no checker reported 'not implemented yet'"
    assert not any("✓" in t and "correct" in t for t in texts), f"{path.name}: an unsolved exercise was marked correct"


def test_a_learners_changes_are_never_overwritten(edition):
    target = edition / SOLVED[0].name
    nb = read(target)
    nb.cells[0].source += "\n\nMy notes."
    nbformat.write(nb, target)
    messages = write_edition(NOTEBOOK_DIR, edition)
    assert "My notes." in read(target).cells[0].source
    assert (edition / target.name.replace(".ipynb", ".new.ipynb")).exists()
    assert any("kept" in m for m in messages)


def test_an_untouched_copy_is_recognised(edition):
    assert is_untouched(edition / NOTEBOOK_PATHS[0].name)
