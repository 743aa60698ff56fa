"""Clocks: the real monotonic clock and a virtual clock that advances instantly (tests, --dry-run)."""

from __future__ import annotations

import threading
import time
from typing import Protocol


class Clock(Protocol):
    """Seconds on a monotonic time line; sleeping may be real or virtual."""

    def now(self) -> float:
        """The current time in seconds (arbitrary origin, never goes backwards)."""
        ...

    def sleep(self, seconds: float) -> None:
        """Wait this many seconds (returns at once for zero or less)."""
        ...

    def sleep_until(self, t: float) -> None:
        """Wait until `now()` reaches t (returns at once if it already has)."""
        ...


class MonotonicClock:
    """The real clock: `time.monotonic()`; sleeps can be cut short with `wake()`."""

    def __init__(self) -> None:
        self._wake = threading.Event()

    def now(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        self.sleep_until(self.now() + seconds)

    def sleep_until(self, t: float) -> None:
        # Event.wait can return a little early; loop until the deadline really passed.
        while True:
            remaining = t - time.monotonic()
            if remaining <= 0:
                return
            if self._wake.wait(remaining):
                self._wake.clear()
                return

    def wake(self) -> None:
        """Make a sleeping `sleep_until` return now (a control arrived from another thread)."""
        self._wake.set()


class VirtualClock:
    """A clock that jumps: `sleep_until(t)` sets the time to t at once. Starts at `start`."""

    def __init__(self, start: float = 0.0) -> None:
        self._now = start

    def now(self) -> float:
        return self._now

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            self._now += seconds

    def sleep_until(self, t: float) -> None:
        self._now = max(self._now, t)

    def advance(self, seconds: float) -> None:
        """Move time forward (same as sleep; reads better in tests)."""
        self.sleep(seconds)
