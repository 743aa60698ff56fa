"""The numbers of the cramp diary, computed from the log's records with no drawing: one `DiaryFigures`.

A night runs from `NIGHT_START_HOUR` to the same hour the next day (local time), so a cramp at 2 a.m. on
the 5th counts to the night of the 4th.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from assistant.cramp_log.entries import CrampEntry, LogRecords, RedFlagEntry

NIGHT_START_HOUR = 18


def night_of(at: datetime) -> date:
    """The night a moment belongs to: the date of the evening it began."""
    return (at - timedelta(hours=NIGHT_START_HOUR)).date()


@dataclass(frozen=True)
class NightCount:
    """How many cramps one night had."""

    night: date
    """The date of the evening the night began."""
    count: int


@dataclass(frozen=True)
class MuscleSides:
    """How many cramps one muscle had, by side."""

    body_part: str | None
    """A body_part slot value, or None for cramps whose place was not said."""
    left: int
    right: int
    unsaid: int
    """Cramps in this muscle whose side was not said."""

    @property
    def total(self) -> int:
        return self.left + self.right + self.unsaid


@dataclass(frozen=True)
class ExerciseCount:
    """How often one guided exercise (or routine) was started, and how often it ran to its end."""

    exercise: str
    done: int
    completed: int


@dataclass(frozen=True)
class DiaryFigures:
    """What the one-page diary shows, over the nights `first_night` to `last_night` (both included)."""

    first_night: date
    last_night: date
    nights: tuple[NightCount, ...]
    """Every night of the period in order, including nights with no cramp."""
    hours: tuple[int, ...]
    """24 counts: cramps that began in each hour of the day (local time), from midnight."""
    muscles: tuple[MuscleSides, ...]
    """Most cramps first (ties by name); cramps with no muscle said last."""
    relief_minutes: tuple[float, ...]
    """Minutes from each timed cramp to "it's eased", shortest first."""
    exercises: tuple[ExerciseCount, ...]
    """Most often done first (ties by name)."""
    red_flags: tuple[RedFlagEntry, ...]
    """In time order."""

    @property
    def total(self) -> int:
        return sum(n.count for n in self.nights)

    @property
    def nights_with_cramps(self) -> int:
        return sum(1 for n in self.nights if n.count)

    @property
    def most_in_a_night(self) -> int:
        return max((n.count for n in self.nights), default=0)

    @property
    def median_relief(self) -> float | None:
        """The median of `relief_minutes`, or None when no cramp was timed."""
        return statistics.median(self.relief_minutes) if self.relief_minutes else None

    @property
    def empty(self) -> bool:
        """Nothing to report: no cramp, no exercise, no red flag."""
        return not (self.total or self.exercises or self.red_flags)


def diary_figures(records: LogRecords, first_night: date, last_night: date) -> DiaryFigures:
    """The figures of the nights `first_night` to `last_night` (entries of other nights are left out)."""

    def within(at: datetime) -> bool:
        return first_night <= night_of(at) <= last_night

    cramps = [c for c in records.cramps if within(c.at)]
    per_night = Counter(night_of(c.at) for c in cramps)
    count = (last_night - first_night).days + 1
    days = (first_night + timedelta(days=i) for i in range(max(count, 0)))
    hours = Counter(c.at.hour for c in cramps)
    relief = sorted(m for c in cramps if (m := c.minutes_to_ease) is not None and m >= 0)
    exercises = [e for e in records.exercises if within(e.at)]
    done = Counter(e.exercise for e in exercises)
    completed = Counter(e.exercise for e in exercises if e.completed)
    return DiaryFigures(
        first_night=first_night,
        last_night=last_night,
        nights=tuple(NightCount(day, per_night[day]) for day in days),
        hours=tuple(hours[h] for h in range(24)),
        muscles=_muscles(cramps),
        relief_minutes=tuple(relief),
        exercises=tuple(
            ExerciseCount(name, n, completed[name])
            for name, n in sorted(done.items(), key=lambda item: (-item[1], item[0]))
        ),
        red_flags=tuple(f for f in records.red_flags if within(f.at)),
    )


def _muscles(cramps: Sequence[CrampEntry]) -> tuple[MuscleSides, ...]:
    sides = Counter((c.body_part, c.side) for c in cramps)
    parts = {part for part, _ in sides}
    rows = [MuscleSides(p, sides[(p, "left")], sides[(p, "right")], _unsaid(sides, p)) for p in parts]
    return tuple(sorted(rows, key=lambda m: (m.body_part is None, -m.total, m.body_part or "")))


def _unsaid(sides: Counter[tuple[str | None, str | None]], part: str | None) -> int:
    return sum(n for (p, side), n in sides.items() if p == part and side not in ("left", "right"))
