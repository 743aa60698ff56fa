"""A guided routine as an event-driven session: cues come due on a clock; controls act at any time.

Drive it with `start(now)`, then `due(now)` whenever `next_wakeup()` is reached, and `control(name, now)`
when the person says something. Every method returns the cues due at `now`, to be played at once.
The hold is timed from its start (and across pauses) on the given times only; speech never delays it.
Where the session is (the steps planned, how far through, the hold in progress) lives in `position`.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Iterator

from assistant.content.files import fill
from assistant.routines.controls import CONTROLS, control_name
from assistant.routines.exercises import Routine
from assistant.routines.phrases import SessionPhrases
from assistant.routines.position import EPS, Hold, Position
from assistant.routines.timeline import Cue, HoldStep, Planner, SayStep, Timing, build_steps

_LOGGER = logging.getLogger(__name__)
EXTEND_SECONDS = 10.0


class Session:
    """One guided routine: its steps, where it is, and the cues still to come."""

    def __init__(
        self,
        routine: Routine,
        phrases: SessionPhrases,
        duration: Callable[[str], float],
        timing: Timing | None = None,
    ) -> None:
        self.routine = routine
        self.phrases = phrases
        self.steps = build_steps(routine, phrases)
        self.planner = Planner(self.steps, phrases, duration, timing or Timing())
        self._plan: Iterator[Cue] = iter(())
        self._peeked: Cue | None = None
        self.position = Position(self.steps)
        self._paused = False
        self._started = False
        self._stopped = False

    # --- driving -------------------------------------------------------------------------------

    def start(self, now: float) -> list[Cue]:
        self._started = True
        self._set_plan(list(range(len(self.steps))), [], now)
        return self.due(now)

    def due(self, now: float) -> list[Cue]:
        """Cues whose time has come, in order; advances the session past them."""
        out: list[Cue] = []
        while (cue := self.pop_due(now)) is not None:
            out.append(cue)
        return out

    def pop_due(self, now: float) -> Cue | None:
        """The next cue if its time has come (play it before asking again: the following phrase is
        only synthesised when asked for, so nothing delays a cue that is already due)."""
        cue = self._peek()
        if cue is None or cue.t > now + EPS:
            return None
        self._peeked = None
        self.position.note(cue)
        return cue

    def next_wakeup(self) -> float | None:
        """When the next cue is due; None when nothing is planned (finished, or paused)."""
        cue = self._peek()
        return None if cue is None else cue.t

    def timeline(self, now: float) -> list[Cue]:
        """Start and run to the end with no controls: every cue (the --dry-run timeline)."""
        cues = self.start(now)
        while (t := self.next_wakeup()) is not None:
            cues.extend(self.due(t))
        return cues

    @property
    def finished(self) -> bool:
        return self._stopped or (self._started and not self._paused and self._peek() is None)

    @property
    def paused(self) -> bool:
        return self._paused

    def remaining(self, now: float) -> float | None:
        """Seconds left in the current hold, or None when no hold is in progress."""
        return None if self.position.hold is None else self.position.hold.remaining(now)

    # --- controls --------------------------------------------------------------------------------

    def control(self, name: str, now: float) -> list[Cue]:
        """Apply a control by name (see `routines.controls`); returns the cues due now (its spoken reply)."""
        method = control_name(name)
        if method is None:
            raise ValueError(f"unknown control {name!r}; one of {', '.join(CONTROLS)}")
        if not self._started or self.finished:
            return []
        cues: list[Cue] = getattr(self, method)(now)
        return cues

    def pause(self, now: float) -> list[Cue]:
        if self._paused:
            return []
        if self.position.hold is not None and self.position.hold.resumed_at is not None:
            self.position.hold.elapsed = self.position.hold.length - self.position.hold.remaining(now)
            self.position.hold.resumed_at = None
        else:
            self.position.replan(self.position.remaining_order(now))
        self._paused = True
        return self._reply_paused(now, [self.phrases.paused])

    def resume(self, now: float) -> list[Cue]:
        if not self._paused:
            return self._continue(now, [self.phrases.not_paused])
        self._paused = False
        if self.position.hold is not None:
            self.position.hold.resumed_at = now
            left = self._whole(self.position.hold.remaining(now))
            return self._continue(now, [fill(self.phrases.resumed_hold, seconds=left)])
        self._set_plan(self.position.order, [self.phrases.resumed], now)
        return self.due(now)

    def stop(self, now: float) -> list[Cue]:
        early = self._end_hold_early(now)
        self._paused = False
        self._set_plan([], [self.phrases.stopped], now, before=early)
        cues = self.due(now)
        self._stopped = True
        return cues

    def next(self, now: float) -> list[Cue]:
        """Skip: end the hold (or the instructions) and go on to the next part."""
        self._paused = False
        if self.position.hold is not None:
            after = self.position.after(self.position.hold.step)
            early = self._end_hold_early(now)
            self._set_plan(after, [self.phrases.skipped], now, before=early)
            return self.due(now)
        order = self.position.remaining_order(now)
        first = order[0] if order else None
        if first is not None and isinstance(self.steps[first], HoldStep):
            order = order[1:]
        else:
            holds = [i for i in order if isinstance(self.steps[i], HoldStep)]
            order = order[order.index(holds[0]) :] if holds else order[-1:]
        self._set_plan(order, [self.phrases.skipped], now)
        return self.due(now)

    def repeat(self, now: float) -> list[Cue]:
        """Say the current exercise's instructions again (the hold keeps running meanwhile)."""
        exercise = self.position.current_exercise()
        texts = [
            s.text for s in self.steps if isinstance(s, SayStep) and s.instruction and s.exercise == exercise
        ]
        return self._continue(now, texts)

    def time_left(self, now: float) -> list[Cue]:
        if self.position.hold is None:
            return self._continue(now, [self.phrases.no_hold])
        left = self._whole(self.position.hold.remaining(now))
        return self._continue(now, [fill(self.phrases.time_left, seconds=left)])

    def extend(self, now: float) -> list[Cue]:
        if self.position.hold is None:
            return self._continue(now, [self.phrases.no_hold])
        self.position.hold.length += EXTEND_SECONDS
        return self._continue(now, [fill(self.phrases.extended, seconds=EXTEND_SECONDS)])

    def other_side(self, now: float) -> list[Cue]:
        """Switch to the same exercise's set on the other side (ending this hold early)."""
        if self.position.hold is None:
            return self._continue(now, [self.phrases.no_hold])
        current = self.position.hold_step(self.position.hold.step)
        target = next(
            (
                i
                for i, s in enumerate(self.steps)
                if isinstance(s, HoldStep)
                and s.exercise.id == current.exercise.id
                and s.side is not None
                and s.side != current.side
                and s.direction == current.direction
            ),
            None,
        )
        if target is None:
            return self._continue(now, [self.phrases.no_sides])
        side = self.position.hold_step(target)
        here = self.position.hold.step
        order = self.position.after(target - 1) if target > here else [target, *self.position.after(here)]
        early = self._end_hold_early(now)
        self._paused = False
        text = fill(self.phrases.other_side, side=side.side, limb=side.exercise.limb)
        self._set_plan(order, [text], now, before=early)
        return self.due(now)

    # --- internals ----------------------------------------------------------------------------

    def _continue(self, now: float, texts: list[str]) -> list[Cue]:
        """Say texts now, then carry on from where the session is (within the hold, if one runs)."""
        if self._paused:
            return self._reply_paused(now, texts)
        hold = self.position.hold
        if hold is not None and hold.resumed_at is not None:
            hold.elapsed = hold.length - hold.remaining(now)
            hold.resumed_at = now
            replies = self.planner.replies(now, texts, self.position.current_exercise())
            after = self.position.after(hold.step)
            self.position.replan([hold.step, *after])
            self._peeked = None
            self._plan = self._chain_hold(hold, now, replies, after)
            return self.due(now)
        self._set_plan(self.position.remaining_order(now), texts, now)
        return self.due(now)

    def _chain_hold(self, hold: Hold, now: float, replies: list[Cue], after: list[int]) -> Iterator[Cue]:
        t = yield from self.planner.hold_rest(hold.step, now, hold.elapsed, hold.length, replies)
        yield from self.planner.from_steps(after, t)

    def _reply_paused(self, now: float, texts: list[str]) -> list[Cue]:
        self._plan, self._peeked = (
            iter(self.planner.replies(now, texts, self.position.current_exercise())),
            None,
        )
        return self.due(now)

    def _set_plan(
        self, order: list[int], texts: list[str], now: float, before: list[Cue] | None = None
    ) -> None:
        replies = self.planner.replies(now, texts, self.position.current_exercise())
        t = replies[-1].end + self.planner.timing.gap if replies else now
        self.position.replan(order)
        self._peeked = None
        self._plan = self._chain(before or [], replies, order, t)

    def _chain(self, before: list[Cue], replies: list[Cue], order: list[int], t: float) -> Iterator[Cue]:
        yield from before
        yield from replies
        yield from self.planner.from_steps(order, t)

    def _end_hold_early(self, now: float) -> list[Cue]:
        if self.position.hold is None:
            return []
        step = self.position.hold_step(self.position.hold.step)
        self.position.hold = None
        return [Cue(now, "release", side=step.side, exercise=step.exercise.id, completed=False)]

    def _peek(self) -> Cue | None:
        if self._peeked is None:
            self._peeked = next(self._plan, None)
        return self._peeked

    @staticmethod
    def _whole(seconds: float) -> int:
        return max(0, math.ceil(seconds - 0.05))
