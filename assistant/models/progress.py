"""A one-line download progress bar for stderr, redrawn at most a few times a second."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Protocol, TextIO

_MB = 1_000_000


class Progress(Protocol):
    """Told how far a download has got."""

    def start(self, done: int, total: int | None) -> None:
        """The download begins (or resumes) with `done` bytes already on disk, of `total` if known."""

    def update(self, done: int) -> None:
        """`done` bytes are on disk now."""

    def finish(self) -> None:
        """The download has ended (complete or not)."""


class NoProgress:
    """Shows nothing (stderr is not a terminal and no bar was asked for)."""

    def start(self, done: int, total: int | None) -> None:
        pass

    def update(self, done: int) -> None:
        pass

    def finish(self) -> None:
        pass


class ProgressBar:
    """Draws `label [#####-----]  45%  18.5/41.2 MB  3.1 MB/s` on one line, carriage-return redrawn."""

    def __init__(
        self,
        stream: TextIO,
        label: str,
        *,
        width: int = 30,
        interval: float = 0.1,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._stream = stream
        self._label = label
        self._width = width
        self._interval = interval
        self._clock = clock
        self._total: int | None = None
        self._first = 0
        self._done = 0
        self._started = 0.0
        self._drawn_at: float | None = None

    def start(self, done: int, total: int | None) -> None:
        self._first = self._done = done
        self._total = total
        self._started = self._clock()
        self._draw()

    def update(self, done: int) -> None:
        self._done = done
        now = self._clock()
        if self._drawn_at is None or now - self._drawn_at >= self._interval:
            self._draw()

    def finish(self) -> None:
        self._draw()
        self._stream.write("\n")
        self._stream.flush()

    def line(self) -> str:
        """The bar as it would be drawn now."""
        elapsed = self._clock() - self._started
        rate = (self._done - self._first) / elapsed if elapsed > 0 else 0.0
        speed = f"{rate / _MB:.1f} MB/s"
        if self._total:
            share = min(self._done / self._total, 1.0)
            filled = int(share * self._width)
            bar = "#" * filled + "-" * (self._width - filled)
            sizes = f"{self._done / _MB:.1f}/{self._total / _MB:.1f} MB"
            return f"{self._label} [{bar}] {share * 100:3.0f}%  {sizes}  {speed}"
        return f"{self._label}  {self._done / _MB:.1f} MB  {speed}"

    def _draw(self) -> None:
        self._drawn_at = self._clock()
        self._stream.write("\r" + self.line())
        self._stream.flush()
