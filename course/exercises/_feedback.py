"""Feedback for exercises: more than pass/fail.

A checker calls the learner's function on data it chooses, then :func:`diagnose`
compares the answer with the right one, term by term: shape (and transposes),
sign, a constant factor, which time step or which entry is off, and whether the
answer equals a *known mistake* (the signature of a bug from the gallery in
notebook 06).  The result is a :class:`Feedback`, which shows itself as text
in a notebook and can be inspected in tests.  When nbgrader grades a notebook,
a Feedback that is not correct is written to stderr instead, which is how the
checker's cell loses its points while the learner still reads the text.
"""

from __future__ import annotations

import ast
import copy
import json
import linecache
import os
import re
import signal
import sys
import threading
import traceback
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from rnn_lib.gradcheck import relative_error
from rnn_lib.parameters import PARAM_NAMES

from ..i18n import N_, WIDTH, tr, wrap

PASS_TOL = 1e-7  # relative error; right answers land near 1e-15, wrong ones above 1e-3
SIGN_FLIPPED = N_("sign flipped")  # the mistake diagnose names when the answer is exactly −(the right one)
FLOAT32 = N_("computed in float32")  # diagnose: the right numbers, to float32's (float16's) precision only
INPUT_WRITTEN = N_("input written to")  # the mistake run_learner names for a write into a read-only input
STATE_KEPT = N_("state kept between calls")  # the mistake confirmed names: the same inputs, another answer
LOW_PRECISION_ULPS = 10  # a float32 (float16) answer this many of its eps from the right one is it, rounded
TIME_LIMIT = 10.0  # seconds a learner's function may run; a right answer to any exercise here takes milliseconds
MAX_ENTRIES = 10**7  # an answer with more entries than this is not an answer to any exercise here (and copying
# a broadcast view that large, to check it, could exhaust the memory)


@dataclass
class Feedback:
    """What a checker found. ``status`` is "correct", "wrong", "not implemented" or "not run".

    "not run": the function the checker received is older than its exercise cell (the cell was edited and not
    run again, or its last run stopped with an error before the function was defined anew).
    """

    exercise: str
    status: str
    messages: list = field(default_factory=list)
    mistake: str | None = None  # name of the known mistake the answer matches, if any

    @property
    def passed(self) -> bool:
        return self.status == "correct"

    @property
    def head(self) -> str:
        if self.status == "correct":
            return tr("✓ {exercise}: correct.").format(exercise=self.exercise)
        if self.status == "wrong":
            return tr("✗ {exercise}: not yet right.").format(exercise=self.exercise)
        if self.status == "not implemented":
            return tr(
                "… {exercise}: not implemented yet — the function the kernel has still raises NotImplementedError. "
                "Replace `raise NotImplementedError` with your code, run the exercise cell (Shift+Enter), then this "
                "cell. (Already done? Then run the exercise cell first.)"
            ).format(exercise=self.exercise)
        if self.status == "not run":
            return tr(
                "↻ {exercise}: run the exercise cell first — the checker would be grading an older version of your "
                "function."
            ).format(exercise=self.exercise)
        raise KeyError(self.status)

    @property
    def text(self) -> str:
        """The head and the messages, one logical line each (what :meth:`__str__` wraps for the screen), in the
        course's language (a message defined before it was shown, such as an advice, is translated here)."""
        return "\n".join([self.head, *("  " + tr(m) for m in self.messages)])

    def __str__(self) -> str:
        return "\n".join(wrap_line(line) for line in self.text.split("\n"))

    __repr__ = __str__

    def _repr_pretty_(self, printer, cycle) -> None:
        """The text, as the cell's result; under nbgrader (autograde, validate), printed instead, as nbgrader grades.

        nbgrader gives a test cell its points unless it shows an error or writes to stderr, and reads a result
        as a partial score: there a correct Feedback prints to stdout, any other to stderr, and neither is a
        result (NotImplementedError is IPython's signal for that).
        """
        if "NBGRADER_EXECUTION" not in os.environ:
            printer.text(str(self))
            return
        print(self, file=sys.stdout if self.passed else sys.stderr)
        raise NotImplementedError


def wrap_line(line: str, width: int = WIDTH) -> str:
    """``line`` wrapped to ``width`` columns in the course's language (:func:`course.i18n.wrap`), continuation
    lines indented two more than the first.

    Never inside a word (a word longer than the width stays whole), never at a hyphen, and never inside a short
    parenthesis such as a shape, (T, B, H); Chinese text also breaks between characters.
    """
    return wrap(line, width)


def not_implemented(exercise: str) -> Feedback:
    return Feedback(exercise, "not implemented")


class _TimeUp(BaseException):
    """Raised inside a learner's function that runs past TIME_LIMIT (a BaseException, so `except Exception` in
    the learner's code cannot swallow it)."""


