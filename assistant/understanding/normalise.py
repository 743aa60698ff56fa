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
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class Normaliser:
    """Lower-cases, strips punctuation, expands contractions and numbers, rewrites phrases, drops fillers."""

    phrases: dict[str, str]
    """Multi-word rewrites (whole words; the longest match wins)."""
    phrase_pattern: re.Pattern[str] | None
    contractions: Mapping[str, str]
    fillers: frozenset[str]
    numbers: Mapping[str, str]

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Normaliser:
        phrases = {str(k).lower(): str(v).lower() for k, v in dict(data.get("phrases", {})).items()}
        alternatives = "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True))
        return cls(
            phrases=phrases,
            phrase_pattern=re.compile(rf"(?<![a-z'])(?:{alternatives})(?![a-z'])") if phrases else None,
            contractions={
                str(k).lower(): str(v).lower() for k, v in dict(data.get("contractions", {})).items()
            },
            fillers=frozenset(str(w).lower() for w in dict(data.get("fillers", {})).get("words", [])),
            numbers={str(k): str(v).lower() for k, v in dict(data.get("numbers", {})).items()},
        )

    def __call__(self, text: str) -> str:
        return self.normalise(text)

    def normalise(self, text: str) -> str:
        text = text[:MAX_CHARS]
        if not text.isascii():
            text = unicodedata.normalize("NFKD", text.translate(_APOSTROPHES))
            text = text.encode("ascii", "ignore").decode("ascii")
        text = _NON_WORD.sub(" ", _CONTROL.sub(" ", text.lower()).replace("-", " "))
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
        if self.phrase_pattern is not None:
            text = self.phrase_pattern.sub(lambda m: self.phrases[m.group(0)], text)
        return _SPACES.sub(" ", " ".join(w for w in text.split() if w not in self.fillers)).strip()
