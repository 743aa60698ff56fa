"""The loop carries on through a microphone that vanishes, a speaker that fails, and stops on signals."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from audio_signals import background, place, syllables
from loop_fakes import ArraySource, BrokenSpeaker, ScriptedRecognizer

from assistant.audio.source import AudioSource
from assistant.clock import VirtualClock
from assistant.content.loader import Content
from assistant.errors import AudioError
from assistant.loop.events import Recorder
from assistant.loop.listen_loop import ListenLoop
from assistant.loop.setup import build_loop
from assistant.settings import Settings
from assistant.understanding.router import Router
from assistant.voice.speaker_guard import GuardedSpeaker

RATE = 16000


def _night(seconds: float, speech_at: list[tuple[float, float]]) -> np.ndarray:
    """A quiet noise bed with speech-like sound (at, pitch) placed in it."""
    out = background("brown", seconds, 0.002, seed=5)
    for at, pitch in speech_at:
        out = place(out, at, syllables(1.0, 0.1, pitch))
    return out


class FlakyMicrophone:
    """Opens `failures` times into a microphone that dies after a second, then works."""

    def __init__(self, clock: VirtualClock, samples: np.ndarray, failures: int) -> None:
        self.clock = clock
        self.samples = samples
        self.failures = failures
        self.opened = 0

    def __call__(self) -> AudioSource:
        self.opened += 1
        if self.opened == 1:  # the device is not even there at first
            raise AudioError("no microphone found: there are no audio input devices")
        fail_after = 33 if self.opened <= self.failures else None
        return ArraySource(self.samples, self.clock, fail_after)


def _loop(content: Content, open_source: object, clock: VirtualClock, script: dict[float, str]) -> Recorder:
    events = Recorder()
    parts = build_loop(
        Settings(),
        clock,
        events,
        None,
        "null",
        open_source,  # type: ignore[arg-type]
        finite=True,
        recognizer=ScriptedRecognizer(script),  # type: ignore[arg-type]
        content=content,
    )
    parts.loop.run()
    parts.close()
    return events


def test_a_microphone_that_vanishes_is_reopened_with_back_off(content: Content) -> None:
    clock = VirtualClock()
    mic = FlakyMicrophone(clock, _night(8.0, [(3.0, 150)]), failures=3)
    events = _loop(content, mic, clock, {150: "what causes cramps"})
    errors = events.of("error")
    assert len(errors) == 3 and mic.opened == 4
    assert [e["message"].rsplit("retrying in ", 1)[1] for e in errors] == ["1 s", "2 s", "4 s"]
    assert errors[1]["t"] - errors[0]["t"] >= 1.0 + 0.99  # waited, then ran a second before failing
    assert [e["intent"] for e in events.of("heard")] == ["causes"]
    assert len(events.of("say")) == 1
    assert events.events[-1]["event"] == "stopped"


def test_a_failing_speaker_is_reported_and_retried(content: Content, router: Router) -> None:
    clock = VirtualClock()
    errors: list[str] = []
    inner = BrokenSpeaker(failures=1)
    guard = GuardedSpeaker(inner, clock, errors.append)
    guard.play("first")
    assert errors and "output device unplugged" in errors[0] and inner.played == []
    guard.play("dropped while backing off")
    clock.advance(1.5)
    guard.play("after the back-off")
    assert inner.played == ["after the back-off"] and len(errors) == 1


def test_a_speaker_that_fails_never_ends_the_loop(content: Content) -> None:
    clock = VirtualClock()
    samples = _night(12.0, [(1.0, 150), (7.0, 200)])
    events = Recorder()
    parts = build_loop(
        Settings(),
        clock,
        events,
        None,
        "null",
        lambda: ArraySource(samples, clock),
        finite=True,
        recognizer=ScriptedRecognizer({150: "what causes cramps", 200: "should i see a doctor"}),
        content=content,
    )
    assert isinstance(parts.speaker, GuardedSpeaker)
    broken = BrokenSpeaker(failures=1)
    parts.speaker.speaker = broken  # the output fails on the first answer
    parts.loop.run()
    assert [e["intent"] for e in events.of("heard")] == ["causes", "doctor"]
    assert len(events.of("say")) == 2 and len(events.of("error")) == 1
    assert broken.played == []
    assert parts.speaker.speaker is not broken  # reopened after the back-off


_SIGNAL_CHILD = """
import sys
sys.path.insert(0, sys.argv[1])
from assistant.cli.run import _run
from assistant.clock import MonotonicClock
from assistant.content.loader import load_content
from assistant.loop.events import JsonLines
from assistant.loop.setup import build_loop
from assistant.settings import Settings
from loop_fakes import EndlessSilence, ScriptedRecognizer

