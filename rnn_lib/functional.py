"""``rnn_lib.init_params``, ``forward``, ``backward``: checked once, then the engine (the numbers of ``reference``)."""

from __future__ import annotations

import numpy as np

from . import engine, validation
from .parameters import PARAM_NAMES, param_shapes


def init_params(D, H, O, *, rng=None, scale=0.01, dtype=np.float64) -> dict:
    """Parameters drawn as the problem draws them: N(0, 1) · scale weights (W_xh, W_hh, W_hy in turn), zero biases.

    rng None (numpy's global RNG: after ``np.random.seed(s)`` the problem's numbers) or a Generator.
    Returns W_xh (H, D), W_hh (H, H), W_hy (O, H), b_h (H, 1), b_y (O, 1) in ``dtype``."""
    D, H, O = validation.check_size(D, "D"), validation.check_size(H, "H"), validation.check_size(O, "O")
    rng = validation.as_generator(rng, seeds=False)
    scale = validation.check_positive(scale, "scale")
    dtype = validation.check_float_dtype(dtype)
    return draw_params(D, H, O, rng=rng, scale=scale, dtype=dtype)


def draw_params(D: int, H: int, O: int, *, rng, scale: float, dtype) -> dict:
    """:func:`init_params` for checked arguments, all or nothing (see :func:`drawn_atomically`)."""
    shapes = param_shapes(D, H, O)
    n = sum(a * b for a, b in shapes.values())
    validation.check_memory(16 * n, f"the parameters for D = {D}, H = {H}, O = {O}")
    draw = np.random.randn if rng is None else lambda *shape: rng.standard_normal(shape)

    def params():
        weights = {name: draw(*shape) * scale for name, shape in shapes.items() if name[0] == "W"}
        drawn = {**weights, "b_h": np.zeros((H, 1)), "b_y": np.zeros((O, 1))}
        return {name: drawn[name].astype(dtype, copy=False) for name in PARAM_NAMES}

    return drawn_atomically(rng, params)


def drawn_atomically(rng, draw):
    """``draw()``, with ``rng``'s state (None: the global RNG's) put back if it fails; MemoryError → ValueError."""
    state = np.random.get_state() if rng is None else rng.bit_generator.state
    try:
        return draw()
    except BaseException as err:
        if rng is None:
            np.random.set_state(state)
        else:
            rng.bit_generator.state = state
        if isinstance(err, MemoryError):
            raise validation.out_of_memory("the parameters for these sizes") from None
        raise


def forward(params, x, h0=None):
    """Run the RNN over x (T, D) or (T, B, D); h0 (H,) or (B, H), zeros when None.

    Returns ``(y_hat (T, O) or (T, B, O), cache)``; the cache holds a copy of x."""
    D, H, _ = validation.check_params(params)
    dtype = params["W_hh"].dtype
    x = validation.check_inputs(x, D, dtype, copy=True)
    x.flags.writeable = False  # the snapshot the cache keeps; read-only, as forward leaves cache.h
    h0 = validation.check_h0(h0, None if x.ndim == 2 else x.shape[1], H, dtype)
    try:
        return engine.forward(params, x, h0)
    except MemoryError:
        raise validation.states_out_of_memory(x.shape, H) from None


def backward(params, cache, dy):
    """BPTT given dy = ∂L/∂ŷ like y_hat and forward's cache: the five gradients plus ``"x"`` and ``"h0"``."""
    sizes, dtype = validation.check_params(params), params["W_hh"].dtype
    dy = validation.check_backward(cache, dy, sizes, dtype, kind=engine.ForwardCache, made_by="rnn_lib.forward")
    return engine.backward(params, cache, dy)
