"""The small frozen records content is made of."""

from __future__ import annotations

from dataclasses import dataclass, field

OUT_OF_SCOPE = "_out_of_scope"
"""The internal intent of templates that describe talk the assistant must not answer."""


@dataclass(frozen=True)
class Sentence:
    """One sentence expanded from the templates, with the intent and slots it stands for."""

    text: str
    intent: str
    slots: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class MaskedSentence:
    """A normalised template expansion where slot values are placeholders (what the router matches)."""

    text: str
    intent: str
    group: str
    slots: tuple[str, ...]
    """The lists whose placeholders stand in `spoken`, in order."""
    spoken: str
    """The same sentence with free slots (sides) kept as placeholders: what a person would say."""
    template: int = 0
    """Which template (counted over the whole file) it was expanded from."""


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    kind: str


@dataclass(frozen=True)
class Response:
    """The answers for one intent and topic."""

    first: tuple[str, ...]
    more: str
    sources: tuple[str, ...]
    offer: str | None = None


@dataclass(frozen=True)
class RedFlags:
    """The red-flag rule's data: phrases that make a sentence urgent, and when they count."""

    phrases: tuple[tuple[str, tuple[str, ...]], ...]
    """(urgent topic, normalised phrases), in the order they are checked."""
    anywhere: frozenset[str]
    """Topics that count even in a sentence that names no leg, foot or cramp."""
    about: frozenset[str]
    """The lists (a leg, a foot, a cramp) one of which a sentence must name for the other topics to count."""
    others: frozenset[str]
    """Words for someone else ("her", "his"): a sentence with them and none of `speaker` is about another
    person (an audiobook's "her ankles were swollen"), and only the `anywhere` topics count in it."""
    speaker: frozenset[str]
    """Words for the speaker ("my", "i", "we"): "my husband's leg is swollen" is still the speaker's call."""

    def about_someone_else(self, words: set[str]) -> bool:
        return bool(words & self.others) and not words & self.speaker

    def topics(self) -> set[str]:
        return {topic for topic, _ in self.phrases}
