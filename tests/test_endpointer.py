"""The endpointer on generated signals: speech-like bursts found, steady noise and short bursts ignored."""

from __future__ import annotations

import numpy as np
import pytest
from audio_signals import RATE, background, chunks, click, cough, door_slam, place, syllables

from assistant.hearing.endpointer import Endpointer, utterances
from assistant.messages import Utterance
from assistant.settings import EndpointSettings


def _find(samples: np.ndarray, chunk_ms: int = 30, **settings: float) -> list[Utterance]:
    return list(utterances(chunks(samples, chunk_ms), EndpointSettings(**settings)))


def test_silence_gives_nothing() -> None:
    assert _find(np.zeros(RATE * 5, dtype=np.float32)) == []


@pytest.mark.parametrize("kind", ["brown", "pink", "white"])
@pytest.mark.parametrize("level", [0.001, 0.03, 0.3])
def test_steady_noise_of_any_colour_and_level_gives_nothing(kind: str, level: float) -> None:
    assert _find(background(kind, 20.0, level, seed=3)) == []


def test_a_fan_switched_on_is_learnt_not_taken_for_speech() -> None:
    quiet = background("brown", 20.0, 0.005)
    fan = np.concatenate([np.zeros(RATE * 5, np.float32), background("pink", 15.0, 0.1, seed=1)])
    assert _find(quiet + fan) == []


def test_a_steady_tone_is_treated_as_noise() -> None:
    tone = (0.2 * np.sin(2 * np.pi * 440 * np.arange(RATE * 3) / RATE)).astype(np.float32)
    assert _find(place(background("brown", 10.0, 0.005), 4.0, tone)) == []


@pytest.mark.parametrize("kind", ["brown", "pink"])
def test_one_burst_of_syllables_in_noise_is_one_utterance(kind: str) -> None:
    signal = place(background(kind, 6.0, 0.02), 2.0, syllables(1.2))
    (found,) = _find(signal)
    assert found.start == pytest.approx(2.0, abs=0.1)
    assert found.end == pytest.approx(3.2, abs=0.1)
    assert found.ended_at == pytest.approx(found.end + 0.6, abs=0.035)
    assert not found.truncated
    # pre-roll (0.3 s) before the start, a short tail (0.3 s) after the end
    assert found.seconds == pytest.approx(found.end - found.start + 0.6, abs=0.07)


def test_the_utterance_audio_is_the_input_audio() -> None:
    signal = place(background("brown", 5.0, 0.02), 2.0, syllables(1.0))
    (found,) = _find(signal)
    offset = round((found.start - 0.3) * RATE)
    expected = np.clip(np.rint(signal[offset : offset + 4800] * 32767), -32768, 32767)
    got = np.frombuffer(found.audio[: 4800 * 2], dtype="<i2")
    assert np.max(np.abs(got - expected)) <= 1


def test_pauses_shorter_than_the_trailing_silence_do_not_split() -> None:
    signal = place(place(background("brown", 8.0, 0.02), 2.0, syllables(1.0)), 3.4, syllables(1.0))
    (found,) = _find(signal)
    assert found.start == pytest.approx(2.0, abs=0.1)
    assert found.end == pytest.approx(4.4, abs=0.1)


def test_a_longer_pause_splits_in_two() -> None:
    signal = place(place(background("brown", 8.0, 0.02), 1.0, syllables(1.0)), 3.5, syllables(1.0))
    first, second = _find(signal)
    assert first.end == pytest.approx(2.0, abs=0.1)
    assert second.start == pytest.approx(3.5, abs=0.1)


def test_trailing_silence_setting_decides_when_it_ends() -> None:
    signal = place(background("brown", 6.0, 0.02), 1.0, syllables(1.0))
    (short,) = _find(signal, trailing_silence=0.3)
    (long,) = _find(signal, trailing_silence=1.2)
    assert short.ended_at == pytest.approx(short.end + 0.3, abs=0.035)
    assert long.ended_at == pytest.approx(long.end + 1.2, abs=0.035)


def test_long_speech_is_cut_at_the_maximum_length() -> None:
    signal = place(background("brown", 20.0, 0.02), 1.0, syllables(16.0))
    first, second = _find(signal, max_seconds=10.0)
    assert first.truncated and not second.truncated
    assert first.end - first.start == pytest.approx(10.0, abs=0.05)
    assert second.start == pytest.approx(first.end, abs=0.15)
    assert second.end == pytest.approx(17.0, abs=0.1)


def test_clicks_door_slams_and_short_coughs_are_dropped() -> None:
    signal = background("brown", 20.0, 0.01)
    for second in range(1, 6):
        signal = place(signal, second, click())
    signal = place(place(signal, 7.0, door_slam()), 10.0, door_slam(seed=1))
    signal = place(place(signal, 13.0, cough(0.12)), 16.0, cough(0.15, seed=1))
    assert _find(signal) == []


def test_min_speech_setting_drops_shorter_bursts() -> None:
    signal = place(background("brown", 5.0, 0.02), 1.0, syllables(0.5))
    assert len(_find(signal, min_speech=0.2)) == 1
    assert _find(signal, min_speech=0.8) == []


@pytest.mark.parametrize("chunk_ms", [10, 20, 100, 1000, 3000])
def test_chunk_size_does_not_change_the_result(chunk_ms: int) -> None:
    signal = place(place(background("pink", 8.0, 0.02), 1.0, syllables(1.0)), 3.5, syllables(1.0))
    expected = [(u.start, u.end, u.audio) for u in _find(signal, chunk_ms=30)]
    assert [(u.start, u.end, u.audio) for u in _find(signal, chunk_ms=chunk_ms)] == expected
    assert len(expected) == 2


def test_timestamps_follow_the_source() -> None:
    signal = place(background("brown", 4.0, 0.02), 1.0, syllables(1.0))
    (found,) = utterances(chunks(signal, start=100.0))
    assert found.start == pytest.approx(101.0, abs=0.1)


def test_flush_hands_out_speech_still_going_at_the_end() -> None:
    endpointer = Endpointer()
    signal = place(background("brown", 2.0, 0.02), 1.0, syllables(1.0))
    assert all(endpointer.process(chunk) is None for chunk in chunks(signal))
    assert endpointer.speaking
    found = endpointer.flush()
    assert found is not None and found.end == pytest.approx(2.0, abs=0.05)
    assert endpointer.flush() is None
    assert not endpointer.speaking


def test_flush_drops_a_burst_too_short_to_be_speech() -> None:
    endpointer = Endpointer()
    signal = place(background("brown", 1.1, 0.02), 1.0, syllables(0.1))
    for chunk in chunks(signal):
        endpointer.process(chunk)
    assert endpointer.flush() is None


def test_speech_from_the_very_first_sample_is_still_found() -> None:
    (found,) = _find(syllables(1.5))
    assert found.start < 0.25
    assert found.end == pytest.approx(1.5, abs=0.05)
    assert found.seconds == pytest.approx(1.5, abs=0.05)  # the pre-roll reaches back to the first sample


def test_noise_from_the_first_sample_with_speech_half_a_second_in() -> None:
    signal = place(background("pink", 3.0, 0.03), 0.5, syllables(1.0))
    (found,) = _find(signal)
    assert found.start == pytest.approx(0.5, abs=0.1)
    assert found.end == pytest.approx(1.5, abs=0.1)
