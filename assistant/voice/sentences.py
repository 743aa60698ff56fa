"""A reply cut into the pieces a speaker synthesises one at a time, so the first words play sooner.

Sentences end at `.`, `!` or `?` before a space and a capital letter or digit. A long first sentence is
cut once more at its first comma, so the opening clause plays while the rest is synthesised. A number of
three digits or more (an emergency number, 999, 911, 112; NHS 111) is said digit by digit, as people
say those numbers, not "nine hundred and ninety-nine".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SENTENCE_PAUSE = 0.3
"""Seconds of silence after a sentence, before the next."""
CLAUSE_PAUSE = 0.12
"""Seconds of silence after a clause cut at a comma."""
LONG_FIRST_SENTENCE = 8
"""A first sentence of more words than this is cut at its first comma (after three words or more)."""

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'(]?[A-Z0-9])")
_LONG_NUMBER = re.compile(r"\b\d{3,}\b")


@dataclass(frozen=True)
class Piece:
    """One part of a reply, synthesised on its own."""

    text: str
    pause_after: float
    """Seconds of silence after it (0 for the last piece)."""


def speech_pieces(text: str) -> tuple[Piece, ...]:
    """The pieces of `text` in order; joined with single spaces they give back its words (with long
    numbers spelt digit by digit)."""
    sentences = [spoken(s.strip()) for s in _SENTENCE_END.split(text.strip()) if s.strip()]
    if not sentences:
        return ()
    parts: list[tuple[str, float]] = []
    for index, sentence in enumerate(sentences):
        if index == 0:
            head, tail = _first_clause(sentence)
            if tail:
                parts.append((head, CLAUSE_PAUSE))
                sentence = tail
        parts.append((sentence, SENTENCE_PAUSE))
    return tuple(Piece(t, 0.0 if i == len(parts) - 1 else pause) for i, (t, pause) in enumerate(parts))


def _first_clause(sentence: str) -> tuple[str, str]:
    words = sentence.split()
    if len(words) <= LONG_FIRST_SENTENCE:
        return sentence, ""
    for i, word in enumerate(words[:-2]):
        if i >= 2 and word.endswith(","):
            return " ".join(words[: i + 1]), " ".join(words[i + 1 :])
    return sentence, ""


def spoken(text: str) -> str:
    """`text` with each number of three digits or more spelt digit by digit ("999" -> "9 9 9")."""
    return _LONG_NUMBER.sub(lambda m: " ".join(m.group()), text)
