"""Shared helpers for the tests that read the committed notebooks."""

from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_DIR = ROOT / "notebooks"
NOTEBOOK_PATHS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))


def read(path):
    return nbformat.read(path, as_version=4)


def code_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code"]
