"""Learning the embedded Reber grammar, measured exactly (notebook 19).

``rnn_lib.data.reber_strings`` gives strings and, after every symbol, the set of symbols the grammar allows next.
A network reads a string one symbol at a time (one-hot, D = 7) and predicts the next (logits, O = 7).  Because the
legal sets are known, learning can be scored exactly:

    a position is **right** when the model's highest probabilities are on exactly the legal symbols: with n legal
    symbols, the n most probable are the legal ones — every legal symbol more probable than every illegal one.

Positions are the predictions made after symbols 1 … len − 1 of a string (after the final E nothing is predicted).
The one position that needs memory across the whole string is the prediction after the inner E: the legal set is
the single symbol at position 2 (T or P), read len − 4 steps earlier: 7 for the median string (:func:`memory_positions`).

Strings of a batch are padded to the longest; padded steps carry no loss (a mask), and since they come after a
string's last symbol they change nothing before it.
"""

from __future__ import annotations

import numpy as np

from rnn_lib.cells import RNN, check_cell
from rnn_lib.data import REBER_GRAPH, REBER_SYMBOLS, reber_strings
from rnn_lib.losses import check_logits, softmax_cross_entropy
from rnn_lib.training import check_trainer
from rnn_lib.validation import as_generator, as_params, check_size, describe

from .language_model import check_checkpoints

V = len(REBER_SYMBOLS)  # 7 symbols: B T S X P V E
_INDEX = {s: i for i, s in enumerate(REBER_SYMBOLS)}


def _check_strings(strings) -> None:
    """A non-empty list (or tuple) of str, each at least 2 symbols of REBER_SYMBOLS long; else a TypeError/ValueError."""
    if not isinstance(strings, (list, tuple)):
        hint = f" (one string? pass [{strings!r}])" if isinstance(strings, str) else ""
        raise TypeError(
            f"strings must be a list of strings of the symbols {REBER_SYMBOLS}, got {describe(strings)}{hint}"
        )
    if not strings:
        raise ValueError("strings is empty: give at least one string")
    for b, s in enumerate(strings):
        if not isinstance(s, str):
            raise TypeError(f"strings[{b}] must be a str of the symbols {REBER_SYMBOLS}, got {describe(s)}")
        if len(s) < 2:
            raise ValueError(f"strings[{b}] must have at least 2 symbols (one prediction), got {s!r}")
        for i, c in enumerate(s):
            if c not in _INDEX:
                raise ValueError(
                    f"strings[{b}] = {s!r} holds {c!r} (symbol {i + 1}), which is not in the alphabet {REBER_SYMBOLS}"
                )


def _check_legal(legal, strings) -> None:
    """One list of legal sets per string, one set (a str of symbols) after each of its symbols, as ``reber_strings``."""
    expected = "a list with, for each string, its legal next symbols after every symbol (as reber_strings returns it)"
    if not isinstance(legal, (list, tuple)):
        raise TypeError(f"legal must be {expected}, got {describe(legal)}")
    if len(legal) != len(strings):
        raise ValueError(f"legal must have one entry per string ({len(strings)} strings), got {len(legal)} entries")
    for b, (s, sets) in enumerate(zip(strings, legal)):
        if not isinstance(sets, (list, tuple)) or len(sets) != len(s):
            got = f"{len(sets)} entries" if isinstance(sets, (list, tuple)) else describe(sets)
            raise ValueError(
                f"legal[{b}] must hold {len(s)} legal sets, one after each symbol of strings[{b}] = {s!r}, got {got}"
            )
        for t, symbols in enumerate(sets):
            if not isinstance(symbols, str) or any(c not in _INDEX for c in symbols):
                raise ValueError(
                    f"legal[{b}][{t}] must be a str of symbols from the alphabet {REBER_SYMBOLS}, got {symbols!r}"
                )


