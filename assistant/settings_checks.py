"""The range checks on settings, by dotted key (`settings_file` applies them to the file and the command
line alike); a key not listed only has its type checked."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from assistant.settings import ENGINES

TTS_ENGINES = ("auto", "piper", "espeak")
"""Speech engines: auto is Piper when a voice is present, else espeak-ng (see voice/engines.py)."""


def _between(low: float, high: float) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        return None if low <= value <= high else f"must be between {low:g} and {high:g}, got {_show(value)}"

    return check


def _show(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return repr(value)


def _device(value: Any) -> str | None:
    if isinstance(value, int):
        return None if value >= 0 else f"must be a device number (0 or more) or a name, got {value}"
    return _not_blank(value)


def _not_blank(value: Any) -> str | None:
    return None if str(value).strip() else "must not be empty"


def _sha256(value: Any) -> str | None:
    if len(str(value)) == 64 and all(c in "0123456789abcdef" for c in str(value)):
        return None
    return f"must be a SHA-256 digest (64 lowercase hex digits), got {value!r}"


def _one_of(*choices: str) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        return None if value in choices else f"must be one of {', '.join(choices)}, got {value!r}"

    return check


CHECKS: dict[str, Callable[[Any], str | None]] = {
    "mic.device": _device,
    "mic.block_ms": _between(10, 200),
    "endpoint.trailing_silence": _between(0.1, 5),
    "endpoint.max_seconds": _between(1, 60),
    "endpoint.min_speech": _between(0.05, 5),
    "endpoint.pre_roll": _between(0, 2),
    "recognizer.engine": _one_of(*ENGINES),
    "voice.device": _device,
    "voice.engine": _one_of(*TTS_ENGINES),
    "voice.piper_sha256": _sha256,
    "voice.voice": _not_blank,
    "voice.rate": _between(80, 400),
    "voice.volume": _between(0, 1),
    "voice.night_rate": _between(80, 400),
    "voice.night_volume": _between(0, 1),
    "voice.night_start": _between(0, 23),
    "voice.night_end": _between(0, 23),
    "routine.hold_seconds": _between(15, 30),
    "dialog.emergency_number": _not_blank,
    "dialog.urgent_care": _not_blank,
    "dialog.wake_phrase": _not_blank,
    "dialog.follow_up_seconds": _between(0, 120),
}
