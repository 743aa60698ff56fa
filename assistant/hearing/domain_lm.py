"""A domain language model: an ARPA trigram and a pronunciation dictionary built from the template sentences.

Pure Python (no engine import), so it can be tested and cached without loading a decoder. The model is a
back-off trigram with absolute discounting; the dictionary keeps only the domain's words, with their
pronunciations taken from a CMU-style dictionary. Words the dictionary lacks are logged and dropped, and
so are the sentences that need them, so that the model never names a word the decoder cannot say.
"""

from __future__ import annotations

import hashlib
import logging
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

_LOGGER = logging.getLogger(__name__)

SENTENCE_START = "<s>"
SENTENCE_END = "</s>"
DISCOUNT = 0.5
"""Absolute discount taken from every seen n-gram count and given to the lower order."""
GARBAGE_PREFIX = "+g+"
"""Garbage words are named "+g+" and a phone ("+g+aa"); a decoder maps them to [unk]."""
LM_FORMAT_VERSION = "2"
"""Bump when the builder changes, so cached models are rebuilt."""

_WORD_RE = re.compile(r"[a-z]+(?:'[a-z]+)*")


def words_of(text: str) -> list[str]:
    """The lower-case words of a sentence, apostrophes kept ("that's"), punctuation dropped."""
    return _WORD_RE.findall(text.lower().replace("\u2019", "'"))


def sentences_hash(sentences: Sequence[str], extra: str = "") -> str:
    """A short stable key for a set of sentences (order-insensitive), used to name cached models."""
    digest = hashlib.sha256()
    digest.update(LM_FORMAT_VERSION.encode())
    digest.update(extra.encode())
    for sentence in sorted(set(" ".join(words_of(s)) for s in sentences)):
        digest.update(sentence.encode())
        digest.update(b"\n")
    return digest.hexdigest()[:16]


def read_pronunciations(path: Path, wanted: Iterable[str]) -> dict[str, list[str]]:
    """Pronunciations of the wanted words from a CMU-style dictionary ("word(2) P H O N E S" lines)."""
    wanted_set = set(wanted)
    found: dict[str, list[str]] = defaultdict(list)
    with path.open(encoding="utf-8", errors="replace") as lines:
        for line in lines:
            head, _, phones = line.strip().partition(" ")
            word = head.split("(", 1)[0]
            if word in wanted_set and phones.strip():
                found[word].append(" ".join(phones.split()))
    return dict(found)


@dataclass(frozen=True)
class DomainModel:
    """The text of a domain language model and its dictionary, ready to write to files."""

    arpa: str
    """The ARPA back-off trigram."""
    dictionary: str
    """Dictionary lines: "word P H O N E S", alternates as "word(2) ..."."""
    vocabulary: frozenset[str]
    """The words the model can produce."""
    dropped: frozenset[str]
    """Domain words missing from the pronunciation dictionary."""


def is_garbage(word: str) -> bool:
    """True for the one-phone garbage words that soak up speech outside the domain."""
    return word.startswith(GARBAGE_PREFIX)


def build_domain_model(
    sentences: Sequence[str],
    pronunciations: Mapping[str, list[str]],
    garbage_phones: Sequence[str] = (),
    garbage_mass: float = 0.0,
) -> DomainModel:
    """Build the trigram and dictionary for the sentences; words with no pronunciation are dropped.

    With garbage phones, each becomes a one-phone word reachable from every context by back-off with a
    share of `garbage_mass` of the unigram probability: speech that fits no domain sentence is decoded as
    a run of garbage words instead of being forced onto domain words.
    """
    tokenised = [words_of(s) for s in sentences]
    all_words = {w for ws in tokenised for w in ws}
    dropped = frozenset(w for w in all_words if w not in pronunciations)
    if dropped:
        _LOGGER.warning(
            "no pronunciation for %s; sentences using them are left out", ", ".join(sorted(dropped))
        )
    kept = [ws for ws in tokenised if ws and not any(w in dropped for w in ws)]
    if not kept:
        raise ValueError("no sentence left to build a language model from")
    vocabulary = frozenset(w for ws in kept for w in ws)
    lines = []
    for word in sorted(vocabulary):
        for index, phones in enumerate(pronunciations[word]):
            lines.append(f"{word} {phones}" if index == 0 else f"{word}({index + 1}) {phones}")
    garbage = {f"{GARBAGE_PREFIX}{phone.lower()}": phone for phone in garbage_phones}
    lines.extend(f"{word} {phone}" for word, phone in sorted(garbage.items()))
    return DomainModel(
        arpa=arpa_trigram(kept, garbage=sorted(garbage), garbage_mass=garbage_mass),
        dictionary="\n".join(lines) + "\n",
        vocabulary=vocabulary,
        dropped=dropped,
    )


