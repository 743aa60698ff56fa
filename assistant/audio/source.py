"""Audio sources: anything that yields `AudioChunk`s of 16 kHz mono s16le, and the WAV-file source.

A WAV file of any rate, channel count and sample format (see `wav_file`) is read lazily in blocks,
averaged to mono and resampled (see `resample`), then cut into chunks of `chunk_ms`. With
`realtime=True` each chunk is handed out when its last sample would have been captured by a microphone,
on the injected clock, so a file can stand in for the microphone in the bedside loop (`run --mic-file`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

import numpy as np

from assistant.audio.pcm import float_to_pcm16
from assistant.audio.resample import Resampler
from assistant.audio.wav_file import WavInfo, iter_frames, read_wav_info
from assistant.clock import Clock, MonotonicClock
from assistant.messages import SAMPLE_RATE, AudioChunk

_LOGGER = logging.getLogger(__name__)
_READ_SECONDS = 0.25
"""How much of the file is read and converted at a time."""


class AudioSource(Protocol):
    """A stream of audio chunks (16 kHz mono s16le, about 30 ms each, with timestamps)."""

    def __iter__(self) -> Iterator[AudioChunk]: ...

    def close(self) -> None:
        """Stops the stream and releases the device or file."""
        ...


class WavSource:
    """A WAV file as an audio source: converted to 16 kHz mono s16le while streaming.

    The header is checked when the source is made, so a bad file fails early with an `AudioError` naming
    it. Iterating reads the file from the start each time; memory stays constant for any length.
    """

    def __init__(
        self,
        path: Path | str,
        chunk_ms: int = 30,
        realtime: bool = False,
        clock: Clock | None = None,
    ) -> None:
        if chunk_ms <= 0:
            raise ValueError(f"chunk_ms must be positive, got {chunk_ms}")
        self.path = Path(path)
        self.info: WavInfo = read_wav_info(self.path)
        self.chunk_samples = SAMPLE_RATE * chunk_ms // 1000
        self.realtime = realtime
        self.clock: Clock = clock or MonotonicClock()
        self._closed = False

    @property
    def seconds(self) -> float:
        """The file's length in seconds."""
        return self.info.seconds

    def close(self) -> None:
        self._closed = True

    def __iter__(self) -> Iterator[AudioChunk]:
        self._closed = False
        _LOGGER.debug(
            "reading %s: %d Hz, %d channel(s), %d-bit%s, %.2f s",
            self.path,
            self.info.rate,
            self.info.channels,
            self.info.bits,
            " float" if self.info.is_float else "",
            self.info.seconds,
        )
        started = self.clock.now()
        emitted = 0
        for samples in self._converted_blocks():
            if self._closed:
                return
            for offset in range(0, len(samples), self.chunk_samples):
                piece = samples[offset : offset + self.chunk_samples]
                chunk = AudioChunk(float_to_pcm16(piece), timestamp=emitted / SAMPLE_RATE)
                emitted += len(piece)
                if self.realtime:
                    self.clock.sleep_until(started + emitted / SAMPLE_RATE)
                if self._closed:
                    return
                yield chunk

    def _converted_blocks(self) -> Iterator[np.ndarray]:
        """16 kHz float blocks, each a whole number of chunks except the last."""
        converter = Resampler(self.info.rate, SAMPLE_RATE)
        block_frames = max(1, int(self.info.rate * _READ_SECONDS))
        pending = np.zeros(0, dtype=np.float32)
        for block in iter_frames(self.info, block_frames):
            pending = np.concatenate([pending, converter.process(block)])
            whole = len(pending) // self.chunk_samples * self.chunk_samples
            if whole:
                yield pending[:whole]
                pending = pending[whole:]
        pending = np.concatenate([pending, converter.flush()])
        if len(pending):
            yield pending


def read_wav_pcm16k(path: Path | str) -> bytes:
    """A whole WAV file as 16 kHz mono s16le bytes (raises AudioError for a bad file)."""
    return b"".join(chunk.audio for chunk in WavSource(path, chunk_ms=1000))
