"""One answer as a record: what `--json` prints for `ask`, `chat`, `ask --wav` and the bedside loop."""

from __future__ import annotations

import json
from typing import Any

from assistant.messages import IntentMatch, Reply


def answer_record(
    heard: str,
    match: IntentMatch,
    reply: Reply,
    confidence: float | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """`heard`, `intent`, `slots`, `confidence`, `reply` and what else the reply carries."""
    record: dict[str, Any] = {
        "heard": heard,
        "intent": match.intent,
        "slots": dict(match.slots),
        "confidence": round(match.score if confidence is None else confidence, 3),
        "reply": reply.text,
    }
    if reply.routine:
        record["routine"] = reply.routine
    if reply.urgent:
        record["urgent"] = True
    if reply.sources:
        record["sources"] = list(reply.sources)
    record.update(extra)
    return record


def dumps(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False)
