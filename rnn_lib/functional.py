"""The functional API as learners call it: ``rnn_lib.init_params``, ``forward``, ``backward``.

Each function checks its arguments once (``validation.py``) and hands them to the fast engine
(``engine.py``, the same numbers as ``reference.py``).  Shapes are those of ``reference``:
x (T, D) or (T, B, D), y_hat (T, O) or (T, B, O), parameters W_xh (H, D), W_hh (H, H),
W_hy (O, H), b_h (H, 1), b_y (O, 1).
"""

from __future__ import annotations

import numpy as np

from . import engine
from .parameters import PARAM_NAMES, param_shapes
from .validation import (
    all_finite,
    as_float_array,
    check_float_dtype,
    check_generator_or_none,
    check_h0,
    check_inputs,
    check_params,
    check_positive,
    check_size,
    describe,
    states_out_of_memory,
)


def init_params(D, H, O, *, rng=None, scale=0.01, dtype=np.float64) -> dict:
    """Parameters drawn as the problem draws them: N(0, 1) · scale weights (W_xh, W_hh, W_hy in turn), zero biases.

    ``rng=None`` draws from numpy's global RNG, so after ``np.random.seed(s)`` the numbers equal the
    problem's reference; a ``np.random.Generator`` draws from it instead.  ``dtype``: np.float64 or
    np.float32.  Returns a dict of arrays shaped W_xh (H, D), W_hh (H, H), W_hy (O, H), b_h (H, 1), b_y (O, 1).

    Every argument is checked before anything is drawn, and a draw that fails (no memory for a huge
    H) leaves the random generator where it was.
    """
    D, H, O = check_size(D, "D"), check_size(H, "H"), check_size(O, "O")
    rng = check_generator_or_none(rng)
    scale = check_positive(scale, "scale")
    dtype = check_float_dtype(dtype)
    return draw_params(D, H, O, rng=rng, scale=scale, dtype=dtype)


def draw_params(D: int, H: int, O: int, *, rng, scale: float, dtype) -> dict:
    """:func:`init_params` for checked arguments, all or nothing (see :func:`drawn_atomically`).

    The weights are drawn in the problem's order (W_xh, W_hh, W_hy) with ``np.random.randn`` when rng is None, so
    that after ``np.random.seed(s)`` they are the numbers the problem's own class draws.
    """
    draw = np.random.randn if rng is None else lambda *shape: rng.standard_normal(shape)

    def params():
        weights = {name: draw(*shape) * scale for name, shape in param_shapes(D, H, O).items() if name[0] == "W"}
        drawn = {**weights, "b_h": np.zeros((H, 1)), "b_y": np.zeros((O, 1))}
        return {name: drawn[name].astype(dtype, copy=False) for name in PARAM_NAMES}

    return drawn_atomically(rng, params)


def drawn_atomically(rng, draw):
    """``draw()``, with the random generator's state put back if it fails (no memory for a huge H, a Ctrl-C).

    rng: None for numpy's global RNG, or the Generator ``draw`` uses.  The next draw is then the one it would
    have been; a MemoryError becomes a ValueError that says so.
    """
    state = np.random.get_state() if rng is None else rng.bit_generator.state
    try:
        return draw()
    except BaseException as err:
        if rng is None:
            np.random.set_state(state)
        else:
            rng.bit_generator.state = state
        if isinstance(err, MemoryError):
            raise ValueError(
                "the parameters for these sizes do not fit in this machine's memory; choose smaller sizes"
            ) from None
        raise


def forward(params, x, h0=None):
    """Run the RNN over x of shape (T, D) or (T, B, D); h0 (H,) or (B, H), zeros when None.

    Returns ``(y_hat, cache)``; y_hat is (T, O) or (T, B, O).  The cache holds a copy of x, so
    editing x afterwards does not change what :func:`backward` computes.
    """
    D, H, _ = check_params(params)
    dtype = params["W_hh"].dtype
    x = check_inputs(x, D, dtype, copy=True)
    x.flags.writeable = False  # the snapshot the cache keeps; read-only, as forward leaves cache.h
    h0 = check_h0(h0, None if x.ndim == 2 else x.shape[1], H, dtype)
    try:
        return engine.forward(params, x, h0)
    except MemoryError:
        raise states_out_of_memory(x.shape, H) from None


def check_cache(cache, D, H, dtype, *, kind=engine.ForwardCache, made_by="rnn_lib.forward"):
    """The cache must be a ``kind`` from ``made_by`` with parameters of these sizes and this dtype; returns (T, B).

    ``kind`` is the cache's own type (each network's forward has one, so no backward takes another network's cache:
    the fields would fit and the gradients be silently wrong).
    """
    if type(cache) is not kind:
        raise TypeError(f"cache must be the second value returned by {made_by}, got {describe(cache)}")
    x, h = cache.x, cache.h
    if not (type(x) is np.ndarray and type(h) is np.ndarray and x.ndim == 3 and h.ndim == 3):
        raise TypeError(f"cache must be the second value returned by {made_by}, not a hand-made {kind.__name__}")
    T, B, Dc = x.shape
    Hc = h.shape[-1]
    if Dc != D or Hc != H:
        raise ValueError(
            f"cache was made with D={Dc}, H={Hc} but params have D={D}, H={H}; "
            "call forward and backward with the same params"
        )
    if h.shape != (T + 1, B, H):
        raise ValueError(f"cache is inconsistent: hidden states of shape {h.shape} for inputs of shape {x.shape}")
    if h.dtype != dtype or x.dtype != dtype:
        raise TypeError(
            f"cache was made with {h.dtype} params but params are {dtype}; call forward and backward with the same params"
        )
    # forward leaves both arrays read-only; writeable ones were made (or changed) elsewhere, so look at them.
    if (h.flags.writeable or x.flags.writeable) and not (all_finite(h, bounded=False) and all_finite(x)):
        raise ValueError("cache holds NaN or inf (was cache.h or cache.x edited?); call forward again")
    return T, B


def backward(params, cache, dy):
    """BPTT given dy = ∂L/∂ŷ shaped like y_hat: the five parameter gradients plus ``"x"`` and ``"h0"``.

    ``cache`` must come from :func:`forward` with these params (same sizes and dtype are checked;
    same values cannot be, so pass the same dict).
    """
    D, H, O = check_params(params)
    dy = check_cache_and_dy(cache, dy, (D, H, O), params["W_hh"].dtype)
    return engine.backward(params, cache, dy)


def check_cache_and_dy(cache, dy, sizes, dtype, *, kind=engine.ForwardCache, made_by="rnn_lib.forward"):
    """What every network's backward checks of its cache and dy; returns dy in ``dtype``, shaped like y_hat.

    sizes = (D, H, O) of the parameters; the cache as in :func:`check_cache`; dy = ∂L/∂ŷ must have the shape of
    the y_hat that forward returned, (T, O) for one sequence or (T, B, O) for a batch.
    """
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
