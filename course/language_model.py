"""A character-level language model on a long text: stateful truncated BPTT, one chunk at a time (notebook 18).

The training text is cut into B streams (``text.next_character_streams``).  The network reads them k characters
at a time, its states carried from one chunk to the next as numbers (no gradient crosses a chunk boundary: BPTT(k,
k) of notebook 10), and after each chunk takes one optimiser step on that chunk's loss, divided by B (the mean per
stream, as ``stateful.train_tbptt``).  Any cell of ``rnn_lib.cells``: the course's RNN, the LSTM, the GRU.

**Memory.**  The inputs are one-hot (D = V), but only one chunk at a time is made one-hot: the whole course
corpus in float64 would take 125 205 × 114 × 8 bytes ≈ 114 MB, one chunk of k = 64 steps and B = 32 streams
64 × 32 × 114 × 8 bytes ≈ 1.9 MB.  The streams themselves are integer indices (8 bytes per character).

    params = init_language_model("LSTM", V, H=128, rng=0)
    history = train_language_model(params, inputs, targets, cell="LSTM", k=64, updates=600,
                                   optimizer=Adam(params, lr=3e-3), clip=("norm", 5.0),
                                   validation=val_indices, checkpoints=(100, 600))
    nats = evaluate(params, val_indices, cell="LSTM")           # mean cross-entropy per character
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, field
from functools import partial

import numpy as np

from rnn_lib import gru, lstm
from rnn_lib.cells import GRU, LSTM, RNN, check_cell
from rnn_lib.functional import drawn_atomically
from rnn_lib.losses import check_class_targets, softmax_cross_entropy
from rnn_lib.parameters import param_shapes
from rnn_lib.training import History, check_trainer
from rnn_lib.validation import (
    as_generator,
    as_params,
    check_float_dtype,
    check_memory,
    check_size,
    describe,
)

from .text import next_character_streams, one_hot


def init_language_model(cell, V, H, *, rng=0, dtype=np.float64) -> dict:
    """Parameters of a character model (D = O = V) with H hidden units, seeded by ``rng`` (int or Generator).

    RNN: weights ~ N(0, 1/H) (so W_hh has spectral radius about 1), zero biases; ``rnn_lib.init_params``
    with scale 1/√H.  LSTM: ``lstm.init_params`` (PyTorch's U(−1/√H, 1/√H)) with forget-gate bias 1, so the
    cell state starts by keeping σ(1) ≈ 0.73 of itself per step.  GRU: ``gru.init_params``.  Every argument is
    checked before anything is drawn; sizes too large for memory are refused before too.
    """
    cell = check_cell(cell)
    V, H = check_size(V, "V"), check_size(H, "H")
    dtype = check_float_dtype(dtype)
    gen = as_generator(rng)
    check_memory(16 * 4 * H * (V + H + 2) + 16 * V * (H + 1), f"a model of V = {V} characters and H = {H} units")
    if cell is RNN:

        def draw():
            scale = 1.0 / math.sqrt(H)
            params = {name: scale * gen.standard_normal(shape) for name, shape in param_shapes(V, H, V).items()}
            params["b_h"][:], params["b_y"][:] = 0.0, 0.0
            return {name: p.astype(dtype) for name, p in params.items()}

        return drawn_atomically(gen, draw)
    if cell.name == "LSTM":
        return drawn_atomically(gen, lambda: lstm.init_params(V, H, V, rng=gen, dtype=dtype, forget_bias=1.0))
    return drawn_atomically(gen, lambda: gru.init_params(V, H, V, rng=gen, dtype=dtype))


def check_checkpoints(checkpoints, updates: int, name: str = "checkpoints") -> list[int]:
    """Update numbers at which to measure, each in 0 … updates (0: before training): sorted, without repeats.

    A tuple, list or range of integers; a number outside 0 … updates is refused rather than silently never reached.
    """
    expected = f"update numbers in 0 … updates = {updates} (a tuple, list or range)"
    if not isinstance(checkpoints, (tuple, list, range)):
        raise TypeError(f"{name} must be {expected}, got {describe(checkpoints)}")
    for u in checkpoints:
        if isinstance(u, bool) or not isinstance(u, numbers.Integral):
            raise TypeError(f"{name} must be {expected}, but it holds {u!r} ({type(u).__name__})")
        if not 0 <= u <= updates:
            raise ValueError(f"{name} must be {expected}, but it holds {u}")
    return sorted({int(u) for u in checkpoints})


def count_parameters(params) -> int:
    """The number of trainable numbers in a parameter dict."""
    return int(sum(np.size(p) for p in params.values()))


def _vocabulary_size(params, cell) -> int:
    """V of a character model (D = O = V), or a ValueError."""
    D, _, O = cell.sizes(params)
    if D != O:
        raise ValueError(f"a character model reads and predicts the same V characters (D = O), got D = {D}, O = {O}")
    return D


def parameter_backward(cell):
    """The backward a character model trains with: the cell's own, except that the LSTM's and the GRU's fast paths
    skip ∂L/∂x (``inputs=False``): the one-hot characters need no gradient, and its product is about 6 % of the
    step's matrix work.  The same parameter gradients either way."""
    return partial(cell.backward, inputs=False) if cell is LSTM or cell is GRU else cell.backward


def read_chunks(params, inputs, cell, k, targets=None):
    """Read streams of character indices k steps at a time; yield ``(c, e, logits, cache, loss, dlogits)`` per chunk.

    Trusting.  inputs (T, B) int indices; the states start at zero and are carried from chunk to chunk.
    ``params`` is read afresh for every chunk, so a caller may update it in place between two chunks (training).
    With targets (T, B), ``loss`` and ``dlogits`` are the chunk's summed cross-entropy and its gradient
    (``softmax_cross_entropy``); without, both are None.  Only the chunk's own one-hot inputs are ever built.
    """
    V = params["W_hy"].shape[0]
    dtype = params["W_hy"].dtype
    T, B = inputs.shape
    states = {name: np.zeros((B, cell.sizes(params)[1]), dtype=dtype) for name in cell.state_names}
    for c in range(0, T, k):
        e = min(c + k, T)
        logits, cache = cell.forward(params, one_hot(inputs[c:e], V, dtype=dtype), **states)
        loss, dlogits = (None, None) if targets is None else softmax_cross_entropy(logits, targets[c:e])
        states = cell.last_states(cache)
        yield c, e, logits, cache, loss, dlogits


def _check_text(indices, V, name) -> np.ndarray:
    idx = check_class_targets(indices, None, V, name=name)
    if idx.ndim != 1 or idx.shape[0] < 2:
        raise ValueError(f"{name} must be one encoded text of at least 2 characters, shape (N,), got shape {idx.shape}")
    return idx


def evaluate(params, indices, *, cell=RNN, n_streams=1, k=256) -> float:
    """Mean cross-entropy per predicted character (nats) of a model reading the encoded text ``indices`` (N,).

    The text is read as ``n_streams`` streams (``next_character_streams``), each from zero states, k steps per
    forward call; every character but the first of each stream is predicted from all of its stream before it.
    exp of the result is the perplexity.  Changes nothing.
    """
    cell = check_cell(cell)
    params = as_params(params, cell.sizes)
    V = _vocabulary_size(params, cell)
    idx = _check_text(indices, V, "indices")
    inputs, targets = next_character_streams(idx, check_size(n_streams, "n_streams"))
    total = sum(loss for *_, loss, _ in read_chunks(params, inputs, cell, check_size(k, "k"), targets))
    return float(total) / targets.size


def hidden_states(params, indices, *, cell=RNN, k=256) -> np.ndarray:
    """The hidden states h_1 … h_N of a model reading the encoded text ``indices`` (N,) from zero states: (N, H).

    Row t − 1 is h_t, the state right after reading character t (counting from 1).
    """
    cell = check_cell(cell)
    params = as_params(params, cell.sizes)
    idx = check_class_targets(indices, None, _vocabulary_size(params, cell), name="indices")
    if idx.ndim != 1 or idx.shape[0] < 1:
        raise ValueError(f"indices must be one encoded text, shape (N,) with N >= 1, got shape {idx.shape}")
    chunks = read_chunks(params, idx[:, None], cell, check_size(k, "k"))
    return np.concatenate([cache.h[1:, 0] for _, _, _, cache, _, _ in chunks])


@dataclass
class LanguageModelHistory(History):
    """A :class:`~rnn_lib.training.History` plus the validation curve: ``val_loss[i]`` (mean nats per character)
    after ``val_updates[i]`` updates.  Per epoch (the last one possibly cut short by the budget): ``loss``, the mean
    training loss per character of its chunks (measured while training), ``grad_norm`` and ``clip_fraction``; per
    update: ``step_loss`` (per character) and ``step_grad_norm`` (before clipping)."""

    val_updates: list = field(default_factory=list)


def train_language_model(
    params,
    inputs,
    targets,
    *,
    updates,
    optimizer,
    k=64,
    clip=None,
    cell=RNN,
    validation=None,
    checkpoints=(),
) -> LanguageModelHistory:
    """Train a character model for ``updates`` updates of stateful truncated BPTT; ``params`` change in place.

    inputs, targets: (L, B) integer streams with targets[t] = inputs[t + 1] (``text.next_character_streams``).
    One update per chunk of k steps: forward from the carried states, cross-entropy, BPTT through the chunk,
    the gradient divided by B, clipped (``clip``: None, ("norm", c) or ("value", c)), one ``optimizer`` step
    (an ``rnn_lib.optim`` optimiser built over ``params``).  At the end of the streams the next epoch starts
    from zero states.  validation: an encoded text (N,) whose :func:`evaluate` loss is recorded after each update
    number in ``checkpoints`` (0: before training).  Raises ``training.TrainingDiverged`` on a non-finite loss
    or gradient, with the parameters as before that update.
    """
    updates, k = check_size(updates, "updates"), check_size(k, "k")
    trainer = check_trainer(params, cell, False, optimizer, clip, steps=updates, history=LanguageModelHistory())
    cell, params, history = trainer.cell, trainer.params, trainer.history
    V = _vocabulary_size(params, cell)
    inputs = check_class_targets(inputs, None, V, name="inputs")
    if inputs.ndim != 2:
        raise ValueError(f"inputs must be streams of character indices, shape (L, B), got shape {inputs.shape}")
    targets = check_class_targets(targets, inputs.shape, V)
    if validation is not None:
        validation = _check_text(validation, V, "validation")
    checkpoints = check_checkpoints(checkpoints, updates)
    if checkpoints and validation is None:
        raise ValueError("checkpoints need a validation text to evaluate (validation=encoded indices)")
    B, backward = inputs.shape[1], parameter_backward(cell)

    def record(update):
        if update in checkpoints:
            history.val_updates.append(update)
            history.val_loss.append(evaluate(params, validation, cell=cell))

    record(0)
    done = epoch = 0
    while done < updates:
        chars, loss_sum, epoch = 0, 0.0, epoch + 1
        for c, e, _, cache, loss, dlogits in read_chunks(params, inputs, cell, k, targets):
            grads = backward(params, cache, dlogits)  # the gradients reaching the chunk's first states: dropped
            trainer.step(loss / B, {name: grads[name] / B for name in cell.param_names}, recorded=loss / ((e - c) * B))
            chars, loss_sum, done = chars + (e - c) * B, loss_sum + loss, done + 1
            record(done)
            if done == updates:
                break
        trainer.end_epoch(epoch, loss_sum / chars)
    history.seconds = trainer.meter.elapsed()
    return history


def math_mode(text) -> np.ndarray:
    """For every character of a markdown text, whether it is inside LaTeX math after reading it: (len(text),) bool.

    ``$`` and ``$$`` each open or close math (a ``$$`` is one delimiter), so the opening delimiter itself is
    inside and the closing one outside.  A backslash-escaped ``\\$`` is an ordinary character.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {describe(text)}")
    inside = np.zeros(len(text), dtype=bool)
    state, i = False, 0
    while i < len(text):
        width = 1
        if text[i] == "$" and not (i > 0 and text[i - 1] == "\\"):
            width = 2 if text.startswith("$$", i) else 1
            state = not state
        inside[i : i + width] = state
        i += width
    return inside


def decaying_count(text, characters, decay) -> np.ndarray:
    """A control for "a unit tracks X": a running count of some characters that fades, c_t = decay·c_{t−1} + [x_t ∈ S].

    Inputs: text (str); characters (str, the set S, non-empty); decay (float in [0, 1)).
    Returns (len(text),) float64: c_t after reading character t (c_0 = 0 before the first).
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {describe(text)}")
    if not isinstance(characters, str) or not characters:
        raise TypeError(f"characters must be a non-empty str (the characters counted), got {describe(characters)}")
    if isinstance(decay, bool) or not isinstance(decay, (int, float)) or not 0 <= decay < 1:
        raise ValueError(f"decay must be a number in [0, 1), got {decay!r}")
    hits = np.fromiter((c in characters for c in text), dtype=float, count=len(text))
    out, c = np.empty(len(text)), 0.0
    for t, hit in enumerate(hits):
        c = decay * c + hit
        out[t] = c
    return out
