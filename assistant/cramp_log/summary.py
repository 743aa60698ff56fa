"""Counts over a period of the cramp log, as data: by place (body part and side) and by band of hours.

`log_phrases.py` words them for `cramp-assistant log`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from assistant.cramp_log.entries import CrampEntry

BAND_HOURS = 2
"""Summaries group cramps by the hour of night in bands this many hours wide (0-2, 2-4, ...)."""


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