def encode_strings(strings, legal=None):
    """Padded, time-major arrays of a list of strings (the prediction after symbol t + 1 of string b in row t).

    Returns ``(x, targets, mask)`` — x (T, N, 7) one-hot symbols 1 … len − 1, targets (T, N) the index of the
    next symbol, mask (T, N) True where a position exists — with T = the longest length − 1.  With ``legal``
    (as ``reber_strings`` returns it) also ``allowed`` (T, N, 7): True for the symbols legal at each position.
    Every string must have at least 2 symbols, all from REBER_SYMBOLS.
    """
    _check_strings(strings)
    if legal is not None:
        _check_legal(legal, strings)
    T, N = max(len(s) for s in strings) - 1, len(strings)
    idx = np.zeros((T + 1, N), dtype=np.int64)
    mask = np.zeros((T, N), dtype=bool)
    for b, s in enumerate(strings):
        idx[: len(s), b] = [_INDEX[c] for c in s]
        mask[: len(s) - 1, b] = True
    x = np.eye(V)[idx[:-1]] * mask[..., None]  # padded steps read zeros
    out = (x, np.where(mask, idx[1:], 0), mask)
    if legal is None:
        return out
    allowed = np.zeros((T, N, V), dtype=bool)
    for b, sets in enumerate(legal):
        for t, symbols in enumerate(sets[:-1]):
            allowed[t, b, [_INDEX[c] for c in symbols]] = True
    return (*out, allowed)


def _is_reber(s: str) -> bool:
    """Whether ``s`` is a string of the (plain) Reber grammar: B, a walk of REBER_GRAPH from state 0 to its end, E."""
    state = 0
    for c in s[1:-1]:
        state = dict(REBER_GRAPH[state]).get(c)
        if state is None:
            return False
    return s[:1] == "B" and s[-1:] == "E" and not REBER_GRAPH[state] and len(s) > 1


def memory_positions(strings) -> np.ndarray:
    """For each embedded string, the row t of its prediction after the inner E (legal set: its second symbol), (N,).

    Every string must be one of the embedded Reber grammar, "BT<reber>TE" or "BP<reber>PE": a ValueError otherwise.
    """
    _check_strings(strings)
    for b, s in enumerate(strings):
        if not (s[1:2] in ("T", "P") and s[-2:-1] == s[1] and s[:1] + s[-1:] == "BE" and _is_reber(s[2:-2])):
            raise ValueError(
                f"strings[{b}] = {s!r} is not a string of the embedded Reber grammar (B, T or P, a Reber string, "
                "the same T or P, E): the prediction that needs memory is defined only for those"
            )
    return np.array([len(s) - 3 for s in strings])


def legal_set_hits(logits, allowed) -> np.ndarray:
    """True where every legal symbol gets a higher logit (so probability) than every illegal one: (T, N) bool.

    logits (T, N, 7); allowed (T, N, 7) bool.  Ties count as wrong.  Padded positions (no legal symbol) are False.
    (Any shape (..., V) works: logits (T, V) and allowed (T, V) too.)
    """
    logits = check_logits(logits)
    if not isinstance(allowed, np.ndarray) or allowed.dtype != bool:
        raise TypeError(f"allowed must be a bool array (True where a symbol is legal), got {describe(allowed)}")
    if allowed.shape != logits.shape:
        raise ValueError(f"allowed must have the logits' shape {logits.shape}, got shape {allowed.shape}")
    lowest_legal = np.where(allowed, logits, np.inf).min(axis=-1)
    highest_illegal = np.where(allowed, -np.inf, logits).max(axis=-1)
    return allowed.any(axis=-1) & (lowest_legal > highest_illegal)


def legal_set_scores(params, strings, legal, *, cell=RNN) -> dict:
    """How exactly a model knows the grammar on the strings given, each read from zero states: :func:`score_logits`."""
    cell = check_cell(cell)
    params = as_params(params, cell.sizes)
    _check_reber_model(params, cell)
    logits, _ = cell.forward(params, encode_strings(strings, legal)[0])
    return score_logits(logits, strings, legal)


def _check_reber_model(params, cell) -> None:
    """The model reads and predicts the grammar's V = 7 symbols (D = O = 7), or a ValueError."""
    D, _, O = cell.sizes(params)
    if D != V or O != V:
        raise ValueError(
            f"a Reber model reads and predicts the {V} symbols {REBER_SYMBOLS} (D = O = {V}), got D = {D}, O = {O}"
        )


