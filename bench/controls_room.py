"""The bedside loop in a simulated bedroom for `bench_controls`, driven only through its public surface.

`build_loop(...)` builds the loop as `run --speak-to OUT.wav` does (the default voice, Piper when installed
as `make setup` does, renders the assistant's speech into a temporary WAV and the canceller's reference;
the real speexdsp echo canceller, barge-in on); the benchmark then only calls
`bedside.start()`, `bedside.feed(chunk)` (which cancels the echo, paces the endpointer and listens by
itself), `bedside.routines.begin(name, at)`, `bedside.routines.control(name)` (to put the routine back on
the script after a miss), `bedside.routines.active` and `bedside.own_voice.speaking`, and reads the events
the loop emits (`heard` with `action`, `intent`, `timings`; `say` with `source`, `seconds`, `text`;
`hold`; `release`; `routine`). With the room's echo on, each chunk passes `RoomEchoSource.add_echo` (the
loudspeaker beside the microphone, `RoomEcho()` defaults) before `bedside.feed`. Time is a virtual clock:
30 ms chunks, recognition taking no clock time (its real time is measured on the side).
"""

from __future__ import annotations

import logging
import re
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np

from assistant.audio.pcm import float_to_pcm16
from assistant.audio.room import RoomEcho, RoomEchoSource
from assistant.clock import VirtualClock
from assistant.content.loader import Content
from assistant.hearing.recognizer import Transcriber
from assistant.loop.events import Event, Recorder
from assistant.loop.setup import build_loop
from assistant.messages import SAMPLE_RATE, AudioChunk
from assistant.settings import Settings
from assistant.understanding.understanding import Understanding
from bench.controls_trials import HOLD_QUIET, HOLD_VOICE, OVER_CUE, PAUSED, Stamped, Step

CHUNK = 480
"""30 ms, as the microphone hands them over."""
WARM_UP = 4.0
"""Seconds of the first routine's speech before the first control (the canceller learns the room)."""
QUIET_BEFORE = 0.8
"""Seconds the assistant has been quiet at a "quiet" moment."""
LONG_CUE = 2.5
"""A cue outside a hold at least this long (an instruction) is talked over from 0.3 s in to 1.2 s before
its end."""
PAUSING = ("pause",)
UNPAUSING = ("resume", "next", "stop", "other_side")


class _NoMicrophone:
    """The loop's own source is never opened: the benchmark feeds the chunks."""

    def __iter__(self) -> Iterator[AudioChunk]:
        return iter(())

    def close(self) -> None:
        pass


class Warnings(logging.Handler):
    """Collects the loop's warnings (e.g. the canceller falling back to half-duplex) instead of printing."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(re.sub(r"[-+]?\d+(\.\d+)?", "N", record.getMessage()))


class StampingRecorder(Recorder):
    """Keeps every event, and when it arrived: the clock's time, the real time, and the feed call."""

    def __init__(self, clock: VirtualClock) -> None:
        super().__init__()
        self.clock = clock
        self.stamped: list[Stamped] = []
        self.call = -1

    def __call__(self, event: Event) -> None:
        super().__call__(event)
        self.stamped.append(Stamped(event, self.clock.now(), time.perf_counter(), self.call))