class _Stopwatch:
    """Stops the learner's code, running under the frame ``boundary``, after ``seconds`` (``start`` … ``stop``).

    The alarm raises _TimeUp in the running code.  Code that swallows it (a bare ``except:`` in a loop) is then
    traced: every line it runs raises _TimeUp again, so the first line outside a ``try`` ends it, and the alarm
    repeats for code waiting in a C call.  ``expired`` says whether the time ran out, even if the learner's code
    returned after all.  ``running`` is cleared, first thing, when the learner's code is done: from then on the
    alarm and the tracer do nothing, whatever the checker still runs.  An alarm signal works in the main thread
    only; elsewhere there is no limit.
    """

    def __init__(self, seconds: float, boundary):
        self.seconds, self.boundary = seconds, boundary
        self.running = self.expired = False
        self.usable = threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer")

    def _stop_every_line(self, frame, event, arg):
        # On "line" only: a trace function that raises is switched off by Python, and raising on the "exception"
        # event would hand the learner's `except:` a fresh _TimeUp to swallow.  The alarm switches it on again.
        if not self.running:
            return None
        if event == "line":
            raise _TimeUp
        return self._stop_every_line

    def _time_up(self, signum, frame):
        if not self.running:
            return
        if not self.expired:
            self.expired = True
            signal.setitimer(signal.ITIMER_REAL, 0.05, 0.05)  # from now on, again and again
        sys.settrace(lambda *_: self._stop_every_line)  # frames the learner's code calls from now on
        while frame is not None and frame is not self.boundary:  # frames already running: the learner's only
            frame.f_trace = self._stop_every_line
            frame = frame.f_back
        raise _TimeUp

    def start(self):
        self.running = True
        if self.usable:
            self.previous = signal.signal(signal.SIGALRM, self._time_up), sys.gettrace()
            signal.setitimer(signal.ITIMER_REAL, self.seconds)

    def stop(self):
        self.running = False
        if self.usable:
            signal.setitimer(signal.ITIMER_REAL, 0)
            handler, tracer = self.previous
            sys.settrace(tracer)
            signal.signal(signal.SIGALRM, handler)


def _frame(err: BaseException) -> dict | None:
    """function, line and code of the innermost frame of the learner's code that raised ``err``, or None."""
    frames = [
        f
        for f in traceback.extract_tb(err.__traceback__)
        if "rnn_lib" not in f.filename.replace("\\", "/") and f.filename != __file__  # ReadOnlyDict raises here
    ]
    if not frames:
        return None
    frame = frames[-1]
    return {"function": frame.name, "line": frame.lineno, "code": (frame.line or "").strip()}


def _where(err: BaseException) -> str:
    """' (in f, line N: `code`)' for the innermost frame of the learner's code, or ''."""
    frame = _frame(err)
    return "" if frame is None else tr(" (in {function}, line {line}: `{code}`)").format(**frame)


def numpy_said(err: BaseException) -> str:
    """numpy's own words, as the last detail of a message that has already said what is wrong in the course's terms."""
    return tr("(numpy's message: {error}: {message})").format(error=type(err).__name__, message=err)


def shape_error_advice(err, advice):
    """``advice(err)`` for numpy's matmul/broadcast errors (a ValueError or IndexError naming shapes), None for anything else."""
    if isinstance(err, (ValueError, IndexError)) and any(w in str(err) for w in ("matmul", "broadcast", "shapes")):
        return advice(err)
    return None


# ---------------------------------------------------------------------------
# Stale functions: the checker must grade what the exercise cell says now.
# ---------------------------------------------------------------------------


def _ipython():
    """The running IPython shell, or None (plain Python, a test, a script): never imports IPython itself."""
    module = sys.modules.get("IPython")
    get = getattr(module, "get_ipython", None)
    return get() if callable(get) else None


def _defines(text: str, name: str) -> bool:
    """True when the cell ``text`` defines the function ``name`` at its top level."""
    return re.search(rf"^def {re.escape(name)}\(", text, re.MULTILINE) is not None


def _saved_exercise_cell(path: Path, name: str) -> str | None:
    """The saved text of the exercise cell that defines ``name`` in the notebook at ``path`` (None if none).

    The exercise cell is the code cell defining ``name`` right before a cell that calls ``check_...(name)``; a
    notebook without such a pair gives its last cell defining ``name``.
    """
    try:
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        code = ["".join(c["source"]) if isinstance(c["source"], list) else c["source"] for c in cells
                if c.get("cell_type") == "code"]  # fmt: skip
    except (OSError, ValueError, KeyError, TypeError):
        return None
    calls = re.compile(rf"\bcheck_\w+\(\s*{re.escape(name)}\b")
    defining = [i for i, text in enumerate(code) if _defines(text, name)]
    paired = [i for i in defining if i + 1 < len(code) and calls.search(code[i + 1])]
    chosen = paired or defining
    return code[chosen[-1]] if chosen else None


def _notebook_path(shell) -> Path | None:
    """The notebook this kernel runs, as JupyterLab tells the kernel (``__session__``), if that file is here."""
    session = shell.user_ns.get("__session__") or os.environ.get("JPY_SESSION_NAME")
    if not isinstance(session, str) or not session.endswith(".ipynb"):
        return None
    for candidate in (Path(session), Path.cwd() / Path(session).name):  # the server's path is from its root
        if candidate.is_file():
            return candidate
    return None


