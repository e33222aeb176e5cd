"""The five parameters of the problem's RNN: their names, their shapes, how they start.

Column-vector shapes, as in the problem (``shared/seed/reference_rnn.py``)::

    W_xh (H, D)   W_hh (H, H)   W_hy (O, H)   b_h (H, 1)   b_y (O, 1)

for input size D, hidden size H and output size O.
"""

from __future__ import annotations

import numpy as np

PARAM_NAMES = ("W_xh", "W_hh", "W_hy", "b_h", "b_y")


def param_shapes(D: int, H: int, O: int) -> dict[str, tuple[int, int]]:
    """Shape of each parameter for input size D, hidden size H, output size O, in the order of PARAM_NAMES."""
    return {"W_xh": (H, D), "W_hh": (H, H), "W_hy": (O, H), "b_h": (H, 1), "b_y": (O, 1)}


def init_params(D, H, O, *, rng=None, scale=0.01, dtype=np.float64):
    """Draw parameters the way the problem does: N(0, 1) · scale weights, zero biases.

    The three weight matrices are drawn in the problem's order (W_xh, W_hh, W_hy).
    ``rng=None`` draws from numpy's global legacy RNG (``np.random.randn``), so after
    ``np.random.seed(s)`` the numbers equal the problem's reference; a ``np.random.Generator``
    draws from that generator instead.  Trusting: ``rnn_lib.init_params`` checks the arguments.

    Returns a dict of arrays of ``dtype`` with the shapes of :func:`param_shapes`.
    """
    draw = np.random.randn if rng is None else lambda *shape: rng.standard_normal(shape)
    weights = {name: draw(*shape) * scale for name, shape in param_shapes(D, H, O).items() if name[0] == "W"}
    params = {**weights, "b_h": np.zeros((H, 1)), "b_y": np.zeros((O, 1))}
    return {name: params[name].astype(dtype, copy=False) for name in PARAM_NAMES}
