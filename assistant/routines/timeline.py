"""A routine as steps, and the planner that turns steps into timed cues that never overlap.

Sequential speech is placed one phrase after another (a gap between). A hold is placed on fixed
times from its start: the release at exactly start + length; progress, the 5-4-3-2-1 countdown
and counted repetitions are optional and kept only where their speech fits without overlapping
anything kept (countdown before progress, later before earlier).
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from assistant.content.files import fill
from assistant.routines.exercises import Exercise, Routine
from assistant.routines.phrases import SessionPhrases

CueKind = Literal["say", "hold", "release"]
_EPS = 1e-9
_KIND_ORDER = {"hold": 0, "release": 1, "say": 2}


@dataclass(frozen=True)
class Cue:
    """One thing that happens at a time: speech starts, a hold starts, or a hold ends."""

    t: float
    """Clock time (seconds) at which it happens."""
    kind: CueKind
    text: str = ""
    """What is said (say cues)."""
    seconds: float = 0.0
    """Say: the planned speech length. Hold: the hold's length."""
    side: str | None = None
    """"left"/"right" for a sided hold or release."""
    exercise: str | None = None
    """The exercise id this cue belongs to."""
    step: int = -1
    """Index of the step it comes from; -1 for replies to a control."""
    completed: bool = True
    """Release: False when a control ended the hold early."""

    @property
    def end(self) -> float:
        return self.t + self.seconds if self.kind == "say" else self.t

    def to_json(self, origin: float = 0.0) -> dict[str, Any]:
        """The `--dry-run --json` form: t (from origin) and exactly one of say / hold / release."""
        out: dict[str, Any] = {"t": round(self.t - origin, 3)}
        if self.kind == "say":
            out["say"] = self.text
        elif self.kind == "hold":
            out["hold"] = round(self.seconds, 3)
            if self.side:
                out["side"] = self.side
            out["exercise"] = self.exercise
        else:
            out["release"] = True
            if self.side:
                out["side"] = self.side
        return out


@dataclass(frozen=True)
class SayStep:
    """A sentence said in sequence."""

    text: str
    exercise: str | None = None
    instruction: bool = False
    """True for an exercise's instruction steps (what "repeat" says again)."""


@dataclass(frozen=True)
class HoldStep:
    """An announced hold or counted set, ending with its release."""

    exercise: Exercise
    announce: str
    side: str | None = None
    direction: str | None = None

    @property
    def seconds(self) -> float:
        return self.exercise.set_seconds()


Step = SayStep | HoldStep


@dataclass(frozen=True)
class Timing:
    """How cues are spaced."""

    gap: float = 0.25
    """Silence kept between two phrases."""
    release_delay: float = 0.0
    """The release phrase follows the release by this much (room for the hold-end earcon)."""
    progress_every: float = 10.0
    """Progress is said at each multiple of this many seconds left."""
    countdown_from: int = 5


def build_steps(routine: Routine, phrases: SessionPhrases) -> list[Step]:
    """The whole routine as a list of steps, in order."""
    steps: list[Step] = []
    if not routine.is_single:
        steps.append(SayStep(fill(phrases.routine_intro, count=len(routine.exercises), name=routine.name)))
    for ex in routine.exercises:
        steps.append(SayStep(fill(phrases.exercise_intro, name=ex.name), ex.id))
        steps.extend(SayStep(text, ex.id, instruction=True) for text in ex.steps)
        previous_side: str | None = None
        for side in ex.sides or (None,):
            if side is not None:
                template = phrases.first_side if previous_side is None else phrases.switch_side
                steps.append(SayStep(fill(template, side=side, limb=ex.limb), ex.id))
                previous_side = side
            for direction in ex.directions or (None,):
                template = ex.announce or phrases.hold_start
                values = {"seconds": ex.set_seconds(), "count": ex.count, "side": side, "limb": ex.limb}
                steps.append(HoldStep(ex, fill(template, direction=direction, **values), side, direction))
        if routine.is_single:
            steps.append(SayStep(fill(phrases.exercise_finished, name=ex.name), ex.id))
    if not routine.is_single:
        steps.append(SayStep(fill(phrases.routine_finished, name=routine.name)))
    return steps