def stale_message(fn, shell=None) -> str | None:
    """Why ``fn`` is older than its exercise cell, or None when it is not (or nothing can be known).

    Judged from IPython's record of the cells it ran (``In``) and the text of the cell that defined ``fn``
    (IPython keeps it in ``linecache`` under the code's file name), never from a guess:

    - a later run of a cell defining the same name exists, but ``fn`` comes from an earlier one: that run
      stopped with an error before its ``def`` took effect (a SyntaxError, or an error above the ``def``);
    - the notebook file (JupyterLab tells the kernel its path) holds an exercise cell whose saved text was
      never run in this kernel and differs from the cell ``fn`` came from: the cell was edited and not run,
      or ``fn`` was defined by another cell (an earlier cell of the same name) and the exercise never ran.

    Outside IPython, for a function not defined in a cell, or when history is not kept, the answer is None.
    """
    shell = shell if shell is not None else _ipython()
    code = getattr(fn, "__code__", None)
    manager = getattr(shell, "history_manager", None)
    history = getattr(manager, "input_hist_parsed", None)  # what ran (magics translated), as linecache holds it
    typed = list(getattr(manager, "input_hist_raw", None) or [])  # what was typed, as the notebook file holds it
    if code is None or not history:
        return None
    source = "".join(linecache.getlines(code.co_filename)).strip()
    runs = [i for i, text in enumerate(history) if text.strip() == source]
    if not source or not runs:
        return None  # not defined in a cell this kernel ran (a module's function, or no history kept)
    name, defined_in = fn.__name__, runs[-1]
    later = [i for i, text in enumerate(history) if i > defined_in and _defines(text, name) and text.strip() != source]
    if later:
        return tr(
            "The checker received `{name}` as run in In [{defined_in}], but In [{later}] defines it "
            "anew and stopped with an error before `def {name}` took effect (see the error under that "
            "cell). Fix it, run the exercise cell again, then this cell."
        ).format(name=name, defined_in=defined_in, later=later[-1])
    path = _notebook_path(shell)
    saved = _saved_exercise_cell(path, name) if path is not None else None
    ran = {text.strip() for text in [*history, *typed]}
    if saved is not None and saved.strip() != source and saved.strip() not in ran:
        return tr(
            "The exercise cell that defines `{name}` has changed since it last ran (as saved in "
            "{notebook}), or never ran: the `{name}` the kernel has comes from other text. Run the "
            "exercise cell (Shift+Enter), then this cell."
        ).format(name=name, notebook=path.name)
    return None


def not_run(exercise: str, reason: str) -> Feedback:
    return Feedback(exercise, "not run", [reason], N_("stale function"))


def run_learner(exercise: str, fn, *args, explain=None):
    """Call the learner's function; returns ``(value, None)``, or ``(None, Feedback)`` saying why there is no value.

    The checker passes its own read-only copies of the data (:func:`read_only`; it computes what it expects from
    the originals, before or after: the learner's code cannot reach them), so a write into an input raises and is
    named INPUT_WRITTEN, before any ``explain``.  Feedback instead of a traceback when ``fn`` is not a function,
    is not written yet (raises NotImplementedError), raises anything else (``explain(err)`` may return a more
    specific Feedback), or runs longer than TIME_LIMIT seconds.  Ctrl-C still stops everything.
    """
    if not callable(fn):
        if fn is None:
            said = tr("The checker needs your function itself, e.g. `check(my_function)`; it got None.")
        else:
            said = tr("The checker needs your function itself, e.g. `check(my_function)`; it got a {type}.").format(
                type=type(fn).__name__
            )
        return None, Feedback(exercise, "wrong", [said], N_("not a function"))
    reason = stale_message(fn)
    if reason is not None:
        return None, not_run(exercise, reason)
    too_long = Feedback(
        exercise,
        "wrong",
        [
            tr("Your function was stopped after {time_limit:.0f} s; a right answer takes milliseconds here.").format(
                time_limit=TIME_LIMIT
            ),
            tr(
                "Look for a loop that never ends (a while loop whose condition never changes, or an index "
                "never advanced), and for a bare `except:` that swallows every error, the checker's stop "
                "signal included."
            ),
        ],
        N_("runs too long"),
    )
    stopwatch = _Stopwatch(TIME_LIMIT, sys._getframe())
    try:
        try:
            stopwatch.start()
            value = fn(*args)
        finally:
            stopwatch.running = False  # first: from here on nothing is stopped
            stopwatch.stop()
        return (None, too_long) if stopwatch.expired else (value, None)  # it swallowed the stop and returned
    except NotImplementedError:
        return None, not_implemented(exercise)
    except _TimeUp:
        return None, too_long
    except KeyboardInterrupt:
        raise  # Ctrl-C is the learner's, not an answer
    except BaseException as err:  # noqa: BLE001 - the learner's code may raise anything (sys.exit too); say what
        if isinstance(err, ValueError) and "read-only" in str(err):  # numpy: "assignment destination is read-only"
            return None, input_written(exercise, err)  # first: no other explanation of an error outranks this one
        specific = explain(err) if explain is not None else None
        if specific is not None:
            return None, specific
        if isinstance(err, NameError) and getattr(err, "name", None):
            return None, Feedback(
                exercise,
                "wrong",
                [
                    tr(
                        "Your function uses `{name}`, which this kernel does not know{where}. Run the cell that "
                        "defines or imports it first: after a restart, the cells above this one (Run → Run All "
                        "Above Selected Cell)."
                    ).format(name=err.name, where=_where(err)),
                ],
                N_("name not defined"),
            )
        if isinstance(err, (ValueError, IndexError)) and any(w in str(err) for w in ("matmul", "broadcast", "shapes")):
            return None, Feedback(
                exercise,
                "wrong",
                [
                    tr("Two arrays in your function do not fit together, a shape error{where}.").format(
                        where=_where(err)
                    ),
                    tr(
                        "Write down the shape of each factor, as the exercise states them (time-major: (T, B, ·); "
                        "a batch of rows, so a column-form product W @ v becomes v @ W.T)."
                    ),
                    numpy_said(err),
                ],
                N_("shape error"),
            )
        frame = _frame(err)
        if frame is None:
            said = tr("Your function raised {error}: {message}.").format(error=type(err).__name__, message=err)
        else:
            said = tr("Your function raised {error}: {message} (in {function}, line {line}: `{code}`).").format(
                error=type(err).__name__, message=err, **frame
            )
        return None, Feedback(exercise, "wrong", [said], N_("raised an exception"))


