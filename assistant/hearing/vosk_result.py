"""Vosk's JSON results turned into typed words and a `Transcript`; no JSON leaves this module."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from assistant.errors import ModelError
from assistant.messages import UNKNOWN_WORD, Transcript

ENGINE_NAME = "vosk"

MAX_UNKNOWN_SHARE = 0.5
"""A result with more than this share of [unk] words is judged out of domain."""


@dataclass(frozen=True)
class VoskWord:
    """One word of a Vosk result."""

    word: str
    """The word, lower case; "[unk]" for speech outside the grammar."""
    confidence: float
    """Vosk's per-word confidence in 0..1 (1.0 when the result carried none)."""
    start: float = 0.0
    """Seconds from the start of the utterance."""
    end: float = 0.0
    """Seconds from the start of the utterance."""


def parse_result(raw: str) -> list[VoskWord]:
    """The words of one `Result()`/`FinalResult()` JSON string: its "result" list, else its "text"."""
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as err:
        raise ModelError(f"Vosk returned an unreadable result: {err}") from None
    if not isinstance(data, dict):
        raise ModelError("Vosk returned an unreadable result: not a JSON object")
    entries = data.get("result")
    if isinstance(entries, list):
        return [_word(entry) for entry in entries if isinstance(entry, dict) and entry.get("word")]
    text = data.get("text")
    if isinstance(text, str):
        return [VoskWord(word, 1.0) for word in text.lower().split()]
    return []


def transcript_from_words(words: Sequence[VoskWord]) -> Transcript:
    """A Transcript: text without [unk], confidence the mean confidence of the words kept.

    Out of domain when nothing in-grammar was heard or when [unk] makes up more than MAX_UNKNOWN_SHARE of it.
    """
    kept = [w for w in words if w.word != UNKNOWN_WORD]
    unknown_share = (len(words) - len(kept)) / len(words) if words else 1.0
    confidence = sum(w.confidence for w in kept) / len(kept) if kept else 0.0
    return Transcript(
        text=" ".join(w.word for w in kept),
        confidence=round(confidence, 4),
        engine=ENGINE_NAME,
        out_of_domain=not kept or unknown_share > MAX_UNKNOWN_SHARE,
        words=tuple(w.word for w in words),
    )


def _word(entry: dict[str, Any]) -> VoskWord:
    return VoskWord(
        word=str(entry["word"]).lower(),
        confidence=_number(entry.get("conf"), 1.0),
        start=_number(entry.get("start"), 0.0),
        end=_number(entry.get("end"), 0.0),
    )


def _number(value: object, default: float) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return default
