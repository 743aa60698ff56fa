"""pocketsphinx first, Whisper as the second opinion when pocketsphinx's transcript is doubted.

The fast engine decodes every utterance (streaming, decoding ahead in the trailing silence); the
understanding's doubt check (`Understanding.doubts`), told what the conversation expects, says whether
Whisper transcribes the same audio too. A control of a running routine heard clearly by the fast engine is
never doubted, so it is acted on without waiting for Whisper. The result is pocketsphinx's transcript
carrying Whisper's as `Transcript.second`; the understanding's judge decides between them.

Whisper hears the audio as it came, not the noise suppressor's output (the factory puts only the first
engine behind RNNoise): tiny.en was trained on noisy speech, and RNNoise's artefacts cost it more than the
noise (docs/hearing.md).
"""

from __future__ import annotations

import logging
from dataclasses import replace

from assistant.hearing.neural_denoise import speech_to_noise_db
from assistant.hearing.recognizer import Doubt, RecognitionStream, Recognizer, start_stream
from assistant.messages import IDLE, Expectation, Transcript

_LOGGER = logging.getLogger(__name__)


class SecondOpinionRecognizer:
    """`first` for every utterance, `second` for the doubted ones."""

    def __init__(self, first: Recognizer, second: Recognizer, doubt: Doubt) -> None:
        self.first = first
        self.second = second
        self.doubt = doubt
        self.name = f"{first.name}+{second.name}"
        self.asked = 0
        """Utterances the second engine was asked about."""

    def transcribe(self, audio: bytes, expect: Expectation = IDLE) -> Transcript:
        return self.consult(self.first.transcribe(audio), audio, expect)

    def consult(self, first: Transcript, audio: bytes, expect: Expectation = IDLE) -> Transcript:
        """`first`, with the second engine's transcript and the audio's signal-to-noise estimate attached
        when `first` is doubted (`audio` as it came, before any noise suppression)."""
        if not self.doubt(first, expect):
            return first
        self.asked += 1
        second = self.second.transcribe(audio, expect)
        _LOGGER.debug("second opinion on %r: %r", first.text, second.text)
        return replace(first, second=second, snr_db=speech_to_noise_db(audio))

    def start(self) -> SecondOpinionStream:
        return SecondOpinionStream(self, start_stream(self.first))


class SecondOpinionStream:
    """The fast engine's stream; the audio is kept so the second engine can hear it too."""

    def __init__(self, owner: SecondOpinionRecognizer, inner: RecognitionStream) -> None:
        self.owner = owner
        self.inner = inner
        self._pieces: list[bytes] = []

    def accept(self, pcm: bytes) -> None:
        self._pieces.append(pcm)
        self.inner.accept(pcm)

    def prepare(self) -> None:
        self.inner.prepare()

    def finish(self, expect: Expectation = IDLE) -> Transcript:
        audio, self._pieces = b"".join(self._pieces), []
        return self.owner.consult(self.inner.finish(), audio, expect)

    def cancel(self) -> None:
        self._pieces = []
        self.inner.cancel()