parts = build_loop(Settings(), MonotonicClock(), JsonLines(), None, "null", EndlessSilence, finite=False,
                   recognizer=ScriptedRecognizer({150: "yes"}), content=load_content())
sys.exit(_run(parts))
"""


def _stops_on(sig: int) -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", _SIGNAL_CHILD, str(Path(__file__).parent)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    line = child.stdout.readline()
    assert '"ready"' in line, child.stderr.read() if child.stderr else line
    sent = time.monotonic()
    child.send_signal(sig)
    out, err = child.communicate(timeout=10)
    took = time.monotonic() - sent
    assert child.returncode == 0, err
    assert '"stopped"' in out and "Traceback" not in err
    assert took < 1.0, f"took {took:.2f} s to stop"


def test_sigterm_stops_the_loop_within_a_second() -> None:
    _stops_on(signal.SIGTERM)


def test_sigint_stops_the_loop_within_a_second() -> None:
    _stops_on(signal.SIGINT)


def test_the_loop_stops_when_asked_from_another_thread(content: Content) -> None:
    clock = VirtualClock()
    source = ArraySource(np.zeros(RATE * 600, dtype=np.float32), clock)
    loop: list[ListenLoop] = []
    events = Recorder()

    def stop_soon(event: dict[str, object]) -> None:
        events(event)
        if event["event"] == "ready":
            loop[0].stop()

    parts = build_loop(
        Settings(),
        clock,
        stop_soon,
        None,
        "null",
        lambda: source,
        finite=True,
        recognizer=ScriptedRecognizer({150: "yes"}),
        content=content,
    )
    loop.append(parts.loop)
    parts.loop.run()
    assert clock.now() < 1.0
    assert [e["event"] for e in events.events] == ["ready", "stopped"]


def test_a_file_that_ends_mid_routine_lets_the_routine_play_out(content: Content) -> None:
    clock = VirtualClock()
    samples = _night(5.0, [(1.0, 150)])
    events = Recorder()
    parts = build_loop(
        Settings(),
        clock,
        events,
        None,
        "null",
        lambda: ArraySource(samples, clock),
        finite=True,
        recognizer=ScriptedRecognizer({150: "guide me through the toe stretch"}),
        content=content,
    )
    parts.loop.run()
    assert [e["state"] for e in events.of("routine")] == ["started", "finished"]
    assert events.of("release") and all(e["completed"] for e in events.of("release"))
    assert events.events[-1]["event"] == "stopped" and events.events[-1]["t"] > 20.0


def test_stopping_cuts_short_the_routine_at_the_end_of_a_file(content: Content) -> None:
    clock = VirtualClock()
    samples = _night(5.0, [(1.0, 150)])
    events = Recorder()
    loop: list[ListenLoop] = []

    def stop_at_first_hold(event: dict[str, object]) -> None:
        events(event)
        if event["event"] == "hold":
            loop[0].stop()

    parts = build_loop(
        Settings(),
        clock,
        stop_at_first_hold,
        None,
        "null",
        lambda: ArraySource(samples, clock),
        finite=True,
        recognizer=ScriptedRecognizer({150: "guide me through the toe stretch"}),
        content=content,
    )
    loop.append(parts.loop)
    parts.loop.run()
    assert len(events.of("hold")) == 1 and events.of("release") == []
    assert events.events[-1]["event"] == "stopped"
