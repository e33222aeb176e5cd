"""`make progress` (tools/progress.py) reports a workspace exactly as a learner left it, and changes nothing.

The workspace below is filled in the way a learner fills one: in notebook 01 one exercise right (written differently
from the worked solution) and one that forgets to return (and prints a ✓ of its own); in 02 a wrong formula; in 03 the exercise not begun but the
checker cell edited to print ✓ (progress runs the course's checker); 04 deleted; everything else untouched.  Only 01–03 need a kernel, so the test takes seconds.  The whole
course solved (N of N) is `make progress-test` (tests/slow/test_progress_course.py).
"""

import hashlib
import subprocess
import sys

import nbformat
import numpy as np
import pytest

import course.exercises.forward_pass
import course.exercises.loss
from tests.notebook_files import NOTEBOOK_DIR, ROOT, read
from tools import progress
from tools.progress import MARK, course_exercises, first_feedback_line
from tools.workspace import write_workspace

COURSE_TOTAL = sum(len(course_exercises(p)) for p in sorted(NOTEBOOK_DIR.glob("*.ipynb")))

# The learner's answers: the cell sources they leave in their workspace.
RNN_STEP_RIGHT = """def rnn_step(x_t, h_prev, W_xh, W_hh, b_h):
    # my own way: columns, then back to rows
    return np.tanh(W_xh @ x_t.T + W_hh @ h_prev.T + b_h).T
"""
RNN_FORWARD_NO_RETURN = """def rnn_forward(x, params, h0):
    print("✓ rnn_forward: correct.")  # what the function prints is not the checker's verdict
    h = [h0]
    for x_t in x:
        h.append(rnn_step(x_t, h[-1], params["W_xh"], params["W_hh"], params["b_h"]))
    return None
"""
WEIGHTED_LOSS_NO_WEIGHT_IN_GRADIENT = """def weighted_loss_and_grad(y_hat, y, w):
    diff = y_hat - y
    loss = 0.5 * float(np.sum(w[:, None, None] * diff**2))
    return loss, diff
"""


def run_progress(work, *names):
    done = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "progress.py"), "--work", str(work), *names],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.rstrip("\n").split("\n"), done.stderr


def fingerprint(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


def answer(work, stem, function, source):
    """Put ``source`` in the exercise cell that defines ``function``, as the learner would."""
    path = next(work.glob(f"{stem}_*.ipynb"))
    nb = read(path)
    (cell,) = [c for c in nb.cells if c.cell_type == "code" and f"def {function}(" in c.source]
    cell.source = source
    nbformat.write(nb, path)


def expected_feedback(check, source, **names):
    """The first line of feedback the course's checker gives ``source``, computed here in the test's own process."""
    namespace = {"np": np, **names}
    exec(source, namespace)
    function = [v for k, v in namespace.items() if callable(v) and k not in names and k != "np"][-1]
    feedback = check(function)
    assert feedback.status == "wrong"
    return first_feedback_line(str(feedback).split("\n")[1:])


def rnn_step_solution(x_t, h_prev, W_xh, W_hh, b_h):
    return np.tanh(x_t @ W_xh.T + h_prev @ W_hh.T + b_h[:, 0])


@pytest.fixture(scope="module")
def learner_workspace(tmp_path_factory):
    work = tmp_path_factory.mktemp("work")
    write_workspace(NOTEBOOK_DIR, work)
    answer(work, "01", "rnn_step", RNN_STEP_RIGHT)
    answer(work, "01", "rnn_forward", RNN_FORWARD_NO_RETURN)
    answer(work, "02", "weighted_loss_and_grad", WEIGHTED_LOSS_NO_WEIGHT_IN_GRADIENT)
    path = next(work.glob("03_*.ipynb"))  # not begun, but the checker cell made to claim otherwise
    nb = read(path)
    (cell,) = [c for c in nb.cells if c.cell_type == "code" and "check_output_layer_backward(" in c.source]
    cell.source = 'print("✓ output_layer_backward: correct.")'
    nbformat.write(nb, path)
    next(work.glob("04_*.ipynb")).unlink()
    before = fingerprint(work)
    lines, stderr = run_progress(work)
    return work, before, lines, stderr


def test_a_fresh_workspace_reports_nothing_done(tmp_path, capsys):
    write_workspace(NOTEBOOK_DIR, tmp_path)
    assert progress.main(["--work", str(tmp_path)]) == 0
    lines = capsys.readouterr().out.rstrip("\n").split("\n")
    assert lines[-1] == f"progress: 0 of {COURSE_TOTAL} exercises done"
    assert sum(line.startswith(f"  {MARK['not started']} ") for line in lines) == COURSE_TOTAL


def test_each_exercise_is_reported_as_the_learner_left_it(learner_workspace):
    _, _, lines, _ = learner_workspace
    no_return = expected_feedback(
        course.exercises.forward_pass.check_rnn_forward, RNN_FORWARD_NO_RETURN, rnn_step=rnn_step_solution
    )
    no_weight = expected_feedback(
        course.exercises.loss.check_weighted_loss_and_grad, WEIGHTED_LOSS_NO_WEIGHT_IN_GRADIENT
    )
    assert "None" in no_return  # the checker names the missing return
    assert lines[:8] == [
        "01 · The forward pass",
        "  ✓ rnn_step: done",
        f"  ✗ rnn_forward: wrong — {no_return}",
        "02 · The loss and its gradient",
        f"  ✗ weighted_loss_and_grad: wrong — {no_weight}",
        "03 · Output-layer gradients",
        "  · output_layer_backward: not started",
        "04 · The hidden-state gradient",
    ]
    assert lines[8] == "  · hidden_state_grads: not started"  # deleted from the workspace: not started
    rest = lines[9:-1]
    untouched = sum(len(course_exercises(p)) for p in sorted(NOTEBOOK_DIR.glob("*.ipynb"))[5:])
    assert sum(line.startswith("  · ") and line.endswith(": not started") for line in rest) == untouched
    assert not any(line.startswith(("  ✓", "  ✗")) for line in rest)
    assert lines[-1] == f"progress: 1 of {COURSE_TOTAL} exercises done"


def test_the_workspace_is_not_changed(learner_workspace):
    work, before, _, _ = learner_workspace
    assert fingerprint(work) == before


def test_it_says_how_far_it_has_got_while_it_runs(learner_workspace):
    _, _, _, stderr = learner_workspace
    lessons = len(list(NOTEBOOK_DIR.glob("*.ipynb"))) - 1  # 00_index has no exercise to check
    assert "checked 01_forward_pass" in stderr and f"of {lessons}" in stderr


def test_one_notebook_by_its_number(tmp_path, capsys):
    write_workspace(NOTEBOOK_DIR, tmp_path)
    assert progress.main(["--work", str(tmp_path), "12"]) == 0
    assert capsys.readouterr().out.rstrip("\n").split("\n") == [
        "12 · Projects",
        "  · rollout: not started",
        "  · mixed_rollout: not started",
        "progress: 0 of 2 exercises done",
    ]


def test_an_unknown_notebook_is_refused_by_name(tmp_path):
    with pytest.raises(SystemExit, match="NB=42"):
        progress.main(["--work", str(tmp_path), "42"])
