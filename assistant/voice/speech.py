"""Synthesised speech as PCM samples, and the small interfaces around it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

SILENCE_LEVEL = 300
"""Samples quieter than this (of 32767) at either end of an utterance are trimmed."""


@dataclass(frozen=True, eq=False)
class Speech:
    """One synthesised utterance."""

    samples: np.ndarray
    """Mono signed 16-bit samples."""
    rate: int
    """Samples per second."""

    @property
    def seconds(self) -> float:
        return len(self.samples) / self.rate


class Synthesizer(Protocol):
    """Turns text into speech without playing it."""

    def synthesize(self, text: str) -> Speech: ...

    def close(self) -> None: ...


class Player(Protocol):
    """Plays samples asynchronously; can be stopped at once."""

    def play(self, samples: np.ndarray, rate: int) -> None:
        """Start playing samples at once, replacing whatever is playing."""
        ...

    def queue(self, samples: np.ndarray, rate: int) -> None:
        """Play samples after what is playing (at once when nothing is)."""
        ...

    def stop(self) -> None: ...

    def is_playing(self) -> bool: ...

    def wait(self, timeout: float | None = None) -> bool: ...

    def close(self) -> None: ...


def trim_silence(samples: np.ndarray, rate: int, margin: float = 0.01) -> np.ndarray:
    """Drop the near-silence an engine puts before and after the words (keeping `margin` seconds)."""
    loud = np.flatnonzero(np.abs(samples.astype(np.int32)) > SILENCE_LEVEL)
    if loud.size == 0:
        return samples[:0]
    keep = int(margin * rate)
    return samples[max(0, loud[0] - keep) : min(len(samples), loud[-1] + 1 + keep)]


def estimate_seconds(text: str, words_per_minute: int) -> float:
    """How long text takes to say, guessed from its length (for speakers that synthesise nothing).

    Calibrated on espeak-ng's English voice: about 5.6 characters a word (a number counts as a
    six-letter word), plus a short pause for each comma.
    """
    words = text.split()
    letters = sum(6 if any(c.isdigit() for c in w) else sum(c.isalpha() for c in w) for w in words)
    letters += max(0, len(words) - 1)
    pauses = sum(text.count(mark) for mark in ",;:") * 0.12
    return round(max(0.4, letters / 5.6 * 60.0 / max(words_per_minute, 60) + pauses), 3)
