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
import io
import math
import os
import re
from pathlib import Path

import numpy as np

# The course's data folder, next to the notebooks (an editable install, as `make lab` and Binder make).
PACKAGE_DATA_DIR = Path(__file__).resolve().parent.parent / "notebooks" / "data"


class Row(dict):
    """One row of a result table: a dict column → value that cannot be changed (``dict(row)`` is a copy that can)."""

    def _read_only(self, *args, **kwargs):
        raise TypeError("a row of stored results cannot be changed; change a copy: dict(row)")

    __setitem__ = __delitem__ = __ior__ = clear = pop = popitem = setdefault = update = _read_only

    def __reduce__(self):
        return Row, (dict(self),)


class Results:
    """Rows of one result file, each a read-only dict column → value (int, float or str).

    ``where(seed=3, T=20)`` keeps the matching rows; ``column("loss")`` is a numpy array of one
    column; ``values("seed")`` the distinct values of a column, sorted.  ``protocol`` is the file's
    comment text (how the rows were made).  ``rows`` is a tuple: nothing a reader does changes the table.
    """

    def __init__(self, rows, columns, protocol=""):
        self.rows = tuple(row if type(row) is Row else Row(row) for row in rows)
        self.columns, self.protocol = list(columns), protocol
        self._positions = {}  # columns → {their values: positions of the rows}, built on the first where() asking them

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
        try:
            kept = self._where_indexed(conditions)
        except TypeError:  # an unhashable value (a list, an array): compare row by row, as == does
            kept = [row for row in self.rows if all(row[k] == v for k, v in conditions.items())]
        return Results(kept, self.columns, self.protocol)

    def _where_indexed(self, conditions) -> list:
        """where()'s rows, looked up in an index of the asked columns: the claims ask a table thousands of times."""
        if any(value != value for value in conditions.values()):  # NaN equals nothing, not even the object stored
            return []
        names = tuple(sorted(conditions))
        if names not in self._positions:  # built once per set of columns: values → positions of their rows
            index = {}
            for i, row in enumerate(self.rows):
                index.setdefault(tuple(row[name] for name in names), []).append(i)
            self._positions[names] = index
        return [self.rows[i] for i in self._positions[names].get(tuple(conditions[n] for n in names), ())]

    def column(self, name) -> np.ndarray:
        """One column as a numpy array, in row order."""
        self._check_column(name)
        return np.array([row[name] for row in self.rows])

    def values(self, name) -> list:
        """The distinct values of a column, sorted."""
        self._check_column(name)
        return sorted({row[name] for row in self.rows})


def _parse(text: str):
    """A cell's value: the int or float whose own text (str(int), repr(float)) it is exactly, else the text."""
    try:
        if str(int(text)) == text:
            return int(text)
    except ValueError:
        pass
    try:
        if repr(float(text)) == text:
            return float(text)
    except ValueError:
        pass
    return text


def _format(value) -> str:
    if isinstance(value, (bool, np.bool_, int, np.integer)):
        return str(int(value))  # a bool as 0 or 1
    if isinstance(value, (float, np.floating)):
        return repr(float(value))
    return str(value)


def _reads_back(value, text: str) -> bool:
    """Whether ``text`` (:func:`_format` of value) is read back as value: the same str, or an equal number."""
    back = _parse(text)
    if isinstance(value, str) or isinstance(back, str):
        return back == value and isinstance(value, str) and isinstance(back, str)
    return back == value or (math.isnan(back) and math.isnan(float(value)))


