"""What a learner's function answered, recorded in the sandbox and replayed to the checker outside it.

The grader never trusts the learner's kernel with a verdict.  Inside the sandbox (tools/grade_runner.py), each
checker cell runs the course's checker with the learner's function wrapped by :func:`check`: every call appends
to a record file what the checker passed (a digest), what the function returned or raised, and how it left its
arguments.  Outside the sandbox, tools/grade.py imports the checker afresh and calls it with :class:`Replay` in
place of the learner's function, which answers each call with the recorded result for the same arguments.  So
the verdict is the trusted checker's, on the trusted checker's own inputs; the learner's code decides only what
its function returns, which is all it should decide.  The record is untrusted data: :func:`read_records` and
:func:`decode` accept JSON of plain values and numeric arrays (never pickles, never objects that run code), and
cap their sizes.

The same module is imported in both places, so the digests agree.
"""

from __future__ import annotations

import base64
import builtins
import functools
import hashlib
import importlib
import json
import linecache
import os
import stat
import time
import traceback

import numpy as np

MAX_ARRAY_BYTES = 32 * 2**20  # an answer larger than this is recorded by its shape only (right answers are KBs)
MAX_ITEMS = 10_000  # entries of a list, tuple or dict recorded; more: recorded as too large
MAX_DEPTH = 20  # nesting of lists, tuples and dicts
MAX_RECORD_BYTES = 64 * 2**20  # read no more of a record file than this (a course notebook's record: well under 1 MB)
MAX_ENTRIES = 100_000  # nor more entries
ARRAY_KINDS = "biufcUS"  # numbers, booleans and text: no objects, no structured records
STOPS = ("_TimeUp", "KeyboardInterrupt")  # the checker's stop signal, and Ctrl-C: never swallowed here


# --------------------------------------------------------------------------------------------------------------
# Digests: the same arguments give the same digest in the sandbox and outside it.
# --------------------------------------------------------------------------------------------------------------


def _feed(h, value, depth=0) -> None:
    if depth > MAX_DEPTH:
        h.update(b"<deep>")
    elif isinstance(value, np.ndarray) and value.dtype.kind in ARRAY_KINDS and value.dtype.fields is None:
        h.update(f"a{value.dtype.str}{value.shape}".encode())
        h.update(value.tobytes())  # C order, whatever the layout
    elif isinstance(value, (bool, int, float, complex, str, bytes, type(None), np.generic)):
        h.update(f"s{type(value).__name__}:{value!r}".encode())
    elif isinstance(value, (list, tuple)):
        h.update(f"{type(value).__name__}{len(value)}(".encode())
        for item in value:
            _feed(h, item, depth + 1)
        h.update(b")")
    elif isinstance(value, dict):
        h.update(f"d{len(value)}(".encode())
        for key in sorted(value, key=repr):
            h.update(repr(key).encode())
            _feed(h, value[key], depth + 1)
        h.update(b")")
    elif callable(value):
        h.update(f"f{getattr(value, '__module__', '')}.{getattr(value, '__qualname__', type(value).__name__)}".encode())
    else:
        h.update(f"o{type(value).__module__}.{type(value).__qualname__}".encode())


def digest(args, kwargs=None) -> str:
    """A short hash of a call's arguments: arrays by dtype, shape and bytes, functions by their qualified name."""
    h = hashlib.sha256()
    _feed(h, tuple(args))
    _feed(h, dict(kwargs or {}))
    return h.hexdigest()[:32]


# --------------------------------------------------------------------------------------------------------------
# Encoding (in the sandbox, on the learner's values) and decoding (outside, on untrusted JSON).
# --------------------------------------------------------------------------------------------------------------


def _array(arr: np.ndarray) -> dict:
    if arr.nbytes > MAX_ARRAY_BYTES:
        return {"too_large": f"an array of shape {arr.shape} and dtype {arr.dtype}"}
    raw = base64.b64encode(arr.tobytes()).decode("ascii")  # C order, whatever the layout
    return {"array": raw, "dtype": arr.dtype.str, "shape": arr.shape}


