"""Steady background noise and mixing at a signal-to-noise ratio measured over active speech.

Brown and pink noise are white Gaussian noise shaped in the frequency domain (power falling as 1/f^2 and
1/f, flat below 40 Hz so there is no DC drift), like a fan or an air purifier by the bed. The SNR of a
mix is computed over the ACTIVE speech only: 30 ms frames within 30 dB of the loud (95th percentile)
frame level, in the spirit of ITU-T P.56, so padding silence does not make a mix look cleaner.
"""

from __future__ import annotations

import numpy as np

RATE = 16000
_FRAME = 480
_ACTIVE_RANGE_DB = 30.0
_CORNER_HZ = 40.0


def coloured_noise(kind: str, samples: int, rng: np.random.Generator, rate: int = RATE) -> np.ndarray:
    """Unit-RMS noise: "white", "pink" (1/f power) or "brown" (1/f^2 power)."""
    exponents = {"white": 0.0, "pink": 0.5, "brown": 1.0}
    if kind not in exponents:
        raise ValueError(f"unknown noise {kind!r}; use one of {sorted(exponents)}")
    spectrum = np.fft.rfft(rng.standard_normal(samples))
    freqs = np.fft.rfftfreq(samples, 1.0 / rate)
    spectrum /= np.maximum(freqs, _CORNER_HZ) ** exponents[kind]
    noise = np.fft.irfft(spectrum, n=samples)
    noise -= noise.mean()
    return (noise / (np.sqrt(np.mean(noise**2)) + 1e-12)).astype(np.float32)


def active_power(speech: np.ndarray) -> float:
    """Mean power over the active frames of a clean speech signal (float samples)."""
    usable = len(speech) // _FRAME * _FRAME
    if usable == 0:
        return float(np.mean(speech**2)) if len(speech) else 0.0
    powers = np.mean(speech[:usable].reshape(-1, _FRAME).astype(np.float64) ** 2, axis=1)
    loud = np.percentile(powers, 95)
    if loud <= 0:
        return 0.0
    active = powers[powers >= loud * 10 ** (-_ACTIVE_RANGE_DB / 10)]
    return float(active.mean())


def pad(speech: np.ndarray, seconds: float, rate: int = RATE) -> np.ndarray:
    """Adds `seconds` of silence before and after."""
    silence = np.zeros(int(seconds * rate), dtype=np.float32)
    return np.concatenate([silence, speech.astype(np.float32), silence])


def mix_at_snr(
    speech: np.ndarray,
    noise_kind: str,
    snr_db: float,
    rng: np.random.Generator,
    padding: float = 0.5,
    rate: int = RATE,
) -> np.ndarray:
    """Clean speech padded with `padding` s of room noise either side, noise at `snr_db` over active speech.

    The result is scaled down if it would clip.
    """
    padded = pad(speech, padding, rate)
    noise = coloured_noise(noise_kind, len(padded), rng, rate)
    noise_power = active_power(speech) / 10 ** (snr_db / 10)
    mixed = padded + noise * np.float32(np.sqrt(noise_power))
    peak = float(np.max(np.abs(mixed))) if len(mixed) else 0.0
    if peak > 0.98:
        mixed *= np.float32(0.98 / peak)
    return mixed.astype(np.float32)


def measured_snr(speech: np.ndarray, noise: np.ndarray) -> float:
    """The SNR in dB of a clean speech signal against a noise signal, over active speech."""
    return float(10 * np.log10(active_power(speech) / np.mean(noise.astype(np.float64) ** 2)))
