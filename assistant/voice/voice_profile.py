"""The voice used now: the day profile, or the slower, softer night profile between set hours."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from assistant.settings import VoiceSettings


@dataclass(frozen=True)
class VoiceProfile:
    """What the synthesiser is asked for."""

    rate: int
    """Words per minute."""
    volume: float
    """0..1."""
    voice: str | None = None
    night: bool = False


def is_night(settings: VoiceSettings, hour: int) -> bool:
    """True when `hour` (0-23) falls in [night_start, night_end), wrapping past midnight."""
    start, end = settings.night_start, settings.night_end
    if start == end:
        return False
    if start < end:
        return start <= hour < end
    return hour >= start or hour < end


def profile_for(settings: VoiceSettings, when: datetime) -> VoiceProfile:
    """The profile for the local time `when` (inject it; nothing here reads the wall clock)."""
    if is_night(settings, when.hour):
        return VoiceProfile(settings.night_rate, settings.night_volume, settings.voice, night=True)
    return VoiceProfile(settings.rate, settings.volume, settings.voice)
