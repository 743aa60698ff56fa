"""Where a guided session is: the order of steps planned, how far through it the played cues have gone,
whether the last phrase is still being said, and the hold in progress."""

from __future__ import annotations

import math
from dataclasses import dataclass

from assistant.routines.timeline import Cue, HoldStep, Step

EPS = 1e-6


@dataclass
class Hold:
    """The hold in progress (running or paused)."""

    step: int
    length: float
    elapsed: float = 0.0
    """Seconds done before `resumed_at`."""
    resumed_at: float | None = None
    """Clock time the hold (re)started; None while paused."""

    def remaining(self, now: float) -> float:
        running = 0.0 if self.resumed_at is None else now - self.resumed_at
        return max(0.0, self.length - self.elapsed - running)


class Position:
    """Tracks a session's place as its cues are played (`note`), over the steps in `order`."""

    def __init__(self, steps: list[Step]) -> None:
        self.steps = steps
        self.order: list[int] = []
        self.done_upto = -1
        """Index in `order` of the last step a played cue belonged to (-1: none yet)."""
        self.busy_until = -math.inf
        """When the last phrase said ends."""
        self.released_step = -1
        self.hold: Hold | None = None

    def replan(self, order: list[int]) -> None:
        """The steps to go through from now on, none of them done yet."""
        self.order, self.done_upto = list(order), -1

    def note(self, cue: Cue) -> None:
        """Track position as a cue is played."""
        if cue.kind == "hold":
            self.hold = Hold(cue.step, cue.seconds, 0.0, cue.t)
        elif cue.kind == "release" and cue.completed:
            self.hold = None
            self.released_step = cue.step
        if cue.step < 0:
            return
        if cue.step in self.order[self.done_upto + 1 :]:
            self.done_upto = self.order.index(cue.step, self.done_upto + 1)
        if cue.kind == "say":
            self.busy_until = cue.end

    def remaining_order(self, now: float) -> list[int]:
        """Steps still to do: the current one again if its speech was cut, else from the next."""
        if self.done_upto < 0:
            return list(self.order)
        current = self.order[self.done_upto]
        cut = now < self.busy_until - EPS and current != self.released_step
        start = self.done_upto if cut else self.done_upto + 1
        return self.order[start:]

    def after(self, index: int) -> list[int]:
        """The steps that follow step `index` in the current order (or in routine order)."""
        if index in self.order:
            return self.order[self.order.index(index) + 1 :]
        return list(range(index + 1, len(self.steps)))

    def current_exercise(self) -> str | None:
        if self.hold is not None:
            step = self.steps[self.hold.step]
        elif self.done_upto >= 0:
            step = self.steps[self.order[self.done_upto]]
        elif self.order:
            step = self.steps[self.order[0]]
        else:
            return None
        return step.exercise.id if isinstance(step, HoldStep) else step.exercise

    def hold_step(self, index: int) -> HoldStep:
        step = self.steps[index]
        if not isinstance(step, HoldStep):
            raise TypeError(f"step {index} is not a hold")
        return step
