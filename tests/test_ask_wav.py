"""`cramp-assistant ask --wav` end to end: real files, the real default engine, bad files in a batch."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import wav_builder
from audio_signals import background

from assistant.cli.main import main
from assistant.cli.wav_batch import MAX_FILE_SECONDS

AUDIO = Path(__file__).parent / "audio"


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Settings that cache the domain model in a temporary models folder (no Vosk model there)."""
    folder = tmp_path_factory.mktemp("ask_wav")
    path = folder / "settings.toml"
    path.write_text(f'[recognizer]\nmodels_dir = "{folder / "models"}"\n', encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def bad_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("bad")
    good = (AUDIO / "q_doctor.wav").read_bytes()
    files = {
        "empty": folder / "empty.wav",
        "truncated": folder / "truncated.wav",
        "not_wav": folder / "notes.wav",
        "random": folder / "random.wav",
        "missing": folder / "missing.wav",
    }
    files["empty"].write_bytes(b"")
    files["truncated"].write_bytes(good[:30])
    files["not_wav"].write_text("my calf is cramping\n")
    files["random"].write_bytes(np.random.default_rng(3).bytes(4000))
    return files


def _ask(
    config: Path, capsys: pytest.CaptureFixture[str], *files: Path
) -> tuple[int, list[dict[str, Any]], str]:
    status = main(["ask", "--json", "--config", str(config), "--engine", "auto", "--wav", *map(str, files)])
    captured = capsys.readouterr()
    return status, [json.loads(line) for line in captured.out.splitlines()], captured.err


def test_each_file_is_answered_with_one_json_object(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files = [AUDIO / "q_left_foot.wav", AUDIO / "q_doctor.wav", AUDIO / "q_calf_stretch_brown12.wav"]
    status, records, err = _ask(config, capsys, *files)
    assert status == 0, err
    assert [r["file"] for r in records] == [str(f) for f in files]
    assert [(r["intent"], r["slots"]) for r in records] == [
        ("relief", {"side": "left", "body_part": "foot"}),
        ("doctor", {}),
        ("stretch", {"exercise": "calf_stretch"}),
    ]
    for record in records:
        assert record["heard"] and record["reply"]
        assert record["engine"] == "pocketsphinx"
        assert 0.0 <= record["confidence"] <= 1.0
        assert set(record["timings"]) == {"decode_ms", "route_ms", "audio_ms"}
        assert record["timings"]["decode_ms"] > 0
    assert records[0]["timings"]["audio_ms"] == pytest.approx(2537, abs=2)


def test_bad_files_get_one_line_each_and_the_batch_goes_on(
    config: Path, bad_files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    files = [bad_files["empty"], AUDIO / "q_causes.wav", *list(bad_files.values())[1:], AUDIO / "q_yes.wav"]
    status, records, err = _ask(config, capsys, *files)
    assert status == 2
    assert [r["intent"] for r in records] == ["causes", "yes"]
    lines = err.strip().splitlines()
    assert len(lines) == len(bad_files)
    for path, line in zip(bad_files.values(), lines, strict=True):
        assert line.startswith(f"cramp-assistant: {path}: ")
    assert "Traceback" not in err


def test_silence_and_fan_noise_are_unknown(
    config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    silence = wav_builder.write(tmp_path / "silence.wav", np.zeros(3 * 16000, dtype=np.float32), 16000)
    fan = wav_builder.write(tmp_path / "fan.wav", background("brown", 4.0, 0.05), 16000)
    status, records, _ = _ask(config, capsys, silence, fan)
    assert status == 0
    assert [r["intent"] for r in records] == ["unknown", "unknown"]
    assert records[0]["heard"] == ""


def test_real_speech_not_for_the_assistant_gets_no_answer(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, records, _ = _ask(
        config, capsys, AUDIO / "human_goforward.wav", AUDIO / "human_audiobook_0930.wav"
    )
    assert status == 0
    assert [r["intent"] for r in records] == ["unknown", "unknown"]


def test_a_long_recording_is_refused_with_one_line(
    config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seconds = MAX_FILE_SECONDS + 5
    long_file = wav_builder.write(
        tmp_path / "night.wav", np.zeros(int(seconds * 8000), dtype=np.float32), 8000
    )
    status, records, err = _ask(config, capsys, long_file, AUDIO / "q_yes.wav")
    assert status == 2
    assert [r["intent"] for r in records] == ["yes"]
    assert err.count("\n") == 1
    assert f"{long_file}:" in err and "run --mic-file" in err


def test_plain_output_names_the_file(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["ask", "--config", str(config), "--wav", str(AUDIO / "q_swollen.wav")])
    out = capsys.readouterr().out
    assert status == 0
    assert out.startswith(f"{AUDIO / 'q_swollen.wav'}: ")
    assert len(out.splitlines()) == 1


def test_vosk_without_a_model_is_one_line_and_status_2(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(["ask", "--config", str(config), "--engine", "vosk", "--wav", str(AUDIO / "q_yes.wav")])
    err = capsys.readouterr().err
    assert status == 2
    assert err.startswith("cramp-assistant: ") and "models download" in err
    assert err.count("\n") == 1


def test_no_traceback_from_a_real_process(config: Path, bad_files: dict[str, Path]) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "assistant.cli.main",
            "ask",
            "--config",
            str(config),
            "--wav",
            str(bad_files["random"]),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert (
        done.stderr.strip() == f"cramp-assistant: {bad_files['random']}: not a WAV file (no RIFF/WAVE header)"
    )


def test_every_answer_carries_the_routers_guess_and_why(
    config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fan = wav_builder.write(tmp_path / "fan.wav", background("brown", 4.0, 0.05), 16000)
    status, records, _ = _ask(config, capsys, AUDIO / "q_doctor.wav", fan)
    assert status == 0
    doctor, noise = records
    assert (doctor["intent"], doctor["guess"]) == ("doctor", "doctor")
    assert ">=" in doctor["reason"]  # believed: the router's probability cleared the bar
    assert (noise["intent"], noise["guess"]) == ("unknown", "unknown")
    assert noise["reason"]
