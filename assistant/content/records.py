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
