"""What the bedside loop reports: one small dict per event, printed as JSON lines or as text for a person.

Events (every one has `event` and `t`, seconds since the loop started on its clock):

- `ready`: listening.
- `heard`: `heard`, `intent` (what the assistant acts on: `unknown` when not believed), `guess` (the
  router's intent before the belief rule; `unknown` when the router had none), `reason` (why it was or was
  not believed), `slots`, `confidence`, `timings` (ms per stage), `action` (answer, not_heard, ignore,
  control, wake) and `action_reason` (why that action).
- `say`: `text` (an answer, or a routine cue) and `seconds` (its length); answers add `intent` and
  `latency_ms` (processing time from the detected end of speech to the speech being handed to the
  speaker); routine cues add `source: "routine"`.
- `routine`: `name`, `state` (started, finished, stopped).
- `hold`: `seconds`, `exercise`, `side`; `release`: `exercise`, `side`, `completed`.
- `error`: `message` (a microphone, speaker or recogniser failure; the loop carries on).
- `stopped`: the loop has ended.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any, TextIO

Event = dict[str, Any]
EventSink = Callable[[Event], None]


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
