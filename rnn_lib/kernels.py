"""Element-wise work of the recurrence, split across threads (a private helper of ``core``).

Inside the time loop of :func:`rnn_lib.core.forward` and :func:`rnn_lib.core.backward`
each step is one (B, H) × (H, H) matrix product, which the BLAS library already
runs on every core, followed by element-wise work on the (B, H) block: ``tanh``
going forward, ``(δ^h + W_hhᵀ δ^a) ⊙ (1 − h²)`` going back.  numpy runs that
element-wise work on one thread, so on a large block the other cores sit idle
while it runs (on some machines numpy's float64 ``tanh`` is plain scalar code,
about 20 ns per element).

numpy's ufuncs release the GIL, so the fix is plain Python threads: cut the
block into contiguous pieces and let each thread apply *the same ufuncs* to its
piece.  Every element goes through the same function as in the one-thread call,
so the results are bit-for-bit those of numpy on the whole array — the tests in
``tests/test_core_kernels.py`` check exactly that, on odd sizes and both dtypes.

Threads only pay when a piece of work takes longer than handing it over (10–50 µs
per hand-over on the 2-core machine where this was measured, so a block must take
about 200 µs on one thread before splitting it wins).  That depends on the machine: where
numpy's float64 ``tanh`` is vectorised (AVX-512) a (64, 512) block takes about
55 µs and splitting it loses time; where it is scalar code the same block takes
about 650 µs and splitting saves half of it.  So the first time a kernel meets a
large block, it times itself once on 16 384 elements (best of 5, about a
millisecond in all) and from then on splits only blocks whose work would take at
least ``min_seconds``.  Whatever is decided, the numbers are the same.

The pool is created on first use and lives as long as the process; its size
follows the BLAS thread count (``OPENBLAS_NUM_THREADS``, ``OMP_NUM_THREADS`` or
``MKL_NUM_THREADS`` when set, else the usable CPUs), so ``OPENBLAS_NUM_THREADS=1``
— what the test suite and notebooks use — means no extra threads (and no timing) at all.
"""

from __future__ import annotations

import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np

# Pieces start on multiples of this many elements (one 64-byte cache line holds 8 float64 or 16 float32),
# so two threads never write into the same cache line.
_ALIGN = 64
_THREAD_ENV_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def default_threads() -> int:
    """The number of threads the BLAS library is told to use, else the CPUs this process may run on."""
    for name in _THREAD_ENV_VARS:
        value = os.environ.get(name, "").strip()
        if value.isdigit() and int(value) >= 1:
            return int(value)
    try:
        return max(len(os.sched_getaffinity(0)), 1)
    except AttributeError:  # macOS and Windows have no sched_getaffinity
        return os.cpu_count() or 1


class _Settings:
    """How element-wise work is split; change it with :func:`configure` (tests and the benchmark do)."""

    threads: int | None = None  # None: default_threads(), read on first use
    min_elements: int = 16_384  # no threads below this many elements per piece
    min_seconds: float = 200e-6  # nor when the whole block would take less than this on one thread


_settings = _Settings()
_pool: ThreadPoolExecutor | None = None
_pool_size = 0
_pool_lock = threading.Lock()
_seconds_per_element: dict = {}  # (kernel, dtype) -> measured cost on one thread


def configure(*, threads: int | None = None, min_elements: int | None = None, min_seconds: float | None = None) -> dict:
    """Set the thread count (``threads=1`` switches threading off) and/or the thresholds.

    ``min_seconds=0`` splits every block of at least ``min_elements`` per thread, without timing.
    Returns the previous settings as a dict, so a caller can restore them with ``configure(**old)``.
    """
    old = {"threads": _settings.threads, "min_elements": _settings.min_elements, "min_seconds": _settings.min_seconds}
    if threads is not None:
        if int(threads) < 1:
            raise ValueError(f"threads must be at least 1, got {threads}")
        _settings.threads = int(threads)
    if min_elements is not None:
        _settings.min_elements = max(int(min_elements), 1)
    if min_seconds is not None:
        _settings.min_seconds = max(float(min_seconds), 0.0)
    return old


def threads_in_use() -> int:
    """The thread count element-wise work may use now (1 means it runs on the calling thread only)."""
    if _settings.threads is None:
        _settings.threads = default_threads()
    return _settings.threads


def worth_splitting(n_elements: int) -> bool:
    """Whether element-wise work on ``n_elements`` would be split across threads now."""
    return threads_in_use() > 1 and n_elements >= 2 * _settings.min_elements


