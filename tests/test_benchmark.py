"""The benchmark script (``make bench``) stays runnable and counts what it says it counts.

No timing is asserted here (speed targets live in the benchmark's printed ratios): these tests
check the script's arithmetic, its reference loop and that a quick run prints its tables.
"""

import importlib.util
import pathlib

import numpy as np
import pytest

import rnn_lib

BENCH = pathlib.Path(__file__).resolve().parents[1] / "benchmarks" / "bench_bptt.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_bptt", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("shape", [(4, 1, 5, 1, 1), (6, 3, 7, 2, 4)])
def test_reference_loop_and_unchecked_engine_give_rnn_lib_gradients(bench, shape, dtype):
    params, x, y = bench.make_problem(shape, dtype)
    ours = bench.make_rnn_lib(params, x, y)()
    unchecked = bench.make_engine(params, x, y)()
    loop = bench.reference_gradients(params, x, y)
    tolerance = 1e-12 if dtype == np.float64 else 1e-5
    for name in rnn_lib.PARAM_NAMES:
        assert loop[name].dtype == dtype
        np.testing.assert_allclose(loop[name], ours[name], rtol=tolerance, atol=tolerance)
        np.testing.assert_array_equal(unchecked[name], ours[name])  # same arithmetic, checks aside


@pytest.mark.parametrize("shape", [(4, 1, 5, 1, 1), (100, 128, 512, 128, 64), (3, 2, 7, 5, 11)])
def test_flop_counts_add_up_product_by_product(bench, shape):
    T, D, H, O, B = shape
    rows = T * B  # every (t, b) pair is one row of the batched products

    def product(m, k, n):  # (m, k) × (k, n)
        return 2 * m * k * n

    forward = product(rows, D, H) + T * product(B, H, H) + product(rows, H, O)  # x W_xhᵀ, h W_hhᵀ, h W_hyᵀ
    readout = product(O, rows, H) + product(rows, O, H)  # ∂L/∂W_hy, δ^y W_hy
    recurrence = T * product(B, H, H) + product(H, rows, H)  # δ^a W_hh step by step, ∂L/∂W_hh
    inputs = product(H, rows, D) + product(rows, H, D)  # ∂L/∂W_xh, ∂L/∂x
    assert bench.matmul_flops(shape) == forward + readout + recurrence + inputs
    assert bench.recurrence_flops(shape) == 2 * T * product(B, H, H)


def test_limits_follow_from_the_timings(bench):
    shape = (100, 128, 512, 128, 64)
    gemm = 0.070  # seconds for the call's flops as one large product
    step_fraction = bench.recurrence_flops(shape) / bench.matmul_flops(shape)
    at_full_rate = {"reference": 1.4, "rnn_lib": 0.100, "engine": 0.099, "products": gemm * step_fraction}
    lim = bench.limit_row(shape, at_full_rate, gemm)
    assert lim["ceiling"] == pytest.approx(20.0)  # the loop can be beaten at most by loop / GEMM limit
    assert lim["checks"] == pytest.approx(0.001) and lim["checks share"] == pytest.approx(0.01)
    assert lim["products share"] == pytest.approx(1.0) and lim["best share"] == pytest.approx(1.0)

    slower = dict(at_full_rate, products=2 * gemm * step_fraction)  # the step products at half the GEMM rate
    lim = bench.limit_row(shape, slower, gemm)
    assert lim["products share"] == pytest.approx(0.5)
    assert lim["best share"] == pytest.approx(1 / (1 + step_fraction))


def test_peak_memory_counts_at_least_what_backward_keeps(bench):
    params, x, y = bench.make_problem((20, 3, 16, 2, 8), np.float64)
    mem = bench.peak_memory(params, x, y)
    T, B, D = x.shape
    assert mem["kept"] == ((T + 1) * B * 16 + T * B * D) * 8  # hidden states and inputs, float64
    assert mem["peak"] >= mem["kept"] + mem["results"]  # both are alive when backward returns


def test_quick_run_prints_both_tables(bench, capsys):
    bench.main(["--quick", "--shapes", "a", "--dtypes", "float64", "--without-torch"])
    out = capsys.readouterr().out
    assert "PyTorch: skipped (--without-torch)." in out
    rows = [line for line in out.splitlines() if line.startswith("| a")]
    assert len(rows) == 2, out  # one in the timing table, one in the table of limits
    timing, limits = (row.strip("|").split("|") for row in rows)
    assert len(timing) == 10 and timing[1].strip() == "float64" and timing[4].strip() == "—"
    assert len(limits) == 8 and limits[1].strip() == "float64"
    assert "What bounds the ratios" in out
