"""Execute notebooks in place, top to bottom, the way CI will compare them.

Usage: python tools/execute_notebooks.py notebooks/01_forward_pass.ipynb [...]

Runs each notebook in a fresh kernel started in its own folder (as nbval does),
numbers the code cells 1..n, and keeps the metadata clean: the standard
``python3`` kernelspec, no timing stamps, no widget state. Stops at the first
error and says which cell failed. Run it through ``make execute`` so the BLAS
thread count matches ``make test``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
KEEP_CELL_METADATA = {"tags", "slideshow", "jupyter", "editable", "deletable", "nbgrader"}


def clean(nb) -> None:
    """Strip what varies by machine or run; keep what a reader or a tool needs."""
    nb.metadata = nbformat.from_dict(
        {
            "kernelspec": KERNELSPEC,
            "language_info": {"name": "python", "pygments_lexer": "ipython3"},
            **{k: v for k, v in nb.metadata.items() if k in {"rise", "celltoolbar"}},
        }
    )
    for cell in nb.cells:
        cell.metadata = nbformat.from_dict({k: v for k, v in cell.metadata.items() if k in KEEP_CELL_METADATA})
        if cell.cell_type == "code":
            cell.outputs = coalesce_streams(cell.outputs)


def coalesce_streams(outputs: list) -> list:
    """Join consecutive stream outputs of one name (stdout, stderr) into one.

    How the kernel cuts printed text into messages depends on timing (a long computation
    between two prints flushes the first), so without this the same run can commit one
    stream output or two: the same text, a different file.
    """
    joined = []
    for out in outputs:
        previous = joined[-1] if joined else None
        if (
            out.output_type == "stream"
            and previous is not None
            and previous.output_type == "stream"
            and previous.name == out.name
        ):
            previous.text += out.text
        else:
            joined.append(out)
    return joined


def execute(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=300,
        kernel_name="python3",
        record_timing=False,
        resources={"metadata": {"path": str(path.parent)}},
    )
    try:
        client.execute()
    except CellExecutionError as err:
        sys.exit(f"{path}: a cell failed; the notebook was not written.\n{err}")
    clean(nb)
    nbformat.write(nb, path)
    print(f"executed {path}")


if __name__ == "__main__":
    paths = [Path(p) for p in sys.argv[1:]]
    if not paths:
        sys.exit(__doc__)
    for p in paths:
        execute(p)