def _written_target(err: BaseException) -> str | None:
    """The array the learner's line writes into, as that line names it (``h_prev``, ``params["W_hh"]``), or None.

    Read from the source of the innermost frame of the learner's code: the target of ``+=`` or of ``v[...] = ``,
    the ``out=`` of a ufunc, the array of a method that sorts or fills in place, the first argument of
    np.copyto / np.put / np.fill_diagonal / ufunc.at.
    """
    frame = _frame(err)
    if frame is None or not frame["code"]:
        return None
    try:
        tree = ast.parse(frame["code"])
    except SyntaxError:  # one line of a statement written over several
        return None

    def base(node):  # h[t - 1] writes into h; params["W_hh"][0] into params["W_hh"]; theta[name] = ... into theta
        while isinstance(node, ast.Subscript) and (
            _DICT_WRITTEN in str(err)
            or not (isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str))
        ):
            node = node.value
        return ast.unparse(node)

    for node in ast.walk(tree):
        if isinstance(node, ast.AugAssign):
            return base(node.target)
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Subscript):
            return base(node.targets[0])
        if isinstance(node, ast.Delete) and isinstance(node.targets[0], ast.Subscript):
            return base(node.targets[0])
        if isinstance(node, ast.Call):
            for keyword in node.keywords:
                if keyword.arg == "out":
                    return base(keyword.value)
            func = node.func
            if isinstance(func, ast.Attribute) and func.attr in _WRITING_METHODS:
                return base(func.value)
            if isinstance(func, ast.Attribute) and func.attr in _WRITING_FUNCTIONS and node.args:
                return base(node.args[0])
    return None


_WRITING_METHODS = {"sort", "fill", "put", "itemset", "resize", "partition", "setfield", "byteswap"}  # ndarray
_WRITING_METHODS |= {"update", "pop", "popitem", "setdefault", "clear"}  # dict (a ReadOnlyDict)
_WRITING_FUNCTIONS = {"copyto", "put", "place", "putmask", "fill_diagonal", "at", "put_along_axis"}


def input_written(exercise: str, err: BaseException) -> Feedback:
    """The Feedback for a learner's function that wrote into an input the checker passed read-only (``err``:
    numpy's "assignment destination is read-only"): names the input, the line, and the way out."""
    target = _written_target(err)
    if target is None:
        said = tr(
            "The mistake '{mistake}': your function writes into one of its inputs{where}. The checker passes its "
            "inputs read-only because a caller still needs them as they came (a state kept in h[t − 1], the "
            "parameters, a cache, a mask): a function reads its inputs and returns new arrays."
        ).format(mistake=tr(INPUT_WRITTEN), where=_where(err))
    else:
        said = tr(
            "The mistake '{mistake}': your function writes into its input `{name}`{where}. The checker passes its "
            "inputs read-only because a caller still needs them as they came (a state kept in h[t − 1], the "
            "parameters, a cache, a mask): a function reads its inputs and returns new arrays."
        ).format(mistake=tr(INPUT_WRITTEN), name=target, where=_where(err))
    return Feedback(
        exercise,
        "wrong",
        [
            said,
            tr(
                "Compute into a new array instead: a = a + d rather than a += d, np.exp(a) rather than "
                "np.exp(a, out=a), np.sort(a) rather than a.sort(); fill a dict of your own (new = dict(params)) "
                "rather than the one you were given; or write into a .copy() you made."
            ),
        ],
        INPUT_WRITTEN,
    )


_DICT_WRITTEN = "assignment destination is read-only: a dict the caller passed"


class ReadOnlyDict(dict):
    """A dict a checker passes (the parameters, the gradients) whose entries cannot be replaced: ``d[k] = v``,
    ``del d[k]``, ``d.update(...)`` and the like raise the ValueError a write into a read-only array raises (a
    plain ValueError, so that tools/grade_record.py replays it as it was).

    Everything that reads works as on a dict (it is one); ``dict(d)``, ``d.copy()``, ``{**d}`` and
    ``copy.deepcopy(d)`` give an ordinary, writable dict, which is how a right answer starts its own.
    """

    def _refuse(self, *args, **kwargs):
        raise ValueError(_DICT_WRITTEN)

    __setitem__ = __delitem__ = __ior__ = clear = pop = popitem = setdefault = update = _refuse

    def copy(self):
        return dict(self)

    def __copy__(self):
        return dict(self)

    def __deepcopy__(self, memo):
        return {copy.deepcopy(k, memo): copy.deepcopy(v, memo) for k, v in self.items()}

    def __reduce__(self):
        return dict, (dict(self),)


def read_only(value):
    """A copy of ``value`` (an array, or a dict of arrays; anything else as it is) that cannot be written into.

    What every checker passes a learner's function, whose inputs the caller still needs as they came (the state
    rnn_forward keeps in h[t − 1], the parameters, the scores it masks, the row of δ it adds to): a write into one
    raises, and :func:`run_learner` names INPUT_WRITTEN at the line that writes, even when the values returned
    are right.  A dict comes back as a :class:`ReadOnlyDict` of read-only arrays, so replacing an entry
    (``theta = params; theta[name] = ...``, which changes the caller's dict) is named the same way.
    One policy for every exercise; only an exercise whose contract is to write into an argument (notebook 06's
    centred difference, which moves x[i] and puts it back) passes a writable copy.  A right answer may still
    write into a .copy() it made: that copy is writable (np.asarray of a read-only array is not).

    Inputs: value, an ndarray, a dict (of arrays, possibly nested) or anything else.
    Returns: a read-only copy of an ndarray; a ReadOnlyDict of read-only copies for a dict; anything else as it is.
    """
    if isinstance(value, dict):
        return ReadOnlyDict({k: read_only(v) for k, v in value.items()})
    if not isinstance(value, np.ndarray):
        return value
    copied = value.copy()
    copied.flags.writeable = False
    return copied


