"""RNNoise in front of recognition: gated by the measured noise floor, aligned, verified, and the same on the
streaming (microphone) and whole-utterance (WAV) paths."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from assistant.audio.source import read_wav_pcm16k
from assistant.errors import ModelError
from assistant.hearing.neural_denoise import NoiseSuppressor, _library_path, load_rnnoise, noise_floor_dbfs
from assistant.hearing.suppressed import SuppressedRecognizer
from assistant.messages import IDLE, Expectation, Transcript

AUDIO = Path(__file__).parent / "audio"


@pytest.fixture(scope="module")
def suppressor() -> NoiseSuppressor:
    return NoiseSuppressor()


def _samples(pcm: bytes) -> np.ndarray:
    return np.frombuffer(pcm, dtype=np.int16).astype(np.float64)


def test_the_noise_floor_tells_a_fan_from_a_quiet_room() -> None:
    assert noise_floor_dbfs(read_wav_pcm16k(AUDIO / "q_calf_stretch.wav")) < -90
    assert noise_floor_dbfs(read_wav_pcm16k(AUDIO / "q_calf_stretch_brown12.wav")) > -40


def test_clean_speech_is_left_exactly_as_it_was(suppressor: NoiseSuppressor) -> None:
    clean = read_wav_pcm16k(AUDIO / "q_calf_stretch.wav")
    assert not suppressor.needed(clean)
    assert suppressor(clean) == clean


def test_fan_noise_is_suppressed_in_line_with_the_speech(suppressor: NoiseSuppressor) -> None:
    noisy = read_wav_pcm16k(AUDIO / "q_calf_stretch_brown12.wav")
    clean = _samples(read_wav_pcm16k(AUDIO / "q_calf_stretch.wav"))
    assert suppressor.needed(noisy)
    cleaned = suppressor(noisy)
    assert len(cleaned) == len(noisy)
    assert noise_floor_dbfs(cleaned) < noise_floor_dbfs(noisy) - 10
    out = _samples(cleaned)[: len(clean)]
    lags = range(-160, 161, 16)
    best = max(lags, key=lambda lag: float(np.dot(np.roll(out, -lag), clean)))
    assert abs(best) <= 16, best  # within 1 ms of the speech it came from
    assert np.corrcoef(out, clean)[0, 1] > 0.8


def test_a_tampered_library_is_refused_by_name(tmp_path: Path) -> None:
    copy = tmp_path / "librnnoise.so"
    shutil.copyfile(_library_path(), copy)
    with copy.open("r+b") as data:
        data.seek(4096)
        data.write(b"\x00\x01")
    with pytest.raises(ModelError, match=r"librnnoise\.so does not match its pinned SHA-256"):
        load_rnnoise(copy)


class Recording:
    """A recogniser that records what it was given."""

    name = "recording"

    def __init__(self) -> None:
        self.heard: list[bytes] = []

    def transcribe(self, audio: bytes, expect: Expectation = IDLE) -> Transcript:
        self.heard.append(audio)
        return Transcript(f"{len(audio)} bytes", 1.0, self.name)


def test_the_stream_and_the_whole_utterance_hear_the_same_cleaned_audio(suppressor: NoiseSuppressor) -> None:
    noisy = read_wav_pcm16k(AUDIO / "q_stop_brown12.wav")
    inner = Recording()
    recognizer = SuppressedRecognizer(inner, suppressor)
    whole = recognizer.transcribe(noisy)
    stream = recognizer.start()
    half = len(noisy) // 2 // 960 * 960
    for offset in range(0, half, 960):
        stream.accept(noisy[offset : offset + 960])
    stream.prepare()  # a pause, then more speech: the prepared decode must not be used
    for offset in range(half, len(noisy), 960):
        stream.accept(noisy[offset : offset + 960])
    streamed = stream.finish()
    assert streamed == whole
    assert inner.heard[0] == inner.heard[-1] == suppressor(noisy) != noisy
