"""The threaded element-wise kernels and the block-wise backward pass of ``rnn_lib.core``.

Splitting work across threads must not change a single bit: every element goes
through the same numpy ufunc as in a one-thread call.  The thread count and the
size threshold are forced here (``kernels.configure``), so these tests exercise
the threaded path even under ``OPENBLAS_NUM_THREADS=1``; none depends on timing.
"""

from __future__ import annotations

import numpy as np
import pytest

from rnn_lib import core, kernels

DTYPES = [np.float64, np.float32]


@pytest.fixture
def threaded():
    """Element-wise work split over 3 threads from 1 element up, never timed; settings restored afterwards."""
    old = kernels.configure(threads=3, min_elements=1, min_seconds=0)
    yield
    kernels.configure(**old)


def _values(shape, dtype, seed=0):
    """Values over tanh's whole range: tiny, moderate, saturating, and signed zeros."""
    rng = np.random.default_rng(seed)
    a = rng.standard_normal(shape) * rng.choice([1e-8, 0.1, 1.0, 5.0, 30.0], size=shape)
    flat = a.reshape(-1)
    flat[:2] = [0.0, -0.0][: flat.size]
    return a.astype(dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(1, 1), (1, 7), (3, 1), (5, 33), (7, 130), (64, 512), (1, 1000), (2, 3, 17)])
def test_threaded_tanh_equals_np_tanh_bit_for_bit(threaded, shape, dtype):
    a = _values(shape, dtype)
    out = np.empty_like(a)
    kernels.tanh(a, out)
    np.testing.assert_array_equal(out.view(np.uint8), np.tanh(a).view(np.uint8))


@pytest.mark.parametrize("dtype", DTYPES)
def test_threaded_tanh_in_place_equals_np_tanh(threaded, dtype):
    a = _values((9, 77), dtype)
    expected = np.tanh(a)
    kernels.tanh(a, a)
    np.testing.assert_array_equal(a, expected)


@pytest.mark.parametrize("dtype", DTYPES)
def test_threaded_tanh_on_non_contiguous_input_equals_np_tanh(threaded, dtype):
    a = _values((20, 40), dtype)[::2, 1::3]  # strided view: taken on the calling thread
    out = np.empty(a.shape, dtype=dtype)
    kernels.tanh(a, out)
    np.testing.assert_array_equal(out, np.tanh(a))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(1, 5), (4, 65), (64, 512)])
def test_add_tanh_is_tanh_of_the_sum(threaded, shape, dtype):
    a, rec = _values(shape, dtype, 1), _values(shape, dtype, 2)
    expected = np.tanh(a + rec)
    kernels.add_tanh_(a, rec)
    np.testing.assert_array_equal(a, expected)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(1, 5), (4, 65), (64, 512)])
def test_tanh_backward_is_the_formula(threaded, shape, dtype):
    dh, dh_next = _values(shape, dtype, 3), _values(shape, dtype, 4)
    h = np.tanh(_values(shape, dtype, 5))
    expected = (dh + dh_next) * (1.0 - h * h)
    kernels.tanh_backward_(dh, dh_next, h, np.empty_like(h))
    np.testing.assert_array_equal(dh, expected)
    assert dh.dtype == dtype


@pytest.mark.parametrize("n", [0, 1, 63, 64, 65, 1000, 32768, 32769])
@pytest.mark.parametrize("parts", [1, 2, 3, 8])
def test_split_points_cover_every_element_once_on_aligned_boundaries(n, parts):
    points = kernels.split_points(n, parts)
    assert points[0] == 0 and points[-1] == n
    assert all(lo < hi for lo, hi in zip(points[:-1], points[1:])) or n == 0
    assert len(points) - 1 <= max(parts, 1)
    assert all(p % 64 == 0 for p in points[1:-1])


def test_a_worker_exception_reaches_the_caller(threaded):
    def kernel(piece):
        if piece[0] > 0:
            raise RuntimeError("boom")

    data = np.arange(-50.0, 50.0)
    with pytest.raises(RuntimeError, match="boom"):
        kernels.run_split(kernel, data)


def test_one_thread_runs_a_single_call_on_the_calling_thread():
    old = kernels.configure(threads=1, min_elements=1)
    try:
        seen = []
        kernels.run_split(lambda piece: seen.append(piece.size), np.zeros((64, 512)))
        assert seen == [64 * 512]
        assert not kernels.worth_splitting(10**9)
    finally:
        kernels.configure(**old)


