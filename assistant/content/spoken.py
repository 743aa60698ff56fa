"""The recognisers' sentences: each template's sentences with slot values filled in, and every list form.

How often a language model sees a word decides how readily the decoder hears it, so the filling follows
two rules that do not depend on how the other templates happen to be written:

- a list's values are equally likely: a sentence that names a list is said once with each of its values
  (with each combination, when it names several lists);
- a value's spoken forms are listed most common first, and are used by Zipf's law (the form of rank r as
  often as 1/r), in a fixed weighted round-robin within each template.

Every form of every list is also said once on its own ("calf muscle", "hot water bottle"), so each word a
list can produce is in the vocabulary, whatever the templates sample.
"""

from __future__ import annotations

import functools
import itertools
from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence

from assistant.content.records import OUT_OF_SCOPE, MaskedSentence, Sentence
from assistant.understanding.slots import slot_placeholder

Lists = Mapping[str, Mapping[str, tuple[str, ...]]]


def spoken_sentences(
    heard: Sequence[MaskedSentence], lists: Lists, slot_names: Collection[str]
) -> tuple[Sentence, ...]:
    """`heard` with slot values filled in, then each list form on its own, for a recogniser's domain.

    Duplicates are kept once per template, not across templates, so a phrase many templates share weighs
    more in the language model, and an edit to one template changes that template's sentences only.
    """
    out: list[Sentence] = []
    within: dict[int, set[str]] = defaultdict(set)
    turns: dict[tuple[int, str, str], int] = defaultdict(int)
    for masked in heard:
        intent = "unknown" if masked.intent == OUT_OF_SCOPE else masked.intent
        for chosen in itertools.product(*(lists[name] for name in masked.slots)):
            words = masked.spoken
            slots: dict[str, str] = {}
            for name, value in zip(masked.slots, chosen, strict=True):
                key = (masked.template, name, value)
                form = ranked_form(lists[name][value], turns[key])
                turns[key] += 1
                words = words.replace(slot_placeholder(name), form, 1)
                if name in slot_names:
                    slots.setdefault(name, value)
            if words not in within[masked.template]:
                within[masked.template].add(words)
                out.append(Sentence(words, intent, slots))
    for name, values in lists.items():
        for value, forms in values.items():
            slots = {name: value} if name in slot_names else {}
            out.extend(Sentence(form, "unknown", slots) for form in dict.fromkeys(forms))
    return tuple(out)


def ranked_form(forms: tuple[str, ...], turn: int) -> str:
    """The form a value's `turn`-th use within a template says: forms by rank, by Zipf's law."""
    return forms[_ranked_turns(len(forms))[turn % _CYCLE]]


_CYCLE = 120
"""Turns in a form schedule before it repeats (more than a template's sentences use one list)."""


@functools.cache
def _ranked_turns(count: int) -> tuple[int, ...]:
    """A fixed order of form ranks in which rank r comes up as often as 1/r (smooth weighted round-robin)."""
    weights = [1.0 / (rank + 1) for rank in range(count)]
    total = sum(weights)
    credit = [0.0] * count
    order = []
    for _ in range(_CYCLE):
        for rank in range(count):
            credit[rank] += weights[rank]
        best = max(range(count), key=credit.__getitem__)
        credit[best] -= total
        order.append(best)
    return tuple(order)
