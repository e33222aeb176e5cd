"""Checks at the public surface: one precise error per mistake (argument, what was expected, what came), raised
before anything changes.  Bool, complex, object arrays and numpy subclasses are a TypeError; NaN, inf, squares that
overflow, wrong shapes, empty sequences and sizes beyond memory a ValueError."""

from __future__ import annotations

import math
import numbers
import os

import numpy as np

from .parameters import PARAM_NAMES, param_shapes

FLOAT_DTYPES = (np.float32, np.float64)


class CallOrderError(ValueError, RuntimeError):
    """A method was called in the wrong order, e.g. ``backward`` without the ``forward`` it needs."""


def out_of_memory(what: str) -> ValueError:
    """The error for sizes whose arrays do not fit in memory (raised in place of numpy's MemoryError)."""
    return ValueError(f"{what} would not fit in this machine's memory; choose smaller sizes")


def check_memory(n_bytes: int, what: str) -> None:
    """Refuse, before anything is allocated, a request of more bytes than the machine has."""
    try:
        available = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):  # no sysconf (Windows): numpy's MemoryError is caught instead
        return
    if n_bytes > available:
        raise out_of_memory(what)


def states_out_of_memory(x_shape: tuple, H: int) -> ValueError:
    """:func:`out_of_memory` for the hidden states a forward pass over inputs of ``x_shape`` keeps."""
    single = len(x_shape) == 2
    shape = (x_shape[0] + 1, H) if single else (x_shape[0] + 1, x_shape[1], H)
    return out_of_memory(f"the hidden states, {'(T + 1, H)' if single else '(T + 1, B, H)'} = {shape},")


def describe(value) -> str:
    """Short description of what arrived, for error messages."""
    array = isinstance(value, np.ndarray)
    return type(value).__name__ + (f" of shape {value.shape} and dtype {value.dtype}" if array else "")


def all_finite(arr: np.ndarray, *, bounded: bool = True) -> bool:
    """True when every entry is finite and, if ``bounded``, its square is too (one BLAS call when the sum is finite)."""
    if math.isfinite(np.vdot(arr, arr)):
        return True
    with np.errstate(over="ignore"):
        return bool(np.all(np.isfinite(arr * arr if bounded else arr)))


def magnitude_limit(dtype) -> float:
    """The largest |value| accepted in ``dtype``: its square is still finite."""
    return math.sqrt(float(np.finfo(dtype).max))


def _non_finite_message(name: str, arr: np.ndarray, dtype=None, bounded: bool = True) -> str:
    """Why a float array was refused: NaN/inf (with the first index), or values too large for ``dtype``."""
    bad = ~np.isfinite(arr)
    if bad.any():
        first = tuple(int(i) for i in np.argwhere(bad)[0])
        return f"{name} must be finite, but it holds NaN or inf (first at index {first})"
    dtype = np.dtype(dtype or arr.dtype)
    limit = magnitude_limit(dtype) if bounded else float(np.finfo(dtype).max)
    why = ", above which products and squares overflow" if bounded else ""
    return (
        f"{name} holds values too large to compute with in {dtype.name} (largest magnitude "
        f"{float(np.max(np.abs(arr))):.3g}; the limit is {limit:.3g}{why}): scale the data down"
    )


def as_float_array(value, name: str, dtype=np.float64, *, copy: bool = False, bounded: bool = True) -> np.ndarray:
    """``value`` as a finite array of ``dtype`` (None: float32/float64 kept, else float64), or a TypeError/ValueError.

    ``copy=True``: always a new array.  ``bounded`` (data, parameters) also refuses values whose squares overflow;
    gradients, which clipping exists to tame, are only required finite."""
    if type(value) is np.ndarray:
        arr = value
    elif type(value) is np.memmap:  # data in a file: its values are what they are, read as a plain array
        arr = value.view(np.ndarray)
    elif isinstance(value, np.ndarray):
        raise TypeError(_subclass_message(name, value))
    elif isinstance(value, (str, bytes)) or value is None:
        raise TypeError(f"{name} must be an array of numbers, got {describe(value)}")
    else:
        try:
            arr = np.asarray(value)
        except (ValueError, TypeError) as err:  # ragged nested lists
            message = f"{name} must be a rectangular array of numbers (every row the same length); numpy said: {err}"
            raise ValueError(message) from None
    if dtype is None:
        dtype = arr.dtype if arr.dtype.type in FLOAT_DTYPES and arr.dtype.isnative else np.float64
    if arr.dtype != dtype and arr.dtype.kind not in "iuf":  # only an array of another dtype can be of the wrong kind
        raise TypeError(_kind_message(name, arr))
    if copy or arr.dtype != dtype or not arr.flags.c_contiguous:  # a new array is made: a broadcast view may be huge
        check_memory(arr.size * np.dtype(dtype).itemsize, f"{name} (shape {arr.shape}) as an array of its own")
    with np.errstate(over="ignore"):  # a value too large for dtype is reported below, as an error
        out = arr.astype(dtype) if arr.dtype != dtype else arr.copy() if copy else arr
    if not all_finite(out, bounded=bounded):
        raise ValueError(_non_finite_message(name, arr, out.dtype, bounded))
    return out


