"""Waits that double after each consecutive failure, up to a ceiling (a device that keeps failing)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Backoff:
    """`fail()` counts a failure and says how long to wait: first, 2 x first, 4 x first ... up to `most`."""

    first: float = 1.0
    """The wait after the first failure, in seconds."""
    most: float = 30.0
    """The longest wait, in seconds."""
    failures: int = 0
    """Failures since the last `reset()`."""

    def fail(self) -> float:
        """Counts one more failure; returns the seconds to wait before trying again."""
        self.failures += 1
        return min(self.most, self.first * 2 ** (self.failures - 1))

    def reset(self) -> None:
        """The device works again: the next failure waits `first` again."""
        self.failures = 0
