"""The bedside loop's core on a virtual clock, with a scripted recogniser and a recording speaker."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from loop_fakes import Feeder, ScriptedRecognizer
from speech_fakes import FakeSpeaker

from assistant.clock import VirtualClock
from assistant.content.loader import Content
from assistant.cramp_log import CrampLog
from assistant.dialog.attention import Attention
from assistant.dialog.dialog import Dialog
from assistant.dialog.turn import Moment
from assistant.loop.bedside import Bedside
from assistant.loop.events import Recorder
from assistant.messages import Transcript, Utterance
from assistant.routines.exercises import ExerciseBook
from assistant.routines.host import RoutineHost
from assistant.routines.phrases import SessionPhrases
from assistant.settings import DialogSettings
from assistant.understanding.router import Router
from assistant.understanding.understanding import Understanding

OUT_OF_DOMAIN = Transcript("", 0.2, "fake", out_of_domain=True)


def both(text: str) -> Transcript:
    """What both engines heard (a control said over the assistant's voice is taken only then)."""
    return Transcript(text, 0.9, "fake", second=Transcript(text, 0.9, "whisper"))


class Rig:
    """A Bedside wired to fakes, with the feeder that plays its microphone."""

    def __init__(
        self,
        content: Content,
        router: Router,
        script: dict[float, Transcript | str],
        dialog_settings: DialogSettings | None = None,
        cramp_log: CrampLog | None = None,
    ) -> None:
        self.clock = VirtualClock(100.0)
        self.speaker = FakeSpeaker(self.clock, lambda text: 0.06 * len(text))
        self.events = Recorder()
        self.recognizer = ScriptedRecognizer(script)
        settings = dialog_settings or DialogSettings()
        attention = Attention(settings.wake_phrase, settings.follow_up_seconds)
        dialog = Dialog(content, settings, Understanding(router), random.Random(3), attention)
        routines = RoutineHost(
            ExerciseBook.from_file(),
            SessionPhrases.from_file(),
            self.speaker,
            self.clock,
            self.events,
            origin=self.clock.now(),
            hold=15.0,
            earcons=False,
        )
        self.bedside = Bedside(self.recognizer, dialog, self.speaker, routines, cramp_log=cramp_log)
        self.bedside.start()
        self.feed = Feeder(self.bedside, self.clock)
        self.feed.silence(1.0)

    def gap(self, seconds: float = 4.0) -> None:
        """Feeds the bed until the assistant is quiet and no routine cue is due for `seconds`."""

        def ready() -> bool:
            wakeup = self.bedside.routines.next_wakeup()
            quiet = not self.speaker.is_speaking() and self.bedside.listening_now()
            return quiet and (wakeup is None or wakeup - self.clock.now() >= seconds)

        self.feed.until(ready)

    def kinds(self) -> list[str]:
        return [e["event"] for e in self.events.events]

    def into_a_hold(self, pitch: float) -> None:
        """Ask for a stretch (the scripted line at `pitch`) and wait until its first hold is quiet."""
        self.feed.speak(pitch)
        self.feed.until(lambda: bool(self.events.of("hold")))
        self.feed.until_quiet()

    def heard(self) -> list[tuple[str, str]]:
        return [(e["intent"], e["action"]) for e in self.events.of("heard")]

    def said(self) -> list[str]:
        return [e["text"] for e in self.events.of("say")]


def test_a_question_is_answered_aloud(content: Content, router: Router) -> None:
    rig = Rig(content, router, {150: "my calf is cramping"})
    rig.feed.speak(150)
    (heard,) = rig.events.of("heard")
    assert heard["heard"] == "my calf is cramping"
    assert (heard["intent"], heard["slots"], heard["action"]) == ("relief", {"body_part": "calf"}, "answer")
    assert set(heard["timings"]) == {"speech_ms", "recognise_ms", "route_ms"}
    (say,) = rig.events.of("say")
    assert "calf" in say["text"].lower()
    assert [p.text for p in rig.speaker.played] == [say["text"]]
    assert rig.kinds()[0] == "ready"


def test_radio_and_out_of_domain_speech_trigger_nothing(content: Content, router: Router) -> None:
    script: dict[float, Transcript | str] = {
        140: OUT_OF_DOMAIN,
        180: "the weather tonight a hard frost clearing by the morning",
        220: "stop",
        260: "next",
    }
    rig = Rig(content, router, script)
    for pitch in script:
        rig.feed.speak(pitch, after=2.0)
    assert len(rig.recognizer.heard) == 4
    assert [action for _, action in rig.heard()] == ["ignore"] * 4
    assert rig.said() == [] and rig.speaker.played == []


def test_heard_events_keep_the_routers_guess_and_why(content: Content, router: Router) -> None:
    garbled = Transcript("my calf is cramping", 0.2, "fake", True, ("my", "[unk]", "calf", "is", "cramping"))
    script: dict[float, Transcript | str] = {140: garbled, 200: "my calf is cramping", 260: OUT_OF_DOMAIN}
    rig = Rig(content, router, script)
    for pitch in script:
        rig.feed.speak(pitch, after=2.0)
        rig.gap()
    doubted, question, silence = rig.events.of("heard")
    assert (doubted["intent"], doubted["guess"], doubted["action"]) == ("unknown", "relief", "ignore")
    assert "unrecognised" in doubted["reason"] and doubted["action_reason"] == "out of domain"
    assert (question["intent"], question["guess"], question["action"]) == ("relief", "relief", "answer")
    assert ">=" in question["reason"]
    assert (silence["intent"], silence["guess"], silence["reason"]) == (
        "unknown",
        "unknown",
        "nothing recognised",
    )


def test_the_follow_up_window_gets_one_sorry_then_silence(content: Content, router: Router) -> None:
    script: dict[float, Transcript | str] = {
        150: "my calf is cramping",
        190: OUT_OF_DOMAIN,
        230: OUT_OF_DOMAIN,
    }
    rig = Rig(content, router, script)
    rig.feed.speak(150)
    rig.feed.until_quiet()
    rig.feed.speak(190, after=0.7)
    rig.feed.until_quiet()
    rig.feed.speak(230, after=0.7)
    assert rig.heard() == [("relief", "answer"), ("unknown", "not_heard"), ("unknown", "ignore")]
    assert rig.said()[1] in content.phrases["not_heard"]
    assert len(rig.said()) == 2


def test_speech_after_the_window_has_closed_is_ignored(content: Content, router: Router) -> None:
    script: dict[float, Transcript | str] = {150: "what causes cramps", 190: "yes"}
    rig = Rig(content, router, script, DialogSettings(follow_up_seconds=3.0))
    rig.feed.speak(150)
    rig.feed.until_quiet(extra=4.0)
    rig.feed.speak(190)
    assert rig.heard() == [("causes", "answer"), ("yes", "ignore")]


def test_a_wake_phrase_is_needed_outside_the_window(content: Content, router: Router) -> None:
    script: dict[float, Transcript | str] = {
        140: "my calf is cramping",
        180: "hey cramp my calf is cramping",
        220: "hey cramp",
    }
    settings = DialogSettings(wake_phrase="hey cramp", follow_up_seconds=2.0)
    rig = Rig(content, router, script, settings)
    rig.feed.speak(140)
    rig.feed.speak(180)
    rig.feed.until_quiet(extra=3.0)
    rig.feed.speak(220)
    assert rig.heard() == [("relief", "ignore"), ("relief", "answer"), ("unknown", "wake")]
    assert [e.text for e in rig.speaker.earcons] == ["listening"]
    assert rig.bedside.dialog.expectation(rig.bedside.moment()).conversation


def test_it_never_hears_itself(content: Content, router: Router) -> None:
    """Speech that starts while the assistant is talking is discarded (half-duplex)."""
    script: dict[float, Transcript | str] = {150: "my calf is cramping", 190: "what causes cramps"}
    rig = Rig(content, router, script)
    rig.feed.speak(150, after=0.7)
    assert rig.speaker.is_speaking()
    rig.feed.speak(190, after=0.7)  # over the answer
    rig.feed.until_quiet()
    assert len(rig.recognizer.heard) == 1
    rig.feed.speak(190)  # in the gap after it
    assert rig.heard() == [("relief", "answer"), ("causes", "answer")]


def test_a_failing_recogniser_is_reported_and_the_loop_goes_on(content: Content, router: Router) -> None:
    rig = Rig(content, router, {140: "!raise", 180: "what causes cramps"})
    rig.feed.speak(140)
    rig.feed.speak(180)
    errors = rig.events.of("error")
    assert len(errors) == 1 and "decoder crashed" in errors[0]["message"]
    assert rig.heard() == [("causes", "answer")]


def test_a_relief_report_goes_into_the_cramp_log(content: Content, router: Router, tmp_path: Path) -> None:
    with CrampLog(tmp_path / "cramps.sqlite3") as log:
        rig = Rig(
            content, router, {150: "my left calf is cramping", 190: "what causes cramps"}, cramp_log=log
        )
        rig.feed.speak(150)
        rig.feed.until_quiet()
        rig.feed.speak(190)
        entries = log.entries()
    assert [(e.body_part, e.side) for e in entries] == [("calf", "left")]


def test_the_diary_notes_relief_a_stretch_and_a_red_flag(
    content: Content, router: Router, tmp_path: Path
) -> None:
    script: dict[float, Transcript | str] = {
        150: "my left calf is cramping",
        230: "the cramp has gone now",
        120: "guide me through the calf stretch",
        190: both("stop"),
        260: "my calf is swollen and hot",
    }
    with CrampLog(tmp_path / "cramps.sqlite3") as log:
        rig = Rig(content, router, script, cramp_log=log)
        rig.feed.speak(150)
        rig.feed.until_quiet()
        rig.feed.speak(230)  # in the follow-up window of the answer
        rig.feed.until_quiet()
        rig.feed.speak(120)
        rig.feed.until(lambda: bool(rig.events.of("hold")))
        rig.feed.speak(190, after=0.7)
        rig.feed.until_quiet()
        rig.feed.speak(260)
        rig.feed.until_quiet()
        records = log.records()
    assert rig.heard() == [
        ("relief", "answer"),
        ("eased", "answer"),
        ("stretch", "answer"),
        ("stop", "control"),
        ("urgent", "answer"),
    ]
    assert [(e.body_part, e.side) for e in records.cramps] == [("calf", "left")]
    assert records.cramps[0].eased_at is not None
    assert [(e.exercise, e.completed) for e in records.exercises] == [("calf_stretch", False)]
    assert [(e.topic, e.advice) for e in records.red_flags] == [("clot", "urgent.clot")]


def _events_between(rig: Rig, first: int, kind: str) -> list[dict[str, object]]:
    return [e for e in rig.events.events[first:] if e["event"] == kind]


def test_a_stretch_is_started_paused_resumed_and_stopped_by_voice(content: Content, router: Router) -> None:
    script: dict[float, Transcript | str] = {
        160: "i've got a cramp in my left calf",
        120: "yes",
        140: both("pause"),
        180: both("resume"),
        200: both("stop"),
    }
    rig = Rig(content, router, script)
    rig.feed.speak(160)
    offer = rig.said()[-1]
    assert "calf" in offer.lower() and "?" in offer
    rig.feed.until_quiet()
    rig.feed.speak(120)
    assert [e["state"] for e in rig.events.of("routine")] == ["started"]
    rig.feed.until(lambda: bool(rig.events.of("hold")))
    rig.feed.until_quiet()
    assert rig.bedside.routines.active
    paused_at = len(rig.events.events)
    rig.feed.speak(140, after=0.7)
    rig.feed.until_quiet(extra=25.0)  # longer than the whole hold
    assert _events_between(rig, paused_at, "release") == []
    assert [e["text"] for e in _events_between(rig, paused_at, "say")] == [SessionPhrases.from_file().paused]
    resumed_at = len(rig.events.events)
    rig.feed.speak(180, after=0.7)
    rig.gap()
    stopped_at = len(rig.events.events)
    rig.feed.speak(200, after=0.7)
    rig.feed.silence(60.0)
    assert [a for _, a in rig.heard()] == ["answer", "answer", "control", "control", "control"]
    assert [i for i, _ in rig.heard()] == ["relief", "yes", "pause", "resume", "stop"]
    assert [e["state"] for e in rig.events.of("routine")] == ["started", "stopped"]
    assert str(_events_between(rig, resumed_at, "say")[0]["text"]).startswith("Resum")
    after_stop = rig.events.events[stopped_at:]
    assert [e["event"] for e in after_stop] == ["heard", "release", "say", "routine"]
    assert after_stop[1]["completed"] is False
    assert not rig.bedside.routines.active


def test_during_a_routine_a_question_one_engine_heard_is_ignored_but_red_flags_answered(
    content: Content, router: Router
) -> None:
    script: dict[float, Transcript | str] = {
        120: "guide me through the calf stretch",
        160: "what causes cramps",
        200: "my calf is swollen and hot",
    }
    rig = Rig(content, router, script)
    rig.into_a_hold(120)
    rig.feed.speak(160, after=0.7)
    rig.feed.until_quiet()
    rig.feed.speak(200, after=0.7)
    assert rig.heard() == [("stretch", "answer"), ("unknown", "ignore"), ("urgent", "answer")]
    question = rig.events.of("heard")[1]
    assert question["guess"] == "causes" and "both engines to agree" in question["reason"]
    assert [e["state"] for e in rig.events.of("routine")] == ["started", "stopped"]
    assert rig.events.of("say")[-1]["intent"] == "urgent"


def test_a_question_both_engines_agree_on_pauses_the_routine_and_is_answered(
    content: Content, router: Router
) -> None:
    heard_twice = Transcript(
        "my foot is cramping now", 0.9, "fake", second=Transcript("My foot is cramping now.", 0.9, "whisper")
    )
    script: dict[float, Transcript | str] = {120: "guide me through the calf stretch", 160: heard_twice}
    rig = Rig(content, router, script)
    rig.into_a_hold(120)
    rig.feed.speak(160, after=0.7)
    rig.feed.until_quiet()
    assert rig.heard() == [("stretch", "answer"), ("relief", "answer")]
    assert rig.bedside.routines.active and rig.bedside.routines.next_wakeup() is None  # paused, not ended
    assert SessionPhrases.from_file().paused in rig.said()
    assert rig.events.of("say")[-1]["intent"] == "relief"


@pytest.mark.parametrize(
    ("text", "window", "action"),
    [
        ("my calf is cramping", False, "answer"),
        ("stop", False, "ignore"),
        ("stop", True, "answer"),
        ("", False, "ignore"),
    ],
)
def test_the_attention_rule(router: Router, text: str, window: bool, action: str) -> None:
    attention = Attention(None, 8.0)
    if window:
        attention.open_window(10.0)
    transcript = Transcript(text, 0.9, "fake", out_of_domain=not text)
    match = router.route(text) if text else router.route("zzz")
    assert attention.decide(transcript, match, 12.0).action == action


def test_talk_in_the_follow_up_window_gets_no_sorry(content: Content) -> None:
    """Narration after an answer is talk, not a garbled question: silence; a garbled question still gets
    "didn't catch that", and so does talk after the wake phrase."""
    dialog = Dialog(content)
    story = "and the rain came down over the hills of the old town"

    def verdict(text: str, wake: str | None = None) -> str:
        attention = Attention(wake, 8.0)
        attention.open_window(10.0)
        dialog.attention = attention
        turn = dialog.take_turn(Transcript(text, 0.9, "pocketsphinx"), Moment(12.0))
        return turn.verdict.action

    assert verdict(story) == "ignore"
    dialog.attention = Attention(None, 8.0)  # no conversation: "... all of them" points back at nothing
    outside = dialog.take_turn(Transcript("i do for a all of them", 0.9, "pocketsphinx"), Moment())
    assert outside.verdict.action == "ignore"
    assert verdict("my cool is crumbling what do") == "not_heard"
    assert verdict(f"hey cramp {story}", wake="hey cramp") == "not_heard"


def test_speech_cut_by_a_routine_cue_is_heard_as_far_as_it_went(content: Content, router: Router) -> None:
    script: dict[float, Transcript | str] = {120: "guide me through the calf stretch", 200: both("stop")}
    rig = Rig(content, router, script)
    rig.feed.speak(120)
    rig.feed.until(lambda: bool(rig.events.of("hold")))
    rig.feed.until_quiet(extra=0.0)
    cue = rig.bedside.routines.next_wakeup()
    assert cue is not None
    rig.feed.silence(cue - rig.clock.now() - 1.2)
    rig.feed.speak(200, seconds=2.0, after=0.0)  # still talking when the cue starts
    rig.feed.silence(3.0)
    assert rig.heard()[-1] == ("stop", "control")
    assert [e["state"] for e in rig.events.of("routine")] == ["started", "stopped"]


def test_what_the_assistant_was_saying_over_an_utterance_is_worked_out_once_from_its_times(
    content: Content, router: Router
) -> None:
    rig = Rig(content, router, {})
    intro = "Say pause, stop or next at any time."
    rig.bedside.events.say(intro, 3.0, source="routine")  # said from now for 3 s
    # Spoken from 1.0 to 1.6 s into the intro (source time 10.0-10.6), its end detected 0.5 s later.
    over = Utterance(b"", start=10.0, end=10.6, ended_at=11.1)
    rig.clock.sleep(2.1)
    assert rig.bedside.said_over(over) == (intro,)
    rig.clock.sleep(4.0)  # long after the intro and its echo
    after = Utterance(b"", start=20.0, end=20.6, ended_at=21.1)
    assert rig.bedside.said_over(after) == ()
    assert rig.bedside.moment().said == ()
