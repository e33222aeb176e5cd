"""pip constraints that pin every dependency of the course to the oldest version pyproject.toml promises.

    python tools/oldest_constraints.py > constraints.txt      (`make test-oldest` does this; Python 3.11+)

Reads ``[project] dependencies`` and the extras a learner and CI install (``course``, ``test``): each
``name>=X`` becomes ``name==X``.  Installed with ``pip install -c constraints.txt -e ".[course,test]"`` under the
oldest Python the course supports (3.10), that is the environment whose passing tests make the floors true.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import tomllib

ROOT = Path(__file__).resolve().parent.parent
EXTRAS = ("course", "test")  # what `make lab` and `make test` install; the lecturer's extras have floors of their own
FLOOR = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*>=\s*([0-9][0-9.]*)\s*$")


def requirements(pyproject: dict) -> list:
    """Every requirement string of the dependencies and of the extras in EXTRAS, in order."""
    project = pyproject["project"]
    found = list(project["dependencies"])
    for extra in EXTRAS:
        found += project["optional-dependencies"][extra]
    return found


def pins(pyproject: dict) -> list:
    """``name==floor`` for every requirement; a requirement that is not ``name>=X`` has no floor to test: refused."""
    out = []
    for requirement in requirements(pyproject):
        match = FLOOR.match(requirement)
        if match is None:
            raise ValueError(f"pyproject.toml: {requirement!r} is not of the form 'name>=version'")
        out.append(f"{match[1]}=={match[2]}")
    return out


if __name__ == "__main__":
    with open(ROOT / "pyproject.toml", "rb") as f:
        print("\n".join(pins(tomllib.load(f))))
    sys.exit(0)
