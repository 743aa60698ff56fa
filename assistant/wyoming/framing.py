"""Reading Wyoming events from a peer that may send anything.

An event is a JSON header line (`type`, optional `data`, `data_length`, `payload_length`), then
`data_length` bytes of more JSON data and `payload_length` bytes of payload. The wyoming package's own
reader ends the connection on the first bad line (and raises on a header that is JSON but not an
object); here a bad event is reported as `Malformed` and reading goes on at the next line, because the
header is line-framed. Lengths are bounded, so a peer cannot make the server wait for or hold
gigabytes.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any

from wyoming.event import Event


@dataclass(frozen=True)
class Malformed:
    """An event that could not be read; the connection is still in step with the stream."""

    problem: str
    """One line saying what was wrong."""
    fatal: bool = False
    """True when the stream is out of step (a length that cannot be trusted): the connection must end."""


async def read_event(
    reader: asyncio.StreamReader, max_data: int, max_payload: int
) -> Event | Malformed | None:
    """The next event, a `Malformed` for a bad one, or None at the end of the stream.

    Raises `asyncio.IncompleteReadError` when the stream ends inside an event's data or payload.
    """
    try:
        line = await reader.readline()
    except ValueError:  # longer than the reader's limit: asyncio dropped it
        return Malformed("header line too long")
    if not line:
        return None
    if not line.endswith(b"\n"):
        return None  # the peer closed the connection in the middle of a header
    try:
        header = json.loads(line)
    except ValueError:
        return Malformed("header is not JSON")
    if not isinstance(header, dict):
        return Malformed("header is not a JSON object")
    data_length = _length(header, "data_length", max_data)
    payload_length = _length(header, "payload_length", max_payload)
    if isinstance(data_length, Malformed):
        return data_length
    if isinstance(payload_length, Malformed):
        return payload_length
    # Both lengths are known and bounded from here on, so the stream stays in step whatever follows.
    data_bytes = await reader.readexactly(data_length) if data_length else b""
    payload = await reader.readexactly(payload_length) if payload_length else None
    event_type = header.get("type")
    if not isinstance(event_type, str) or not event_type:
        return Malformed("event has no type")
    data = header.get("data")
    data = {} if data is None else data
    if not isinstance(data, dict):
        return Malformed(f"{event_type}: data is not a JSON object")
    if data_bytes:
        try:
            extra = json.loads(data_bytes)
        except ValueError:
            return Malformed(f"{event_type}: data block is not JSON")
        if not isinstance(extra, dict):
            return Malformed(f"{event_type}: data block is not a JSON object")
        data = {**data, **extra}
    return Event(type=event_type, data=data, payload=payload)


def _length(header: dict[str, Any], key: str, most: int) -> int | Malformed:
    value = header.get(key)
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return Malformed(f"{key} is not a length: {value!r}", fatal=True)
    if value > most:
        return Malformed(f"{key} {value} is over the limit of {most}", fatal=True)
    return value