def _kind_message(name: str, arr: np.ndarray) -> str:
    shape, hint = arr.shape, "a list mixing numbers with None, strings or rows of different lengths?"
    return {
        "b": f"{name} must hold numbers, got a bool array (a mask?) of shape {shape}",
        "c": f"{name} must be real, got a complex array of shape {shape} (take .real if that is what you mean)",
        "O": f"{name} must be an array of numbers, got dtype object (shape {shape}): {hint}",
    }.get(arr.dtype.kind, f"{name} must be an array of numbers, got dtype {arr.dtype} (shape {shape})")


def _subclass_message(name: str, arr: np.ndarray) -> str:
    if isinstance(arr, np.ma.MaskedArray):
        why = f"its mask would be ignored; fill the masked entries first ({name}.filled(value))"
    elif isinstance(arr, np.memmap):
        why = f"parameters live in memory, where an update cannot write to the file by accident; pass np.array({name})"
    elif isinstance(arr, np.matrix):
        why = f"it changes what * and indexing mean; pass np.asarray({name})"
    else:
        why = f"a subclass may change what arithmetic and indexing mean; pass np.asarray({name})"
    kind = "a masked array" if isinstance(arr, np.ma.MaskedArray) else f"numpy.{type(arr).__name__}"
    return f"{name} must be a plain numpy array, got {kind} of shape {arr.shape}: {why}"


def check_integer(value, name: str, least: int | None = 0) -> int:
    """An integer ≥ ``least`` (None: any) as an int, bool refused: a seed, a count; else a TypeError/ValueError."""
    what = {None: "an integer", 0: "a non-negative int", 1: "a positive integer"}.get(least, f"an integer >= {least}")
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be {what}, got {value!r} ({type(value).__name__})")
    if least is not None and value < least:
        raise ValueError(f"{name} must be {what}, got {value}")
    return int(value)


def check_size(value, name: str) -> int:
    """A positive integer size (bool refused), or a TypeError/ValueError naming ``name``."""
    return check_integer(value, name, 1)


def check_number(value, name: str, *, above=None, at_least=None, below=None, why: str = "") -> float:
    """A finite real number within the bounds given, as a float (bool refused, 10**400 handled); ``why``: a reason."""
    bounds = [f"{sign} {b}" for sign, b in ((">", above), (">=", at_least), ("<", below)) if b is not None]
    expected = "a finite positive number" if bounds == ["> 0"] else " ".join(["a finite number", *bounds[:1]])
    expected += "".join(f" and {b}" for b in bounds[1:])
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be {expected}, got {value!r} ({type(value).__name__})")
    try:
        as_float = float(value)
    except OverflowError:  # an int such as 10**400 has no float
        raise ValueError(f"{name} must be {expected}, got an integer of {len(str(value))} digits") from None
    if not (
        math.isfinite(as_float)
        and (above is None or as_float > above)
        and (at_least is None or as_float >= at_least)
        and (below is None or as_float < below)
    ):
        raise ValueError(f"{name} must be {expected}, got {value!r}{why}")
    return as_float


def check_positive(value, name: str) -> float:
    """:func:`check_number` with the bound > 0: a step size, a scale, a threshold."""
    return check_number(value, name, above=0)