def encode(value, depth=0):
    """A JSON-able description of ``value``; runs the learner's conversions (``__array__``) here, in the sandbox."""
    if depth > MAX_DEPTH:
        return {"too_large": "values nested too deeply"}
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return value if abs(value) < 2**53 else {"int": str(value)}
    if isinstance(value, float):
        return {"float": repr(value)}  # NaN and inf survive, and every digit
    if isinstance(value, complex):
        return {"complex": [repr(value.real), repr(value.imag)]}
    if isinstance(value, np.generic):
        return {"scalar": encode(np.asarray(value), depth + 1)}
    if isinstance(value, np.ma.MaskedArray):
        return {"masked": encode(np.ma.getdata(value), depth + 1), "mask": encode(np.ma.getmaskarray(value), depth + 1)}
    if isinstance(value, np.ndarray):
        if value.dtype.kind in ARRAY_KINDS and value.dtype.fields is None:
            return _array(value)
        if value.dtype.kind == "O" and value.size <= MAX_ITEMS:
            return {"objects": [encode(v, depth + 1) for v in value.ravel()], "shape": value.shape}
        return {"object": f"ndarray of dtype {value.dtype}"}
    if isinstance(value, (list, tuple)):
        if len(value) > MAX_ITEMS:
            return {"too_large": f"a {type(value).__name__} of {len(value)} items"}
        return {type(value).__name__: [encode(v, depth + 1) for v in value]}
    if isinstance(value, dict):
        if len(value) > MAX_ITEMS:
            return {"too_large": f"a dict of {len(value)} items"}
        return {"dict": [[encode(k, depth + 1), encode(v, depth + 1)] for k, v in value.items()]}
    name = type(value).__name__
    if hasattr(type(value), "__array__"):  # a tensor, say: converted here, where a conversion that hangs is stopped
        try:
            arr = np.asarray(value)
        except BaseException as err:  # noqa: BLE001 - the learner's conversion may raise anything (sys.exit too)
            if type(err).__name__ in STOPS:
                raise  # the checker's time limit, which counts the conversion too: the call did not finish
            return {"unreadable": name, "error": f"{type(err).__name__}: {err}"[:500]}
        return {"converted": name, "value": encode(arr, depth + 1)}
    return {"object": name}


class Opaque:
    """Stands in, outside the sandbox, for a value that was no plain data (an object, or one too large)."""

    def __init__(self, what: str, error: str | None = None):
        self.what, self.error = what, error

    def __repr__(self) -> str:
        return f"<{self.what}>"


class Unreadable(Opaque):
    """An object whose conversion to an array failed in the sandbox: it fails here the same way."""

    def __array__(self, *args, **kwargs):
        raise TypeError(self.error or f"{self.what} cannot be read as an array")


def _decode_array(d: dict) -> np.ndarray:
    dtype = np.dtype(str(d["dtype"]))
    if dtype.kind not in ARRAY_KINDS or dtype.fields is not None or dtype.hasobject:
        raise ValueError(f"dtype {dtype} is not allowed in a record")
    shape = tuple(int(n) for n in d["shape"])
    raw = base64.b64decode(d["array"], validate=True)
    if any(n < 0 for n in shape) or int(np.prod(shape, dtype=object)) * dtype.itemsize != len(raw):
        raise ValueError("an array's bytes do not fit its shape")
    return np.frombuffer(raw, dtype=dtype).reshape(shape).copy()


def decode(value, depth=0):
    """The value :func:`encode` described, rebuilt from untrusted JSON; a ValueError for anything malformed."""
    if depth > MAX_DEPTH + 2:
        raise ValueError("nested too deeply")
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return value
    if not isinstance(value, dict) or len(value) == 0:
        raise ValueError(f"not a recorded value: {type(value).__name__}")
    kind = next(iter(value))
    if kind == "int":
        return int(str(value["int"])[:5000])
    if kind == "float":
        return float(value["float"])
    if kind == "complex":
        return complex(float(value["complex"][0]), float(value["complex"][1]))
    if kind == "scalar":
        return np.asarray(decode(value["scalar"], depth + 1))[()]
    if kind == "masked":
        return np.ma.MaskedArray(decode(value["masked"], depth + 1), mask=decode(value["mask"], depth + 1))
    if kind == "array":
        return _decode_array(value)
    if kind == "objects":
        items = [decode(v, depth + 1) for v in value["objects"][:MAX_ITEMS]]
        arr = np.empty(len(items), dtype=object)
        arr[:] = items
        return arr.reshape(tuple(int(n) for n in value["shape"]))
    if kind in ("list", "tuple"):
        items = [decode(v, depth + 1) for v in value[kind][:MAX_ITEMS]]
        return items if kind == "list" else tuple(items)
    if kind == "dict":
        out = {}
        for k, v in value["dict"][:MAX_ITEMS]:
            k = decode(k, depth + 1)
            out[k if isinstance(k, (str, int, float, bool, tuple, type(None))) else repr(k)] = decode(v, depth + 1)
        return out
    if kind == "converted":
        return decode(value["value"], depth + 1)
    if kind == "unreadable":
        return Unreadable(f"a {str(value['unreadable'])[:100]} that numpy cannot read", str(value.get("error"))[:500])
    if kind == "too_large":
        return Unreadable(f"{str(value['too_large'])[:200]}, too large to grade")
    if kind == "object":
        return Opaque(f"a {str(value['object'])[:100]}")
    raise ValueError(f"not a recorded value: {kind!r}")