def score_logits(logits, strings, legal) -> dict:
    """Score predictions (T, N, 7) (logits or probabilities) for ``strings`` against their ``legal`` sets.

    Returns fractions: ``positions`` (of all positions, right), ``memory`` (of the predictions after the inner
    E, right), ``other`` (of all other positions), ``strings`` (of strings with every position right), and
    ``loss``, the mean cross-entropy per position (nats) of softmax(logits).
    """
    _, targets, mask, allowed = encode_strings(strings, legal)
    logits = check_logits(logits)
    if logits.shape != allowed.shape:
        raise ValueError(
            f"logits must have shape (T, N, {V}) = {allowed.shape} for these {len(strings)} strings (T = the longest "
            f"length − 1), got shape {logits.shape}"
        )
    return encoded_scores(logits, targets, mask, allowed, memory_positions(strings))


def encoded_scores(logits, targets, mask, allowed, memory_rows) -> dict:
    """:func:`score_logits` for strings encoded once (a fixed test set scored many times): the same fractions.

    logits, allowed (T, N, 7); targets (T, N) and mask (T, N) as :func:`encode_strings` gives them; memory_rows (N,)
    from :func:`memory_positions`.  Trusts its caller (score_logits checks).
    """
    hits = legal_set_hits(logits, allowed)
    at_memory = np.zeros_like(mask)
    at_memory[memory_rows, np.arange(mask.shape[1])] = True
    loss, _ = softmax_cross_entropy(logits[mask], targets[mask])
    return {
        "positions": float(hits[mask].mean()),
        "memory": float(hits[at_memory].mean()),
        "other": float(hits[mask & ~at_memory].mean()),
        "strings": float(np.all(hits | ~mask, axis=0).mean()),
        "loss": float(loss) / int(mask.sum()),
    }


def train_on_strings(params, *, updates, optimizer, batch_size=32, clip=None, cell=RNN, rng=0, evaluate=None):
    """Train on fresh embedded Reber strings: each update a new batch, full BPTT through every string.

    The objective of a batch is the summed cross-entropy of its real (unpadded) positions divided by the batch
    size.  ``rng`` (seed or Generator) draws the strings.  evaluate: None, or ``(checkpoints, fn)``, and then
    ``fn(params)`` is called after each update number in ``checkpoints`` (0: before training); its results are
    returned with the History as ``(history, [(update, result), ...])``.  Every argument is checked before the
    first update (a checkpoint beyond ``updates`` is an error, not a measurement silently skipped).
    """
    updates, batch_size = check_size(updates, "updates"), check_size(batch_size, "batch_size")
    trainer = check_trainer(params, cell, False, optimizer, clip, steps=updates)
    cell, params, history = trainer.cell, trainer.params, trainer.history
    _check_reber_model(params, cell)
    gen = as_generator(rng)
    checkpoints, fn = _check_evaluate(evaluate, updates)
    results = []

    if 0 in checkpoints:
        results.append((0, fn(params)))
    for update in range(1, updates + 1):
        x, targets, mask = encode_strings(reber_strings(batch_size, rng=gen)[0])
        logits, cache = cell.forward(params, x)
        loss, d = softmax_cross_entropy(logits[mask], targets[mask])
        dlogits = np.zeros_like(logits)
        dlogits[mask] = d
        grads = cell.backward(params, cache, dlogits)
        grads = {name: grads[name] / batch_size for name in cell.param_names}
        trainer.step(loss / batch_size, grads, recorded=loss / int(mask.sum()))
        if update in checkpoints:
            results.append((update, fn(params)))
    history.seconds = trainer.meter.elapsed()
    return (history, results) if evaluate is not None else history


def _check_evaluate(evaluate, updates: int):
    """``evaluate`` of :func:`train_on_strings` as ``(checkpoints, fn)``: sorted update numbers and a callable."""
    if evaluate is None:
        return [], None
    if not isinstance(evaluate, (tuple, list)) or len(evaluate) != 2:
        raise TypeError(f"evaluate must be None or a pair (checkpoints, fn), got {describe(evaluate)}")
    checkpoints, fn = evaluate
    if not callable(fn):
        raise TypeError(f"evaluate = (checkpoints, fn) needs a function fn(params), got {describe(fn)} for fn")
    return check_checkpoints(checkpoints, updates, "evaluate's checkpoints"), fn
