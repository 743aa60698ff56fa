"""The bedside loop decodes speech while it arrives: a fake streaming recogniser records each call."""

from __future__ import annotations

import random

from loop_fakes import Feeder, ScriptedRecognizer
from speech_fakes import FakeSpeaker

from assistant.clock import VirtualClock
from assistant.content.loader import Content
from assistant.dialog.attention import Attention
from assistant.dialog.dialog import Dialog
from assistant.loop.bedside import Bedside
from assistant.loop.events import Recorder
from assistant.messages import IDLE, Expectation, Transcript
from assistant.routines.exercises import ExerciseBook
from assistant.routines.host import RoutineHost
from assistant.routines.phrases import SessionPhrases
from assistant.understanding.router import Router
from assistant.understanding.understanding import Understanding


class StreamingScripted(ScriptedRecognizer):
    """The scripted recogniser with streams; `calls` logs (call, bytes, the endpointer still speaking)."""

    name = "fake"

    def __init__(self, script: dict[float, Transcript | str]) -> None:
        super().__init__(script)
        self.calls: list[tuple[str, int, bool]] = []
        self.bedside: Bedside | None = None

    def _speaking(self) -> bool:
        assert self.bedside is not None
        return self.bedside.endpointer.speaking

    def start(self) -> _Stream:
        self.calls.append(("start", 0, self._speaking()))
        return _Stream(self)


class _Stream:
    def __init__(self, owner: StreamingScripted) -> None:
        self.owner = owner
        self.audio = b""

    def accept(self, pcm: bytes) -> None:
        self.owner.calls.append(("accept", len(pcm), self.owner._speaking()))
        self.audio += pcm

    def prepare(self) -> None:
        self.owner.calls.append(("prepare", len(self.audio), self.owner._speaking()))

    def finish(self, expect: Expectation = IDLE) -> Transcript:
        self.owner.calls.append(("finish", len(self.audio), self.owner._speaking()))
        return self.owner.transcribe(self.audio, expect)

    def cancel(self) -> None:
        self.owner.calls.append(("cancel", len(self.audio), self.owner._speaking()))


def _rig(content: Content, router: Router) -> tuple[StreamingScripted, Feeder, Recorder]:
    clock = VirtualClock(100.0)
    speaker = FakeSpeaker(clock, lambda text: 0.06 * len(text))
    events = Recorder()
    recognizer = StreamingScripted({150: "my calf is cramping"})
    routines = RoutineHost(
        ExerciseBook.from_file(),
        SessionPhrases.from_file(),
        speaker,
        clock,
        events,
        origin=clock.now(),
        earcons=False,
    )
    bedside = Bedside(
        recognizer,
        Dialog(content, understanding=Understanding(router), rng=random.Random(3), attention=Attention()),
        speaker,
        routines,
    )
    recognizer.bedside = bedside
    feeder = Feeder(bedside, clock)
    feeder.silence(1.0)
    return recognizer, feeder, events


def test_speech_is_fed_to_the_stream_while_it_is_spoken(content: Content, router: Router) -> None:
    recognizer, feeder, events = _rig(content, router)
    assert recognizer.calls == []  # nothing decoded in silence
    feeder.speak(150, seconds=1.5, after=1.0)
    kinds = [call for call, _, _ in recognizer.calls]
    assert kinds[0] == "start" and kinds[-1] == "finish" and kinds.count("finish") == 1
    # Decoding ahead starts in the trailing silence, with every piece of the utterance already in.
    assert kinds[-2] == "prepare" and recognizer.calls[-2][1] == recognizer.calls[-1][1]
    accepted_while_speaking = sum(
        n for call, n, speaking in recognizer.calls if call == "accept" and speaking
    )
    assert accepted_while_speaking >= 1.2 * 16000 * 2  # most of the speech before its end was detected
    assert recognizer.calls[-1][1] == sum(n for call, n, _ in recognizer.calls if call == "accept")
    assert not recognizer.calls[-1][2]  # finish comes after the end
    assert [e["intent"] for e in events.of("heard")] == ["relief"]
    assert recognizer.heard  # the audio the stream collected was recognised (pitch 150)


def test_a_short_burst_cancels_its_stream(content: Content, router: Router) -> None:
    recognizer, feeder, events = _rig(content, router)
    feeder.speak(150, seconds=0.12, after=1.0)
    kinds = [call for call, _, _ in recognizer.calls]
    assert kinds[0] == "start" and "accept" in kinds
    assert kinds[-1] == "cancel" and "finish" not in kinds
    assert events.of("heard") == []
