"""A recogniser behind the noise suppressor: every utterance is cleaned (when it needs it) before decoding,
whether it came from the microphone (the bedside loop's streams) or a WAV file (`ask --wav`)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from assistant.hearing.recognizer import RecognitionStream, Recognizer, start_stream
from assistant.messages import IDLE, Expectation, Transcript

_LOGGER = logging.getLogger(__name__)


class SuppressedRecognizer:
    """`inner`, fed `suppress(audio)` instead of the audio."""

    def __init__(self, inner: Recognizer, suppress: Callable[[bytes], bytes]) -> None:
        self.inner = inner
        self.suppress = suppress
        self.name = inner.name

    def transcribe(self, audio: bytes, expect: Expectation = IDLE) -> Transcript:
        return self.inner.transcribe(self.suppress(audio), expect)

    def start(self) -> SuppressedStream:
        return SuppressedStream(self)

    def __getattr__(self, name: str) -> Any:
        # The engine's own attributes (tuning, model paths) stay visible through the wrapper.
        return getattr(self.inner, name)


class SuppressedStream:
    """Keeps the utterance's pieces; suppression needs the whole utterance (its noise floor and a fresh
    network state), so the inner engine's stream is fed the cleaned audio at `prepare` and `finish`."""

    def __init__(self, owner: SuppressedRecognizer) -> None:
        self.owner = owner
        self._pieces: list[bytes] = []
        self._inner: RecognitionStream | None = None
        self._prepared_pieces = -1

    def accept(self, pcm: bytes) -> None:
        self._pieces.append(pcm)

    def prepare(self) -> None:
        self._feed()
        if self._inner is not None:
            self._inner.prepare()

    def finish(self, expect: Expectation = IDLE) -> Transcript:
        self._feed()
        inner, self._inner, self._pieces = self._inner, None, []
        assert inner is not None
        return inner.finish(expect)

    def cancel(self) -> None:
        if self._inner is not None:
            self._inner.cancel()
        self._inner, self._pieces = None, []

    def _feed(self) -> None:
        """An inner stream holding the cleaned audio of every piece so far (a new one if more came)."""
        if self._inner is not None and self._prepared_pieces == len(self._pieces):
            return
        if self._inner is not None:
            self._inner.cancel()
        self._inner = start_stream(self.owner.inner)
        self._inner.accept(self.owner.suppress(b"".join(self._pieces)))
        self._prepared_pieces = len(self._pieces)
