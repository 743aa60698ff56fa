"""Builds the bedside loop from settings: content, dialog, recogniser, speaker, routines, cramp log."""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from assistant.audio.source import AudioSource
from assistant.clock import Clock
from assistant.content.loader import Content, load_content
from assistant.cramp_log import CrampLog
from assistant.dialog.dialog import Dialog
from assistant.errors import AudioError
from assistant.hearing.recognizer import Transcriber, create_recognizer
from assistant.loop.bedside import Bedside, LoopOptions
from assistant.loop.events import EventLog, EventSink
from assistant.loop.listen_loop import ListenLoop
from assistant.routines.exercises import ExerciseBook
from assistant.routines.host import RoutineHost
from assistant.routines.phrases import SessionPhrases
from assistant.settings import Settings
from assistant.voice.speaker import NullSpeaker, Speaker, open_speaker
from assistant.voice.speaker_guard import GuardedSpeaker

_LOGGER = logging.getLogger(__name__)


@dataclass
class LoopParts:
    """The built loop and what must be closed after it."""

    loop: ListenLoop
    bedside: Bedside
    speaker: Speaker
    cramp_log: CrampLog | None = None

    def close(self) -> None:
        self.speaker.close()
        if self.cramp_log is not None:
            self.cramp_log.close()


def recognizer_sentences(content: Content, wake_phrase: str | None) -> list[str]:
    """The sentences the recogniser is restricted to: the templates', and the wake phrase with each."""
    sentences = [sentence.text for sentence in content.sentences]
    if wake_phrase:
        sentences += [wake_phrase] + [f"{wake_phrase} {text}" for text in sentences]
    return sentences


def build_loop(
    settings: Settings,
    clock: Clock,
    emit: EventSink,
    speak_to: Path | None,
    speaker_kind: str,
    open_source: Callable[[], AudioSource],
    finite: bool,
    recognizer: Transcriber | None = None,
    content: Content | None = None,
    seed: int | None = None,
    speaker: Speaker | None = None,
) -> LoopParts:
    """Everything `run` needs, wired together; `recognizer`, `content` and `speaker` may be given (tests,
    bench); `seed` makes the choice among phrasing variants reproducible."""
    content = content or load_content()
    dialog = Dialog(content, settings.dialog, rng=random.Random(seed))
    if recognizer is None:
        recognizer = create_recognizer(
            settings.recognizer, recognizer_sentences(content, settings.dialog.wake_phrase)
        )
    origin = clock.now()  # after the slow part, so event times and a rendered file line up with the input
    if speaker is None:
        speaker = _speaker(settings, clock, emit, origin, speak_to, speaker_kind)
    routines = RoutineHost(
        ExerciseBook.from_file(),
        SessionPhrases.from_file(),
        speaker,
        clock,
        emit,
        origin=origin,
        hold=settings.routine.hold_seconds,
        earcons=settings.voice.earcons,
    )
    cramp_log = CrampLog(settings.log.path) if settings.log.enabled else None
    bedside = Bedside(
        recognizer,
        dialog,
        speaker,
        routines,
        endpoint=settings.endpoint,
        cramp_log=cramp_log,
        options=LoopOptions(listening_earcon=settings.voice.earcons),
    )
    loop = ListenLoop(bedside, open_source, finite=finite)
    return LoopParts(loop, bedside, speaker, cramp_log)


def _speaker(
    settings: Settings, clock: Clock, emit: EventSink, origin: float, speak_to: Path | None, kind: str
) -> Speaker:
    events = EventLog(emit, clock, origin)

    def on_error(message: str) -> None:
        events.report("error", message=message)

    def reopen() -> Speaker:
        return open_speaker(settings.voice, speak_to, kind, clock)

    try:
        inner = reopen()
    except AudioError as err:
        if speak_to is not None or kind != "sound":
            raise
        print(f"cramp-assistant: {err}; answers are only printed", flush=True)
        inner = NullSpeaker(settings.voice.rate)
    return GuardedSpeaker(inner, clock, on_error, reopen if speak_to is None else None, settings.voice.rate)
