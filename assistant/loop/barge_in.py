"""Listening while the assistant speaks (barge-in): the echo canceller in front of the endpointer, and the
rule for when the loop may hear over its own voice.

- During a routine and while an answer is spoken, the microphone signal (with the assistant's voice
  cancelled) keeps flowing to the endpointer: the routine's controls and a new question are heard over
  the voice. Any other speech of its own ("Sorry, I didn't catch that", an earcon) is listened past, as
  in half-duplex.
- While it listens over its voice, the endpointer cuts utterances by its `OverVoice` settings (a short
  trailing silence, a margin over what the canceller leaves of the voice).
- What a control said over an answer does (silence it) is the dialog's decision (`Dialog.take_turn`).
- When the canceller cannot keep up (it lost its echo path, or failed), the loop goes back to half-duplex:
  one log line, never an exception into the loop.
"""

from __future__ import annotations

import logging

from assistant.audio.echo import EchoCanceller
from assistant.messages import AudioChunk

_LOGGER = logging.getLogger(__name__)


class BargeIn:
    """Owns the echo canceller and says when the loop listens over its own voice."""

    def __init__(self, echo: EchoCanceller | None) -> None:
        self.echo = echo
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

    def over_voice(self, speaking: bool) -> bool:
        """The assistant is speaking and its voice is being cancelled: utterances are cut over it."""
        return speaking and self.working

    def close(self) -> None:
        if self.echo is not None:
            self.echo.close()