def as_real_array(answer, name=N_("your result")):
    """``(float64 array, None)`` for an answer made of real numbers, else ``(None, what is wrong with it)``.

    None, non-numbers, bools, complex numbers and NaN or inf are each named, never silently converted.
    """
    name = tr(name)  # "your result" is a message, "dy" a code name (kept)
    if answer is None:
        return None, tr("{name} is None: did the function forget to `return` its result?").format(name=name)
    if isinstance(answer, (str, bytes, dict)):
        return None, tr("{name} should be an array of numbers, got a {type}.").format(
            name=name, type=type(answer).__name__
        )
    if isinstance(answer, np.ma.MaskedArray):  # np.asarray would drop the mask, and with it what it hides
        return None, tr(
            "{name} is a masked array; return a plain numpy array (np.ma.getdata, or compute without a mask)."
        ).format(name=name)
    try:
        arr = np.asarray(answer)
    except KeyboardInterrupt:
        raise  # Ctrl-C is the learner's
    except BaseException as err:  # noqa: BLE001 - ragged sequences, or an __array__ that raises anything (SystemExit)
        if str(err):
            detail = tr(" (converting it raised {error}: {message})").format(error=type(err).__name__, message=err)
        else:
            detail = tr(" (converting it raised {error})").format(error=type(err).__name__)
        hint = ""
        if type(answer).__module__.split(".")[0] in ("torch", "tensorflow", "jax"):
            hint = tr(" Compute with numpy arrays (a tensor that requires grad refuses to become one).")
        return (
            None,
            tr(
                "{name} should be an array of numbers, got a {type} that numpy cannot read as one{detail}.{hint}"
            ).format(name=name, type=type(answer).__name__, detail=detail, hint=hint),
        )
    if arr.size > MAX_ENTRIES:
        return None, (
            tr(
                "{name} has shape {shape}, {size:.3g} entries: far more than any answer here (a broadcast "
                "against the wrong axis, or np.outer of two long vectors?)."
            ).format(name=name, shape=arr.shape, size=arr.size)
        )
    if arr.dtype.kind == "c":
        return None, (
            tr(
                "{name} is complex (dtype {dtype}); the right answer is real. Did a square root or log of "
                "a negative number, or a complex literal such as 1j, get in?"
            ).format(name=name, dtype=arr.dtype)
        )
    if arr.dtype.kind == "b":
        return None, tr("{name} is an array of True/False (a comparison?), not of numbers.").format(name=name)
    if arr.dtype.kind not in "iuf":
        return None, tr("{name} should be an array of numbers, got an array of dtype {dtype}.").format(
            name=name, dtype=arr.dtype
        )
    try:
        arr = arr.astype(np.float64)
        bad = ~np.isfinite(arr)
    except MemoryError:
        return None, tr("{name} has shape {shape}: too large to check in this machine's memory.").format(
            name=name, shape=arr.shape
        )
    if bad.any():
        where = tuple(int(i) for i in np.argwhere(bad)[0])
        return None, (
            tr(
                "{name} contains NaN or inf (first at index {where}): a 0/0, an overflow, or an entry "
                "never assigned (np.empty)?"
            ).format(name=name, where=where)
        )
    return arr, None


def has_nan_or_inf(answer) -> bool:
    """True when ``answer`` is made of real numbers, some of them NaN or inf: the one fault of
    :func:`as_real_array` a checker explains in its own words (asked of the numbers, never of the message)."""
    if isinstance(answer, (str, bytes, dict, np.ma.MaskedArray)) or answer is None:
        return False
    try:
        arr = np.asarray(answer)
        if arr.dtype.kind not in "iuf" or arr.size > MAX_ENTRIES:
            return False
        return not bool(np.isfinite(arr.astype(np.float64)).all())
    except KeyboardInterrupt:
        raise
    except BaseException:  # noqa: BLE001 - an answer numpy cannot read: as_real_array names that fault
        return False


def matches(a, b, tol=PASS_TOL) -> bool:
    """True when two arrays have one shape and agree to a relative error of ``tol``."""
    return a.shape == b.shape and relative_error(a, b) <= tol


def flatten(grads, batch=None) -> np.ndarray:
    """The five gradients as one vector in PARAM_NAMES order (with ``batch``, one row per sequence, (B, n))."""
    if batch is None:
        return np.concatenate([np.asarray(grads[k], dtype=np.float64).ravel() for k in PARAM_NAMES])
    return np.concatenate([np.asarray(grads[k], dtype=np.float64).reshape(batch, -1) for k in PARAM_NAMES], axis=1)


def gradients_as_vector(exercise: str, answer, shapes: dict, what: str = N_("the five gradients")):
    """The learner's dict of five gradients as one vector, or ``(None, Feedback)`` saying what is off.

    shapes: name → the shape each gradient must have (its parameter's).
    """
    if not isinstance(answer, dict):
        return None, Feedback(
            exercise,
            "wrong",
            [tr("Return a dict of {what}, got {type}.").format(what=tr(what), type=type(answer).__name__)],
        )
    missing = [k for k in PARAM_NAMES if k not in answer]
    if missing:
        return None, Feedback(
            exercise,
            "wrong",
            [tr("The returned dict lacks {names}: return all five.").format(names=", ".join(missing))],
        )
    arrays = {}
    for k in PARAM_NAMES:
        arrays[k], problem = as_real_array(answer[k], f"result['{k}']")
        if problem is not None:
            return None, Feedback(exercise, "wrong", [problem])
        shape = arrays[k].shape
        if shape != shapes[k]:
            hint = (
                tr(" That still has the batch axis first: average over it (axis 0).") if shape[1:] == shapes[k] else ""
            )
            return None, Feedback(
                exercise,
                "wrong",
                [
                    tr("result['{k}'] has shape {shape}, expected {expected}.{hint}").format(
                        k=k, shape=shape, expected=shapes[k], hint=hint
                    )
                ],
            )
    return flatten(arrays), None


