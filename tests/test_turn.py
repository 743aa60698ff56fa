"""One turn, one owner: `Dialog.take_turn` decides control, question or noise from the routine's state
passed in, and the bedside loop only acts on the Turn it returns."""

from __future__ import annotations

import random

import pytest
from loop_fakes import Feeder, ScriptedRecognizer
from speech_fakes import FakeSpeaker

from assistant.clock import VirtualClock
from assistant.content.loader import Content
from assistant.dialog.attention import Attention
from assistant.dialog.dialog import Dialog
from assistant.dialog.turn import Moment
from assistant.loop.bedside import GAP_BEFORE_ROUTINE, Bedside, LoopOptions
from assistant.loop.events import Recorder
from assistant.messages import Transcript
from assistant.routines.controls import ALIASES, CONTROLS, control_name
from assistant.routines.exercises import ExerciseBook
from assistant.routines.host import RoutineHost
from assistant.routines.phrases import SessionPhrases
from assistant.routines.session import Session
from assistant.settings import DialogSettings
from assistant.understanding.router import Router
from assistant.understanding.understanding import Understanding


def spoken(text: str) -> Transcript:
    return Transcript(text, 0.9, "pocketsphinx")


@pytest.mark.parametrize(
    ("text", "routine", "window", "action", "control"),
    [
        ("pause", True, False, "control", "pause"),
        ("now the other leg", True, False, "control", "other_side"),
        ("what causes cramps", True, False, "ignore", None),
        ("my calf is swollen and hot", True, False, "answer", None),
        ("pause", False, False, "ignore", None),
        ("pause", False, True, "answer", None),
        ("what causes cramps", False, False, "answer", None),
    ],
)
def test_one_function_decides_from_the_routine_state_passed_in(
    dialog: Dialog, text: str, routine: bool, window: bool, action: str, control: str | None
) -> None:
    attention = Attention()
    if window:
        attention.open_window(0.0)
    dialog.attention = attention
    turn = dialog.take_turn(spoken(text), Moment(1.0, routine))
    assert turn.verdict.action == action, turn.verdict
    assert turn.control == control
    assert turn.heard.routed.intent == turn.guess and turn.reason
    if action == "ignore":
        assert turn.reply is None
    if action == "answer":
        assert turn.reply is not None and turn.reply.text and turn.control is None
        assert turn.end_routine == (routine and turn.reply.urgent)


def test_a_turn_keeps_the_rejected_guess(dialog: Dialog) -> None:
    salad = Transcript("the worst knot in milk sodium in", 0.9, "pocketsphinx", fluency=0.4)
    dialog.attention = Attention()
    turn = dialog.take_turn(salad, Moment(0.0))
    assert (turn.match.intent, turn.guess, turn.verdict.action) == ("unknown", "diet", "ignore")
    assert turn.heard.routed.accepted and not turn.heard.belief.believed


def test_the_wake_phrase_is_taken_off_before_routing(dialog: Dialog) -> None:
    dialog.attention = Attention("hey cramp")
    turn = dialog.take_turn(spoken("hey cramp my calf is cramping"), Moment(0.0))
    assert (
        turn.woken and turn.verdict.action == "answer" and turn.heard.transcript.text == "my calf is cramping"
    )
    alone = dialog.take_turn(spoken("hey cramp"), Moment(0.0))
    assert alone.verdict.action == "wake" and alone.reply is None


def test_one_control_list_for_content_dialog_and_session(content: Content) -> None:
    assert set(CONTROLS) <= set(content.intents)
    assert all(control_name(alias) in CONTROLS for alias in ALIASES)
    routine = ExerciseBook.from_file().routine("calf_stretch", 15.0)
    for name in (*CONTROLS, *ALIASES):
        session = Session(routine, SessionPhrases.from_file(), lambda text: 0.05 * len(text))
        session.start(0.0)
        session.control(name, 5.0)  # every name is one the session knows (else ValueError)
    assert control_name("dance") is None


class ShortSpeaker(FakeSpeaker):
    """Speech that ends at half its predicted length (a voice faster than its estimate, or cut)."""

    def is_speaking(self) -> bool:
        played = self.played[-1] if self.played else None
        if played is None:
            return False
        return self.clock.now() < played.t + self.duration(played.text) / 2


