"""PCM and float samples: one scale both ways."""

from __future__ import annotations

import numpy as np

from assistant.audio.pcm import SCALE, float_to_int16, float_to_pcm16, pcm16_to_float


def test_every_16_bit_value_survives_a_round_trip() -> None:
    pcm = np.arange(-32768, 32768, dtype="<i2").tobytes()
    samples = pcm16_to_float(pcm)
    assert samples.dtype == np.float32
    assert samples.min() == -1.0
    assert samples.max() == 1.0 - 1.0 / SCALE
    assert float_to_pcm16(samples) == pcm


def test_out_of_range_floats_clip_and_an_odd_byte_is_dropped() -> None:
    assert float_to_int16(np.array([1.5, 1.0, -1.0, -2.0, 0.5])).tolist() == [
        32767,
        32767,
        -32768,
        -32768,
        16384,
    ]
    assert len(pcm16_to_float(b"\x00\x01\x02")) == 1
