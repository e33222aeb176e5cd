"""`make grade` checks every submission before it grades anything, builds the notebook that runs from the course's
cells and the learner's, and reports what it found in one table.

Grading a class end to end, in the sandbox: `make grade-test`.
"""

import csv
import shutil
from pathlib import Path

import nbformat
import pytest

from tests.notebook_files import NOTEBOOK_DIR, read
from tools import grade
from tools.nbgrader_cells import POINTS

EXERCISES = grade.course_exercises()
FIRST = next(iter(EXERCISES))  # a course notebook with exercises
MODULES = grade.checker_modules()


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


def test_a_dot_folder_is_refused_by_name(tmp_path):
    learner_folder(tmp_path, "ann", FIRST)
    learner_folder(tmp_path, ".bob", FIRST)
    with pytest.raises(ValueError, match=r"\.bob: a folder whose name starts with a dot"):
        grade.read_submissions(tmp_path, EXERCISES)


def test_a_symlinked_notebook_is_refused_by_name(tmp_path):
    learner_folder(tmp_path, "alice", FIRST)
    (tmp_path / "bob").mkdir()
    (tmp_path / "bob" / f"{FIRST}.ipynb").symlink_to(tmp_path / "alice" / f"{FIRST}.ipynb")
    with pytest.raises(ValueError, match=f"bob/{FIRST}.ipynb: a symbolic link"):
        grade.read_submissions(tmp_path, EXERCISES)


def test_a_symlinked_learner_folder_is_refused_by_name(tmp_path):
    learner_folder(tmp_path, "alice", FIRST)
    (tmp_path / "bob").symlink_to(tmp_path / "alice")
    with pytest.raises(ValueError, match="bob: a symbolic link"):
        grade.read_submissions(tmp_path, EXERCISES)


def test_an_unreadable_notebook_is_named(tmp_path):
    (tmp_path / "in" / "ann").mkdir(parents=True)
    (tmp_path / "in" / "ann" / f"{FIRST}.ipynb").write_text("not json")
    with pytest.raises(ValueError, match=f"ann/{FIRST}.ipynb: not a readable notebook"):
        grade.read_submissions(tmp_path / "in", EXERCISES)


def test_the_table_has_a_column_per_exercise_counts_missing_and_failed_as_zero_and_shows_the_flags(tmp_path):
    f, g = grade.Exercise("01_x", "f", "check_f"), grade.Exercise("01_x", "g", "check_g")
    results = {
        "ann": grade.Graded(points={f: 1.0, g: 0.0}),
        "bo": grade.Graded(points={f: None, g: None}),
        "cy": grade.Graded(points={f: grade.FAILED, g: grade.FAILED}, flags=["timed out in 01_x", "os.environ"]),
    }
    grade.write_table(tmp_path / "scores.csv", results, [f, g])
    rows = list(csv.reader((tmp_path / "scores.csv").read_text(encoding="utf-8").splitlines()))
    assert rows == [
        ["learner", "01:f", "01:g", "total", "max", "flags"],
        ["ann", "1", "0", "1", str(2 * POINTS), ""],
        ["bo", "", "", "0", str(2 * POINTS), ""],
        ["cy", "error", "error", "0", str(2 * POINTS), "timed out in 01_x; os.environ"],
    ]
    assert grade.show(results).splitlines()[2].split() == ["bo", "—", "—", "0"]


def test_the_feedback_is_written_in_the_language_asked_for(tmp_path):
    f = grade.Exercise("01_x", "f", "check_f")
    result = grade.Graded(points={f: 1.0}, texts={f: "✓ f: correct."})
    grade.write_feedback(tmp_path / "en", "ann", {"01_x": None}, result, {"01_x": [f]}, {})
    grade.write_feedback(tmp_path / "zh", "ann", {"01_x": None}, result, {"01_x": [f]}, {}, lang="zh")
    english = (tmp_path / "en" / "ann.md").read_text(encoding="utf-8").split("\n")
    chinese = (tmp_path / "zh" / "ann.md").read_text(encoding="utf-8").split("\n")
    assert english[0] == "# Feedback for ann" and chinese[0] == "# 给 ann 的反馈"
    assert f"## 01_x：1 分（满分 {POINTS} 分）" in chinese and f"### f：1 / {POINTS}" in chinese
    with pytest.raises(ValueError, match="expected one of en, zh"):
        grade.grade(tmp_path, tmp_path / "out", lang="fr")


