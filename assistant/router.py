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
        self._domain_lists = set(content.lists) - set(content.out_of_scope_lists)
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
        flag = self._red_flag(normalised, in_domain=bool({item.list for item in found} & self._domain_lists))
        if flag:
            return IntentMatch("urgent", slots, 1.0, normalised, flag[1], flag[0])
        intent, score, sentence, topic = self._best(masked)
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
        return IntentMatch(intent, slots, round(score / 100, 3), normalised, sentence, topic)

    def _red_flag(self, normalised: str, in_domain: bool) -> tuple[str, str] | None:
        padded = f" {normalised} "
        for topic, phrases in self.content.red_flags:
            if not in_domain and topic not in self.content.red_flags_anywhere:
                continue
            for phrase in phrases:
                if f" {phrase} " in padded:
                    return topic, phrase
        return None

    def _best(self, masked: str) -> tuple[str, float, str, str]:
        intent, score, sentence, topic = self._best_fuzzy(masked)
        if score >= self.settings.threshold:
            return intent, score, sentence, topic
        words = masked.split()
        known = sum(w in self._vocabulary for w in words) / len(words)
        anchored = any(w in self._anchors for w in words)
        posterior = self._words.posterior(words) if anchored else {}
        if posterior and known >= self.settings.min_known:
            top = max(posterior, key=posterior.__getitem__)
            if posterior[top] >= self.settings.min_posterior:
                return top, self.settings.threshold + (posterior[top] - 0.5) * 10, "", "default"
        return intent, score, sentence, topic

    def _best_fuzzy(self, masked: str) -> tuple[str, float, str, str]:
        hits = process.extract(
            masked, self._choices, scorer=fuzz.ratio, limit=self.settings.candidates, processor=None
        )
        best: tuple[str, float, str, str] = (UNKNOWN, 0.0, "", "default")
        for _, _, index in hits:
            candidate = self._choices[index]
            score = max(fuzz.ratio(masked, candidate), fuzz.token_sort_ratio(masked, candidate))
            score -= self.settings.oov_penalty * sum(w not in self._vocabulary for w in masked.split())
            if score > best[1]:
                sentence = self.content.masked[index]
                best = (sentence.intent, float(score), candidate, sentence.group)
        return best
