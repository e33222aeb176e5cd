"""The static scan of a learner's code (tools/grade_scan.py): what reaches for the grading machinery or the
library's own solution is flagged for a human; honest code and the course's worked solutions are not."""

import pytest

from tests.notebook_files import NOTEBOOK_PATHS, read
from tools import grade_scan
from tools.nbgrader_cells import is_exercise


@pytest.mark.parametrize(
    "code, flag",
    [
        ("def check_adam_step(fn):\n    return 'correct'", "rebinds check_adam_step"),
        ("check_rnn_step = print", "rebinds check_rnn_step"),
        ("from course.exercises.optimisers import check_adam_step as check_adam_step", "rebinds check_adam_step"),
        ("import os\nos.environ.pop('NBGRADER_EXECUTION')", "os.environ"),
        ("from os import environ\nenviron.clear()", "os.environ"),
        ("import signal\nsignal.signal(signal.SIGALRM, signal.SIG_IGN)", "signal"),
        ("import sys\nsys.modules['rnn_lib'] = None", "sys.modules"),
        ("import sys\nsys.settrace(None)", "sys.settrace"),
        ("import importlib\nimportlib.reload(np)", "importlib"),
        ("__import__('os')", "runs code from text or rebinds by name (__import__)"),
        ("exec('x = 1')", "runs code from text or rebinds by name (exec)"),
        (
            "import course.exercises._feedback as fb\nfb.matches = lambda *a, **k: True",
            "patches course.exercises._feedback.matches",
        ),
        (
            "from course.exercises import _feedback\n_feedback.matches = lambda *a, **k: True",
            "reaches into the checkers (course.exercises._feedback)",
        ),
        ("print(open('../alice/17_optimisers.ipynb').read())", "opens files"),
        ("!cat /etc/passwd", "shell command or IPython magic"),
        (
            "import rnn_lib.losses\ndef f(z, y):\n    return rnn_lib.losses.softmax_cross_entropy(z, y)",
            "uses rnn_lib.losses.softmax_cross_entropy, which the worked solution does not",
        ),
    ],
)
def test_reaching_for_the_machinery_is_flagged(code, flag):
    assert flag in grade_scan.scan([code])


def test_a_library_function_bound_by_a_read_only_cell_is_still_named():
    learner = "def softmax_cross_entropy_mine(z, y):\n    return softmax_cross_entropy(z, y)"
    locked = ["from rnn_lib.losses import softmax_cross_entropy"]
    assert grade_scan.scan([learner], [], locked) == [
        "uses rnn_lib.losses.softmax_cross_entropy, which the worked solution does not"
    ]


def test_honest_code_is_not_flagged():
    code = (
        "import numpy as np\nimport sys\n"
        "def adam_step(p, g, m, v, t, lr, beta1, beta2, eps):\n"
        "    print('debug', t, file=sys.stderr)\n"
        "    m = beta1 * m + (1 - beta1) * g\n"
        "    v = beta2 * v + (1 - beta2) * g**2\n"
        "    return p - lr * m / (np.sqrt(v) + eps), m, v\n"
    )
    assert grade_scan.scan([code]) == []


def test_a_cell_that_does_not_parse_is_not_flagged():
    assert grade_scan.scan(["def f(:\n    pass"]) == []


@pytest.mark.parametrize("path", [p for p in NOTEBOOK_PATHS if any(is_exercise(c) for c in read(p).cells)])
def test_the_worked_solutions_raise_no_flag(path):
    nb = read(path)
    solutions = [c.source for c in nb.cells if is_exercise(c)]
    locked = [c.source for c in nb.cells if c.cell_type == "code" and not is_exercise(c)]
    assert grade_scan.scan(solutions, solutions, locked) == []


def test_the_checkers_are_recognised_in_the_teaching_package_too():
    assert "reaches into the checkers (course.exercises._feedback)" in grade_scan.scan(
        ["import course.exercises._feedback as fb\nfb.matches = lambda *a, **k: True"]
    )
