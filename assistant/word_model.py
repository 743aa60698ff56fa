"""A small multinomial naive Bayes over the template sentences' words: the router's second opinion.

Fuzzy matching is strong on phrasings close to a template; this model generalises to long or
reordered sentences by weighing the words themselves ("doctor", "prevent", "eat").
"""

from __future__ import annotations

import itertools
import math
from collections import Counter, defaultdict
from collections.abc import Iterable


class WordModel:
    """P(intent | words) from unigram and bigram counts with add-k smoothing, uniform intent prior."""

    def __init__(self, sentences: Iterable[tuple[str, str]], smoothing: float = 0.1) -> None:
        counts: dict[str, Counter[str]] = defaultdict(Counter)
        for text, intent in sentences:
            counts[intent].update(_features(text.split()))
        self.vocabulary = {f for c in counts.values() for f in c}
        size = len(self.vocabulary)
        self._log_prob: dict[str, dict[str, float]] = {}
        self._log_unseen: dict[str, float] = {}
        for intent, counter in counts.items():
            total = sum(counter.values()) + smoothing * size
            self._log_prob[intent] = {f: math.log((n + smoothing) / total) for f, n in counter.items()}
            self._log_unseen[intent] = math.log(smoothing / total)

    def known(self, words: list[str]) -> list[str]:
        """The features of `words` the model has seen."""
        return [f for f in _features(words) if f in self.vocabulary]

    def posterior(self, words: list[str]) -> dict[str, float]:
        features = self.known(words)
        if not features:
            return {}
        scores = {
            intent: sum(table.get(f, self._log_unseen[intent]) for f in features)
            for intent, table in self._log_prob.items()
        }
        top = max(scores.values())
        exp = {intent: math.exp(s - top) for intent, s in scores.items()}
        total = sum(exp.values())
        return {intent: v / total for intent, v in exp.items()}


def _features(words: list[str]) -> list[str]:
    return words + [f"{a}_{b}" for a, b in itertools.pairwise(words)]
