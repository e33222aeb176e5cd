"""Stored experiment results: the tables that ``experiments/`` writes and the notebooks load.

A result file is a CSV text file in ``notebooks/data/`` (diffable, one row per measurement)::

    # sgd_step_size: written by experiments/sgd_step_size.py; protocol: ...
    eta,seed,epoch,loss
    0.1,0,1,27.02211...

Lines starting with ``#`` carry the protocol; the first other line names the columns.  Numbers are
written with ``repr``, so a float read back is bit-identical to the one written.

- :func:`load_results` (what a notebook calls) → :class:`Results`, a small read-only table;
- :func:`write_table`, :func:`read_table` and :func:`compare_rows`, used by ``experiments/harness.py``.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np

# The course's data folder, next to the notebooks (an editable install, as `make lab` and Binder make).
PACKAGE_DATA_DIR = Path(__file__).resolve().parent.parent / "notebooks" / "data"


class Results:
    """Rows of one result file, each a dict column → value (int, float or str).

    ``where(seed=3, T=20)`` keeps the matching rows; ``column("loss")`` is a numpy array of one
    column; ``values("seed")`` the distinct values of a column, sorted.  ``protocol`` is the file's
    comment text (how the rows were made).
    """

    def __init__(self, rows, columns, protocol=""):
        self.rows, self.columns, self.protocol = list(rows), list(columns), protocol

    def __len__(self) -> int:
        return len(self.rows)

    def __repr__(self) -> str:
        return f"Results({len(self.rows)} rows; columns {', '.join(self.columns)})"

    def _check_column(self, name):
        if name not in self.columns:
            raise KeyError(f"no column {name!r}; the columns are {', '.join(self.columns)}")

    def where(self, **conditions) -> Results:
        """The rows whose columns equal the given values, e.g. ``where(eta=0.1, seed=0)``."""
        for name in conditions:
            self._check_column(name)
        kept = [row for row in self.rows if all(row[k] == v for k, v in conditions.items())]
        return Results(kept, self.columns, self.protocol)

    def column(self, name) -> np.ndarray:
        """One column as a numpy array, in row order."""
        self._check_column(name)
        return np.array([row[name] for row in self.rows])

    def values(self, name) -> list:
        """The distinct values of a column, sorted."""
        self._check_column(name)
        return sorted({row[name] for row in self.rows})


def _parse(text: str):
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def _format(value) -> str:
    if isinstance(value, (bool, np.bool_)):
        return str(int(value))
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        return repr(float(value))
    return str(value)


def write_table(path, rows, protocol: str) -> Path:
    """Write ``rows`` (dicts with the same keys, in the same order) as CSV, protocol lines first."""
    path = Path(path)
    rows = list(rows)
    if not rows:
        raise ValueError(f"no rows to write to {path}")
    columns = list(rows[0])
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w", newline="", encoding="utf-8") as f:
        for line in protocol.strip().splitlines():
            f.write(f"# {line}\n")
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            if list(row) != columns:
                raise ValueError(f"every row must have the columns {columns}, got {list(row)}")
            writer.writerow([_format(row[c]) for c in columns])
    tmp.replace(path)  # never a half-written file
    return path


def read_table(path) -> Results:
    """Read a file written by :func:`write_table`."""
    path = Path(path)
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    protocol = "\n".join(line[2:] for line in lines if line.startswith("#"))
    body = [line for line in lines if not line.startswith("#")]
    reader = csv.reader(body)
    columns = next(reader)
    rows = [dict(zip(columns, map(_parse, cells))) for cells in reader]
    return Results(rows, columns, protocol)


def data_file(name: str, folder=None) -> Path:
    """Where the result file ``name`` is: ``folder``, else ./data (a notebook's folder), else the course's."""
    filename = f"{name}.csv"
    candidates = [Path(folder)] if folder is not None else [Path.cwd() / "data", PACKAGE_DATA_DIR]
    for candidate in candidates:
        if (candidate / filename).is_file():
            return candidate / filename
    looked = " and ".join(str(c / filename) for c in candidates)
    raise FileNotFoundError(
        f"no stored results '{name}': looked for {looked}. They are made by experiments/{name}.py; "
        f"from the repository root run `make experiments` (all of them) or "
        f"`.venv/bin/python experiments/{name}.py` (this one)."
    )


def load_results(name: str, folder=None) -> Results:
    """The stored results of experiment ``name`` (the file notebooks/data/NAME.csv), as :class:`Results`.

    Raises FileNotFoundError, saying how to make the file, if it is missing.
    """
    return read_table(data_file(name, folder))


def _same(a, b, rtol) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        a, b = float(a), float(b)
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        if math.isinf(a) or math.isinf(b):
            return a == b
        return abs(a - b) <= rtol * max(abs(a), abs(b))
    return a == b


def compare_rows(stored: Results, computed, key, rtol=1e-12) -> list[str]:
    """Every difference between ``computed`` rows and the stored rows with the same key, as lines of text.

    key: the columns that identify a row.  A computed row must exist in ``stored`` and agree in every
    column: numbers to ``rtol`` relative (NaN equals NaN, infinities must match), text exactly.
    An empty list means everything computed was reproduced.
    """
    index = {tuple(row[k] for k in key): row for row in stored.rows}
    problems = []
    for row in computed:
        k = tuple(_parse(_format(row[c])) for c in key)
        label = ", ".join(f"{c}={v}" for c, v in zip(key, k))
        old = index.get(k)
        if old is None:
            problems.append(f"row ({label}): not in the stored results")
            continue
        if list(row) != list(old):
            problems.append(f"row ({label}): columns {list(row)}, stored {list(old)}")
            continue
        for c, value in row.items():
            new = _parse(_format(value))
            if not _same(new, old[c], rtol):
                diff = ""
                if isinstance(new, (int, float)) and isinstance(old[c], (int, float)) and old[c] != 0:
                    diff = f" (relative difference {abs(new - old[c]) / abs(old[c]):.1e})"
                problems.append(f"row ({label}): {c} stored {old[c]!r}, recomputed {new!r}{diff}")
    return problems
