"""Seeded data for the course's tasks, all time-major.

- :func:`toy_task`: the problem's own example, [1, 2, 3, 4] → [2, 3, 4, 5].
- :func:`counting_task`: a batch of such "predict the next integer" sequences.
- :func:`sine_wave`: predict the next value of a sine wave.
- :func:`adding_problem`: add the two marked numbers (a simplified form of Hochreiter & Schmidhuber's task).
- :func:`remember_first`: recall the sign given at the first step, after T − 1 distracting values.
- :func:`remember_at`: the same with the sign at a later (or a random) step, distractors before and after it.
- :func:`window_sum`: at every step, the sum of the inputs in a window reaching ``ahead`` steps into the future.
- :func:`random_problem`: random parameters, inputs and targets, for gradient checks.
- :func:`reber_strings`: the (embedded) Reber grammar, with the set of legal next symbols at every position.
- :func:`reversal_task`: digit strings of different lengths and the same digits reversed (the encoder–decoder's).

``rng`` may be an int seed or a ``np.random.Generator``; the same seed always
gives the same arrays.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .parameters import param_shapes
from .validation import as_generator, check_integer, check_memory, check_number, check_positive, check_size


def _sequences(n_sequences, T, numbers_per_step: int) -> tuple[int, int]:
    """(B, T) checked, and refused before any draw when the arrays would not fit in memory."""
    B, T = check_size(n_sequences, "n_sequences"), check_size(T, "T")
    check_memory(8 * numbers_per_step * T * B, f"{B} sequences (n_sequences) of T = {T} steps")
    return B, T


def toy_task(start=1, length=4):
    """The problem's example: x = [1, 2, 3, 4], y = [2, 3, 4, 5] (each the next integer).

    Returns ``(x, y)``, each (T, 1) float64 with T = ``length``.
    """
    length = check_size(length, "length")
    start = check_number(start, "start")
    x = np.arange(length, dtype=np.float64)[:, None] + start
    return x, x + 1.0


def counting_task(n_sequences, T=4, *, low=0, high=10, rng=0):
    """A batch of counting sequences with random integer starts in [low, high).

    Returns ``(x, y)``, each (T, B, 1) float64 with B = ``n_sequences``; y = x + 1.
    """
    B, T = _sequences(n_sequences, T, 4)
    low, high = check_size_range(low, high)
    starts = as_generator(rng).integers(low, high, size=B)
    x = (starts[None, :] + np.arange(T)[:, None]).astype(np.float64)[:, :, None]
    return x, x + 1.0


def sine_wave(n_sequences, T=50, *, dt=0.1, freq_range=(0.5, 1.5), noise=0.0, rng=0):
    """Next-value prediction on sine waves with random phase and frequency.

    Sequence b samples s_b(k) = sin(2π f_b k dt + φ_b) for k = 0..T; the input at
    step t is s_b(t) (plus optional Gaussian noise), the target is s_b(t + 1).

    Returns ``(x, y)``, each (T, B, 1) float64 with B = ``n_sequences``.
    """
    B, T = _sequences(n_sequences, T, 6)
    dt = check_positive(dt, "dt")
    f_low, f_high = check_frequency_range(freq_range)
    noise = 0.0 if noise == 0 else check_positive(noise, "noise")
    g = as_generator(rng)
    freq = g.uniform(f_low, f_high, size=B)
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
    B, T = _sequences(n_sequences, T, 6)
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


def remember_first(n_sequences, T=20, *, rng=0):
    """A pure memory task: at the last step, recall the sign (+1 or −1) that the first step showed.

    The inputs have the adding problem's two channels: a value and a marker.  Step 1 carries the sign to
    remember as its value, with marker 1; steps 2 … T carry distracting values uniform in [−1, 1), with marker 0.
    Only the last step has a target, the sign itself, so the information lies exactly T − 1 steps back in every
    sequence, and nothing nearer helps.  Predicting the signs' mean, 0, has mean squared error 1: the baseline.

    Returns ``(x, y)`` with x (T, B, 2) and y (B, 1), float64.
    """
    B, T = _sequences(n_sequences, T, 6)
    if T < 2:
        raise ValueError(f"remember_first needs T >= 2 (a sign, then at least one step to hold it), got T = {T}")
    g = as_generator(rng)
    sign = g.choice([-1.0, 1.0], size=B)
    values = g.uniform(-1.0, 1.0, size=(T, B))
    values[0] = sign
    markers = np.zeros((T, B))
    markers[0] = 1.0
    return np.stack([values, markers], axis=-1), sign[:, None]


def remember_at(n_sequences, T=20, *, step=None, rng=0):
    """The memory task with the sign anywhere: at the last step, recall the sign (+1 or −1) shown at a marked step.

    Like :func:`remember_first`, but the sign and its marker 1 sit at ``step`` (1 … T − 1, the same in every
    sequence) or, with ``step=None``, at a step drawn for each sequence uniformly from 2 … ⌊T/2⌋, so that the
    information lies between T − ⌊T/2⌋ and T − 2 steps back and the network has seen distractors before it.
    Every other step carries a distracting value uniform in [−1, 1) with marker 0.  Only the last step has a
    target, the sign; predicting 0 has mean squared error 1.  Why it differs from :func:`remember_first`: there,
    the state before the sign is always h_0, so a network can fall into one of two states at step 1 and stay
    there (latching); here it must notice the marked step among steps it has to ignore.

    Returns ``(x, y)`` with x (T, B, 2) and y (B, 1), float64.
    """
    B, T = check_size(n_sequences, "n_sequences"), check_size(T, "T")
    if step is None:
        if T < 4:
            raise ValueError(f"remember_at with a random step needs T >= 4 (steps 2 … T/2 to choose from), got T = {T}")
    else:
        if isinstance(step, bool) or not isinstance(step, (int, np.integer)):
            raise TypeError(f"step must be None or an int in 1 … T − 1, got {step!r} ({type(step).__name__})")
        if not 1 <= step <= T - 1:
            raise ValueError(f"step must be in 1 … T − 1 = {T - 1} (a sign, then a step to hold it), got {step}")
    g = as_generator(rng)
    sign = g.choice([-1.0, 1.0], size=B)
    values = g.uniform(-1.0, 1.0, size=(T, B))
    where = g.integers(1, T // 2, size=B) if step is None else np.full(B, int(step) - 1)  # row index = step − 1
    cols = np.arange(B)
    values[where, cols] = sign
    markers = np.zeros((T, B))
    markers[where, cols] = 1.0
    return np.stack([values, markers], axis=-1), sign[:, None]


def window_sum(n_sequences, T=20, *, behind=2, ahead=2, rng=0):
    """At every step t, the sum of the inputs from ``behind`` steps back to ``ahead`` steps ahead.

    The inputs are random signs, x_t = ±1 with probability ½ each; the target at step t is
    y_t = x_{t−behind} + … + x_t + … + x_{t+ahead}, where a step outside 1 … T counts as 0.

    Why this task (notebook 20): the answer at step t depends on what comes *later* in the sequence, and by
    exactly how much is known.  A network that reads left to right (one layer or several) has not seen
    x_{t+1} … x_{t+ahead} when it must answer at step t; the best it can do is predict them by their mean, 0,
    and its squared error is then the number of those future steps that exist.  A bidirectional network has seen
    them.  With ``ahead=0`` the task needs only the past, the control where reading backwards should not help.
    The target is linear in the inputs, so one tanh layer can represent it: the task asks *where* a network may
    look, not *how much* it can compute.

    Returns ``(x, y)``, each (T, B, 1) float64 with B = ``n_sequences``.
    """
    B, T = _sequences(n_sequences, T, 3)
    behind, ahead = check_integer(behind, "behind", 0), check_integer(ahead, "ahead", 0)
    if behind > T - 1 or ahead > T - 1:
        raise ValueError(
            f"behind and ahead must be at most T − 1 = {T - 1} (a window inside the sequence), got behind = "
            f"{behind}, ahead = {ahead}"
        )
    x = as_generator(rng).choice([-1.0, 1.0], size=(T, B))
    padded = np.concatenate([np.zeros((behind, B)), x, np.zeros((ahead, B))])
    y = sum(padded[j : j + T] for j in range(behind + ahead + 1))  # row t − 1 of padded[j:] is x_{t − behind + j}
    return x[:, :, None], y[:, :, None]


def check_size_range(low, high) -> tuple[int, int]:
    """Two integers with low < high, for ``integers(low, high)``."""
    low, high = check_integer(low, "low", None), check_integer(high, "high", None)
    if not low < high:
        raise ValueError(f"low must be below high (starts are drawn from [low, high)), got low = {low}, high = {high}")
    return low, high


def check_frequency_range(freq_range) -> tuple[float, float]:
    """(low, high) frequencies, finite, positive, low <= high."""
    if not (isinstance(freq_range, (tuple, list)) and len(freq_range) == 2):
        raise TypeError(f"freq_range must be a pair (low, high), got {freq_range!r}")
    low, high = (check_positive(f, "freq_range") for f in freq_range)
    if low > high:
        raise ValueError(f"freq_range must be (low, high) with low <= high, got {tuple(freq_range)}")
    return low, high


class Problem(NamedTuple):
    """A random RNN problem: params (float64), inputs x, targets y, and a non-zero initial state h0."""

    params: dict
    x: np.ndarray
    y: np.ndarray
    h0: np.ndarray


def random_problem(seed=0, T=5, D=3, H=4, O=2, B=None, *, scale=0.5) -> Problem:
    """Every parameter (biases too) ~ scale·N(0, 1), then x, y ~ N(0, 1), then h0 ~ scale·N(0, 1).

    Weights of size 0.5 keep tanh away from its linear part, so bugs in tanh′ show in a gradient
    check.  B=None gives one sequence: x (T, D), y (T, O), h0 (H,); otherwise x (T, B, D),
    y (T, B, O), h0 (B, H).  Notebook 06's gallery and the tests draw their problems here.
    """
    T, D, H, O = (check_size(v, n) for v, n in ((T, "T"), (D, "D"), (H, "H"), (O, "O")))
    B = None if B is None else check_size(B, "B")
    scale = check_positive(scale, "scale")
    n = sum(a * b for a, b in param_shapes(D, H, O).values()) + (T + 1) * (B or 1) * (D + O + H)
    check_memory(16 * n, f"a problem of T = {T}, D = {D}, H = {H}, O = {O}, B = {B}")
    rng = as_generator(seed)
    params = {name: scale * rng.standard_normal(shape) for name, shape in param_shapes(D, H, O).items()}
    lead = (T,) if B is None else (T, B)
    x = rng.standard_normal(lead + (D,))
    y = rng.standard_normal(lead + (O,))
    h0 = scale * rng.standard_normal((H,) if B is None else (B, H))
    return Problem(params, x, y, h0)


# The Reber grammar (Reber 1967), as used for recurrent networks by Cleeremans, Servan-Schreiber & McClelland
# (1989) and Hochreiter & Schmidhuber (1997): after B, walk the graph from state 0 to the end, choosing each of the
# two arrows out of a state with probability ½, then write E.  state → ((symbol, next state), ...)
REBER_SYMBOLS = "BTSXPVE"
REBER_GRAPH = {
    0: (("T", 1), ("P", 2)),
    1: (("S", 1), ("X", 3)),
    2: (("T", 2), ("V", 4)),
    3: (("X", 2), ("S", 5)),
    4: (("P", 3), ("V", 5)),
    5: (),  # the end: only E may follow
}


def _legal(symbols) -> str:
    """A set of symbols written as a string in REBER_SYMBOLS order."""
    return "".join(c for c in REBER_SYMBOLS if c in symbols)


def _reber(gen):
    """One Reber string B … E and, after each of its symbols, the symbols that may come next."""
    state, string, legal = 0, ["B"], [_legal("TP")]
    while REBER_GRAPH[state]:
        symbol, state = REBER_GRAPH[state][gen.integers(2)]
        string.append(symbol)
        legal.append(_legal({s for s, _ in REBER_GRAPH[state]}) or "E")
    string.append("E")
    legal.append("")
    return "".join(string), legal


def reber_strings(n_strings, *, embedded=True, rng=0):
    """Strings of the embedded Reber grammar (or the plain one), with the legal next symbols at every position.

    Embedded: B, then T or P (probability ½ each), then a Reber string, then the same T or P again, then E:
    "BT<reber>TE" or "BP<reber>PE".  The second-to-last symbol can only be predicted by remembering the second,
    across the whole inner string: the long-range dependency.

    Returns ``(strings, legal)``: two lists of length ``n_strings``; ``legal[i][k]`` is the string of symbols
    (in REBER_SYMBOLS = "BTSXPVE" order) that the grammar allows right after ``strings[i][: k + 1]``; after the
    final E it is "".  Exactly one symbol is legal after the inner E: the one chosen at position 2.
    """
    n = check_size(n_strings, "n_strings")
    check_memory(1000 * n, f"{n} strings (n_strings) with their legal sets")
    if not isinstance(embedded, bool):
        raise TypeError(f"embedded must be True or False, got {embedded!r}")
    gen = as_generator(rng)
    strings, legal = [], []
    for _ in range(n):
        inner, inner_legal = _reber(gen)
        if not embedded:
            strings.append(inner)
            legal.append(inner_legal)
            continue
        outer = "TP"[gen.integers(2)]
        strings.append("B" + outer + inner + outer + "E")
        legal.append(["TP", "B", *inner_legal[:-1], outer, "E", ""])
    return strings, legal


# Tokens of reversal_task: padding, begin and end of a target, then the digits 0 … 9 as 3 … 12.
PAD, BOS, EOS, DIGIT_0 = 0, 1, 2, 3
REVERSAL_V = 13


class TokenPairs(NamedTuple):
    """A batch for an encoder–decoder: src (S, B) and tgt (T, B) int64 tokens, time-major, padded with PAD at
    the end; lengths (B,) the number of digits of each source.  ``src != PAD`` is the sources' mask."""

    src: np.ndarray
    tgt: np.ndarray
    lengths: np.ndarray


