"""Parameter updates that happen all at once or not at all, even under Ctrl-C.

Every update in rnn_lib (``SimpleRNN.backward``, the trainers, the optimisers) is done in two
moves.  First every new value is computed into new arrays and checked (finite, the right shape);
the parameters are untouched, so an error or an interrupt here loses nothing.  Then
:func:`commit` copies the new values into the parameter arrays in place (so views of them, such as
a model's ``params`` dict, stay valid) as one uninterruptible move: the copies run inside a single
C-level loop, and a Ctrl-C (SIGINT) that arrives meanwhile is held back and delivered right after.
A reader therefore sees all the old values or all the new ones, never a mix.
"""

from __future__ import annotations

import contextlib
import operator
import signal
import threading

import numpy as np

from .validation import all_finite, check_updatable


@contextlib.contextmanager
def interrupts_deferred():
    """Hold back SIGINT (Ctrl-C, a notebook's interrupt button) until the block is done, then deliver it.

    Only the main thread receives signals, so elsewhere this does nothing.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received = []
    try:
        previous = signal.signal(signal.SIGINT, lambda signum, frame: received.append(signum))
    except (ValueError, OSError):  # an interpreter that does not let Python handle signals
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if received:
            signal.raise_signal(signal.SIGINT)  # delivered now, to whatever handler was there before


def commit(targets: dict, new: dict) -> None:
    """Copy ``new[k]`` into ``targets[k]`` in place for every key of ``new``, as one move.

    The caller has checked that the values fit (same shapes, writeable targets that share no memory,
    see :func:`rnn_lib.validation.check_updatable`); a copy that cannot fail cannot leave a mix.
    """
    names = list(new)
    arrays = [targets[k] for k in names]
    values = [new[k] for k in names]
    with interrupts_deferred():
        # map and list run in C: no Python line in between for a signal handler or a tracer to stop at.
        list(map(operator.setitem, arrays, [Ellipsis] * len(arrays), values))


def sgd_step(params: dict, grads: dict, learning_rate: float, names) -> None:
    """p ← p − η ∂L/∂p for the parameters ``names``, in place, all or nothing.

    Trusting about shapes (the caller checked the gradients); checks that the parameters can be
    updated in place, computes every new value first, and raises FloatingPointError with no parameter
    changed if any of them is not finite, or so large that its square overflows (see ``validation``).
    """
    check_updatable(params, names)
    with np.errstate(over="ignore", invalid="ignore"):  # reported below, as one error
        new = {k: params[k] - learning_rate * grads[k] for k in names}
    bad = [k for k, v in new.items() if not all_finite(v)]
    if bad:
        raise FloatingPointError(
            f"this SGD step (learning_rate={learning_rate}) would make {', '.join(bad)} non-finite (or too large to "
            "compute with): the gradients exploded. Nothing was changed; try a smaller learning rate or clip the gradients."
        )
    commit(params, new)
