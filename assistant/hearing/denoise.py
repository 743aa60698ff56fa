"""Steady-noise suppression before recognition: spectral subtraction with the noise measured in the
utterance itself.

A fan, an air purifier or a heater by the bed makes steady noise whose spectrum hardly changes. The
acoustic model was trained on clean speech, so that noise fills the frequency bands between and under
the words and the decoder hears other phones. Each utterance the endpointer cuts starts with a lead-in and
ends with trailing silence, where only the room is heard: the quietest frames give the noise's power per
frequency, which is subtracted from every frame (with a floor, so nothing becomes silent and the decoder's
own noise estimate still works). Quiet rooms are left as they are.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from assistant.audio.pcm import float_to_pcm16, pcm16_to_float

FRAME = 512
"""Samples per analysis frame (32 ms at 16 kHz)."""
HOP = FRAME // 2
_WINDOW = np.sqrt(np.hanning(FRAME + 1)[:FRAME]).astype(np.float32)
"""Square-root periodic Hann for analysis and synthesis: overlap-added at 50% they sum to one."""


@dataclass(frozen=True)
class DenoiseSettings:
    quiet_share: float = 0.15
    """The share of frames, the quietest, taken as the room's noise."""
    over_subtraction: float = 2.0
    """How many times the noise power is subtracted (more removes more noise and some speech)."""
    floor: float = 0.05
    """The least power gain of a frequency bin (about -13 dB), so no band goes silent."""
    min_noise_dbfs: float = -55.0
    """Below this noise level (mean power of the quiet frames) the audio is returned unchanged."""


def denoise(pcm: bytes, settings: DenoiseSettings | None = None) -> bytes:
    """16 kHz mono s16le PCM with steady background noise suppressed (same length)."""
    settings = settings or DenoiseSettings()
    samples = pcm16_to_float(pcm)
    if len(samples) < FRAME * 4:
        return pcm
    count = 1 + (len(samples) - FRAME + HOP - 1) // HOP
    padded = np.zeros((count - 1) * HOP + FRAME, dtype=np.float32)
    padded[: len(samples)] = samples
    index = np.arange(FRAME)[None, :] + HOP * np.arange(count)[:, None]
    spectra = np.fft.rfft(padded[index] * _WINDOW, axis=1)
    power = spectra.real**2 + spectra.imag**2
    energy = power.sum(axis=1)
    quiet = np.argsort(energy)[: max(3, int(settings.quiet_share * count))]
    noise = power[quiet].mean(axis=0)
    noise_dbfs = 10 * np.log10(noise.sum() / (FRAME * float(np.sum(_WINDOW**2))) + 1e-12)
    if noise_dbfs < settings.min_noise_dbfs:
        return pcm
    gain = np.sqrt(np.maximum(1.0 - settings.over_subtraction * noise / (power + 1e-12), settings.floor))
    frames = np.fft.irfft(spectra * gain, n=FRAME, axis=1).astype(np.float32) * _WINDOW
    out = np.zeros_like(padded)
    np.add.at(out, index, frames)
    return float_to_pcm16(out[: len(samples)])
