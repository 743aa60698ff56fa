"""The domain the engines are told about, made from the content where the program is put together."""

from __future__ import annotations

from assistant.content.loader import Content
from assistant.hearing.recognizer import Domain
from assistant.hearing.whisper_prompt import routine_prompt, whisper_prompt
from assistant.routines.controls import CONTROLS


def domain_of(content: Content, wake_phrase: str | None = None) -> Domain:
    """The template sentences (and, with a wake phrase, the phrase alone and before each sentence),
    Whisper's prompt of domain words, and its prompt of the routine's control words."""
    sentences = [sentence.text for sentence in content.sentences]
    if wake_phrase:
        sentences += [wake_phrase] + [f"{wake_phrase} {text}" for text in sentences]
    return Domain(tuple(sentences), whisper_prompt(content), routine_prompt(content, CONTROLS))
