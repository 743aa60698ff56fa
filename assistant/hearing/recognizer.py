"""The `Recognizer` interface and the factory that picks an engine (pocketsphinx or Vosk)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Protocol

from assistant.errors import ModelError, SettingsError
from assistant.messages import IntentMatch, Transcript
from assistant.settings import ENGINES, RecognizerSettings

_LOGGER = logging.getLogger(__name__)


class Recognizer(Protocol):
    """Turns one utterance into a Transcript."""

    name: str
    """The engine's name, as in `Transcript.engine`."""

    def transcribe(self, audio: bytes) -> Transcript:
        """Recognise one utterance of 16 kHz mono s16le PCM."""
        ...


class Transcriber(Protocol):
    """Anything with `transcribe` (a recogniser, or a test's fake)."""

    def transcribe(self, audio: bytes) -> Transcript: ...


class RecognitionStream(Protocol):
    """One utterance being recognised while it is spoken."""

    def accept(self, pcm: bytes) -> None:
        """The next piece of the utterance (16 kHz mono s16le; any length, odd bytes carried over)."""
        ...

    def prepare(self) -> None:
        """The speaker paused and the pieces so far may be the whole utterance: work ahead on them, so
        that `finish` is quick if no more come (it must return the same as without this call)."""
        ...

    def finish(self) -> Transcript:
        """The utterance is over: what was said (the same as `transcribe` of all the pieces joined)."""
        ...

    def cancel(self) -> None:
        """The utterance is discarded; nothing more is decoded."""
        ...


class BufferedStream:
    """The stream of a recogniser that cannot stream: it keeps the audio and transcribes it at the end."""

    def __init__(self, recognizer: Transcriber) -> None:
        self.recognizer = recognizer
        self._pieces: list[bytes] = []

    def accept(self, pcm: bytes) -> None:
        self._pieces.append(pcm)

    def prepare(self) -> None:
        """Nothing to do ahead: the whole audio is transcribed at the end."""

    def finish(self) -> Transcript:
        audio, self._pieces = b"".join(self._pieces), []
        return self.recognizer.transcribe(audio)

    def cancel(self) -> None:
        self._pieces = []


def start_stream(recognizer: Transcriber) -> RecognitionStream:
    """A streaming session on the recogniser: its own when it has one, else a `BufferedStream`."""
    start = getattr(recognizer, "start", None)
    if callable(start):
        stream: RecognitionStream = start()
        return stream
    return BufferedStream(recognizer)


def create_recognizer(
    settings: RecognizerSettings,
    sentences: Sequence[str],
    route: Callable[[str], IntentMatch] | None = None,
) -> Recognizer:
    """The engine the settings ask for, restricted to the sentences; pocketsphinx and Vosk behind the noise
    suppressor, Whisper (alone or as the second opinion) hearing the audio as it came: RNNoise's output cost
    Whisper more than the noise did (measured on the spoken sets, see second_opinion_engine).

    "auto" takes Vosk when `find_vosk_model` finds a usable model; else pocketsphinx with Whisper as the
    second opinion when faster-whisper and a model are installed (`route` routes pocketsphinx's transcript
    to decide whether it is doubted; by default a router over the content); else pocketsphinx alone (it
    needs no download). "vosk" without a model, or "whisper" without a good one, is a ModelError saying
    how to get one. Engines are imported lazily.
    """
    engine = settings.engine
    if engine not in ENGINES:
        raise SettingsError(
            f"recognizer.engine: unknown engine {engine!r} (choose from {', '.join(ENGINES)})"
        )
    return _engine(settings, sentences, route)


def _suppressed(recognizer: Recognizer, suppress: Callable[[bytes], bytes] | None) -> Recognizer:
    """`recognizer` behind the noise suppressor (or as it is when there is none)."""
    if suppress is None:
        return recognizer
    from assistant.hearing.suppressed import SuppressedRecognizer

    return SuppressedRecognizer(recognizer, suppress)


def _engine(
    settings: RecognizerSettings,
    sentences: Sequence[str],
    route: Callable[[str], IntentMatch] | None,
) -> Recognizer:
    from assistant.models.finding import find_vosk_model

    engine = settings.engine
    if engine == "whisper":
        from assistant.hearing.whisper_engine import WhisperRecognizer

        return WhisperRecognizer(settings.models_dir, settings.model)  # it hears the audio as it came
    if engine in ("auto", "vosk"):
        model = find_vosk_model(settings)
        if model is not None:
            from assistant.hearing.vosk_engine import VoskRecognizer

            _LOGGER.info("recogniser: vosk with %s", model)
            return _suppressed(VoskRecognizer(model, sentences), _suppressor(settings))
        if engine == "vosk":
            raise ModelError(
                f"no Vosk model in {settings.models_dir}: run `cramp-assistant models download` "
                "or pass --model PATH"
            )
    from assistant.hearing.pocketsphinx_engine import PocketsphinxRecognizer

    # pocketsphinx keeps its spectral subtraction (gated at -55 dBFS) behind RNNoise (gated at -40): in a
    # loud room RNNoise cleans first and the subtraction then finds too little noise to act; between the
    # two gates (a quiet fan, an 8-bit file's quantisation noise) the subtraction alone acts, as before.
    first = _suppressed(PocketsphinxRecognizer(sentences, settings.models_dir), _suppressor(settings))
    if engine == "auto" and settings.second_opinion:
        second = _whisper_or_none(settings)
        if second is not None:
            from assistant.hearing.second_opinion_engine import SecondOpinionRecognizer

            # `first` is behind the suppressor; the second opinion hears the audio as it came.
            _LOGGER.info("recogniser: pocketsphinx, Whisper as the second opinion")
            return SecondOpinionRecognizer(first, second, route or _content_router())
    _LOGGER.info("recogniser: pocketsphinx")
    return first


def _whisper_or_none(settings: RecognizerSettings) -> Recognizer | None:
    from assistant.models.whisper_model import whisper_available

    if not whisper_available(settings.models_dir):
        return None
    from assistant.hearing.whisper_engine import WhisperRecognizer

    try:
        return WhisperRecognizer(settings.models_dir)
    except ModelError as err:
        _LOGGER.warning("no second opinion (pocketsphinx alone): %s", err)
        return None


def _content_router() -> Callable[[str], IntentMatch]:
    from assistant.content.loader import load_content
    from assistant.understanding.router import Router

    return Router.from_content(load_content()).route


def _suppressor(settings: RecognizerSettings) -> Callable[[bytes], bytes] | None:
    """RNNoise when suppression is on and the library is installed and intact, else None."""
    if not settings.noise_suppression:
        return None
    from assistant.hearing.neural_denoise import NoiseSuppressor

    try:
        return NoiseSuppressor()
    except ModelError as err:
        _LOGGER.warning("no neural noise suppression (spectral subtraction only): %s", err)
        return None