class Planner:
    """Places steps on a time line; `duration(text)` says how long a phrase takes to speak."""

    def __init__(
        self,
        steps: Sequence[Step],
        phrases: SessionPhrases,
        duration: Callable[[str], float],
        timing: Timing,
    ) -> None:
        self.steps = steps
        self.phrases = phrases
        self.duration = duration
        self.timing = timing

    def say(self, t: float, text: str, step: int = -1, exercise: str | None = None) -> Cue:
        return Cue(t, "say", text, self.duration(text), exercise=exercise, step=step)

    def replies(self, t: float, texts: Iterable[str], exercise: str | None = None) -> list[Cue]:
        """Control replies said one after another from t (not tied to a step)."""
        out: list[Cue] = []
        for text in texts:
            cue = self.say(t, text, exercise=exercise)
            out.append(cue)
            t = cue.end + self.timing.gap
        return out

    def from_steps(self, order: Iterable[int], t: float) -> Generator[Cue, None, float]:
        """Cues for the steps in `order`, the first starting at t. Lazily: speech is measured as needed."""
        for index in order:
            step = self.steps[index]
            if isinstance(step, SayStep):
                cue = self.say(t, step.text, index, step.exercise)
                yield cue
                t = cue.end + self.timing.gap
                continue
            announce = self.say(t, step.announce, index, step.exercise.id)
            yield announce
            start = announce.end + self.timing.gap
            yield Cue(
                start, "hold", seconds=step.seconds, side=step.side, exercise=step.exercise.id, step=index
            )
            t = yield from self.hold_rest(index, start, 0.0, step.seconds, (), fresh=True)
        return t

    def hold_rest(
        self,
        index: int,
        at: float,
        elapsed: float,
        length: float,
        reserved: Sequence[Cue],
        fresh: bool = False,
    ) -> Generator[Cue, None, float]:
        """The rest of hold `index` from clock time `at`, when `elapsed` of its `length` is done.

        `reserved` (control replies starting at `at`) are kept if they end before the release.
        Returns the time the next step may start.
        """
        step = self.steps[index]
        if not isinstance(step, HoldStep):
            raise TypeError(f"step {index} is not a hold")
        ex = step.exercise
        release_t = at + (length - elapsed)
        release = Cue(release_t, "release", side=step.side, exercise=ex.id, step=index)
        done_text = self.phrases.count_done if ex.counted else self.phrases.release
        release_say = self.say(release_t + self.timing.release_delay, done_text, index, ex.id)
        kept: list[Cue] = [release_say]
        for cue in reserved:
            if cue.end + self.timing.gap > release_say.t + _EPS:
                break
            kept.append(cue)
        for offset, text in self._optional(ex, length):
            due = at + (offset - elapsed)
            if offset < elapsed - _EPS or (offset < elapsed + _EPS and not fresh):
                continue
            cue = self.say(due, text, index, ex.id)
            if not any(self._overlap(cue, other) for other in kept):
                kept.append(cue)
        cues = sorted([release, *kept], key=lambda c: (c.t, _KIND_ORDER[c.kind]))
        yield from cues
        return release_say.end + self.timing.gap

    def _optional(self, ex: Exercise, length: float) -> Iterator[tuple[float, str]]:
        """(offset from hold start, text) of optional cues, most important first."""
        p, timing = self.phrases, self.timing
        if ex.counted:
            rep = 1
            while (rep - 1) * ex.seconds_per_rep < length - _EPS:
                yield (rep - 1) * ex.seconds_per_rep, fill(p.count_number, n=rep)
                rep += 1
            return
        for n in range(1, timing.countdown_from + 1):
            if n < length - _EPS:
                yield length - n, fill(p.countdown, n=n)
        left = timing.progress_every
        while left < length - _EPS:
            if left > timing.countdown_from:
                template = p.last_progress if left <= timing.progress_every else p.progress
                yield length - left, fill(template, seconds=left)
            left += timing.progress_every

    def _overlap(self, a: Cue, b: Cue) -> bool:
        gap = self.timing.gap
        return a.t < b.end + gap - _EPS and b.t < a.end + gap - _EPS
