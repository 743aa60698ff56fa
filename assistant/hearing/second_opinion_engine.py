"""pocketsphinx first, Whisper as the second opinion when pocketsphinx's transcript is doubted.

The fast engine decodes every utterance (streaming, decoding ahead in the trailing silence as before);
its transcript is routed, and only when `needs_second_opinion` says it is doubted does Whisper transcribe
the same audio. The result is pocketsphinx's transcript carrying Whisper's as `Transcript.second`; the
belief rule (`second_opinion.judge`) decides between them.

Whisper hears the audio as it came, not the noise suppressor's output (the factory puts only the first
engine behind RNNoise): tiny.en was trained on noisy speech, and RNNoise's artefacts cost it more than the
noise. Whisper alone, brown noise at 12 dB / pink at 6 dB, four synthetic voices: seen spoken sets 1, 3, 4
64.9 / 25.5% exact with RNNoise, 71.8 / 26.6% without; held-out set 5 (seen by then) 68.4 / 27.8 -> 77.8 /
31.6%, out of scope rejected as often or more.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace

from assistant.hearing.neural_denoise import speech_to_noise_db
from assistant.hearing.recognizer import RecognitionStream, Recognizer, start_stream
from assistant.messages import IntentMatch, Transcript
from assistant.understanding.second_opinion import needs_second_opinion

_LOGGER = logging.getLogger(__name__)


class SecondOpinionRecognizer:
    """`first` for every utterance, `second` for the doubted ones."""

    def __init__(self, first: Recognizer, second: Recognizer, route: Callable[[str], IntentMatch]) -> None:
        self.first = first
        self.second = second
        self.route = route
        self.name = f"{first.name}+{second.name}"
        self.asked = 0
        """Utterances the second engine was asked about."""

    def transcribe(self, audio: bytes) -> Transcript:
        return self.consult(self.first.transcribe(audio), audio)

    def consult(self, first: Transcript, audio: bytes) -> Transcript:
        """`first`, with the second engine's transcript and the audio's signal-to-noise estimate attached
        when `first` is doubted (`audio` as it came, before any noise suppression)."""
        if not needs_second_opinion(first, self.route(first.text)):
            return first
        self.asked += 1
        second = self.second.transcribe(audio)
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

    def finish(self) -> Transcript:
        audio, self._pieces = b"".join(self._pieces), []
        return self.owner.consult(self.inner.finish(), audio)

    def cancel(self) -> None:
        self._pieces = []
        self.inner.cancel()