def test_small_blocks_are_not_split():
    old = kernels.configure(threads=4, min_elements=1000, min_seconds=0)
    try:
        seen = []
        kernels.run_split(lambda piece: seen.append(piece.size), np.zeros(1999))
        assert seen == [1999]
        assert not kernels.worth_splitting(1999) and kernels.worth_splitting(2000)
    finally:
        kernels.configure(**old)


def test_quick_work_is_not_split_whatever_its_size():
    old = kernels.configure(threads=4, min_elements=1, min_seconds=1e9)  # nothing takes 1e9 s
    try:
        seen = []
        kernels.run_split(lambda piece: seen.append(piece.size), np.zeros(100_000))
        assert [size for size in seen if size != 16_384] == [100_000]  # 16 384: the one-time timing runs
    finally:
        kernels.configure(**old)


def test_kernel_cost_is_measured_once_per_dtype():
    calls = []

    def kernel(a):
        calls.append(a.size)

    first = kernels.seconds_per_element(kernel, np.float64, 1)
    n_calls = len(calls)
    assert first > 0 and n_calls >= 2
    assert kernels.seconds_per_element(kernel, np.float64, 1) == first
    assert len(calls) == n_calls


def test_configure_refuses_zero_threads():
    with pytest.raises(ValueError, match="at least 1"):
        kernels.configure(threads=0)


@pytest.mark.parametrize("env, expected", [({"OPENBLAS_NUM_THREADS": "1"}, 1), ({"OPENBLAS_NUM_THREADS": "3"}, 3)])
def test_default_threads_follow_the_blas_setting(monkeypatch, env, expected):
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert kernels.default_threads() == expected


# ---------------------------------------------------------------------------
# core.forward / core.backward: threaded and block-wise paths give the one-thread, one-block numbers.
# ---------------------------------------------------------------------------


def _problem(T, D, H, O, B, dtype, seed=0):
    rng = np.random.default_rng(seed)
    params = core.init_params(D, H, O, rng=rng, scale=0.5, dtype=dtype)
    params["b_h"] = (0.1 * rng.standard_normal((H, 1))).astype(dtype)
    params["b_y"] = (0.1 * rng.standard_normal((O, 1))).astype(dtype)
    x = rng.standard_normal((T, B, D)).astype(dtype)
    h0 = (0.5 * rng.standard_normal((B, H))).astype(dtype)
    y = rng.standard_normal((T, B, O)).astype(dtype)
    return params, x, h0, y


def _run(params, x, h0, y):
    y_hat, cache = core.forward(params, x, h0)
    return y_hat, cache, core.backward(params, cache, y_hat - y)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("sizes", [(1, 2, 3, 2, 1), (6, 3, 33, 2, 5), (9, 4, 70, 3, 8)])
def test_threaded_forward_and_backward_equal_the_one_thread_numbers_exactly(monkeypatch, sizes, dtype):
    params, x, h0, y = _problem(*sizes, dtype)
    old = kernels.configure(threads=1)
    try:
        y1, c1, g1 = _run(params, x, h0, y)
        kernels.configure(threads=3, min_elements=1, min_seconds=0)
        y3, c3, g3 = _run(params, x, h0, y)
    finally:
        kernels.configure(**old)
    np.testing.assert_array_equal(y3, y1)
    np.testing.assert_array_equal(c3.h, c1.h)
    for name in g1:
        np.testing.assert_array_equal(g3[name], g1[name])
        assert g3[name].dtype == dtype


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("T", [1, 2, 3, 4, 5, 9, 10])
def test_backward_in_blocks_equals_backward_in_one_block(monkeypatch, T, dtype):
    params, x, h0, y = _problem(T, 3, 7, 2, 4, dtype, seed=T)
    _, _, whole = _run(params, x, h0, y)
    monkeypatch.setattr(core, "_ONE_BLOCK_BYTES", 0)  # every problem now runs in _CHUNKS blocks
    _, _, blocks = _run(params, x, h0, y)
    rtol = 1e-12 if dtype == np.float64 else 1e-5
    for name in whole:
        np.testing.assert_allclose(blocks[name], whole[name], rtol=rtol, atol=rtol * np.max(np.abs(whole[name])))