def reversal_task(n_sequences, min_length=1, max_length=10, *, rng=0) -> TokenPairs:
    """Strings of random digits, of lengths uniform in min_length … max_length, and the same digits reversed.

    Why reversal for the encoder–decoder: the answer is known and exact, and every output digit is one input
    digit, so a mistake is never arithmetic.  Without attention, the whole string must pass through the encoder's
    last state, a fixed H numbers, and the information to carry grows with the length (log2 10 ≈ 3.3 bits per
    digit), while the last output needs the first input, across the whole sequence twice: the bottleneck shows as
    the strings grow, at a budget of minutes.  With attention each output digit sits at one position of the
    source, the anti-diagonal of the attention map.  (Sorting and adding mix the bottleneck with counting and
    carries; normalised dates have outputs of one length whatever the input.)

    Padding: src (S = max_length, B) holds the digits (tokens DIGIT_0 + d) then PAD; tgt (T = max_length + 1, B)
    the reversed digits, EOS, then PAD.  The decoder is fed BOS then tgt[:-1] (teacher forcing).
    Returns :class:`TokenPairs`.
    """
    B = check_size(n_sequences, "n_sequences")
    low, high = check_size(min_length, "min_length"), check_size(max_length, "max_length")
    if high < low:
        raise ValueError(f"max_length must be at least min_length, got min_length = {low}, max_length = {high}")
    gen = as_generator(rng)
    lengths = gen.integers(low, high + 1, size=B)
    digits = gen.integers(0, 10, size=(high, B)) + DIGIT_0
    steps = np.arange(high + 1)[:, None]
    src = np.where(steps[:-1] < lengths, digits, PAD)
    reversed_digits = np.take_along_axis(digits, np.clip(lengths - 1 - steps, 0, high - 1), axis=0)
    tgt = np.where(steps < lengths, reversed_digits, np.where(steps == lengths, EOS, PAD))
    return TokenPairs(src.astype(np.int64), tgt.astype(np.int64), lengths.astype(np.int64))
