"""Holding back a Ctrl-C until a block of code is done (the robustness tests' tool; ``rnn_lib.updates.commit`` needs
none: its one C-level call cannot be split)."""

from __future__ import annotations

import signal
import sys
import threading

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
