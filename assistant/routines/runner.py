"""Plays a Session's cues on a Speaker, on a Clock (real time, or virtual for renders and tests)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from assistant.clock import Clock
from assistant.routines.session import Session
from assistant.routines.timeline import Cue
from assistant.voice.speaker import Speaker

_LOGGER = logging.getLogger(__name__)
_MAX_TAIL = 60.0
"""At the end, wait at most this long for the last phrase to finish."""


class SessionRunner:
    """Drives a session: `run()` blocks to the end; or call `start()`, `poll()` and `control()` yourself.

    `on_cue(cue, played_at)` sees every cue as it is played. Controls cut off any speech at once.
    """

    def __init__(
        self,
        session: Session,
        speaker: Speaker,
        clock: Clock,
        earcons: bool = True,
        on_cue: Callable[[Cue, float], None] | None = None,
    ) -> None:
        self.session = session
        self.speaker = speaker
        self.clock = clock
        self.earcons = earcons
        self.on_cue = on_cue
        self._lock = threading.Lock()

    def start(self) -> float | None:
        with self._lock:
            self._play(self.session.start(self.clock.now()))
            return self.session.next_wakeup()

    def poll(self) -> float | None:
        """Play what is due now; returns when to poll next (None when finished or paused)."""
        with self._lock:
            while (cue := self.session.pop_due(self.clock.now())) is not None:
                self._play([cue])
            return self.session.next_wakeup()

    def control(self, name: str) -> float | None:
        """Apply a control (pause, resume, stop, next, repeat, time_left, extend, other_side) now."""
        with self._lock:
            self.speaker.stop()
            self._play(self.session.control(name, self.clock.now()))
            wakeup = self.session.next_wakeup()
        wake = getattr(self.clock, "wake", None)
        if wake is not None:
            wake()
        return wakeup

    def run(self) -> None:
        """Play the whole session; returns when it is finished. While paused it waits for a control
        from another thread (so on a virtual clock, only run sessions that nobody pauses)."""
        wakeup = self.start()
        while not self.session.finished:
            if wakeup is None:
                self.clock.sleep(0.1)
            else:
                self.clock.sleep_until(wakeup)
            wakeup = self.poll()
        self.wait_quiet()

    def wait_quiet(self) -> None:
        deadline = self.clock.now() + _MAX_TAIL
        while self.speaker.is_speaking() and self.clock.now() < deadline:
            self.clock.sleep(0.02)

    def _play(self, cues: list[Cue]) -> None:
        for cue in cues:
            now = self.clock.now()
            if self.on_cue is not None:
                self.on_cue(cue, now)
            if cue.kind == "say":
                if self.speaker.is_speaking():
                    _LOGGER.debug("cutting speech for %r", cue.text)
                    self.speaker.stop()
                self.speaker.play(cue.text)
            elif cue.kind == "release" and cue.completed and self.earcons:
                self.speaker.play_earcon("hold_end")
            _LOGGER.debug("cue %s at %.3f (planned %.3f)", cue.kind, now, cue.t)
