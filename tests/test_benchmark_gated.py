"""The gated half of ``make bench`` stays runnable and counts what it says it counts (no timing asserted, no torch)."""

import importlib.util
import pathlib

import numpy as np
import pytest

import rnn_lib
from rnn_lib.fast import gru, lstm

BENCH = pathlib.Path(__file__).resolve().parents[1] / "benchmarks" / "bench_gated.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_gated", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("cell, module", [("LSTM", lstm), ("GRU", gru)])
def test_the_timed_call_is_the_fast_paths_forward_loss_gradient_and_backward(bench, cell, module):
    params, x, y = bench.make_problem(cell, (4, 3, 5, 2, 3), np.float64)
    grads = bench.make_rnn_lib(cell, params, x, y)()
    y_hat, cache = module.forward(params, x)
    expected = module.backward(params, cache, rnn_lib.loss_grad(y_hat, y))
    for name in expected:
        np.testing.assert_array_equal(grads[name], expected[name])


@pytest.mark.parametrize("G", [3, 4])
@pytest.mark.parametrize("shape", [(100, 32, 128, 32, 32), (3, 2, 7, 5, 11)])
def test_flop_counts_add_up_product_by_product(bench, shape, G):
    T, D, H, O, B = shape
    rows = T * B

    def product(m, k, n):  # (m, k) × (k, n)
        return 2 * m * k * n

    forward = product(rows, D, G * H) + T * product(B, H, G * H) + product(rows, H, O)  # x W_ihᵀ, h W_hhᵀ, read-out
    readout = product(O, rows, H) + product(rows, O, H)  # ∂L/∂W_hy, δ^y W_hy
    recurrence = T * product(B, G * H, H) + product(G * H, rows, H)  # δ^a W_hh step by step, ∂L/∂W_hh
    inputs = product(G * H, rows, D) + product(rows, G * H, D)  # ∂L/∂W_ih, ∂L/∂x
    assert bench.matmul_flops(shape, G) == forward + readout + recurrence + inputs
    assert bench.recurrence_flops(shape, G) == 2 * T * product(B, H, G * H)


def test_initial_states_are_those_of_each_cell(bench):
    assert set(bench.initial_states("LSTM", 2, 3, np.float64)) == {"h0", "c0"}
    assert set(bench.initial_states("GRU", 2, 3, np.float64)) == {"h0"}


def test_quick_run_without_torch_prints_both_tables(bench, capsys, monkeypatch):
    monkeypatch.setitem(bench.SHAPES, "c", (5, 3, 4, 2, 2))  # a tiny stand-in for shape c: a smoke test
    bench.main(["--quick", "--shapes", "c", "--dtypes", "float64", "--without-torch"])
    out = capsys.readouterr().out
    assert "PyTorch: skipped (--without-torch)." in out and "What bounds the ratios" in out
    rows = [line for line in out.splitlines() if line.startswith(("| LSTM", "| GRU"))]
    assert len(rows) == 4, out  # each cell once in the timing table and once in the table of bounds
    timing = rows[0].strip("|").split("|")
    assert len(timing) == 8 and timing[2].strip() == "float64" and timing[4].strip() == "—"
