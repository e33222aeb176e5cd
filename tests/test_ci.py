"""The CI workflow a hosting service runs (.github/workflows/test.yml) is valid and tests what the course promises.

Validated offline against GitHub's workflow schema (check-jsonschema vendors it), and read for its matrix: Linux
and macOS, the oldest Python (pyproject's requires-python) and the newest, numpy at pyproject's floor and newest,
each running `make test`.
"""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parent.parent
WORKFLOW = ROOT / ".github" / "workflows" / "test.yml"
WORKFLOW_ZH = ROOT / ".github" / "workflows" / "test-zh.yml"  # the Chinese edition, on every catalogue change
WORKFLOW_WRONG = ROOT / ".github" / "workflows" / "wrong-answers.yml"  # make test's slow part for learners
WORKFLOW_BUILD = ROOT / ".github" / "workflows" / "build.yml"  # the site and the wheel (make build-test)


def floor(name):
    """The version floor pyproject.toml gives ``name`` (read as text: tomllib is not in Python 3.10)."""
    text = (ROOT / "pyproject.toml").read_text()
    return re.search(rf'"{re.escape(name)}>=([0-9.]+)"', text)[1]


@pytest.fixture(scope="module")
def workflow():
    return YAML(typ="safe").load(WORKFLOW.read_text())


def test_the_workflow_is_valid_against_githubs_schema_and_a_broken_copy_is_not(tmp_path):
    exe = shutil.which("check-jsonschema", path=str(Path(sys.executable).parent))
    assert exe, "check-jsonschema is in the test extra of pyproject.toml: reinstall with make"
    broken = tmp_path / "broken.yml"  # the same workflow with one key misspelt: the validator must see it
    broken.write_text(WORKFLOW.read_text().replace("runs-on:", "run-on:"))
    # One run for both files (the validator takes seconds to start): the broken one fails, the real one passes.
    done = subprocess.run(
        [
            exe,
            "--builtin-schema",
            "vendor.github-workflows",
            "-o",
            "json",
            str(WORKFLOW),
            str(WORKFLOW_ZH),
            str(WORKFLOW_WRONG),
            str(WORKFLOW_BUILD),
            str(broken),
        ],
        capture_output=True,
        text=True,
    )
    report = json.loads(done.stdout)
    failed = {Path(error["filename"]).name for error in report["errors"]}
    assert failed == {"broken.yml"}, done.stdout
    assert done.returncode != 0


def test_the_matrix_covers_both_systems_the_oldest_and_newest_python_and_numpys_floor(workflow):
    (job,) = workflow["jobs"].values()
    matrix = job["strategy"]["matrix"]
    assert {"ubuntu-latest", "macos-latest"} <= set(matrix["os"])
    oldest = re.search(r'requires-python = ">=([0-9.]+)"', (ROOT / "pyproject.toml").read_text())[1]
    assert oldest in matrix["python"] and "3.x" in matrix["python"]
    assert set(matrix["numpy"]) == {"floor", "newest"}
    steps = "\n".join(step.get("run", "") for step in job["steps"])
    assert f'"numpy=={floor("numpy")}.*"' in steps and f'"matplotlib=={floor("matplotlib")}.*"' in steps
    assert "make test" in [step.get("run") for step in job["steps"]]
    runs = [
        (os, py, np)
        for os in matrix["os"]
        for py in matrix["python"]
        for np in matrix["numpy"]
        if not any(
            all({"os": os, "python": py, "numpy": np}[k] == v for k, v in ex.items()) for ex in matrix["exclude"]
        )
    ]
    for os in matrix["os"]:  # numpy's floor with the oldest Python, and everything newest, on each system
        assert (os, oldest, "floor") in runs and (os, "3.x", "newest") in runs


def test_the_chinese_edition_runs_under_strict_nbval_on_every_change_of_the_catalogues():
    workflow = YAML(typ="safe").load(WORKFLOW_ZH.read_text())
    triggers = workflow[True] if True in workflow else workflow["on"]  # YAML 1.1 reads the key `on` as true
    for event in ("push", "pull_request"):
        paths = triggers[event]["paths"]
        assert "locale/**" in paths and "notebooks/**" in paths and "tools/editions.py" in paths
    (job,) = workflow["jobs"].values()
    assert [step.get("run") for step in job["steps"]][-1] == "make test-zh"
    makefile = (ROOT / "Makefile").read_text()
    recipe = re.search(r"^test-zh:.*\n((?:\t.*\n)+)", makefile, flags=re.M)[1]
    assert "COURSE_LANG=zh" in recipe and "$(NBVAL) zh/notebooks" in recipe


def test_every_student_notebook_runs_in_the_slow_workflow_on_every_change_of_notebooks_or_checkers():
    workflow = YAML(typ="safe").load(WORKFLOW_WRONG.read_text())
    triggers = workflow[True] if True in workflow else workflow["on"]
    for event in ("push", "pull_request"):
        paths = triggers[event]["paths"]
        assert "notebooks/**" in paths and "course/**" in paths and "tools/make_student.py" in paths
    (job,) = workflow["jobs"].values()
    assert [step.get("run") for step in job["steps"]][-1] == "make wrong-answers-test"
    recipe = re.search(r"^wrong-answers-test:.*\n((?:\t.*\n)+)", (ROOT / "Makefile").read_text(), flags=re.M)[1]
    assert "tests/teaching/test_wrong_answers_every_notebook.py" in recipe
    slow = (ROOT / "tests" / "teaching" / "test_wrong_answers_every_notebook.py").read_text()
    assert "SOLVED" in slow and "student_notebook_runs_and_every_checker_says_not_implemented" in slow


def test_the_site_and_the_wheel_are_built_in_their_own_workflow_and_make_test_leaves_them_to_it():
    workflow = YAML(typ="safe").load(WORKFLOW_BUILD.read_text())
    triggers = workflow[True] if True in workflow else workflow["on"]
    for event in ("push", "pull_request"):
        paths = triggers[event]["paths"]
        assert {"notebooks/**", "rnn_lib/**", "pyproject.toml", "tests/build/**"} <= set(paths), paths
    (job,) = workflow["jobs"].values()
    assert [step.get("run") for step in job["steps"]][-1] == "make build-test"
    makefile = (ROOT / "Makefile").read_text()
    recipe = re.search(r"^build-test:.*\n((?:\t.*\n)+)", makefile, flags=re.M)[1]
    assert "tests/build" in recipe
    test_recipe = re.search(r"^test:.*\n((?:\t.*\n)+)", makefile, flags=re.M)[1]
    assert "--ignore=tests/build" in test_recipe  # what build-test runs, make test does not run twice
    assert {p.name for p in (ROOT / "tests" / "build").glob("test_*.py")} == {"test_site.py", "test_wheel.py"}
