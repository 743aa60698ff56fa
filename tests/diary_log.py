"""A month of cramp log, written through the CrampLog API on an injected clock, with known figures.

40 cramps over the 30 nights of May 2024 (13 nights with one, 9 with two, 3 with three, 5 with none),
30 of them timed until they eased, 11 guided exercises and 2 red flags; and one cramp, one exercise and one
red flag from April, before the period.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

from assistant.cramp_log import CrampLog

TZ = timezone(timedelta(hours=1))
NOW = datetime(2024, 5, 31, 12, 0, tzinfo=TZ)
FIRST_NIGHT = date(2024, 5, 1)
LAST_NIGHT = date(2024, 5, 30)

PER_NIGHT = (1, 2, 0, 1, 3, 1, 2, 1, 0, 2, 1, 1, 2, 3, 0, 1, 2, 1, 1, 0, 2, 1, 3, 2, 1, 0, 2, 1, 2, 1)
HOURS = (2, 3, 23, 2, 4)
"""The hour each cramp began, in turn: 16 at 2 a.m., 8 each at 3 a.m., 4 a.m. and 11 p.m."""
PLACES = (
    ("calf", "left"), ("calf", "left"), ("calf", "right"), ("foot", "left"),
    ("calf", "left"), ("toes", None), ("thigh", "right"), (None, None),
)  # fmt: skip
"""In turn: calf 15 left and 5 right, foot 5 left, thigh 5 right, toes 5 and 5 unplaced, sides not said."""
RELIEF = (2, 5, 3, None)
"""Minutes until each cramp eased, in turn (None: not said): 10 each at 2, 3 and 5 minutes, median 3."""
EXERCISES = (
    (1, "calf_stretch", True), (3, "calf_stretch", True), (5, "calf_stretch", False),
    (8, "calf_stretch", True), (12, "calf_stretch", True), (20, "calf_stretch", True),
    (2, "toe_stretch", True), (9, "toe_stretch", True), (15, "toe_stretch", True),
    (4, "routine", False), (22, "routine", False),
)  # fmt: skip
"""(night, exercise, completed), at 22:00 that night: calf 6 (5 completed), toe 3 (3), routine 2 (0)."""
RED_FLAGS = ((10, "clot"), (20, "prolonged"))
"""(night, topic), at 03:30 after that night's evening."""


def at_hour(night: date, hour: int, minute: int = 0) -> datetime:
    """The moment of `night` at this clock time (hours before 18:00 fall on the next day)."""
    day = night if hour >= 18 else night + timedelta(days=1)
    return datetime.combine(day, time(hour, minute), tzinfo=TZ)


def write_month(path: Path) -> None:
    """The month above, written the way the bedside loop writes it."""
    with CrampLog(path, now=lambda: NOW) as log:
        count = 0
        for index, cramps in enumerate(PER_NIGHT):
            night = FIRST_NIGHT + timedelta(days=index)
            for _ in range(cramps):
                part, side = PLACES[count % len(PLACES)]
                start = at_hour(night, HOURS[count % len(HOURS)])
                log.record(part, side, start)
                minutes = RELIEF[count % len(RELIEF)]
                if minutes is not None:
                    assert log.record_eased(start + timedelta(minutes=minutes)) is not None
                count += 1
        for night_index, exercise, completed in EXERCISES:
            log.record_exercise(exercise, completed, at_hour(FIRST_NIGHT + timedelta(days=night_index), 22))
        for night_index, topic in RED_FLAGS:
            log.record_red_flag(topic, at=at_hour(FIRST_NIGHT + timedelta(days=night_index), 3, 30))
        april = at_hour(FIRST_NIGHT - timedelta(days=10), 2)
        log.record("foot", "right", april)
        log.record_exercise("quad_stretch", True, april)
        log.record_red_flag("toxic", at=april)
