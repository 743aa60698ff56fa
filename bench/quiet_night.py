"""The night benchmark's quiet bedroom: hours of low room tone with the occasional small sound.

Everything is synthesised with numpy, deterministically (seeded): a room tone of faint brown noise (the
house and the street far off, `ROOM_RMS`) and a little white hiss (the microphone's own noise,
`HISS_RMS`); and, at random times (`MEAN_GAP` seconds apart on average), one of the small sounds of a
night: a cough (two or three short bursts of band-passed noise), a creak (a rough, gliding tone of a few
hundred hertz: the bed or the floor), a passing car (low rumble swelling and fading over several
seconds) and a sleeper's breathing (a few slow breaths of soft band-passed noise, some with a snore's low
buzz). Written block by block into a 16 kHz WAV (8 hours is about 0.9 GB) under bench/out/night, with a
JSON manifest of the sounds; built once and cached.
"""

from __future__ import annotations

import json
import wave
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from assistant.audio.pcm import float_to_pcm16
from bench.night_audio import OUT, fan_blocks
from bench.noise import RATE, coloured_noise

ROOM_RMS = 0.002
"""About -54 dBFS: a quiet bedroom through a bedside microphone."""
HISS_RMS = 0.0005
MEAN_GAP = 150.0
MIN_GAP = 20.0
BLOCK_SECONDS = 60
VERSION = "1"


@dataclass(frozen=True)
class Sound:
    """One small sound of the night."""

    start: float
    seconds: float
    kind: str
    """"cough", "creak", "car" or "breathing"."""
    peak: float
    """Its loudest sample (full scale 1.0)."""


def _band(noise: np.ndarray, low: float, high: float) -> np.ndarray:
    spectrum = np.fft.rfft(noise)
    freqs = np.fft.rfftfreq(len(noise), 1.0 / RATE)
    spectrum[(freqs < low) | (freqs > high)] = 0
    out = np.fft.irfft(spectrum, n=len(noise))
    return (out / (np.sqrt(np.mean(out**2)) + 1e-12)).astype(np.float32)


def _envelope(n: int, attack: float) -> np.ndarray:
    """Rises over the first `attack` share of n samples, then decays to 0."""
    rise = max(1, int(n * attack))
    up = np.linspace(0.0, 1.0, rise) ** 2
    down = np.linspace(1.0, 0.0, n - rise) ** 1.5
    return np.concatenate([up, down]).astype(np.float32)


def cough(rng: np.random.Generator) -> np.ndarray:
    bursts = []
    for _ in range(int(rng.integers(2, 4))):
        n = int(rng.uniform(0.15, 0.3) * RATE)
        burst = _band(coloured_noise("white", n, rng), 300, 3500) * _envelope(n, 0.1)
        bursts += [burst * np.float32(rng.uniform(0.05, 0.15)), np.zeros(int(rng.uniform(0.1, 0.3) * RATE))]
    return np.concatenate(bursts).astype(np.float32)


def creak(rng: np.random.Generator) -> np.ndarray:
    n = int(rng.uniform(0.3, 0.9) * RATE)
    t = np.arange(n) / RATE
    pitch = rng.uniform(150, 400) * (1 + rng.uniform(-0.4, 0.4) * t / t[-1])
    phase = 2 * np.pi * np.cumsum(pitch) / RATE
    tone = sum(np.sin(k * phase) / k for k in range(1, 8))
    rough = 0.5 + 0.5 * np.sign(np.sin(2 * np.pi * rng.uniform(20, 60) * t))  # stick-slip
    return (tone * rough * _envelope(n, 0.2) * rng.uniform(0.01, 0.04) / 2).astype(np.float32)


def car(rng: np.random.Generator) -> np.ndarray:
    n = int(rng.uniform(6.0, 12.0) * RATE)
    shape = np.exp(-0.5 * ((np.arange(n) / n - 0.5) / 0.18) ** 2)
    return (_band(coloured_noise("brown", n, rng), 30, 1200) * shape * rng.uniform(0.005, 0.02)).astype(
        np.float32
    )


def breathing(rng: np.random.Generator) -> np.ndarray:
    snore = rng.random() < 0.4
    breaths = []
    for _ in range(int(rng.integers(3, 7))):
        for seconds, level in ((rng.uniform(1.2, 1.8), 1.0), (rng.uniform(1.6, 2.4), 0.7)):
            n = int(seconds * RATE)
            air = _band(coloured_noise("pink", n, rng), 200, 2000)
            if snore and level == 1.0:
                t = np.arange(n) / RATE
                air = air * np.float32(0.5) + np.sin(2 * np.pi * rng.uniform(60, 110) * t).astype(np.float32)
            shape = np.sin(np.pi * np.arange(n) / n) ** 2
            breaths.append(air * shape * np.float32(level * rng.uniform(0.003, 0.012)))
        breaths.append(np.zeros(int(rng.uniform(0.5, 1.5) * RATE), dtype=np.float32))
    return np.concatenate(breaths).astype(np.float32)


SOUNDS: dict[str, Callable[[np.random.Generator], np.ndarray]] = {
    "cough": cough,
    "creak": creak,
    "car": car,
    "breathing": breathing,
}


def schedule(seconds: float, seed: int) -> list[tuple[float, str, int]]:
    """(start, kind, seed) of each small sound over `seconds`."""
    rng = np.random.default_rng(seed)
    found = []
    at = float(rng.uniform(MIN_GAP, MEAN_GAP))
    while at < seconds - 15.0:
        found.append((round(at, 3), str(rng.choice(sorted(SOUNDS))), int(rng.integers(1 << 31))))
        at += MIN_GAP + float(rng.exponential(MEAN_GAP - MIN_GAP))
    return found


def write_quiet_night(path: Path, hours: float, seed: int = 3) -> list[Sound]:
    """The quiet night into `path`, block by block; returns its sounds."""
    total = int(hours * 3600 * RATE)
    rng = np.random.default_rng(seed)
    sounds = [
        (start, kind, SOUNDS[kind](np.random.default_rng(s)))
        for start, kind, s in schedule(hours * 3600, seed)
    ]
    hiss_rng = np.random.default_rng(seed + 1)
    made = 0
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        for bed in fan_blocks(total, rng, BLOCK_SECONDS * RATE):
            block = bed * np.float32(ROOM_RMS) + hiss_rng.standard_normal(
                len(bed), dtype=np.float32
            ) * np.float32(HISS_RMS)
            for start, _, sound in sounds:
                offset = int(start * RATE) - made
                if offset < len(block) and offset + len(sound) > 0:
                    lo, hi = max(0, offset), min(len(block), offset + len(sound))
                    block[lo:hi] += sound[lo - offset : hi - offset]
            out.writeframes(float_to_pcm16(block))
            made += len(block)
    return [
        Sound(start, len(s) / RATE, kind, round(float(np.max(np.abs(s))), 4)) for start, kind, s in sounds
    ]


def quiet_night(hours: float, seed: int = 3) -> tuple[Path, list[Sound]]:
    """The quiet night's WAV (cached under bench/out/night) and its sounds."""
    path = OUT / f"quiet_night_{hours:g}h_v{VERSION}_s{seed}.wav"
    listing = path.with_suffix(".json")
    if path.exists() and listing.exists():
        return path, [Sound(**s) for s in json.loads(listing.read_text(encoding="utf-8"))]
    OUT.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".part")
    sounds = write_quiet_night(partial, hours, seed)
    partial.rename(path)
    listing.write_text(json.dumps([asdict(s) for s in sounds], indent=1), encoding="utf-8")
    return path, sounds
