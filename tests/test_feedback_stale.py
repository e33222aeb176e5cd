"""A checker never grades a function older than its exercise cell: it says "run the exercise cell first".

IPython's own shell (the kernel's, without the messaging) runs the cells here, with history kept as JupyterLab's
kernel keeps it; the notebook file is what JupyterLab saves, and ``__session__`` its path, as ipykernel sets it.
"""

import nbformat
import pytest
from IPython.core.interactiveshell import InteractiveShell

from course.exercises._feedback import run_learner, stale_message
from course.exercises.finite_differences import check_centred_difference

BLANK = 'def centred_difference(f, x, eps):\n    raise NotImplementedError("exercise not done yet")\n'
WRITTEN = (
    "def centred_difference(f, x, eps):\n    g = np.zeros_like(x)\n    for i in range(x.size):\n"
    "        e = np.zeros_like(x)\n        e.flat[i] = eps\n        g.flat[i] = (f(x + e) - f(x - e)) / (2 * eps)\n"
    "    return g\n"
)
CHECK = "check_centred_difference(centred_difference)"


@pytest.fixture
def shell():
    InteractiveShell.clear_instance()
    sh = InteractiveShell.instance()
    sh.run_cell("import numpy as np", store_history=True)
    yield sh
    InteractiveShell.clear_instance()


def saved_notebook(tmp_path, exercise_text, name="lesson.ipynb"):
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("import numpy as np"),
        nbformat.v4.new_code_cell(exercise_text),
        nbformat.v4.new_code_cell(
            f"from course.exercises.finite_differences import check_centred_difference\n\n{CHECK}"
        ),
    ]
    path = tmp_path / name
    nbformat.write(nb, path)
    return path


def test_outside_ipython_nothing_is_claimed():
    def f(x):
        return x

    assert stale_message(f) is None
    assert run_learner("f", f, 3) == (3, None)


def test_a_function_from_the_latest_run_of_its_cell_is_current(shell, tmp_path):
    shell.user_ns["__session__"] = str(saved_notebook(tmp_path, WRITTEN))
    shell.run_cell(WRITTEN, store_history=True)
    assert stale_message(shell.user_ns["centred_difference"], shell) is None
    assert check_centred_difference(shell.user_ns["centred_difference"]).passed


def test_an_edit_that_stopped_with_an_error_is_named(shell):
    shell.run_cell(BLANK, store_history=True)
    shell.run_cell(WRITTEN.replace("return g", "return g)"), store_history=True)  # a SyntaxError: no new def
    fb = check_centred_difference(shell.user_ns["centred_difference"])
    assert fb.status == "not run" and not fb.passed
    assert "run the exercise cell first" in fb.text and "stopped with an error" in fb.text


def test_an_edited_cell_that_was_saved_but_not_run_is_named(shell, tmp_path):
    shell.user_ns["__session__"] = str(saved_notebook(tmp_path, WRITTEN))  # the learner's edit, saved, never run
    shell.run_cell(BLANK, store_history=True)
    fb = check_centred_difference(shell.user_ns["centred_difference"])
    assert fb.status == "not run" and "has changed since it last ran" in fb.text
    assert "not implemented" not in fb.text  # the old verdict is not given


def test_a_function_defined_by_another_cell_of_the_same_name_is_named(shell, tmp_path):
    # Notebook 08's case: an earlier cell defines the same name; the exercise cell itself never ran.
    shell.user_ns["__session__"] = str(saved_notebook(tmp_path, WRITTEN))
    shell.run_cell("def centred_difference(f, x, eps):\n    return np.zeros_like(x)  # the lesson's own\n", True)
    assert check_centred_difference(shell.user_ns["centred_difference"]).status == "not run"


def test_a_newer_run_not_yet_saved_is_current(shell, tmp_path):
    shell.user_ns["__session__"] = str(saved_notebook(tmp_path, BLANK))  # the file still has the blank version
    shell.run_cell(BLANK, store_history=True)
    shell.run_cell(WRITTEN, store_history=True)  # edited and run, autosave not yet done
    assert check_centred_difference(shell.user_ns["centred_difference"]).passed


def test_without_history_nothing_is_claimed(shell, tmp_path):
    # nbval and nbgrader run cells without history: no verdict may depend on it.
    shell.user_ns["__session__"] = str(saved_notebook(tmp_path, WRITTEN))
    shell.run_cell(BLANK, store_history=False)
    assert stale_message(shell.user_ns["centred_difference"], shell) is None


def test_a_missing_or_broken_notebook_file_claims_nothing(shell, tmp_path):
    (tmp_path / "broken.ipynb").write_text("{not json")
    for session in (str(tmp_path / "absent.ipynb"), str(tmp_path / "broken.ipynb"), 42):
        shell.user_ns["__session__"] = session
        shell.run_cell(BLANK, store_history=True)
        assert stale_message(shell.user_ns["centred_difference"], shell) is None


def test_the_blank_exercise_says_to_run_the_exercise_cell():
    def centred_difference(f, x, eps):
        raise NotImplementedError

    text = check_centred_difference(centred_difference).text
    assert "not implemented yet" in text and "run the exercise cell" in text


def test_a_function_not_written_in_a_cell_is_graded_as_it_is(shell):
    from rnn_lib.gradcheck import numerical_gradient

    assert stale_message(numerical_gradient, shell) is None


def test_a_cell_with_a_magic_is_recognised_as_run(shell, tmp_path):
    # IPython runs `%time …` translated; the notebook file holds what was typed.
    typed = WRITTEN + "%time 1 + 1\n"
    shell.user_ns["__session__"] = str(saved_notebook(tmp_path, typed))
    shell.run_cell(typed, store_history=True)
    assert stale_message(shell.user_ns["centred_difference"], shell) is None
