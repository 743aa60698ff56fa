"""A simulated room for tests and demos (`run --mic-file F.wav --room-echo`): what the assistant says comes
back into the microphone signal as it would from a loudspeaker beside the microphone.

The echo is the loudspeaker's signal (`PlaybackReference`) through a room impulse response: a direct path
after `delay_ms`, scaled by `gain`, followed by a reverberation tail: decaying noise (seeded, so runs are
reproducible) whose energy is `tail_db` below the direct path's, falling 60 dB over `tail_ms`. It is added to
each chunk of the wrapped source at the clock time the chunk was captured, so it follows the assistant's
speech as it is cut off, in real time and with `--fast` alike.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from assistant.audio.pcm import float_to_pcm16, pcm16_to_float
from assistant.audio.playback import PlaybackReference
from assistant.audio.source import AudioSource
from assistant.clock import Clock
from assistant.messages import SAMPLE_RATE, AudioChunk

_LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True)
class RoomEcho:
    """How the simulated loudspeaker reaches the microphone."""

    delay_ms: float = 30.0
    """Sound path from loudspeaker to microphone plus converter delay (a speaker 30-50 cm away, ~30 ms)."""
    gain: float = 0.5
    """The direct path's level relative to what is played (0.5 = -6 dB: a speaker beside the mic)."""
    tail_ms: float = 200.0
    """Reverberation time (60 dB decay) of a small furnished bedroom."""
    tail_db: float = -8.0
    """The reverberation tail's energy relative to the direct path's (a direct-to-reverberant ratio of
    8 dB: the loudspeaker is much nearer the microphone than the walls)."""
    seed: int = 5

    def __post_init__(self) -> None:
        if self.delay_ms < 0 or self.tail_ms < 0 or self.gain < 0:
            raise ValueError(f"room echo: delay, tail and gain must not be negative, got {self}")

    def impulse_response(self) -> np.ndarray:
        """The room's impulse response at 16 kHz (the delay included)."""
        delay = round(self.delay_ms * SAMPLE_RATE / 1000)
        tail = max(1, round(self.tail_ms * SAMPLE_RATE / 1000))
        response = np.zeros(delay + 1 + tail, dtype=np.float32)
        response[delay] = self.gain
        decay = np.exp(np.log(1e-3) * np.arange(tail) / tail)  # -60 dB over the tail
        shaped = np.random.default_rng(self.seed).standard_normal(tail) * decay
        energy = self.gain**2 * 10 ** (self.tail_db / 10)
        response[delay + 1 :] = (shaped * np.sqrt(energy / np.sum(shaped**2))).astype(np.float32)
        return response


class RoomEchoSource:
    """Wraps a source: every chunk comes out with the room's echo of the loudspeaker added."""

    def __init__(
        self, source: AudioSource, playback: PlaybackReference, clock: Clock, room: RoomEcho | None = None
    ) -> None:
        self.source = source
        self.playback = playback
        self.clock = clock
        self.room = room or RoomEcho()
        self.response = self.room.impulse_response()
        self._history = np.zeros(len(self.response) - 1, dtype=np.float32)
        self._origin: float | None = None
        """Clock time of the source's timestamp 0 (set by the first chunk)."""

    def close(self) -> None:
        self.source.close()

    def __iter__(self) -> Iterator[AudioChunk]:
        self._history[:] = 0.0
        self._origin = None
        for chunk in self.source:
            yield self.add_echo(chunk)

    def add_echo(self, chunk: AudioChunk) -> AudioChunk:
        """The chunk with the echo added. It was captured when its timestamp says, from the first chunk
        on (that one just now), even when it is handed over late."""
        mic = pcm16_to_float(chunk.audio)
        if self._origin is None:
            self._origin = self.clock.now() - len(mic) / SAMPLE_RATE - chunk.timestamp
        start = self._origin + chunk.timestamp
        played = self.playback.render(start, len(mic))
        signal = np.concatenate([self._history, played])
        self._history = signal[len(played) :]
        if not np.any(signal):
            return chunk
        echo = np.convolve(signal, self.response, mode="valid").astype(np.float32)
        return AudioChunk(float_to_pcm16(mic + echo), chunk.timestamp, chunk.rate)
