"""Whisper's domain prompt, built from content/: the first spoken form of every cramp, body-part and exercise
value in the intent lists ("cramp, calf, foot, toes, ..., calf stretch, ankle circles, ..."), then the first
few one-word forms of the topic lists (medicines, painkillers, conditions, foods, heat and cold: "statins,
magnesium, paracetamol, diabetes, ..."), the words tiny.en otherwise spells as something else.

A prompt is text Whisper takes as what came before the utterance: domain words in it make Whisper spell
"calf" rather than "calve" and "quad stretch" rather than "quads, stretch". It is a list of words, not a
sentence, so that over noise Whisper has no question to copy back (a sentence prompt risks exactly that).
"""

from __future__ import annotations

from assistant.content.loader import Content

PROMPT_LISTS = ("cramp", "body_part", "exercise")
"""The content lists (by name) whose values make the prompt."""
TOPIC_LISTS = ("medicine", "painkiller", "condition", "food", "heat_cold")
"""The content lists whose one-word forms follow, up to TOPIC_WORDS from each value."""
TOPIC_WORDS = 8


def whisper_prompt(content: Content) -> str:
    """The prompt for this content: each listed value's first spoken form, once, comma-separated."""
    words: list[str] = []
    for name in PROMPT_LISTS:
        for forms in content.lists.get(name, {}).values():
            if forms and forms[0] not in words:
                words.append(forms[0])
    for name in TOPIC_LISTS:
        for forms in content.lists.get(name, {}).values():
            taken = 0
            for form in forms:
                if taken == TOPIC_WORDS:
                    break
                if " " in form or form in words or form.rstrip("s") in words or f"{form}s" in words:
                    continue
                words.append(form)
                taken += 1
    return ", ".join(words) + "." if words else ""


def routine_prompt(content: Content, controls: tuple[str, ...]) -> str:
    """The prompt while a routine runs: every one-word form of the controls in their template sentences
    ("pause, wait, stop, cancel, ..., next, skip, repeat, pardon, ..., longer, extend."), once, in content
    order. The person is expected to say one of a few short commands; with these words before it, tiny.en
    writes "cancel" rather than "consul" and "pardon" rather than "paracetamol" for an unfamiliar voice.
    Single words, not sentences, for the same reason as `whisper_prompt`."""
    words = dict.fromkeys(
        sentence.spoken
        for sentence in content.masked
        if sentence.intent in controls and not sentence.slots and len(sentence.spoken.split()) == 1
    )
    return ", ".join(words) + "." if words else ""
