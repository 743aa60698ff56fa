"""Text normalisation shared by the router and the template expander (rules are data in content/)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

MAX_CHARS = 600
"""Longer input is cut: no spoken question is this long, and routing cost stays bounded."""

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u00b4": "'"})
_NON_WORD = re.compile(r"[^a-z0-9' ]+")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Normaliser:
    """Lower-cases, strips punctuation, expands contractions and numbers, rewrites phrases, drops fillers."""

    phrases: tuple[tuple[re.Pattern[str], str], ...]
    """Multi-word rewrites (whole words), longest first."""
    contractions: Mapping[str, str]
    fillers: frozenset[str]
    numbers: Mapping[str, str]

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Normaliser:
        phrases = {str(k).lower(): str(v).lower() for k, v in dict(data.get("phrases", {})).items()}
        ordered = sorted(phrases.items(), key=lambda kv: -len(kv[0]))
        return cls(
            phrases=tuple((re.compile(rf"(?<![a-z']){re.escape(src)}(?![a-z'])"), dst) for src, dst in ordered),
            contractions={str(k).lower(): str(v).lower() for k, v in dict(data.get("contractions", {})).items()},
            fillers=frozenset(str(w).lower() for w in dict(data.get("fillers", {})).get("words", [])),
            numbers={str(k): str(v).lower() for k, v in dict(data.get("numbers", {})).items()},
        )

    def __call__(self, text: str) -> str:
        return self.normalise(text)

    def normalise(self, text: str) -> str:
        text = unicodedata.normalize("NFKC", text[:MAX_CHARS]).translate(_APOSTROPHES).lower()
        text = "".join(ch if ch.isprintable() else " " for ch in text)
        text = _NON_WORD.sub(" ", text.replace("-", " "))
        words: list[str] = []
        for word in text.split():
            word = self.contractions.get(word, word)
            if word.endswith("'s"):
                word = word[:-2]
            word = word.replace("'", "")
            word = self.numbers.get(word, word)
            if word:
                words.append(word)
        text = " ".join(words)
        for pattern, replacement in self.phrases:
            text = pattern.sub(replacement, text)
        return _SPACES.sub(" ", " ".join(w for w in text.split() if w not in self.fillers)).strip()
