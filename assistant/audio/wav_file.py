"""WAV files: a RIFF parser that accepts any rate, channel count and common sample format, and a writer.

The standard library's `wave` module refuses IEEE float and WAVE_FORMAT_EXTENSIBLE files, so the chunk
layout is parsed here. Supported sample formats: 8-bit unsigned, 16/24/32-bit signed integer PCM and
32/64-bit IEEE float, either as plain format tags (1, 3) or inside WAVE_FORMAT_EXTENSIBLE (0xFFFE).
Every problem is an `AudioError` whose one-line message names the file.
"""

from __future__ import annotations

import struct
import wave
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np

from assistant.audio.pcm import pcm16_to_float
from assistant.errors import AudioError

FORMAT_PCM = 1
FORMAT_FLOAT = 3
FORMAT_EXTENSIBLE = 0xFFFE
MIN_RATE = 4000
MAX_RATE = 384000
MAX_CHANNELS = 32
_STREAMING_SIZE = 0xFFFFFFFF
"""A data size some streaming writers leave in place: "up to the end of the file"."""


@dataclass(frozen=True)
class WavInfo:
    """The layout of one WAV file's audio."""

    path: Path
    """The file."""
    rate: int
    """Frames per second."""
    channels: int
    """Interleaved channels per frame."""
    bits: int
    """Bits per sample: 8, 16, 24, 32 or 64."""
    is_float: bool
    """True for IEEE float samples."""
    data_offset: int
    """Byte offset of the first sample in the file."""
    frames: int
    """Whole frames in the data chunk."""

    @property
    def block_align(self) -> int:
        return self.channels * self.bits // 8

    @property
    def seconds(self) -> float:
        return self.frames / self.rate


def _fail(path: Path, problem: str) -> AudioError:
    return AudioError(f"{path}: {problem}")


def _parse_fmt(path: Path, body: bytes) -> tuple[int, int, int, int, int]:
    """Returns (format tag, channels, rate, block align, bits); the extensible sub-format is resolved."""
    if len(body) < 16:
        raise _fail(path, f"fmt chunk is {len(body)} bytes, needs at least 16")
    tag, channels, rate, _byte_rate, block_align, bits = struct.unpack("<HHIIHH", body[:16])
    if tag == FORMAT_EXTENSIBLE:
        if len(body) < 40:
            raise _fail(path, "WAVE_FORMAT_EXTENSIBLE fmt chunk is too short")
        # The container size (bits) decides the layout; fewer valid bits just leave the low ones zero.
        (tag,) = struct.unpack("<H", body[24:26])
    return tag, channels, rate, block_align, bits


def read_wav_info(path: Path | str) -> WavInfo:
    """Parses the RIFF header and chunk list; raises AudioError for anything it cannot read."""
    path = Path(path)
    try:
        with path.open("rb") as handle:
            size = path.stat().st_size
            return _read_info(path, handle, size)
    except FileNotFoundError:
        raise _fail(path, "no such file") from None
    except IsADirectoryError:
        raise _fail(path, "is a directory, not a WAV file") from None
    except OSError as err:
        raise _fail(path, f"cannot read: {err.strerror or err}") from None


def _read_info(path: Path, handle: BinaryIO, size: int) -> WavInfo:
    if size == 0:
        raise _fail(path, "file is empty")
    header = handle.read(12)
    if len(header) < 12 or header[:4] != b"RIFF" or header[8:12] != b"WAVE":
        raise _fail(path, "not a WAV file (no RIFF/WAVE header)")
    fmt: tuple[int, int, int, int, int] | None = None
    position = 12
    while True:
        chunk_header = handle.read(8)
        if len(chunk_header) < 8:
            problem = "no data chunk" if fmt else "no fmt chunk"
            raise _fail(path, f"truncated or incomplete WAV file ({problem})")
        chunk_id, chunk_size = struct.unpack("<4sI", chunk_header)
        position += 8
        if chunk_id == b"fmt ":
            if position + chunk_size > size:
                raise _fail(path, "truncated: the fmt chunk runs past the end of the file")
            if chunk_size > 1024:
                raise _fail(path, f"fmt chunk size {chunk_size} is invalid")
            fmt = _parse_fmt(path, handle.read(chunk_size))
        elif chunk_id == b"data":
            if fmt is None:
                raise _fail(path, "data chunk comes before the fmt chunk")
            remaining = size - position
            if chunk_size == _STREAMING_SIZE:
                chunk_size = remaining
            elif chunk_size > remaining:
                raise _fail(
                    path,
                    f"truncated: data chunk says {chunk_size} bytes but only {remaining} are in the file",
                )
            return _make_info(path, fmt, position, chunk_size)
        position += chunk_size + (chunk_size & 1)
        if position > size:
            raise _fail(path, f"truncated: chunk {chunk_id!r} runs past the end of the file")
        handle.seek(position)


