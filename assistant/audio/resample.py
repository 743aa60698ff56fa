"""Sample-rate conversion, all of it through libsoxr (python-soxr), streaming or at once.

soxr's "HQ" setting (a linear-phase low-pass with a pass band to about 91% of the lower Nyquist rate and
more than 100 dB of stop band) removes what would alias when converting down and the images when
converting up. The stream holds a few milliseconds of history (about 9 ms at 16 kHz), so a long file or a
live microphone converts in constant memory. Float32 and int16 samples keep their type.
"""

from __future__ import annotations

import numpy as np
import soxr

QUALITY = "HQ"
_TYPES = {np.dtype(np.float32): "float32", np.dtype(np.int16): "int16"}


class Resampler:
    """Converts a stream of mono blocks (float32, or int16 with `dtype="int16"`) from `in_rate` to `out_rate`.

    After `flush()` the output holds exactly ceil(inputs * out_rate / in_rate) samples.
    """

    def __init__(self, in_rate: int, out_rate: int, dtype: str = "float32") -> None:
        if in_rate <= 0 or out_rate <= 0:
            raise ValueError(f"rates must be positive, got {in_rate} -> {out_rate}")
        if dtype not in _TYPES.values():
            raise ValueError(f"dtype must be one of {sorted(_TYPES.values())}, got {dtype!r}")
        self.in_rate = in_rate
        self.out_rate = out_rate
        self.dtype = np.dtype(dtype)
        self.passthrough = in_rate == out_rate
        self._stream = None if self.passthrough else soxr.ResampleStream(in_rate, out_rate, 1, dtype, QUALITY)
        self._inputs = 0
        self._outputs = 0

    def process(self, block: np.ndarray) -> np.ndarray:
        """Feeds input samples; returns the output samples that are ready."""
        block = block.astype(self.dtype, copy=False)
        if self._stream is None:
            return block
        self._inputs += len(block)
        out = self._stream.resample_chunk(block)
        self._outputs += len(out)
        return out

    def flush(self) -> np.ndarray:
        """Ends the stream and returns the remaining output samples."""
        if self._stream is None:
            return np.zeros(0, dtype=self.dtype)
        out = self._stream.resample_chunk(np.zeros(0, dtype=self.dtype), last=True)
        wanted = max(0, -(-self._inputs * self.out_rate // self.in_rate) - self._outputs)
        out = np.concatenate([out, np.zeros(max(0, wanted - len(out)), dtype=self.dtype)])[:wanted]
        self._outputs += len(out)
        return out


def resample(samples: np.ndarray, in_rate: int, out_rate: int) -> np.ndarray:
    """Converts a whole mono array at once (as streaming it would); float32 and int16 keep their type."""
    if in_rate == out_rate:
        return samples
    converter = Resampler(in_rate, out_rate, _TYPES.get(samples.dtype, "float32"))
    return np.concatenate([converter.process(samples), converter.flush()])
