"""Shared fixtures: the problem's model as a yardstick, a random-problem factory and a closeness check.

The yardstick ``reference_rnn`` comes in two versions, and every test that uses it runs with both:

- ``course``: the problem's procedure (its weight draws, its column-vector parameters, its (T, O, 1)
  outputs, plain SGD) around the course's readable BPTT, ``rnn_lib.reference``;
- ``problem``: the problem's own class, loaded from ``shared/seed/reference_rnn.py`` beside the
  repository (or from the file named by the environment variable RNN_COURSE_SEED); skipped, with the
  reason, where that file is not there (a learner's clone).
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import numpy as np
import pytest

from rnn_lib import reference
from rnn_lib.data import random_problem
from rnn_lib.parameters import PARAM_NAMES

SEED_FILE = Path(
    os.environ.get("RNN_COURSE_SEED", Path(__file__).resolve().parents[2] / "shared/seed/reference_rnn.py")
)


class CourseReferenceRNN:
    """The problem's SimpleRNN as a procedure, its BPTT from ``rnn_lib.reference``.

    Shapes: x (T, D), y (T, O); forward returns (T, O, 1).  h_0 = 0.
    """

    def __init__(self, input_size, hidden_size, output_size):
        # The problem's three draws from the global legacy RNG, in its order, then zero biases.
        self.W_xh = np.random.randn(hidden_size, input_size) * 0.01
        self.W_hh = np.random.randn(hidden_size, hidden_size) * 0.01
        self.W_hy = np.random.randn(output_size, hidden_size) * 0.01
        self.b_h = np.zeros((hidden_size, 1))
        self.b_y = np.zeros((output_size, 1))

    @property
    def params(self):
        return {name: getattr(self, name) for name in PARAM_NAMES}

    def forward(self, x):
        self.y_hat, self.cache = reference.forward(self.params, np.asarray(x, dtype=float))
        return self.y_hat[:, :, None]

    def gradients(self, x, y):
        """BPTT over the last forward pass; returns the five gradients by name."""
        grads = reference.backward(self.params, self.cache, reference.loss_grad(self.y_hat, y))
        return {name: grads[name] for name in PARAM_NAMES}

    def backward(self, x, y, learning_rate):
        """The problem's backward: gradients of the last forward pass, then one SGD step, in place."""
        for name, grad in self.gradients(x, y).items():
            getattr(self, name)[...] -= learning_rate * grad


def load_problem_class():
    """The class ``SimpleRNN`` of the problem's own file, or None when the file is not beside the repository."""
    if not SEED_FILE.is_file():
        return None
    spec = importlib.util.spec_from_file_location("problem_reference_rnn", SEED_FILE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.SimpleRNN


class ProblemFileRNN:
    """The problem's own class, with the two conveniences the tests use (``params``, ``gradients``)."""

    problem_class = None

    def __init__(self, input_size, hidden_size, output_size):
        self.model = self.problem_class(input_size, hidden_size, output_size)

    def __getattr__(self, name):
        return getattr(self.__dict__["model"], name)

    @property
    def params(self):
        return {name: getattr(self.model, name) for name in PARAM_NAMES}

    def forward(self, x):
        return self.model.forward(x)

    def gradients(self, x, y):
        """The gradients its backward applies: one step with η = 1 read off the weights, which are then restored."""
        before = {name: p.copy() for name, p in self.params.items()}
        self.model.backward(x, y, 1.0)
        grads = {name: before[name] - getattr(self.model, name) for name in PARAM_NAMES}
        for name in PARAM_NAMES:
            getattr(self.model, name)[...] = before[name]
        return grads

    def backward(self, x, y, learning_rate):
        self.model.backward(x, y, learning_rate)


def max_scaled_diff(actual, expected) -> float:
    """max |actual − expected| divided by max(1, max |expected|): an absolute error for O(1) numbers, relative beyond."""
    actual, expected = np.asarray(actual), np.asarray(expected)
    assert actual.shape == expected.shape, f"shape {actual.shape} != expected {expected.shape}"
    return float(np.max(np.abs(actual - expected)) / max(1.0, float(np.max(np.abs(expected)))))


@pytest.fixture(params=["course", "problem"])
def reference_rnn(request):
    """The yardstick class: the course's reference procedure, then the problem's own file (see the module docstring)."""
    if request.param == "course":
        return CourseReferenceRNN
    problem_class = load_problem_class()
    if problem_class is None:
        pytest.skip(f"the problem's reference file is not at {SEED_FILE} (set RNN_COURSE_SEED to its path)")
    return type("ProblemFileRNN", (ProblemFileRNN,), {"problem_class": staticmethod(problem_class)})


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
