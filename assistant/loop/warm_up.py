"""Warming a slow voice: the phrases a night is likeliest to need, synthesised ahead in the background.

A Piper voice takes a second or more to synthesise a sentence (docs/voice.md), while a
piece already in the speaker's store plays at once. So at start-up the bedside loop hands the speaker the
first sentence of every cramp and red-flag answer (for either side) and every phrase of each exercise's and
the routine's plan, and the speaker synthesises them into its store in a low-priority thread
(`SynthSpeaker.prepare`). Only a speaker that synthesises has `prepare`; for the others this is a no-op.
"""

from __future__ import annotations

import logging

from assistant.content.loader import Content
from assistant.dialog.intents.base import Phrasing
from assistant.routines.exercises import ExerciseBook
from assistant.routines.phrases import SessionPhrases
from assistant.routines.session import Session
from assistant.routines.timeline import Timing
from assistant.settings import DialogSettings
from assistant.voice.speech import estimate_seconds

_LOGGER = logging.getLogger(__name__)
FIRST_INTENTS = ("urgent", "relief")
"""Whose first answers are warmed first: a red flag and a cramp now are when waiting hurts most."""
WORDS_PER_MINUTE = 165
"""Only to place the planned cues (warming needs their texts, not their times)."""


def night_phrases(
    content: Content, dialog: DialogSettings, book: ExerciseBook, phrases: SessionPhrases, hold: float | None
) -> list[str]:
    """The texts to warm, most urgent first, each once."""
    phrasing = Phrasing(content, dialog)
    texts: list[str] = []
    for intent in FIRST_INTENTS:
        for (name, _), response in sorted(content.responses.items()):
            if name == intent:
                texts += [phrasing.fill(t, side=s) for t in response.first for s in (None, "left", "right")]
    for name in book.names():
        session = Session(
            book.routine(name, hold), phrases, lambda text: estimate_seconds(text, WORDS_PER_MINUTE), Timing()
        )
        texts += [cue.text for cue in session.timeline(0.0) if cue.text]
    return list(dict.fromkeys(texts))


def warm_up(speaker: object, texts: list[str]) -> bool:
    """Ask `speaker` to synthesise `texts` ahead; False when it does not synthesise (nothing to warm)."""
    prepare = getattr(speaker, "prepare", None)
    if not callable(prepare):
        return False
    _LOGGER.info("warming the voice with %d phrases in the background", len(texts))
    prepare(texts)
    return True
