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
    """A slot word that ends this form as its object: "stretch my quads" (an exercise) holds "quads" (a body
    part); in a name such as "calf stretch" the body part only qualifies it, and is not kept."""


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

    def last(self, text: str) -> Found | None:
        """The list word that ends `text` after at least one other word, if any."""
        matches = list(self.pattern.finditer(text)) if self.pattern is not None else []
        if not matches or matches[-1].end() != len(text) or matches[-1].start() == 0:
            return None
        return Found(*self.forms[matches[-1].group(0)], matches[-1].group(0))


class SlotMasker:
    """Finds list words in normalised text and replaces them with placeholders.

    Lists named in `free` (a side: "my left calf") may stand anywhere, so they are found first and dropped
    from the text altogether; the other lists are then replaced by their placeholders. A form that ends in a
    word of another of the `slots` lists ("stretch my quads", "rotating my ankles") is a verb and its object:
    only the object is replaced ("stretch my slotbodypart"), so the templates written for the object still
    match, and it is kept as `Found.inner` for intents that do not take the form's list (`reported_slots`).
    """

    def __init__(
        self,
        lists: Mapping[str, Mapping[str, tuple[str, ...]]],
        free: tuple[str, ...] = (),
        slots: tuple[str, ...] = (),
    ) -> None:
        self._free = _Pass({k: v for k, v in lists.items() if k in free})
        fixed = {k: v for k, v in lists.items() if k not in free}
        self._fixed = _Pass(fixed)
        named = [k for k in slots if k in fixed]
        objects = {name: _Pass({k: fixed[k] for k in named if k != name}) for name in named}
        self._inner: dict[str, Found] = {}
        for form, (name, _) in self._fixed.forms.items():
            if name in objects and (inner := objects[name].last(form)) is not None:
                self._inner[form] = inner

    def mask(self, text: str) -> tuple[str, list[Found]]:
        found: list[Found] = []
        for step, keep in ((self._free, False), (self._fixed, True)):
            if step.pattern is None:
                continue

            def replace(match: re.Match[str], step: _Pass = step, keep: bool = keep) -> str:
                form = match.group(0)
                name, value = step.forms[form]
                inner = self._inner.get(form) if keep else None
                found.append(Found(name, value, form, (inner,) if inner else ()))
                if inner is not None:
                    return form[: -len(inner.form)] + slot_placeholder(inner.list)
                return slot_placeholder(name) if keep else ""

            text = " ".join(step.pattern.sub(replace, text).split())
        return text, found


def reported_slots(
    found: Iterable[Found],
    names: Collection[str],
    withheld: Collection[str] = (),
    muscles: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """The first value found of each slot in `names`.

    A form of a `withheld` list is not reported, but the slot words inside it are: for an intent that takes
    no exercise, "should i stretch my quads" still names the thigh. A reported form's object is reported too
    when it is the muscle the form's value works (`muscles`, value -> body part): "stretch my quads" is the
    quad stretch and names the thigh, while "circle my ankles" names no muscle the ankle circles stretch, and
    in the name "the calf stretch" the body part only qualifies the exercise (no object).
    """
    muscles = muscles or {}
    slots: dict[str, str] = {}
    for item in found:
        if item.list in withheld:
            parts: tuple[Found, ...] = item.inner
        else:
            parts = (item, *(i for i in item.inner if muscles.get(item.value) == i.value))
        for part in parts:
            if part.list in names:
                slots.setdefault(part.list, part.value)
    return slots


def exercise_for_muscle(slots: Mapping[str, str], muscles: Mapping[str, str]) -> dict[str, str]:
    """The slots of an intent that takes an exercise, with the exercise a named body part stands for.

    A body part that exactly one exercise stretches (`muscles`, exercise -> body part) names that exercise
    when none was said: "a stretch for my tight calves" asks for the calf stretch, as "stretch my calf"
    does; the hamstring, the foot or the whole leg name none. (A body part said beside an exercise is left
    as it is: people disagree on whether "scrunch a towel with my toes" names the toes.)
    """
    out = dict(slots)
    if "exercise" not in out and (part := out.get("body_part")) is not None:
        named = [value for value, muscle in muscles.items() if muscle == part]
        if len(named) == 1:
            out["exercise"] = named[0]
    return out
