"""Rendered sessions: the WAV's sound sits exactly where the timeline puts each cue."""

from __future__ import annotations

import json
import wave
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest
from speech_fakes import ToneSynth

from assistant.cli.main import main
from assistant.clock import VirtualClock
from assistant.routines.exercises import ExerciseBook
from assistant.routines.phrases import SessionPhrases
from assistant.routines.runner import SessionRunner
from assistant.routines.session import Session
from assistant.routines.timeline import Cue, Timing
from assistant.settings import VoiceSettings
from assistant.voice.earcons import earcon_seconds
from assistant.voice.speaker import open_speaker
from assistant.voice.wav_speaker import WavSpeaker

FRAME = 0.01
LEVEL = 250.0


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    with wave.open(str(path), "rb") as wav:
        assert (wav.getnchannels(), wav.getsampwidth()) == (1, 2)
        return np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2"), wav.getframerate()


def active_frames(samples: np.ndarray, rate: int) -> np.ndarray:
    """Start times of 10 ms frames whose RMS is above LEVEL."""
    n = int(FRAME * rate)
    frames = samples[: len(samples) // n * n].astype(np.float64).reshape(-1, n)
    rms = np.sqrt((frames**2).mean(axis=1))
    return np.flatnonzero(rms > LEVEL) * n / rate


def onsets(active: np.ndarray, silence: float = 0.15) -> list[float]:
    """Times where sound starts after at least `silence` seconds without it."""
    out: list[float] = []
    for i, t in enumerate(active):
        if i == 0 or t - active[i - 1] > silence:
            out.append(float(t))
    return out


def render(path: Path, name: str, hold: float | None) -> list[Cue]:
    """Render a session as `stretch NAME --speak-to` does (day voice), returning its cues."""
    clock = VirtualClock()
    speaker = open_speaker(VoiceSettings(), path, "sound", clock, when=datetime(2025, 1, 1, 12, 0))
    timing = Timing(release_delay=earcon_seconds("hold_end") + 0.05)
    session = Session(
        ExerciseBook.from_file().routine(name, hold), SessionPhrases.from_file(), speaker.duration, timing
    )
    cues: list[Cue] = []
    SessionRunner(session, speaker, clock, on_cue=lambda cue, at: cues.append(cue)).run()
    speaker.close()
    return cues


def test_rendered_routine_matches_its_timeline(tmp_path: Path) -> None:
    cues = render(tmp_path / "calf.wav", "calf_stretch", 15)
    samples, rate = read_wav(tmp_path / "calf.wav")
    active = active_frames(samples, rate)
    # the planned sounds: each phrase (start, start + its length) and the earcon at each release
    sounds = sorted(
        [(c.t, c.end) for c in cues if c.kind == "say"]
        + [(c.t, c.t + earcon_seconds("hold_end")) for c in cues if c.kind == "release"]
    )
    assert len(sounds) > 20
    assert len(samples) / rate == pytest.approx(sounds[-1][1], abs=0.05)
    # every bit of sound in the file lies inside a planned sound
    for t in active:
        assert any(start - 0.02 <= t <= end + 0.02 for start, end in sounds), t
    # every sound that follows silence starts where the timeline says (speech attacks take a few frames)
    found = onsets(active)
    for i, (start, _) in enumerate(sounds):
        if i == 0 or start - sounds[i - 1][1] > 0.2:
            assert any(-0.02 <= o - start <= 0.08 for o in found), (
                start,
                [o for o in found if abs(o - start) < 1],
                sounds[:4],
            )


def test_the_command_renders_the_wav_it_prints(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "toe.wav"
    assert main(["stretch", "toe_stretch", "--hold", "15", "--speak-to", str(out), "--json"]) == 0
    cues = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    samples, rate = read_wav(out)
    last = cues[-1]
    assert "say" in last and last["t"] + 0.5 < len(samples) / rate < last["t"] + 6
    assert [c["hold"] for c in cues if "hold" in c] == [15]
    found = onsets(active_frames(samples, rate))
    assert any(-0.02 <= o - last["t"] <= 0.08 for o in found)


def test_stop_cuts_the_phrase_in_the_file(tmp_path: Path) -> None:
    clock = VirtualClock(50.0)
    speaker = WavSpeaker(tmp_path / "cut.wav", ToneSynth(), clock)
    speaker.play("x" * 40)  # a 2 s tone
    clock.advance(0.5)
    assert speaker.is_speaking()
    speaker.stop()
    assert not speaker.is_speaking()
    clock.advance(1.0)
    speaker.play("y" * 10)  # 0.5 s at 1.5 s
    speaker.close()
    samples, rate = read_wav(tmp_path / "cut.wav")
    active = active_frames(samples, rate)
    assert onsets(active) == pytest.approx([0.0, 1.5], abs=0.011)
    assert active[active < 1.0].max() == pytest.approx(0.49, abs=0.011)
    assert len(samples) / rate == pytest.approx(2.0, abs=0.01)


def test_without_a_clock_phrases_follow_each_other(tmp_path: Path) -> None:
    speaker = WavSpeaker(tmp_path / "seq.wav", ToneSynth(), gap=0.3)
    speaker.say("a" * 20)
    speaker.say("b" * 20)
    speaker.close()
    samples, rate = read_wav(tmp_path / "seq.wav")
    assert onsets(active_frames(samples, rate)) == pytest.approx([0.0, 1.3], abs=0.011)
