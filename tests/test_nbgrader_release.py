"""One source: nbgrader's release of a notebook is made by the function that writes `make student`'s edition.

These run without nbgrader; `make grade-test` runs nbgrader itself and compares its release with `make student`.
"""

import copy
import importlib
from pathlib import Path

import nbformat
import pytest
from traitlets.config.loader import PyFileConfigLoader

from tests.notebook_files import NOTEBOOK_PATHS, ROOT, read
from tools import make_student
from tools.make_student import BEGIN, StudentEdition, student_edition
from tools.nbgrader_cells import is_exercise

CONFIG = ROOT / "tools" / "nbgrader_config.py"


@pytest.fixture(scope="module")
def preprocessors():
    return PyFileConfigLoader(CONFIG.name, path=str(CONFIG.parent)).load_config().GenerateAssignment.preprocessors


def test_nbgrader_makes_the_student_edition_with_the_course_function(preprocessors):
    assert "make_student.StudentEdition" in preprocessors
    assert not any(p.endswith(("ClearSolutions", "ClearOutput")) for p in preprocessors)


def test_the_configured_preprocessor_is_the_one_in_make_student(preprocessors):
    module, name = next(p for p in preprocessors if not p.startswith("nbgrader.")).rsplit(".", 1)
    configured = importlib.import_module(module)  # importable: the config put tools/ on sys.path
    assert Path(configured.__file__) == Path(make_student.__file__) and name == StudentEdition.__name__


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=lambda p: p.stem)
def test_release_preprocessor_gives_the_student_edition(path):
    nb = read(path)
    released, _ = StudentEdition().preprocess(copy.deepcopy(nb), {})
    edition, _ = student_edition(nb)
    assert released == edition
    assert BEGIN not in "".join(c.source for c in released.cells if c.cell_type == "code")


def test_release_refuses_a_solution_in_a_cell_nbgrader_does_not_know():
    nb = next(nb for nb in map(read, NOTEBOOK_PATHS) if any(is_exercise(c) for c in nb.cells))
    cell = next(c for c in nb.cells if is_exercise(c))
    del cell.metadata["nbgrader"]
    with pytest.raises(ValueError, match="make sync"):
        StudentEdition().preprocess(nb, {})


def test_release_drops_nbgraders_toolbar_setting():
    nb = nbformat.v4.new_notebook(metadata={"celltoolbar": "Create Assignment"})
    released, _ = StudentEdition().preprocess(nb, {})
    assert "celltoolbar" not in released.metadata
