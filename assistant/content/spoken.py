"""The recognisers' sentences: each template's sentences with every slot form said somewhere."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence

from assistant.content.records import OUT_OF_SCOPE, MaskedSentence, Sentence
from assistant.understanding.slots import slot_placeholder


def spoken_sentences(
    heard: Sequence[MaskedSentence],
    lists: Mapping[str, Mapping[str, tuple[str, ...]]],
    slot_names: Collection[str],
) -> tuple[Sentence, ...]:
    """`heard` with slot values filled in, for a recogniser's language model or grammar.

    A template's first sentence with a slot is filled with every spoken form of its lists, its later ones
    with the next form in turn, counted within the template: every word form a template can produce is
    said, and what one template gives depends on that template alone (so an unrelated edit never shifts
    another template's sentences). Duplicates are kept once per template, not across templates, so a
    phrase many templates share weighs more in the language model.
    """
    out: list[Sentence] = []
    within: dict[int, set[tuple[str, str]]] = defaultdict(set)
    turn: dict[int, int] = defaultdict(int)
    for masked in heard:
        intent = "unknown" if masked.intent == OUT_OF_SCOPE else masked.intent
        forms = [[(v, form) for v, spoken in lists[name].items() for form in spoken] for name in masked.slots]
        first = turn[masked.template]
        count = max((len(f) for f in forms), default=1) if forms and first == 0 else 1
        turn[masked.template] += count if forms else 0
        for k in range(first, first + count):
            words = masked.spoken
            slots: dict[str, str] = {}
            for name, options in zip(masked.slots, forms, strict=True):
                value, form = options[k % len(options)]
                words = words.replace(slot_placeholder(name), form, 1)
                if name in slot_names:
                    slots[name] = value
            if (words, intent) not in within[masked.template]:
                within[masked.template].add((words, intent))
                out.append(Sentence(words, intent, slots))
    return tuple(out)
