"""Grading end to end, in the sandbox (`make grade-test`): honest learners, and a class of hostile ones.

The course: "solved" hands in every notebook as the course has it (full marks), "student" the untouched student
edition (zero, every notebook graded), "planted" a mistake in the last exercise of a notebook with several
(exactly that point lost).

The hostile class hands in one notebook each, the exercise's worked solution plus one trick, and is graded in one
run with short limits.  Every score is checked, every flag a human should see, and that nothing outside each
learner's folder changed: the course tree (with its .venv), the other hand-ins and an earlier gradebook are hashed
before and after, and the hand-ins and grades sit inside the course folder, as `make grade SUBMISSIONS=handins`
puts them.  The class's wall time is printed (docs/grading.md quotes it).
"""

import hashlib
import os
import shutil
import time

import nbformat
import pytest

from tests.notebook_files import NOTEBOOK_DIR, ROOT
from tests.test_grade_sandbox import running_with
from tools import grade, grade_sandbox
from tools.make_student import write_edition
from tools.nbgrader_cells import POINTS, is_exercise

pytestmark = pytest.mark.skipif(grade_sandbox.missing_tools() is not None, reason=str(grade_sandbox.missing_tools()))

EXERCISES = grade.course_exercises()
TARGET = next(exs for exs in EXERCISES.values() if len(exs) > 1)[-1]  # nothing after it uses its function
SMALL = next(stem for stem, exs in EXERCISES.items() if len(exs) == 1)  # a quick notebook with one exercise
ONE = EXERCISES[SMALL][0]
BARE = EXERCISES["01_forward_pass"][1]  # its checker cell calls a name bound in an earlier cell, as 16 and 17 do
LIBRARY = EXERCISES["16_softmax_and_cross_entropy"][0]
LIMITS = grade_sandbox.Limits(notebook_seconds=60, learner_seconds=90)  # honest ones: 10-31 s at load 30
MARKER = "rnn-grade-test-zombie"

WRONG = """

_right_{name} = {name}


def {name}(*args):  # a planted mistake: whatever the function returns, doubled
    value = _right_{name}(*args)
    if isinstance(value, dict):
        return {{k: 2 * v for k, v in value.items()}}
    return tuple(2 * v for v in value) if isinstance(value, tuple) else 2 * value
"""

TRICKS = {  # learner → (exercise, code added after the worked solution, expected points)
    "alice": (  # honest, and chatty on stderr
        ONE,
        "import sys\n_right = {name}\n\ndef {name}(*args):\n"
        "    print('debug: called', file=sys.stderr)\n    return _right(*args)\n",
        POINTS,
    ),
    "outside": (
        ONE,
        "import pathlib\nfor _target in {outside}:\n    try:\n        pathlib.Path(_target).write_text('x')\n"
        "        print('WROTE', _target)\n    except OSError as err:\n        print('refused:', err)\n",
        POINTS,
    ),
    "library": (
        ONE,
        "try:\n    open({library!r}, 'w').write('def matches(*a, **k): return True')\n"
        "except OSError as err:\n    print('refused:', err)\n",
        POINTS,
    ),
    "reader": (  # right only if a classmate's hand-in can be read
        ONE,
        "_right = {name}\n\ndef {name}(*args):\n    for path in {classmate}:\n        try:\n"
        "            open(path).read()\n            return _right(*args)\n        except OSError:\n            pass\n"
        "    raise RuntimeError('no classmate to copy from')\n",
        0,
    ),
    "environ": (ONE, "import os\nos.environ.pop('NBGRADER_EXECUTION', None)" + WRONG, 0),
    "redefine": (
        BARE,
        WRONG + "\n\ndef {checker}(fn):\n    print('✓ {name}: correct.')\n",
        0,
    ),
    "patch": (
        ONE,
        "import course.exercises._feedback as _fb\n_fb.matches = lambda *a, **k: True\n" + WRONG,
        0,
    ),
    "alarm": (
        ONE,
        "import signal\n\ndef {name}(*args):\n    signal.signal(signal.SIGALRM, signal.SIG_IGN)\n"
        "    while True:\n        pass\n",
        0,
    ),
    "array": (
        ONE,
        "class _Forever:\n    def __array__(self, *args, **kwargs):\n        while True:\n            pass\n\n"
        "def {name}(*args):\n    return _Forever()\n",
        0,
    ),
    "libsol": (
        LIBRARY,
        "import rnn_lib.losses\n\ndef {name}(logits, targets):\n"
        "    return rnn_lib.losses.softmax_cross_entropy(logits, targets)\n",
        POINTS,
    ),
    # two more, of our own: a process left behind to outlive the sandbox, and links planted for the grader
    "zombie": (
        ONE,
        "import subprocess, sys\nsubprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)  # "
        + MARKER
        + "'], start_new_session=True)\n",
        POINTS,
    ),
    "linker": (
        ONE,
        "import os\nfor _name in os.listdir('.'):\n    if _name.endswith(('.record.jsonl', '.executed.ipynb')):\n"
        "        os.remove(_name)\n        os.symlink({classmate}[0], _name)\n"
        "_right = {name}\n\ndef {name}(*args):\n    for _name in os.listdir('.'):\n"
        "        if _name.endswith('.record.jsonl') and not os.path.islink(_name):\n"
        "            os.remove(_name)\n            os.symlink({classmate}[0], _name)\n"
        "    return _right(*args)\n",
        0,  # its own record replaced by a link: nothing to grade, nothing of alice's read
    ),
}
FLAGS = {  # learner → a flag that must be shown
    "outside": "opens files",
    "reader": "opens files",
    "environ": "os.environ",
    "redefine": f"rebinds {BARE.test_id}",
    "patch": "_feedback.matches",  # patches ..._feedback.matches
    "alarm": "timed out",
    "array": f"{ONE.name} stopped: ran past the time limit",
    "libsol": "uses rnn_lib.losses.softmax_cross_entropy, which the worked solution does not",
    "zombie": "subprocess",
    "linker": "run stopped",
}


