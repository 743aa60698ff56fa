"""Night profile by the hour, estimated speech lengths, and the generated earcons."""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pytest

from assistant.settings import VoiceSettings
from assistant.voice.earcons import EARCONS, earcon, earcon_seconds
from assistant.voice.speaker import NullSpeaker, open_speaker
from assistant.voice.speech import estimate_seconds
from assistant.voice.voice_profile import is_night, profile_for


def test_night_hours_wrap_past_midnight() -> None:
    settings = VoiceSettings(night_start=22, night_end=7)
    assert [h for h in range(24) if is_night(settings, h)] == [0, 1, 2, 3, 4, 5, 6, 22, 23]
    assert [h for h in range(24) if is_night(VoiceSettings(night_start=1, night_end=3), h)] == [1, 2]
    assert not any(is_night(VoiceSettings(night_start=5, night_end=5), h) for h in range(24))


def test_profile_is_slower_and_softer_at_night() -> None:
    settings = VoiceSettings(rate=170, volume=0.9, night_rate=130, night_volume=0.5)
    day = profile_for(settings, datetime(2025, 3, 1, 14, 0))
    night = profile_for(settings, datetime(2025, 3, 1, 2, 30))
    assert (day.rate, day.volume, day.night) == (170, 0.9, False)
    assert (night.rate, night.volume, night.night) == (130, 0.5, True)


def test_null_speaker_uses_the_profile_rate() -> None:
    settings = VoiceSettings(rate=170, night_rate=120)
    night = open_speaker(settings, None, "null", when=datetime(2025, 3, 1, 23, 0))
    day = open_speaker(settings, None, "null", when=datetime(2025, 3, 1, 12, 0))
    assert isinstance(night, NullSpeaker) and isinstance(day, NullSpeaker)
    text = "Hold for 30 seconds, starting now."
    assert night.duration(text) > day.duration(text)
    with pytest.raises(ValueError):
        open_speaker(settings, None, "loud")


def test_estimates_grow_with_text_and_slow_rate() -> None:
    assert estimate_seconds("5.", 165) < 0.7
    short, long = estimate_seconds("Release.", 165), estimate_seconds("Now switch to your left leg.", 165)
    assert short < long
    assert estimate_seconds("Now switch to your left leg.", 120) > long


@pytest.mark.parametrize("name", EARCONS)
def test_earcons_are_short_and_soft(name: str) -> None:
    tone = earcon(name, 22050, volume=1.0)
    assert tone.dtype == np.int16
    assert len(tone) / 22050 == pytest.approx(earcon_seconds(name), abs=0.001)
    assert 0.1 < earcon_seconds(name) < 0.6
    peak = np.abs(tone.astype(np.int32)).max()
    assert 0.2 * 32767 < peak <= 0.26 * 32767
    assert abs(int(tone[0])) < 500 and abs(int(tone[-1])) < 0.05 * peak  # no click at either end
    assert np.abs(earcon(name, 22050, volume=0.4).astype(np.int32)).max() < 0.45 * peak


def test_unknown_earcon() -> None:
    with pytest.raises(ValueError):
        earcon("fanfare")
