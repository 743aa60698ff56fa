"""Finding list words (body parts, sides, exercises, ...) in normalised text and masking them."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass


def slot_placeholder(name: str) -> str:
    """The single word that stands for a list in masked text (survives normalisation)."""
    return "slot" + name.replace("_", "")


@dataclass(frozen=True)
class Found:
    """One list word found in text."""

    list: str
    value: str
    form: str


class _Pass:
    """One regex over the spoken forms of some lists, longest forms first."""

    def __init__(self, lists: Mapping[str, Mapping[str, tuple[str, ...]]]) -> None:
        self.forms: dict[str, tuple[str, str]] = {}
        for name, values in lists.items():
            for value, spoken in values.items():
                for form in spoken:
                    self.forms.setdefault(form, (name, value))
        alternatives = "|".join(re.escape(f) for f in sorted(self.forms, key=len, reverse=True) if f)
        self.pattern = re.compile(rf"(?<![a-z0-9])(?:{alternatives})(?![a-z0-9])") if alternatives else None


class SlotMasker:
    """Finds list words in normalised text and replaces them with placeholders.

    Lists named in `free` (a side: "my left calf") may stand anywhere, so they are found first and dropped
    from the text altogether; the other lists are then replaced by their placeholders.
    """

    def __init__(
        self, lists: Mapping[str, Mapping[str, tuple[str, ...]]], free: tuple[str, ...] = ()
    ) -> None:
        self._free = _Pass({k: v for k, v in lists.items() if k in free})
        self._fixed = _Pass({k: v for k, v in lists.items() if k not in free})

    def mask(self, text: str) -> tuple[str, list[Found]]:
        found: list[Found] = []
        for step, keep in ((self._free, False), (self._fixed, True)):
            if step.pattern is None:
                continue

            def replace(match: re.Match[str], step: _Pass = step, keep: bool = keep) -> str:
                name, value = step.forms[match.group(0)]
                found.append(Found(name, value, match.group(0)))
                return slot_placeholder(name) if keep else ""

            text = " ".join(step.pattern.sub(replace, text).split())
        return text, found
