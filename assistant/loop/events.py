"""What the bedside loop reports: one small dict per event, printed as JSON lines or as text for a person.

Events (every one has `event` and `t`, seconds since the loop started on its clock):

- `ready`: listening.
- `heard`: `heard`, `intent` (what the assistant acts on: `unknown` when not believed), `guess` (the
  router's intent before the belief rule; `unknown` when the router had none), `reason` (why it was or was
  not believed), `slots`, `confidence`, `timings` (ms per stage), `action` (answer, not_heard, ignore,
  control, wake) and `action_reason` (why that action).
- `say`: `text`, `seconds` (its length) and `source` (`answer`, or `routine` for a routine's cue);
  answers add `intent` and `latency_ms` (processing time from the detected end of speech to the speech
  being handed to the speaker).
- `routine`: `name`, `state` (started, finished, stopped).
- `hold`: `seconds`, `exercise`, `side`; `release`: `exercise`, `side`, `completed`.
- `error`: `message` (a microphone, speaker or recogniser failure; the loop carries on).
- `stopped`: the loop has ended.
"""

from __future__ import annotations

import json
import sys
from collections import deque
from collections.abc import Callable
from typing import Any, TextIO

from assistant.clock import Clock

Event = dict[str, Any]
EventSink = Callable[[Event], None]


SAID_KEPT = 16
"""Phrases `EventLog.said_during` remembers (a minute of cues or more)."""


class EventLog:
    """Stamps events with `t` (seconds since `origin` on the clock) and hands them to the sink: the one
    place event times are made, and `say` the one place a `say` event is made (so it also remembers what
    the assistant said when: `said_during`)."""

    def __init__(self, sink: EventSink, clock: Clock, origin: float = 0.0) -> None:
        self.sink = sink
        self.clock = clock
        self.origin = origin
        self._said: deque[tuple[float, float, str]] = deque(maxlen=SAID_KEPT)
        """(clock time handed to the speaker, clock time it would end, text) of the last phrases."""

    def said_during(self, start: float, end: float) -> tuple[str, ...]:
        """The phrases the assistant was saying at some time between clock times `start` and `end` (a
        phrase cut short counts for its whole length)."""
        return tuple(text for began, ended, text in self._said if began <= end and ended >= start)

    def stamp(self, kind: str, **fields: object) -> Event:
        """The event, stamped now (not yet emitted)."""
        return {"event": kind, "t": round(self.clock.now() - self.origin, 3), **fields}

    def report(self, kind: str, **fields: object) -> None:
        """Emit an event stamped now."""
        self.sink(self.stamp(kind, **fields))

    def say(self, text: str, seconds: float, source: str, **fields: object) -> None:
        """Emit the `say` event for a phrase handed to the speaker now."""
        now = self.clock.now()
        self._said.append((now, now + seconds, text))
        self.report("say", text=text, seconds=round(seconds, 3), source=source, **fields)


class JsonLines:
    """Prints one JSON object per line."""

    def __init__(self, out: TextIO | None = None) -> None:
        self.out = out or sys.stdout

    def __call__(self, event: Event) -> None:
        print(json.dumps(event, ensure_ascii=False), file=self.out, flush=True)


class PlainText:
    """Prints what a person watching the loop wants to see: what was heard and what is said."""

    def __init__(self, out: TextIO | None = None) -> None:
        self.out = out or sys.stdout

    def __call__(self, event: Event) -> None:
        line = self.describe(event)
        if line:
            print(f"{event.get('t', 0.0):8.2f}  {line}", file=self.out, flush=True)

    @staticmethod
    def describe(event: Event) -> str | None:
        kind = event["event"]
        if kind == "ready":
            return "listening (Ctrl-C to stop)"
        if kind == "heard":
            slots = " ".join(f"{k}={v}" for k, v in event.get("slots", {}).items())
            detail = f"{event['intent']} {slots}".strip()
            return f"heard: {event['heard']!r} -> {detail} [{event['action']}]"
        if kind == "say":
            return f"says: {event['text']}"
        if kind == "hold":
            side = f" ({event['side']})" if event.get("side") else ""
            return f"[hold {event['seconds']:g} s{side}]"
        if kind == "release":
            return "[release]" if event.get("completed", True) else "[release early]"
        if kind == "routine":
            return f"[{event['name']} {event['state']}]"
        if kind == "error":
            return f"error: {event['message']}"
        if kind == "stopped":
            return "stopped"
        return None


class Recorder:
    """Keeps every event (tests and the benchmark)."""

    def __init__(self) -> None:
        self.events: list[Event] = []

    def __call__(self, event: Event) -> None:
        self.events.append(event)

    def of(self, kind: str) -> list[Event]:
        return [event for event in self.events if event["event"] == kind]
