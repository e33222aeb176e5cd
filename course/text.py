"""Text for a character-level language model: vocabulary, one-hot inputs, streams, sampling, perplexity.

A text becomes integer indices (:meth:`Vocabulary.encode`); the RNN reads them one-hot (D = V) and its
read-out gives logits for the next character (O = V), scored by ``rnn_lib.losses.softmax_cross_entropy``::

    vocab = Vocabulary(text)                        # V distinct characters, sorted
    inputs, targets = next_character_streams(vocab.encode(text), n_streams=B)   # (T, B) each, targets[t] = inputs[t + 1]
    x = one_hot(inputs, vocab.size)                  # (T, B, V)

The corpus that ships with the course, :func:`load_corpus`, is the course's own prose (see
``course/corpora/README.md`` for where it comes from and its licence).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from rnn_lib.cells import check_cell
from rnn_lib.losses import check_class_targets, one_hot, softmax_cross_entropy
from rnn_lib.validation import (
    as_float_array,
    as_generator,
    check_memory,
    check_number,
    check_size,
    describe,
)

CORPORA = Path(__file__).resolve().parent / "corpora"


def load_corpus(name: str = "course_prose") -> str:
    """The text of a corpus shipped in ``course/corpora`` (``"course_prose"``: ~125 000 characters, 114 distinct)."""
    available = sorted(p.stem for p in CORPORA.glob("*.txt"))
    if name not in available:
        raise ValueError(f"no corpus named {name!r}; available: {', '.join(available)}")
    return (CORPORA / f"{name}.txt").read_text(encoding="utf-8")


class Vocabulary:
    """The distinct characters of a text, sorted, each with its index 0 … V − 1.

    ``encode(text)`` → int64 array (len(text),); ``decode(indices)`` → str; ``size`` = V.
    """

    def __init__(self, text):
        if not isinstance(text, str):
            raise TypeError(f"text must be a str, got {describe(text)}")
        if not text:
            raise ValueError("text is empty: a vocabulary needs at least one character")
        self.chars = "".join(sorted(set(text)))
        self._index = {c: i for i, c in enumerate(self.chars)}

    @property
    def size(self) -> int:
        """V, the number of distinct characters."""
        return len(self.chars)

    def __len__(self) -> int:
        return self.size

    def __repr__(self) -> str:
        shown = self.chars if self.size <= 40 else self.chars[:40] + "…"
        return f"Vocabulary(V={self.size}, chars={shown!r})"

    def encode(self, text, name: str = "text") -> np.ndarray:
        """The index of every character of ``text``, int64 of shape (len(text),); ``name`` names it in messages."""
        if not isinstance(text, str):
            raise TypeError(f"{name} must be a str, got {describe(text)}")
        unknown = next((i for i, c in enumerate(text) if c not in self._index), None)
        if unknown is not None:
            raise ValueError(
                f"{name}[{unknown}] = {text[unknown]!r} is not in the vocabulary ({self.size} characters, "
                "built from another text)"
            )
        return np.fromiter((self._index[c] for c in text), dtype=np.int64, count=len(text))

    def decode(self, indices) -> str:
        """The characters of integer indices (any shape, read in C order) as one string."""
        idx = check_class_targets(indices, None, self.size, name="indices")
        return "".join(self.chars[i] for i in idx.ravel())


def next_character_streams(indices, n_streams):
    """Cut a long encoded text into B parallel streams for stateful truncated BPTT.

    Stream b is the contiguous piece b·L … (b+1)·L of the text, L = (N − 1) // B (the tail that does not fill a
    stream is dropped), so a hidden state carried from one chunk to the next in column b keeps reading the same
    piece of text.  Returns ``(inputs, targets)``, int64 arrays of shape (L, B) with targets[t] = inputs[t + 1]
    in every stream (the next character).
    """
    B = check_size(n_streams, "n_streams")
    idx = check_class_targets(indices, None, np.iinfo(np.int64).max, name="indices")  # any integers >= 0
    if idx.ndim != 1:
        raise ValueError(f"indices must be one encoded text, shape (N,), got shape {idx.shape}")
    L = (idx.shape[0] - 1) // B
    if L < 1:
        raise ValueError(f"a text of {idx.shape[0]} characters is too short for {B} streams (at least {B + 1})")
    starts = np.arange(B) * L
    steps = np.arange(L)[:, None]
    return idx[steps + starts], idx[steps + starts + 1]


def _check_temperature(temperature) -> float:
    return check_number(temperature, "temperature", at_least=0, why=" (0: always the most likely)")


def _draw(z, temperature, gen):
    """Indices drawn from softmax(z / τ) along the last axis (argmax for τ = 0). Trusting: z (V,) or (B, V)."""
    if temperature == 0:
        return np.argmax(z, axis=-1)
    with np.errstate(over="ignore", under="ignore"):  # (z − max) / τ <= 0 may reach −inf for a tiny τ: exp gives 0
        weights = np.exp((z - z.max(axis=-1, keepdims=True)) / temperature)
    cdf = np.cumsum(weights, axis=-1)
    u = gen.random(z.shape[:-1] + (1,)) * cdf[..., -1:]  # inverse-CDF draw; the largest weight is 1, so cdf[-1] >= 1
    return np.minimum((cdf <= u).sum(axis=-1), z.shape[-1] - 1)


def sample_index(logits, temperature=1.0, rng=0):
    """Draw a class index from p ∝ exp(z / τ): an int for logits (V,), an int64 array (B,) for logits (B, V).

    τ = 1 samples the model's own distribution; τ < 1 sharpens it (τ = 0: always the most likely class);
    τ > 1 flattens it towards uniform.  rng: an int seed or a numpy Generator (advanced by one draw per row).
    """
    z = as_float_array(logits, "logits", None)
    if z.ndim not in (1, 2) or 0 in z.shape:
        raise ValueError(f"logits must have shape (V,) for one draw or (B, V) for B draws, got shape {z.shape}")
    tau = _check_temperature(temperature)
    gen = as_generator(rng)
    drawn = _draw(z, tau, gen)
    return int(drawn) if z.ndim == 1 else drawn.astype(np.int64)


def generate(params, vocab, n, *, prime, temperature=1.0, rng=0, cell="RNN") -> str:
    """Let a network trained on characters write ``n`` characters after the text ``prime``.

    params: a character model (D = O = V) of the kind ``cell`` names: ``"RNN"`` (the course's RNN,
    ``W_xh (H, V), W_hh (H, H), W_hy (V, H), b_h (H, 1), b_y (V, 1)``), ``"LSTM"`` or ``"GRU"`` (or
    ``rnn_lib.cells.RNN``, …).  The network reads ``prime`` from zero states, then at every step draws the
    next character from softmax(z_t / τ) and reads it back in, its states carried from step to step.
    Returns the n new characters (without the prime).
    """
    cell = check_cell(cell)
    D, _, O = cell.sizes(params)
    if not isinstance(vocab, Vocabulary):
        raise TypeError(f"vocab must be a course.text.Vocabulary, got {describe(vocab)}")
    if D != vocab.size or O != vocab.size:
        raise ValueError(f"params must read and predict V = {vocab.size} characters (D = O = V), got D = {D}, O = {O}")
    n = check_size(n, "n")
    check_memory(100 * n, f"{n} characters (n)")  # a list entry, a one-hot row and a character each
    if not isinstance(prime, str):
        raise TypeError(f"prime must be a non-empty str to start from, got {describe(prime)}")
    if not prime:
        raise ValueError("prime must be a non-empty str to start from, got ''")
    seen = vocab.encode(prime, "prime")
    tau = _check_temperature(temperature)
    gen = as_generator(rng)

    dtype = params["W_hy"].dtype
    # The prime in one forward call (a batch of one sequence), then one step per new character.
    logits, cache = cell.forward(params, one_hot(seen[:, None], D, dtype=dtype))
    out = []
    for _ in range(n):
        c = int(_draw(logits[-1, 0], tau, gen))
        out.append(c)
        logits, cache = cell.forward(params, one_hot([[c]], D, dtype=dtype), **cell.last_states(cache))
    return vocab.decode(out)


def perplexity(logits, targets) -> float:
    """exp of the mean cross-entropy per prediction: exp(L / N), N the number of targets.

    The model is as uncertain as a uniform choice among that many characters: V for uniform logits, 1 for a
    model that gives the right character probability 1.  Shapes as in ``softmax_cross_entropy``.
    """
    loss, _ = softmax_cross_entropy(logits, targets)
    return math.exp(loss / np.size(targets))