def combine(exercise: str, parts) -> Feedback:
    """One Feedback from several, one per returned value (a dict, or pairs, name → Feedback from :func:`diagnose`).

    Correct only when every part is. Each wrong part's messages are listed under its name; advice for a known
    mistake already given for an earlier part is not repeated. ``mistake`` joins the distinct known mistakes
    found with " + " (None when no part matched one).
    """
    parts = list(dict(parts).items())
    if all(fb.passed for _, fb in parts):
        return Feedback(exercise, "correct", [tr("{name}: correct.").format(name=tr(name)) for name, _ in parts])
    messages, mistakes = [], []
    for name, fb in parts:
        if fb.passed:
            messages.append(tr("{name}: correct.").format(name=tr(name)))
        elif fb.mistake is not None and fb.mistake in mistakes:
            messages.append(tr("{name}: the same mistake, '{mistake}'.").format(name=tr(name), mistake=tr(fb.mistake)))
            messages.extend("  " + m for m in fb.messages[2:])
        else:
            messages.append(tr("{name}:").format(name=tr(name)))
            messages.extend("  " + m for m in fb.messages)
            if fb.mistake is not None:
                mistakes.append(fb.mistake)
    return Feedback(exercise, "wrong", messages, " + ".join(mistakes) or None)


def one_array(result, shape: tuple):
    """``result`` itself, or a list or tuple of the right values read as one array of ``shape`` (a learner who
    appends each step's rows to a list and returns the list is right); None for a list or tuple that is not that
    (several returned values), whose feedback is then "return one array"."""
    if not isinstance(result, (tuple, list)):
        return result
    arr, problem = as_real_array(result)
    return arr if problem is None and arr.shape == shape else None


def split_pair(exercise: str, result, names: tuple) -> Feedback | None:
    """None if ``result`` is a pair, else the Feedback explaining what the function should return."""
    if isinstance(result, (tuple, list)) and len(result) == 2:
        return None
    if isinstance(result, (tuple, list)):
        said = tr("return two values, `return {first}, {second}`; got a {type} of length {n}.").format(
            first=names[0], second=names[1], type=type(result).__name__, n=len(result)
        )
    else:
        said = tr("return two values, `return {first}, {second}`; got a single {type}.").format(
            first=names[0], second=names[1], type=type(result).__name__
        )
    return Feedback(exercise, "wrong", [said])


def steps_message(rows, n_rows: int, *, name: str = N_("your result"), first_step: int = 1) -> str:
    """Which time steps ``rows`` (indices along the time axis) are wrong, in the maths' numbering.

    first_step: the step t that row 0 holds: 1 for arrays with one row per step (x, ŷ, δ: row t − 1 holds step t),
    0 for the T + 1 hidden states h_0 … h_T (row t holds h_t, row 0 is h_0).
    """
    steps, name = [r + first_step for r in rows], tr(name)
    where = (
        tr("row t holds h_t, row 0 is h_0")
        if first_step == 0
        else tr("row t − {first_step} holds step t").format(first_step=first_step)
    )
    if len(rows) == n_rows:
        return tr("{name} is wrong at every step, t = {first_step} … {last_step} ({where}).").format(
            name=name, first_step=first_step, last_step=n_rows - 1 + first_step, where=where
        )
    listed = ", ".join(map(str, steps))
    return tr("{name} is wrong at t = {listed} ({where}); the other steps are right.").format(
        name=name, listed=listed, where=where
    )


def _low_precision(answer, dtype, expected):
    """The precision ``answer`` was computed in when it is the right one rounded to float32 or float16 (its dtype,
    or float64 numbers that are all float32 numbers, not all whole: a float32 result cast back), else None."""
    if dtype is not None and dtype.itemsize < 8:
        low = dtype
    elif not np.all(np.abs(answer) < np.finfo(np.float32).max):  # inf, NaN or beyond float32: not a float32 result
        return None
    elif np.array_equal(answer.astype(np.float32).astype(np.float64), answer) and np.any(answer != np.round(answer)):
        low = np.dtype(np.float32)
    else:
        return None
    close = max(1e-5, LOW_PRECISION_ULPS * float(np.finfo(low).eps))  # a float32 sum of many terms drifts further
    return low if relative_error(answer, expected) <= close else None


def _low_precision_feedback(exercise, name, low, answer, expected) -> Feedback:
    return Feedback(
        exercise,
        "wrong",
        [
            tr("This is exactly what the mistake '{mistake}' gives.").format(mistake=tr(FLOAT32)),
            tr(
                "{name} has the right values, rounded to {dtype} (relative error {error:.1e}); this exercise "
                "computes in float64."
            ).format(name=name, dtype=low, error=relative_error(answer, expected)),
            tr(
                "float32 keeps about 7 significant digits (float16 about 3): a gradient check compares to "
                "1e-7 and would fail. "
                "Leave out the .astype(np.float32) or dtype=np.float32: numpy computes in float64 by default."
            ),
        ],
        FLOAT32,
    )