def solution_cell(nb, ex):
    return next(c for c in nb.cells if is_exercise(c) and c.metadata["nbgrader"]["grade_id"] == ex.name)


def snapshot(folder, skip=()):
    """path → (size, content digest) of every file under ``folder`` (but ``skip`` and Python's caches)."""
    found = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = [d for d in dirnames if d != "__pycache__" and os.path.join(dirpath, d) not in skip]
        for name in filenames:
            path = os.path.join(dirpath, name)
            if os.path.islink(path):
                found[path] = ("link", os.readlink(path))
                continue
            with open(path, "rb") as f:
                found[path] = (os.path.getsize(path), hashlib.sha256(f.read()).hexdigest())
    return found


def differences(before, after):
    return sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))


@pytest.fixture(scope="module")
def workspace():
    """A hand-ins folder and a grades folder inside the course, as a lecturer's would be; removed afterwards (in
    build/, which git ignores and `make clean` removes)."""
    root = ROOT / "build" / f"grade-test-{os.getpid()}"
    root.mkdir(parents=True)
    yield root
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="module")
def hostile(workspace):
    submissions, out = workspace / "handins", workspace / "grades"
    out.mkdir(parents=True)
    (out / "earlier_scores.csv").write_text("learner,total\nsomeone,3\n")  # a gradebook from before
    classmate = [str(submissions / "alice" / f"{SMALL}.ipynb"), f"../../alice/work/{SMALL}.executed.ipynb"]
    outside = [str(ROOT / "escaped.txt"), str(submissions / "alice" / "escaped.txt"), str(out / "escaped.txt")]
    outside += ["/tmp/rnn-grade-escaped.txt", str(ROOT.parent / "rnn-grade-escaped.txt"), "../../alice/work/x.txt"]
    for learner, (ex, code, _) in TRICKS.items():
        nb = nbformat.read(NOTEBOOK_DIR / f"{ex.notebook}.ipynb", as_version=4)
        cell = solution_cell(nb, ex)
        cell.source += "\n\n" + code.format(
            name=ex.name,
            checker=ex.test_id,
            outside=outside,
            classmate=classmate,
            library=str(ROOT / "rnn_lib" / "_written_by_learner.py"),
        )
        (submissions / learner).mkdir(parents=True)
        nbformat.write(nb, submissions / learner / f"{ex.notebook}.ipynb")
    course_before = snapshot(ROOT, skip={str(workspace), str(ROOT / ".git")})
    handins_before, out_before = snapshot(submissions), snapshot(out)
    started = time.monotonic()
    results = grade.grade(submissions, out, LIMITS)
    seconds = time.monotonic() - started
    print(grade.show(results))
    print(f"\nhostile class: {len(results)} learners in {seconds:.0f} s")
    for learner, r in results.items():
        print(f"  {learner}: {r.seconds:.1f} s")
    changed = {
        "course": differences(course_before, snapshot(ROOT, skip={str(workspace), str(ROOT / ".git")})),
        "handins": differences(handins_before, snapshot(submissions)),
        "earlier gradebook": differences(out_before, {k: v for k, v in snapshot(out).items() if k in out_before}),
    }
    return results, out, seconds, changed, outside


@pytest.mark.parametrize("learner", list(TRICKS))
def test_each_hostile_learner_scores_what_their_function_deserves(hostile, learner):
    results, *_ = hostile
    ex, _, expected = TRICKS[learner]
    assert results[learner].points[ex] == expected


@pytest.mark.parametrize("learner", list(FLAGS))
def test_what_a_human_should_look_at_is_flagged(hostile, learner):
    results, out, *_ = hostile
    flags = "; ".join(results[learner].flags)
    assert FLAGS[learner] in flags
    assert FLAGS[learner] in (out / "scores.csv").read_text(encoding="utf-8")


def test_honest_code_is_not_flagged(hostile):
    results, *_ = hostile
    assert results["alice"].flags == []


def test_nothing_outside_the_learners_folders_changed(hostile):
    results, out, _, changed, outside = hostile
    assert changed == {"course": [], "handins": [], "earlier gradebook": []}
    assert not (ROOT / "rnn_lib" / "_written_by_learner.py").exists()
    assert not any(os.path.exists(p) for p in outside if os.path.isabs(p))
    page = (out / "feedback" / "outside" / f"{SMALL}.html").read_text(encoding="utf-8")
    assert page.count("refused: [Errno") == len(outside) and "WROTE " not in page  # printed, not the code's text


