"""CPU cost of end-of-speech detection and of WAV conversion, per second of audio.

Run: `python -m bench.endpointer_cost`. Figures are process CPU time (one core) over 10 minutes of
audio: steady pink noise (the idle case: no decoding happens while the room is quiet) and noise with a
syllable-like burst every 5 seconds.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from assistant.audio_source import WavSource
from assistant.endpointer import Endpointer
from assistant.messages import SAMPLE_RATE, AudioChunk
from assistant.wav_file import float_to_pcm16, write_wav
from bench.noise import coloured_noise

_SECONDS = 600


def _chunks(samples: np.ndarray) -> Iterator[AudioChunk]:
    pcm = float_to_pcm16(samples)
    step = SAMPLE_RATE * 30 // 1000 * 2
    for offset in range(0, len(pcm), step):
        yield AudioChunk(pcm[offset : offset + step], timestamp=offset / (2 * SAMPLE_RATE))


def _syllables(seconds: float) -> np.ndarray:
    t = np.arange(int(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    voice = sum(np.sin(2 * np.pi * k * 150.0 * t) / k for k in range(1, 15))
    return (0.1 * voice * (0.5 - 0.5 * np.cos(2 * np.pi * 4.0 * t))).astype(np.float32)


def _endpointer_ms_per_second(samples: np.ndarray) -> tuple[float, int]:
    chunks = list(_chunks(samples))
    endpointer = Endpointer()
    found = 0
    started = time.process_time()
    for chunk in chunks:
        if endpointer.process(chunk) is not None:
            found += 1
    elapsed = time.process_time() - started
    return elapsed / (len(samples) / SAMPLE_RATE) * 1000, found


def run() -> dict[str, str]:
    rng = np.random.default_rng(0)
    noise = coloured_noise("pink", SAMPLE_RATE * _SECONDS, rng) * np.float32(0.02)
    idle_ms, idle_found = _endpointer_ms_per_second(noise)
    talk = noise.copy()
    burst = _syllables(1.5)
    for start in range(2, _SECONDS - 3, 5):
        talk[start * SAMPLE_RATE : start * SAMPLE_RATE + len(burst)] += burst
    talk_ms, talk_found = _endpointer_ms_per_second(talk)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "long.wav"
        write_wav(path, float_to_pcm16(noise[: SAMPLE_RATE * 60]), rate=SAMPLE_RATE)
        started = time.process_time()
        sum(chunk.samples for chunk in WavSource(path))
        wav_ms = (time.process_time() - started) / 60 * 1000
    return {
        "endpointer CPU, steady noise": f"{idle_ms:.2f} ms per audio second, {idle_found} false starts",
        "endpointer CPU, speech every 5 s": f"{talk_ms:.2f} ms per audio second, {talk_found} utterances",
        "WAV source CPU, 16 kHz file": f"{wav_ms:.2f} ms per audio second",
    }


if __name__ == "__main__":
    for name, value in run().items():
        print(f"{name}: {value}")
