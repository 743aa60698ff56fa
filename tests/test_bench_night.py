"""The night benchmark's builders (a tiny cut, a fake synthesizer) and how it counts a night's answers."""

from __future__ import annotations

import functools
import json
import wave
from pathlib import Path

import numpy as np
import pytest

from bench import night_audio, quiet_night
from bench.bench_night import score_audiobook, score_quiet
from bench.night_audio import (
    FAN_SNR_DB,
    QUESTION_PAUSE,
    QUESTION_VOICE,
    RATE,
    Manifest,
    build_audiobook,
    fan,
    question_sample,
)
from bench.night_loop import LoopRun, parse_output
from bench.noise import active_power
from bench.speech_corpus import SpokenSentence
from bench.synth import Voice

QUESTION_HZ = 1000.0
NARRATOR_HZ = 250.0


def fake_speak(voice: Voice, text: str) -> np.ndarray:
    """A buzz as long as the text (10 ms a character), pulsing like syllables; the question voice is
    pitched far from the narrators, so the test can tell where it is."""
    t = np.arange(int(len(text) * 0.01 * RATE)) / RATE
    pitch = QUESTION_HZ if voice == QUESTION_VOICE else NARRATOR_HZ
    return (0.2 * np.sin(2 * np.pi * pitch * t) * (0.6 + 0.4 * np.sin(2 * np.pi * 4 * t))).astype(np.float32)


PROSE = [f"paragraph {n} " + "words and more words " * (4 + n % 5) for n in range(9)]
HUMANS = [("a real reader", np.sin(np.arange(RATE) / 7.0).astype(np.float32) * np.float32(0.1))]
QUESTIONS = [
    SpokenSentence("my calf is cramping", "relief", {"body_part": "calf"}),
    SpokenSentence("what causes cramps", "causes"),
]


def _build() -> tuple[np.ndarray, Manifest]:
    return build_audiobook(1.0, QUESTIONS, speak=fake_speak, prose=PROSE, humans=HUMANS, seed=5)


@functools.cache
def _built() -> tuple[np.ndarray, Manifest]:
    """One build shared by the tests that only read it."""
    return _build()


def _dominant_hz(samples: np.ndarray) -> float:
    spectrum = np.abs(np.fft.rfft(samples))
    return float(np.fft.rfftfreq(len(samples), 1 / RATE)[np.argmax(spectrum[5:]) + 5])


def test_the_audiobook_is_deterministic() -> None:
    first, manifest = _build()
    second, again = _build()
    assert np.array_equal(first, second)
    assert manifest == again
    assert manifest.seconds == pytest.approx(len(first) / RATE)
    assert manifest.seconds >= 60.0
    assert {s.kind for s in manifest.segments} == {"narration", "human", "question"}


def test_questions_are_where_the_manifest_says_after_a_pause() -> None:
    samples, manifest = _built()
    questions = manifest.questions
    assert [(q.text, q.intent, q.slots) for q in questions] == [
        (s.text, s.intent, s.slots) for s in QUESTIONS
    ]
    for question in questions:
        piece = samples[int(question.start * RATE) : int(question.end * RATE)]
        assert _dominant_hz(piece) == pytest.approx(QUESTION_HZ, abs=5)
        pause = samples[
            int((question.start - QUESTION_PAUSE + 0.1) * RATE) : int((question.start - 0.1) * RATE)
        ]
        assert np.sqrt(np.mean(pause**2)) == pytest.approx(manifest.noise_rms, rel=0.2)
        others = [s for s in manifest.segments if s is not question]
        assert all(s.end <= question.start - QUESTION_PAUSE + 1e-6 or s.start >= question.end for s in others)
    narration = next(s for s in manifest.segments if s.kind == "narration")
    piece = samples[int(narration.start * RATE) : int(narration.end * RATE)]
    assert _dominant_hz(piece) == pytest.approx(NARRATOR_HZ, abs=5)
    # spread over the cut: the first in its first half, the second in its second half
    assert questions[0].start < manifest.seconds / 2 < questions[1].start


def test_the_fan_is_at_the_signal_to_noise_ratio_asked() -> None:
    samples, manifest = _built()
    noise_power = manifest.noise_rms**2
    for segment in manifest.segments:
        piece = samples[int(segment.start * RATE) : int(segment.end * RATE)]
        speech_power = active_power(piece) - noise_power
        assert 10 * np.log10(speech_power / noise_power) == pytest.approx(FAN_SNR_DB, abs=1.0)
    assert manifest.snr_db == FAN_SNR_DB


def test_the_fan_bed_is_steady_across_its_blocks() -> None:
    bed = fan(150 * RATE, np.random.default_rng(0))
    levels = [np.sqrt(np.mean(bed[i : i + RATE] ** 2)) for i in range(0, len(bed), RATE)]
    assert len(bed) == 150 * RATE
    assert max(levels) / min(levels) < 2.0
    assert np.sqrt(np.mean(bed**2)) == pytest.approx(1.0, rel=0.15)


