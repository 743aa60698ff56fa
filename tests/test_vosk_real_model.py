"""The Vosk engine with real vosk and a real model: runs only when a model is installed in models/."""

from __future__ import annotations

import shutil
import subprocess
import wave
from pathlib import Path

import numpy as np
import pytest

from assistant.content.loader import load_content
from assistant.hearing.vosk_engine import VoskRecognizer
from assistant.messages import SAMPLE_RATE
from assistant.models.finding import find_vosk_model
from assistant.settings import RecognizerSettings

MODEL = find_vosk_model(RecognizerSettings())

pytestmark = [
    pytest.mark.vosk_model,
    pytest.mark.skipif(MODEL is None, reason="no Vosk model in models/ (cramp-assistant models download)"),
    pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is needed to make the speech"),
]


def spoken(text: str, folder: Path) -> bytes:
    """`text` said by espeak-ng, as 16 kHz mono s16le PCM with a little silence around it."""
    path = folder / "speech.wav"
    subprocess.run(["espeak-ng", "-v", "en-us", "-s", "150", "-w", str(path), text], check=True)
    with wave.open(str(path), "rb") as wav:
        rate, frames = wav.getframerate(), wav.readframes(wav.getnframes())
    samples = np.frombuffer(frames, dtype="<i2").astype(np.float64)
    times = np.arange(0, len(samples) / rate, 1 / SAMPLE_RATE)
    resampled = np.interp(times, np.arange(len(samples)) / rate, samples)
    silence = np.zeros(SAMPLE_RATE // 2)
    return np.concatenate([silence, resampled, silence]).astype("<i2").tobytes()


@pytest.fixture(scope="module")
def recognizer() -> VoskRecognizer:
    assert MODEL is not None
    return VoskRecognizer(MODEL, [sentence.text for sentence in load_content().sentences])


def test_real_vosk_hears_an_in_domain_question(recognizer: VoskRecognizer, tmp_path: Path) -> None:
    transcript = recognizer.transcribe(spoken("how do I stretch my calf", tmp_path))
    assert {"stretch", "calf"} <= set(transcript.text.split())
    assert not transcript.out_of_domain
    assert transcript.engine == "vosk" and 0 < transcript.confidence <= 1


def test_real_vosk_rejects_talk_that_is_not_for_the_assistant(
    recognizer: VoskRecognizer, tmp_path: Path
) -> None:
    text = "the committee will publish its quarterly budget report on the website next thursday afternoon"
    transcript = recognizer.transcribe(spoken(text, tmp_path))
    assert transcript.out_of_domain, transcript
