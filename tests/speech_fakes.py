"""Hand-written fakes for the speech-output tests: a recording speaker and a tone synthesiser."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from assistant.clock import Clock
from assistant.routines.exercises import Exercise, Routine
from assistant.voice.speech import Speech


@dataclass(frozen=True)
class Played:
    t: float
    text: str


class FakeSpeaker:
    """Records what it is asked to say and when; speech lasts `duration(text)` on the clock."""

    def __init__(self, clock: Clock, duration: Callable[[str], float] | None = None) -> None:
        self.clock = clock
        self._duration = duration or (lambda text: 0.08 * len(text))
        self.played: list[Played] = []
        self.earcons: list[Played] = []
        self.stops: list[float] = []
        self._until = -1.0

    def duration(self, text: str) -> float:
        return self._duration(text)

    def play(self, text: str) -> None:
        self.played.append(Played(self.clock.now(), text))
        self._until = self.clock.now() + self.duration(text)

    def play_earcon(self, name: str) -> None:
        self.earcons.append(Played(self.clock.now(), name))

    def say(self, text: str) -> None:
        self.play(text)
        self.clock.sleep(self.duration(text))

    def stop(self) -> None:
        self.stops.append(self.clock.now())
        self._until = min(self._until, self.clock.now())

    def is_speaking(self) -> bool:
        return self.clock.now() < self._until

    def close(self) -> None:
        pass


class ToneSynth:
    """Speech stand-in: a 300 Hz tone as long as the text is (0.05 s a character)."""

    def __init__(self, rate: int = 22050) -> None:
        self.rate = rate
        self.calls = 0

    def synthesize(self, text: str) -> Speech:
        self.calls += 1
        n = int(0.05 * len(text) * self.rate)
        t = np.arange(n) / self.rate
        return Speech((np.sin(2 * np.pi * 300 * t) * 8000).astype(np.int16), self.rate)

    def close(self) -> None:
        pass


def short_routine(hold: float = 3.0, sides: tuple[str, ...] = ()) -> Routine:
    """A one-exercise routine with a short hold, for real-time tests."""
    exercise = Exercise(
        id="calf_stretch",
        name="calf stretch",
        source="test",
        steps=("Lean on the wall.",),
        sides=sides,
        hold=hold,
        hold_range=(1.0, 60.0),
    )
    return Routine(id="calf_stretch", name="calf stretch", source="test", exercises=(exercise,))
