"""What the cramp log keeps, one frozen record per row, and how a stored row is read back (strictly)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

ADVICE_INTENT = "urgent"
"""Red-flag advice is the response `responses.urgent.TOPIC` in content/responses.toml."""


@dataclass(frozen=True)
class CrampEntry:
    """One reported cramp."""

    at: datetime
    """When it was reported, local time with its UTC offset."""
    body_part: str | None
    """A body_part slot value (calf, foot, toes, thigh, hamstring, leg), or None if not said."""
    side: str | None
    """"left", "right", or None if not said."""
    eased_at: datetime | None = None
    """When the person said it had eased, or None if they did not say."""

    @property
    def minutes_to_ease(self) -> float | None:
        """Minutes from the report to "it's eased", when both are known."""
        if self.eased_at is None:
            return None
        return (self.eased_at - self.at).total_seconds() / 60


@dataclass(frozen=True)
class ExerciseEntry:
    """One guided exercise or routine."""

    at: datetime
    """When it started, local time with its UTC offset."""
    exercise: str
    """An exercise slot value (calf_stretch, toe_stretch, ..., or routine for the bedtime routine)."""
    completed: bool
    """False when it was stopped before its end."""


@dataclass(frozen=True)
class RedFlagEntry:
    """One red flag heard, and the advice the assistant gave for it."""

    at: datetime
    topic: str
    """The urgent topic (emergency, clot, prolonged, infection, toxic)."""
    advice: str
    """The content key of the advice given, "INTENT.TOPIC" (e.g. "urgent.clot": responses.urgent.clot)."""


@dataclass(frozen=True)
class LogRecords:
    """Everything the log holds over a period, in time order, and how many damaged rows were skipped."""

    cramps: tuple[CrampEntry, ...]
    exercises: tuple[ExerciseEntry, ...]
    red_flags: tuple[RedFlagEntry, ...]
    skipped: int = 0
    """Rows with values that cannot be read (a bad time, a wrong type); left out, never fatal."""

    @property
    def empty(self) -> bool:
        return not (self.cramps or self.exercises or self.red_flags)


def cramp_from_row(row: tuple[Any, ...]) -> CrampEntry:
    """(local_time, body_part, side, eased_time) -> CrampEntry; ValueError or TypeError if damaged."""
    local_time, body_part, side, eased_time = row
    at = parse_time(local_time)
    eased = None if eased_time is None else parse_time(eased_time)
    return CrampEntry(at, _optional_text(body_part), _optional_text(side), eased)


def exercise_from_row(row: tuple[Any, ...]) -> ExerciseEntry:
    """(local_time, exercise, completed) -> ExerciseEntry; ValueError or TypeError if damaged."""
    local_time, exercise, completed = row
    if completed not in (0, 1) or isinstance(completed, float):
        raise ValueError(f"completed must be 0 or 1, got {completed!r}")
    return ExerciseEntry(parse_time(local_time), _text(exercise), bool(completed))


def red_flag_from_row(row: tuple[Any, ...]) -> RedFlagEntry:
    """(local_time, topic, advice) -> RedFlagEntry; ValueError or TypeError if damaged."""
    local_time, topic, advice = row
    return RedFlagEntry(parse_time(local_time), _text(topic), _text(advice))


def parse_time(value: object) -> datetime:
    """A stored local time (ISO 8601 with its UTC offset)."""
    if not isinstance(value, str):
        raise TypeError(f"a time must be text, got {type(value).__name__}")
    at = datetime.fromisoformat(value)
    if at.tzinfo is None:
        raise ValueError(f"a time without its UTC offset: {value!r}")
    return at


def _text(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"expected a name, got {value!r}")
    return value


def _optional_text(value: object) -> str | None:
    return None if value is None else _text(value)
