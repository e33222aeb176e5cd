"""The five parameters of the problem's RNN: their names and their shapes (``rnn_lib.init_params`` draws them).

Column-vector shapes, as in the problem's own class (``SimpleRNN`` of the problem statement; see ``rnn_lib.model``)::

    W_xh (H, D)   W_hh (H, H)   W_hy (O, H)   b_h (H, 1)   b_y (O, 1)

for input size D, hidden size H and output size O.
"""

from __future__ import annotations

PARAM_NAMES = ("W_xh", "W_hh", "W_hy", "b_h", "b_y")


def param_shapes(D: int, H: int, O: int) -> dict[str, tuple[int, int]]:
    """Shape of each parameter for input size D, hidden size H, output size O, in the order of PARAM_NAMES."""
    return {"W_xh": (H, D), "W_hh": (H, H), "W_hy": (O, H), "b_h": (H, 1), "b_y": (O, 1)}
