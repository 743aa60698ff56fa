"""Finding list words (body parts, sides, exercises, ...) in normalised text and masking them."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping
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
    inner: tuple[Found, ...] = ()
    """Words of another list that end this form, as its object: "stretch my quads" (an exercise) holds
    "quads" (a body part); in a name such as "calf stretch" the body part only qualifies it."""


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

    def find(self, text: str) -> tuple[Found, ...]:
        if self.pattern is None:
            return ()
        return tuple(Found(*self.forms[m.group(0)], m.group(0)) for m in self.pattern.finditer(text))


class SlotMasker:
    """Finds list words in normalised text and replaces them with placeholders.

    Lists named in `free` (a side: "my left calf") may stand anywhere, so they are found first and dropped
    from the text altogether; the other lists are then replaced by their placeholders. A form that ends in
    words of another list keeps them as `Found.inner`, so that an intent which does not take the form's
    list can still report them (see `reported_slots`).
    """

    def __init__(
        self, lists: Mapping[str, Mapping[str, tuple[str, ...]]], free: tuple[str, ...] = ()
    ) -> None:
        self._free = _Pass({k: v for k, v in lists.items() if k in free})
        fixed = {k: v for k, v in lists.items() if k not in free}
        self._fixed = _Pass(fixed)
        others = {name: _Pass({k: v for k, v in fixed.items() if k != name}) for name in fixed}
        self._inner = {
            form: tuple(i for i in others[name].find(form) if form.endswith(f" {i.form}"))
            for form, (name, _) in self._fixed.forms.items()
        }

    def mask(self, text: str) -> tuple[str, list[Found]]:
        found: list[Found] = []
        for step, keep in ((self._free, False), (self._fixed, True)):
            if step.pattern is None:
                continue

            def replace(match: re.Match[str], step: _Pass = step, keep: bool = keep) -> str:
                form = match.group(0)
                name, value = step.forms[form]
                found.append(Found(name, value, form, self._inner.get(form, ()) if keep else ()))
                return slot_placeholder(name) if keep else ""

            text = " ".join(step.pattern.sub(replace, text).split())
        return text, found


def reported_slots(
    found: Iterable[Found], names: Collection[str], withheld: Collection[str] = ()
) -> dict[str, str]:
    """The first value found of each slot in `names`.

    A form of a `withheld` list is not reported, but the slot words inside it are: for an intent that takes
    no exercise, "should i stretch my quads" still names the thigh.
    """
    slots: dict[str, str] = {}
    for item in found:
        for part in item.inner if item.list in withheld else (item,):
            if part.list in names:
                slots.setdefault(part.list, part.value)
    return slots
