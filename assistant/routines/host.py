"""Runs guided routines inside the bedside loop: starts one after its announcement, keeps its cues on time
(polled from the loop, no thread), routes voice controls to it, and reports its cues as events."""

from __future__ import annotations

import logging
from collections.abc import Callable

from assistant.clock import Clock
from assistant.loop.events import EventLog, EventSink
from assistant.routines.exercises import ExerciseBook
from assistant.routines.phrases import SessionPhrases
from assistant.routines.runner import SessionRunner
from assistant.routines.session import Session
from assistant.routines.timeline import Cue, Timing
from assistant.voice.earcons import earcon_seconds
from assistant.voice.speaker import Speaker

_LOGGER = logging.getLogger(__name__)


class RoutineHost:
    """At most one routine at a time: pending (announced, not yet started), running, or none."""

    def __init__(
        self,
        book: ExerciseBook,
        phrases: SessionPhrases,
        speaker: Speaker,
        clock: Clock,
        emit: EventSink,
        origin: float = 0.0,
        hold: float | None = None,
        earcons: bool = True,
    ) -> None:
        self.book = book
        self.phrases = phrases
        self.speaker = speaker
        self.clock = clock
        self.events = EventLog(emit, clock, origin)
        """Where the routine's events go (the bedside loop reports through the same log)."""
        self.hold = hold
        self.earcons = earcons
        self.on_end: Callable[[str, bool, float], None] | None = None
        """Told when a routine ends: its name, whether it ran to its end, and the seconds it ran."""
        self._began = 0.0
        self.name: str | None = None
        self.runner: SessionRunner | None = None
        self._start_at: float | None = None
        self._wakeup: float | None = None
        self._announcing = False
        self._held = False
        """Paused before its first cue (a "pause" said over the announcement)."""

    @property
    def active(self) -> bool:
        """A routine is announced or running (voice controls go to it)."""
        return self.name is not None

    @property
    def paused(self) -> bool:
        """A routine is paused (by voice), before its first cue or during it."""
        runner = self.runner
        return self._held or (runner is not None and runner.session.paused)

    @property
    def announcing(self) -> bool:
        """A routine was begun and waits for its announcement to end (`announcement_ended`)."""
        return self._announcing

    def next_wakeup(self) -> float | None:
        """When `tick` next has something to do (None: nothing planned, e.g. paused or idle)."""
        return self._start_at if self._start_at is not None else self._wakeup

    def begin(self, name: str, at: float | None = None) -> None:
        """Start routine `name` at clock time `at`, or (None) at the time `announcement_ended` gives once
        the reply announcing it has been said."""
        if self.active:
            self.end("stopped")
        routine = self.book.routine(name, self.hold)
        timing = Timing(release_delay=earcon_seconds("hold_end") + 0.05 if self.earcons else 0.0)
        session = Session(routine, self.phrases, self.speaker.duration, timing)
        self.runner = SessionRunner(session, self.speaker, self.clock, self.earcons, on_cue=self._on_cue)
        self.name, self._start_at, self._wakeup = name, at, None
        self._began = self.clock.now()
        self._announcing, self._held = at is None, False
        self.events.report("routine", name=name, state="started")

    def announcement_ended(self, start_at: float) -> None:
        """The announcement has been said: a routine waiting for it starts at clock time `start_at`."""
        if self._announcing:
            self._announcing = False
            self._start_at = start_at

    def tick(self) -> None:
        """Start or advance the routine when its time has come."""
        if self.runner is None:
            return
        now = self.clock.now()
        if self._start_at is not None:
            if now < self._start_at:
                return
            self._start_at = None
            self._wakeup = self.runner.start()
        elif self._wakeup is not None and now >= self._wakeup:
            self._wakeup = self.runner.poll()
        self._check_finished()

    def control(self, name: str) -> None:
        """Apply a voice control (pause, resume, stop, next, repeat, time_left, extend, other_side)."""
        if self.runner is None:
            return
        if self._start_at is not None or self._announcing or self._held:
            self._before_start(name)
            return
        self._wakeup = self.runner.control(name)
        self._check_finished("stopped" if name == "stop" else "finished")

    def _before_start(self, name: str) -> None:
        """A control while the announcement plays (or paused before the start): stop ends it, pause cuts
        the announcement and waits, resume starts it now; the others wait for the routine."""
        if name == "stop":
            self.speaker.stop()
            self.end("stopped")
        elif name == "pause" and not self._held:
            self.speaker.stop()
            self._start_at, self._announcing, self._held = None, False, True
            text = self.phrases.paused
            self.speaker.play(text)
            self.events.say(text, self.speaker.duration(text), source="routine")
        elif name == "resume" and self._held:
            self._start_at, self._held = self.clock.now(), False
            self.tick()

    def end(self, state: str) -> None:
        """Forget the routine (state: finished or stopped), without saying anything."""
        if self.name is not None:
            self.events.report("routine", name=self.name, state=state)
            if self.on_end is not None:
                self.on_end(self.name, state == "finished", self.clock.now() - self._began)
        self.name, self.runner, self._start_at, self._wakeup = None, None, None, None
        self._announcing = self._held = False

    def _check_finished(self, state: str = "finished") -> None:
        runner = self.runner
        if runner is not None and runner.session.finished:
            self.end(state)

    def _on_cue(self, cue: Cue, played_at: float) -> None:
        if cue.kind == "say":
            self.events.say(cue.text, cue.seconds, source="routine")
        elif cue.kind == "hold":
            self.events.report("hold", seconds=cue.seconds, exercise=cue.exercise, side=cue.side)
        else:
            self.events.report("release", exercise=cue.exercise, side=cue.side, completed=cue.completed)
