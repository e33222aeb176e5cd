"""The GRU of ``rnn_lib.gru``, fast and trusting.  **To learn the GRU, read ``rnn_lib/gru.py``**: the same numbers.

The tricks of ``fast.lstm``: products off the recursion done once for all T·B rows, r and z rows halved so one tanh
gives both σ's, the δ factors off the recursion computed for blocks of steps, preallocated step buffers."""

from __future__ import annotations

import numpy as np

from ..gated import PARAM_NAMES, freeze
from ..gru import GRUCache

STEPS_PER_BLOCK = 8  # backward: the factors of the δ's for this many steps at a time


def forward(params, x, h0=None):
    """Same as ``rnn_lib.gru.forward`` for checked arguments; returns ``(y_hat, GRUCache)``."""
    W_ih, W_hh, b_ih, b_hh, W_hy, b_y = (params[name] for name in PARAM_NAMES)
    dtype = W_hh.dtype
    single = x.ndim == 2
    xb = x[:, None, :] if single else x
    T, B, D = xb.shape
    H, O = W_hh.shape[1], W_hy.shape[0]
    H2 = 2 * H
    half = np.full((3 * H, 1), 0.5, dtype=dtype)  # halved rows: tanh then gives tanh(a/2) on r and z
    half[H2:] = 1.0
    W_hh_T = np.ascontiguousarray((W_hh * half).T)  # (H, 3H), row-major: BLAS multiplies by it faster
    b_x = b_ih.copy()
    b_x[:H2] += b_hh[:H2]  # r and z see b_ih + b_hh only as a sum; b_hn stays inside r ⊙ (…)
    b_hn = b_hh[H2:, 0]

    h = np.empty((T + 1, B, H), dtype=dtype)
    h[0] = 0.0 if h0 is None else h0
    gates = np.empty((T, B, 3 * H), dtype=dtype)  # first a_x (halved on r, z), then the gates r, z, n
    np.dot(xb.reshape(T * B, D), (W_ih * half).T, out=gates.reshape(T * B, 3 * H))
    gates += (b_x * half).T
    hn = np.empty((T, B, H), dtype=dtype)
    a_h = np.empty((B, 3 * H), dtype=dtype)
    r_hn = np.empty((B, H), dtype=dtype)
    dot, add, subtract, multiply, tanh = np.dot, np.add, np.subtract, np.multiply, np.tanh
    for t in range(T):  # step t + 1
        a = gates[t]
        dot(h[t], W_hh_T, out=a_h)
        rz, n = a[:, :H2], a[:, H2:]
        add(rz, a_h[:, :H2], out=rz)
        tanh(rz, out=rz)
        multiply(rz, 0.5, out=rz)
        add(rz, 0.5, out=rz)  # r, z = σ(…) = (1 + tanh(…/2)) / 2
        add(a_h[:, H2:], b_hn, out=hn[t])  # hn = W_hn h_{t−1} + b_hn
        multiply(a[:, :H], hn[t], out=r_hn)
        add(n, r_hn, out=n)
        tanh(n, out=n)  # n = tanh(W_in x_t + b_in + r ⊙ hn)
        h_t = h[t + 1]
        subtract(h[t], n, out=h_t)
        multiply(a[:, H:H2], h_t, out=h_t)
        add(h_t, n, out=h_t)  # h_t = n + z ⊙ (h_{t−1} − n) = (1 − z) ⊙ n + z ⊙ h_{t−1}

    y_hat = np.dot(h[1:].reshape(T * B, H), W_hy.T)
    y_hat += b_y.T
    freeze(h, gates, hn)
    return y_hat.reshape((T, O) if single else (T, B, O)), GRUCache(xb, h, gates, hn, single)