def prepared(nb, stem=FIRST):
    return grade.prepare(read(NOTEBOOK_DIR / f"{stem}.ipynb"), nb, EXERCISES[stem], MODULES, Path("/w/r.jsonl"))


@pytest.mark.parametrize("stem", list(EXERCISES))
def test_every_course_notebook_prepares_with_each_checker_recording(stem):
    result = prepared(read(NOTEBOOK_DIR / f"{stem}.ipynb"), stem)
    assert result.problems == []
    for ex in EXERCISES[stem]:
        cell = result.notebook.cells[result.checker_cells[ex.test_id]]
        assert cell.source.endswith(f"lambda: {ex.name})") and grade.GRADER in cell.source
    assert result.notebook.cells[0].metadata["rnn_grader"] == "setup"


def test_an_edited_read_only_cell_is_put_back_and_the_learners_cells_are_kept():
    nb = read(NOTEBOOK_DIR / f"{FIRST}.ipynb")
    locked = next(c for c in nb.cells if c.cell_type == "code" and c.metadata["nbgrader"]["locked"])
    original = locked.source
    locked.source = "import os; os.environ.clear()"
    nb.cells.insert(1, nbformat.v4.new_code_cell("helper = 1"))
    result = prepared(nb)
    sources = [c.source for c in result.notebook.cells]
    assert original in sources and locked.source not in sources and "helper = 1" in sources
    assert "helper = 1" in result.learner_sources


def test_a_rewritten_checker_cell_is_put_back():
    nb = read(NOTEBOOK_DIR / f"{FIRST}.ipynb")
    ex = EXERCISES[FIRST][0]
    cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == ex.test_id)
    cell.source, cell.metadata["nbgrader"]["points"] = "print('all good')", 100
    result = prepared(nb)
    assert result.notebook.cells[result.checker_cells[ex.test_id]].source.endswith(f"lambda: {ex.name})")


@pytest.mark.parametrize("change", ["delete", "duplicate"])
def test_a_deleted_or_duplicated_course_cell_refuses_the_notebook(change):
    nb = read(NOTEBOOK_DIR / f"{FIRST}.ipynb")
    i = next(i for i, c in enumerate(nb.cells) if c.cell_type == "code")
    if change == "delete":
        del nb.cells[i]
    else:
        nb.cells.insert(i, nbformat.from_dict(dict(nb.cells[i])))
    assert prepared(nb).problems and ("missing" in prepared(nb).problems[0] or "twice" in prepared(nb).problems[0])


def test_every_checker_the_notebooks_call_has_a_module():
    assert {ex.test_id for exs in EXERCISES.values() for ex in exs} <= set(MODULES)


def test_the_feedback_page_shows_the_verdict_given_outside_and_no_html_of_the_learners():
    result = prepared(read(NOTEBOOK_DIR / f"{FIRST}.ipynb"))
    script = "<script>alert('from the learner')</script>"
    outputs = [[nbformat.v4.new_output("display_data", data={"text/html": script, "text/plain": "shown"})]] * len(
        result.notebook.cells
    )
    ex = EXERCISES[FIRST][0]
    kernel_said = "✓ forged in the kernel"
    outputs[result.checker_cells[ex.test_id]] = [nbformat.v4.new_output("stream", name="stdout", text=kernel_said)]
    texts = {e: f"✗ {e.name}: not yet right (given outside)." for e in EXERCISES[FIRST]}
    page = grade.feedback_page(result, outputs, EXERCISES[FIRST], texts, read(NOTEBOOK_DIR / f"{FIRST}.ipynb"))
    assert "alert(" not in page and "shown" in page
    assert "given outside" in page and kernel_said not in page and grade.GRADER not in page


