"""Saving and loading a model's parameters as an .npz archive: atomically, and never trusting the file.

``save_arrays`` writes a temporary file and renames it over the target (a reader sees the old file or the new one).
``load_arrays`` opens regular files only, checks member names and each array's header before reading its data,
never unpickles, and turns every zip or npy failure into one ValueError naming the file."""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import numpy as np

from .validation import FLOAT_DTYPES, describe

# The format marker, version and sizes are tiny; their members may be no larger than this.
_SMALL_MEMBER_BYTES = 4096


class FileFormat(NamedTuple):
    """What a model's file holds: a marker, a version, the parameter names; ``shapes(*sizes)`` → {name: shape}."""

    marker: str
    version: int
    names: tuple
    shapes: Callable[..., dict]
    n_sizes: int = 3

    @property
    def members(self) -> tuple:
        return ("format", "format_version", "sizes", *self.names)


def as_path(path, what: str = "path") -> Path:
    """``path`` (str or os.PathLike) as a Path with a usable name, or a TypeError/ValueError saying why not."""
    if isinstance(path, bytes) or not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"{what} must be a str or pathlib.Path, got {type(path).__name__}")
    text = os.fspath(path)
    if not isinstance(text, str):
        raise TypeError(f"{what} must be a str or pathlib.Path, got a path of bytes")
    if text == "":
        raise ValueError(f"{what} is empty; give a file name such as 'model.npz'")
    if "\0" in text:
        raise ValueError(f"{what} contains a NUL byte (\\0), which no file name may hold: {text!r}")
    return Path(text)


