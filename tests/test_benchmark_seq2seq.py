"""The encoder–decoder benchmark (``make bench``) stays runnable and times the step it says it times.

No timing is asserted here; these tests check the step's arithmetic, the problem it builds, its PyTorch twin
(when torch is installed) and a quick run's table.
"""

import importlib.util
import pathlib
import sys

import numpy as np
import pytest

from rnn_lib import data, seq2seq

BENCH = pathlib.Path(__file__).resolve().parents[1] / "benchmarks" / "bench_seq2seq.py"


@pytest.fixture(scope="module")
def bench():
    sys.path.insert(0, str(BENCH.parent))  # bench_seq2seq imports its helpers from bench_bptt and bench_lm
    try:
        spec = importlib.util.spec_from_file_location("bench_seq2seq", BENCH)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(BENCH.parent))
    return module


def test_the_problem_is_padded_sources_and_targets_ending_in_eos(bench):
    params, src, tgt = bench.make_problem(np.float32, "dot", size=(6, 5, 8))
    assert src.shape == tgt.shape == (6, 5) and params["W_out"].dtype == np.float32
    lengths = (src != data.PAD).sum(axis=0)
    assert np.all(tgt[lengths - 1, np.arange(5)] == data.EOS) and np.all(lengths >= 3)
    assert params["W_out"].shape == (bench.V, 16)


@pytest.mark.parametrize("kind", ["additive", "dot"])
def test_a_step_is_forward_masked_cross_entropy_backward_and_one_adam_update(bench, kind):
    params, src, tgt = bench.make_problem(np.float64, kind, size=(5, 3, 6))
    start = {k: v.copy() for k, v in params.items()}
    loss, grads = bench.make_rnn_lib(params, src, tgt, kind)()
    logits, cache = seq2seq.forward(start, src, tgt, kind)
    expected_loss, dlogits = seq2seq.loss(logits, tgt)
    expected = seq2seq.backward(start, cache, dlogits)
    assert loss == pytest.approx(expected_loss, rel=1e-14)
    for k in params:
        np.testing.assert_allclose(grads[k], expected[k], rtol=1e-13, atol=1e-15)
        step = bench.LR * expected[k] / (np.abs(expected[k]) + 1e-8)  # Adam's first step
        np.testing.assert_allclose(params[k], start[k] - step, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("kind", ["additive", "dot"])
def test_pytorch_computes_the_same_step(bench, kind):
    torch = pytest.importorskip("torch", reason="PyTorch is optional: pip install torch (CPU)")
    diff = bench.compare(torch, np.float64, kind, (5, 3, 6))
    assert diff["loss"] < 1e-12 and diff["gradients"] < 1e-10 and diff["weights"] < 1e-10, diff


def test_quick_run_prints_the_table(bench, capsys):
    bench.main(["--quick", "--without-torch", "--size", "4,2,8"])
    out = capsys.readouterr().out
    assert "PyTorch: skipped (--without-torch)." in out
    rows = [line.split("|") for line in out.splitlines() if line.startswith(("| additive", "| dot"))]
    assert [(row[1].strip(), row[2].strip()) for row in rows] == [
        ("additive", "float32"),
        ("additive", "float64"),
        ("dot", "float32"),
        ("dot", "float64"),
    ]
    assert all(row[4].strip() == "—" for row in rows)
