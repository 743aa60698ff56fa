"""The resampler (soxr): keeps the speech band, removes what would alias, streams like it converts."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.audio.resample import Resampler, resample


def _level_db(samples: np.ndarray) -> float:
    middle = samples[len(samples) // 4 : -len(samples) // 4]
    return float(20 * np.log10(np.sqrt(np.mean(middle**2)) / np.sqrt(0.5) + 1e-12))


def _tone(freq: float, rate: int, seconds: float = 0.5) -> np.ndarray:
    return np.sin(2 * np.pi * freq * np.arange(int(rate * seconds)) / rate).astype(np.float32)


@pytest.mark.parametrize("rate", [8000, 11025, 22050, 32000, 44100, 48000, 96000, 44101])
def test_speech_band_passes_at_unity_gain(rate: int) -> None:
    for freq in (200.0, 1000.0, 3000.0):
        out = resample(_tone(freq, rate), rate, 16000)
        assert len(out) == int(np.ceil(len(_tone(freq, rate)) * 16000 / rate))
        assert abs(_level_db(out)) < 0.3
        spectrum = np.abs(np.fft.rfft(out))
        assert abs(np.argmax(spectrum) * 16000 / len(out) - freq) < 5


@pytest.mark.parametrize("rate", [22050, 44100, 48000])
def test_content_above_the_new_nyquist_is_removed_not_aliased(rate: int) -> None:
    assert _level_db(resample(_tone(9000.0, rate), rate, 16000)) < -60
    assert _level_db(resample(_tone(10000.0, rate), rate, 16000)) < -70


def test_upsampling_keeps_the_tone_without_images() -> None:
    out = resample(_tone(1000.0, 8000), 8000, 16000)
    spectrum = np.abs(np.fft.rfft(out))
    freqs = np.fft.rfftfreq(len(out), 1 / 16000)
    image = spectrum[(freqs > 6500) & (freqs < 7500)].max()
    assert image < spectrum.max() * 1e-3


def test_same_rate_is_passed_through_untouched() -> None:
    signal = np.random.default_rng(1).standard_normal(1000).astype(np.float32)
    assert np.array_equal(resample(signal, 16000, 16000), signal)


def test_streaming_in_odd_blocks_matches_converting_at_once() -> None:
    signal = np.random.default_rng(2).standard_normal(44100).astype(np.float32) * 0.1
    whole = resample(signal, 44100, 16000)
    converter = Resampler(44100, 16000)
    parts = [converter.process(signal[i : i + 777]) for i in range(0, len(signal), 777)]
    streamed = np.concatenate([*parts, converter.flush()])
    assert np.allclose(streamed, whole, atol=1e-6)


def test_rates_without_a_small_ratio_keep_unity_gain() -> None:
    out = resample(_tone(440.0, 44101), 44101, 16000)
    assert abs(_level_db(out)) < 0.3


def test_int16_stays_int16_at_the_same_level() -> None:
    tone = np.round(_tone(1000.0, 22050) * 16000).astype(np.int16)
    out = resample(tone, 22050, 16000)
    assert out.dtype == np.int16
    assert len(out) == -(-len(tone) * 16000 // 22050)
    assert abs(_level_db(out.astype(np.float64) / 16000)) < 0.3


def test_invalid_rates_are_rejected() -> None:
    with pytest.raises(ValueError):
        Resampler(0, 16000)
