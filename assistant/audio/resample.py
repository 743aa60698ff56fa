"""A streaming sample-rate converter: polyphase windowed-sinc interpolation in numpy.

Method: for a rate ratio reduced to `up/down` (44100 -> 16000 is 160/441), output sample n sits at input
position n * down / up. It is the sum of the nearby input samples weighted by a low-pass kernel
`2 fc sinc(2 fc t)` times a Kaiser window (beta 8.6, about 80 dB stop-band), where t is the distance in
input samples. The cut-off is 0.45 times the lower of the two sample rates (7.2 kHz when converting to
16 kHz), so downsampling removes what would alias and upsampling removes the images; the kernel spans
16 zero crossings on either side.
Because the fractional position repeats every `up` outputs, the weights are tabulated once per phase
(when `up` is small enough) and each row is normalised to unit DC gain. Blocks of any size can be fed;
the converter keeps just enough history, so a long file streams in constant memory.
"""

from __future__ import annotations

from math import ceil, gcd

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

_ZERO_CROSSINGS = 24
_KAISER_BETA = 8.6
_CUTOFF = 0.46
_MAX_TABLE_PHASES = 2048


class Resampler:
    """Converts a stream of float32 mono blocks from `in_rate` to `out_rate`."""

    def __init__(self, in_rate: int, out_rate: int) -> None:
        if in_rate <= 0 or out_rate <= 0:
            raise ValueError(f"rates must be positive, got {in_rate} -> {out_rate}")
        common = gcd(in_rate, out_rate)
        self.up = out_rate // common
        self.down = in_rate // common
        self.passthrough = self.up == self.down
        fc = _CUTOFF * min(1.0, self.up / self.down)  # cycles per input sample
        self._two_fc = 2.0 * fc
        self.half = max(1, ceil(_ZERO_CROSSINGS / self._two_fc / 2.0))
        self.taps = 2 * self.half
        self._table: np.ndarray | None = None
        if not self.passthrough and self.up <= _MAX_TABLE_PHASES:
            self._table = self._weights(np.arange(self.up, dtype=np.float64) / self.up)
        self._buffer = np.zeros(self.half - 1, dtype=np.float32)  # zeros before the first sample
        self._buffer_start = -(self.half - 1)  # input index of _buffer[0]
        self._next_out = 0  # index of the next output sample
        self._inputs = 0  # input samples received

    def _weights(self, fractions: np.ndarray) -> np.ndarray:
        """Kernel rows for output positions `base + fraction`; row r weights inputs base-half+1..base+half."""
        offsets = fractions[:, None] + (self.half - 1) - np.arange(self.taps, dtype=np.float64)[None, :]
        window_arg = np.clip(1.0 - (offsets / (self.half + 1)) ** 2, 0.0, None)
        window = np.i0(_KAISER_BETA * np.sqrt(window_arg)) / np.i0(_KAISER_BETA)
        kernel = self._two_fc * np.sinc(self._two_fc * offsets) * window
        kernel /= kernel.sum(axis=1, keepdims=True)
        return kernel.astype(np.float32)

    def process(self, block: np.ndarray) -> np.ndarray:
        """Feeds input samples; returns every output sample that is now fully determined."""
        if self.passthrough:
            return block.astype(np.float32, copy=False)
        self._inputs += len(block)
        self._buffer = np.concatenate([self._buffer, block.astype(np.float32, copy=False)])
        return self._emit(self._buffer_start + len(self._buffer))

    def flush(self) -> np.ndarray:
        """Ends the stream: pads with zeros and returns the remaining output samples."""
        if self.passthrough:
            return np.zeros(0, dtype=np.float32)
        total_out = -(-self._inputs * self.up // self.down)
        self._buffer = np.concatenate([self._buffer, np.zeros(self.half + 1, dtype=np.float32)])
        out = self._emit(self._buffer_start + len(self._buffer), limit=total_out)
        return out

    def _emit(self, available_end: int, limit: int | None = None) -> np.ndarray:
        # Output n needs inputs up to floor(n * down / up) + half, exclusive end one more.
        last = ((available_end - self.half) * self.up - 1) // self.down  # largest n with base+half < end
        if limit is not None:
            last = min(last, limit - 1)
        count = last - self._next_out + 1
        if count <= 0:
            return np.zeros(0, dtype=np.float32)
        n = np.arange(self._next_out, last + 1, dtype=np.int64)
        position = n * self.down
        base = position // self.up
        phase = position % self.up
        weights = self._table[phase] if self._table is not None else self._weights(phase / self.up)
        starts = base - self.half + 1 - self._buffer_start
        windows = sliding_window_view(self._buffer, self.taps)[starts]
        out = np.einsum("ij,ij->i", windows, weights).astype(np.float32)
        self._next_out = last + 1
        # Keep only the history the next output needs.
        next_base = (self._next_out * self.down) // self.up
        drop = next_base - self.half + 1 - self._buffer_start
        if drop > 0:
            self._buffer = self._buffer[drop:]
            self._buffer_start += drop
        return out


def resample(samples: np.ndarray, in_rate: int, out_rate: int) -> np.ndarray:
    """Converts a whole float32 array at once (same result as streaming it)."""
    converter = Resampler(in_rate, out_rate)
    return np.concatenate([converter.process(samples), converter.flush()])
