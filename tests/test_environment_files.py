"""environment.yml (conda, Binder) and pyproject.toml (pip) describe the same environment.

Same package names: pyproject's dependencies plus its extras course (jupyterlab, ipykernel, ...) and test
(pytest, nbval, ruff, ...) are what environment.yml lists, apart from python, pip and the ``-e .`` pip entry.
The lecturer's extras (teach: nbgrader; browser: playwright) stay out of it and out of the learner's install.
ruff and check-jsonschema, contributors' tools (lint; the CI workflow's schema), may be left out of environment.yml.  The version floors agree too.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

import course.environment

ROOT = Path(__file__).resolve().parent.parent
# Contributors' tools (lint; validating the CI workflow): the conda environment may do without them.
OPTIONAL_IN_ENVIRONMENT_YML = {"ruff", "check-jsonschema"}
NOT_PACKAGES = {"python", "pip"}  # environment.yml entries that pyproject expresses otherwise


# -- reading the two files ----------------------------------------------------------------


def strip_comment(line: str) -> str:
    """The line without a ``#`` comment that starts outside quotes."""
    quote = None
    for i, ch in enumerate(line):
        if quote:
            quote = None if ch == quote else quote
        elif ch in "\"'":
            quote = ch
        elif ch == "#":
            return line[:i].rstrip()
    return line.rstrip()


def parse_toml_subset(text: str) -> dict:
    """Read the part of TOML that pyproject.toml's metadata uses, for Python 3.10 (no tomllib, no tomli).

    Understands ``[dotted.table]`` headers and ``key = value`` where value is a string or an array of
    strings (possibly spread over several lines).  Other values are kept as their raw text.
    """
    root: dict = {}
    table = root
    pending_key, pending = None, ""
    for raw in text.splitlines():
        line = strip_comment(raw).strip()
        if pending_key is not None:  # inside a multi-line array
            pending += " " + line
            if pending.count("[") == pending.count("]"):
                table[pending_key] = re.findall(r'"([^"]*)"', pending)
                pending_key = None
            continue
        if not line:
            continue
        header = re.fullmatch(r"\[([A-Za-z0-9_.-]+)\]", line)
        if header:
            table = root
            for part in header.group(1).split("."):
                table = table.setdefault(part, {})
            continue
        key, _, value = (s.strip() for s in line.partition("="))
        key = key.strip('"')
        if value.startswith("[") and value.count("[") != value.count("]"):
            pending_key, pending = key, value
        elif value.startswith("[") and not value.startswith("[{"):
            table[key] = re.findall(r'"([^"]*)"', value)
        elif value.startswith('"') and value.endswith('"'):
            table[key] = value[1:-1]
        else:
            table[key] = value
    return root


def load_pyproject() -> dict:
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        return parse_toml_subset(text)
    return tomllib.loads(text)


def load_environment_yml() -> tuple[list[str], list[str]]:
    """The conda dependency strings and the pip entries under ``- pip:``, comments removed."""
    conda, pip = [], []
    in_dependencies, in_pip, item_indent = False, False, None
    for raw in (ROOT / "environment.yml").read_text(encoding="utf-8").splitlines():
        line = strip_comment(raw)
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip())
        if indent == 0:
            in_dependencies = line.strip() == "dependencies:"
            continue
        if not in_dependencies or not line.lstrip().startswith("- "):
            continue
        entry = line.lstrip()[2:].strip()
        if item_indent is None:
            item_indent = indent
        if indent > item_indent and in_pip:
            pip.append(entry)
        elif indent == item_indent:
            in_pip = entry == "pip:"
            if not in_pip:
                conda.append(entry)
    return conda, pip


def requirement(spec: str) -> tuple[str, str | None]:
    """(normalised name, floor) of ``name>=1.2``; floor None when there is no ``>=``."""
    name = re.match(r"[A-Za-z0-9_.-]+", spec.strip()).group(0)
    floor = re.search(r">=\s*([0-9][0-9.]*)", spec)
    return re.sub(r"[-_.]+", "-", name).lower(), floor.group(1) if floor else None


