"""The opt-in local cramp log: one small SQLite file kept on the device.

It keeps the time, body part and side of each reported cramp and when the person said it eased, the
exercises done and whether each was completed, and the red flags heard with the key of the advice given.
No audio, no text of what was said. Time is injected (`now`), so tests can write a month of nights in a
millisecond.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from assistant.cramp_log.entries import (
    ADVICE_INTENT,
    CrampEntry,
    ExerciseEntry,
    LogRecords,
    RedFlagEntry,
    cramp_from_row,
    exercise_from_row,
    red_flag_from_row,
)
from assistant.cramp_log.schema import open_database
from assistant.cramp_log.summary import CrampSummary, summarise
from assistant.errors import AssistantError

_LOGGER = logging.getLogger(__name__)

_Entry = TypeVar("_Entry", CrampEntry, ExerciseEntry, RedFlagEntry)


class CrampLogError(AssistantError):
    """The cramp log file cannot be read or written (corrupt, not a database, no permission)."""


def local_now() -> datetime:
    """The current local time, with its UTC offset."""
    return datetime.now().astimezone()


class CrampLog:
    """The cramp log in one SQLite file; created (owner-only) on first use."""

    def __init__(
        self,
        path: Path,
        now: Callable[[], datetime] = local_now,
        merge_seconds: float = 600.0,
        ease_seconds: float = 3600.0,
    ) -> None:
        self.path = path
        self._now = now
        self.merge_seconds = merge_seconds
        """A report this soon after the last one is the same cramp (a cramp can last about 10 minutes)."""
        self.ease_seconds = ease_seconds
        """"It's eased" marks a cramp reported at most this long before; an older one stays open."""
        self._db: sqlite3.Connection | None = None

    def __enter__(self) -> CrampLog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    def record(self, body_part: str | None, side: str | None, at: datetime | None = None) -> CrampEntry:
        """Add one cramp (always a new entry)."""
        entry = CrampEntry(_aware(at or self._now()), _clean(body_part), _clean(side))
        with self._sql() as db:
            db.execute(
                "INSERT INTO cramps (at_epoch, local_time, body_part, side) VALUES (?, ?, ?, ?)",
                (entry.at.timestamp(), entry.at.isoformat(), entry.body_part, entry.side),
            )
        _LOGGER.info("cramp logged: %s %s", entry.side or "-", entry.body_part or "-")
        return entry

    def report(self, body_part: str | None, side: str | None) -> CrampEntry:
        """A cramp the person mentions; a follow-up soon after ("the left one") fills in the last entry."""
        now = _aware(self._now())
        with self._sql() as db:
            row = db.execute(
                "SELECT id, local_time, body_part, side FROM cramps ORDER BY at_epoch DESC, id DESC LIMIT 1"
            ).fetchone()
            if row is not None:
                last_at = datetime.fromisoformat(row[1])
                recent = 0 <= (now - last_at).total_seconds() <= self.merge_seconds
                new_part, new_side = _clean(body_part), _clean(side)
                compatible = (row[2] in (None, new_part) or new_part is None) and (
                    row[3] in (None, new_side) or new_side is None
                )
                if recent and compatible:
                    merged = CrampEntry(last_at, row[2] or new_part, row[3] or new_side)
                    db.execute(
                        "UPDATE cramps SET body_part = ?, side = ? WHERE id = ?",
                        (merged.body_part, merged.side, row[0]),
                    )
                    return merged
        return self.record(body_part, side, now)

    def record_eased(self, at: datetime | None = None) -> CrampEntry | None:
        """The person said the cramp eased: the most recent cramp not yet eased, reported within
        `ease_seconds` before `at`, gets its relief time. Returns it, or None if no such cramp."""
        now = _aware(at or self._now())
        with self._sql() as db:
            rows = db.execute(
                "SELECT id, local_time, body_part, side, eased_time FROM cramps WHERE eased_time IS NULL "
                "AND at_epoch <= ? AND at_epoch >= ? ORDER BY at_epoch DESC, id DESC",
                (now.timestamp(), now.timestamp() - self.ease_seconds),
            ).fetchall()
            for row in rows:
                try:
                    entry = cramp_from_row(row[1:])
                except (TypeError, ValueError) as err:
                    _LOGGER.warning("%s: skipped a damaged cramp entry (%s)", self.path, err)
                    continue
                db.execute("UPDATE cramps SET eased_time = ? WHERE id = ?", (now.isoformat(), row[0]))
                _LOGGER.info("cramp eased after %.1f min", (now - entry.at).total_seconds() / 60)
                return CrampEntry(entry.at, entry.body_part, entry.side, now)
        return None

    def record_exercise(self, exercise: str, completed: bool, at: datetime | None = None) -> ExerciseEntry:
        """A guided exercise or routine (an exercise slot value, e.g. "calf_stretch" or "routine") that
        started at `at` and ran to its end (`completed`) or was stopped."""
        name = _clean(exercise)
        if name is None:
            raise CrampLogError("an exercise in the cramp log needs a name")
        entry = ExerciseEntry(_aware(at or self._now()), name, bool(completed))
        with self._sql() as db:
            db.execute(
                "INSERT INTO exercises (at_epoch, local_time, exercise, completed) VALUES (?, ?, ?, ?)",
                (entry.at.timestamp(), entry.at.isoformat(), entry.exercise, int(entry.completed)),
            )
        return entry

    def record_red_flag(
        self, topic: str, advice: str | None = None, at: datetime | None = None
    ) -> RedFlagEntry:
        """A red flag heard (an urgent topic, e.g. "clot") and the content key of the advice given,
        "urgent.TOPIC" (responses.urgent.TOPIC) unless another is named."""
        name = _clean(topic)
        if name is None:
            raise CrampLogError("a red flag in the cramp log needs a topic")
        key = (advice or "").strip() or f"{ADVICE_INTENT}.{name}"
        entry = RedFlagEntry(_aware(at or self._now()), name, key)
        with self._sql() as db:
            db.execute(
                "INSERT INTO red_flags (at_epoch, local_time, topic, advice) VALUES (?, ?, ?, ?)",
                (entry.at.timestamp(), entry.at.isoformat(), entry.topic, entry.advice),
            )
        _LOGGER.info("red flag logged: %s", entry.topic)
        return entry

    def entries(self, since: datetime | None = None, until: datetime | None = None) -> list[CrampEntry]:
        """Cramps in time order, within [since, until] when given; a damaged entry is a CrampLogError."""
        low = since.timestamp() if since else float("-inf")
        high = until.timestamp() if until else float("inf")
        with self._sql() as db:
            rows = db.execute(
                "SELECT local_time, body_part, side, eased_time FROM cramps "
                "WHERE at_epoch >= ? AND at_epoch <= ? ORDER BY at_epoch, id",
                (low, high),
            ).fetchall()
        try:
            return [cramp_from_row(row) for row in rows]
        except (TypeError, ValueError) as err:
            raise CrampLogError(f"{self.path}: the cramp log has a damaged entry ({err})") from None

    def records(self, since: datetime | None = None, until: datetime | None = None) -> LogRecords:
        """Everything within [since, until], in time order; damaged rows are skipped and counted."""
        since = _aware(since) if since else None
        until = _aware(until) if until else None
        skipped = 0

        def read(sql: str, parse: Callable[[tuple[Any, ...]], _Entry]) -> tuple[_Entry, ...]:
            nonlocal skipped
            out = []
            with self._sql() as db:
                rows = db.execute(sql).fetchall()
            for row in rows:
                try:
                    entry = parse(tuple(row))
                except (TypeError, ValueError) as err:
                    _LOGGER.debug("%s: damaged row skipped (%s)", self.path, err)
                    skipped += 1
                    continue
                if (since is None or entry.at >= since) and (until is None or entry.at <= until):
                    out.append(entry)
            return tuple(sorted(out, key=lambda e: e.at))

        cramps = read("SELECT local_time, body_part, side, eased_time FROM cramps", cramp_from_row)
        exercises = read("SELECT local_time, exercise, completed FROM exercises", exercise_from_row)
        flags = read("SELECT local_time, topic, advice FROM red_flags", red_flag_from_row)
        return LogRecords(cramps, exercises, flags, skipped)

    def summary(self, now: datetime | None = None, days: int = 30) -> CrampSummary:
        """Counts by place and by band of hours over the `days` up to `now`."""
        if days < 1:
            raise CrampLogError(f"days must be 1 or more, got {days}")
        until = _aware(now or self._now())
        return summarise(self.entries(until - timedelta(days=days), until), until, days)

    def clear(self) -> int:
        """Delete everything (cramps, exercises, red flags); returns how many cramps there were."""
        with self._sql() as db:
            count = int(db.execute("SELECT COUNT(*) FROM cramps").fetchone()[0])
            for table in ("cramps", "exercises", "red_flags"):
                db.execute(f"DELETE FROM {table}")
        with self._sql() as db:
            db.execute("VACUUM")
        return count

    @contextmanager
    def _sql(self) -> Iterator[sqlite3.Connection]:
        """The open database in a transaction; sqlite errors become one clear CrampLogError."""
        try:
            if self._db is None:
                self._db = open_database(self.path)
            with self._db as db:
                yield db
        except sqlite3.DatabaseError as err:
            self.close()
            raise CrampLogError(
                f"{self.path}: cannot use the cramp log ({err}); move the file aside to start a new log"
            ) from None
        except OSError as err:
            raise CrampLogError(f"{self.path}: cannot use the cramp log: {err.strerror or err}") from None


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo is not None else at.astimezone()


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip().lower()
    return value or None
