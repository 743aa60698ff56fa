"""Builds WAV files byte by byte, in any sample format, for the audio-input tests."""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np


def encode(samples: np.ndarray, bits: int, is_float: bool = False) -> bytes:
    """Interleaved float samples in [-1, 1] (shape frames or frames x channels) to little-endian bytes."""
    flat = np.asarray(samples, dtype=np.float64).reshape(-1)
    if is_float:
        return flat.astype("<f4" if bits == 32 else "<f8").tobytes()
    if bits == 8:
        return np.clip(np.rint(flat * 127 + 128), 0, 255).astype(np.uint8).tobytes()
    if bits == 16:
        return np.clip(np.rint(flat * 32767), -32768, 32767).astype("<i2").tobytes()
    if bits == 24:
        values = np.clip(np.rint(flat * 8388607), -8388608, 8388607).astype(np.int64) & 0xFFFFFF
        triples = np.stack([values & 0xFF, (values >> 8) & 0xFF, (values >> 16) & 0xFF], axis=1)
        return triples.astype(np.uint8).tobytes()
    return np.clip(np.rint(flat * 2147483647), -(2**31), 2**31 - 1).astype("<i4").tobytes()


def wav_bytes(
    samples: np.ndarray,
    rate: int,
    bits: int = 16,
    is_float: bool = False,
    extensible: bool = False,
    extra_chunk: bool = False,
    data_size: int | None = None,
) -> bytes:
    """A complete RIFF/WAVE file; `data_size` overrides the data chunk's declared size."""
    channels = 1 if samples.ndim == 1 else samples.shape[1]
    data = encode(samples, bits, is_float)
    block = channels * bits // 8
    tag = 3 if is_float else 1
    if extensible:
        guid_tail = b"\x00\x00\x00\x00\x10\x00\x80\x00\x00\xaa\x00\x38\x9b\x71"
        fmt = struct.pack("<HHIIHHHHIH", 0xFFFE, channels, rate, rate * block, block, bits, 22, bits, 0, tag)
        fmt += guid_tail
    else:
        fmt = struct.pack("<HHIIHH", tag, channels, rate, rate * block, block, bits)
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt
    if extra_chunk:
        body += b"LIST" + struct.pack("<I", 5) + b"abcde" + b"\x00"  # odd size, padded
    body += b"data" + struct.pack("<I", len(data) if data_size is None else data_size) + data
    return b"RIFF" + struct.pack("<I", len(body)) + body


def write(
    path: Path,
    samples: np.ndarray,
    rate: int,
    bits: int = 16,
    is_float: bool = False,
    extensible: bool = False,
) -> Path:
    path.write_bytes(wav_bytes(samples, rate, bits=bits, is_float=is_float, extensible=extensible))
    return path


def tone(freq: float, seconds: float, rate: int, amplitude: float = 0.5) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return amplitude * np.sin(2 * np.pi * freq * t)
