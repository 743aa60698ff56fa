"""Audio from a Wyoming client, in any rate, sample width and channel count, to 16 kHz mono s16le.

The conversion is the WAV path's (`assistant.audio.wav_file.decode_frames`: channels averaged to mono,
8-bit unsigned, 16/24/32-bit signed) followed by the project's `Resampler`. A chunk may end in the
middle of a frame; the partial frame is carried over to the next chunk.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.audio.pcm import float_to_pcm16
from assistant.audio.resample import Resampler
from assistant.audio.wav_file import MAX_CHANNELS, MAX_RATE, MIN_RATE, WavInfo, decode_frames
from assistant.errors import AudioError
from assistant.messages import SAMPLE_RATE, SAMPLE_WIDTH

WIDTHS = (1, 2, 3, 4)
"""Bytes per sample a client may send (1 is unsigned, as in WAV files)."""


@dataclass(frozen=True)
class PcmFormat:
    """The layout of a client's raw PCM."""

    rate: int
    """Samples per second per channel."""
    width: int
    """Bytes per sample."""
    channels: int
    """Interleaved channels per frame."""

    @classmethod
    def from_data(cls, data: dict[str, object]) -> PcmFormat:
        """From an audio event's data; AudioError naming the field that is missing or wrong."""
        values: dict[str, int] = {}
        for name in ("rate", "width", "channels"):
            value = data.get(name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise AudioError(f"audio {name} must be a whole number, got {value!r}")
            values[name] = value
        fmt = cls(**values)
        if not MIN_RATE <= fmt.rate <= MAX_RATE:
            raise AudioError(f"unsupported sample rate {fmt.rate} Hz (must be {MIN_RATE}..{MAX_RATE})")
        if fmt.width not in WIDTHS:
            raise AudioError(f"unsupported sample width {fmt.width} bytes (must be 1, 2, 3 or 4)")
        if not 1 <= fmt.channels <= MAX_CHANNELS:
            raise AudioError(f"unsupported channel count {fmt.channels} (must be 1..{MAX_CHANNELS})")
        return fmt

    @property
    def frame_bytes(self) -> int:
        return self.width * self.channels


class PcmConverter:
    """Streams one client's PCM into 16 kHz mono s16le bytes, keeping at most `max_seconds` of it."""

    def __init__(self, fmt: PcmFormat, max_seconds: float) -> None:
        self._out: list[bytes] = []
        self._out_bytes = 0
        self._max_bytes = int(max_seconds * SAMPLE_RATE) * SAMPLE_WIDTH
        self._use(fmt)

    def _use(self, fmt: PcmFormat) -> None:
        self.format = fmt
        # decode_frames only reads the sample layout from a WavInfo; there is no file behind this one.
        self._layout = WavInfo(Path("wyoming"), fmt.rate, fmt.channels, fmt.width * 8, False, 0, 0)
        self._resampler = Resampler(fmt.rate, SAMPLE_RATE)
        self._partial = b""

    def switch(self, fmt: PcmFormat) -> None:
        """The client changed format mid-utterance: what came so far is kept, the rest read as `fmt`."""
        self._keep(self._resampler.flush())
        self._use(fmt)

    @property
    def seconds(self) -> float:
        """Converted audio so far."""
        return self._out_bytes / (SAMPLE_RATE * SAMPLE_WIDTH)

    def accept(self, raw: bytes) -> None:
        """Converts the whole frames of `raw` (AudioError once the utterance is too long)."""
        raw = self._partial + raw
        whole = len(raw) // self.format.frame_bytes * self.format.frame_bytes
        self._partial = raw[whole:]
        if whole:
            self._keep(self._resampler.process(decode_frames(self._layout, raw[:whole])))

    def finish(self) -> bytes:
        """Everything converted (the resampler flushed); the converter is spent afterwards."""
        self._keep(self._resampler.flush())
        audio, self._out = b"".join(self._out), []
        return audio

    def _keep(self, samples: np.ndarray) -> None:
        if not len(samples):
            return
        pcm = float_to_pcm16(samples)
        self._out_bytes += len(pcm)
        if self._out_bytes > self._max_bytes:
            raise AudioError(f"the utterance is longer than {self._max_bytes // (SAMPLE_RATE * 2)} s")
        self._out.append(pcm)