def arpa_trigram(
    sentences: Sequence[Sequence[str]],
    discount: float = DISCOUNT,
    garbage: Sequence[str] = (),
    garbage_mass: float = 0.0,
) -> str:
    """An ARPA back-off trigram with absolute discounting over tokenised sentences.

    The `garbage` words share `garbage_mass` of the unigram probability and appear in no longer n-gram.
    """
    counts: list[Counter[tuple[str, ...]]] = [Counter(), Counter(), Counter()]
    for words in sentences:
        padded = [SENTENCE_START, *words, SENTENCE_END]
        for order in (1, 2, 3):
            for i in range(len(padded) - order + 1):
                counts[order - 1][tuple(padded[i : i + order])] += 1
    history_counts: Counter[tuple[str, ...]] = Counter()
    for order_counts in counts[1:]:
        for gram, count in order_counts.items():
            history_counts[gram[:-1]] += count
    unigrams = counts[0]
    total = sum(c for (w,), c in unigrams.items() if w != SENTENCE_START)
    prob: list[dict[tuple[str, ...], float]] = [{}, {}, {}]
    for (word,), count in unigrams.items():
        if word != SENTENCE_START:
            prob[0][(word,)] = count / total * (1.0 - garbage_mass if garbage else 1.0)
    for word in garbage:
        prob[0][(word,)] = garbage_mass / len(garbage)
    for order in (2, 3):
        for gram, count in counts[order - 1].items():
            history_count = history_counts[gram[:-1]]
            prob[order - 1][gram] = (count - discount) / history_count
    backoff: list[dict[tuple[str, ...], float]] = [{}, {}]
    for order in (1, 2):
        followers: dict[tuple[str, ...], list[tuple[str, ...]]] = defaultdict(list)
        for gram in counts[order]:
            followers[gram[:-1]].append(gram)
        for history, grams in followers.items():
            history_count = history_counts[history]
            left = discount * len(grams) / history_count
            lower_mass = sum(_lower_prob(prob, g[1:]) for g in grams)
            backoff[order - 1][history] = left / max(1e-9, 1.0 - lower_mass)
    return _format_arpa(prob, backoff)


def _lower_prob(prob: list[dict[tuple[str, ...], float]], gram: tuple[str, ...]) -> float:
    """The probability of a seen gram's lower-order part (a seen n-gram's suffix is always seen too)."""
    if gram in prob[len(gram) - 1]:
        return prob[len(gram) - 1][gram]
    return _lower_prob(prob, gram[1:]) if len(gram) > 1 else 0.0


def _format_arpa(
    prob: list[dict[tuple[str, ...], float]], backoff: list[dict[tuple[str, ...], float]]
) -> str:
    unigram_lines = [f"-99.0000 {SENTENCE_START} {_log10(backoff[0].get((SENTENCE_START,), 1.0)):.4f}"]
    for gram, p in sorted(prob[0].items()):
        unigram_lines.append(f"{_log10(p):.4f} {gram[0]} {_log10(backoff[0].get(gram, 1.0)):.4f}")
    bigram_lines = [
        f"{_log10(p):.4f} {' '.join(gram)} {_log10(backoff[1].get(gram, 1.0)):.4f}"
        for gram, p in sorted(prob[1].items())
    ]
    trigram_lines = [f"{_log10(p):.4f} {' '.join(gram)}" for gram, p in sorted(prob[2].items())]
    out = [
        "\\data\\",
        f"ngram 1={len(unigram_lines)}",
        f"ngram 2={len(bigram_lines)}",
        f"ngram 3={len(trigram_lines)}",
        "",
        "\\1-grams:",
        *unigram_lines,
        "",
        "\\2-grams:",
        *bigram_lines,
        "",
        "\\3-grams:",
        *trigram_lines,
        "",
        "\\end\\",
        "",
    ]
    return "\n".join(out)


def _log10(value: float) -> float:
    return math.log10(value) if value > 0 else -99.0