def save_arrays(path, arrays: dict) -> Path:
    """Write ``arrays`` to exactly ``path`` (no ``.npz`` appended), atomically, keeping its permissions; the Path."""
    path = as_path(path)
    if path.is_dir():
        message = f"cannot save to {path}: it is a folder; give a file name inside it, e.g. {path / 'model.npz'}"
        raise ValueError(message)
    if not path.parent.is_dir():
        raise FileNotFoundError(f"cannot save to {path}: the folder {path.parent} does not exist")
    old_mode = None
    with contextlib.suppress(FileNotFoundError):
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            raise ValueError(f"cannot save to {path}: it exists and is not a regular file")
        old_mode = stat.S_IMODE(info.st_mode)
    # A short temporary name, so that any name the file system accepts for the target works.
    tmp = path.parent / f".rnn_lib-{secrets.token_hex(6)}.tmp"
    # O_EXCL: never reuse an existing file; mode 0o666 lets the umask decide, as open() would.
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez(f, **arrays)  # to an open file, np.savez appends no suffix
            f.flush()
            os.fsync(f.fileno())  # the data is on disk before the name points at it
        if old_mode is not None:
            os.chmod(tmp, old_mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return path


def file_arrays(fmt: FileFormat, sizes, params: dict) -> dict:
    """The arrays :func:`save_arrays` writes for a model: marker, version, sizes, then the parameters."""
    return {
        "format": np.array(fmt.marker),
        "format_version": np.array(fmt.version, dtype=np.int64),
        "sizes": np.array(sizes, dtype=np.int64),
        **{name: params[name] for name in fmt.names},
    }


class _Refused(Exception):
    """A problem with the file's content, already phrased for the reader (without the path)."""


def load_arrays(path, fmt: FileFormat) -> tuple[tuple, dict]:
    """``(sizes, params)`` from a file written with ``fmt``; FileNotFoundError, or a ValueError naming the path."""
    path = as_path(path)
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise FileNotFoundError(f"no such file: {path}") from None
    if stat.S_ISDIR(info.st_mode):
        raise ValueError(f"{path} is a folder, not a saved model")
    if not stat.S_ISREG(info.st_mode):  # a FIFO or a device would block or never end
        raise ValueError(f"{path} is not a regular file (a pipe, socket or device?); load reads only files")
    model = fmt.marker.split(".")[-1]
    try:
        with open(path, "rb") as fh:
            if fh.read(6) == b"\x93NUMPY":
                raise _Refused(f"it holds a single .npy array (np.save), not a {model} .npz archive")
            fh.seek(0)
            with zipfile.ZipFile(fh) as archive:
                return _read_model(archive, fmt)
    except _Refused as err:
        raise ValueError(f"{path}: {err}") from None
    except Exception as err:  # noqa: BLE001 - any failure of zipfile or of the npy format is a bad file
        raise ValueError(
            f"{path} is not a readable {model} file (truncated, corrupted, or not an .npz archive): "
            f"{type(err).__name__}: {err}"
        ) from None


def _read_model(archive: zipfile.ZipFile, fmt: FileFormat) -> tuple[tuple, dict]:
    members = [info.filename for info in archive.infolist()]
    names = [m[:-4] if m.endswith(".npy") else m for m in members]
    marker = _read_member(archive, "format", small=True) if "format" in names else np.array(0)
    if marker.shape != () or marker.dtype.kind != "U" or str(marker) != fmt.marker:
        raise _Refused(
            f"this file was not written by {fmt.marker.split('.')[-1]}.save: it has no format marker "
            f"'{fmt.marker}' (its arrays: {', '.join(sorted(names)) or 'none'})"
        )
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise _Refused(f"the archive holds more than one array named {', '.join(duplicates)}")
    missing = [k for k in fmt.members if k not in names]
    extra = sorted(k for k in names if k not in fmt.members)
    if missing or extra:
        parts = [
            p for p in (missing and f"missing {', '.join(missing)}", extra and f"unexpected {', '.join(extra)}") if p
        ]
        raise _Refused(f"the file must hold exactly the arrays {', '.join(fmt.members)}; {'; '.join(parts)}")
    version = _read_member(archive, "format_version", small=True)
    if version.shape != () or version.dtype.kind not in "iu":
        raise _Refused(f"'format_version' must be one integer, got {describe(version)}")
    if int(version) != fmt.version:
        newer = " (the file was written by a newer rnn_lib: upgrade it)" if int(version) > fmt.version else ""
        raise _Refused(f"file format version {int(version)}; this rnn_lib reads version {fmt.version}{newer}")
    sizes = _read_member(archive, "sizes", small=True)
    if sizes.shape != (fmt.n_sizes,) or sizes.dtype.kind not in "iu" or np.any(sizes < 1):
        raise _Refused(f"'sizes' must be {fmt.n_sizes} positive integers, got {describe(sizes)} {sizes.tolist()}")
    sizes = tuple(int(s) for s in sizes)
    shapes = fmt.shapes(*sizes)
    params = {}
    for name in fmt.names:
        arr = _read_member(archive, name, expect_shape=shapes[name], sizes=sizes)
        if not np.all(np.isfinite(arr)):
            raise _Refused(f"'{name}' holds NaN or inf")
        params[name] = np.array(arr, dtype=arr.dtype.newbyteorder("="), order="C")  # native, writeable
    dtypes = {p.dtype for p in params.values()}
    if len(dtypes) > 1:
        found = ", ".join(f"{k}: {p.dtype}" for k, p in params.items())
        raise _Refused(f"the parameters must share one dtype, got {found}")
    return sizes, params


def _read_member(archive, name: str, *, small=False, expect_shape=None, sizes=()) -> np.ndarray:
    """One array of the archive, its header checked before its data is read."""
    info = archive.getinfo(f"{name}.npy")
    if small and info.file_size > _SMALL_MEMBER_BYTES:
        raise _Refused(f"'{name}' is {info.file_size} bytes, far more than it can be")
    with archive.open(info) as member:
        version = np.lib.format.read_magic(member)
        if version == (1, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_1_0(member)
        elif version in ((2, 0), (3, 0)):
            shape, fortran, dtype = np.lib.format.read_array_header_2_0(member)
        else:
            raise _Refused(f"'{name}' has an unknown .npy version {version}")
        if dtype.hasobject:
            raise _Refused(
                f"array '{name}' holds pickled Python objects; load never unpickles "
                "(unpickling can run arbitrary code), so this is not a model file"
            )
        if expect_shape is not None:
            if dtype.type not in FLOAT_DTYPES:
                raise _Refused(f"'{name}' must be float32 or float64, got dtype {dtype}")
            if tuple(shape) != expect_shape:
                raise _Refused(
                    f"'{name}' must have shape {expect_shape} for sizes {', '.join(map(str, sizes))}, got shape {shape}"
                )
        n_bytes = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
        if small and n_bytes > _SMALL_MEMBER_BYTES:
            raise _Refused(f"'{name}' declares shape {shape}, far larger than it can be")
        data = member.read(n_bytes)
        if len(data) != n_bytes:
            raise _Refused(f"'{name}' is truncated: {len(data)} of {n_bytes} bytes")
    arr = np.frombuffer(data, dtype=dtype)
    return arr.reshape(shape, order="F" if fortran else "C")
