"""Signed 16-bit PCM and float samples: one scale (32768) both ways, so a round trip is exact."""

from __future__ import annotations

import numpy as np

SCALE = 32768.0
"""Full scale of signed 16-bit samples: -32768..32767 stands for -1.0..(1 - 1/32768)."""


def pcm16_to_float(pcm: bytes) -> np.ndarray:
    """Signed 16-bit little-endian bytes to float32 samples in [-1, 1) (an odd last byte is dropped)."""
    return np.frombuffer(pcm[: len(pcm) // 2 * 2], dtype="<i2").astype(np.float32) / np.float32(SCALE)


def float_to_int16(samples: np.ndarray) -> np.ndarray:
    """Float samples in [-1, 1] to int16 (rounded, clipped)."""
    return np.clip(np.rint(np.asarray(samples) * SCALE), -32768, 32767).astype(np.int16)


def float_to_pcm16(samples: np.ndarray) -> bytes:
    """Float samples in [-1, 1] to signed 16-bit little-endian bytes (rounded, clipped)."""
    return float_to_int16(samples).astype("<i2", copy=False).tobytes()
