"""The two packages are layered as CONTRIBUTING.md's module tables say.

``rnn_lib`` is what a learner keeps; ``course`` is what teaching needs beside it.  Each table is a map a maintainer
reads first: a module imports only modules listed above it in its own table (and a ``course`` module anything in
``rnn_lib``), so nothing low imports anything high, and ``rnn_lib`` never imports ``course``.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("rnn_lib", "course")
HEADINGS = {"rnn_lib": "## rnn_lib, lowest layer first", "course": "## course, lowest layer first"}


def table_order(package: str) -> list[str]:
    """Module names in the order of the package's table in CONTRIBUTING.md (a row may name several)."""
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    section = text.split(HEADINGS[package], 1)[1].split("\n## ", 1)[0]
    order = []
    for line in section.splitlines():
        if line.startswith("| `"):
            order += [name.rstrip("/") for name in re.findall(r"`([\w/]+)`", line.split("|")[1])]
    return order


def modules(package: str) -> list[str]:
    """The package's modules and subpackages, by name."""
    folder = ROOT / package
    names = [p.stem for p in folder.glob("*.py") if p.stem != "__init__"]
    names += [p.name for p in folder.iterdir() if p.is_dir() and (p / "__init__.py").exists()]
    return sorted(names)


def files_of(package: str, name: str) -> list[Path]:
    single = ROOT / package / f"{name}.py"
    return [single] if single.exists() else sorted((ROOT / package / name).glob("*.py"))


def imports_of(package: str, name: str) -> dict[str, set[str]]:
    """{package: the modules of it that ``package.name`` imports}, for both packages."""
    found = {p: set() for p in PACKAGES}
    for path in files_of(package, name):
        in_subpackage = path.parent != ROOT / package
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level >= 1:
                if in_subpackage and node.level == 1:
                    continue  # a sibling inside the same subpackage
                if node.module:
                    found[package].add(node.module.split(".")[0])
                else:
                    found[package].update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] in PACKAGES:
                top, *rest = node.module.split(".")
                found[top].update([rest[0]] if rest else [alias.name for alias in node.names])
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    top, *rest = alias.name.split(".")
                    if top in PACKAGES:
                        found[top].add(rest[0] if rest else "__init__")
    found[package].discard(name)
    return found


@pytest.mark.parametrize("package", PACKAGES)
def test_every_module_is_in_its_table_once(package):
    assert sorted(table_order(package)) == modules(package)


@pytest.mark.parametrize("name", modules("rnn_lib"))
def test_an_rnn_lib_module_imports_only_rnn_lib_modules_listed_above_it(name):
    order = table_order("rnn_lib")
    found = imports_of("rnn_lib", name)
    assert not found["course"], f"rnn_lib.{name} imports course.{sorted(found['course'])}: rnn_lib never imports course"
    above = set(order[: order.index(name)])
    assert found["rnn_lib"] <= above, f"rnn_lib.{name} imports {sorted(found['rnn_lib'] - above)}, listed below it"


@pytest.mark.parametrize("name", modules("course"))
def test_a_course_module_imports_only_course_modules_listed_above_it(name):
    order = table_order("course")
    found = imports_of("course", name)
    above = set(order[: order.index(name)])
    assert found["course"] <= above, f"course.{name} imports {sorted(found['course'] - above)}, listed below it"


def test_rnn_lib_imports_nothing_of_course_at_run_time():
    """Importing the whole library loads no module of the teaching package (and so no matplotlib)."""
    import subprocess
    import sys

    code = "import sys, rnn_lib; print(sorted(m for m in sys.modules if m.split('.')[0] in ('course', 'matplotlib')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT).stdout
    assert out.strip() == "[]", out


LIBRARY_LINES = 4000  # issue 22: a learner reads rnn_lib in an evening (docstrings, comments and blank lines count)


def test_rnn_lib_is_at_most_4000_lines():
    sizes = {p.relative_to(ROOT).as_posix(): len(p.read_text(encoding="utf-8").splitlines()) for p in files_of_lib()}
    biggest = ", ".join(f"{name} {n}" for name, n in sorted(sizes.items(), key=lambda kv: -kv[1])[:5])
    assert sum(sizes.values()) <= LIBRARY_LINES, f"rnn_lib has {sum(sizes.values())} lines (biggest: {biggest})"


def files_of_lib() -> list[Path]:
    """Every .py file of rnn_lib, subpackages included."""
    return sorted((ROOT / "rnn_lib").rglob("*.py"))
