"""The language-model benchmark (``make bench``) stays runnable and measures the step it says it measures.

No timing is asserted here; these tests check the step's arithmetic, the problem it builds and a quick run's table.
"""

import importlib.util
import pathlib
import sys

import numpy as np
import pytest

import rnn_lib
from rnn_lib import gated, lstm
from rnn_lib.losses import softmax_cross_entropy

BENCH = pathlib.Path(__file__).resolve().parents[1] / "benchmarks" / "bench_lm.py"


@pytest.fixture(scope="module")
def bench():
    sys.path.insert(0, str(BENCH.parent))  # bench_lm imports its helpers from bench_bptt, beside it
    try:
        spec = importlib.util.spec_from_file_location("bench_lm", BENCH)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(BENCH.parent))
    return module


def test_the_problem_is_one_hot_characters_and_next_character_targets(bench):
    params, x, y = bench.make_problem(np.float32, size=(6, 3, 8))
    assert x.shape == (6, 3, bench.V) and x.dtype == np.float32 and y.shape == (6, 3)
    np.testing.assert_array_equal(x.sum(axis=-1), 1.0)
    assert params["W_hh"].shape == (8, 8) and params["W_xh"].shape == (8, bench.V)


def test_a_step_is_forward_cross_entropy_bptt_and_one_adam_update(bench):
    params, x, y = bench.make_problem(np.float64, size=(5, 2, 7))
    start = {k: v.copy() for k, v in params.items()}
    loss, grads = bench.make_rnn_lib(params, x, y)()
    logits, cache = rnn_lib.forward(start, x)
    expected_loss, dlogits = softmax_cross_entropy(logits, y)
    expected = rnn_lib.backward(start, cache, dlogits)
    assert loss == pytest.approx(expected_loss, rel=1e-14)
    for k in rnn_lib.PARAM_NAMES:
        np.testing.assert_allclose(grads[k], expected[k], rtol=1e-13, atol=1e-15)
        # Adam's first step moves every entry by lr·g/(|g| + ε), against the gradient.
        step = bench.LR * expected[k] / (np.abs(expected[k]) + 1e-8)
        np.testing.assert_allclose(params[k], start[k] - step, rtol=1e-12, atol=1e-15)


def test_an_lstm_step_is_its_forward_cross_entropy_bptt_and_one_adam_update(bench):
    params, x, y = bench.make_problem(np.float64, size=(5, 2, 3), cell="LSTM")
    assert set(params) == set(gated.PARAM_NAMES) and params["W_ih"].shape == (12, bench.V)
    start = {k: v.copy() for k, v in params.items()}
    loss, grads = bench.make_rnn_lib(params, x, y, "LSTM")()
    logits, cache = lstm.forward(start, x)
    expected_loss, dlogits = softmax_cross_entropy(logits, y)
    expected = lstm.backward(start, cache, dlogits)
    assert loss == pytest.approx(expected_loss, rel=1e-14)
    for k in gated.PARAM_NAMES:
        step = bench.LR * expected[k] / (np.abs(expected[k]) + 1e-8)
        np.testing.assert_allclose(params[k], start[k] - step, rtol=1e-12, atol=1e-15)


def test_repeated_steps_on_one_batch_lower_its_loss_every_time(bench):
    step = bench.make_rnn_lib(*bench.make_problem(np.float64, size=(8, 4, 16)))
    losses = [step()[0] for _ in range(20)]
    assert np.all(np.diff(losses) < 0)


def test_characters_per_second_is_T_times_B_over_the_step_time(bench):
    assert bench.chars_per_second(0.5, size=(64, 32, 256)) == 4096.0


def test_quick_run_prints_the_table(bench, capsys):
    bench.main(["--quick", "--without-torch", "--size", "4,2,8"])
    out = capsys.readouterr().out
    assert "PyTorch: skipped (--without-torch)." in out
    rows = [line.split("|") for line in out.splitlines() if line.startswith(("| RNN", "| LSTM"))]
    assert [(row[1].strip(), row[2].strip()) for row in rows] == [
        ("RNN", "float32"),
        ("RNN", "float64"),
        ("LSTM", "float32"),
        ("LSTM", "float64"),
    ]
    assert all(row[4].strip() == "—" for row in rows)