def test_the_follow_up_window_opens_when_the_speech_really_ends(content: Content, router: Router) -> None:
    clock = VirtualClock(100.0)
    speaker = ShortSpeaker(clock, lambda text: 0.1 * len(text))
    events = Recorder()
    routines = RoutineHost(
        ExerciseBook.from_file(), SessionPhrases.from_file(), speaker, clock, events, origin=clock.now()
    )
    dialog = Dialog(
        content,
        DialogSettings(follow_up_seconds=3.0),
        understanding=Understanding(router),
        rng=random.Random(3),
        attention=Attention(None, 3.0),
    )
    bedside = Bedside(ScriptedRecognizer({150: "what causes cramps", 190: "yes"}), dialog, speaker, routines)
    feed = Feeder(bedside, clock)
    feed.silence(1.0)
    feed.speak(150)
    (say,) = events.of("say")
    predicted_end = say["t"] + say["seconds"]
    feed.until_quiet(extra=0.0)
    real_end = clock.now() - bedside.routines.events.origin
    assert real_end < predicted_end - 1.0
    feed.silence(real_end + 3.2 - (clock.now() - bedside.routines.events.origin))
    feed.speak(190)  # after the real end's window, inside the predicted end's
    assert [(e["intent"], e["action"]) for e in events.of("heard")] == [
        ("causes", "answer"),
        ("yes", "ignore"),
    ]


def test_every_say_event_comes_from_one_emitter(content: Content, router: Router) -> None:
    clock = VirtualClock(100.0)
    speaker = FakeSpeaker(clock, lambda text: 0.06 * len(text))
    events = Recorder()
    routines = RoutineHost(
        ExerciseBook.from_file(),
        SessionPhrases.from_file(),
        speaker,
        clock,
        events,
        origin=clock.now(),
        hold=15.0,
    )
    dialog = Dialog(content, understanding=Understanding(router), rng=random.Random(3), attention=Attention())
    bedside = Bedside(
        ScriptedRecognizer({150: "guide me through the calf stretch"}), dialog, speaker, routines
    )
    feed = Feeder(bedside, clock)
    feed.silence(1.0)
    feed.speak(150)
    feed.until(lambda: not routines.active)
    says = events.of("say")
    assert [e["source"] for e in says[:2]] == ["answer", "routine"] and len(says) > 3
    assert all({"event", "t", "text", "seconds", "source"} <= set(e) for e in says)
    assert all(("intent" in e) == (e["source"] == "answer") for e in says)


def _short_rig(
    content: Content, router: Router, script: dict[float, Transcript | str], half_duplex: bool = True
) -> tuple[Feeder, Recorder]:
    clock = VirtualClock(100.0)
    speaker = ShortSpeaker(clock, lambda text: 0.1 * len(text))
    events = Recorder()
    routines = RoutineHost(
        ExerciseBook.from_file(),
        SessionPhrases.from_file(),
        speaker,
        clock,
        events,
        origin=clock.now(),
        hold=15.0,
        earcons=False,
    )
    dialog = Dialog(content, understanding=Understanding(router), rng=random.Random(3), attention=Attention())
    options = LoopOptions(half_duplex=half_duplex)
    bedside = Bedside(ScriptedRecognizer(script), dialog, speaker, routines, options=options)
    feed = Feeder(bedside, clock)
    feed.silence(1.0)
    return feed, events


def test_an_announced_routine_starts_when_the_announcement_really_ends(
    content: Content, router: Router
) -> None:
    feed, events = _short_rig(content, router, {150: "guide me through the calf stretch"})
    feed.speak(150)
    announcement = events.of("say")[0]
    feed.until(lambda: len(events.of("say")) > 1)
    first_cue = events.of("say")[1]
    assert first_cue["source"] == "routine"
    real_end = announcement["t"] + announcement["seconds"] / 2
    assert first_cue["t"] == pytest.approx(real_end + GAP_BEFORE_ROUTINE, abs=0.05)


def test_stop_during_the_announcement_ends_the_routine_before_it_starts(
    content: Content, router: Router
) -> None:
    script: dict[float, Transcript | str] = {150: "guide me through the calf stretch", 250: "stop"}
    feed, events = _short_rig(content, router, script, half_duplex=False)  # heard while it speaks
    feed.speak(150, after=0.7)
    assert [e["state"] for e in events.of("routine")] == ["started"]
    assert feed.bedside.routines.announcing and feed.bedside.speaker.is_speaking()
    feed.speak(250, seconds=0.5, after=0.7)
    assert [e["state"] for e in events.of("routine")] == ["started", "stopped"], events.events
    assert [e["source"] for e in events.of("say")] == ["answer"]
