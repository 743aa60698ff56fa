"""Generated test signals for the endpointer: speech-like syllables, clicks, door slams, coughs, noise."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from assistant.audio.pcm import float_to_pcm16
from assistant.messages import SAMPLE_RATE, AudioChunk
from bench.noise import coloured_noise

RATE = SAMPLE_RATE


def syllables(seconds: float, amplitude: float = 0.1, pitch: float = 150.0) -> np.ndarray:
    """A harmonic voice-like buzz whose loudness rises and falls four times a second, like syllables."""
    t = np.arange(int(seconds * RATE)) / RATE
    harmonics = sum(np.sin(2 * np.pi * k * pitch * t) / k for k in range(1, 15))
    envelope = 0.5 - 0.5 * np.cos(2 * np.pi * 4.0 * t)
    return (amplitude * harmonics * envelope).astype(np.float32)


def background(kind: str, seconds: float, level: float, seed: int = 0) -> np.ndarray:
    return coloured_noise(kind, int(seconds * RATE), np.random.default_rng(seed)) * np.float32(level)


def place(base: np.ndarray, at: float, sound: np.ndarray) -> np.ndarray:
    """`base` with `sound` added at `at` seconds."""
    out = base.copy()
    start = int(at * RATE)
    out[start : start + len(sound)] += sound[: len(out) - start]
    return out


def click() -> np.ndarray:
    return np.array([0.9, -0.9], dtype=np.float32)


def door_slam(seed: int = 0) -> np.ndarray:
    """A thump: loud low-frequency noise decaying with a 40 ms time constant."""
    n = int(0.5 * RATE)
    decay = np.exp(-np.arange(n) / (0.04 * RATE))
    return (0.4 * coloured_noise("brown", n, np.random.default_rng(seed)) * decay).astype(np.float32)


def cough(seconds: float = 0.15, seed: int = 0) -> np.ndarray:
    """A short broadband burst."""
    n = int(seconds * RATE)
    envelope = np.sin(np.pi * np.arange(n) / n) ** 0.5
    return (0.3 * coloured_noise("white", n, np.random.default_rng(seed)) * envelope).astype(np.float32)


def chunks(samples: np.ndarray, chunk_ms: int = 30, start: float = 0.0) -> Iterator[AudioChunk]:
    pcm = float_to_pcm16(samples)
    step = RATE * chunk_ms // 1000 * 2
    for offset in range(0, len(pcm), step):
        yield AudioChunk(pcm[offset : offset + step], timestamp=start + offset / (2 * RATE))
