"""ruff keeps the code (the two packages, tests, tools, notebooks) in one style."""

import subprocess
import sys

from tests.notebook_files import ROOT

TARGETS = ["rnn_lib", "course", "tests", "tools", "benchmarks", "notebooks", "experiments"]


def ruff(*args):
    return subprocess.run([sys.executable, "-m", "ruff", *args, *TARGETS], cwd=ROOT, capture_output=True, text=True)


def test_ruff_check_passes():
    result = ruff("check")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_check_passes():
    result = ruff("format", "--check")
    assert result.returncode == 0, result.stdout + result.stderr