def check_float_dtype(dtype, name: str = "dtype") -> np.dtype:
    """float32 or float64 as a numpy dtype; anything else is a TypeError naming ``name``."""
    try:
        dt = np.dtype(dtype)
        if dt.type in FLOAT_DTYPES and dt.isnative:
            return dt
    except TypeError:
        pass
    raise TypeError(f"{name} must be np.float32 or np.float64, got {dtype!r}")


def as_generator(rng, *, seeds: bool = True, name: str = "rng"):
    """``rng`` as a Generator: a Generator, or an int seed ≥ 0 when ``seeds``; ``seeds=False``: None (global) too."""
    if isinstance(rng, np.random.Generator) or (rng is None and not seeds):
        return rng
    if seeds and isinstance(rng, numbers.Integral) and not isinstance(rng, bool):
        if rng < 0:
            raise ValueError(f"{name} must be a non-negative int seed or a numpy Generator, got {rng}")
        return np.random.default_rng(int(rng))
    expected = "an int seed or" if seeds else "None (numpy's global RNG, as the problem uses) or"
    raise TypeError(f"{name} must be {expected} a numpy Generator (np.random.default_rng(seed)), got {describe(rng)}")


def _label(owner: str, name: str) -> str:
    return f"{owner}['{name}']" if owner in ("params", "grads") else f"{owner}.{name}"


def check_arrays(arrays, names, *, owner="params", ndim=2) -> np.dtype:
    """A dict holding ``names``: plain float32/float64 arrays of one native dtype, all finite, ``ndim``-D (None: any).

    Returns the common dtype.  ``owner`` names the container in messages (``params['W_xh']``, ``SimpleRNN.W_xh``)."""
    if not isinstance(arrays, dict):
        raise TypeError(f"{owner} must be a dict with keys {', '.join(names)}, got {describe(arrays)}")
    try:
        values = [arrays[k] for k in names]
    except KeyError:
        missing = [k for k in names if k not in arrays]
        raise ValueError(f"{owner} is missing {', '.join(missing)} (expected keys {', '.join(names)})") from None
    first = values[0]
    dtype = first.dtype if type(first) is np.ndarray else None
    if dtype is None or dtype.type not in FLOAT_DTYPES or not dtype.isnative:
        _explain_arrays(arrays, names, owner, ndim)
    vdot, ndarray = np.vdot, np.ndarray
    total = 0.0  # Σ ‖p‖²: a NaN, an inf or a square that overflows makes it non-finite
    for p in values:
        # `is not` first: arrays of one dtype usually share the very dtype object, and identity is the cheap test.
        if type(p) is not ndarray or (p.dtype is not dtype and p.dtype != dtype) or (ndim and p.ndim != ndim):
            _explain_arrays(arrays, names, owner, ndim)
        total += vdot(p, p)
    if not math.isfinite(total):  # find which array, and say why
        for k, p in zip(names, values):
            if not all_finite(p):
                raise ValueError(_non_finite_message(_label(owner, k), p))
    return dtype


def _explain_arrays(arrays, names, owner, ndim=2) -> None:
    """Raise the precise error for the first array of ``names`` that is not a plain float array of the common dtype."""
    dtype = None
    what = f"a {ndim}-D numpy float array" if ndim is not None else "a numpy float array"
    for k in names:
        p = arrays[k]
        if type(p) is not np.ndarray:
            if isinstance(p, np.ndarray):
                raise TypeError(_subclass_message(_label(owner, k), p))
            raise TypeError(f"{_label(owner, k)} must be {what}, got {describe(p)}")
        if ndim is not None and p.ndim != ndim:
            raise ValueError(f"{_label(owner, k)} must be a {ndim}-D array, got {describe(p)}")
        if p.dtype.type not in FLOAT_DTYPES or not p.dtype.isnative:
            raise TypeError(
                f"{_label(owner, k)} must be float32 or float64 in native byte order, got dtype {p.dtype}"
                + ("" if p.dtype.kind != "f" else f" (convert it: .astype(np.{p.dtype.type.__name__}))")
            )
        if dtype is None:
            dtype = p.dtype
        elif p.dtype != dtype:
            found = ", ".join(f"{n}: {arrays[n].dtype}" for n in names)
            raise TypeError(f"{owner} must all share one dtype, got {found}")
    raise AssertionError("_explain_arrays found nothing to explain")  # unreachable: a caller saw a fault