def diagnose(
    exercise: str,
    answer,
    expected,
    *,
    name=N_("your result"),
    known_mistakes=None,
    time_axis=None,
    first_step: int = 1,
    sign_advice: str | None = None,
    float64: bool = False,
) -> Feedback:
    """Compare ``answer`` with ``expected`` and explain the difference.

    known_mistakes: dict  mistake name → (value that mistake produces, advice).
    time_axis: axis of ``expected`` that indexes time steps, to name the wrong steps; ``first_step`` is the step t
    that index 0 along it holds (1 for one row per step, 0 for the states h_0 … h_T), so that steps are counted
    as the maths counts them.
    sign_advice: what to look at when the answer is the right one with every sign flipped (says where a sign
    can go wrong in this exercise); the Feedback then names the mistake SIGN_FLIPPED.  None: a generic sentence,
    no name.
    float64: the exercise computes in float64 (a gradient, or what a gradient is checked against): an answer in
    float32 or float16 that is the right one up to its rounding is named FLOAT32, not passed (its ~7 digits hide
    any error below 1e-7, and a finite-difference check of it fails).
    """
    expected = np.asarray(expected, dtype=np.float64)
    name = tr(name)
    dtype = _float_dtype(answer)
    answer, problem = as_real_array(answer, name)
    if problem is not None:
        return Feedback(exercise, "wrong", [problem])

    if answer.shape != expected.shape:
        msgs = [
            tr("{name} has shape {shape}, expected {expected}.").format(
                name=name, shape=answer.shape, expected=expected.shape
            )
        ]
        if answer.shape == expected.shape[::-1]:
            msgs.append(tr("That is the transpose of the expected shape: check the order of the factors (a vs aᵀ)."))
        elif answer.size == expected.size:
            msgs.append(tr("Same number of entries: a reshape or a missing column-vector axis (n, 1)?"))
        elif answer.ndim < expected.ndim:
            msgs.append(tr("Fewer axes than expected: did you sum over an axis that should stay (time, or the batch)?"))
        return Feedback(exercise, "wrong", msgs)

    low = _low_precision(answer, dtype, expected) if float64 else None
    if low is not None:  # before the tolerance: float32's digits may pass 1e-7 and still not be float64
        return _low_precision_feedback(exercise, name, low, answer, expected)

    if matches(answer, expected):
        return Feedback(exercise, "correct")

    for mistake, (value, advice) in (known_mistakes or {}).items():
        if matches(answer, np.asarray(value, dtype=np.float64)):
            return Feedback(
                exercise,
                "wrong",
                [tr("This is exactly what the mistake '{mistake}' gives.").format(mistake=tr(mistake)), advice],
                mistake,
            )

    low = _low_precision(answer, dtype, expected)
    if low is not None:
        return _low_precision_feedback(exercise, name, low, answer, expected)
    msgs = [
        tr("relative error {error:.1e} (a right answer is below {tol:.0e}).").format(
            error=relative_error(answer, expected), tol=PASS_TOL
        )
    ]
    if matches(answer, -expected):
        advice = sign_advice or tr("a − where a + belongs (or the reverse) somewhere in your formula.")
        named = SIGN_FLIPPED if sign_advice else None  # a name only where the checker can say where to look
        return Feedback(
            exercise,
            "wrong",
            [msgs[0], tr("Right size, wrong sign everywhere: {advice}").format(advice=tr(advice))],
            named,
        )
    denom = float(np.vdot(expected, expected))
    if denom > 0 and expected.size > 1:  # any two single numbers differ by a constant factor: that says nothing
        factor = float(np.vdot(answer, expected)) / denom
        # a factor of 1 (to three digits) is not a factor: the answer is close, and off by something else
        if abs(factor) > 1e-3 and abs(factor - 1) > 1e-3 and matches(answer, factor * expected, 1e-6):
            msgs.append(
                tr("Off by a constant factor of {factor:.3g}: a missing or extra ½, 2, or 1/T?").format(factor=factor)
            )
    if time_axis is not None and expected.ndim > 0:
        wrong = [
            t
            for t in range(expected.shape[time_axis])
            if not matches(np.take(answer, t, time_axis), np.take(expected, t, time_axis))
        ]
        if wrong:
            msgs.append(steps_message(wrong, expected.shape[time_axis], name=name, first_step=first_step))
    else:
        diff = np.abs(answer - expected)
        where = np.unravel_index(int(np.argmax(diff)), diff.shape) if diff.ndim else ()
        msgs.append(
            tr("Largest difference at index {index}: yours {yours:.6g}, expected {expected:.6g}.").format(
                index=tuple(int(i) for i in where), yours=answer[where], expected=expected[where]
            )
        )
    return Feedback(exercise, "wrong", msgs)


def _float_dtype(answer):
    """The dtype of ``answer`` when it is an array (or list of arrays) of floating-point numbers, else None."""
    try:
        dtype = np.asarray(answer).dtype
    except KeyboardInterrupt:
        raise
    except BaseException:  # noqa: BLE001 - an answer numpy cannot read: as_real_array names that fault
        return None
    return dtype if dtype.kind == "f" else None


def diagnose_number(
    exercise: str, answer, expected: float, *, name: str, what: str, known_mistakes=None, note: str = ""
) -> Feedback:
    """:func:`diagnose` for an answer that must be one number (``what``: what the number is, for the message).

    An array of several numbers is explained as such; a wrong number that matches no known mistake gets the
    expected value appended, so the learner knows what to aim for, followed by ``note`` (a message, or "").
    """
    value, problem = as_real_array(answer, name)
    if problem is None and np.ndim(value) != 0:
        if np.size(value) == 1:
            said = tr("Return one number, {what}; got an array of shape {shape} (take float(...) of it).").format(
                what=tr(what), shape=np.shape(value)
            )
        else:
            said = tr("Return one number, {what}; got an array of shape {shape}.").format(
                what=tr(what), shape=np.shape(value)
            )
        return Feedback(exercise, "wrong", [said])
    fb = diagnose(
        exercise,
        np.reshape(value, ()) if problem is None else answer,
        expected,
        name=name,
        known_mistakes=known_mistakes,
    )
    if not fb.passed and fb.mistake is None and problem is None:
        fb.messages.append(tr("Expected {expected:.6f}.{note}").format(expected=expected, note=note))
    return fb


