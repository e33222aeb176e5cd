"""What the LSTM and the GRU share: PyTorch's layout, its initialisation, σ, and the checks at their surface.

G gate blocks of H rows (G = 4 for the LSTM, 3 for the GRU): W_ih (G·H, D), W_hh (G·H, H), b_ih, b_hh (G·H, 1),
and the course's read-out W_hy (O, H), b_y (O, 1).  Read ``lstm.py`` and ``gru.py`` first."""

from __future__ import annotations

import math

import numpy as np

from . import validation

PARAM_NAMES = ("W_ih", "W_hh", "b_ih", "b_hh", "W_hy", "b_y")


def sigmoid(a):
    """σ(a) = 1 / (1 + e^(−a)), computed as (1 + tanh(a/2)) / 2: the same function, without overflow for large |a|."""
    return 0.5 + 0.5 * np.tanh(0.5 * a)


def param_shapes(D: int, H: int, O: int, G: int) -> dict[str, tuple[int, int]]:
    """Shape of each parameter for input size D, hidden size H, output size O and G gate blocks."""
    GH = G * H
    return {"W_ih": (GH, D), "W_hh": (GH, H), "b_ih": (GH, 1), "b_hh": (GH, 1), "W_hy": (O, H), "b_y": (O, 1)}


def init_params(D, H, O, G: int, cell: str, *, rng=None, dtype=np.float64) -> dict:
    """Weights ~ U(−1/√H, 1/√H) (PyTorch's nn.LSTM, nn.GRU, nn.Linear), drawn W_ih, W_hh, W_hy; zero biases.

    rng None (numpy's global RNG) or a Generator.  Returns a dict with the shapes of :func:`param_shapes`."""
    D, H, O = validation.check_size(D, "D"), validation.check_size(H, "H"), validation.check_size(O, "O")
    rng = validation.as_generator(rng, seeds=False)
    dtype = validation.check_float_dtype(dtype)
    shapes = param_shapes(D, H, O, G)
    n = sum(math.prod(shape) for shape in shapes.values())
    validation.check_memory(16 * n, f"the {cell}'s parameters for D = {D}, H = {H}, O = {O} ({n} numbers)")
    uniform = np.random.uniform if rng is None else rng.uniform
    k = 1.0 / np.sqrt(H)
    params = {name: uniform(-k, k, size=shapes[name]) for name in ("W_ih", "W_hh", "W_hy")}
    params.update({name: np.zeros(shapes[name]) for name in ("b_ih", "b_hh", "b_y")})
    return {name: params[name].astype(dtype) for name in PARAM_NAMES}


def check_params(params, G: int, cell: str) -> tuple[int, int, int]:
    """Check an LSTM (G = 4) or GRU (G = 3) parameter dict; return (D, H, O) read from W_ih, W_hh, W_hy."""
    validation.check_arrays(params, PARAM_NAMES)
    D, H, O = params["W_ih"].shape[1], params["W_hh"].shape[1], params["W_hy"].shape[0]
    origin = (
        f"({cell}: {G} gate blocks of H rows; D = {D}, H = {H}, O = {O} read from the columns of W_ih and W_hh "
        "and the rows of W_hy)"
    )
    validation.check_shapes(params, param_shapes(D, H, O, G), origin)
    return D, H, O


def check_forward(params, x, states: dict, G: int, cell: str):
    """Check a forward pass's arguments; return ``(x (T, B, D) a copy, states {name: (B, H)}, single)``.

    states ("h0", "c0"): (H,), (B, H) or None (zeros).  Memory for what forward keeps is found first."""
    D, H, O = check_params(params, G, cell)
    dtype = params["W_hh"].dtype
    shape = np.shape(x) if isinstance(x, np.ndarray) else None
    if shape is not None and len(shape) in (2, 3):  # before the copy: a broadcast view can be far larger than memory
        T, B = shape[0], 1 if len(shape) == 2 else shape[1]
        n = math.prod(shape) + (T + 1) * B * 2 * H + T * B * (G * H + H + O)  # x's copy, states, gates, y_hat
        what = f"a forward pass of the {cell} over x of shape {shape} with H = {H}"
        validation.check_memory(n * dtype.itemsize, what)
    x = validation.check_inputs(x, D, dtype, copy=True)
    single = x.ndim == 2
    B = 1 if single else x.shape[1]
    checked = {
        name: validation.check_h0(value, None if single else B, H, dtype, name=name) for name, value in states.items()
    }
    batch = {name: np.zeros((B, H), dtype) if s is None else np.reshape(s, (B, H)) for name, s in checked.items()}
    return (x[:, None, :] if single else x), batch, single


def check_backward(params, cache, dy, G: int, cell: str, kind):
    """Check a backward pass's arguments (a ``kind`` cache, dy like y_hat); return dy as (T, B, O)."""
    sizes = check_params(params, G, cell)
    made_by = f"rnn_lib.{cell.lower()}.forward"
    dy = validation.check_backward(cache, dy, sizes, params["W_hh"].dtype, kind=kind, made_by=made_by)
    T, B, _ = cache.x.shape
    return dy.reshape(T, B, sizes[2])


def freeze(*arrays) -> None:
    """Make a cache's arrays read-only: a caller may look at them, not edit them under backward's feet."""
    for a in arrays:
        a.flags.writeable = False
