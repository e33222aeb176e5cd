"""Seeded data for the course's tasks, all time-major; ``rng`` is an int seed or a ``np.random.Generator``."""

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
    """The problem's example, x = [1, 2, 3, 4] → y = [2, 3, 4, 5]: ``(x, y)``, each (length, 1) float64."""
    length = check_size(length, "length")
    start = check_number(start, "start")
    x = np.arange(length, dtype=np.float64)[:, None] + start
    return x, x + 1.0


def counting_task(n_sequences, T=4, *, low=0, high=10, rng=0):
    """Counting sequences from random integer starts in [low, high): ``(x, y = x + 1)``, each (T, B, 1) float64."""
    B, T = _sequences(n_sequences, T, 4)
    low, high = check_integer(low, "low", None), check_integer(high, "high", None)
    if not low < high:
        raise ValueError(f"low must be below high (starts are drawn from [low, high)), got low = {low}, high = {high}")
    starts = as_generator(rng).integers(low, high, size=B)
    x = (starts[None, :] + np.arange(T)[:, None]).astype(np.float64)[:, :, None]
    return x, x + 1.0


def sine_wave(n_sequences, T=50, *, dt=0.1, freq_range=(0.5, 1.5), noise=0.0, rng=0):
    """Next-value prediction on s_b(k) = sin(2π f_b k dt + φ_b), random f_b and φ_b: input s_b(t) (+ noise), target
    s_b(t + 1).  Returns ``(x, y)``, each (T, B, 1) float64."""
    B, T = _sequences(n_sequences, T, 6)
    dt = check_positive(dt, "dt")
    if not (isinstance(freq_range, (tuple, list)) and len(freq_range) == 2):
        raise TypeError(f"freq_range must be a pair (low, high), got {freq_range!r}")
    f_low, f_high = (check_positive(f, "freq_range") for f in freq_range)
    if f_low > f_high:
        raise ValueError(f"freq_range must be (low, high) with low <= high, got {tuple(freq_range)}")
    noise = 0.0 if noise == 0 else check_positive(noise, "noise")
    g = as_generator(rng)
    freq, phase = g.uniform(f_low, f_high, size=B), g.uniform(0.0, 2 * np.pi, size=B)
    s = np.sin(2 * np.pi * freq[None, :] * np.arange(T + 1)[:, None] * dt + phase[None, :])  # s_b(k), k = 0 … T
    x = s[:-1] + noise * g.standard_normal((T, B)) if noise else s[:-1]
    return x[:, :, None], s[1:, :, None]


def adding_problem(n_sequences, T=20, *, rng=0):
    """The adding problem (as Le et al. 2015 state it): at the last step, the sum of the two values marked 1.

    Each step: a value uniform in [0, 1) and a marker, 1 at one random step of each half.  Predicting the mean, 1,
    has mean squared error 1/6.  Returns ``(x, y)`` with x (T, B, 2) and y (B, 1), float64."""
    B, T = _sequences(n_sequences, T, 6)
    if T < 2:
        raise ValueError(f"adding_problem needs T >= 2 (one marker in each half), got T = {T}")
    g = as_generator(rng)
    values, half = g.uniform(0.0, 1.0, size=(T, B)), T // 2
    first, second = g.integers(0, half, size=B), g.integers(half, T, size=B)
    markers, cols = np.zeros((T, B)), np.arange(B)
    markers[first, cols] = markers[second, cols] = 1.0
    x = np.stack([values, markers], axis=-1)
    y = (values[first, cols] + values[second, cols])[:, None]
    return x, y


def remember_first(n_sequences, T=20, *, rng=0):
    """At the last step, recall the sign (±1) that step 1 showed (marker 1), after T − 1 values uniform in [−1, 1).

    Predicting 0 has mean squared error 1.  Returns ``(x, y)`` with x (T, B, 2) (value, marker) and y (B, 1)."""
    B, T = _sequences(n_sequences, T, 6)
    if T < 2:
        raise ValueError(f"remember_first needs T >= 2 (a sign, then at least one step to hold it), got T = {T}")
    return remember_at(B, T, step=1, rng=rng)  # the same draws: the sign, then the distractors