def name_shape_mistake(fb: Feedback, answer, candidates) -> Feedback:
    """Name a known mistake whose value has a *different* shape from the right answer (``diagnose`` sees only shapes).

    candidates: iterable of (mistake name, value, advice); a name may appear more than once (e.g. with and without
    keepdims).  ``fb`` is returned unchanged when it passed, already names a mistake, or no candidate matches.
    """
    if fb.passed or fb.mistake is not None or answer is None:
        return fb
    answer, problem = as_real_array(answer)
    if problem is not None:
        return fb
    for mistake, value, advice in candidates:
        value = np.asarray(value, dtype=np.float64)
        if answer.shape == value.shape and matches(answer, value):
            # the mistake first, as diagnose does (combine shortens a repeated mistake to messages[2:])
            fb.messages[:0] = [
                tr("This is exactly what the mistake '{mistake}' gives.").format(mistake=tr(mistake)),
                advice,
            ]
            fb.mistake = mistake
            break
    return fb


def _same_answer(a, b) -> bool:
    """True when two answers hold the same numbers in the same structure (tuples, lists and dicts of arrays)."""
    if isinstance(a, dict) or isinstance(b, dict):
        return (
            isinstance(a, dict)
            and isinstance(b, dict)
            and a.keys() == b.keys()
            and all(_same_answer(a[k], b[k]) for k in a)
        )
    if isinstance(a, (tuple, list)) and isinstance(b, (tuple, list)) and len(a) == len(b):
        if all(np.ndim(x) == 0 for x in (*a, *b)):  # a list of numbers, such as one row of answers
            return _same_answer(np.asarray(a), np.asarray(b))
        return all(_same_answer(x, y) for x, y in zip(a, b))
    x, problem_a = as_real_array(a)
    y, problem_b = as_real_array(b)
    if problem_a is not None and problem_b is not None:
        return True  # no numbers in either (a None beside the gradients): nothing that could show a kept state
    return problem_a is None and problem_b is None and matches(x, y)


def same_when_called_again(exercise: str, fn, args, first) -> Feedback | None:
    """None when ``fn`` called again, on fresh copies of ``args``, gives ``first`` (its answer to the first call)
    again; otherwise a Feedback: a function that keeps something between calls (a global array it adds into, a
    default argument) is right once and wrong ever after."""
    first = copy.deepcopy(first)  # the learner's answer may be the very array the second call changes
    copies = copy.deepcopy(list(args))
    for original, arr in zip(args, copies):
        if isinstance(arr, np.ndarray) and (arr.dtype == bool or not original.flags.writeable):
            arr.flags.writeable = False  # as the first call had them: a mask is only read
    again, fb = run_learner(exercise, fn, *copies)
    if fb is not None:
        return fb
    if _same_answer(first, again):
        return None
    return Feedback(
        exercise,
        "wrong",
        [
            tr(
                "The mistake '{mistake}': right the first time, but called again on the same inputs your function "
                "returns something else."
            ).format(mistake=tr(STATE_KEPT)),
            tr(
                "Something lives on between calls: an array created outside the function that it adds into (+=), "
                "a global counter, or a mutable default argument (def f(x, acc=[])). Create every array inside the "
                "function."
            ),
        ],
        STATE_KEPT,
    )


def confirmed(fb: Feedback, exercise: str, fn, args, first) -> Feedback:
    """``fb`` when it is not correct; when it is, the same answer asked for again (:func:`same_when_called_again`)."""
    if not fb.passed:
        return fb
    return same_when_called_again(exercise, fn, args, first) or fb


def guarded(exercise: str):
    """Decorator for a ``check_*`` function: whatever the learner's answer makes the checker itself raise becomes
    feedback in words, never a traceback (Ctrl-C still stops it).

    The checkers read answers through :func:`as_real_array`, which names every kind of bad answer it knows; this is
    the net under it, for an answer no one thought of.
    """

    def wrap(check):
        def checked(fn, *args, **kwargs):
            try:
                return check(fn, *args, **kwargs)
            except KeyboardInterrupt:
                raise
            except BaseException as err:  # noqa: BLE001 - an answer can make numpy raise anything, SystemExit too
                what = f"{type(err).__name__}: {err}" if str(err) else type(err).__name__
                return Feedback(
                    exercise,
                    "wrong",
                    [
                        tr(
                            "The checker could not read what your function returned: return numpy arrays (or numbers) "
                            "of the shapes the exercise asks for."
                        ),
                        tr("Detail: reading it raised {what}.").format(what=what),
                    ],
                    N_("unreadable answer"),
                )

        checked.__name__, checked.__qualname__, checked.__doc__ = check.__name__, check.__qualname__, check.__doc__
        checked.__module__, checked.__wrapped__ = check.__module__, check
        return checked

    return wrap


def usable(fn, check) -> bool:
    """True when ``check(fn)`` passes; otherwise say in words why the cell that wants ``fn`` does not run it.

    For the cells after an exercise that use the learner's function (to compare it with the library, or to plot
    with it): ``if usable(adam_step, check_adam_step): ...``.  A wrong, blank, raising, stale or missing answer
    then gives a sentence instead of a traceback, and the checker's own cell has already said what to fix.
    """
    name = getattr(fn, "__name__", "your function")
    fb = check(fn)
    if fb.passed:
        return True
    if fb.status == "not implemented":
        why = tr("is not written yet (it still raises NotImplementedError).")
    elif fb.status == "not run" and fb.messages:
        why = tr("is older than its exercise cell: {reason}").format(reason=tr(fb.messages[0]))
    else:
        why = tr("does not pass its checker yet (the checker's feedback above says what is wrong).")
    print(
        wrap_line(
            tr(
                "This cell uses your `{name}`, which {why} So it stops here. Fix `{name}`, run its cell and the "
                "checker again, then this cell."
            ).format(name=name, why=why)
        )
    )
    return False
