"""Drives a `Bedside` from an audio source until stopped: reopens a failing microphone with back-off.

A microphone that disappears (USB unplugged) raises `AudioError` from iteration; the error is reported,
the loop waits (1 s, 2 s, 4 s ... up to 30 s, while routine timers keep running) and opens the source
again. A finite source (a WAV file) ends the loop when it runs out. `stop()` may be called from a signal
handler: the loop ends within about a chunk (a microphone's poll is 0.25 s).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from assistant.audio.source import AudioSource
from assistant.backoff import Backoff
from assistant.errors import AudioError
from assistant.loop.bedside import Bedside

_LOGGER = logging.getLogger(__name__)
STEADY_SECONDS = 10.0
"""Audio flowing this long after a reopen resets the back-off (a flapping device keeps backing off)."""
TICK_SECONDS = 0.05
"""While waiting to retry, how often routine timers are advanced."""


class ListenLoop:
    """`run()` feeds chunks from `open_source()` to the bedside until the input ends or `stop()`."""

    def __init__(
        self,
        bedside: Bedside,
        open_source: Callable[[], AudioSource],
        finite: bool = False,
    ) -> None:
        self.bedside = bedside
        self.open_source = open_source
        self.finite = finite
        """True for a file: its end ends the loop (a microphone's end is a failure to retry)."""
        self.clock = bedside.clock
        self.backoff = Backoff()
        self._stopping = False
        self._source: AudioSource | None = None

    def stop(self) -> None:
        """End the loop soon (safe from a signal handler or another thread)."""
        self._stopping = True
        source = self._source
        if source is not None:
            source.close()
        wake = getattr(self.clock, "wake", None)
        if wake is not None:
            wake()

    def run(self) -> None:
        self.bedside.start()
        while not self._stopping:
            try:
                self._source = self.open_source()
                ended = self._pump(self._source)
            except AudioError as err:
                if self._stopping:
                    break
                self._failed(str(err))
                continue
            finally:
                self._close_source()
            if ended and self.finite:
                if not self._stopping:
                    self.bedside.finish(lambda: self._stopping)
                break
            if ended and not self._stopping:
                self._failed("the microphone stream ended")
        self.bedside.events.report("stopped")

    def _pump(self, source: AudioSource) -> bool:
        """Feeds every chunk; True when the source ran out, False when stopped."""
        since: float | None = None
        for chunk in source:
            if self._stopping:
                return False
            if since is None:
                since = self.clock.now()
                if self.backoff.failures:
                    _LOGGER.warning("microphone is back")
            elif self.backoff.failures and self.clock.now() - since >= STEADY_SECONDS:
                self.backoff.reset()
            self.bedside.feed(chunk)
        return not self._stopping

    def _failed(self, message: str) -> None:
        backoff = self.backoff.fail()
        _LOGGER.warning("%s; trying again in %g s", message, backoff)
        self.bedside.events.report("error", message=f"{message}; retrying in {backoff:g} s")
        until = self.clock.now() + backoff
        while not self._stopping and self.clock.now() < until:
            self.clock.sleep_until(min(until, self.clock.now() + TICK_SECONDS))
            self.bedside.tick()

    def _close_source(self) -> None:
        source, self._source = self._source, None
        if source is not None:
            try:
                source.close()
            except Exception as err:  # a vanished device can fail to close; that is not news
                _LOGGER.debug("closing the source: %s", err)
