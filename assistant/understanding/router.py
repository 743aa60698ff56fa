"""Text to intent: normalise, mask list words, fuzzy-match against the expanded template sentences."""

from __future__ import annotations

import logging
import math
from collections import defaultdict
from dataclasses import dataclass, replace

from rapidfuzz import fuzz, process

from assistant.content.loader import OUT_OF_SCOPE, Content, MaskedSentence, matching_subset
from assistant.messages import IntentMatch
from assistant.understanding.slots import exercise_for_muscle, reported_slots

_LOGGER = logging.getLogger(__name__)

FRAGMENT = "followup"
"""The intent of fragments ("in my thigh", "all of them"): the dialog completes them from the conversation."""
UNKNOWN = "unknown"
SMALL_INTENT = 300
"""Intents with at most this many matched sentences are always searched (controls, out-of-scope talk)."""


@dataclass(frozen=True)
class RouterSettings:
    """Matching settings (fuzzy scores are 0..100 as rapidfuzz gives them), tuned by cross-validation on the
    training examples (`python -m bench.router_cv`)."""

    threshold: float = 70.0
    """The fuzzy score an urgent answer needs when no red-flag phrase was said."""
    accept_fuzzy: float = 80.0
    """A fuzzy score this close to a template sentence is accepted whatever the combined probability."""
    near_exact: float = 95.0
    """A sentence this close to a template sentence takes that sentence's intent (fuzzy overrules)."""
    min_probability: float = 0.5
    """Below this combined probability of the best intent, the intent is unknown."""
    candidates: int = 4
    """How many nearest sentences of each searched intent are looked at."""
    search_intents: int = 5
    """Fuzzy matching searches the intent model's likeliest intents, this many, besides the small ones."""
    per_template: int = 40
    """Fuzzy matching looks at this many expansions of each template (the shortest half, then a spread)."""
    oov_penalty: float = 8.0
    """Subtracted from a fuzzy score for each word the templates never use (talk about something else)."""
    fuzzy_weight: float = 0.2
    """In the combined probability, the weight of fuzzy closeness against the intent model (0..1)."""
    temperature: float = 3.0
    """Fuzzy points that make one intent e times likelier than another."""


@dataclass(frozen=True)
class RouterResult:
    """Everything the router found for one text: its best intent, whether it accepts it, and why.

    `match` is what the dialog acts on (`unknown` when not accepted); the rest explains the decision, so a
    rejected guess stays in the logs."""

    intent: str
    """The best intent (the router's guess), even when it is not accepted; "unknown" when there was none."""
    slots: dict[str, str]
    """Slot values found in the text (as kept for `intent`)."""
    closeness: float
    """How close the text came to the intent's nearest template sentence, 0..1 (fuzzy ratio less the
    unknown-word penalty); 1 for a red-flag phrase."""
    probability: float
    """The combined probability of `intent`, 0..1 (1 for a red-flag phrase, 0 when nothing was matched)."""
    accepted: bool
    """Whether the router stands by `intent`."""
    reason: str
    """Why it was or was not accepted."""
    text: str = ""
    """The normalised text."""
    sentence: str = ""
    """The template sentence (or red-flag phrase) it matched best."""
    topic: str = "default"
    """The template group of that sentence."""

    @property
    def match(self) -> IntentMatch:
        """The routed intent: `intent` when accepted, else `unknown` (keeping the closeness and sentence)."""
        if not self.accepted:
            return IntentMatch(UNKNOWN, {}, self.closeness, self.text, self.sentence)
        return IntentMatch(
            self.intent,
            dict(self.slots),
            self.closeness,
            self.text,
            self.sentence,
            self.topic,
            self.probability,
        )


