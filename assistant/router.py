"""Text to intent: normalise, mask list words, fuzzy-match against the expanded template sentences."""

from __future__ import annotations

import logging
import math
import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from assistant.content import OUT_OF_SCOPE, Content, MaskedSentence
from assistant.messages import IntentMatch
from assistant.slots import slot_placeholder
from assistant.word_model import WordModel

_LOGGER = logging.getLogger(__name__)

UNKNOWN = "unknown"
SMALL_INTENT = 300
"""Intents with at most this many matched sentences are always searched (controls, out-of-scope talk)."""


@dataclass(frozen=True)
class RouterSettings:
    """Matching thresholds (scores are 0..100 as rapidfuzz gives them)."""

    threshold: float = 70.0
    """Below this best score the intent is unknown."""
    candidates: int = 4
    """How many nearest sentences of each searched intent are looked at."""
    search_intents: int = 5
    """Fuzzy matching searches the word model's likeliest intents, this many, besides the small ones."""
    per_template: int = 40
    """Fuzzy matching looks at this many expansions of each template (the shortest half, then a spread)."""
    oov_penalty: float = 8.0
    """Subtracted for each word the templates never use (talk about something else)."""
    fuzzy_weight: float = 0.5
    """In picking the intent, the weight of fuzzy closeness against the word model (0..1)."""
    temperature: float = 3.0
    """Fuzzy points that make one intent e times likelier than another."""
    min_posterior: float = 0.85
    """Below the fuzzy threshold, the word model's verdict counts when it is this sure..."""
    agree_threshold: float = 55.0
    """When fuzzy matching and the word model agree, this fuzzy score is enough..."""
    agree_posterior: float = 0.9
    """...given the word model is at least this sure."""
    require_anchor: bool = True
    """The word model decides alone only for sentences holding a domain word."""
    min_known: float = 0.75
    """...and at least this share of the words are ones the templates use."""


class Router:
    """Maps text to an `IntentMatch` using the content's masked template sentences."""

    def __init__(self, content: Content, settings: RouterSettings | None = None) -> None:
        self.content = content
        self.settings = settings or RouterSettings()
        subset = _matching_subset(content.masked, self.settings.per_template)
        grouped: dict[str, list[MaskedSentence]] = defaultdict(list)
        for sentence in subset:
            grouped[sentence.intent].append(sentence)
        self._by_intent = {intent: (group, [m.text for m in group]) for intent, group in grouped.items()}
        self._small_pool = [i for i, (group, _) in self._by_intent.items() if len(group) <= SMALL_INTENT]
        self.matched_sentences = len(subset)
        self._cautious = frozenset({"urgent"})
        self._vocabulary = {w for m in content.masked for w in m.text.split()}
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
        """Pick the intent by combining fuzzy closeness and the word model, then decide whether to trust it.

        The pick is a product of experts: a softmax over each intent's best fuzzy score, times the word
        model's posterior. The pick is accepted when its fuzzy score clears the threshold, or, for sentences
        about our domain (an anchor word), when the word model is sure and few words are unknown.
        """
        settings = self.settings
        words = masked.split()
        oov = sum(w not in self._vocabulary for w in words)
        posterior = self._words.posterior(words)
        fuzzy = self._fuzzy_by_intent(masked, oov, posterior)
        if not fuzzy:
            return UNKNOWN, 0.0, "", "default"
        intents = set(fuzzy) | set(posterior)
        top_fuzzy = max(score for score, _, _ in fuzzy.values())

        def combined(intent: str) -> float:
            fuzzy_score = fuzzy.get(intent, (0.0, "", ""))[0]
            return settings.fuzzy_weight * (fuzzy_score - top_fuzzy) / settings.temperature + (
                1 - settings.fuzzy_weight
            ) * math.log(posterior.get(intent, 0.0) + 1e-9)

        intent = max(intents, key=combined)
        score, sentence, topic = fuzzy.get(intent, (0.0, "", "default"))
        if score >= settings.threshold:
            return intent, score, sentence, topic
        if intent in self._cautious:
            # An urgent answer needs a red-flag phrase or a close match, never the word model's hunch.
            return intent, score, sentence, topic
        known = (len(words) - oov) / len(words)
        anchored = any(w in self._anchors for w in words) or not settings.require_anchor
        sure = posterior.get(intent, 0.0)
        if anchored and known >= settings.min_known and sure >= settings.min_posterior:
            return intent, settings.threshold, sentence, topic
        # Both experts pick the same intent: a weaker fuzzy match is enough.
        fuzzy_pick = max(fuzzy, key=lambda i: fuzzy[i][0])
        if fuzzy_pick == intent and score >= settings.agree_threshold and sure >= settings.agree_posterior:
            return intent, settings.threshold, sentence, topic
        return intent, score, sentence, topic

    def _fuzzy_by_intent(
        self, masked: str, oov: int, posterior: dict[str, float]
    ) -> dict[str, tuple[float, str, str]]:
        """The best fuzzy score per intent among the nearest sentences, less a penalty per unknown word.

        Only the intents the word model finds likeliest are searched, and every intent with few
        sentences (the controls, out-of-scope talk): a fraction of the cost of searching everything.
        """
        pool = self._small_pool
        if posterior:
            likely = sorted(posterior, key=posterior.__getitem__, reverse=True)[
                : self.settings.search_intents
            ]
            pool = sorted({*pool, *(i for i in likely if i in self._by_intent)})
        else:
            pool = sorted(self._by_intent)
        best: dict[str, tuple[float, str, str]] = {}
        for intent in pool:
            sentences, choices = self._by_intent[intent]
            hits = process.extract(
                masked, choices, scorer=fuzz.ratio, limit=self.settings.candidates, processor=None
            )
            for _, _, index in hits:
                candidate = choices[index]
                score = max(fuzz.ratio(masked, candidate), fuzz.token_sort_ratio(masked, candidate))
                score -= self.settings.oov_penalty * oov
                if score > best.get(intent, (-1.0, "", ""))[0]:
                    best[intent] = (float(score), candidate, sentences[index].group)
        return best


def _matching_subset(masked: Sequence[MaskedSentence], per_template: int) -> list[MaskedSentence]:
    """A bounded, deterministic share of each template's expansions, so matching cost stays small."""
    by_template: dict[int, list[MaskedSentence]] = defaultdict(list)
    for sentence in masked:
        by_template[sentence.template].append(sentence)
    chosen: list[MaskedSentence] = []
    for template, sentences in by_template.items():
        if len(sentences) <= per_template:
            chosen.extend(sentences)
            continue
        ordered = sorted(sentences, key=lambda m: (len(m.text), m.text))
        half = per_template // 2
        rest = ordered[half:]
        chosen.extend(ordered[:half] + random.Random(template).sample(rest, per_template - half))
    return chosen