def test_the_question_sample_is_fixed_in_scope_and_proportional(tmp_path: Path) -> None:
    lines = [f"question number {n}\trelief\t-" for n in range(30)]
    lines += ["stop\tstop\t-", "yes\tyes\t-", "the radio is on\tunknown\t-", "# a comment"]
    tsv = tmp_path / "q.tsv"
    tsv.write_text("\n".join(lines) + "\n")
    hour = question_sample(tsv, 60.0)
    assert len(hour) == night_audio.QUESTION_COUNT
    assert all(s.intent == "relief" for s in hour)
    assert question_sample(tsv, 60.0) == hour
    assert question_sample(tsv, 20.0) == hour[:4]
    assert len(question_sample(tsv, 1.0)) == 2


def _event(t: float, action: str, intent: str, slots: dict[str, str] | None = None) -> str:
    event = {"event": "heard", "t": t, "heard": "words", "intent": intent, "guess": intent, "reason": "r"}
    event |= {"slots": slots or {}, "confidence": 0.9, "timings": {"speech_ms": 900}, "action": action}
    return json.dumps(event | {"action_reason": "because"})


def test_answers_are_counted_by_time_against_the_questions() -> None:
    _, manifest = _built()
    first, second = manifest.questions
    narration = next(s for s in manifest.segments if s.kind == "narration")
    span = "DEBUG assistant.hearing.endpointer: utterance {:.2f}-{:.2f} s"
    lines = [
        json.dumps({"event": "ready", "t": 0.0}),
        # the endpointer's own clock lags the file (it does not listen while the loop starts to speak):
        # only its length counts; a cut at the maximum length is heard at once, without trailing silence
        (span + " (truncated)").format(narration.start - 0.8, narration.start + 1.2),
        "DEBUG assistant.hearing.whisper_engine: whisper heard 'a swollen cold' signals",
        _event(narration.start + 2.0, "answer", "urgent"),
        json.dumps({"event": "say", "t": narration.start + 2.6, "text": "Get help", "source": "answer"}),
        span.format(first.start - 2.5, first.end - 2.5),
        _event(first.end + 0.6, "answer", "relief", {"body_part": "calf"}),
        span.format(second.start, second.end),
        _event(second.end + 0.6, "answer", "relief"),
        _event(manifest.seconds - 1, "ignore", "unknown"),  # no endpointer line: from t and speech_ms
    ]
    heard, events = parse_output(lines)
    assert [h.start for h in heard][:3] == pytest.approx(
        [narration.start, first.start, second.start], abs=0.01
    )
    assert heard[0].said == ["Get help"] and any("whisper heard" in line for line in heard[0].log)
    assert heard[3].end == pytest.approx(manifest.seconds - 1.6)
    figures, details = score_audiobook(LoopRun(heard, events, 36.0, 40.0, 300.0), manifest)
    assert figures["answers to speech not for it"] == "1 (1 answer)"
    assert figures["false alarms (urgent answers among them)"] == "1"
    assert figures["questions answered"] == "2 of 2" and "question not answered 1" not in figures
    assert figures["questions answered with the right intent"] == "1 of 2 (1 with every slot right)"
    assert details["false answers"][0]["engine log"] == heard[0].log
    sounds = [quiet_night.Sound(manifest.seconds - 2.0, 0.5, "cough", 0.3)]
    quiet, _ = score_quiet(LoopRun(heard[3:], events, 36.0, 40.0, 300.0), 0.5, sounds)
    assert quiet["quiet night: answers"] == "0 (none)"
    assert quiet["quiet night"] == "0.5 h of room tone, 1 small sounds (0 breathing, 0 car, 1 cough, 0 creak)"
    coughed, _ = score_quiet(LoopRun(heard[:1], events, 36.0, 40.0, 300.0), 0.5, sounds)
    assert coughed["quiet night: answers"] == "1 (1 answer)" and "quiet night: answer 1" in coughed
    assert quiet["quiet night: CPU"].startswith("72 CPU s per hour (2.0 % of one core")


def _read(path: Path) -> np.ndarray:
    with wave.open(str(path)) as wav:
        assert (wav.getframerate(), wav.getnchannels(), wav.getsampwidth()) == (RATE, 1, 2)
        return np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2").astype(np.float32) / 32768


def test_the_quiet_night_is_deterministic_quiet_and_has_its_sounds(tmp_path: Path) -> None:
    sounds = quiet_night.write_quiet_night(tmp_path / "a.wav", 0.06, seed=7)
    assert quiet_night.write_quiet_night(tmp_path / "b.wav", 0.06, seed=7) == sounds
    assert (tmp_path / "a.wav").read_bytes() == (tmp_path / "b.wav").read_bytes()
    samples = _read(tmp_path / "a.wav")
    assert len(samples) == int(0.06 * 3600 * RATE)
    assert sounds and all(s.kind in quiet_night.SOUNDS for s in sounds)
    busy = np.zeros(len(samples), dtype=bool)
    for sound in sounds:
        busy[int(sound.start * RATE) : int((sound.start + sound.seconds) * RATE)] = True
        piece = samples[int(sound.start * RATE) : int((sound.start + sound.seconds) * RATE)]
        assert np.max(np.abs(piece)) > 3 * quiet_night.ROOM_RMS
    room = np.sqrt(np.mean(samples[~busy] ** 2))
    expected = np.hypot(quiet_night.ROOM_RMS, quiet_night.HISS_RMS)
    assert room == pytest.approx(expected, rel=0.25)