def remember_at(n_sequences, T=20, *, step=None, rng=0):
    """:func:`remember_first` with the sign at ``step`` (1 … T − 1), or for ``step=None`` at a step drawn from
    2 … ⌊T/2⌋ per sequence: distractors come before it too, so a network cannot latch at step 1.

    Returns ``(x, y)`` with x (T, B, 2) and y (B, 1), float64."""
    B, T = _sequences(n_sequences, T, 6)
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
    """Signs x_t = ±1 and, at every step, y_t = x_{t−behind} + … + x_{t+ahead} (steps outside 1 … T count 0).

    Why (notebook 20): the answer depends on inputs still to come, by a known amount.  A left-to-right network
    can at best predict the unseen x_{t+1} … x_{t+ahead} by their mean, 0; a bidirectional one has read them.
    ``ahead=0`` is the control.  Returns ``(x, y)``, each (T, B, 1) float64, B = ``n_sequences``.
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


class Problem(NamedTuple):
    """A random RNN problem: params, x, y and a non-zero h0."""

    params: dict
    x: np.ndarray
    y: np.ndarray
    h0: np.ndarray


def random_problem(seed=0, T=5, D=3, H=4, O=2, B=None, *, scale=0.5) -> Problem:
    """Parameters (biases too) ~ scale·N(0, 1), x, y ~ N(0, 1), h0 ~ scale·N(0, 1), for gradient checks.

    B=None: x (T, D), y (T, O), h0 (H,); else x (T, B, D), y (T, B, O), h0 (B, H).  Returns a :class:`Problem`."""
    T, D, H, O = (check_size(v, n) for v, n in ((T, "T"), (D, "D"), (H, "H"), (O, "O")))
    B = None if B is None else check_size(B, "B")
    scale = check_positive(scale, "scale")
    n = sum(a * b for a, b in param_shapes(D, H, O).values()) + (T + 1) * (B or 1) * (D + O + H)
    check_memory(16 * n, f"a problem of T = {T}, D = {D}, H = {H}, O = {O}, B = {B}")
    rng = as_generator(seed)
    params = {name: scale * rng.standard_normal(shape) for name, shape in param_shapes(D, H, O).items()}
    lead = (T,) if B is None else (T, B)
    x, y = rng.standard_normal(lead + (D,)), rng.standard_normal(lead + (O,))
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
    """Strings of the embedded ("BT<reber>TE" or "BP<reber>PE") or plain Reber grammar, with the legal next symbols.

    Returns ``(strings, legal)``, two lists; ``legal[i][k]`` holds the symbols (in REBER_SYMBOLS order) allowed
    right after ``strings[i][: k + 1]``, "" after the final E."""
    n = check_size(n_strings, "n_strings")
    check_memory(1000 * n, f"{n} strings (n_strings) with their legal sets")
    if not isinstance(embedded, bool):
        raise TypeError(f"embedded must be True or False, got {embedded!r}")
    gen = as_generator(rng)
    strings, legal = [], []
    for _ in range(n):
        string, allowed = _reber(gen)
        if embedded:
            outer = "TP"[gen.integers(2)]
            string, allowed = "B" + outer + string + outer + "E", ["TP", "B", *allowed[:-1], outer, "E", ""]
        strings.append(string)
        legal.append(allowed)
    return strings, legal


# Tokens of reversal_task: padding, begin and end of a target, then the digits 0 … 9 as 3 … 12.
PAD, BOS, EOS, DIGIT_0 = 0, 1, 2, 3
REVERSAL_V = 13


class TokenPairs(NamedTuple):
    """src (S, B) and tgt (T, B) int64 tokens, padded with PAD at the end; lengths (B,) of the sources."""

    src: np.ndarray
    tgt: np.ndarray
    lengths: np.ndarray


def reversal_task(n_sequences, min_length=1, max_length=10, *, rng=0) -> TokenPairs:
    """Digit strings of lengths uniform in min_length … max_length, and the same digits reversed.

    src (S = max_length, B): the digits (tokens DIGIT_0 + d) then PAD; tgt (max_length + 1, B): the reversed digits,
    EOS, then PAD.  Returns :class:`TokenPairs`."""
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
