"""The endpointer's view of a frame: its power in seven bands between 200 Hz and 7 kHz, in dB full scale."""

from __future__ import annotations

from itertools import pairwise

import numpy as np

from assistant.messages import SAMPLE_RATE

FFT_SIZE = 512
BAND_EDGES_HZ = (200, 500, 900, 1400, 2000, 3000, 4500, 7000)
BAND_COUNT = len(BAND_EDGES_HZ) - 1


class BandLevels:
    """Windowed FFT of each frame, power summed per band; a full-scale sine in one band is about 0 dB."""

    def __init__(self, frame_samples: int) -> None:
        freqs = np.fft.rfftfreq(FFT_SIZE, 1.0 / SAMPLE_RATE)
        bands = [(freqs >= low) & (freqs < high) for low, high in pairwise(BAND_EDGES_HZ)]
        self._bands = np.array(bands, dtype=np.float64).T  # bins x bands
        self._window = np.hanning(frame_samples)
        self._scale = 4.0 / (np.sum(self._window) ** 2)

    def __call__(self, frames: np.ndarray) -> np.ndarray:
        """frames x bands levels in dB for a frames x samples array."""
        spectrum = np.fft.rfft(frames * self._window, n=FFT_SIZE, axis=1)
        power = (spectrum.real**2 + spectrum.imag**2) @ self._bands * self._scale
        return 10.0 * np.log10(power + 1e-12)
