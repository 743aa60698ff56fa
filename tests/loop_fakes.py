"""Hand-written fakes for the bedside loop tests: a scripted recogniser, a feeder that plays a microphone
on a virtual clock, flaky microphones and speakers."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import numpy as np
from audio_signals import background, syllables

from assistant.audio.pcm import float_to_pcm16
from assistant.clock import VirtualClock
from assistant.errors import AudioError
from assistant.loop.bedside import Bedside
from assistant.messages import IDLE, SAMPLE_RATE, AudioChunk, Expectation, Transcript

CHUNK = 480
"""Samples per chunk (30 ms)."""


class ScriptedRecognizer:
    """Hears by pitch: each scripted utterance is spoken (`Feeder.speak`) at its own pitch in Hz, and the
    transcript of the nearest scripted pitch is returned. A transcript "!raise" raises (a failing engine).
    """

    def __init__(self, script: dict[float, Transcript | str]) -> None:
        self.script = {
            pitch: item if isinstance(item, Transcript) else Transcript(item, 0.9, "fake")
            for pitch, item in script.items()
        }
        self.heard: list[float] = []

    def transcribe(self, pcm: bytes, expect: Expectation = IDLE) -> Transcript:
        samples = np.frombuffer(pcm, dtype="<i2").astype(np.float64)
        spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples))))
        freqs = np.fft.rfftfreq(len(samples), 1.0 / SAMPLE_RATE)
        band = (freqs >= 70) & (freqs <= 400)
        pitch = float(freqs[band][np.argmax(spectrum[band])])
        self.heard.append(pitch)
        transcript = self.script[min(self.script, key=lambda p: abs(p - pitch))]
        if transcript.text == "!raise":
            raise RuntimeError("decoder crashed")
        return transcript


class Feeder:
    """Plays the microphone for a `Bedside` on a virtual clock: 30 ms chunks of a quiet noise bed, or
    speech-like syllables, each handed over when it would have been captured."""

    def __init__(self, bedside: Bedside, clock: VirtualClock, noise: float = 0.002) -> None:
        self.bedside = bedside
        self.clock = clock
        self.noise = noise
        self._bed = background("brown", 10.0, noise, seed=3)
        self._pos = 0
        self.sent = 0.0

    def _bed_piece(self, n: int) -> np.ndarray:
        indices = (self._pos + np.arange(n)) % len(self._bed)
        self._pos = int(indices[-1]) + 1
        return self._bed[indices]

    def feed(self, samples: np.ndarray) -> None:
        for offset in range(0, len(samples) - CHUNK + 1, CHUNK):
            piece = samples[offset : offset + CHUNK] + self._bed_piece(CHUNK)
            chunk = AudioChunk(float_to_pcm16(piece), timestamp=self.sent)
            self.sent += CHUNK / SAMPLE_RATE
            self.clock.sleep(CHUNK / SAMPLE_RATE)
            self.bedside.feed(chunk)

    def silence(self, seconds: float) -> None:
        self.feed(np.zeros(int(seconds * SAMPLE_RATE), dtype=np.float32))

    def speak(self, pitch: float, seconds: float = 1.0, after: float = 1.0) -> None:
        """Speech-like sound at `pitch` (which names the scripted utterance) for `seconds`, then `after`
        seconds of the bed (the endpointer's trailing silence)."""
        self.feed(syllables(seconds, 0.1, pitch))
        self.silence(after)

    def until(self, done: Callable[[], bool], limit: float = 120.0) -> None:
        """Feeds the bed until `done()` (AssertionError after `limit` seconds)."""
        end = self.clock.now() + limit
        while not done():
            assert self.clock.now() < end, "waited too long"
            self.silence(0.03)

    def until_quiet(self, extra: float = 0.5) -> None:
        self.until(lambda: not self.bedside.speaker.is_speaking())
        self.silence(extra)


class ArraySource:
    """A finite audio source over an array, paced on a virtual clock; `fail_after` chunks it raises
    AudioError (a microphone unplugged). `close()` ends iteration."""

    def __init__(self, samples: np.ndarray, clock: VirtualClock, fail_after: int | None = None) -> None:
        self.samples = samples
        self.clock = clock
        self.fail_after = fail_after
        self.closed = False

    def __iter__(self) -> Iterator[AudioChunk]:
        self.closed = False
        for index, offset in enumerate(range(0, len(self.samples) - CHUNK + 1, CHUNK)):
            if self.fail_after is not None and index >= self.fail_after:
                raise AudioError("microphone 'USB' stopped delivering audio")
            if self.closed:
                return
            self.clock.sleep(CHUNK / SAMPLE_RATE)
            yield AudioChunk(
                float_to_pcm16(self.samples[offset : offset + CHUNK]), timestamp=offset / SAMPLE_RATE
            )

    def close(self) -> None:
        self.closed = True


class BrokenSpeaker:
    """A speaker whose output device is gone for the first `failures` calls to play."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.played: list[str] = []

    def duration(self, text: str) -> float:
        return 0.05 * len(text)

    def play(self, text: str) -> None:
        if self.failures > 0:
            self.failures -= 1
            raise AudioError("output device unplugged")
        self.played.append(text)

    def play_earcon(self, name: str) -> None:
        pass

    def say(self, text: str) -> None:
        self.play(text)

    def stop(self) -> None:
        pass

    def is_speaking(self) -> bool:
        return False

    def close(self) -> None:
        pass


class EndlessSilence:
    """A real-time microphone of silence (a chunk every 30 ms of wall time) until closed."""

    def __init__(self) -> None:
        self.closed = False

    def __iter__(self) -> Iterator[AudioChunk]:
        while not self.closed:
            time.sleep(0.03)
            yield AudioChunk(bytes(960))

    def close(self) -> None:
        self.closed = True
