"""The functional core: forward/backward pairs for the problem's RNN.

Layout (used everywhere in the course): arrays are **time-major, batch second**.
One sequence is ``x`` of shape (T, D); a batch of B sequences is (T, B, D).
Inside this module every computation runs on the batched layout, a single
sequence being a batch of one, and results are squeezed back on the way out.

Parameters keep the problem's names and *column-vector* shapes::

    W_xh (H, D)   W_hh (H, H)   W_hy (O, H)   b_h (H, 1)   b_y (O, 1)

With row vectors (one row per sequence in the batch) the recurrence reads
``a_t = x_t W_xhᵀ + h_{t-1} W_hhᵀ + b_hᵀ``: the same numbers as the problem's
``W_xh @ x_t + W_hh @ h_{t-1} + b_h``, transposed.

Every function here trusts its caller; checking input happens once, at the
public surface (``rnn_lib.forward`` / ``rnn_lib.backward`` in ``api.py`` and the
model class).  The dtype of the parameters decides the arithmetic.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from . import kernels

PARAM_NAMES = ("W_xh", "W_hh", "W_hy", "b_h", "b_y")


def param_shapes(D: int, H: int, O: int) -> dict[str, tuple[int, int]]:
    """Shape of each parameter for input size D, hidden size H, output size O."""
    return {"W_xh": (H, D), "W_hh": (H, H), "W_hy": (O, H), "b_h": (H, 1), "b_y": (O, 1)}


def init_params(D, H, O, *, rng=None, scale=0.01, dtype=np.float64):
    """Draw parameters the way the problem does: N(0, 1) * scale weights, zero biases.

    The three weight matrices are drawn in the problem's order (W_xh, W_hh, W_hy).
    ``rng=None`` uses numpy's global legacy RNG (``np.random.randn``), so after
    ``np.random.seed(s)`` the numbers equal the reference implementation's;
    a ``np.random.Generator`` draws from that generator instead.

    Returns a dict of float arrays with the shapes of :func:`param_shapes`.
    """
    draw = np.random.randn if rng is None else lambda *shape: rng.standard_normal(shape)
    params = {
        "W_xh": draw(H, D) * scale,
        "W_hh": draw(H, H) * scale,
        "W_hy": draw(O, H) * scale,
        "b_h": np.zeros((H, 1)),
        "b_y": np.zeros((O, 1)),
    }
    return {k: v.astype(dtype, copy=False) for k, v in params.items()}


# ---------------------------------------------------------------------------
# One time step: what the notebooks derive, one piece at a time.
# ---------------------------------------------------------------------------


def rnn_step_forward(x_t, h_prev, W_xh, W_hh, b_h):
    """One step of the recurrence, h_t = tanh(W_xh x_t + W_hh h_{t-1} + b_h).

    Shapes: x_t (D,) or (B, D); h_prev (H,) or (B, H); W_xh (H, D);
    W_hh (H, H); b_h (H, 1).  Returns ``h_t`` shaped like ``h_prev`` and the
    cache ``(x_t, h_prev, h_t, W_xh, W_hh)`` that :func:`rnn_step_backward` needs.
    """
    a_t = x_t @ W_xh.T + h_prev @ W_hh.T + b_h[:, 0]
    h_t = np.tanh(a_t)
    return h_t, (x_t, h_prev, h_t, W_xh, W_hh)


def rnn_step_backward(dh_t, cache):
    """Backward through one step, given δ^h_t = ∂L/∂h_t (total, both paths).

    Shapes: dh_t like h_t, (H,) or (B, H).  Returns ``(dx_t, dh_prev, dW_xh,
    dW_hh, db_h)``: dx_t like x_t, dh_prev like h_prev, and this step's
    contribution to the parameter gradients, (H, D), (H, H) and (H, 1),
    summed over the batch.  ``dh_prev`` is W_hhᵀ δ^a_t, the problem's ``dh_next``
    for step t-1.
    """
    x_t, h_prev, h_t, W_xh, W_hh = cache
    # tanh'(a_t) = 1 - tanh(a_t)^2 = 1 - h_t^2: the forward output is all we need.
    dh_raw = (1.0 - h_t * h_t) * dh_t
    dx_t = dh_raw @ W_xh
    dh_prev = dh_raw @ W_hh
    # Outer products summed over the batch; atleast_2d makes (H,) a batch of one.
    rows = np.atleast_2d(dh_raw)
    dW_xh = rows.T @ np.atleast_2d(x_t)
    dW_hh = rows.T @ np.atleast_2d(h_prev)
    db_h = rows.sum(axis=0)[:, None]
    return dx_t, dh_prev, dW_xh, dW_hh, db_h


def output_step_forward(h_t, W_hy, b_y):
    """The read-out ŷ_t = W_hy h_t + b_y.

    Shapes: h_t (H,) or (B, H); W_hy (O, H); b_y (O, 1).  Returns ŷ_t, (O,) or
    (B, O), and the cache ``(h_t, W_hy)``.
    """
    return h_t @ W_hy.T + b_y[:, 0], (h_t, W_hy)


def output_step_backward(dy_t, cache):
    """Backward through the read-out, given δ^y_t = ∂L/∂ŷ_t.

    Returns ``(dh_t, dW_hy, db_y)``: dh_t = W_hyᵀ δ^y_t like h_t (the path from
    ŷ_t into h_t only), dW_hy (O, H) and db_y (O, 1) summed over the batch.
    """
    h_t, W_hy = cache
    rows = np.atleast_2d(dy_t)
    dW_hy = rows.T @ np.atleast_2d(h_t)
    db_y = rows.sum(axis=0)[:, None]
    return dy_t @ W_hy, dW_hy, db_y


# ---------------------------------------------------------------------------
# The loss.
# ---------------------------------------------------------------------------


def loss(y_hat, y):
    """The problem's loss L = ½ Σ_t ‖ŷ_t − y_t‖² (summed over the batch too).

    ``y_hat`` and ``y`` have the same shape, (T, O) or (T, B, O).  Returns a float.
    """
    diff = y_hat - y
    return 0.5 * float(np.vdot(diff, diff))


def loss_grad(y_hat, y):
    """∂L/∂ŷ = ŷ − y for the loss above (the ½ cancels the 2 of the square).

    Same shape as ``y_hat``.
    """
    return y_hat - y


# ---------------------------------------------------------------------------
# The whole sequence: vectorised where time allows, a loop where it does not.
#
# Where the time goes (T steps, batch B): every product that does not depend on
# the previous step is done once for all T·B rows (input projections, read-out,
# all weight gradients); only the (B, H) × (H, H) product and the element-wise
# work stay in the time loop, writing into preallocated arrays (out=, no
# temporaries).  On large blocks that element-wise work is split across threads
# (``kernels``); the backward pass walks back through time in a few chunks, so
# that beside the hidden states it keeps only a fraction of their size.
# ---------------------------------------------------------------------------


class ForwardCache(NamedTuple):
    """What :func:`backward` needs from :func:`forward`, and nothing more.

    x: (T, B, D) inputs in the parameters' dtype.
    h: (T + 1, B, H) hidden states; h[0] is h_0, h[t] is h_t.
    single: True when the caller passed one sequence (T, D), so results are squeezed.
    """

    x: np.ndarray
    h: np.ndarray
    single: bool


# The backward pass needs δ^a_t for a block of steps at a time.  Up to this many bytes one block
# holds all T steps (each weight gradient is then one product); above it the steps are cut into
# _CHUNKS blocks, so the working memory stays an eighth of the hidden states' while the products
# over a block's K·B rows are still large enough for the BLAS library to run at full speed (at
# benchmark shape d, 8 blocks of 13 steps take the same time as 4 of 25 and 3 MiB less memory).
_ONE_BLOCK_BYTES = 8 * 2**20
_CHUNKS = 8


def _steps_per_block(T: int, B: int, H: int, itemsize: int) -> int:
    if T * B * H * itemsize <= _ONE_BLOCK_BYTES:
        return T
    return -(-T // _CHUNKS)  # ceil(T / _CHUNKS)


def forward(params, x, h0=None):
    """Run the RNN over whole sequences.

    params: dict with ``W_xh (H, D), W_hh (H, H), W_hy (O, H), b_h (H, 1), b_y (O, 1)``.
    x: (T, D) for one sequence or (T, B, D) for a batch (time-major).
    h0: initial hidden state, (H,) or (B, H); zeros when None.

    Returns ``(y_hat, cache)`` with y_hat (T, O) or (T, B, O).
    """
    # Plain lookups and np.dot on 2-D arrays throughout: on a small problem (T = 4, H = 5) every
    # numpy call costs about as much as its arithmetic, so the fewer and cheaper calls, the better.
    W_xh, W_hh, W_hy, b_h, b_y = params["W_xh"], params["W_hh"], params["W_hy"], params["b_h"], params["b_y"]
    dtype = W_hh.dtype
    single = x.ndim == 2
    xb = np.asarray(x[:, None, :] if single else x, dtype=dtype)
    T, B, D = xb.shape
    H, O = W_hh.shape[0], W_hy.shape[0]

    h = np.zeros((T + 1, B, H), dtype=dtype)  # h[0] = h_0 = 0 unless h0 is given
    if h0 is not None:
        h[0] = np.reshape(h0, (B, H))
    # The input projections x_t W_xhᵀ + b_hᵀ do not depend on h: one matrix product for all
    # steps, written straight into h[1:].  Step t then turns slot h[t] into h_t in place.
    h_rows = h[1:].reshape(T * B, H)  # a view: h_1 … h_T, one row per (t, b)
    np.dot(xb.reshape(T * B, D), W_xh.T, out=h_rows)
    h_rows += b_h.T

    # Only the recurrent product and tanh are truly sequential.
    # W_hhᵀ copied once into row-major order: the BLAS library multiplies by it 10–30 % faster
    # than by the transposed view, at every one of the T steps.
    W_hh_T = np.ascontiguousarray(W_hh.T)
    rec = np.empty((B, H), dtype=dtype)  # h_{t-1} W_hhᵀ, the same buffer at every step
    prev = h[0]
    if kernels.worth_splitting(B * H):
        for cur in h[1:]:
            np.dot(prev, W_hh_T, out=rec)
            kernels.add_tanh_(cur, rec)  # same ufuncs, pieces on several threads
            prev = cur
    else:
        add, tanh, dot = np.add, np.tanh, np.dot
        for cur in h[1:]:  # cur is the slot h[t], prev is h_{t-1}
            # np.dot with out= on 2-D C-ordered arrays: the same BLAS product as np.matmul with
            # less overhead per call, which is what counts on small problems.
            dot(prev, W_hh_T, out=rec)
            add(cur, rec, out=cur)
            tanh(cur, out=cur)
            prev = cur

    y_hat = np.dot(h_rows, W_hy.T)
    y_hat += b_y.T
    cache = ForwardCache(xb, h, single)
    return y_hat.reshape((T, O) if single else (T, B, O)), cache


def backward(params, cache, dy):
    """Backpropagation through time for :func:`forward`.

    dy: ∂L/∂ŷ, shaped like the y_hat that forward returned, (T, O) or (T, B, O).

    Returns a dict with the five parameter gradients (shapes of ``params``,
    summed over time and batch) and ``"x"`` (like x) and ``"h0"`` ((H,) or (B, H)).
    """
    W_xh, W_hh, W_hy = params["W_xh"], params["W_hh"], params["W_hy"]
    x, h, single = cache
    dtype = h.dtype
    T, B, D = x.shape
    H, O = W_hh.shape[0], W_hy.shape[0]
    dyb = np.asarray(dy, dtype=dtype).reshape(T * B, O)  # one sequence is a batch of one: same rows

    # Read-out: its gradients need no recursion, so all steps go in one product.
    h_rows = h[1:].reshape(T * B, H)
    dW_hy = np.dot(dyb.T, h_rows)
    # Sums over the rows (t, b) as products with a row of ones: one BLAS call, cheaper than .sum(axis=0).
    ones = np.ones(T * B, dtype=dtype)
    db_y = np.dot(ones, dyb)[:, None]

    split = kernels.worth_splitting(B * H)
    if T * B * H * dtype.itemsize <= _ONE_BLOCK_BYTES and not split:  # what _steps_per_block says, inline
        dW_xh, dW_hh, db_h, dx, dh0 = _backward_one_block(W_xh, W_hh, W_hy, x, h, dyb, h_rows, ones)
    else:
        K = _steps_per_block(T, B, H, dtype.itemsize)
        dW_xh, dW_hh, db_h, dx, dh0 = _backward_in_blocks(W_xh, W_hh, W_hy, x, h, dyb, ones, K, split)

    if single:
        return {"W_xh": dW_xh, "W_hh": dW_hh, "W_hy": dW_hy, "b_h": db_h, "b_y": db_y, "x": dx[:, 0, :], "h0": dh0[0]}
    return {"W_xh": dW_xh, "W_hh": dW_hh, "W_hy": dW_hy, "b_h": db_h, "b_y": db_y, "x": dx, "h0": dh0}


def _backward_one_block(W_xh, W_hh, W_hy, x, h, dyb, h_rows, ones):
    """BPTT with δ^a kept for all T steps at once (small problems): few numpy calls, no threads.

    Returns ``(dW_xh, dW_hh, db_h, dx (T, B, D), dh0 (B, H))``.
    """
    T, B, D = x.shape
    H = W_hh.shape[0]
    # δ^h_t = W_hyᵀ δ^y_t + W_hhᵀ δ^a_{t+1}: the first term for every step in one product;
    # the loop adds the second and turns the row block into δ^a_t in place.
    raw_rows = np.dot(dyb, W_hy)  # (T·B, H)
    tanh_grad = h_rows * h_rows
    np.subtract(1.0, tanh_grad, out=tanh_grad)  # tanh'(a_t) = 1 − h_t², every step at once
    rows = raw_rows.reshape(T, B, H)
    grads = tanh_grad.reshape(T, B, H)
    dh_next = np.empty((B, H), dtype=h.dtype)  # W_hhᵀ δ^a_{t+1}
    add, multiply, dot = np.add, np.multiply, np.dot
    later = rows[T - 1]  # δ^a_{t+1} as the loop walks back
    multiply(later, grads[T - 1], out=later)  # the last step has no h_{t+1}: δ^h_T is the read-out path alone
    for row, grad in zip(rows[-2::-1], grads[-2::-1]):  # steps T-1, …, 1 (0-based T-2, …, 0)
        dot(later, W_hh, out=dh_next)
        add(row, dh_next, out=row)
        multiply(row, grad, out=row)
        later = row
    dot(later, W_hh, out=dh_next)  # ∂L/∂h_0

    # With δ^a_t known for every step, each weight gradient is one product over (t, b).
    dW_xh = np.dot(raw_rows.T, x.reshape(T * B, D))
    dW_hh = np.dot(raw_rows.T, h[:-1].reshape(T * B, H))
    db_h = np.dot(ones, raw_rows)[:, None]
    dx = np.dot(raw_rows, W_xh).reshape(T, B, D)
    return dW_xh, dW_hh, db_h, dx, dh_next


def _backward_in_blocks(W_xh, W_hh, W_hy, x, h, dyb, ones, K, split):
    """BPTT walking back through time in blocks of K steps, with threads on large blocks.

    Returns ``(dW_xh, dW_hh, db_h, dx (T, B, D), dh0 (B, H))``.
    """
    T, B, D = x.shape
    H = W_hh.shape[0]
    dtype = h.dtype
    dW_xh = np.zeros((H, D), dtype=dtype)
    dW_hh = np.zeros((H, H), dtype=dtype)
    db_h = np.zeros((H, 1), dtype=dtype)
    dx = np.empty((T, B, D), dtype=dtype)
    dh_raw = np.empty((K, B, H), dtype=dtype)  # δ^a_t for the steps of one block
    dh_next = np.zeros((B, H), dtype=dtype)  # W_hhᵀ δ^a_{t+1}; zero after the last step
    if split:
        scratch = np.empty((B, H), dtype=dtype)  # 1 − h_t², step by step
    else:
        tanh_grad = np.empty((K, B, H), dtype=dtype)  # 1 − h_t², a block at a time

    # Blocks of steps [start, end), last block first; inside a block, steps backwards in time.
    for end in range(T, 0, -K):
        start = max(end - K, 0)
        n = end - start
        raw = dh_raw[:n]
        raw_rows = raw.reshape(n * B, H)
        # δ^h_t = W_hyᵀ δ^y_t + W_hhᵀ δ^a_{t+1}: the first term for the whole block in one product.
        np.matmul(dyb[start * B : end * B], W_hy, out=raw_rows)
        rows = list(raw)
        if split:
            for t in reversed(range(n)):
                kernels.tanh_backward_(rows[t], dh_next, h[start + t + 1], scratch)
                np.dot(rows[t], W_hh, out=dh_next)
        else:
            g = tanh_grad[:n]
            np.multiply(h[start + 1 : end + 1], h[start + 1 : end + 1], out=g)
            np.subtract(1.0, g, out=g)  # tanh'(a_t) = 1 − h_t², every step of the block at once
            for t in reversed(range(n)):
                np.add(rows[t], dh_next, out=rows[t])
                np.multiply(rows[t], g[t], out=rows[t])
                np.dot(rows[t], W_hh, out=dh_next)

        # With δ^a_t known for the block, its share of each weight gradient is one product over (t, b).
        _accumulate(dW_xh, raw_rows.T, x[start:end].reshape(n * B, D), first=end == T)
        _accumulate(dW_hh, raw_rows.T, h[start:end].reshape(n * B, H), first=end == T)
        db_h[:, 0] += np.dot(ones[: n * B], raw_rows)  # summed as in _backward_one_block: same numbers
        np.matmul(raw_rows, W_xh, out=dx[start:end].reshape(n * B, D))
    return dW_xh, dW_hh, db_h, dx, dh_next


def _accumulate(total, a, b, *, first):
    """``total += a @ b``; the first block writes its product straight into ``total``."""
    if first:
        np.matmul(a, b, out=total)
    else:
        total += a @ b
