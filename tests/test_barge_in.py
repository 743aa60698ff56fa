"""Barge-in pieces with fakes: the speaker tap, the rule for listening over its own voice, a pause said
over a routine's announcement, and the command line's room options."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from speech_fakes import FakeSpeaker, ToneSynth

from assistant.audio.playback import PlaybackReference
from assistant.cli.main import main
from assistant.clock import VirtualClock
from assistant.dialog.attention import Attention
from assistant.dialog.dialog import Dialog
from assistant.dialog.turn import Moment
from assistant.hearing.endpointer import Endpointer
from assistant.loop.barge_in import BargeIn
from assistant.loop.events import Recorder
from assistant.messages import SAMPLE_RATE, Transcript
from assistant.routines.exercises import ExerciseBook
from assistant.routines.host import RoutineHost
from assistant.routines.phrases import SessionPhrases
from assistant.voice.reference_tap import ReferencePlayer, ReferenceSpeaker
from assistant.voice.speaker import NullSpeaker

AUDIO = Path(__file__).parent / "audio"


class Working:
    """An echo canceller that has learnt its room (the loop's rule only asks these two things)."""

    full_duplex = True
    converged = True

    def close(self) -> None:
        pass


def test_the_tap_records_what_a_silent_speaker_would_say_and_its_cut() -> None:
    clock = VirtualClock(10.0)
    playback = PlaybackReference()
    speaker = ReferenceSpeaker(NullSpeaker(), playback, clock, ToneSynth())
    speaker.play("Hold for thirty seconds.")  # 24 characters: 1.2 s of tone
    assert speaker.duration("Hold for thirty seconds.") == pytest.approx(1.2, abs=0.01)
    assert speaker.is_speaking() and playback.last_end() == pytest.approx(11.2, abs=0.01)
    clock.advance(0.5)
    speaker.stop()
    assert not speaker.is_speaking() and playback.last_end() == pytest.approx(10.5, abs=0.01)
    assert np.abs(playback.render(10.0, 8000)).max() > 0.1


def test_the_tap_shares_the_speakers_own_phrases() -> None:
    clock = VirtualClock()
    inner = FakeSpeaker(clock)
    speaker = ReferenceSpeaker(inner, PlaybackReference(), clock)  # no cache, no voice: records nothing
    speaker.play("Release.")
    assert [p.text for p in inner.played] == ["Release."] and speaker.playback.last_end() == float("-inf")
    speaker.play_earcon("hold_end")
    assert speaker.playback.last_end() > 0.0


def test_it_listens_over_its_voice_only_in_a_routine_or_an_answer() -> None:
    barge_in = BargeIn(Working())  # type: ignore[arg-type]
    assert barge_in.listens_over_voice(routine_active=True)
    assert not barge_in.listens_over_voice(routine_active=False)
    barge_in.answering = True
    assert barge_in.listens_over_voice(routine_active=False)
    assert not BargeIn(None).listens_over_voice(routine_active=True)


@pytest.mark.parametrize(
    ("text", "moment", "action"),
    [
        ("stop", Moment(1.0, speaking=True, answering=True), "silence"),
        ("pause", Moment(1.0, speaking=True, answering=True), "silence"),
        ("what causes cramps", Moment(1.0, speaking=True, answering=True), "answer"),
        ("stop", Moment(1.0, routine=True, speaking=True, answering=True), "control"),  # the routine's own
        ("stop", Moment(1.0, speaking=True, answering=False), "answer"),  # over "didn't catch that"
    ],
)
def test_a_stop_said_over_an_answer_silences_it(
    dialog: Dialog, text: str, moment: Moment, action: str
) -> None:
    dialog.attention = Attention()
    dialog.attention.expect_follow_up()  # an answer is being said: the window is open
    turn = dialog.take_turn(Transcript(text), moment)
    assert turn.verdict.action == action, turn.verdict
    assert turn.silence == (action == "silence")
    assert (turn.reply is None) == (action in ("silence", "control"))


def test_while_it_speaks_utterances_end_sooner_and_need_more_voice() -> None:
    endpointer = Endpointer()
    over = endpointer.over_voice
    endpointer.listen_over_voice(BargeIn(Working()).over_voice(speaking=True))  # type: ignore[arg-type]
    assert endpointer.trailing_silence == over.trailing_silence == 0.18 and endpointer.margin_db == 11.0
    endpointer.listen_over_voice(BargeIn(Working()).over_voice(speaking=False))  # type: ignore[arg-type]
    assert endpointer.trailing_silence == 0.6 and endpointer.margin_db == 0.0
    endpointer.listen_over_voice(BargeIn(None).over_voice(speaking=True))  # half-duplex: nothing changes
    assert endpointer.trailing_silence == 0.6 and endpointer.margin_db == 0.0
    assert endpointer.settings.trailing_silence == 0.6  # the settings themselves are never rewritten


def _host(clock: VirtualClock, speaker: FakeSpeaker, events: Recorder) -> RoutineHost:
    return RoutineHost(ExerciseBook.from_file(), SessionPhrases.from_file(), speaker, clock, events)


def test_pause_over_the_announcement_holds_the_routine_until_resume() -> None:
    clock, events = VirtualClock(), Recorder()
    speaker = FakeSpeaker(clock)
    host = _host(clock, speaker, events)
    speaker.play("Okay, let's do the calf stretch.")
    host.begin("calf_stretch", at=2.5)
    clock.advance(1.0)
    host.control("pause")
    assert (
        speaker.stops == [1.0] and [p.text for p in speaker.played][-1] == SessionPhrases.from_file().paused
    )
    assert host.active and host.next_wakeup() is None
    clock.advance(30.0)
    host.tick()
    assert not events.of("hold")  # nothing starts while held
    host.control("resume")
    assert host.next_wakeup() is not None and len(speaker.played) == 3  # the first cue, at once
    host.control("stop")
    assert [e["state"] for e in events.of("routine")] == ["started", "stopped"]


def test_room_echo_needs_a_mic_file_and_sane_values(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run", "--room-echo"]) == 2
    assert "--room-echo needs --mic-file" in capsys.readouterr().err
    wav = str(AUDIO / "q_stop.wav")
    assert main(["run", "--mic-file", wav, "--fast", "--room-echo", "--echo-delay-ms", "-3"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "must not be negative" in err[0]


class RecordingPlayer:
    """A player that keeps what it was given (the device)."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def play(self, samples: np.ndarray, rate: int) -> None:
        self.calls.append("play")

    def queue(self, samples: np.ndarray, rate: int) -> None:
        self.calls.append("queue")

    def stop(self) -> None:
        self.calls.append("stop")

    def is_playing(self) -> bool:
        return False

    def wait(self, timeout: float | None = None) -> bool:
        return True

    def close(self) -> None:
        pass


def test_the_reference_player_keeps_queued_pieces_behind_each_other() -> None:
    clock, playback, device = VirtualClock(), PlaybackReference(), RecordingPlayer()
    player = ReferencePlayer(device, playback, clock)
    piece = np.full(8000, 8000, dtype=np.int16)  # 0.5 s at 16 kHz
    player.play(piece, SAMPLE_RATE)
    clock.advance(0.1)
    player.queue(piece, SAMPLE_RATE)  # queued while the first plays: starts when it ends
    assert playback.last_end() == pytest.approx(1.0, abs=1e-3)
    clock.advance(0.5)  # 0.1 s into the second piece
    player.stop()
    assert device.calls == ["play", "queue", "stop"]
    assert playback.last_end() == pytest.approx(0.6, abs=1e-3)
    assert np.abs(playback.render(0.0, SAMPLE_RATE)).max() > 0 and not playback.playing(0.61, 2.0)
