"""From microphone chunks to utterances being recognised: the endpointer's events feed a recognition
stream as speech arrives (nothing is decoded in silence), so when the end is detected only the stream's
last words remain to decode. A dropped burst cancels its stream; a failing stream is dropped and its
utterance decoded whole at the end instead."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial

from assistant.hearing.endpoint_events import (
    EndpointEvent,
    SpeechAudio,
    SpeechEnded,
    SpeechPaused,
    SpeechStarted,
)
from assistant.hearing.endpointer import Endpointer
from assistant.hearing.recognizer import RecognitionStream, Transcriber, start_stream
from assistant.messages import AudioChunk, Utterance
from assistant.settings import EndpointSettings

_LOGGER = logging.getLogger(__name__)

OnUtterance = Callable[[Utterance, RecognitionStream | None], None]
"""Called with each utterance when its end is detected, and the stream fed while it was spoken (None
when streaming failed: decode the audio)."""


class Listening:
    """Endpoints the chunks and streams each utterance's audio to the recogniser as it is spoken."""

    def __init__(
        self, recognizer: Transcriber, on_utterance: OnUtterance, endpoint: EndpointSettings | None = None
    ) -> None:
        self.recognizer = recognizer
        self.on_utterance = on_utterance
        self.endpointer = Endpointer(endpoint)
        self._stream: RecognitionStream | None = None

    def feed(self, chunk: AudioChunk) -> None:
        """One chunk from the microphone."""
        self._follow(self.endpointer.events(chunk))

    def flush(self) -> None:
        """The input ends, or stops being listened to: speech under way is heard as far as it went."""
        self._follow(self.endpointer.flush_events())

    def _follow(self, events: list[EndpointEvent]) -> None:
        for event in events:
            if isinstance(event, SpeechStarted):
                self._close_stream()
                self._stream = self._open_stream()
            elif isinstance(event, SpeechAudio):
                self._on_stream(partial(_accept, event.pcm), "streaming recognition")
            elif isinstance(event, SpeechPaused):
                self._on_stream(_prepare, "decoding ahead")
            elif isinstance(event, SpeechEnded):
                stream, self._stream = self._stream, None
                self.on_utterance(event.utterance, stream)
            else:
                self._close_stream()

    def _on_stream(self, call: Callable[[RecognitionStream], None], what: str) -> None:
        """Calls the open stream, if any; on a failure the stream is dropped."""
        if self._stream is None:
            return
        try:
            call(self._stream)
        except Exception as err:
            _LOGGER.warning("%s failed: %s", what, err)
            self._close_stream()

    def _open_stream(self) -> RecognitionStream | None:
        try:
            return start_stream(self.recognizer)
        except Exception as err:
            _LOGGER.warning("cannot start streaming recognition: %s", err)
            return None

    def _close_stream(self) -> None:
        stream, self._stream = self._stream, None
        if stream is not None:
            try:
                stream.cancel()
            except Exception as err:
                _LOGGER.warning("cancelling a recognition stream failed: %s", err)


def _accept(pcm: bytes, stream: RecognitionStream) -> None:
    stream.accept(pcm)


def _prepare(stream: RecognitionStream) -> None:
    stream.prepare()