def write_table(path, rows, protocol: str) -> Path:
    """Write ``rows`` (dicts with the same keys, in the same order) as CSV, protocol lines first; returns the Path.

    Every value is checked before anything is written: it must read back as itself (numbers, any text, bools
    as 0 or 1); text that would read back as a number (``"1"``, ``"nan"``) and other objects are refused.  The file
    appears complete or not at all (written to ``NAME.tmp`` and renamed; a failed write leaves no .tmp).
    """
    path, rows = Path(path), list(rows)
    if not isinstance(protocol, str):
        raise TypeError(f"protocol must be a str, got {type(protocol).__name__}")
    if not rows:
        raise ValueError(f"no rows to write to {path}")
    if not all(isinstance(row, dict) for row in rows):
        raise TypeError(
            f"rows must be dicts column → value, got {type(next(r for r in rows if not isinstance(r, dict)))}"
        )
    columns = list(rows[0])
    if not columns or not all(isinstance(c, str) for c in columns) or columns[0].startswith("#"):
        raise ValueError(f"the columns must be str, the first not starting with '#' (a comment), got {columns}")
    lines = []
    for i, row in enumerate(rows):
        if list(row) != columns:
            raise ValueError(f"every row must have the columns {columns}, got {list(row)} (rows[{i}])")
        lines.append([_format(row[c]) for c in columns])
        for c, text in zip(columns, lines[-1]):
            if not _reads_back(row[c], text):
                raise ValueError(
                    f"rows[{i}][{c!r}] = {row[c]!r} would be read back as {_parse(text)!r}: "
                    "store numbers as int or float and text that does not look like one"
                )
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    try:
        with open(tmp, "w", newline="", encoding="utf-8") as f:
            f.writelines(f"# {line}\n" for line in protocol.strip().split("\n") if protocol.strip())
            csv.writer(f, lineterminator="\n").writerows([columns, *lines])
        tmp.replace(path)  # never a half-written file
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def read_table(path) -> Results:
    """Read a file written by :func:`write_table`; a ValueError naming the file and the line if it is damaged."""
    path = Path(path)
    try:
        with open(path, encoding="utf-8", newline="") as f:
            text = f.read()
    except UnicodeDecodeError as err:
        raise ValueError(f"{path} is not a results table (not UTF-8 text: {err})") from None
    protocol, rest = [], text
    while rest.startswith("#"):  # the protocol: the comment lines before the header (a later # is data)
        line, _, rest = rest.partition("\n")
        protocol.append(line[2:] if line.startswith("# ") else line[1:])
    if not rest.strip():
        raise ValueError(f"{path} holds no table: no header row naming the columns after its comment lines")
    if not text.endswith("\n"):
        raise ValueError(f"{path} ends in the middle of a line: the file is truncated (run its experiment again)")
    reader = csv.reader(io.StringIO(rest))
    try:
        columns = next(reader)
        if not columns or len(set(columns)) != len(columns):
            raise ValueError(f"{path}: the header row must name distinct columns, got {columns}")
        rows = []
        for cells in reader:
            if len(cells) != len(columns):
                line = len(protocol) + reader.line_num
                raise ValueError(
                    f"{path}, line {line}: {len(cells)} values for the {len(columns)} columns (a damaged row?)"
                )
            rows.append(dict(zip(columns, map(_parse, cells))))
    except csv.Error as err:
        raise ValueError(f"{path}, line {len(protocol) + reader.line_num}: not a valid CSV row ({err})") from None
    return Results(rows, columns, "\n".join(protocol))


def data_file(name: str, folder=None) -> Path:
    """Where the result file ``name`` is: ``folder``, else ./data (a notebook's folder), else the course's.

    name: an experiment's table name such as ``"sgd_step_size"`` (letters, digits, _ and -): never a path, so that
    nothing outside those folders is read.
    """
    if not isinstance(name, str):
        raise TypeError(
            f"name must be the str name of a stored table, such as 'sgd_step_size', got {type(name).__name__}"
        )
    if not re.fullmatch(r"[A-Za-z0-9_-]+", name):
        hint = " (without .csv)" if name.endswith(".csv") else " (a name, not a path)"
        raise ValueError(f"name must be a table name of letters, digits, _ and -{hint}, got {name!r}")
    if folder is not None and not isinstance(folder, (str, os.PathLike)):
        raise TypeError(f"folder must be None, a str or a pathlib.Path, got {type(folder).__name__}")
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
