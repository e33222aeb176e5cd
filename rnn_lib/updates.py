"""Parameter updates that happen all at once or not at all, whatever exception arrives and wherever.

Every update in rnn_lib (``SimpleRNN.backward``, the trainers, the optimisers) is done in two
moves.  First every new value is computed into new arrays and checked (finite, the right shape);
nothing is changed yet, so an error or an interrupt here loses nothing.  Then :func:`commit` writes
every new value in place (so views of the parameters, such as a model's ``params`` dict, stay valid),
together with whatever else must change with them (an optimiser's buffers and step count), in **one
C-level call**: no Python line runs in between, so neither a Ctrl-C, nor another signal's handler
(a stopwatch raising KeyboardInterrupt on SIGALRM), nor a tracer can stop it half way.  An exception
raised before that call leaves everything old; one raised after it, everything new.
"""

from __future__ import annotations

import operator
import signal
import sys
import threading

import numpy as np

from .validation import all_finite, check_updatable

try:  # the C functions under the signal module's Python wrappers: no Python line between installing and returning
    from _signal import getsignal as _get_handler
    from _signal import signal as _set_handler
except ImportError:  # pragma: no cover - an interpreter without them
    _get_handler, _set_handler = signal.getsignal, signal.signal
SIGINT = int(signal.SIGINT)


class interrupts_deferred:  # noqa: N801 - used as a function: ``with interrupts_deferred(): ...``
    """Hold back SIGINT (Ctrl-C, a notebook's interrupt button) until the block is done, then deliver it.

    The previous handler is put back when the block ends, however it ends (an exception from a trace function or
    another signal's handler included); if even that is cut short, the held-back handler gives the next Ctrl-C to
    the previous one and puts it back.  Only the main thread receives signals, so elsewhere this does nothing.
    """

    def __enter__(self):
        self.received, self.previous, self.frame = [], None, sys._getframe(1)
        if threading.current_thread() is threading.main_thread():
            self.previous = _get_handler(SIGINT)  # first: known before anything is replaced
            if self.previous is not None:  # None: a handler not set from Python, which could not be put back
                return (_set_handler(SIGINT, self._hold), self)[1]
        return self

    def _hold(self, signum, frame):
        while frame is not None and frame is not self.frame:
            frame = frame.f_back
        if frame is not None:  # the block is still running: hold the Ctrl-C back
            self.received.append(signum)
        else:  # the block is over but its __exit__ was cut short: hand over, and deliver this Ctrl-C
            self.restore()
            signal.raise_signal(SIGINT)

    def restore(self) -> None:
        """Put the previous SIGINT handler back (once) and deliver a Ctrl-C held back meanwhile."""
        if self.previous is not None and _get_handler(SIGINT) == self._hold:
            _set_handler(SIGINT, self.previous)
        if self.received:
            self.received.clear()
            signal.raise_signal(SIGINT)  # delivered now, to whatever handler was there before

    def __exit__(self, *exc_info):
        try:
            self.restore()
        finally:
            self.restore()  # again, if the first was cut short (a no-op otherwise)


def commit(targets: dict, new: dict, *, owner=None, **attributes) -> None:
    """Copy ``new[k]`` into ``targets[k]`` in place for every key of ``new``, and set ``owner``'s ``attributes``.

    One C-level call does it all (``map`` and ``list`` run in C; the array copies and the attribute writes are
    C too): there is no Python line in between for a signal handler or a tracer to stop at.  The caller has
    checked that the values fit (same shapes, writeable targets that share no memory, see
    :func:`rnn_lib.validation.check_updatable`); a copy that cannot fail cannot leave a mix.
    """
    containers = [targets[k] for k in new] + ([vars(owner)] * len(attributes) if attributes else [])
    keys = [Ellipsis] * len(new) + list(attributes)
    values = list(new.values()) + list(attributes.values())
    list(map(operator.setitem, containers, keys, values))


def sgd_step(params: dict, grads: dict, learning_rate: float, names, *, owner=None, **attributes) -> None:
    """p ← p − η ∂L/∂p for the parameters ``names``, in place, all or nothing (``owner``, ``attributes``: see commit).

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
    commit(params, new, owner=owner, **attributes)