def test_the_grades_folder_holds_only_what_the_grader_wrote(hostile):
    results, out, *_ = hostile
    expected = {"earlier_scores.csv", "scores.csv"} | {f"feedback/{learner}.md" for learner in results}
    expected |= {f"feedback/{learner}/{ex.notebook}.html" for learner, (ex, _, _) in TRICKS.items()}
    found = {str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()}
    assert found == expected


def test_a_hung_learner_is_stopped_within_the_limit_and_told_so(hostile):
    results, out, seconds, *_ = hostile
    for learner in ("alarm", "array"):
        assert results[learner].seconds < LIMITS.notebook_seconds + 15
        feedback = (out / "feedback" / f"{learner}.md").read_text(encoding="utf-8")
        assert "stopped" in feedback and "Look for a loop that never ends" in feedback
    assert seconds < LIMITS.learner_seconds * len(results)


def test_no_process_outlives_its_sandbox(hostile):
    assert running_with(MARKER) == []


def test_the_checkers_words_reach_the_learner_not_the_kernels(hostile):
    results, out, *_ = hostile
    feedback = (out / "feedback" / "redefine.md").read_text(encoding="utf-8")
    assert f"### {BARE.name}: 0 of {POINTS}\n\n```\n✗ {BARE.name}: not yet right." in feedback
    reader = (out / "feedback" / "reader.md").read_text(encoding="utf-8")
    assert "RuntimeError: no classmate to copy from" in reader


# --------------------------------------------------------------------------------------------------------------
# The course: every notebook, solved and untouched.
# --------------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("grading")
    submissions = root / "submissions"
    for learner in ("solved", "planted"):
        (submissions / learner).mkdir(parents=True)
        for stem in EXERCISES if learner == "solved" else [TARGET.notebook]:
            nb = nbformat.read(NOTEBOOK_DIR / f"{stem}.ipynb", as_version=4)
            if learner == "planted":
                solution_cell(nb, TARGET).source += WRONG.format(name=TARGET.name)
            nbformat.write(nb, submissions / learner / f"{stem}.ipynb")
    write_edition(NOTEBOOK_DIR, submissions / "student")
    (submissions / "student" / "00_index.ipynb").unlink()  # the course map is no assignment
    started = time.monotonic()
    results = grade.grade(submissions, root / "grades")
    print(grade.show(results))
    print(f"\nthe course: {len(results)} learners in {time.monotonic() - started:.0f} s")
    return root / "grades", results


def test_the_solved_notebooks_score_full_marks(graded):
    _, results = graded
    assert set(results["solved"].points.values()) == {POINTS} and results["solved"].flags == []


def test_the_student_edition_scores_zero_and_every_notebook_was_graded(graded):
    out, results = graded
    assert set(results["student"].points.values()) == {0}
    feedback = (out / "feedback" / "student.md").read_text(encoding="utf-8")
    assert feedback.count("not implemented yet") == sum(map(len, EXERCISES.values()))


def test_a_planted_mistake_loses_exactly_that_exercises_points(graded):
    out, results = graded
    submitted = {ex: p for ex, p in results["planted"].points.items() if p is not None}
    assert submitted == {ex: (0 if ex == TARGET else POINTS) for ex in EXERCISES[TARGET.notebook]}
    feedback = (out / "feedback" / "planted.md").read_text(encoding="utf-8")
    assert f"### {TARGET.name}: 0 of {POINTS}\n\n```\n✗ {TARGET.name}: not yet right." in feedback


def test_the_table_and_the_feedback_pages_are_written(graded):
    out, results = graded
    rows = (out / "scores.csv").read_text(encoding="utf-8").splitlines()
    assert len(rows) == 1 + 3 and rows[0].count(",") == 1 + sum(map(len, EXERCISES.values())) + 2
    assert {p.stem for p in (out / "feedback" / "solved").glob("*.html")} == set(EXERCISES)
    page = (out / "feedback" / "student" / f"{TARGET.notebook}.html").read_text(encoding="utf-8")
    assert "not implemented yet" in page  # the checker's words, in the learner's page


def test_the_config_changes_only_how_solutions_are_cleared_from_nbgraders_defaults():
    pytest.importorskip("nbgrader", reason="the lecturer's tools: make teach")
    from nbgrader.converters import GenerateAssignment
    from traitlets.config.loader import PyFileConfigLoader

    config = ROOT / "tools" / "nbgrader_config.py"
    ours = PyFileConfigLoader(config.name, path=str(config.parent)).load_config().GenerateAssignment.preprocessors
    defaults = [f"{p.__module__.rsplit('.', 1)[0]}.{p.__name__}" for p in GenerateAssignment.preprocessors.default()]
    expected = ["make_student.StudentEdition" if p.endswith("ClearSolutions") else p for p in defaults]
    assert ours == [p for p in expected if not p.endswith("ClearOutput")]
