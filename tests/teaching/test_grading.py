"""Grading end to end with nbgrader (`make grade-test`): full marks, zero, and exactly one exercise lost.

Three learners hand in every notebook with exercises: "solved" the course notebooks as they are (solutions in
place), "student" the student edition of `make student` untouched, and "planted" the solutions with one mistake
planted in the last exercise of a notebook that has several.  `make grade` must give the first full marks, the
second zero without failing, and the third everything but that one exercise; the checkers' words must reach
each learner; and nbgrader's release must be `make student`'s edition.
"""

import nbformat
import pytest

pytest.importorskip("nbgrader", reason="the lecturer's tools: make teach")

from nbgrader.converters import GenerateAssignment  # noqa: E402
from traitlets.config.loader import PyFileConfigLoader  # noqa: E402

from tests.notebook_files import NOTEBOOK_DIR, ROOT  # noqa: E402
from tools import grade  # noqa: E402
from tools.make_student import student_edition, write_edition  # noqa: E402
from tools.nbgrader_cells import POINTS, is_exercise  # noqa: E402

EXERCISES = grade.course_exercises()
TARGET = next(exs for exs in EXERCISES.values() if len(exs) > 1)[-1]  # nothing after it uses its function
PLANTED = """


_right_{name} = {name}


def {name}(*args):  # a planted mistake: whatever the function returns, doubled
    value = _right_{name}(*args)
    if isinstance(value, dict):
        return {{k: 2 * v for k, v in value.items()}}
    return tuple(2 * v for v in value) if isinstance(value, tuple) else 2 * value
"""


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("grading")
    submissions = root / "submissions"
    for learner in ("solved", "planted"):
        (submissions / learner).mkdir(parents=True)
        for stem in EXERCISES:
            nb = nbformat.read(NOTEBOOK_DIR / f"{stem}.ipynb", as_version=4)
            if learner == "planted" and stem == TARGET.notebook:
                cell = next(c for c in nb.cells if is_exercise(c) and c.metadata["nbgrader"]["grade_id"] == TARGET.name)
                cell.source += PLANTED.format(name=TARGET.name)
            nbformat.write(nb, submissions / learner / f"{stem}.ipynb")
    write_edition(NOTEBOOK_DIR, submissions / "student")
    (submissions / "student" / "00_index.ipynb").unlink()  # the course map is no assignment
    scores = grade.grade(submissions, root / "grades")
    print(grade.show(scores))
    return root / "grades", scores


def test_the_solved_notebooks_score_full_marks(graded):
    _, scores = graded
    assert scores["solved"] and set(scores["solved"].values()) == {POINTS}


def test_the_student_edition_scores_zero_and_every_notebook_was_graded(graded):
    out, scores = graded
    assert set(scores["student"].values()) == {0}
    feedback = (out / "feedback" / "student.md").read_text(encoding="utf-8")
    assert feedback.count("not implemented yet") == sum(map(len, EXERCISES.values()))


def test_a_planted_mistake_loses_exactly_that_exercises_points(graded):
    out, scores = graded
    lost = {ex: points for ex, points in scores["planted"].items() if points != POINTS}
    assert lost == {TARGET: 0}
    feedback = (out / "feedback" / "planted.md").read_text(encoding="utf-8")
    assert f"### {TARGET.name}: 0 of {POINTS}\n\n```\n✗ {TARGET.name}: not yet right." in feedback


def test_the_table_and_nbgraders_feedback_pages_are_written(graded):
    out, scores = graded
    rows = (out / "scores.csv").read_text(encoding="utf-8").splitlines()
    assert len(rows) == 1 + 3 and rows[0].count(",") == 1 + sum(map(len, EXERCISES.values())) + 1
    for learner in scores:
        assert {p.stem for p in (out / "feedback" / learner).glob("*.html")} == set(EXERCISES)
    page = (out / "feedback" / "student" / f"{TARGET.notebook}.html").read_text(encoding="utf-8")
    assert "not implemented yet" in page  # the checker's words, in the page nbgrader made for the learner


def test_nbgraders_release_is_the_student_edition(graded):
    out, _ = graded
    for stem in EXERCISES:
        release = nbformat.read(out / "nbgrader" / "release" / stem / f"{stem}.ipynb", as_version=4)
        edition, _ = student_edition(nbformat.read(NOTEBOOK_DIR / f"{stem}.ipynb", as_version=4))
        assert [(c.cell_type, c.source, c.get("outputs")) for c in release.cells] == [
            (c.cell_type, c.source, c.get("outputs")) for c in edition.cells
        ]


def test_the_config_changes_only_how_solutions_are_cleared_from_nbgraders_defaults():
    config = ROOT / "tools" / "nbgrader_config.py"
    ours = PyFileConfigLoader(config.name, path=str(config.parent)).load_config().GenerateAssignment.preprocessors
    defaults = [f"{p.__module__.rsplit('.', 1)[0]}.{p.__name__}" for p in GenerateAssignment.preprocessors.default()]
    expected = ["make_student.StudentEdition" if p.endswith("ClearSolutions") else p for p in defaults]
    assert ours == [p for p in expected if not p.endswith("ClearOutput")]