# --------------------------------------------------------------------------------------------------------------
# In the sandbox: the checker cell's replacement.
# --------------------------------------------------------------------------------------------------------------

_record_fd = None


def start(path: str) -> None:
    """Open the record file (append only); called once, by the cell the grader puts before the notebook's first."""
    global _record_fd
    _record_fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)


def _write(entry: dict) -> None:
    os.write(_record_fd, (json.dumps(entry, allow_nan=True) + "\n").encode("utf-8"))


def _raised(err: BaseException) -> dict:
    """What an exception says, and the innermost frame of the learner's code it came from."""
    frames = [f for f in traceback.extract_tb(err.__traceback__) if f.filename != __file__]
    where = [frames[-1].filename, frames[-1].lineno, frames[-1].name, frames[-1].line or ""] if frames else None
    args = [a for a in err.args if isinstance(a, (str, int, float))] if len(err.args) <= 3 else []
    if len(args) != len(err.args):
        args = [str(err)]
    return {"type": type(err).__name__, "args": args, "where": where}


def _recording(exercise: str, fn):
    """``fn``, wrapped: each call is written to the record before it runs and its outcome after."""
    calls = iter(range(10**9))

    @functools.wraps(fn)
    def recorded(*args, **kwargs):
        n = next(calls)
        before = [digest([a]) for a in args]
        _write({"ex": exercise, "call": n, "args": digest(args, kwargs)})
        started = time.monotonic()
        try:
            value = fn(*args, **kwargs)
        except BaseException as err:
            _write({"ex": exercise, "call": n, "raised": _raised(err), "seconds": time.monotonic() - started})
            raise
        seconds = time.monotonic() - started
        after = {i: encode(a) for i, a in enumerate(args) if digest([a]) != before[i]}
        _write({"ex": exercise, "call": n, "value": encode(value), "after": after, "seconds": seconds})
        return value

    return recorded


def check(exercise: str, module: str, checker: str, get_function):
    """Run the course's checker on the learner's function, recording every call; its Feedback is the cell's result.

    get_function: a lambda returning the learner's function by name, so that a name never defined is recorded
    as such.  The checker is imported from its module here, so a name rebound in the notebook changes nothing.
    """
    try:
        fn = get_function()
    except BaseException as err:  # noqa: BLE001 - a NameError, or whatever the learner's code raises
        _write({"ex": exercise, "undefined": f"{type(err).__name__}: {err}"[:500]})
        raise
    if not callable(fn):
        _write({"ex": exercise, "not_callable": type(fn).__name__, "is_none": fn is None})
        return getattr(importlib.import_module(module), checker)(fn)
    feedback = getattr(importlib.import_module(module), checker)(_recording(exercise, fn))
    _write({"ex": exercise, "done": True})
    return feedback


# --------------------------------------------------------------------------------------------------------------
# Outside the sandbox: reading the record and answering the trusted checker from it.
# --------------------------------------------------------------------------------------------------------------


def read_records(path) -> list:
    """The record file's entries (dicts); lines that are not JSON objects are skipped, the size is capped, and a
    symbolic link the learner's code put in its place is not followed."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return []
    with os.fdopen(fd, "rb") as f:
        raw = f.read(MAX_RECORD_BYTES) if stat.S_ISREG(os.fstat(f.fileno()).st_mode) else b""
    entries = []
    for line in raw.split(b"\n"):
        try:
            entry = json.loads(line)
        except (ValueError, RecursionError):
            continue
        if isinstance(entry, dict) and isinstance(entry.get("ex"), str):
            entries.append(entry)
            if len(entries) == MAX_ENTRIES:
                break
    return entries


class NoRecordedAnswer(Exception):
    """The trusted checker called the function with arguments it was never called with in the sandbox."""


def _rebuild(raised: dict, time_up) -> BaseException:
    """The learner's exception, rebuilt as an instance of a harmless class with the same name and message."""
    name = str(raised.get("type", "Exception"))[:100]
    args = [a if isinstance(a, (str, int, float)) else str(a) for a in list(raised.get("args") or [])[:3]]
    if name == "_TimeUp" and time_up is not None:
        return time_up()
    known = getattr(builtins, name, None)
    if isinstance(known, type) and issubclass(known, Exception):  # never KeyboardInterrupt, SystemExit, ...
        cls = known
    else:
        cls = type(name if name.isidentifier() else "Exception", (Exception,), {})
    try:
        return cls(*args)
    except Exception:  # noqa: BLE001 - a builtin that wants other arguments (UnicodeError, ...)
        return Exception(*args)


