"""Builds the bedside loop from settings: content, understanding, dialog, recogniser, speaker, routines,
cramp log. The one place the loop's parts are made; nothing below it loads content."""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from assistant.audio.echo import EchoCanceller
from assistant.audio.playback import PlaybackReference
from assistant.audio.room import RoomEcho, RoomEchoSource
from assistant.audio.source import AudioSource
from assistant.clock import Clock
from assistant.content.loader import Content, load_content
from assistant.cramp_log import CrampLog
from assistant.dialog.attention import Attention
from assistant.dialog.dialog import Dialog
from assistant.errors import AudioError
from assistant.hearing.domain import domain_of
from assistant.hearing.recognizer import Transcriber, create_recognizer
from assistant.loop.barge_in import BargeIn
from assistant.loop.bedside import Bedside, LoopOptions
from assistant.loop.events import EventLog, EventSink
from assistant.loop.listen_loop import ListenLoop
from assistant.loop.warm_up import night_phrases, warm_up
from assistant.routines.exercises import ExerciseBook
from assistant.routines.host import RoutineHost
from assistant.routines.phrases import SessionPhrases
from assistant.settings import Settings
from assistant.understanding.understanding import Understanding
from assistant.voice.reference_tap import ReferencePlayer, ReferenceSpeaker
from assistant.voice.speaker import NullSpeaker, Speaker, SynthSpeaker, open_speaker
from assistant.voice.speaker_guard import GuardedSpeaker
from assistant.voice.speech import Synthesizer

_LOGGER = logging.getLogger(__name__)


@dataclass
class LoopParts:
    """The built loop and what must be closed after it."""

    loop: ListenLoop
    bedside: Bedside
    speaker: Speaker
    cramp_log: CrampLog | None = None
    playback: PlaybackReference | None = None
    """What the loudspeaker played (the echo canceller's reference)."""

    def close(self) -> None:
        self.speaker.close()
        self.bedside.barge_in.close()
        if self.cramp_log is not None:
            self.cramp_log.close()


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
    room: RoomEcho | None = None,
    barge_in: bool = True,
    understanding: Understanding | None = None,
) -> LoopParts:
    """Everything `run` needs, wired together; `recognizer`, `content` and `speaker` may be given (tests,
    bench); `seed` makes the choice among phrasing variants reproducible. `room` adds the assistant's
    voice back into the source as a loudspeaker beside the microphone would; `barge_in` listens over
    the assistant's voice (with the echo canceller). A `recognizer` given whose doubt check is an
    understanding's comes with that `understanding`, so the two share one."""
    content = content or load_content()
    understanding = understanding or Understanding.from_content(content)
    attention = Attention(settings.dialog.wake_phrase, settings.dialog.follow_up_seconds)
    dialog = Dialog(content, settings.dialog, understanding, random.Random(seed), attention)
    if recognizer is None:
        domain = domain_of(content, settings.dialog.wake_phrase)
        recognizer = create_recognizer(settings.recognizer, domain, understanding.doubts)
    book, phrases = ExerciseBook.from_file(), SessionPhrases.from_file()
    origin = clock.now()  # after the slow part, so event times and a rendered file line up with the input
    playback = PlaybackReference()
    if speaker is None:
        guarded = _speaker(settings, clock, emit, origin, speak_to, speaker_kind, playback, room is not None)
        if speak_to is None and speaker_kind == "sound":  # a live night: warm a slow voice's store
            hold = settings.routine.hold_seconds
            warm_up(guarded.speaker, night_phrases(content, settings.dialog, book, phrases, hold))
        speaker = guarded
    else:
        speaker = ReferenceSpeaker(speaker, playback, clock)
    if room is not None:
        open_source = _in_room(open_source, playback, clock, room)
    routines = RoutineHost(
        book,
        phrases,
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
        barge_in=BargeIn(_canceller(playback) if barge_in else None),
    )
    loop = ListenLoop(bedside, open_source, finite=finite)
    return LoopParts(loop, bedside, speaker, cramp_log, playback)


def _canceller(playback: PlaybackReference) -> EchoCanceller | None:
    try:
        return EchoCanceller(playback)
    except AudioError as err:
        _LOGGER.warning("%s: listening only when it is quiet (half-duplex)", err)
        return None


def _in_room(
    open_source: Callable[[], AudioSource], playback: PlaybackReference, clock: Clock, room: RoomEcho
) -> Callable[[], AudioSource]:
    def open_in_room() -> AudioSource:
        return RoomEchoSource(open_source(), playback, clock, room)

    return open_in_room


def _speaker(
    settings: Settings,
    clock: Clock,
    emit: EventSink,
    origin: float,
    speak_to: Path | None,
    kind: str,
    playback: PlaybackReference,
    voiced: bool,
) -> GuardedSpeaker:
    """The guarded speaker, telling `playback` what it plays; `voiced`: a silent speaker still gets a
    voice for the reference (the simulated room echoes it)."""
    events = EventLog(emit, clock, origin)

    def on_error(message: str) -> None:
        events.report("error", message=message)

    def tapped(speaker: Speaker) -> Speaker:
        if isinstance(speaker, SynthSpeaker):  # plays pieces itself: the reference listens at its player
            latency = getattr(speaker.player, "latency", None)
            if callable(latency) and (seconds := latency()) is not None:
                playback.latency = seconds
            speaker.player = ReferencePlayer(speaker.player, playback, clock)
            return speaker
        voice = _voice(settings) if voiced and isinstance(speaker, NullSpeaker) else None
        return ReferenceSpeaker(speaker, playback, clock, voice, settings.voice.volume)

    def reopen() -> Speaker:
        return tapped(open_speaker(settings.voice, speak_to, kind, clock))

    try:
        inner = reopen()
    except AudioError as err:
        if speak_to is not None or kind != "sound":
            raise
        print(f"cramp-assistant: {err}; answers are only printed", flush=True)
        inner = tapped(NullSpeaker(settings.voice.rate))
    return GuardedSpeaker(inner, clock, on_error, reopen if speak_to is None else None, settings.voice.rate)


def _voice(settings: Settings) -> Synthesizer:
    from datetime import datetime

    from assistant.voice.tts_espeak import EspeakSynthesizer
    from assistant.voice.voice_profile import profile_for

    return EspeakSynthesizer(profile_for(settings.voice, datetime.now()))
