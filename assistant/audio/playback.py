"""What the loudspeaker has played, on the clock: the echo canceller's reference and the simulated room's
source.

A `PlaybackReference` keeps each clip the speaker starts (as 16 kHz float samples) at the clock time its
sound leaves the loudspeaker (the time `play` was called plus the output latency). One voice at a time:
a new clip cuts the one playing, and `stop` cuts it at that moment, as playback does. Old clips are
forgotten after `keep_seconds`.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

import numpy as np

from assistant.audio.resample import resample
from assistant.messages import SAMPLE_RATE

_LOGGER = logging.getLogger(__name__)


@dataclass
class _Clip:
    start: float
    """Clock time of the first sample leaving the loudspeaker."""
    samples: np.ndarray
    """16 kHz float32."""

    @property
    def end(self) -> float:
        return self.start + len(self.samples) / SAMPLE_RATE


class PlaybackReference:
    """A timeline of what was played; `render(start, count)` gives the loudspeaker's signal."""

    def __init__(self, latency: float = 0.0, keep_seconds: float = 60.0) -> None:
        self.latency = latency
        """Seconds from `play` to the sound leaving the loudspeaker (the output device's latency)."""
        self.keep_seconds = keep_seconds
        self._clips: list[_Clip] = []
        self._lock = threading.Lock()  # a speaker's feeder thread queues pieces while the loop renders

    def play(self, at: float, samples: np.ndarray, rate: int) -> None:
        """A clip started at clock time `at` (int16 or float samples at `rate`), cutting the one playing."""
        self.stop(at)
        self._add(at + self.latency, samples, rate)

    def queue(self, at: float, samples: np.ndarray, rate: int) -> None:
        """A clip queued at clock time `at` behind what is playing (it starts when that ends)."""
        self._add(max(at + self.latency, self.last_end()), samples, rate)

    def _add(self, start: float, samples: np.ndarray, rate: int) -> None:
        audio = samples.astype(np.float32)
        if samples.dtype == np.int16:
            audio /= 32768.0
        if rate != SAMPLE_RATE:
            audio = resample(audio, rate, SAMPLE_RATE)
        with self._lock:
            kept = [clip for clip in self._clips if clip.end > start - self.keep_seconds]
            self._clips = [*kept, _Clip(start, audio)]

    def stop(self, at: float) -> None:
        """Playback was cut at clock time `at`."""
        at += self.latency
        with self._lock:
            for clip in self._clips:
                if clip.end > at:
                    clip.samples = clip.samples[: max(0, round((at - clip.start) * SAMPLE_RATE))]

    def playing(self, start: float, end: float) -> bool:
        """Anything left the loudspeaker between clock times `start` and `end`."""
        return any(clip.start < end and clip.end > start for clip in reversed(list(self._clips)))

    def last_end(self) -> float:
        """When the last sound ended (or will end); -inf when nothing was played."""
        clips = self._clips
        return max((clip.end for clip in clips), default=float("-inf"))

    def render(self, start: float, count: int) -> np.ndarray:
        """`count` samples of the loudspeaker's signal from clock time `start`."""
        out = np.zeros(count, dtype=np.float32)
        first = round(start * SAMPLE_RATE)
        for clip in reversed(list(self._clips)):
            clip_first = round(clip.start * SAMPLE_RATE)
            if clip_first + len(clip.samples) <= first:
                break
            lo = max(first, clip_first)
            hi = min(first + count, clip_first + len(clip.samples))
            if hi > lo:
                out[lo - first : hi - first] += clip.samples[lo - clip_first : hi - clip_first]
        return out
