"""A speaker that renders into one WAV file: each phrase at its time on the clock, silence between."""

from __future__ import annotations

import logging
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.audio.resample import resample
from assistant.clock import Clock
from assistant.voice.earcons import earcon
from assistant.voice.speech import Synthesizer
from assistant.voice.speech_cache import SpeechCache
from assistant.voice.speech_store import SpeechStore

_LOGGER = logging.getLogger(__name__)


@dataclass
class _Clip:
    start: float
    """Seconds from the start of the file."""
    samples: np.ndarray
    text: str

    def end(self, rate: int) -> float:
        return self.start + len(self.samples) / rate


class WavSpeaker:
    """Renders speech and earcons into `path` (written on `close()`).

    With a clock, a phrase lands at the clock's time (from when the speaker was made); without one,
    phrases follow each other. `stop()` cuts the phrase playing at that moment, as playback would.
    """

    def __init__(
        self,
        path: Path,
        synth: Synthesizer,
        clock: Clock | None = None,
        volume: float = 1.0,
        rate: int = 22050,
        gap: float = 0.3,
        store: SpeechStore | None = None,
    ) -> None:
        self.path = Path(path)
        self.cache = SpeechCache(synth, store=store)
        self.clock = clock
        self.volume = volume
        self.rate = rate
        self.gap = gap
        self.origin = clock.now() if clock else 0.0
        self.clips: list[_Clip] = []
        self._cursor = 0.0

    def duration(self, text: str) -> float:
        return self.cache.get(text).seconds

    def play(self, text: str) -> None:
        speech = self.cache.get(text)
        self._place(resample(speech.samples, speech.rate, self.rate), text)

    def play_earcon(self, name: str) -> None:
        self._place(earcon(name, self.rate, self.volume), f"<{name}>")

    def say(self, text: str) -> None:
        self.play(text)
        if self.clock is not None:
            self.clock.sleep(self.duration(text))

    def stop(self) -> None:
        now = self._now()
        if self.clips and self.clips[-1].end(self.rate) > now:
            clip = self.clips[-1]
            clip.samples = clip.samples[: max(0, int((now - clip.start) * self.rate))]

    def is_speaking(self) -> bool:
        return bool(self.clips) and self.clips[-1].end(self.rate) > self._now() + 1e-9

    def close(self) -> None:
        """Mix every clip into the file."""
        total = max((c.end(self.rate) for c in self.clips), default=0.0)
        mix = np.zeros(int(np.ceil(total * self.rate)) + 1, dtype=np.int32)
        for clip in self.clips:
            first = round(clip.start * self.rate)
            mix[first : first + len(clip.samples)] += clip.samples[: len(mix) - first]
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with wave.open(str(self.path), "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(self.rate)
            out.writeframes(np.clip(mix, -32768, 32767).astype("<i2").tobytes())
        _LOGGER.info("wrote %s (%.1f s, %s phrases)", self.path, total, len(self.clips))
        self.cache.synth.close()

    def _now(self) -> float:
        return self.clock.now() - self.origin if self.clock is not None else self._cursor

    def _place(self, samples: np.ndarray, text: str) -> None:
        if self.clock is None:
            start = self._cursor
            self._cursor = start + len(samples) / self.rate + self.gap
        else:
            self.stop()
            start = self._now()
        self.clips.append(_Clip(start, samples, text))
