"""Real espeak-ng synthesis through libespeak-ng in a worker: PCM back, nothing printed, no aplay."""

from __future__ import annotations

import os
import signal
import stat
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from assistant.voice.tts_espeak import EspeakSynthesizer
from assistant.voice.voice_profile import VoiceProfile


@pytest.fixture(scope="module")
def synth() -> Iterator[EspeakSynthesizer]:
    engine = EspeakSynthesizer(VoiceProfile(165, 0.9), timeout=5.0)
    yield engine
    engine.close()


def test_synthesis_returns_speech_of_known_length(synth: EspeakSynthesizer) -> None:
    short = synth.synthesize("Release.")
    long = synth.synthesize("Hold for 30 seconds, starting now. Then switch to your left leg.")
    assert short.rate == long.rate == 22050
    assert 0.2 < short.seconds < 1.5
    assert long.seconds > 2 * short.seconds
    assert np.abs(long.samples.astype(np.int32)).max() > 3000
    # leading and trailing silence trimmed: the first and last 20 ms carry sound
    edge = int(0.02 * long.rate)
    assert np.abs(long.samples[:edge]).max() > 300 and np.abs(long.samples[-edge:]).max() > 300


def test_nothing_printed_and_no_aplay(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    marker = tmp_path / "aplay-ran"
    fake = tmp_path / "aplay"
    fake.write_text(f"#!/bin/sh\ntouch {marker}\n")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    old_path = os.environ["PATH"]
    os.environ["PATH"] = f"{tmp_path}{os.pathsep}{old_path}"
    try:
        engine = EspeakSynthesizer(VoiceProfile(165, 0.9))
        for text in ("One.", "Two seconds left.", "Release."):
            assert engine.synthesize(text).seconds > 0.2
        engine.close()
    finally:
        os.environ["PATH"] = old_path
    out, _ = capfd.readouterr()
    assert out == ""
    assert not marker.exists()


def test_a_killed_worker_is_replaced(synth: EspeakSynthesizer) -> None:
    synth.synthesize("Warm up.")
    pid = synth.worker_pid
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    before = synth.restarts
    assert synth.synthesize("Still here.").seconds > 0.3
    assert synth.restarts == before + 1 and synth.worker_pid != pid


def test_a_hung_worker_times_out_and_is_replaced() -> None:
    engine = EspeakSynthesizer(VoiceProfile(165, 0.9), timeout=1.0)
    try:
        engine.synthesize("Warm up.")
        pid = engine.worker_pid
        assert pid is not None
        os.kill(pid, signal.SIGSTOP)  # a hang, as reported on the Pi
        assert engine.synthesize("Back again.").seconds > 0.3
        assert engine.restarts == 1 and engine.worker_pid != pid
    finally:
        engine.close()


def test_night_profile_is_slower_and_softer() -> None:
    day = EspeakSynthesizer(VoiceProfile(165, 0.9))
    night = EspeakSynthesizer(VoiceProfile(130, 0.5, night=True))
    text = "Hold for 30 seconds, starting now."
    try:
        a, b = day.synthesize(text), night.synthesize(text)
    finally:
        day.close()
        night.close()
    assert b.seconds > a.seconds * 1.15
    assert np.abs(b.samples.astype(np.int32)).max() < np.abs(a.samples.astype(np.int32)).max()
