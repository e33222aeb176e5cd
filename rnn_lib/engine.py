"""The fast engine: the numbers of ``reference`` (**read that one to learn BPTT**) in fewer, larger products.

Products off the recursion are done once for all T·B rows; only h_{t−1} W_hhᵀ, tanh and δ^a_t W_hh stay in the loop,
into preallocated arrays; long sequences go back in blocks of steps.  Trusting (``functional`` checks)."""

from __future__ import annotations

import threading
from typing import NamedTuple

import numpy as np


class ForwardCache(NamedTuple):
    """x (T, B, D), h (T + 1, B, H) with h[0] = h_0, and single: True when one sequence (T, D) was given."""

    x: np.ndarray
    h: np.ndarray
    single: bool


# Up to this many bytes of δ^a backward holds all T steps at once; above it, BLOCKS blocks of steps (an eighth of the
# states' memory, products still large enough to run at full speed).
ONE_BLOCK_BYTES = 8 * 2**20
BLOCKS = 8


_WORKSPACE = threading.local()  # each thread's block buffers for backward, kept between calls


def block_buffers(K: int, B: int, H: int, dtype) -> np.ndarray:
    """(3, K, B, H) for δ^h, tanh′ and δ^a of K steps, kept per thread between calls: fresh megabytes would be
    page-faulted in on every call, at more cost than the arithmetic (benchmarks/README)."""
    key = (K, B, H, np.dtype(dtype))
    kept = getattr(_WORKSPACE, "buffers", None)
    if kept is None or kept[0] != key:
        kept = _WORKSPACE.buffers = (key, np.empty((3, K, B, H), dtype=dtype))
    return kept[1]


