"""``SimpleRNN``: the problem's class, built on the functional core.

Same attributes, shapes and numbers as the reference (``shared/seed/reference_rnn.py``):
after ``np.random.seed(s)`` the weights, outputs and updated weights agree with it
to rounding error, for any sizes and any number of epochs.

Every public method checks what it is given before it changes anything (see
``validation.py``): after any exception the five parameters are bit-identical to
what they were, and so is the cached forward pass.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import zipfile
import zlib
from pathlib import Path

import numpy as np

from . import core
from .validation import (
    FLOAT_DTYPES,
    CallOrderError,
    check_float_dtype,
    check_inputs,
    check_learning_rate,
    check_params,
    check_size,
    check_targets,
)

FILE_FORMAT = "rnn_lib.SimpleRNN"  # the marker that tells our .npz files from any other
FILE_VERSION = 1
_FILE_KEYS = ("format", "format_version", "sizes", *core.PARAM_NAMES)


class SimpleRNN:
    """h_t = tanh(W_xh x_t + W_hh h_{t−1} + b_h),  ŷ_t = W_hy h_t + b_y,  h_0 = 0.

    Attributes: ``W_xh (H, D)``, ``W_hh (H, H)``, ``W_hy (O, H)``, ``b_h (H, 1)``,
    ``b_y (O, 1)``, ``hidden_size`` (H), ``input_size`` (D), ``output_size`` (O).

    ``rng=None`` draws the weights from numpy's global legacy RNG in the
    reference's order; pass ``np.random.default_rng(seed)`` to use a Generator.
    ``dtype`` is np.float64 (default, the reference's) or np.float32.

    Order of calls: ``forward(x)`` then ``backward(x, y)`` with the same x; each
    backward uses up the forward pass before it (the step changes the weights, so
    its hidden states are stale).  A backward without its forward, with another x,
    or after the weights changed since forward raises :class:`CallOrderError`, a
    ValueError and RuntimeError at once.
    """

    def __init__(self, input_size, hidden_size, output_size, *, rng=None, dtype=np.float64):
        # Every check before the first draw, so a refused call leaves the global RNG where it was.
        D = check_size(input_size, "input_size")
        H = check_size(hidden_size, "hidden_size")
        O = check_size(output_size, "output_size")
        if rng is not None and not isinstance(rng, np.random.Generator):
            raise TypeError(
                f"rng must be None or a numpy Generator (np.random.default_rng(seed)), got {type(rng).__name__}"
            )
        dtype = check_float_dtype(dtype)
        self._adopt(D, H, O, core.init_params(D, H, O, rng=rng, dtype=dtype))

    def _adopt(self, D, H, O, params):
        """Take sizes and (already checked) parameter arrays; no forward pass cached yet."""
        self.input_size, self.hidden_size, self.output_size = D, H, O
        for name in core.PARAM_NAMES:
            setattr(self, name, params[name])
        self._forwarded = None  # (x, cache, y_hat, params) of the last forward, for backward
        self._stepped = False  # True right after a backward used up its forward pass

    @property
    def params(self) -> dict:
        """The five parameter arrays by name (the arrays themselves, not copies)."""
        return {name: getattr(self, name) for name in core.PARAM_NAMES}

    @property
    def dtype(self) -> np.dtype:
        """The parameters' float dtype, which decides the arithmetic."""
        return self.W_hh.dtype

    # -- the problem's two methods --------------------------------------------

    def forward(self, x):
        """Predictions for one sequence x of shape (T, D); returns (T, O, 1) like the reference.

        The hidden states (and a copy of x) are kept for the next :meth:`backward`.
        """
        params = self._checked_params()
        x = self._inputs(x, copy=True)
        y_hat, cache = self._forward(params, x)
        # Copies of x and of the weights: backward checks that it is given the same x and that
        # nothing (a trainer, a reassignment, an in-place edit) changed the weights in between.
        self._forwarded = (x, cache, y_hat, {name: p.copy() for name, p in params.items()})
        self._stepped = False
        return y_hat[:, :, None].copy()

    def backward(self, x, y, learning_rate=0.01):
        """BPTT on the cached forward pass of ``x``, then one SGD step on all five parameters.

        y: targets (T, O); (T,) when O = 1 and (T, O, 1) are accepted too.
        Returns the loss of the forward pass the gradients belong to.

        Raises :class:`CallOrderError` without a forward pass of this very x, with these
        very weights, since the last backward; and FloatingPointError (model unchanged)
        if the step would make a parameter NaN or inf.
        """
        lr = check_learning_rate(learning_rate)
        if self._forwarded is None:
            if self._stepped:
                raise CallOrderError(
                    "backward needs a fresh forward pass: the last backward already used the one of this x and "
                    "changed the weights, so its hidden states are stale; call forward(x) again first"
                )
            raise CallOrderError("backward needs the hidden states of a forward pass: call forward(x) first")
        x = self._inputs(x)
        x_seen, cache, y_hat, params_seen = self._forwarded
        if x.shape != x_seen.shape or not np.array_equal(x, x_seen):
            raise CallOrderError(
                f"backward got an x (shape {x.shape}) different from the one last given to forward "
                f"(shape {x_seen.shape}); call forward(x) with this x first"
            )
        y = check_targets(y, y_hat.shape, self.dtype)
        params = self._checked_params()
        changed = [name for name, p in params.items() if not np.array_equal(p, params_seen[name])]
        if changed:
            raise CallOrderError(
                f"{', '.join(changed)} changed since the last forward, so its hidden states belong to other "
                "weights; call forward(x) again before backward"
            )
        self._apply(self._gradients(params, cache, y_hat, y), lr)
        self._forwarded, self._stepped = None, True
        return core.loss(y_hat, y)

    # -- conveniences -------------------------------------------------------------

    def loss(self, x, y) -> float:
        """L = ½ Σ_t ‖ŷ_t − y_t‖² for one sequence; parameters and cached forward unchanged."""
        params = self._checked_params()
        x = self._inputs(x)
        y = check_targets(y, (x.shape[0], self.output_size), self.dtype)
        y_hat, _ = self._forward(params, x)
        return core.loss(y_hat, y)

    def gradients(self, x, y) -> dict:
        """∂L/∂p for the five parameters, as a dict of arrays; the model is not changed."""
        params = self._checked_params()
        x = self._inputs(x)
        y = check_targets(y, (x.shape[0], self.output_size), self.dtype)
        y_hat, cache = self._forward(params, x)
        grads = self._gradients(params, cache, y_hat, y)
        return {name: grads[name] for name in core.PARAM_NAMES}

    def train_step(self, x, y, learning_rate=0.01) -> float:
        """forward then backward: one SGD step; returns the loss before the step.

        Everything is checked before the forward pass, so a bad y or learning rate
        leaves even the cached forward pass as it was.
        """
        check_learning_rate(learning_rate)
        x_checked = self._inputs(x)
        check_targets(y, (x_checked.shape[0], self.output_size), self.dtype)
        self.forward(x)
        return self.backward(x, y, learning_rate)

    # -- save and load ------------------------------------------------------------

    def save(self, path) -> Path:
        """Write the five parameters and the sizes to ``path`` as an .npz archive; returns the path.

        The file is exactly ``path`` (str or pathlib.Path): unlike ``np.savez``, no
        ``.npz`` is appended, so ``save(p)`` and ``load(p)`` always name the same
        file (``.npz`` is the suffix to choose).  The archive holds no pickled
        objects, and is written to a temporary file in the same folder and then
        renamed over ``path``: an interrupted save leaves an existing file intact.
        """
        path = _as_path(path)
        params = self._checked_params()
        if not path.parent.is_dir():
            raise FileNotFoundError(f"cannot save to {path}: the folder {path.parent} does not exist")
        arrays = {
            "format": np.array(FILE_FORMAT),
            "format_version": np.array(FILE_VERSION, dtype=np.int64),
            "sizes": np.array([self.input_size, self.hidden_size, self.output_size], dtype=np.int64),
            **params,
        }
        _write_atomically(path, arrays)
        return path

    @classmethod
    def load(cls, path) -> SimpleRNN:
        """A model with the sizes and bit-identical parameters of a file written by :meth:`save`.

        Never unpickles anything.  A file that is missing raises FileNotFoundError;
        one that is truncated, corrupted, not an .npz archive, not written by
        ``save``, or whose arrays have wrong keys, shapes, dtypes or non-finite
        values raises ValueError naming the path and the problem.
        """
        path = _as_path(path)
        if not path.exists():
            raise FileNotFoundError(f"no such file: {path}")
        arrays = _read_npz(path)
        D, H, O, params = _check_file_arrays(path, arrays)
        model = cls.__new__(cls)
        model._adopt(D, H, O, params)
        return model

    # -- internals --------------------------------------------------------------

    def _checked_params(self) -> dict:
        """The five attributes, checked: a learner may have reassigned one (``model.W_hh = ...``)."""
        params = self.params
        check_params(params, owner="SimpleRNN", sizes=(self.input_size, self.hidden_size, self.output_size))
        return params

    def _inputs(self, x, copy=False):
        x = check_inputs(x, self.input_size, self.dtype, allow_1d=True, copy=copy)
        if x.ndim != 2:
            raise ValueError(
                f"SimpleRNN takes one sequence x of shape (T, D={self.input_size}), got shape {x.shape}; "
                "for batches use rnn_lib.forward / rnn_lib.backward"
            )
        return x

    @staticmethod
    def _forward(params, x):
        # Overflow becomes one FloatingPointError below rather than a RuntimeWarning per operation.
        with np.errstate(over="ignore", invalid="ignore"):
            y_hat, cache = core.forward(params, x)
        if not np.all(np.isfinite(y_hat)):
            largest = max(float(np.max(np.abs(p))) for p in params.values())
            raise FloatingPointError(
                f"the forward pass overflowed to NaN or inf (largest |x| {float(np.max(np.abs(x))):.3g}, "
                f"largest |parameter| {largest:.3g}): scale the inputs down or start from smaller weights"
            )
        return y_hat, cache

    @staticmethod
    def _gradients(params, cache, y_hat, y):
        with np.errstate(over="ignore", invalid="ignore"):
            grads = core.backward(params, cache, core.loss_grad(y_hat, y))
        bad = [name for name in core.PARAM_NAMES if not np.all(np.isfinite(grads[name]))]
        if bad:
            raise FloatingPointError(
                f"the gradients of {', '.join(bad)} overflowed to NaN or inf: the model is unchanged; "
                "scale the inputs or targets down, or start from smaller weights"
            )
        return grads

    def _apply(self, grads, lr):
        # Compute every new value first, so a non-finite result leaves all five untouched.
        with np.errstate(over="ignore", invalid="ignore"):
            new = {name: getattr(self, name) - lr * grads[name] for name in core.PARAM_NAMES}
        bad = [name for name, value in new.items() if not np.all(np.isfinite(value))]
        if bad:
            raise FloatingPointError(
                f"this SGD step (learning_rate={lr}) would make {', '.join(bad)} non-finite: the gradients "
                "exploded. The model is unchanged; try a smaller learning rate or clip the gradients."
            )
        for name, value in new.items():
            getattr(self, name)[...] = value  # in place, so params views stay valid


# -- file helpers ------------------------------------------------------------------


def _as_path(path) -> Path:
    if isinstance(path, (str, os.PathLike)) and not isinstance(path, bytes):
        return Path(path)
    raise TypeError(f"path must be a str or pathlib.Path, got {type(path).__name__}")


def _write_atomically(path: Path, arrays: dict) -> None:
    """np.savez into a new temporary file next to ``path``, then rename it over ``path``.

    The rename (os.replace) is atomic on one file system: readers see the old file
    or the complete new one, never half of it.  On any failure the temporary file
    is removed and ``path`` is untouched.
    """
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    # O_EXCL: never reuse an existing file; mode 0o666 lets the umask decide, as open() would.
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez(f, **arrays)  # to an open file, np.savez appends no suffix
            f.flush()
            os.fsync(f.fileno())  # the data is on disk before the name points at it
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _read_npz(path: Path) -> dict:
    """Every array of the .npz at ``path``, without unpickling; ValueError naming the path otherwise."""
    unreadable = f"{path} is not a readable SimpleRNN file (truncated, corrupted, or not an .npz archive)"
    # Our own file handle, closed on every path out (np.load given a name may leave it open on errors).
    with open(path, "rb") as fh:
        try:
            data = np.load(fh, allow_pickle=False)
        except (ValueError, EOFError, OSError, zipfile.BadZipFile, zlib.error) as err:
            raise ValueError(f"{unreadable}: {type(err).__name__}: {err}") from None
        if not isinstance(data, np.lib.npyio.NpzFile):
            raise ValueError(  # noqa: TRY004 - the file content is wrong, not the type of an argument
                f"{path} holds a single .npy array of shape {data.shape}, not a SimpleRNN .npz archive"
            )
        with data:
            return {key: _read_member(data, key, path, unreadable) for key in data.files}


def _read_member(data, key: str, path: Path, unreadable: str) -> np.ndarray:
    try:
        return data[key]
    except ValueError as err:
        if "allow_pickle" in str(err):
            raise ValueError(
                f"{path}: array '{key}' holds pickled Python objects; load never unpickles "
                "(unpickling can run arbitrary code), so this is not a SimpleRNN file"
            ) from None
        raise ValueError(f"{unreadable}: array '{key}': {err}") from None
    except (EOFError, OSError, zipfile.BadZipFile, zlib.error) as err:
        raise ValueError(f"{unreadable}: array '{key}': {type(err).__name__}: {err}") from None


def _check_file_arrays(path: Path, arrays: dict):
    """Sizes (D, H, O) and the five parameters of a file's arrays, or ValueError naming path and problem."""
    marker = arrays.get("format")
    if marker is None or marker.shape != () or marker.dtype.kind != "U" or str(marker) != FILE_FORMAT:
        raise ValueError(
            f"{path} was not written by SimpleRNN.save: it has no format marker '{FILE_FORMAT}' "
            f"(its arrays: {', '.join(sorted(arrays)) or 'none'})"
        )
    version = arrays.get("format_version")
    if version is None or version.shape != () or version.dtype.kind not in "iu":
        raise ValueError(f"{path}: 'format_version' must be one integer, got {_describe_array(version)}")
    if int(version) != FILE_VERSION:
        raise ValueError(
            f"{path} has file format version {int(version)}; this rnn_lib reads version {FILE_VERSION}"
            + (" (the file was written by a newer rnn_lib: upgrade it)" if int(version) > FILE_VERSION else "")
        )
    missing = [k for k in _FILE_KEYS if k not in arrays]
    extra = sorted(k for k in arrays if k not in _FILE_KEYS)
    if missing or extra:
        raise ValueError(
            f"{path} must hold exactly the arrays {', '.join(_FILE_KEYS)}; "
            + "; ".join(
                part
                for part in (missing and f"missing {', '.join(missing)}", extra and f"unexpected {', '.join(extra)}")
                if part
            )
        )
    sizes = arrays["sizes"]
    if sizes.shape != (3,) or sizes.dtype.kind not in "iu" or np.any(sizes < 1):
        raise ValueError(
            f"{path}: 'sizes' must be 3 positive integers (D, H, O), got {_describe_array(sizes)} {sizes.tolist()}"
        )
    D, H, O = (int(s) for s in sizes)
    params = {}
    for name, shape in core.param_shapes(D, H, O).items():
        arr = arrays[name]
        if arr.dtype.type not in FLOAT_DTYPES:
            raise ValueError(f"{path}: '{name}' must be float32 or float64, got dtype {arr.dtype}")
        if arr.shape != shape:
            raise ValueError(
                f"{path}: '{name}' must have shape {shape} for sizes D={D}, H={H}, O={O}, got shape {arr.shape}"
            )
        if not np.all(np.isfinite(arr)):
            raise ValueError(f"{path}: '{name}' holds NaN or inf")
        # Native byte order, C order, writeable: the arrays the training step updates in place.
        params[name] = np.array(arr, dtype=arr.dtype.newbyteorder("="), order="C")
    dtypes = {p.dtype for p in params.values()}
    if len(dtypes) > 1:
        found = ", ".join(f"{k}: {p.dtype}" for k, p in params.items())
        raise ValueError(f"{path}: the five parameters must share one dtype, got {found}")
    return D, H, O, params


def _describe_array(arr) -> str:
    return "nothing" if arr is None else f"an array of shape {arr.shape} and dtype {arr.dtype}"
