"""What a notebook prints does not depend on the BLAS thread count or on the run.

A short notebook-like computation runs in fresh interpreters with OPENBLAS_NUM_THREADS=1 and =2
(and twice with the same setting); the rounded numbers it prints must be identical.  Rounded
printing is the course's rule (CONTRIBUTING.md): the thread count may change the last bits of a
matrix product, never the sixth decimal.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

# Train the problem's model on the problem's toy task, as a training notebook does, and run one
# batch big enough (H = 64, B = 32) that a threaded BLAS could split its matrix products.
SCRIPT = """
import numpy as np
import rnn_lib

x, y = rnn_lib.data.toy_task()
model = rnn_lib.SimpleRNN(1, 8, 1, rng=np.random.default_rng(0))
for epoch in range(200):
    model.forward(x)
    loss = model.backward(x, y, learning_rate=0.01)
    if epoch % 40 == 39:
        print(f"epoch {epoch + 1}: loss {loss:.6f}")
print("prediction", [f"{v:.6f}" for v in model.forward(x)[:, 0, 0]])

xb, yb = rnn_lib.data.sine_wave(32, T=40, rng=1)
params = rnn_lib.init_params(1, 64, 1, rng=np.random.default_rng(2), scale=0.3)
y_hat, cache = rnn_lib.forward(params, xb)
grads = rnn_lib.backward(params, cache, rnn_lib.loss_grad(y_hat, yb))
print(f"batch loss {rnn_lib.loss(y_hat, yb):.6f}")
for name in rnn_lib.PARAM_NAMES:
    print(f"|d{name}| {float(np.linalg.norm(grads[name])):.8g}")

# A product large enough that two BLAS threads change its last bits: rounding must hide that.
rng = np.random.default_rng(3)
product = rng.standard_normal((600, 300)) @ rng.standard_normal((300, 300))
print(f"sum of a large product {float(product.sum()):.6e}")
"""


def run(threads: int) -> str:
    env = {**os.environ, "OPENBLAS_NUM_THREADS": str(threads), "OMP_NUM_THREADS": str(threads)}
    env["MKL_NUM_THREADS"] = str(threads)
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0 and not done.stderr, f"script failed or warned:\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def one_thread_output():
    return run(1)


def test_the_script_prints_the_losses_it_is_meant_to(one_thread_output):
    # Guards the comparisons below against passing on empty or truncated output.
    lines = one_thread_output.splitlines()
    assert (
        len(lines) == 13 and lines[0].startswith("epoch 40: loss ") and lines[-1].startswith("sum of a large product ")
    )


def test_the_script_trains(one_thread_output):
    losses = [float(line.split()[-1]) for line in one_thread_output.splitlines() if line.startswith("epoch")]
    assert losses[-1] < losses[0]


def test_printed_values_are_the_same_with_one_and_two_blas_threads(one_thread_output):
    assert run(2) == one_thread_output


def test_printed_values_are_the_same_on_a_second_run(one_thread_output):
    assert run(1) == one_thread_output
