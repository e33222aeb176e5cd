"""Execute one prepared notebook, inside the grading sandbox (tools/grade_sandbox.py starts it; never run it bare).

    python tools/grade_runner.py IN.ipynb OUT.ipynb

Runs every cell in a fresh kernel started in the current folder (the learner's working folder, the only one it
may write), going on after a cell that fails, as nbgrader does, and writes the notebook with its outputs to OUT
after every cell, so that what ran before a time limit struck is kept.  Nothing here is trusted: the learner's
code runs in the same sandbox and may change any of it; the grader reads only the record that
tools/grade_record.py writes, as untrusted data, and judges outside.
"""

from __future__ import annotations

import sys

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import DeadKernelError


def main(source: str, target: str) -> int:
    nb = nbformat.read(source, as_version=4)
    client = NotebookClient(
        nb,
        kernel_name="python3",
        allow_errors=True,
        timeout=None,  # the sandbox's wall clock stops the whole notebook; no limit per cell here
        startup_timeout=120,
        resources={"metadata": {"path": "."}},
        on_cell_executed=lambda **_: nbformat.write(nb, target),
    )
    try:
        client.execute()
    except DeadKernelError as err:  # os._exit, a crash, or the memory limit: the rest of the notebook is not run
        nbformat.write(nb, target)
        print(f"the kernel died: {err}", file=sys.stderr)
        return 3
    nbformat.write(nb, target)
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))
