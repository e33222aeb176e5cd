"""The five parameters of the problem's RNN, column-vector shapes: W_xh (H, D), W_hh (H, H), W_hy (O, H), b_h (H, 1),
b_y (O, 1)."""

from __future__ import annotations

PARAM_NAMES = ("W_xh", "W_hh", "W_hy", "b_h", "b_y")


def param_shapes(D: int, H: int, O: int) -> dict[str, tuple[int, int]]:
    """Shape of each parameter for input size D, hidden size H, output size O, in the order of PARAM_NAMES."""
    return {"W_xh": (H, D), "W_hh": (H, H), "W_hy": (O, H), "b_h": (H, 1), "b_y": (O, 1)}