def _executor(workers: int) -> ThreadPoolExecutor:
    """The persistent pool with at least ``workers`` threads, created (or grown) on first need."""
    global _pool, _pool_size
    with _pool_lock:
        if _pool is None or _pool_size < workers:
            old = _pool
            _pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="rnn_lib-elementwise")
            _pool_size = workers
            if old is not None:
                old.shutdown(wait=False)
        return _pool


def split_points(n: int, parts: int, align: int = _ALIGN) -> list[int]:
    """Boundaries 0 = p_0 < p_1 < … < p_k = n cutting ``n`` elements into at most ``parts`` pieces.

    Inner boundaries are multiples of ``align``; pieces differ in size by at most ``align``.
    """
    points = [0]
    for i in range(1, parts):
        p = (n * i // parts) // align * align
        if points[-1] < p < n:
            points.append(p)
    points.append(n)
    return points


def seconds_per_element(kernel, dtype, n_arrays: int) -> float:
    """What ``kernel`` costs per element on one thread here: measured once per (kernel, dtype), then remembered."""
    key = (kernel, np.dtype(dtype))
    if key not in _seconds_per_element:
        n = 16_384
        args = [np.full(n, 0.5, dtype=dtype) for _ in range(n_arrays)]
        kernel(*args)  # the first call pays for page faults and caches
        best = float("inf")
        for _ in range(5):
            for a in args:
                a.fill(0.5)  # the same values every time (kernels work in place)
            start = time.perf_counter()
            kernel(*args)
            best = min(best, time.perf_counter() - start)
        _seconds_per_element[key] = best / n
    return _seconds_per_element[key]


def run_split(kernel, *arrays) -> None:
    """Call ``kernel(*pieces)`` on matching contiguous pieces of ``arrays``, in parallel when it pays.

    All arrays must have the same number of elements; each piece is a flat 1-D view.
    ``kernel`` must be element-wise (piece i of its output depends only on piece i of
    its inputs) and must write its results in place.  Arrays that are not C-contiguous,
    small blocks, blocks whose work is too quick to share (see :func:`seconds_per_element`)
    and ``threads == 1`` run as one call on the calling thread.
    """
    n = arrays[0].size
    threads = threads_in_use()
    parts = min(threads, n // _settings.min_elements) if threads > 1 else 1
    if parts >= 2 and _settings.min_seconds > 0:
        if n * seconds_per_element(kernel, arrays[0].dtype, len(arrays)) < _settings.min_seconds:
            parts = 1
    if parts < 2 or not all(a.flags.c_contiguous for a in arrays):
        kernel(*arrays)
        return
    flats = [a.reshape(-1) for a in arrays]  # views, as every array is contiguous
    points = split_points(n, parts)
    pieces = [[f[lo:hi] for f in flats] for lo, hi in zip(points[:-1], points[1:])]
    futures = [_executor(parts - 1).submit(kernel, *piece) for piece in pieces[1:]]
    try:
        kernel(*pieces[0])  # the calling thread does the first piece instead of waiting idle
    finally:
        for future in futures:
            future.result()  # re-raises a worker's exception here


# ---------------------------------------------------------------------------
# The element-wise steps of the recurrence.  Each is written as ufunc calls with
# out= (no temporaries), applied to one piece; run_split hands out the pieces.
# ---------------------------------------------------------------------------


def _tanh_piece(a, out):
    np.tanh(a, out=out)


def tanh(a: np.ndarray, out: np.ndarray) -> np.ndarray:
    """``np.tanh(a, out=out)``, split across threads on large blocks; bit-identical to it."""
    run_split(_tanh_piece, a, out)
    return out


def _add_tanh_piece(a, rec):
    np.add(a, rec, out=a)
    np.tanh(a, out=a)


def add_tanh_(a: np.ndarray, rec: np.ndarray) -> np.ndarray:
    """In place: ``a ← tanh(a + rec)``, the end of one forward step (a holds x_t W_xhᵀ + b_hᵀ)."""
    run_split(_add_tanh_piece, a, rec)
    return a


def _tanh_backward_piece(dh, dh_next, h, scratch):
    np.add(dh, dh_next, out=dh)  # δ^h_t: the path through ŷ_t plus the path through h_{t+1}
    np.multiply(h, h, out=scratch)
    np.subtract(1.0, scratch, out=scratch)  # tanh'(a_t) = 1 − h_t²
    np.multiply(dh, scratch, out=dh)  # δ^a_t


def tanh_backward_(dh: np.ndarray, dh_next: np.ndarray, h: np.ndarray, scratch: np.ndarray) -> np.ndarray:
    """In place: ``dh ← (dh + dh_next) ⊙ (1 − h²)``, one backward step; ``scratch`` is overwritten."""
    run_split(_tanh_backward_piece, dh, dh_next, h, scratch)
    return dh