def check_shapes(arrays, expected: dict, origin: str, *, owner="params") -> None:
    """Every ``arrays[k]`` has the shape ``expected[k]``; ``origin`` says where the sizes come from."""
    for k, shape in expected.items():
        if arrays[k].shape != shape:
            raise ValueError(f"{_label(owner, k)} must have shape {shape} {origin}, got {arrays[k].shape}")


def check_params(params) -> tuple[int, int, int]:
    """The RNN's five parameters as in :func:`check_arrays`, shaped as W_xh and W_hy say; returns (D, H, O)."""
    check_arrays(params, PARAM_NAMES)
    W_xh, W_hh, W_hy, b_h, b_y = (params[k] for k in PARAM_NAMES)
    (H, D), O = W_xh.shape, W_hy.shape[0]
    # The shapes of parameters.param_shapes(D, H, O), compared directly: this runs on every call.
    if W_hh.shape != (H, H) or W_hy.shape != (O, H) or b_h.shape != (H, 1) or b_y.shape != (O, 1):
        origin = f"(from W_xh {W_xh.shape} and W_hy {W_hy.shape})"
        check_shapes(params, param_shapes(D, H, O), origin)  # names the first wrong one
    return D, H, O


def check_updatable(arrays, names, *, owner="params") -> None:
    """Arrays about to be updated in place: each writeable, no two sharing memory (else one update overwrites another)."""
    roots = []
    for k in names:
        p = arrays[k]
        if not p.flags.writeable:
            raise ValueError(
                f"{_label(owner, k)} is read-only (a broadcast or a view of a read-only array?), so it cannot be "
                f"updated in place; give it an array of its own: np.array(...)"
            )
        if _overlaps_itself(p):
            raise ValueError(
                f"{_label(owner, k)} has entries that share memory (a stride of 0, from np.broadcast_to or "
                f"as_strided?), so updating one entry would change others; give it an array of its own: np.array(...)"
            )
        while isinstance(p.base, np.ndarray):  # the array that owns the memory
            p = p.base
        roots.append(id(p.base if p.base is not None else p))
    if len(set(roots)) == len(roots):
        return  # no two views of one allocation: no memory shared
    # Views of one allocation: shares_memory decides exactly (every other column of one matrix is fine).
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            if roots[i] == roots[names.index(b)] and np.shares_memory(arrays[a], arrays[b]):
                same = arrays[a] is arrays[b]
                raise ValueError(
                    f"{_label(owner, a)} and {_label(owner, b)} "
                    + ("are the same array" if same else "share memory (one is a view of the other)")
                    + ": one update would overwrite the other; give each parameter an array of its own (.copy())"
                )


def _overlaps_itself(a: np.ndarray) -> bool:
    """True unless the strides prove every entry of ``a`` has memory of its own (the usual C or F layouts do)."""
    if a.flags.c_contiguous or a.flags.f_contiguous:
        return False
    extent = a.itemsize  # bytes spanned by one step along the axes seen so far, smallest stride first
    for stride, n in sorted((abs(st), n) for st, n in zip(a.strides, a.shape) if n > 1):
        if stride < extent:
            return True
        extent = stride * (n - 1) + extent
    return False


def check_grads(grads, names=PARAM_NAMES, *, like=None, name: str = "grads") -> dict:
    """The gradients ``names`` of ``grads`` as finite float arrays, shaped like ``like``'s; other keys ignored."""
    if not isinstance(grads, dict):
        raise TypeError(f"{name} must be a dict with keys {', '.join(names)}, got {describe(grads)}")
    missing = [k for k in names if k not in grads]
    if missing:
        raise ValueError(f"{name} is missing {', '.join(missing)} (expected keys {', '.join(names)})")
    checked = {}
    for k in names:
        g = grads[k]
        dtype = g.dtype if isinstance(g, np.ndarray) and g.dtype.type in FLOAT_DTYPES else np.float64
        checked[k] = as_float_array(g, f"{name}['{k}']", dtype, bounded=False)
        if like is not None and checked[k].shape != like[k].shape:
            message = f"{name}['{k}'] must have the shape of params['{k}'] {like[k].shape}, got {checked[k].shape}"
            raise ValueError(message)
    return checked


