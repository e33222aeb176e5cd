"""nbgrader's cell metadata, generated from the pattern every exercise already follows.

An exercise is a code cell holding a ``### BEGIN SOLUTION`` block (tools/make_student.py), and the next code
cell calls its checker, ``check_*(...)``, whose Feedback is the cell's output.  From that alone:

- the exercise cell becomes an nbgrader *solution* cell, named after the function it defines;
- the checker cell becomes an *autograded test* cell worth ``POINTS``, named after the checker.  Under nbgrader
  a Feedback that is not correct raises as it is shown (course/exercises/_feedback.py): the cell loses its
  points and its error is the feedback;
- every other code cell becomes *read-only* (locked): a learner writes in the exercise cells, and nbgrader puts
  back the original of a locked cell before it grades;
- markdown cells get no nbgrader metadata, and neither does a notebook without exercises (it is no assignment).

``make sync`` writes it (tools/sync_notebooks.py), and tests/test_navigation.py fails when a notebook's metadata
differs from what this module generates.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_student import BEGIN  # noqa: E402

POINTS = 1  # per exercise
SCHEMA_VERSION = 3  # nbgrader's cell metadata schema
FUNCTION = re.compile(r"^def (\w+)\(", re.MULTILINE)
CHECKER_CALL = re.compile(r"\b(check_\w+)\(")


def is_exercise(cell) -> bool:
    return cell.cell_type == "code" and any(line.strip() == BEGIN for line in cell.source.split("\n"))


def exercises(nb) -> list:
    """(exercise cell index, checker cell index, solution id, test id) for every exercise, in order."""
    found = []
    code = [i for i, cell in enumerate(nb.cells) if cell.cell_type == "code"]
    for k, i in enumerate(code):
        if not is_exercise(nb.cells[i]):
            continue
        function = FUNCTION.search(nb.cells[i].source)
        if function is None:
            raise ValueError(f"cell {i}: an exercise cell must define the function the learner writes (`def name(`)")
        calls = CHECKER_CALL.findall(nb.cells[code[k + 1]].source) if k + 1 < len(code) else []
        if not calls or is_exercise(nb.cells[code[k + 1]]):
            raise ValueError(
                f"cell {i} (`{function[1]}`): the next code cell must call its checker, `check_...({function[1]})`"
            )
        found.append((i, code[k + 1], function[1], calls[-1]))
    ids = [name for *_, solution, test in found for name in (solution, test)]
    if len(set(ids)) != len(ids):
        raise ValueError(f"two exercises share a function or checker name: {ids}")
    return found


def metadata(nb) -> list:
    """nbgrader's metadata for every cell of ``nb`` (None for markdown cells and for notebooks without exercises)."""
    found = exercises(nb)
    if not found:
        return [None] * len(nb.cells)
    roles = {}
    for exercise, checker, solution_id, test_id in found:
        roles[exercise] = {"grade": False, "grade_id": solution_id, "locked": False, "solution": True}
        roles[checker] = {"grade": True, "grade_id": test_id, "locked": True, "points": POINTS, "solution": False}
    out = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            out.append(None)
            continue
        read_only = {"grade": False, "grade_id": f"cell-{cell.get('id', i)}", "locked": True, "solution": False}
        out.append({**roles.get(i, read_only), "schema_version": SCHEMA_VERSION})
    return out


def apply(nb) -> bool:
    """Give every cell of ``nb`` its nbgrader metadata; True if anything changed."""
    changed = False
    for cell, wanted in zip(nb.cells, metadata(nb)):
        if cell.metadata.get("nbgrader") == wanted:
            continue
        if wanted is None:
            del cell.metadata["nbgrader"]
        else:
            cell.metadata["nbgrader"] = wanted
        changed = True
    return changed
