"""The Vosk recogniser: one utterance of PCM in, a `Transcript` out, restricted to the domain's grammar.

The only module that imports vosk (lazily, so the rest of the assistant runs without it).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from types import ModuleType
from typing import Any, TypeVar

from assistant.errors import ModelError
from assistant.hearing.vosk_grammar import VoskGrammar, build_grammar, read_words_file
from assistant.hearing.vosk_result import ENGINE_NAME, VoskWord, parse_result, transcript_from_words
from assistant.messages import IDLE, SAMPLE_RATE, SAMPLE_WIDTH, Expectation, Transcript
from assistant.models.finding import ensure_vosk_model, has_runtime_graph

_LOGGER = logging.getLogger(__name__)

T = TypeVar("T")
_BLOCK_BYTES = SAMPLE_RATE * SAMPLE_WIDTH // 4
"""PCM fed to vosk per call: a quarter of a second."""


class VoskRecognizer:
    """Recognises 16 kHz mono s16le utterances with a Vosk model restricted to the template sentences.

    At start-up every grammar word is checked against the model's vocabulary (graph/words.txt when the model
    has it, else vosk's own lookup); unknown words are dropped from the grammar and logged.
    """

    name = ENGINE_NAME

    def __init__(self, model_dir: Path, sentences: Sequence[str]) -> None:
        ensure_vosk_model(model_dir)
        vosk = _import_vosk()
        vosk.SetLogLevel(-1)
        try:
            # Always a path: Model(lang=...) would download a model and can sys.exit.
            self._model: Any = vosk.Model(str(model_dir))
        except Exception as err:
            raise ModelError(f"cannot load the Vosk model in {model_dir}: {err}") from None
        vocabulary = read_words_file(model_dir)
        self.grammar: VoskGrammar = build_grammar(
            sentences, vocabulary.__contains__ if vocabulary is not None else self._model_knows
        )
        if not self.grammar.phrases:
            raise ModelError(f"the Vosk model in {model_dir} knows none of the template sentences' words")
        if not has_runtime_graph(model_dir):
            _LOGGER.warning(
                "the Vosk model in %s has a static graph: it ignores the grammar and hears any words",
                model_dir,
            )
        try:
            grammar_json = self.grammar.to_json()
            self.recognizer: Any = vosk.KaldiRecognizer(self._model, float(SAMPLE_RATE), grammar_json)
        except Exception as err:
            raise ModelError(f"cannot start the Vosk recogniser: {err}") from None
        self.recognizer.SetWords(True)
        self._open: VoskStream | None = None
        _LOGGER.info(
            "Vosk model %s: %d grammar phrases, %d words, %d unknown words dropped",
            model_dir,
            len(self.grammar.phrases),
            len(self.grammar.words),
            len(self.grammar.unknown_words),
        )

    def start(self) -> VoskStream:
        """A stream that decodes an utterance while it is spoken (cancels one still open)."""
        if self._open is not None:
            self._open.cancel()
        self._open = VoskStream(self)
        return self._open

    def transcribe(self, audio: bytes, expect: Expectation = IDLE) -> Transcript:
        """What was said in one utterance (16 kHz mono s16le PCM): a stream fed all of it."""
        stream = self.start()
        stream.accept(audio)
        return stream.finish()

    def stream_closed(self, stream: VoskStream) -> None:
        if self._open is stream:
            self._open = None

    def _model_knows(self, word: str) -> bool:
        return int(self._model.vosk_model_find_word(word)) >= 0


class VoskStream:
    """One utterance fed to Vosk as it arrives (in pieces of at most `_BLOCK_BYTES`); the words of each
    segment Vosk closes on its own are kept, the rest come from its final result."""

    def __init__(self, owner: VoskRecognizer) -> None:
        self._owner = owner
        self._recognizer: Any = owner.recognizer
        self._words: list[VoskWord] = []
        self._carry = b""
        self._fed = 0
        self._open = True

    def accept(self, pcm: bytes) -> None:
        if not self._open:
            raise ModelError("this recognition stream is closed")
        audio = self._carry + pcm
        whole = len(audio) - len(audio) % SAMPLE_WIDTH
        self._carry = audio[whole:]
        for start in range(0, whole, _BLOCK_BYTES):
            block = audio[start : min(whole, start + _BLOCK_BYTES)]
            if self._guarded(partial(self._recognizer.AcceptWaveform, block)):
                self._words.extend(self._guarded(lambda: parse_result(self._recognizer.Result())))
            self._fed += len(block)

    def prepare(self) -> None:
        """Nothing to do ahead: Vosk decodes each piece as it arrives."""

    def finish(self, expect: Expectation = IDLE) -> Transcript:
        if not self._open:
            raise ModelError("this recognition stream is closed")
        if self._fed:
            self._words.extend(self._guarded(lambda: parse_result(self._recognizer.FinalResult())))
        self._close()
        return transcript_from_words(self._words)

    def cancel(self) -> None:
        if self._open:
            if self._fed:
                self._recognizer.Reset()
            self._close()

    def _guarded(self, call: Callable[[], T]) -> T:
        """The call's result; on a failure the recogniser is reset, the stream closed, a ModelError raised."""
        try:
            return call()
        except ModelError:
            self._recognizer.Reset()
            self._close()
            raise
        except Exception as err:
            self._recognizer.Reset()
            self._close()
            raise ModelError(f"Vosk failed to decode the audio: {err}") from None

    def _close(self) -> None:
        self._open = False
        self._owner.stream_closed(self)


def _import_vosk() -> ModuleType:
    try:
        import vosk
    except ImportError as err:
        raise ModelError(f"the Vosk engine needs the vosk package: pip install vosk ({err})") from None
    except OSError as err:
        raise ModelError(f"the vosk package is installed but its library cannot load: {err}") from None
    return vosk