def requirements(specs) -> dict[str, str | None]:
    return dict(requirement(s) for s in specs)


PYPROJECT = load_pyproject()["project"]
RUNTIME = requirements(PYPROJECT["dependencies"])
EXTRAS = {extra: requirements(specs) for extra, specs in PYPROJECT["optional-dependencies"].items()}
ALL_PYPROJECT = RUNTIME | {name: floor for reqs in EXTRAS.values() for name, floor in reqs.items()}
CONDA_SPECS, PIP_ENTRIES = load_environment_yml()
# Packages the environment installs, from conda-forge or (those published only there) from PyPI via pip.
ENV_PACKAGES = requirements(CONDA_SPECS + [e for e in PIP_ENTRIES if not e.startswith("-")])


# -- the same packages -------------------------------------------------------------------------


def test_environment_yml_lists_every_runtime_dependency_of_pyproject():
    assert set(RUNTIME) - set(ENV_PACKAGES) == set()


def test_environment_yml_lists_the_course_extra():
    assert set(EXTRAS["course"]) - set(ENV_PACKAGES) == set()


def test_environment_yml_lists_the_test_extra_apart_from_contributors_tools():
    assert set(EXTRAS["test"]) - OPTIONAL_IN_ENVIRONMENT_YML - set(ENV_PACKAGES) == set()


def test_the_lecturers_tools_stay_out_of_the_learners_environment():
    lecturers = set(EXTRAS["teach"]) | set(EXTRAS["browser"])
    assert lecturers and not lecturers & (
        set(ENV_PACKAGES) | set(RUNTIME) | set(EXTRAS["course"]) | set(EXTRAS["test"])
    )


def test_every_environment_yml_package_is_declared_in_pyproject():
    assert set(ENV_PACKAGES) - NOT_PACKAGES - set(ALL_PYPROJECT) == set()


def test_jupyterlab_and_ipykernel_form_the_course_extra_not_the_runtime():
    assert {"jupyterlab", "ipykernel"} <= set(EXTRAS["course"]) and not {"jupyterlab", "ipykernel"} & set(RUNTIME)


def test_ruff_is_a_test_extra_in_pyproject():
    assert "ruff" in EXTRAS["test"]


def test_environment_yml_installs_rnn_lib_editable_with_pip():
    assert "pip" in ENV_PACKAGES and "-e ." in PIP_ENTRIES


# -- the same floors ---------------------------------------------------------------------------


def test_every_package_has_a_version_floor():
    unfloored = [
        n for n, f in (ALL_PYPROJECT | ENV_PACKAGES).items() if f is None and n not in NOT_PACKAGES - {"python"}
    ]
    assert unfloored == []


def test_version_floors_agree_between_the_two_files():
    shared = set(ENV_PACKAGES) & set(ALL_PYPROJECT)
    assert {n: ENV_PACKAGES[n] for n in shared} == {n: ALL_PYPROJECT[n] for n in shared}


def test_python_floor_of_environment_yml_is_requires_python():
    assert ENV_PACKAGES["python"] == requirement("python" + PYPROJECT["requires-python"])[1]


def test_check_environment_minimums_are_the_runtime_floors():
    # course.check_environment (run by every notebook) must not accept what pip would refuse, or vice versa.
    assert course.environment.MINIMUM == RUNTIME


# -- the reader itself ----------------------------------------------------------------------------


@pytest.mark.skipif(sys.version_info < (3, 11), reason="tomllib, the yardstick, is in the standard library from 3.11")
def test_fallback_toml_reader_agrees_with_tomllib_on_pyproject():
    import tomllib

    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    keys = ("dependencies", "optional-dependencies", "requires-python", "name", "version")
    ours, theirs = parse_toml_subset(text)["project"], tomllib.loads(text)["project"]
    assert {k: ours[k] for k in keys} == {k: theirs[k] for k in keys}
