"""A speaker that never raises: an output failure is reported, and the device is retried with back-off.

The bedside loop must keep listening (and keep a routine's timers) when the speaker is unplugged. While
the output is failing, phrases are dropped (and logged); after the back-off the speaker is reopened with
`reopen()` when given, and tried again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from assistant.backoff import Backoff
from assistant.clock import Clock
from assistant.voice.speaker import Speaker
from assistant.voice.speech import estimate_seconds

_LOGGER = logging.getLogger(__name__)


class GuardedSpeaker:
    """Wraps a `Speaker`; `on_error(message)` hears of every failure."""

    def __init__(
        self,
        speaker: Speaker,
        clock: Clock,
        on_error: Callable[[str], None],
        reopen: Callable[[], Speaker] | None = None,
        rate: int = 165,
    ) -> None:
        self.speaker = speaker
        self.clock = clock
        self.on_error = on_error
        self.reopen = reopen
        self.rate = rate
        self.backoff = Backoff()
        self._retry_at = float("-inf")
        self._broken = False

    def duration(self, text: str) -> float:
        if self._usable():
            try:
                return self.speaker.duration(text)
            except Exception as err:  # a synthesiser can fail like a device
                self._failed("duration", err)
        return estimate_seconds(text, self.rate)

    def play(self, text: str) -> None:
        self._guard("play", lambda: self.speaker.play(text), text)

    def play_earcon(self, name: str) -> None:
        self._guard("earcon", lambda: self.speaker.play_earcon(name), f"<{name}>")

    def say(self, text: str) -> None:
        self._guard("say", lambda: self.speaker.say(text), text)

    def stop(self) -> None:
        self._guard("stop", self.speaker.stop, "")

    def is_speaking(self) -> bool:
        if self._broken:
            return False
        try:
            return self.speaker.is_speaking()
        except Exception as err:
            self._failed("is_speaking", err)
            return False

    def close(self) -> None:
        try:
            self.speaker.close()
        except Exception as err:
            _LOGGER.warning("closing the speaker: %s", err)

    def _usable(self) -> bool:
        if not self._broken:
            return True
        if self.clock.now() < self._retry_at:
            return False
        if self.reopen is not None:
            self.close()
            try:
                self.speaker = self.reopen()
            except Exception as err:
                self._failed("reopen", err)
                return False
        _LOGGER.info("trying the speaker again")
        self._broken = False
        return True

    def _guard(self, what: str, action: Callable[[], None], text: str) -> None:
        if not self._usable():
            _LOGGER.info("speaker unavailable, not said: %s", text)
            return
        try:
            action()
        except Exception as err:
            self._failed(what, err)
        else:
            self.backoff.reset()

    def _failed(self, what: str, err: Exception) -> None:
        backoff = self.backoff.fail()
        self._broken = True
        self._retry_at = self.clock.now() + backoff
        message = f"speaker failed ({what}): {err}; retrying in {backoff:g} s"
        _LOGGER.warning("%s", message)
        self.on_error(message)