def test_without_bubblewrap_grading_refuses_and_says_how_to_install_it(tmp_path, monkeypatch):
    learner_folder(tmp_path / "in", "ann", FIRST)
    monkeypatch.setattr(grade.grade_sandbox, "missing_tools", lambda: grade.grade_sandbox.INSTALL)
    with pytest.raises(RuntimeError, match="apt-get install bubblewrap.*\n.*UNSAFE_NO_SANDBOX=1"):
        grade.grade(tmp_path / "in", tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_unsandboxed_grading_is_asked_for_by_name_and_prints_the_risk(tmp_path, monkeypatch, capsys):
    learner_folder(tmp_path / "in", "ann", FIRST)
    monkeypatch.setattr(grade, "grade_learner", lambda *a, **k: (grade.Graded(), {}))
    monkeypatch.setattr(grade, "write_feedback", lambda *a, **k: None)
    monkeypatch.setattr(grade, "write_table", lambda *a, **k: None)
    monkeypatch.setattr(grade, "show", lambda results: "")
    assert grade.main([str(tmp_path / "in"), str(tmp_path / "out"), "--unsafe-no-sandbox"]) == 0
    assert "WITHOUT the sandbox" in capsys.readouterr().err


def test_a_link_the_learners_code_left_is_not_followed(tmp_path):
    secret = tmp_path / "secret.json"
    secret.write_text('{"ex": "check_f", "call": 0, "args": "x", "value": 1}\n')
    (tmp_path / "record.jsonl").symlink_to(secret)
    assert grade.grade_record.read_records(tmp_path / "record.jsonl") == []
    assert grade.grade_sandbox.read_untrusted(tmp_path / "record.jsonl", 10**6) is None
    assert grade.grade_sandbox.read_untrusted(secret, 10**6) is not None
    assert grade.grade_sandbox.read_untrusted(secret, 10) is None  # larger than allowed


ADAM = grade.Exercise("17_optimisers", "adam_step", "check_adam_step")


def test_a_function_never_defined_is_said_so():
    points, text, flags = grade.judge(
        ADAM, [{"ex": "check_adam_step", "undefined": "NameError: x"}], MODULES[ADAM.test_id], "finished", 9
    )
    assert points == 0 and "could not be found: NameError" in text


@pytest.mark.parametrize(
    "outcome, words, flag",
    [
        ("timed out", "time (9 s) ran out", []),
        ("failed", "run stopped", []),
        ("finished", "did not run", ["no record"]),
    ],
)
def test_a_checker_that_never_ran_says_why(outcome, words, flag):
    points, text, flags = grade.judge(ADAM, [], MODULES[ADAM.test_id], outcome, 9)
    assert points == 0 and words in text and [f.split(" of")[0] for f in flags] == flag


def test_a_call_still_running_when_the_time_ran_out_is_stopped_and_flagged(tmp_path):
    grade.grade_record.start(str(tmp_path / "r.jsonl"))
    grade.grade_record.check(ADAM.test_id, MODULES[ADAM.test_id], ADAM.test_id, lambda: lambda *args: args[0])
    first = [e for e in grade.grade_record.read_records(tmp_path / "r.jsonl") if e.get("call") == 0 and "args" in e]
    points, text, flags = grade.judge(ADAM, first, MODULES[ADAM.test_id], "timed out", 9)  # killed in call 0
    assert points == 0 and "still running when the notebook's time (9 s) ran out" in text
    assert flags == ["adam_step stopped: ran past the time limit"]


@pytest.mark.parametrize(
    "lang, words", [("en", "not graded: this learner's time (0.5 s"), ("zh", "未评分：这位学习者的时间")]
)
def test_a_learner_whose_time_ran_out_is_told_so_in_their_language(tmp_path, lang, words):
    ex = grade.Exercise("02_loss_and_output_gradient", "weighted_loss_and_grad", "check_weighted_loss_and_grad")
    limits = grade.grade_sandbox.Limits(learner_seconds=0.5)  # less than a second left: no notebook is run
    result, pages = grade.grade_learner(
        "someone", {ex.notebook: tmp_path / "x.ipynb"}, {ex.notebook: [ex]}, {}, limits, tmp_path, None, True, lang
    )
    assert result.points == {ex: 0} and pages == {}
    assert words in result.texts[ex] and result.notes[ex.notebook] == [result.texts[ex]]
    assert result.flags == [f"timed out before {ex.notebook}"]  # the lecturer's flags stay English
