"""A quiet progress line for long training runs: printed only when a run is long enough to need one."""

from __future__ import annotations

import time

PROGRESS_INTERVAL = 2.0  # seconds between two progress lines
AUTO_PROGRESS_AFTER = 5.0  # progress="auto" prints only when the whole run is expected to take longer


class Progress:
    """Prints a short progress line to stdout at most every PROGRESS_INTERVAL seconds, and keeps the time.

    mode True: always; False: never; "auto": only when the run, estimated after its first epoch,
    takes longer than AUTO_PROGRESS_AFTER seconds (so quick runs, and notebooks, stay silent).
    """

    def __init__(self, mode, total_epochs):
        if mode not in (True, False, "auto") or isinstance(mode, int) and not isinstance(mode, bool):
            raise ValueError(f"progress must be True, False or 'auto', got {mode!r}")
        self.mode, self.total = mode, total_epochs
        self.start = self.last = time.perf_counter()
        self.printed = False

    def elapsed(self) -> float:
        """Seconds since the run started."""
        return time.perf_counter() - self.start

    def update(self, epoch, loss, grad_norm) -> float:
        """Report the end of ``epoch`` (from 1); returns the seconds elapsed."""
        now = time.perf_counter()
        elapsed = now - self.start
        if self.mode == "auto" and epoch == 1:
            self.mode = elapsed * self.total > AUTO_PROGRESS_AFTER
        done = epoch == self.total
        if self.mode is True and (now - self.last >= PROGRESS_INTERVAL or (done and self.printed) or epoch == 1):
            eta = elapsed / epoch * (self.total - epoch)
            print(
                f"epoch {epoch:>{len(str(self.total))}}/{self.total}  loss {loss:.4g}  |g| {grad_norm:.3g}  "
                f"{elapsed:.0f} s" + ("" if done else f" (about {eta:.0f} s left)"),
                flush=True,
            )
            self.last, self.printed = now, True
        return elapsed
