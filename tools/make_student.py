"""Write the student edition: the notebooks with every worked solution taken out.

    python tools/make_student.py [OUT_DIR]        (default: student/notebooks)
    COURSE_LANG=zh python tools/make_student.py  (the Chinese edition, to student/zh/notebooks: tools/editions.py)

In the course notebooks a solution sits between two marker lines inside a
function body::

        ### BEGIN SOLUTION
        ...worked solution...
        ### END SOLUTION

The student edition keeps everything else and replaces each such block by a
short prompt and ``raise NotImplementedError``; the outputs of those cells and
of the checker cells that follow them are cleared, so nothing gives the answer
away.  Run unsolved, each checker then answers "not implemented yet".  Cells
tagged ``solved-edition`` (text about the solved edition itself, such as
00_index's note on where the solutions sit) are left out.

A learner's work is never overwritten: every generated notebook records a
digest of its own cells; if a file in OUT_DIR no longer matches its digest (the
learner edited it), the new edition is written alongside as
``NAME.new.ipynb`` and the script says so.

nbgrader's release is this same edition: ``nbgrader generate_assignment`` runs
:class:`StudentEdition` in place of its own ClearSolutions (tools/nbgrader_config.py).
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from pathlib import Path

import nbformat
from nbconvert.preprocessors import Preprocessor
from traitlets import Bool

ROOT = Path(__file__).resolve().parent.parent
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
PROMPT = "# YOUR CODE HERE: replace the next line with your solution."
CHECKER = re.compile(r"\bcheck_\w+\(")
SOLVED_ONLY = "solved-edition"  # tag of the cells that speak of the solved edition and are true only there


UNFINISHED = (PROMPT, 'raise NotImplementedError("exercise not done yet")')


def strip_solutions(source: str, body: tuple = UNFINISHED) -> tuple[str, int]:
    """Replace every solution block in ``source``; return the new source and how many blocks there were.

    body: the lines put in each block's place, at its indentation (the student edition's prompt and
    ``raise NotImplementedError`` by default; tests put a wrong answer there, e.g. ``("return None",)``).
    """
    out, inside, count = [], False, 0
    for line in source.split("\n"):
        stripped = line.strip()
        if stripped == BEGIN:
            if inside:
                raise ValueError(f"nested {BEGIN}")
            indent = line[: len(line) - len(line.lstrip())]
            if not indent:
                raise ValueError(f"{BEGIN} must be inside a function body (indented), so the cell still runs")
            out += [indent + line for line in body]
            inside, count = True, count + 1
        elif stripped == END:
            if not inside:
                raise ValueError(f"{END} without {BEGIN}")
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise ValueError(f"{BEGIN} without {END}")
    return "\n".join(out), count


def digest(nb) -> str:
    """Fingerprint of the cells' sources: changes when a learner edits anything."""
    sources = [c.source for c in nb.cells]
    return hashlib.sha256(json.dumps(sources).encode()).hexdigest()


def student_edition(nb, body: tuple = UNFINISHED):
    """A copy of ``nb`` without solutions; returns (notebook, number of exercises).

    body: what each solution block becomes (see :func:`strip_solutions`).
    """
    nb = nbformat.from_dict(json.loads(json.dumps(nb)))  # deep copy
    nb.cells = [cell for cell in nb.cells if SOLVED_ONLY not in cell.metadata.get("tags", [])]
    total = 0
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        new_source, n = strip_solutions(cell.source, body)
        if n or CHECKER.search(cell.source):
            cell.outputs, cell.execution_count = [], None
        cell.source, total = new_source, total + n
    nb.metadata["rnn_course"] = {"edition": "student", "digest": digest(nb)}
    return nb, total


class StudentEdition(Preprocessor):
    """nbgrader's step that takes the solutions out, done by :func:`student_edition` (so both editions agree)."""

    enabled = Bool(True)

    def preprocess(self, nb, resources):
        unmarked = [
            i
            for i, cell in enumerate(nb.cells)
            if cell.cell_type == "code"
            and strip_solutions(cell.source)[1]
            and not cell.metadata.get("nbgrader", {}).get("solution")
        ]
        if unmarked:  # nbgrader would not know these cells; `make sync` gives them their metadata
            raise ValueError(f"cells {unmarked} hold solutions but no nbgrader metadata: run `make sync`")
        edition, _ = student_edition(nb)
        edition.metadata.pop("celltoolbar", None)  # nbgrader's own toolbar is for the lecturer
        return edition, resources


def is_untouched(path: Path) -> bool:
    nb = nbformat.read(path, as_version=4)
    recorded = nb.metadata.get("rnn_course", {}).get("digest")
    return recorded is not None and recorded == digest(nb)


def write_edition(source_dir: Path, out_dir: Path) -> list:
    """Write every notebook of ``source_dir`` to ``out_dir``; return messages about what happened."""
    out_dir.mkdir(parents=True, exist_ok=True)
    messages = []
    for path in sorted(source_dir.glob("*.ipynb")):
        nb, n = student_edition(nbformat.read(path, as_version=4))
        target = out_dir / path.name
        if target.exists() and not is_untouched(target):
            target = target.with_suffix(".new.ipynb")
            messages.append(f"{path.name}: your copy has changes, so it was kept; the new edition is {target.name}")
        nbformat.write(nb, target)
        messages.append(f"{target.name}: {n} exercise(s) to do" if n else f"{target.name}: no exercises")
    return messages


def main(argv: list) -> int:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import editions  # only here: nbgrader's configuration imports this module for StudentEdition alone

    try:
        lang = editions.language()
    except ValueError as err:
        print(err, file=sys.stderr)
        return 2
    out = Path(argv[0]) if argv else editions.STUDENT_DIRS[lang]
    if lang != "en":
        editions.build(lang)  # the translated solved edition, from which this one takes the solutions out
    for message in write_edition(editions.SOLVED_DIRS[lang], out):
        print(message)
    print(f"Student edition written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