@pytest.mark.parametrize("T, expected", [(1, 1), (8, 1), (9, 2), (16, 2), (17, 3), (100, 13), (101, 13)])
def test_blocks_hold_an_eighth_of_the_steps_when_large(monkeypatch, T, expected):
    monkeypatch.setattr(core, "_ONE_BLOCK_BYTES", 0)
    assert core._steps_per_block(T, 64, 512, 8) == expected


def test_small_problems_run_backward_in_one_block():
    assert core._steps_per_block(100, 32, 128, 8) == 100


def test_backward_accepts_a_non_contiguous_cache():
    params, x, h0, y = _problem(6, 3, 5, 2, 4, np.float64)
    y_hat, cache, expected = _run(params, x, h0, y)
    strided = core.ForwardCache(x=np.asfortranarray(cache.x), h=np.asfortranarray(cache.h), single=False)
    got = core.backward(params, strided, y_hat - y)
    for name in expected:
        np.testing.assert_allclose(got[name], expected[name], rtol=1e-13, atol=1e-15)


def test_forward_leaves_its_inputs_untouched():
    params, x, h0, y = _problem(5, 3, 6, 2, 4, np.float64)
    copies = {k: v.copy() for k, v in params.items()}, x.copy(), h0.copy()
    _run(params, x, h0, y)
    for k in params:
        np.testing.assert_array_equal(params[k], copies[0][k])
    np.testing.assert_array_equal(x, copies[1])
    np.testing.assert_array_equal(h0, copies[2])


# ---------------------------------------------------------------------------
# The quick happy-path checks in ``validation`` (what the public API pays on every call)
# must accept exactly what the full checks accept and leave every refusal to them.
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", DTYPES)
def test_quick_finite_test_never_lets_nan_or_inf_through(dtype):
    from rnn_lib.validation import _all_finite

    a = np.ones((7, 3), dtype=dtype)
    assert _all_finite(a)
    for bad in (np.nan, np.inf, -np.inf):
        b = a.copy()
        b[5, 2] = bad
        assert not _all_finite(b)
        assert not _all_finite(b[:, ::2])  # strided views too


def test_huge_finite_values_are_accepted_although_the_quick_test_overflows():
    import rnn_lib
    from rnn_lib.validation import _all_finite, as_float_array, check_params

    params = rnn_lib.init_params(2, 3, 1, rng=np.random.default_rng(0))
    params["W_hy"] = np.full((1, 3), 1e200)  # finite, but its sum of squares overflows to inf
    assert not _all_finite(params["W_hy"])
    assert check_params(params) == (2, 3, 1)  # the full check decides: finite, accepted
    x = np.full((4, 2), 1e200)
    assert as_float_array(x, "x") is x


def test_the_quick_paths_return_what_the_full_checks_return():
    import rnn_lib
    from rnn_lib.validation import as_float_array, check_params

    params = rnn_lib.init_params(3, 4, 2, rng=np.random.default_rng(1))
    assert check_params(params) == (3, 4, 2)
    assert check_params(params, sizes=(np.int64(3), 4, 2), owner="SimpleRNN") == (3, 4, 2)
    with pytest.raises(ValueError, match=r"hidden_size H = 5"):
        check_params(params, sizes=(3, 5, 2))
    x = np.ones((5, 3))
    assert as_float_array(x, "x") is x  # no copy unless asked
    snapshot = as_float_array(x, "x", copy=True)
    assert snapshot is not x and not np.shares_memory(snapshot, x)
    np.testing.assert_array_equal(snapshot, x)
    f32 = as_float_array(x, "x", np.float32)
    assert f32.dtype == np.float32


def test_backward_refuses_parameters_that_became_nan_after_forward():
    import rnn_lib

    params = rnn_lib.init_params(2, 3, 1, rng=np.random.default_rng(2))
    x, y = np.ones((4, 2)), np.zeros((4, 1))
    y_hat, cache = rnn_lib.forward(params, x)
    params["W_hh"][1, 2] = np.nan  # nothing is remembered between calls: the next check sees it
    with pytest.raises(ValueError, match=r"params\['W_hh'\] must be finite"):
        rnn_lib.backward(params, cache, rnn_lib.loss_grad(y_hat, y))
