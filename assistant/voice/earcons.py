"""Short, soft tones generated with numpy (nothing is downloaded): listening starts, a hold ends."""

from __future__ import annotations

import numpy as np

from assistant.audio.pcm import float_to_int16

EARCONS = ("listening", "hold_end")

# (frequency Hz, start s, length s) of each note: a rising pair invites speech, a falling pair rests.
_NOTES: dict[str, tuple[tuple[float, float, float], ...]] = {
    "listening": ((660.0, 0.0, 0.09), (880.0, 0.08, 0.12)),
    "hold_end": ((784.0, 0.0, 0.16), (523.25, 0.14, 0.26)),
}
_PEAK = 0.25
"""Loudest sample as a fraction of full scale, before the volume: soft by design."""


def earcon_seconds(name: str) -> float:
    notes = _notes(name)
    return max(start + length for _, start, length in notes)


def earcon(name: str, rate: int = 22050, volume: float = 1.0) -> np.ndarray:
    """The earcon as mono int16 samples at `rate`; sine notes with smooth attack and decay."""
    out = np.zeros(round(earcon_seconds(name) * rate) + 1, dtype=np.float64)
    for freq, start, length in _notes(name):
        n = round(length * rate)
        t = np.arange(n) / rate
        attack = np.minimum(1.0, t / 0.01)
        decay = np.exp(-4.0 * t / length)
        tone = np.sin(2 * np.pi * freq * t) * attack * decay
        first = round(start * rate)
        out[first : first + n] += tone[: len(out) - first]
    out *= _PEAK * max(0.0, min(1.0, volume)) / max(1e-9, float(np.max(np.abs(out))))
    return float_to_int16(out)


def _notes(name: str) -> tuple[tuple[float, float, float], ...]:
    if name not in _NOTES:
        raise ValueError(f"unknown earcon {name!r}; one of {', '.join(EARCONS)}")
    return _NOTES[name]