def _raise_from_learners_line(err: BaseException, where) -> None:
    """Raise ``err`` from a frame that carries the learner's file, line and function name, as the original did.

    The checkers name "line N of your function" from the traceback; this keeps that sentence right.
    """
    try:
        filename, lineno, name, line = str(where[0]), int(where[1]), str(where[2]), str(where[3])
    except (TypeError, ValueError, IndexError):
        raise err from None
    if not name.isidentifier() or not 0 < lineno < 100_000:
        raise err from None
    lines = ["\n"] * lineno
    lines[lineno - 1] = line[:500] + "\n"
    linecache.cache[filename] = (len("".join(lines)), None, lines, filename)
    source = "\n" * (lineno - 2) + f"def {name}(err):\n raise err\n" if lineno > 1 else f"def {name}(err): raise err\n"
    namespace = {}
    exec(compile(source, filename, "exec"), namespace)  # noqa: S102 - our own two lines, the learner's names
    namespace[name](err)


class Replay:
    """The learner's function, as the trusted checker sees it: each call answered from the record.

    A call with arguments never recorded raises NoRecordedAnswer (``diverged`` counts them); a call that never
    finished in the sandbox (the notebook's time ran out) or ran past the checker's limit raises the checker's
    own time-up signal (``hung``); a call that raised in the sandbox raises an exception of the same name and
    message.  Arguments the function changed in the sandbox are changed the same way here.
    """

    def __init__(self, exercise: str, entries: list, time_limit: float, time_up=None):
        self.exercise, self.time_limit, self.time_up = exercise, time_limit, time_up
        self.diverged = self.hung = 0
        self.calls = {}
        for e in entries:
            if e.get("ex") == exercise and isinstance(e.get("call"), int):
                self.calls.setdefault(e["call"], {}).update(e)
        self.unused = sorted(self.calls)
        self.__name__ = self.__qualname__ = "learners_function"

    def __call__(self, *args, **kwargs):
        d = digest(args, kwargs)
        n = next((n for n in self.unused if self.calls[n].get("args") == d), None)
        if n is None:
            self.diverged += 1
            raise NoRecordedAnswer(
                "the grader has no answer of your function for these inputs: the checker in your notebook never "
                "called it with them (was the checker or its data changed from your code?)"
            )
        self.unused.remove(n)
        call = self.calls[n]
        finished = "value" in call or "raised" in call
        seconds = call.get("seconds")
        if not finished or not isinstance(seconds, (int, float)) or seconds > self.time_limit:
            self.hung += 1
            if self.time_up is not None:
                raise self.time_up()
            raise TimeoutError("your function was stopped: it ran past the time limit")
        for i, state in dict(call.get("after") or {}).items():
            _restore(args, int(i), decode(state))
        if "raised" in call:
            raised = call["raised"] if isinstance(call["raised"], dict) else {}
            err = _rebuild(raised, self.time_up)
            if raised.get("where"):
                _raise_from_learners_line(err, raised["where"])
            raise err
        return decode(call["value"])


def _restore(args, i: int, state) -> None:
    """Leave argument ``i`` as the learner's function left it in the sandbox (in place, as there)."""
    if not 0 <= i < len(args):
        return
    target = args[i]
    if isinstance(target, np.ndarray) and isinstance(state, np.ndarray) and state.shape == target.shape:
        if target.flags.writeable:
            np.copyto(target, state, casting="unsafe")
    elif isinstance(target, dict) and isinstance(state, dict):
        for key in [k for k in target if k not in state]:
            del target[key]
        for key, value in state.items():
            old = target.get(key)
            if isinstance(old, np.ndarray) and isinstance(value, np.ndarray) and old.shape == value.shape:
                if old.flags.writeable:
                    np.copyto(old, value, casting="unsafe")
            else:
                target[key] = value
    elif isinstance(target, list) and isinstance(state, list):
        target[:] = state
