"""Shared fixtures: the problem's reference loop, a random-problem factory and a closeness check.

The reference lives here, inside the test suite, so the tests need nothing outside the repository.
It is the problem's ``SimpleRNN`` written the problem's way: column vectors (n, 1), ``np.dot``,
one step at a time, the weights drawn from the global RNG in the order W_xh, W_hh, W_hy.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pytest


class ReferenceRNN:
    """The problem's model as a plain per-step loop; the yardstick for ``rnn_lib.SimpleRNN``.

    Shapes: x (T, D), y (T, O); forward returns (T, O, 1).  h_0 = 0.
    """

    def __init__(self, input_size, hidden_size, output_size):
        self.hidden_size = hidden_size
        # Three draws from the global legacy RNG, in this order, then zero biases.
        self.W_xh = np.random.randn(hidden_size, input_size) * 0.01
        self.W_hh = np.random.randn(hidden_size, hidden_size) * 0.01
        self.W_hy = np.random.randn(output_size, hidden_size) * 0.01
        self.b_h = np.zeros((hidden_size, 1))
        self.b_y = np.zeros((output_size, 1))

    @property
    def params(self):
        return {"W_xh": self.W_xh, "W_hh": self.W_hh, "W_hy": self.W_hy, "b_h": self.b_h, "b_y": self.b_y}

    def forward(self, x):
        h = np.zeros((self.hidden_size, 1))
        self.inputs, self.hiddens, self.outputs = [], [h], []
        for t in range(len(x)):
            x_t = x[t].reshape(-1, 1)
            h = np.tanh(np.dot(self.W_xh, x_t) + np.dot(self.W_hh, h) + self.b_h)
            y_t = np.dot(self.W_hy, h) + self.b_y
            self.inputs.append(x_t)
            self.hiddens.append(h)  # hiddens[t + 1] is h_t, hiddens[0] is h_0
            self.outputs.append(y_t)
        return np.array(self.outputs)

    def gradients(self, x, y):
        """BPTT over the last forward pass; returns the five gradients by name."""
        g = {name: np.zeros_like(p) for name, p in self.params.items()}
        dh_next = np.zeros((self.hidden_size, 1))
        for t in reversed(range(len(x))):
            dy = self.outputs[t] - y[t].reshape(-1, 1)
            g["W_hy"] += np.dot(dy, self.hiddens[t + 1].T)
            g["b_y"] += dy
            dh = np.dot(self.W_hy.T, dy) + dh_next
            dh_raw = (1 - self.hiddens[t + 1] ** 2) * dh
            g["W_xh"] += np.dot(dh_raw, self.inputs[t].T)
            g["W_hh"] += np.dot(dh_raw, self.hiddens[t].T)
            g["b_h"] += dh_raw
            dh_next = np.dot(self.W_hh.T, dh_raw)
        return g

    def backward(self, x, y, learning_rate):
        """The problem's backward: gradients of the last forward pass, then one SGD step."""
        for name, grad in self.gradients(x, y).items():
            getattr(self, name)[...] -= learning_rate * grad


class Problem(NamedTuple):
    """A random RNN problem: params (float64, scale ~0.5), inputs x, targets y, non-zero h0."""

    params: dict
    x: np.ndarray
    y: np.ndarray
    h0: np.ndarray


def random_problem(seed, T, D, H, O, B=None, *, scale=0.5):
    """Weights of size ``scale`` (so tanh is far from linear), x and y ~ N(0, 1), h0 non-zero.

    B=None gives one sequence: x (T, D), y (T, O), h0 (H,); otherwise x (T, B, D), y (T, B, O), h0 (B, H).
    """
    rng = np.random.default_rng(seed)
    shapes = {"W_xh": (H, D), "W_hh": (H, H), "W_hy": (O, H), "b_h": (H, 1), "b_y": (O, 1)}
    params = {name: scale * rng.standard_normal(shape) for name, shape in shapes.items()}
    lead = (T,) if B is None else (T, B)
    x = rng.standard_normal(lead + (D,))
    y = rng.standard_normal(lead + (O,))
    h0 = scale * rng.standard_normal((H,) if B is None else (B, H))
    return Problem(params, x, y, h0)


def max_scaled_diff(actual, expected) -> float:
    """max |actual − expected| divided by max(1, max |expected|): an absolute error for O(1) numbers, relative beyond."""
    actual, expected = np.asarray(actual), np.asarray(expected)
    assert actual.shape == expected.shape, f"shape {actual.shape} != expected {expected.shape}"
    return float(np.max(np.abs(actual - expected)) / max(1.0, float(np.max(np.abs(expected)))))


@pytest.fixture
def reference_rnn():
    """The class :class:`ReferenceRNN` (the problem's per-step loop)."""
    return ReferenceRNN


@pytest.fixture
def make_problem():
    """The factory :func:`random_problem`."""
    return random_problem


@pytest.fixture
def assert_close():
    """``assert_close(actual, expected, tol)``: shapes equal and max scaled difference <= tol."""

    def check(actual, expected, tol=1e-12):
        diff = max_scaled_diff(actual, expected)
        assert diff <= tol, f"max scaled difference {diff:.2e} exceeds {tol:.0e}"

    return check