def as_params(params_or_model, sizes=None) -> dict:
    """The parameter dict of a dict or a model (``.params``), checked by ``sizes`` (default :func:`check_params`)."""
    params = params_or_model if isinstance(params_or_model, dict) else getattr(params_or_model, "params", None)
    if params is None:
        raise TypeError(f"expected a parameter dict or a model (SimpleRNN, …), got {describe(params_or_model)}")
    (sizes or check_params)(params)
    return params


def check_inputs(x, D: int, dtype, name: str = "x", allow_1d: bool = False, copy: bool = False) -> np.ndarray:
    """Inputs as (T, D) or (T, B, D) in ``dtype`` (``allow_1d`` and D = 1: (T,) too); ``copy``: a snapshot."""
    arr = as_float_array(x, name, dtype, copy=copy)
    if arr.ndim >= 1 and arr.shape[0] == 0:
        raise ValueError(f"{name} is an empty sequence (T = 0, shape {arr.shape}); give at least one time step")
    if allow_1d and arr.ndim == 1 and D == 1:
        arr = arr[:, None]
    if arr.ndim not in (2, 3):
        raise ValueError(
            f"{name} must have shape (T, D={D}) for one sequence or (T, B, D={D}) for a batch, "
            f"got {arr.ndim}-D array of shape {arr.shape}"
        )
    if arr.shape[-1] != D:
        raise ValueError(f"{name} must have {D} features in its last axis (input size D = {D}), got shape {arr.shape}")
    if arr.ndim == 3 and arr.shape[1] == 0:
        raise ValueError(f"{name} is an empty batch (B = 0, shape {arr.shape})")
    return arr


def check_targets(y, y_hat_shape: tuple, dtype, name: str = "y") -> np.ndarray:
    """Targets shaped like the predictions ``y_hat_shape``; (T,) and (T, O, 1) are accepted where unambiguous."""
    arr = as_float_array(y, name, dtype)
    T, O = y_hat_shape[0], y_hat_shape[-1]
    if arr.shape != y_hat_shape:
        if len(y_hat_shape) == 2 and arr.shape == (T,) and O == 1:
            arr = arr[:, None]
        elif len(y_hat_shape) == 2 and arr.shape == (T, O, 1):  # what SimpleRNN.forward returns
            arr = arr[:, :, 0]
        else:
            hint = ""
            if arr.ndim >= 1 and arr.shape[0] != T:
                hint = f": {arr.shape[0]} time steps where x has T = {T}"
            elif arr.ndim >= 2 and arr.shape[-1] != O:
                hint = f": {arr.shape[-1]} values per step where the model outputs O = {O}"
            message = f"{name} must have shape {y_hat_shape} to match the predictions, got shape {arr.shape}{hint}"
            raise ValueError(message)
    return arr


def check_h0(h0, B, H: int, dtype, name: str = "h0") -> np.ndarray | None:
    """Initial state: None, or (H,) for one sequence (B None) / (B, H) for a batch; ``name`` as in messages (c0 too)."""
    if h0 is None:
        return None
    arr = as_float_array(h0, name, dtype)
    expected = (H,) if B is None else (B, H)
    if arr.shape != expected:
        what = "one sequence" if B is None else f"a batch of B = {B}"
        raise ValueError(f"{name} must have shape {expected} for {what} (hidden size H = {H}), got shape {arr.shape}")
    return arr


def check_sequences(params, x, y, h0=None, *, check_y=None, sizes=None):
    """x (T, D) or (T, B, D), y like ŷ, h0 (H,), (B, H) or None → ``(x (T, B, D), y (T, B, O), h0 (B, H), single)``.

    ``check_y(y, y_hat_shape, dtype)`` checks other targets (class indices); ``sizes(params)`` other parameters."""
    D, H, O = (sizes or check_params)(params)
    dtype = params["W_hh"].dtype
    x = check_inputs(x, D, dtype)
    single = x.ndim == 2
    y_hat_shape = (x.shape[0], O) if single else (x.shape[0], x.shape[1], O)
    y = (check_y or check_targets)(y, y_hat_shape, dtype)
    B = 1 if single else x.shape[1]
    h0 = check_h0(h0, None if single else B, H, dtype)
    h0 = np.zeros((B, H), dtype=dtype) if h0 is None else np.reshape(h0, (B, H))
    return (x[:, None, :], y[:, None], h0, True) if single else (x, y, h0, False)  # one sequence: a batch of one