def backward(params, cache, dy, *, inputs=True):
    """Same as ``rnn_lib.gru.backward`` for checked arguments (dy shaped like y_hat): the gradients' dict; without
    ``"x"`` when ``inputs=False``, which skips ∂L/∂x and its product (a character model's one-hot inputs need none)."""
    W_ih, W_hh, W_hy = params["W_ih"], params["W_hh"], params["W_hy"]
    x, h, gates, hn, single = cache
    T, B, D = x.shape
    H, O = W_hh.shape[1], W_hy.shape[0]
    dtype = h.dtype
    dy_rows = dy.reshape(T * B, O)
    ones = np.ones(T * B, dtype=dtype)  # Σ over rows as a product with ones: one BLAS call

    dW_hy = np.dot(dy_rows.T, h[1:].reshape(T * B, H))
    db_y = np.dot(ones, dy_rows)[:, None]
    dh = np.dot(dy_rows, W_hy).reshape(T, B, H)  # W_hyᵀ δ^y_t; the loop adds what step t + 1 sends back

    dh_raw_x = np.empty((T, B, 3, H), dtype=dtype)  # ∂L/∂a_x, block by block
    dh_raw_h = np.empty((T, B, 3, H), dtype=dtype)  # ∂L/∂a_h: the same r, z blocks, r ⊙ the n block
    dh_next = np.zeros((B, H), dtype=dtype)
    leak = np.empty((B, H), dtype=dtype)
    K = min(T, STEPS_PER_BLOCK)
    factors = np.empty((K, B, 3, H), dtype=dtype)  # hn r(1 − r), (h_{t−1} − n) z(1 − z), (1 − z)(1 − n²)
    gates3 = gates.reshape(T, B, 3, H)
    dot, add, subtract, multiply = np.dot, np.add, np.subtract, np.multiply
    for end in range(T, 0, -K):  # blocks of steps start + 1 … end, the last block first
        start = max(end - K, 0)
        n = end - start
        # The factors that do not depend on the recursion, for the block's steps at once (small enough to stay in
        # the processor's cache): one call each for K steps instead of one per step.
        g3, fa = gates3[start:end], factors[:n]
        subtract(1.0, g3, out=fa)
        fa[:, :, :2] *= g3[:, :, :2]  # σ′ = σ(1 − σ) on r and z
        fa[:, :, 0] *= hn[start:end]  # δ^a_r = δ^a_n ⊙ hn r(1 − r)
        subtract(h[start:end], g3[:, :, 2], out=fa[:, :, 2])
        fa[:, :, 1] *= fa[:, :, 2]  # δ^a_z = δ^h ⊙ (h_{t−1} − n) z(1 − z)
        multiply(g3[:, :, 2], g3[:, :, 2], out=fa[:, :, 2])
        subtract(1.0, fa[:, :, 2], out=fa[:, :, 2])
        fa[:, :, 2] *= 1.0 - g3[:, :, 1]  # δ^a_n = δ^h ⊙ (1 − z)(1 − n²)
        for k in range(n - 1, -1, -1):  # step start + k + 1, backwards
            t = start + k
            dh_t, raw_x, raw_h, f = dh[t], dh_raw_x[t], dh_raw_h[t], fa[k]
            add(dh_t, dh_next, out=dh_t)  # δ^h_t
            multiply(dh_t, f[:, 2], out=raw_x[:, 2])
            multiply(raw_x[:, 2], f[:, 0], out=raw_x[:, 0])
            multiply(dh_t, f[:, 1], out=raw_x[:, 1])
            raw_h[:, :2] = raw_x[:, :2]
            multiply(raw_x[:, 2], g3[k, :, 0], out=raw_h[:, 2])
            dot(raw_h.reshape(B, 3 * H), W_hh, out=dh_next)
            multiply(dh_t, g3[k, :, 1], out=leak)
            add(dh_next, leak, out=dh_next)  # W_hhᵀ ∂L/∂a_h + z ⊙ δ^h_t

    rows_x, rows_h = dh_raw_x.reshape(T * B, 3 * H), dh_raw_h.reshape(T * B, 3 * H)
    grads = {
        "W_ih": np.dot(rows_x.T, x.reshape(T * B, D)),
        "W_hh": np.dot(rows_h.T, h[:-1].reshape(T * B, H)),
        "b_ih": np.dot(ones, rows_x)[:, None],
        "b_hh": np.dot(ones, rows_h)[:, None],
        "W_hy": dW_hy,
        "b_y": db_y,
    }
    ends = ({"x": np.dot(rows_x, W_ih).reshape(T, B, D)} if inputs else {}) | {"h0": dh_next}
    return grads | ({k: v[:, 0] if k == "x" else v[0] for k, v in ends.items()} if single else ends)