class BedsideInRoom:
    """One loop in the bedroom: feed it a person's speech over the bed's steady noise (`bed`, looped)."""

    def __init__(
        self,
        settings: Settings,
        content: Content,
        recognizer: Transcriber,
        bed: np.ndarray,
        echo: bool,
        understanding: Understanding | None = None,
    ) -> None:
        self.clock = VirtualClock()
        self.recorder = StampingRecorder(self.clock)
        self._folder = tempfile.TemporaryDirectory(prefix="controls-bench-")
        self.parts = build_loop(
            settings,
            self.clock,
            self.recorder,
            Path(self._folder.name) / "spoken.wav",
            "null",
            _NoMicrophone,
            finite=True,
            recognizer=recognizer,
            content=content,
            seed=7,
            barge_in=True,
            understanding=understanding,
        )
        self.bedside = self.parts.bedside
        self.warnings = Warnings()
        logging.getLogger("assistant").addHandler(self.warnings)
        if echo and self.parts.playback is None:
            raise RuntimeError("build_loop gave no playback reference: cannot simulate the room's echo")
        self.room = (
            RoomEchoSource(_NoMicrophone(), self.parts.playback, self.clock, RoomEcho())
            if echo and self.parts.playback is not None
            else None
        )
        self.bed_noise = bed
        self._bed_at = 0
        self.fed = 0.0
        self.cpu = 0.0
        self.call_at: list[float] = []
        """Clock time of each feed call (its chunk's end), by serial."""
        self.call_start: list[float] = []
        self.call_seconds: list[float] = []
        """Real time each feed call took, by serial."""
        self.spoke_at = float("-inf")
        self.repairs = 0
        self._seen = 0
        self.paused = False
        self.hold_at: float | None = None
        self.cue: tuple[float, float] | None = None
        """(clock start, seconds) of the routine's latest spoken cue."""
        self.first_cue: float | None = None
        self.bedside.start()

    # --- feeding -----------------------------------------------------------------------------------

    def feed(self, person: np.ndarray) -> bool:
        """The person's samples (zeros: nobody speaks) over the bed's noise; True if the assistant spoke
        meanwhile."""
        spoke = False
        padded = np.concatenate([person, np.zeros(-len(person) % CHUNK, dtype=np.float32)])
        for offset in range(0, len(padded), CHUNK):
            at = (self._bed_at + np.arange(CHUNK)) % len(self.bed_noise)
            self._bed_at = int(at[-1]) + 1
            self.clock.sleep(CHUNK / SAMPLE_RATE)
            chunk = AudioChunk(float_to_pcm16(self.bed_noise[at] + padded[offset : offset + CHUNK]), self.fed)
            if self.room is not None:
                chunk = self.room.add_echo(chunk)
            self.recorder.call = len(self.call_seconds)
            self.call_at.append(self.clock.now())
            cpu, began = time.process_time(), time.perf_counter()
            self.bedside.feed(chunk)
            self.call_start.append(began)
            self.call_seconds.append(time.perf_counter() - began)
            self.cpu += time.process_time() - cpu
            self.recorder.call = -1
            self.fed += CHUNK / SAMPLE_RATE
            if self.bedside.own_voice.speaking:
                spoke, self.spoke_at = True, self.clock.now()
            self._follow()
        return spoke

    def bed(self, seconds: float) -> None:
        self.feed(np.zeros(int(seconds * SAMPLE_RATE), dtype=np.float32))

    def until(
        self, done: Callable[[], bool], limit: float, give_up: Callable[[], bool] = lambda: False
    ) -> bool:
        """Feeds the bed's noise until `done()` (True), `give_up()` or `limit` seconds (False); one chunk
        first, so what the loop was just told (a routine begun, a control applied) shows in its state."""
        end = self.clock.now() + limit
        self.bed(CHUNK / SAMPLE_RATE)
        while not done():
            if self.clock.now() >= end or give_up():
                return False
            self.bed(CHUNK / SAMPLE_RATE)
        return True

    def close(self) -> None:
        logging.getLogger("assistant").removeHandler(self.warnings)
        self.parts.close()
        self._folder.cleanup()

    # --- the routine, as its events tell it ------------------------------------------------------------

    def _follow(self) -> None:
        stamped = self.recorder.stamped
        for s in stamped[self._seen :]:
            kind, event = s.event.get("event"), s.event
            if kind == "routine":
                self.paused, self.hold_at = False, None
            elif kind == "hold":
                self.hold_at = s.at
            elif kind == "release":
                self.hold_at = None
            elif kind == "say" and event.get("source") == "routine":
                self.cue = (s.at, float(event.get("seconds", 0.0)))
                self.first_cue = s.at if self.first_cue is None else self.first_cue
            elif (kind == "heard" and event.get("action") == "control") or kind == "control":
                self._applied(str(event.get("control", event.get("intent"))))
        self._seen = len(stamped)

    def _applied(self, control: str) -> None:
        if control in PAUSING:
            self.paused = True
        elif control in UNPAUSING:
            self.paused = False

    def begin(self, name: str) -> None:
        """Start exercise or routine `name` afresh (as if the person had asked for it)."""
        self.bedside.routines.begin(name, self.clock.now() + 0.3)
        self._follow()

    def force(self, control: str) -> None:
        """Apply a control the loop did not take (a miss, or a wrong one), so the next step is valid."""
        if self.bedside.routines.active:
            self.repairs += 1
            self.bedside.routines.control(control)
            self._applied(control)
            self._follow()

    # --- moments ---------------------------------------------------------------------------------------

    def at_moment(self, moment: str) -> bool:
        now, active = self.clock.now(), self.bedside.routines.active
        speaking = self.bedside.own_voice.speaking
        if not active or self.first_cue is None or now < self.first_cue + WARM_UP:
            return False
        quiet = not speaking and now >= self.spoke_at + QUIET_BEFORE
        if moment == PAUSED:
            return self.paused and quiet and now >= self.spoke_at + 1.0
        if self.paused:
            return False
        if moment == OVER_CUE:
            cue = self.cue
            return (
                self.hold_at is None
                and speaking
                and cue is not None
                and cue[1] >= LONG_CUE
                and cue[0] + 0.3 <= now <= cue[0] + cue[1] - 1.2
            )
        if self.hold_at is None:
            return False
        if moment == HOLD_QUIET:
            return quiet and now >= self.hold_at + 2.0
        if moment == HOLD_VOICE:  # 0.15 s into a cue of the hold, 0.3 s or more before its end
            cue = self.cue
            return (
                speaking
                and cue is not None
                and self.hold_at <= cue[0] <= now - 0.15 <= cue[0] + cue[1] - 0.45
            )
        raise ValueError(f"unknown moment {moment!r}")

    def _lost(self, moment: str) -> bool:
        """The moment cannot come in the routine as it is now (it must be started afresh)."""
        if not self.bedside.routines.active:
            return True
        if moment == PAUSED:
            return not self.paused
        return self.paused or (moment == OVER_CUE and self.hold_at is not None)

    def reach(self, step: Step, limit: float = 90.0) -> bool:
        """Feeds the bed until the step's moment; starts its routine afresh (and pauses it, for a step
        said while paused) when that moment cannot come as things are. False if it never came."""
        for _ in range(3):
            if step.moment == PAUSED and not self.paused:
                if not self.reach(Step("pause", HOLD_QUIET, step.routine), limit):
                    return False
                self.force("pause")
            if not self.bedside.routines.active:
                self.begin(step.routine)
            if self.until(lambda: self.at_moment(step.moment), limit, lambda: self._lost(step.moment)):
                return True
            if step.moment != PAUSED or not self.bedside.routines.active:
                self.begin(step.routine)
        return False
