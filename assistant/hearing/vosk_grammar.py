"""The Vosk grammar: the domain's template sentences as phrases, checked against the model's vocabulary.

Pure functions; the vocabulary lookup is passed in, so nothing here imports vosk.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from assistant.messages import UNKNOWN_WORD

_LOGGER = logging.getLogger(__name__)


_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)*")


@dataclass(frozen=True)
class VoskGrammar:
    """The phrases a Vosk recogniser is restricted to, and the template words the model does not know."""

    phrases: tuple[str, ...]
    """Distinct phrases in template order, each made only of words the model knows."""
    unknown_words: frozenset[str]
    """Template words missing from the model's vocabulary, dropped from the phrases."""
    words: frozenset[str]
    """Every word the phrases use."""

    def to_json(self) -> str:
        """The grammar argument of `vosk.KaldiRecognizer`: a JSON list of phrases ending with "[unk]"."""
        return json.dumps([*self.phrases, UNKNOWN_WORD])


def sentence_words(sentence: str) -> list[str]:
    """A template sentence as the lower-case words a recogniser would output."""
    text = sentence.lower().replace("\u2019", "'").replace("-", " ")
    return _WORD.findall(text)


def build_grammar(sentences: Iterable[str], is_known: Callable[[str], bool]) -> VoskGrammar:
    """Phrases from the template sentences, each unknown word dropped (and logged once)."""
    phrases: dict[str, None] = {}
    unknown: set[str] = set()
    known_cache: dict[str, bool] = {}
    for sentence in sentences:
        kept = []
        for word in sentence_words(sentence):
            if word not in known_cache:
                known_cache[word] = is_known(word)
            if known_cache[word]:
                kept.append(word)
            else:
                unknown.add(word)
        if kept:
            phrases.setdefault(" ".join(kept), None)
    if unknown:
        _LOGGER.warning(
            "%d template word(s) not in the Vosk model's vocabulary, left out of the grammar: %s",
            len(unknown),
            ", ".join(sorted(unknown)),
        )
    words = frozenset(w for w, known in known_cache.items() if known)
    return VoskGrammar(tuple(phrases), frozenset(unknown), words)


def read_words_file(model_dir: Path) -> frozenset[str] | None:
    """The vocabulary listed in the model's graph/words.txt ("word id" lines), or None without that file.

    The small English model ships no words.txt; then the engine asks vosk itself.
    """
    path = model_dir / "graph" / "words.txt"
    if not path.is_file():
        return None
    words = set()
    with path.open(encoding="utf-8", errors="replace") as lines:
        for line in lines:
            fields = line.split()
            if fields:
                words.add(fields[0])
    _LOGGER.debug("read %d words from %s", len(words), path)
    return frozenset(words)