class Router:
    """Maps text to an `IntentMatch` using the content's masked template sentences."""

    def __init__(self, content: Content, settings: RouterSettings | None = None) -> None:
        self.content = content
        self.settings = settings or RouterSettings()
        every: dict[str, list[MaskedSentence]] = defaultdict(list)
        for sentence in content.masked:
            every[sentence.intent].append(sentence)
        subset = matching_subset(content.masked, self.settings.per_template)
        grouped: dict[str, list[MaskedSentence]] = defaultdict(list)
        for sentence in subset:
            if len(every[sentence.intent]) > SMALL_INTENT:
                grouped[sentence.intent].append(sentence)
        for intent, sentences in every.items():
            if len(sentences) <= SMALL_INTENT:
                grouped[intent] = sentences
        self._by_intent = {intent: (group, [m.text for m in group]) for intent, group in grouped.items()}
        self._small_pool = [i for i, (group, _) in self._by_intent.items() if len(group) <= SMALL_INTENT]
        self.matched_sentences = sum(len(group) for group in grouped.values())
        self._cautious = frozenset({"urgent"})
        self._vocabulary = {w for m in content.masked for w in m.text.split()}
        self._exact: dict[str, dict[str, str]] = defaultdict(dict)
        """Every template sentence (not only the matched share): text -> intent -> group."""
        for sentence in content.masked:
            self._exact[sentence.text].setdefault(sentence.intent, sentence.group)
        self._model = content.intent_model

    @classmethod
    def from_content(cls, content: Content, settings: RouterSettings | None = None) -> Router:
        return cls(content, settings)

    def route(self, text: str) -> IntentMatch:
        """The intent to act on (`unknown` when the router does not accept its guess)."""
        return self.examine(text).match

    def examine(self, text: str) -> RouterResult:
        """The router's full result for `text`: its guess, how sure, and whether and why it accepts it."""
        normalised = self.content.normaliser(text)
        masked, found = self.content.masker.mask(normalised)
        slots = reported_slots(found, self.content.slot_names, muscles=self.content.exercise_muscles)
        no_exercise = reported_slots(found, self.content.slot_names, withheld=("exercise",))
        if not masked:
            return RouterResult(UNKNOWN, {}, 0.0, 0.0, False, "no words to match", normalised)
        flags = self.content.red_flags
        in_domain = bool({item.list for item in found} & flags.about)
        if in_domain and flags.about_someone_else(set(normalised.split())):
            in_domain = False  # "her ankles were swollen": a story's leg, not the speaker's
        flag = self._red_flag(normalised, in_domain)
        if flag:
            return RouterResult(
                "urgent", no_exercise, 1.0, 1.0, True, "red-flag phrase", normalised, flag[1], flag[0]
            )
        best = self._best(masked, normalised)
        lists = {item.list for item in found}
        if (
            lists & set(self.content.out_of_scope_lists)
            and "body_part" not in lists
            and best.intent != "urgent"
        ):
            best = replace(best, accepted=False, reason="names something out of scope")
        elif best.intent == OUT_OF_SCOPE:
            best = replace(best, accepted=False, reason="talk out of scope")
        _LOGGER.debug("route %r -> %r: %s", text, masked, best)
        if best.intent in self.content.slotless:
            slots = {}
        elif best.intent not in self.content.exercise_intents:
            slots = no_exercise
        else:
            slots = exercise_for_muscle(slots, self.content.exercise_muscles)
            if any(item.form in self.content.conversational for item in found):
                # "all of them" points back at an offer: a fragment, taken up only in a conversation.
                best = replace(best, intent=FRAGMENT, reason=f"{best.reason}, a fragment")
        return replace(best, slots=slots)

    def _red_flag(self, normalised: str, in_domain: bool) -> tuple[str, str] | None:
        padded = f" {normalised} "
        for topic, phrases in self.content.red_flags.phrases:
            if not in_domain and topic not in self.content.red_flags.anywhere:
                continue
            for phrase in phrases:
                if f" {phrase} " in padded:
                    return topic, phrase
        return None

    def _best(self, masked: str, normalised: str) -> RouterResult:
        """Pick the intent by combining fuzzy closeness and the intent model, and say how sure that is.

        A product of experts: a softmax over each intent's best fuzzy score, times the intent model's
        posterior (which has out-of-scope talk as a class of its own), renormalised; a near-exact match to a
        template sentence takes that sentence's intent. It is accepted when its fuzzy score clears
        `accept_fuzzy`, or its combined probability clears `min_probability`; `urgent` only with a fuzzy
        score of at least `threshold` (an urgent answer needs a red-flag phrase or a close match, never the
        model's hunch). Slots are filled in by `examine`.
        """
        settings = self.settings
        words = masked.split()
        oov = sum(w not in self._vocabulary for w in words)
        posterior = self._model.posterior(words)
        fuzzy = self._fuzzy_by_intent(masked, oov, posterior)
        for exact, group in self._exact.get(masked, {}).items():
            # A template sentence itself, though not in the matched share.
            fuzzy[exact] = (100.0, masked, group)
        if not fuzzy:
            return RouterResult(UNKNOWN, {}, 0.0, 0.0, False, "no template sentence to compare", normalised)
        top_fuzzy = max(score for score, _, _ in fuzzy.values())
        closeness = {
            intent: (score - top_fuzzy) / settings.temperature for intent, (score, _, _) in fuzzy.items()
        }
        combined = {
            intent: settings.fuzzy_weight * closeness.get(intent, -top_fuzzy / settings.temperature)
            + (1 - settings.fuzzy_weight) * math.log(posterior.get(intent, 0.0) + 1e-9)
            for intent in set(fuzzy) | set(posterior)
        }
        intent = max(combined, key=combined.__getitem__)
        fuzzy_pick = max(fuzzy, key=lambda i: (fuzzy[i][0], combined[i]))  # a tie goes to the likelier
        if top_fuzzy >= settings.near_exact:
            intent = fuzzy_pick
        top = max(combined.values())
        probability = math.exp(combined[intent] - top) / sum(math.exp(v - top) for v in combined.values())
        score, sentence, topic = fuzzy.get(intent, (0.0, "", "default"))
        if intent in self._cautious:
            accepted = score >= settings.threshold
            reason = "close match" if accepted else "urgent needs a red-flag phrase or a close match"
        elif score >= settings.accept_fuzzy:
            accepted, reason = True, "close match"
        elif probability >= settings.min_probability:
            accepted, reason = True, "probable"
        else:
            accepted, reason = False, "too unsure"
        return RouterResult(
            intent,
            {},
            round(min(max(score, 0.0), 100.0) / 100, 3),
            round(probability, 3),
            accepted,
            reason,
            normalised,
            sentence,
            topic,
        )

    def _fuzzy_by_intent(
        self, masked: str, oov: int, posterior: dict[str, float]
    ) -> dict[str, tuple[float, str, str]]:
        """The best fuzzy score per intent among the nearest sentences, less a penalty per unknown word.

        Only the intents the intent model finds likeliest are searched, and every intent with few
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