def check_training_data(params, x, y, name: str = "", sizes=None) -> tuple[np.ndarray, np.ndarray]:
    """A training set: x (T, N, D) and y (T, N, O) (a target at every step) or (N, O) (the last step only)."""
    D, _, O = (sizes or check_params)(params)
    dtype = params["W_hh"].dtype
    x = check_inputs(x, D, dtype, name=f"{name}x")
    if x.ndim != 3:
        raise ValueError(f"{name}x must be a batch of sequences, shape (T, N, D={D}), got shape {x.shape}")
    T, N, _ = x.shape
    y = as_float_array(y, f"{name}y", dtype)
    if y.shape not in ((T, N, O), (N, O)):
        raise ValueError(
            f"{name}y must have shape (T, N, O) = {(T, N, O)} (a target at every step) or (N, O) = {(N, O)} "
            f"(last step only), got shape {y.shape}"
        )
    return x, y


def check_clip(clip):
    """A clipping spec: None, ("norm", max_norm) or ("value", limit), checked; anything else is an error."""
    if clip is None:
        return None
    if not (isinstance(clip, tuple) and len(clip) == 2 and isinstance(clip[0], str) and clip[0] in ("norm", "value")):
        raise ValueError(f"clip must be None, ('norm', max_norm) or ('value', limit), got {clip!r}")
    return clip[0], check_positive(clip[1], "max_norm" if clip[0] == "norm" else "limit")


def check_truncation(k1, k2):
    """BPTT(k1, k2)'s two lengths: k1 ≥ 1 (how often to backpropagate), k2 ≥ k1 (how far back; default k1)."""
    k1 = check_size(k1, "k1")
    k2 = k1 if k2 is None else check_size(k2, "k2")
    if k2 < k1:
        raise ValueError(f"k2 (how far back to propagate, got {k2}) must be at least k1 (how often, got {k1})")
    return k1, k2


def check_cache(cache, D: int, H: int, dtype, *, kind, made_by: str):
    """The cache must be a ``kind`` (each network's own type) from ``made_by`` for these sizes and dtype; (T, B)."""
    if type(cache) is not kind:
        raise TypeError(f"cache must be the second value returned by {made_by}, got {describe(cache)}")
    x, h = cache.x, cache.h
    if not (type(x) is np.ndarray and type(h) is np.ndarray and x.ndim == 3 and h.ndim == 3):
        raise TypeError(f"cache must be the second value returned by {made_by}, not a hand-made {kind.__name__}")
    T, B, Dc = x.shape
    same = "call forward and backward with the same params"
    if Dc != D or h.shape[-1] != H:
        raise ValueError(f"cache was made with D={Dc}, H={h.shape[-1]} but params have D={D}, H={H}; {same}")
    if h.shape != (T + 1, B, H):
        raise ValueError(f"cache is inconsistent: hidden states of shape {h.shape} for inputs of shape {x.shape}")
    if h.dtype != dtype or x.dtype != dtype:
        raise TypeError(f"cache was made with {h.dtype} params but params are {dtype}; {same}")
    # forward leaves both arrays read-only; writeable ones were made (or changed) elsewhere, so look at them.
    if (h.flags.writeable or x.flags.writeable) and not (all_finite(h, bounded=False) and all_finite(x)):
        raise ValueError("cache holds NaN or inf (was cache.h or cache.x edited?); call forward again")
    return T, B


def check_backward(cache, dy, sizes: tuple, dtype, *, kind, made_by: str) -> np.ndarray:
    """What every network's backward checks: :func:`check_cache`, then dy shaped like y_hat; returns dy."""
    D, H, O = sizes
    T, B = check_cache(cache, D, H, dtype, kind=kind, made_by=made_by)
    expected = (T, O) if cache.single else (T, B, O)
    dy = as_float_array(dy, "dy", dtype)
    if dy.shape != expected:
        what = "one sequence" if cache.single else f"a batch of B = {B}"
        raise ValueError(
            f"dy must have the shape of y_hat {expected} (the forward pass was {what}, T = {T}, O = {O}), "
            f"got shape {dy.shape}"
        )
    return dy
