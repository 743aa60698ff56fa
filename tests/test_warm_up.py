"""Warming a slow voice at start-up: which phrases, in what order, only for a speaker that synthesises."""

from __future__ import annotations

from assistant.content.loader import Content, load_content
from assistant.dialog.intents.base import Phrasing
from assistant.loop.warm_up import night_phrases, warm_up
from assistant.routines.exercises import ExerciseBook
from assistant.routines.phrases import SessionPhrases
from assistant.routines.session import Session
from assistant.settings import DialogSettings


def _phrases(content: Content) -> list[str]:
    return night_phrases(
        content, DialogSettings(), ExerciseBook.from_file(), SessionPhrases.from_file(), None
    )


def test_red_flags_then_cramps_then_every_routine_phrase_once() -> None:
    content = load_content()
    texts = _phrases(content)
    assert len(texts) == len(set(texts))
    assert not [t for t in texts if "{" in t or "}" in t], "placeholders must be filled"
    phrasing = Phrasing(content, DialogSettings())
    urgent = {phrasing.fill(t) for (i, _), r in content.responses.items() if i == "urgent" for t in r.first}
    relief = {
        phrasing.fill(t, side=s)
        for (i, _), r in content.responses.items()
        if i == "relief"
        for t in r.first
        for s in (None, "left", "right")
    }
    assert set(texts[: len(urgent)]) == urgent
    assert relief <= set(texts[len(urgent) :])
    assert any("left" in t for t in relief & set(texts))
    book, phrases = ExerciseBook.from_file(), SessionPhrases.from_file()
    cues = Session(book.routine("calf_stretch"), phrases, lambda text: 1.0).timeline(0.0)
    said = {cue.text for cue in cues if cue.text}
    assert said and said <= set(texts)


class _Synthesising:
    def __init__(self) -> None:
        self.prepared: list[list[str]] = []

    def prepare(self, texts: list[str]) -> None:
        self.prepared.append(texts)


def test_only_a_speaker_that_synthesises_is_warmed() -> None:
    speaker = _Synthesising()
    assert warm_up(speaker, ["Hold for thirty seconds."])
    assert speaker.prepared == [["Hold for thirty seconds."]]
    assert not warm_up(object(), ["Hold for thirty seconds."])
