"""What every intent handler shares: the dialog context and picking and filling phrases from content."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from assistant.content.files import fill
from assistant.content.loader import Content, Response
from assistant.messages import Reply
from assistant.settings import DialogSettings
from assistant.understanding.router import FRAGMENT

FOLLOWUP = FRAGMENT
"""A fragment such as "it's in my foot" or "all of them": it continues the last answer's intent."""


@dataclass
class Context:
    """What the conversation so far tells the next answer."""

    last_intent: str | None = None
    body_part: str | None = None
    side: str | None = None
    offer: str | None = None
    """An exercise just offered, waiting for yes or no."""
    last_reply: Reply | None = None
    more: str | None = None
    """The longer follow-up of the last answer, for "tell me more"."""


@dataclass
class Phrasing:
    """Picks a variant (not the same one twice in a row) and fills its placeholders."""

    content: Content
    settings: DialogSettings
    rng: random.Random = field(default_factory=random.Random)
    _last: dict[str, int] = field(default_factory=dict)

    def pick(self, key: str, variants: tuple[str, ...]) -> str:
        choices = [i for i in range(len(variants)) if i != self._last.get(key)] or [0]
        index = self.rng.choice(choices)
        self._last[key] = index
        return variants[index]

    def fill(self, text: str, side: str | None = None, exercise: str | None = None) -> str:
        return fill(
            text,
            side=f"{side} " if side in ("left", "right") else "",
            emergency_number=self.settings.emergency_number,
            urgent_care=self.settings.urgent_care,
            exercise_name=self.content.exercise_names.get(exercise or "", "a stretch"),
        )

    def phrase(self, key: str, exercise: str | None = None) -> str:
        return _capitalise(
            self.fill(self.pick(f"phrase:{key}", self.content.phrases[key]), exercise=exercise)
        )

    def answer(
        self, intent: str, topic: str, response: Response, side: str | None = None
    ) -> tuple[str, str | None]:
        """The first answer and its "more" text, filled in."""
        first = self.fill(self.pick(f"{intent}:{topic}", response.first), side=side)
        more = self.fill(response.more, side=side) if response.more else None
        return first, more


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]