def steps_per_block(T: int, B: int, H: int, itemsize: int) -> int:
    """How many steps the backward pass handles per block: all T on small problems."""
    if T * B * H * itemsize <= ONE_BLOCK_BYTES:
        return T
    return -(-T // BLOCKS)  # ceil(T / BLOCKS)


def forward(params, x, h0=None):
    """Same as ``reference.forward``: x (T, D) or (T, B, D), h0 (H,) or (B, H) → ``(y_hat, cache)``."""
    # Plain lookups and np.dot on 2-D arrays: on small problems each numpy call costs as much as its arithmetic.
    W_xh, W_hh, W_hy, b_h, b_y = params["W_xh"], params["W_hh"], params["W_hy"], params["b_h"], params["b_y"]
    dtype = W_hh.dtype
    single = x.ndim == 2
    xb = np.asarray(x[:, None, :] if single else x, dtype=dtype)
    T, B, D = xb.shape
    H, O = W_hh.shape[0], W_hy.shape[0]

    h = np.zeros((T + 1, B, H), dtype=dtype)  # h[0] = h_0 = 0 unless h0 is given
    if h0 is not None:
        h[0] = np.reshape(h0, (B, H))
    # a_t = x_t W_xhᵀ + b_hᵀ + h_{t−1} W_hhᵀ: the first two terms for every step in one product, into h[1:].
    h_rows = h[1:].reshape(T * B, H)  # a view: one row per (t, b)
    np.dot(xb.reshape(T * B, D), W_xh.T, out=h_rows)
    h_rows += b_h.T
    # W_hhᵀ copied once into row-major order: BLAS multiplies by it faster than by the transposed view.
    W_hh_T = np.ascontiguousarray(W_hh.T)
    recurrent = np.empty((B, H), dtype=dtype)  # h_{t−1} W_hhᵀ, the same buffer at every step
    dot, add, tanh = np.dot, np.add, np.tanh
    slots = iter(h[1:])  # the slots h[1] … h[T], as views: iterating is cheaper than indexing by t
    h_prev = h[0]
    if h0 is None:  # h_0 = 0: the recurrent term of step 1 is zero, a_1 is the projection alone
        h_prev = next(slots)
        tanh(h_prev, out=h_prev)
    for h_t in slots:
        dot(h_prev, W_hh_T, out=recurrent)
        add(h_t, recurrent, out=h_t)  # the slot holds a_t …
        tanh(h_t, out=h_t)  # … and now h_t
        h_prev = h_t

    y_hat = np.dot(h_rows, W_hy.T)
    y_hat += b_y.T
    # The states backward will read, read-only: a caller may look at cache.h, not edit it under backward's feet.
    h.flags.writeable = False
    return y_hat.reshape((T, O) if single else (T, B, O)), ForwardCache(xb, h, single)


def backward(params, cache, dy):
    """Same as ``reference.backward``: dy = ∂L/∂ŷ like y_hat → the five gradients, ``"x"`` and ``"h0"``."""
    W_xh, W_hh, W_hy = params["W_xh"], params["W_hh"], params["W_hy"]
    x, h, single = cache
    dtype = h.dtype
    T, B, D = x.shape
    H, O = W_hh.shape[0], W_hy.shape[0]
    dy_rows = dy.reshape(T * B, O)  # row (t − 1)·B + b is δ^y_t of sequence b
    ones = np.ones(T * B, dtype=dtype)  # Σ over rows as a product with ones: one BLAS call

    # The read-out's gradients need no recursion: all steps in one product each.
    dW_hy = np.dot(dy_rows.T, h[1:].reshape(T * B, H))
    db_y = np.dot(ones, dy_rows)[:, None]

    K = steps_per_block(T, B, H, dtype.itemsize)
    # δ^h, tanh′ and δ^a of one block's steps, reused by every block (and by the next call).
    dh_all, tanh_grad_all, dh_raw = block_buffers(K, B, H, dtype)
    raw_rows_all = dh_raw.reshape(K * B, H)  # δ^a_t, one row per (t, b): the same memory as dh_raw
    dh_next = np.empty((B, H), dtype=dtype)  # W_hhᵀ δ^a_{t+1}, written by the first step computed (t = T)
    dx = np.empty((T, B, D), dtype=dtype)
    # Row views made once, sliced per block: row (t − 1)·B + b belongs to step t of sequence b.
    x_rows, h_prev_rows, dx_rows = x.reshape(T * B, D), h[:-1].reshape(T * B, H), dx.reshape(T * B, D)
    dot, add, multiply = np.dot, np.add, np.multiply

    # Blocks of steps start+1 … end, the last block first; inside a block, backwards in time.
    for end in range(T, 0, -K):
        start = max(end - K, 0)
        n = end - start
        # δ^h_t = W_hyᵀ δ^y_t + W_hhᵀ δ^a_{t+1}: the first term (the path through ŷ_t) for the whole block at once;
        # the loop adds the second as it reaches each step.
        dh, tanh_grad = dh_all[:n], tanh_grad_all[:n]
        dot(dy_rows[start * B : end * B], W_hy, out=dh.reshape(n * B, H))
        states = h[start + 1 : end + 1]
        multiply(states, states, out=tanh_grad)
        np.subtract(1.0, tanh_grad, out=tanh_grad)  # tanh′(a_t) = 1 − h_t², the whole block at once
        # Steps end, end − 1, …, start + 1, as views of the block's rows (cheaper than indexing by t).
        steps = zip(dh[::-1], tanh_grad[::-1], dh_raw[n - 1 :: -1])
        if end == T:  # step T: nothing flows back from beyond it, δ^h_T is the path through ŷ_T alone
            dh_t, tanh_grad_t, dh_raw_t = next(steps)
            multiply(dh_t, tanh_grad_t, out=dh_raw_t)
            dot(dh_raw_t, W_hh, out=dh_next)
        for dh_t, tanh_grad_t, dh_raw_t in steps:
            add(dh_t, dh_next, out=dh_t)  # δ^h_t, both paths
            multiply(dh_t, tanh_grad_t, out=dh_raw_t)  # δ^a_t
            dot(dh_raw_t, W_hh, out=dh_next)  # W_hhᵀ δ^a_t, for step t − 1

        # With δ^a_t known for the block, its share of each gradient is one product over its rows.
        rows = slice(start * B, end * B)
        raw_rows = raw_rows_all[: n * B]
        share_xh = dot(raw_rows.T, x_rows[rows])
        share_hh = dot(raw_rows.T, h_prev_rows[rows])  # h_{t−1}: the states before each step
        share_b = dot(ones[: n * B], raw_rows)[:, None]
        if end == T:  # the first block computed (the last in time) starts the sums
            dW_xh, dW_hh, db_h = share_xh, share_hh, share_b
        else:
            dW_xh += share_xh
            dW_hh += share_hh
            db_h += share_b
        dot(raw_rows, W_xh, out=dx_rows[rows])

    grads = {"W_xh": dW_xh, "W_hh": dW_hh, "W_hy": dW_hy, "b_h": db_h, "b_y": db_y}
    return grads | ({"x": dx[:, 0, :], "h0": dh_next[0]} if single else {"x": dx, "h0": dh_next})