def _make_info(path: Path, fmt: tuple[int, int, int, int, int], offset: int, data_size: int) -> WavInfo:
    tag, channels, rate, block_align, bits = fmt
    if channels < 1 or channels > MAX_CHANNELS:
        raise _fail(path, f"unsupported channel count {channels}")
    if rate < MIN_RATE or rate > MAX_RATE:
        raise _fail(path, f"unsupported sample rate {rate} Hz (must be {MIN_RATE}..{MAX_RATE})")
    if tag == FORMAT_PCM and bits not in (8, 16, 24, 32):
        raise _fail(path, f"unsupported PCM sample size {bits} bits")
    if tag == FORMAT_FLOAT and bits not in (32, 64):
        raise _fail(path, f"unsupported float sample size {bits} bits")
    if tag not in (FORMAT_PCM, FORMAT_FLOAT):
        raise _fail(path, f"unsupported WAV encoding (format tag {tag:#x}); use PCM or float")
    if block_align != channels * bits // 8:
        raise _fail(path, f"inconsistent fmt chunk (block align {block_align} for {channels}x{bits} bits)")
    frames = data_size // block_align
    if frames == 0:
        raise _fail(path, "WAV file has no audio")
    return WavInfo(path, rate, channels, bits, tag == FORMAT_FLOAT, offset, frames)


def decode_frames(info: WavInfo, raw: bytes) -> np.ndarray:
    """Turns whole frames of raw sample bytes into a mono float32 array in [-1, 1] (channels averaged)."""
    count = len(raw) // info.block_align
    raw = raw[: count * info.block_align]
    if info.is_float:
        dtype = "<f4" if info.bits == 32 else "<f8"
        samples = np.nan_to_num(np.frombuffer(raw, dtype=dtype).astype(np.float32), posinf=1.0, neginf=-1.0)
        np.clip(samples, -1.0, 1.0, out=samples)
    elif info.bits == 8:
        samples = (np.frombuffer(raw, dtype=np.uint8).astype(np.float32) - 128.0) / 128.0
    elif info.bits == 16:
        samples = pcm16_to_float(raw)
    elif info.bits == 24:
        triples = np.frombuffer(raw, dtype=np.uint8).reshape(-1, 3).astype(np.int32)
        values = triples[:, 0] | (triples[:, 1] << 8) | (triples[:, 2] << 16)
        values = np.where(values >= 1 << 23, values - (1 << 24), values)
        samples = values.astype(np.float32) / float(1 << 23)
    else:
        samples = (np.frombuffer(raw, dtype="<i4").astype(np.float64) / float(1 << 31)).astype(np.float32)
    if info.channels > 1:
        samples = samples.reshape(-1, info.channels).mean(axis=1, dtype=np.float32)
    return samples


def iter_frames(info: WavInfo, block_frames: int) -> Iterator[np.ndarray]:
    """Yields the file's audio as mono float32 blocks of at most `block_frames` frames, read lazily."""
    try:
        with info.path.open("rb") as handle:
            handle.seek(info.data_offset)
            left = info.frames
            while left > 0:
                want = min(block_frames, left)
                raw = handle.read(want * info.block_align)
                if len(raw) < info.block_align:
                    raise _fail(info.path, "truncated while reading (the file changed or shrank)")
                left -= len(raw) // info.block_align
                yield decode_frames(info, raw)
    except OSError as err:
        raise _fail(info.path, f"cannot read: {err.strerror or err}") from None


def write_wav(path: Path | str, pcm: bytes, rate: int = 16000) -> None:
    """Writes mono s16le PCM as a plain 16-bit WAV file."""
    try:
        with wave.open(str(path), "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(rate)
            out.writeframes(pcm)
    except OSError as err:
        raise _fail(Path(path), f"cannot write: {err.strerror or err}") from None
