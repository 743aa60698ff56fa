"""Text to intent: normalise, mask list words, fuzzy-match against the expanded template sentences."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from assistant.content import OUT_OF_SCOPE, Content
from assistant.messages import IntentMatch
from assistant.slots import slot_placeholder
from assistant.word_model import WordModel

_LOGGER = logging.getLogger(__name__)

UNKNOWN = "unknown"


@dataclass(frozen=True)
class RouterSettings:
    """Matching thresholds (scores are 0..100 as rapidfuzz gives them)."""

    threshold: float = 76.0
    """Below this best score the intent is unknown."""
    candidates: int = 12
    """How many nearest sentences are looked at."""
    oov_penalty: float = 8.0
    """Subtracted for each word the templates never use (talk about something else)."""
    min_posterior: float = 0.85
    """Below the fuzzy threshold, the word model's verdict counts when it is this sure..."""
    min_known: float = 0.75
    """...and at least this share of the words are ones the templates use."""


class Router:
    """Maps text to an `IntentMatch` using the content's masked template sentences."""

    def __init__(self, content: Content, settings: RouterSettings | None = None) -> None:
        self.content = content
        self.settings = settings or RouterSettings()
        self._choices = [m.text for m in content.masked]
        self._vocabulary = {w for t in self._choices for w in t.split()}
        self._words = WordModel((m.text, m.intent) for m in content.masked)
        oos_words = {slot_placeholder(name) for name in content.out_of_scope_lists}
        list_words = {slot_placeholder(name) for name in content.lists} - oos_words
        self._anchors = frozenset(content.anchors | list_words)

    @classmethod
    def from_content(cls, content: Content, settings: RouterSettings | None = None) -> Router:
        return cls(content, settings)

    def route(self, text: str) -> IntentMatch:
        normalised = self.content.normaliser(text)
        masked, found = self.content.masker.mask(normalised)
        slots: dict[str, str] = {}
        for item in found:
            if item.list in self.content.slot_names:
                slots.setdefault(item.list, item.value)
        if not masked:
            return IntentMatch(UNKNOWN, {}, 0.0, normalised)
        intent, score, sentence = self._best(masked)
        lists = {item.list for item in found}
        if lists & set(self.content.out_of_scope_lists) and "body_part" not in lists and intent != "urgent":
            intent = OUT_OF_SCOPE
        _LOGGER.debug("route %r -> %r: %s %.1f (%r)", text, masked, intent, score, sentence)
        if intent == OUT_OF_SCOPE or score < self.settings.threshold:
            return IntentMatch(UNKNOWN, {}, round(score / 100, 3), normalised, sentence)
        if intent in self.content.slotless:
            slots = {}
        elif intent not in self.content.exercise_intents:
            slots.pop("exercise", None)
        return IntentMatch(intent, slots, round(score / 100, 3), normalised, sentence)

    def _best(self, masked: str) -> tuple[str, float, str]:
        intent, score, sentence = self._best_fuzzy(masked)
        if score >= self.settings.threshold:
            return intent, score, sentence
        words = masked.split()
        known = sum(w in self._vocabulary for w in words) / len(words)
        anchored = any(w in self._anchors for w in words)
        posterior = self._words.posterior(words) if anchored else {}
        if posterior and known >= self.settings.min_known:
            top = max(posterior, key=posterior.__getitem__)
            if posterior[top] >= self.settings.min_posterior:
                return top, self.settings.threshold + (posterior[top] - 0.5) * 10, ""
        return intent, score, sentence

    def _best_fuzzy(self, masked: str) -> tuple[str, float, str]:
        hits = process.extract(
            masked, self._choices, scorer=fuzz.ratio, limit=self.settings.candidates, processor=None
        )
        best: tuple[str, float, str] = (UNKNOWN, 0.0, "")
        for _, _, index in hits:
            candidate = self._choices[index]
            score = max(fuzz.ratio(masked, candidate), fuzz.token_sort_ratio(masked, candidate))
            score -= self.settings.oov_penalty * sum(w not in self._vocabulary for w in masked.split())
            if score > best[1]:
                best = (self.content.masked[index].intent, float(score), candidate)
        return best

    def topic(self, match: IntentMatch) -> str:
        """The template group of the sentence a match came from (picks the response topic)."""
        for masked in self.content.masked:
            if masked.text == match.sentence and masked.intent == match.intent:
                return masked.group
        return "default"
