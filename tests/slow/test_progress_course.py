"""The whole course through `make progress` (slow, `make progress-test`): the solved notebooks copied into a
workspace report every exercise done, and the fresh workspace none.  Prints how long the solved check took."""

import shutil
import subprocess
import sys
import time

from tests.notebook_files import NOTEBOOK_DIR, NOTEBOOK_PATHS, ROOT
from tools.progress import MARK, course_exercises
from tools.workspace import write_workspace

TOTAL = sum(len(course_exercises(p)) for p in NOTEBOOK_PATHS)


def progress(work):
    done = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "progress.py"), "--work", str(work)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.rstrip("\n").split("\n")


def test_the_solved_notebooks_report_every_exercise_done(tmp_path):
    for path in NOTEBOOK_PATHS:
        shutil.copy(path, tmp_path / path.name)
    start = time.perf_counter()
    lines = progress(tmp_path)
    print(f"\nmake progress on the solved course: {time.perf_counter() - start:.1f} s")
    assert lines[-1] == f"progress: {TOTAL} of {TOTAL} exercises done"
    assert sum(line.startswith(f"  {MARK['done']} ") for line in lines) == TOTAL


def test_a_fresh_workspace_reports_none_done(tmp_path):
    write_workspace(NOTEBOOK_DIR, tmp_path)
    assert progress(tmp_path)[-1] == f"progress: 0 of {TOTAL} exercises done"
