"""Neural noise suppression (RNNoise, the library the `pyrnnoise` wheel ships) in front of recognition,
applied only when the measured noise calls for it.

RNNoise is a small recurrent network (its weights are compiled into librnnoise.so) that estimates a gain per
band every 10 ms at 48 kHz. It removes steady fan and air-purifier noise far better than spectral
subtraction, but on clean speech it can only take something away, so each utterance's noise floor is
measured first (the quietest 20 ms frames of its lead-in and trailing silence) and quiet rooms are left as
they are. Audio is resampled 16 -> 48 -> 16 kHz with soxr; the network's two-frame delay is removed so
the output lines up with the input.

The library is loaded with ctypes straight from the installed package, after its SHA-256 is checked
against the digest pinned for this machine's architecture: pyrnnoise's own Python module imports a media
library (audiolab) the assistant does not need.
"""

from __future__ import annotations

import ctypes
import hashlib
import importlib.util
import logging
import platform
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from assistant.errors import ModelError

_LOGGER = logging.getLogger(__name__)

INSTALL_HINT = "pip install pyrnnoise==0.4.5 soxr (or `make setup`)"
RATE = 48_000
FRAME = 480
"""Samples per RNNoise frame (10 ms at 48 kHz)."""
DELAY = 2 * FRAME
"""RNNoise's output lags its input by this many 48 kHz samples (measured: 20 ms)."""
LIBRARY_SHA256 = {
    # librnnoise.so of pyrnnoise 0.4.5 (its model is compiled in), per wheel architecture.
    "x86_64": "de5120abce147a72ba343296744ae7cc0a97298e19307c7d3f01cce8c34b18ff",
    "aarch64": "c7f34a5944f385721f89b7be21b9ae8eb67e3085da2571260a46e1c9fc61d90a",
}


@dataclass(frozen=True)
class SuppressionSettings:
    """When and how RNNoise is applied."""

    enabled: bool = True
    min_noise_dbfs: float = -40.0
    """Only utterances whose noise floor (see `noise_floor_dbfs`) is above this are suppressed: a question
    over a fan sits above it, a quiet room below it, where RNNoise only costs words (docs/hearing.md)."""
    quiet_share: float = 0.2
    """The share of 20 ms frames, the quietest, whose mean power is the noise floor."""


def _frame_powers(pcm: bytes) -> np.ndarray:
    """The mean power of each 20 ms frame of 16 kHz s16le audio (full scale 1.0), sorted."""
    samples = np.frombuffer(pcm[: len(pcm) // 2 * 2], dtype=np.int16).astype(np.float32) / 32768.0
    step = 320
    count = len(samples) // step
    return np.sort((samples[: count * step].reshape(count, step) ** 2).mean(axis=1))


def noise_floor_dbfs(pcm: bytes, quiet_share: float = 0.2) -> float:
    """The mean power of the quietest 20 ms frames of 16 kHz s16le audio, in dB below full scale."""
    power = _frame_powers(pcm)
    if len(power) < 5:
        return -120.0
    quiet = power[: max(2, int(quiet_share * len(power)))]
    return float(10 * np.log10(quiet.mean() + 1e-12))


def speech_to_noise_db(pcm: bytes, share: float = 0.2) -> float | None:
    """An utterance's signal-to-noise estimate: its loudest `share` of 20 ms frames (the speech) over its
    quietest (the lead-in and trailing silence: the room), in dB; None for audio under 0.1 s. Independent
    of the microphone's gain (what it reads for clean, fan and radio audio: docs/hearing.md)."""
    power = _frame_powers(pcm)
    if len(power) < 5:
        return None
    k = max(1, int(share * len(power)))
    return float(10 * np.log10((power[-k:].mean() + 1e-12) / (power[:k].mean() + 1e-12)))


def _library_path() -> Path:
    spec = importlib.util.find_spec("pyrnnoise")
    if spec is None or not spec.submodule_search_locations:
        raise ModelError(f"RNNoise is not installed: {INSTALL_HINT}")
    return Path(next(iter(spec.submodule_search_locations))) / "librnnoise.so"


def load_rnnoise(path: Path | None = None) -> Any:
    """librnnoise.so, checked against its pinned digest (ModelError naming the file otherwise)."""
    path = path or _library_path()
    expected = LIBRARY_SHA256.get(platform.machine())
    if not path.is_file():
        raise ModelError(f"RNNoise: {path} is missing: {INSTALL_HINT}")
    if expected is None:
        raise ModelError(f"RNNoise: no pinned digest for {platform.machine()} ({path})")
    if hashlib.sha256(path.read_bytes()).hexdigest() != expected:
        raise ModelError(f"RNNoise: {path} does not match its pinned SHA-256 (corrupt or another version)")
    lib = ctypes.CDLL(str(path))
    lib.rnnoise_create.argtypes = [ctypes.c_void_p]
    lib.rnnoise_create.restype = ctypes.c_void_p
    lib.rnnoise_destroy.argtypes = [ctypes.c_void_p]
    lib.rnnoise_process_frame.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p]
    lib.rnnoise_process_frame.restype = ctypes.c_float
    if lib.rnnoise_get_frame_size() != FRAME:
        raise ModelError(f"RNNoise: {path} works on frames of {lib.rnnoise_get_frame_size()}, not {FRAME}")
    return lib


class NoiseSuppressor:
    """Suppresses steady noise in an utterance when its noise floor is high enough to hurt recognition."""

    def __init__(self, settings: SuppressionSettings | None = None, library: Path | None = None) -> None:
        self.settings = settings or SuppressionSettings()
        try:
            import soxr
        except ImportError as err:
            raise ModelError(f"soxr is not installed: {INSTALL_HINT}") from err
        self._soxr: Any = soxr
        self._lib = load_rnnoise(library)
        self.applied = 0
        """How many utterances were suppressed (the rest were quiet enough to leave alone)."""

    def needed(self, pcm: bytes) -> bool:
        return self.settings.enabled and (
            noise_floor_dbfs(pcm, self.settings.quiet_share) > self.settings.min_noise_dbfs
        )

    def __call__(self, pcm: bytes) -> bytes:
        """The utterance (16 kHz mono s16le) with noise suppressed, or unchanged in a quiet room."""
        if not self.needed(pcm):
            return pcm
        self.applied += 1
        return self.suppress(pcm)

    def suppress(self, pcm: bytes) -> bytes:
        """RNNoise over the whole utterance, whatever its noise (same length out as in)."""
        samples = np.frombuffer(pcm[: len(pcm) // 2 * 2], dtype=np.int16).astype(np.float32)
        if not len(samples):
            return pcm
        upsampled = self._soxr.resample(samples, 16_000, RATE).astype(np.float32)
        frames = -(-(len(upsampled) + DELAY) // FRAME)
        padded = np.zeros(frames * FRAME, dtype=np.float32)
        padded[: len(upsampled)] = upsampled
        out = np.empty_like(padded)
        state = self._lib.rnnoise_create(None)
        try:
            for start in range(0, len(padded), FRAME):
                self._lib.rnnoise_process_frame(state, out[start:].ctypes.data, padded[start:].ctypes.data)
        finally:
            self._lib.rnnoise_destroy(state)
        aligned = out[DELAY : DELAY + len(upsampled)]
        restored = self._soxr.resample(aligned, RATE, 16_000)[: len(samples)]
        if len(restored) < len(samples):
            restored = np.pad(restored, (0, len(samples) - len(restored)))
        return np.clip(restored, -32768, 32767).astype(np.int16).tobytes()
