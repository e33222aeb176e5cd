"""rnn_lib is layered as CONTRIBUTING.md's module table says: every module imports only modules listed above it.

The table is the map a maintainer reads first; this test keeps it true (a new module must be added to it, in its
place) and keeps the layers honest (nothing low imports anything high, so `import rnn_lib.reference` stays small).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "rnn_lib"


def table_order() -> list[str]:
    """Module names in the order of CONTRIBUTING.md's table (a row may name several: `gated`, `lstm`, `gru`)."""
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    section = text.split("## rnn_lib, lowest layer first", 1)[1].split("\n\n", 1)[0]
    order = []
    for line in section.splitlines():
        if line.startswith("| `"):
            first_cell = line.split("|")[1]
            order += [name.rstrip("/") for name in re.findall(r"`([\w/]+)`", first_cell)]
    return order


def modules() -> list[str]:
    return sorted(p.stem for p in PACKAGE.glob("*.py") if p.stem != "__init__") + ["claims", "exercises", "plotting"]


def imports_of(name: str) -> set[str]:
    """The rnn_lib modules a module (or a subpackage, all its files) imports, relative imports only."""
    files = [PACKAGE / f"{name}.py"] if (PACKAGE / f"{name}.py").exists() else sorted((PACKAGE / name).glob("*.py"))
    found = set()
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level >= 1:
                inside_subpackage = path.parent != PACKAGE
                if inside_subpackage and node.level == 1:
                    continue  # a sibling in the same subpackage
                if node.module:
                    found.add(node.module.split(".")[0])
                else:
                    found.update(alias.name for alias in node.names)
    return found - {name}


def test_every_module_is_in_the_table_once():
    order = table_order()
    assert sorted(order) == sorted(modules())


@pytest.mark.parametrize("name", modules())
def test_a_module_imports_only_modules_listed_above_it(name):
    order = table_order()
    above = set(order[: order.index(name)])
    assert imports_of(name) <= above, f"{name} imports {sorted(imports_of(name) - above)}, listed below it"
