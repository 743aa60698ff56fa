"""A hand-written stand-in for the `vosk` module, installed into sys.modules by a test.

It mimics vosk 0.3.45's Python API (Model, KaldiRecognizer, SetLogLevel) and its grammar behaviour:
the test says what the speaker said (`FakeVosk.say`), and the fake recogniser outputs each spoken word
that its grammar allows, and "[unk]" for any other word when the grammar contains "[unk]". So a grammar
the engine built wrongly shows up as wrong transcripts, as it would with the real engine.
"""

from __future__ import annotations

import json
import sys
import types
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

MODEL_FILES = (
    "am/final.mdl",
    "conf/mfcc.conf",
    "conf/model.conf",
    "graph/disambig_tid.int",
    "graph/phones/word_boundary.int",
    "ivector/final.ie",
    "README",
)


def make_model_tree(
    folder: Path, *, words: Iterable[str] | None = None, runtime_graph: bool = True, fill: int = 16
) -> Path:
    """A tiny model folder with the layout of vosk-model-small-en-us-0.15 (files of `fill` bytes each).

    `words` writes graph/words.txt (which the real small model lacks); `runtime_graph=False` writes a static
    graph/HCLG.fst instead of graph/HCLr.fst + graph/Gr.fst.
    """
    graph = ("graph/HCLr.fst", "graph/Gr.fst") if runtime_graph else ("graph/HCLG.fst",)
    for name in (*MODEL_FILES, *graph):
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(name.encode().ljust(fill, b"."))
    if words is not None:
        lines = ["<eps> 0", *(f"{word} {i}" for i, word in enumerate(words, start=1)), "#0 999999"]
        (folder / "graph/words.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


@dataclass
class FakeVosk:
    """What the fake vosk was asked to do, and what it will hear."""

    vocabulary: list[str]
    """Words the fake model knows (its `vosk_model_find_word`)."""
    log_levels: list[int] = field(default_factory=list)
    model_paths: list[str] = field(default_factory=list)
    grammars: list[list[str] | None] = field(default_factory=list)
    """The phrase list each recogniser was made with (None: no grammar)."""
    grammar_words_unknown_to_model: set[str] = field(default_factory=set)
    find_word_calls: int = 0
    words_enabled: bool = False
    fed_bytes: list[int] = field(default_factory=list)
    """Length of each AcceptWaveform call."""
    resets: int = 0
    segment_after_bytes: int | None = None
    """When set, AcceptWaveform reports an endpoint once after this many bytes (two results per utterance)."""
    fail_decode: bool = False
    fail_model: bool = False
    spoken: list[tuple[str, float]] = field(default_factory=list)

    def say(self, text: str, confidence: float = 0.9) -> None:
        """The words the next utterance holds, each heard with `confidence`."""
        self.spoken = [(word, confidence) for word in text.split()]

    def install(self, monkeypatch: pytest.MonkeyPatch) -> types.ModuleType:
        module = types.ModuleType("vosk")
        fake = self

        class Model:
            def __init__(
                self, model_path: str | None = None, model_name: str | None = None, lang: str | None = None
            ) -> None:
                if model_path is None:
                    raise AssertionError("Model(lang=...) or Model(model_name=...) would download a model")
                fake.model_paths.append(model_path)
                if fake.fail_model or not (Path(model_path) / "am/final.mdl").is_file():
                    raise Exception("Failed to create a model")

            def vosk_model_find_word(self, word: str) -> int:
                fake.find_word_calls += 1
                return fake.vocabulary.index(word) if word in fake.vocabulary else -1

        class KaldiRecognizer:
            def __init__(self, *args: object) -> None:
                if len(args) not in (2, 3) or not isinstance(args[0], Model):
                    raise TypeError("Unknown arguments")
                if not isinstance(args[1], float | int):
                    raise TypeError("the sample rate must be a number")
                phrases: list[str] | None = None
                if len(args) == 3:
                    if not isinstance(args[2], str):
                        raise TypeError("Unknown arguments")
                    phrases = json.loads(args[2])
                    assert isinstance(phrases, list) and all(isinstance(p, str) for p in phrases)
                    words = {w for p in phrases for w in p.split()} - {"[unk]"}
                    fake.grammar_words_unknown_to_model |= words - set(fake.vocabulary)
                fake.grammars.append(phrases)
                self._phrases = phrases
                self._fed = 0
                self._segmented = False
                self._heard: list[tuple[str, float]] = []

            def SetWords(self, enabled: bool) -> None:
                fake.words_enabled = bool(enabled)

            def AcceptWaveform(self, data: bytes) -> bool:
                if fake.fail_decode:
                    raise Exception("Failed to process waveform")
                assert isinstance(data, bytes) and len(data) % 2 == 0
                fake.fed_bytes.append(len(data))
                self._fed += len(data)
                if fake.segment_after_bytes and not self._segmented and self._fed >= fake.segment_after_bytes:
                    self._segmented = True
                    return True
                return False

            def Result(self) -> str:
                heard = self._hear()
                half = heard[: len(heard) // 2]
                self._heard = heard[len(half) :]
                return _result_json(half, fake.words_enabled)

            def FinalResult(self) -> str:
                heard = self._heard if self._segmented else self._hear()
                self._clear()  # like vosk, the final result ends the utterance
                fake.spoken = []
                return _result_json(heard, fake.words_enabled)

            def Reset(self) -> None:
                fake.resets += 1
                self._clear()

            def _clear(self) -> None:
                self._fed = 0
                self._segmented = False
                self._heard = []

            def _hear(self) -> list[tuple[str, float]]:
                if self._fed == 0:
                    return []
                if self._phrases is None:
                    return list(fake.spoken)
                allowed = {w for p in self._phrases for w in p.split()}
                heard = []
                for word, confidence in fake.spoken:
                    if word in allowed and word != "[unk]":
                        heard.append((word, confidence))
                    elif "[unk]" in allowed:
                        heard.append(("[unk]", confidence))
                return heard

        def SetLogLevel(level: int) -> None:
            fake.log_levels.append(level)

        module.Model = Model  # type: ignore[attr-defined]
        module.KaldiRecognizer = KaldiRecognizer  # type: ignore[attr-defined]
        module.SetLogLevel = SetLogLevel  # type: ignore[attr-defined]
        monkeypatch.setitem(sys.modules, "vosk", module)
        return module


def _result_json(heard: list[tuple[str, float]], with_words: bool) -> str:
    text = " ".join(word for word, _ in heard)
    entries = [
        {"conf": conf, "end": 0.3 * (i + 1), "start": 0.3 * i, "word": word}
        for i, (word, conf) in enumerate(heard)
    ]
    if with_words and entries:
        return json.dumps({"result": entries, "text": text}, indent=2)
    return json.dumps({"text": text}, indent=2)
