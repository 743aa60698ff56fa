"""The `Recognizer` interface, the domain the engines are told about, and the factory that picks an engine.

The engines: pocketsphinx (restricted to the domain; no download), Whisper tiny.en (the second opinion, or
alone), Vosk (when its model is present). Every recogniser takes the conversation's `Expectation` with
the utterance; only the two-engine recogniser acts on it (through the understanding's doubt check).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from assistant.errors import ModelError, SettingsError
from assistant.messages import IDLE, Expectation, Transcript
from assistant.settings import ENGINES, RecognizerSettings

_LOGGER = logging.getLogger(__name__)

Doubt = Callable[[Transcript, Expectation], bool]
"""Is the fast engine's transcript doubted, given what the conversation expects (`Understanding.doubts`)?"""


@dataclass(frozen=True)
class Domain:
    """What the engines are told of the domain, made from the content where the program is put together."""

    sentences: tuple[str, ...]
    """The sentences pocketsphinx's language model and Vosk's grammar are restricted to."""
    prompt: str
    """Whisper's prompt: the domain's words, so it spells them as the content does."""
    routine_prompt: str = ""
    """Whisper's prompt while a routine runs: the controls' words (empty: `prompt` then too)."""


class Recognizer(Protocol):
    """Turns one utterance into a Transcript."""

    name: str
    """The engine's name, as in `Transcript.engine`."""

    def transcribe(self, audio: bytes, expect: Expectation = IDLE) -> Transcript:
        """Recognise one utterance of 16 kHz mono s16le PCM."""
        ...


class Transcriber(Protocol):
    """Anything with `transcribe` (a recogniser, or a test's fake)."""

    def transcribe(self, audio: bytes, expect: Expectation = IDLE) -> Transcript: ...


class RecognitionStream(Protocol):
    """One utterance being recognised while it is spoken."""

    def accept(self, pcm: bytes) -> None:
        """The next piece of the utterance (16 kHz mono s16le; any length, odd bytes carried over)."""
        ...

    def prepare(self) -> None:
        """The speaker paused and the pieces so far may be the whole utterance: work ahead on them, so
        that `finish` is quick if no more come (it must return the same as without this call)."""
        ...

    def finish(self, expect: Expectation = IDLE) -> Transcript:
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

    def finish(self, expect: Expectation = IDLE) -> Transcript:
        audio, self._pieces = b"".join(self._pieces), []
        return self.recognizer.transcribe(audio, expect)

    def cancel(self) -> None:
        self._pieces = []


def start_stream(recognizer: Transcriber) -> RecognitionStream:
    """A streaming session on the recogniser: its own when it has one, else a `BufferedStream`."""
    start = getattr(recognizer, "start", None)
    if callable(start):
        stream: RecognitionStream = start()
        return stream
    return BufferedStream(recognizer)


def create_recognizer(settings: RecognizerSettings, domain: Domain, doubt: Doubt) -> Recognizer:
    """The engine the settings ask for, restricted to the domain; pocketsphinx and Vosk behind the noise
    suppressor, Whisper (alone or as the second opinion) hearing the audio as it came (RNNoise's output
    cost Whisper more than the noise did: docs/hearing.md).

    "auto" takes Vosk when `find_vosk_model` finds a usable model; else pocketsphinx with Whisper as the
    second opinion when faster-whisper and a model are installed (`doubt`, the understanding's check, says
    which of pocketsphinx's transcripts Whisper hears too); else pocketsphinx alone (it needs no download).
    "vosk" without a model, or "whisper" without a good one, is a ModelError saying how to get one.
    Engines are imported lazily.
    """
    engine = settings.engine
    if engine not in ENGINES:
        raise SettingsError(
            f"recognizer.engine: unknown engine {engine!r} (choose from {', '.join(ENGINES)})"
        )
    return _engine(settings, domain, doubt)


def _suppressed(recognizer: Recognizer, suppress: Callable[[bytes], bytes] | None) -> Recognizer:
    """`recognizer` behind the noise suppressor (or as it is when there is none)."""
    if suppress is None:
        return recognizer
    from assistant.hearing.suppressed import SuppressedRecognizer

    return SuppressedRecognizer(recognizer, suppress)


def _engine(settings: RecognizerSettings, domain: Domain, doubt: Doubt) -> Recognizer:
    from assistant.models.finding import find_vosk_model

    engine = settings.engine
    if engine == "whisper":
        return _whisper(settings, domain, settings.model)  # it hears the audio as it came
    if engine in ("auto", "vosk"):
        model = find_vosk_model(settings)
        if model is not None:
            from assistant.hearing.vosk_engine import VoskRecognizer

            _LOGGER.info("recogniser: vosk with %s", model)
            return _suppressed(VoskRecognizer(model, domain.sentences), _suppressor(settings))
        if engine == "vosk":
            raise ModelError(
                f"no Vosk model in {settings.models_dir}: run `cramp-assistant models download` "
                "or pass --model PATH"
            )
    from assistant.hearing.pocketsphinx_engine import PocketsphinxRecognizer

    # pocketsphinx keeps its spectral subtraction (gated at -55 dBFS) behind RNNoise (gated at -40): in a
    # loud room RNNoise cleans first and the subtraction then finds too little noise to act; between the
    # two gates (a quiet fan, an 8-bit file's quantisation noise) the subtraction alone acts.
    first = _suppressed(PocketsphinxRecognizer(domain.sentences, settings.models_dir), _suppressor(settings))
    if engine == "auto" and _second_opinion_wanted(settings):
        second = _whisper_or_none(settings, domain)
        if second is not None:
            from assistant.hearing.second_opinion_engine import SecondOpinionRecognizer

            # `first` is behind the suppressor; the second opinion hears the audio as it came.
            _LOGGER.info("recogniser: pocketsphinx, Whisper as the second opinion")
            return SecondOpinionRecognizer(first, second, doubt)
    _LOGGER.info("recogniser: pocketsphinx")
    return first


def engine_auto_uses(settings: RecognizerSettings) -> str:
    """What `auto` would build with these settings, in words (`models list`), without loading a model: the
    same choice as `_engine`."""
    import importlib.util

    from assistant.models.finding import find_vosk_model

    model = find_vosk_model(settings)
    if model is not None:
        return f"vosk ({model})"
    if importlib.util.find_spec("pocketsphinx") is None:
        return "nothing (no usable Vosk model and no pocketsphinx)"
    if _second_opinion_wanted(settings):
        return "pocketsphinx, Whisper as the second opinion (no usable Vosk model)"
    return "pocketsphinx (no usable Vosk model)"


def _second_opinion_wanted(settings: RecognizerSettings) -> bool:
    """`auto` puts Whisper behind pocketsphinx: asked for in the settings, and installed."""
    from assistant.models.whisper_model import whisper_available

    return settings.second_opinion and whisper_available(settings.models_dir)


def _whisper(settings: RecognizerSettings, domain: Domain, model: Path | None = None) -> Recognizer:
    """Whisper told the domain's words, and the controls' words for while a routine runs."""
    from assistant.hearing.whisper_engine import WhisperRecognizer

    return WhisperRecognizer(
        settings.models_dir, model, prompt=domain.prompt, routine_prompt=domain.routine_prompt
    )


def _whisper_or_none(settings: RecognizerSettings, domain: Domain) -> Recognizer | None:
    """Whisper as the second opinion, or None (one log line) when its model will not load."""
    try:
        return _whisper(settings, domain)
    except ModelError as err:
        _LOGGER.warning("no second opinion (pocketsphinx alone): %s", err)
        return None


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
