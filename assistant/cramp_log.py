"""The opt-in local cramp log: when, where and which side, in a small SQLite file kept on the device.

Only the time, body part and side of each reported cramp are kept; no audio, no text of what was said.
Time is injected (`now`), so tests can write a month of nights in a millisecond.
"""

from __future__ import annotations

import logging
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from assistant.errors import AssistantError

_LOGGER = logging.getLogger(__name__)

SCHEMA_VERSION = 1
BAND_HOURS = 2
"""Summaries group cramps by the hour of night in bands this many hours wide (0-2, 2-4, ...)."""


class CrampLogError(AssistantError):
    """The cramp log file cannot be read or written (corrupt, not a database, no permission)."""


def local_now() -> datetime:
    """The current local time, with its UTC offset."""
    return datetime.now().astimezone()


@dataclass(frozen=True)
class CrampEntry:
    """One reported cramp."""

    at: datetime
    """When it was reported, local time with its UTC offset."""
    body_part: str | None
    """A body_part slot value (calf, foot, toes, thigh, hamstring, leg), or None if not said."""
    side: str | None
    """"left", "right", or None if not said."""


@dataclass(frozen=True)
class PlaceCount:
    """How many cramps were in one place (body part and side)."""

    body_part: str | None
    side: str | None
    count: int


@dataclass(frozen=True)
class BandCount:
    """How many cramps began in one band of hours (local time)."""

    start_hour: int
    end_hour: int
    """Exclusive; 24 for the last band of the day."""
    count: int


@dataclass(frozen=True)
class CrampSummary:
    """The log over a period, as data; `log_phrases.py` words it."""

    days: int
    since: datetime
    until: datetime
    total: int
    places: tuple[PlaceCount, ...]
    """Most frequent first; ties by body part and side."""
    bands: tuple[BandCount, ...]
    """Every band of the day in order, including empty ones."""

    def top_band(self) -> BandCount | None:
        """The band with the most cramps (the earliest on a tie), or None for an empty log."""
        if not self.total:
            return None
        return max(self.bands, key=lambda band: (band.count, -band.start_hour))

    def to_dict(self) -> dict[str, Any]:
        return {
            "days": self.days,
            "since": self.since.isoformat(timespec="seconds"),
            "until": self.until.isoformat(timespec="seconds"),
            "total": self.total,
            "places": [{"body_part": p.body_part, "side": p.side, "count": p.count} for p in self.places],
            "hours": [{"start": b.start_hour, "end": b.end_hour, "count": b.count} for b in self.bands],
        }


class CrampLog:
    """The cramp log in one SQLite file; created (owner-only) on first use."""

    def __init__(
        self, path: Path, now: Callable[[], datetime] = local_now, merge_seconds: float = 600.0
    ) -> None:
        self.path = path
        self._now = now
        self.merge_seconds = merge_seconds
        """A report this soon after the last one is the same cramp (a cramp can last about 10 minutes)."""
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

    def entries(self, since: datetime | None = None, until: datetime | None = None) -> list[CrampEntry]:
        """Entries in time order, within [since, until] when given."""
        low = since.timestamp() if since else float("-inf")
        high = until.timestamp() if until else float("inf")
        with self._sql() as db:
            rows = db.execute(
                "SELECT local_time, body_part, side FROM cramps WHERE at_epoch >= ? AND at_epoch <= ? "
                "ORDER BY at_epoch, id",
                (low, high),
            ).fetchall()
        try:
            return [CrampEntry(datetime.fromisoformat(r[0]), r[1], r[2]) for r in rows]
        except (TypeError, ValueError) as err:
            raise CrampLogError(f"{self.path}: the cramp log has a damaged entry ({err})") from None

    def summary(self, now: datetime | None = None, days: int = 30) -> CrampSummary:
        """Counts by place and by band of hours over the `days` up to `now`."""
        if days < 1:
            raise CrampLogError(f"days must be 1 or more, got {days}")
        until = _aware(now or self._now())
        return summarise(self.entries(until - timedelta(days=days), until), until, days)

    def clear(self) -> int:
        """Delete every entry; returns how many there were."""
        with self._sql() as db:
            count = int(db.execute("SELECT COUNT(*) FROM cramps").fetchone()[0])
            db.execute("DELETE FROM cramps")
        with self._sql() as db:
            db.execute("VACUUM")
        return count

    @contextmanager
    def _sql(self) -> Iterator[sqlite3.Connection]:
        """The open database in a transaction; sqlite errors become one clear CrampLogError."""
        try:
            db = self._connect()
            with db:
                yield db
        except sqlite3.DatabaseError as err:
            self.close()
            raise CrampLogError(
                f"{self.path}: cannot use the cramp log ({err}); move the file aside to start a new log"
            ) from None
        except OSError as err:
            raise CrampLogError(f"{self.path}: cannot use the cramp log: {err.strerror or err}") from None

    def _connect(self) -> sqlite3.Connection:
        if self._db is not None:
            return self._db
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.path.touch(mode=0o600, exist_ok=True)
        db = sqlite3.connect(self.path)
        self._db = db
        version = int(db.execute("PRAGMA user_version").fetchone()[0])
        if version > SCHEMA_VERSION:
            raise sqlite3.DatabaseError(f"written by a newer cramp-assistant (schema {version})")
        with db:
            db.execute(
                "CREATE TABLE IF NOT EXISTS cramps (id INTEGER PRIMARY KEY, at_epoch REAL NOT NULL, "
                "local_time TEXT NOT NULL, body_part TEXT, side TEXT)"
            )
            db.execute("CREATE INDEX IF NOT EXISTS cramps_at ON cramps (at_epoch)")
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        return db


def summarise(entries: Sequence[CrampEntry], until: datetime, days: int) -> CrampSummary:
    """Counts by place and by band of hours of `entries` (those of the `days` up to `until`)."""
    places = Counter((e.body_part, e.side) for e in entries)
    ordered = sorted(places.items(), key=lambda item: (-item[1], item[0][0] or "~", item[0][1] or "~"))
    hours = Counter(e.at.hour // BAND_HOURS for e in entries)
    bands = tuple(
        BandCount(band * BAND_HOURS, band * BAND_HOURS + BAND_HOURS, hours[band])
        for band in range(24 // BAND_HOURS)
    )
    return CrampSummary(
        days=days,
        since=until - timedelta(days=days),
        until=until,
        total=len(entries),
        places=tuple(PlaceCount(part, side, count) for (part, side), count in ordered),
        bands=bands,
    )


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo is not None else at.astimezone()


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip().lower()
    return value or None
