"""Seeded data for the course's tasks, all time-major.

- :func:`toy_task`: the problem's own example, [1, 2, 3, 4] → [2, 3, 4, 5].
- :func:`counting_task`: a batch of such "predict the next integer" sequences.
- :func:`sine_wave`: predict the next value of a sine wave.
- :func:`adding_problem`: add the two marked numbers (a simplified form of Hochreiter & Schmidhuber's task).

``rng`` may be an int seed or a ``np.random.Generator``; the same seed always
gives the same arrays.
"""

from __future__ import annotations

import numpy as np

from .validation import as_generator, check_size


def toy_task(start=1, length=4):
    """The problem's example: x = [1, 2, 3, 4], y = [2, 3, 4, 5] (each the next integer).

    Returns ``(x, y)``, each (T, 1) float64 with T = ``length``.
    """
    length = check_size(length, "length")
    x = np.arange(start, start + length, dtype=np.float64)[:, None]
    return x, x + 1.0


def counting_task(n_sequences, T=4, *, low=0, high=10, rng=0):
    """A batch of counting sequences with random integer starts in [low, high).

    Returns ``(x, y)``, each (T, B, 1) float64 with B = ``n_sequences``; y = x + 1.
    """
    B, T = check_size(n_sequences, "n_sequences"), check_size(T, "T")
    starts = as_generator(rng).integers(low, high, size=B)
    x = (starts[None, :] + np.arange(T)[:, None]).astype(np.float64)[:, :, None]
    return x, x + 1.0


def sine_wave(n_sequences, T=50, *, dt=0.1, freq_range=(0.5, 1.5), noise=0.0, rng=0):
    """Next-value prediction on sine waves with random phase and frequency.

    Sequence b samples s_b(k) = sin(2π f_b k dt + φ_b) for k = 0..T; the input at
    step t is s_b(t) (plus optional Gaussian noise), the target is s_b(t + 1).

    Returns ``(x, y)``, each (T, B, 1) float64 with B = ``n_sequences``.
    """
    B, T = check_size(n_sequences, "n_sequences"), check_size(T, "T")
    g = as_generator(rng)
    freq = g.uniform(*freq_range, size=B)
    phase = g.uniform(0.0, 2 * np.pi, size=B)
    k = np.arange(T + 1)[:, None]
    s = np.sin(2 * np.pi * freq[None, :] * k * dt + phase[None, :])
    x = s[:-1] + noise * g.standard_normal((T, B)) if noise else s[:-1]
    return x[:, :, None], s[1:, :, None]


def adding_problem(n_sequences, T=20, *, rng=0):
    """The adding problem, in this course's convention: sum the two numbers whose marker is 1.

    Each step has two inputs: a value uniform in [0, 1) and a marker in {0, 1}; exactly two markers
    per sequence are 1, one at a uniformly random step of the first half (steps 1 … ⌊T/2⌋) and one in
    the second half.  Every sequence has exactly T steps.  Only the last step has a target: the plain
    sum of the two marked values, so predicting its mean, 1, has mean squared error 1/6.

    This is a simplified form of Hochreiter & Schmidhuber's (1997) task, whose values are in [−1, 1],
    whose first marker is in the first 10 steps and second in the first T/2 − 1, whose first and last
    steps carry a marker −1, whose length varies between T and 1.1 T, and whose target is
    0.5 + (X1 + X2)/4.  Later papers (Le, Jaitly & Hinton 2015 among them) use values in [0, 1] and
    the plain sum, as here.

    Returns ``(x, y)`` with x (T, B, 2) and y (B, 1), float64.
    """
    B, T = check_size(n_sequences, "n_sequences"), check_size(T, "T")
    if T < 2:
        raise ValueError(f"adding_problem needs T >= 2 (one marker in each half), got T = {T}")
    g = as_generator(rng)
    values = g.uniform(0.0, 1.0, size=(T, B))
    half = T // 2
    first = g.integers(0, half, size=B)
    second = g.integers(half, T, size=B)
    markers = np.zeros((T, B))
    cols = np.arange(B)
    markers[first, cols] = 1.0
    markers[second, cols] = 1.0
    x = np.stack([values, markers], axis=-1)
    y = (values[first, cols] + values[second, cols])[:, None]
    return x, y
