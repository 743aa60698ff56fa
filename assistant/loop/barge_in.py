"""Listening while the assistant speaks (barge-in): the echo canceller in front of the endpointer, and the
rule for when the loop may hear over its own voice.

- During a routine and while an answer is spoken, the microphone signal (with the assistant's voice
  cancelled) keeps flowing to the endpointer: the routine's controls and a new question are heard over
  the voice. Any other speech of its own ("Sorry, I didn't catch that", an earcon) is listened past, as
  in half-duplex.
- While the assistant is speaking, an utterance ends after `speaking_silence` of silence instead of the
  usual trailing silence, so a "stop" or "pause" cuts the sentence within about 0.3 s of the word's end;
  and the endpointer asks `margin_db` more of speech, so what is left of the voice starts nothing.
- "stop", "pause" and the like, said over an answer, silence it and say nothing more.
- When the canceller cannot keep up (it lost its echo path, or failed), the loop goes back to half-duplex:
  one log line, never an exception into the loop.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from assistant.audio.echo import EchoCanceller
from assistant.hearing.endpointer import Endpointer
from assistant.messages import AudioChunk

_LOGGER = logging.getLogger(__name__)
SPEAKING_SILENCE = 0.18
"""Seconds of silence that end an utterance while the assistant is speaking (6 endpointer frames)."""
SPEAKING_MARGIN_DB = 11.0
"""Extra SNR the endpointer asks of speech while the assistant speaks: what the canceller leaves of its
voice sits a few dB over the room's noise and must not start or prolong an utterance (measured in the
bench: 8 dB heard 14 of 21 controls over cues, 11 dB 15 of 21 with fewer utterances of its own voice)."""
SILENCING = frozenset(("stop", "pause"))
"""Controls that, said over an answer, cut it off and say nothing more."""


class BargeIn:
    """Owns the echo canceller and says when the loop listens over its own voice."""

    def __init__(
        self,
        echo: EchoCanceller | None,
        speaking_silence: float = SPEAKING_SILENCE,
        margin_db: float = SPEAKING_MARGIN_DB,
    ) -> None:
        self.echo = echo
        self.speaking_silence = speaking_silence
        self.margin_db = margin_db
        self.answering = False
        """The assistant's current speech is an answer (a new question or a control may cut it)."""
        self._failed = echo is None

    @property
    def working(self) -> bool:
        """The canceller is there, has learnt the room and keeps the echo out (else: half-duplex)."""
        echo = self.echo
        return not self._failed and echo is not None and echo.full_duplex and echo.converged

    def clean(self, chunk: AudioChunk, captured_end: float) -> AudioChunk:
        """The chunk with the assistant's voice cancelled (untouched when there is no canceller)."""
        if self.echo is None or self._failed:
            return chunk
        try:
            return self.echo.process(chunk, captured_end)
        except Exception as err:  # a failing canceller must not end the loop: fall back to half-duplex
            self._failed = True
            _LOGGER.warning("echo canceller failed (%s): listening only when it is quiet", err)
            return chunk

    def listens_over_voice(self, routine_active: bool) -> bool:
        """Whether speech is heard while the assistant talks now."""
        return self.working and (routine_active or self.answering)

    def pace(self, endpointer: Endpointer, base_silence: float, speaking: bool) -> None:
        """A short trailing silence while the assistant speaks (a quick "stop"), the usual one otherwise."""
        over_voice = speaking and self.working
        wanted = self.speaking_silence if over_voice else base_silence
        if endpointer.settings.trailing_silence != wanted:
            endpointer.settings = replace(endpointer.settings, trailing_silence=wanted)
        endpointer.margin_db = self.margin_db if over_voice else 0.0

    def silences_answer(self, intent: str, speaking: bool, routine_active: bool) -> bool:
        """A stop or pause said over an answer (no routine running): cut it and answer nothing."""
        return speaking and self.answering and not routine_active and intent in SILENCING

    def close(self) -> None:
        if self.echo is not None:
            self.echo.close()
