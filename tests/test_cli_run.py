"""`cramp-assistant run`: bad input, no microphone (fall back to the typed conversation), device listing."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
from fake_sounddevice import FakeSoundDevice, device

from assistant.cli.main import main

AUDIO = Path(__file__).parent / "audio"


class _Stdin:
    """stdin as a terminal would be, with typed lines."""

    def __init__(self, text: str, tty: bool) -> None:
        self.buffer = io.BytesIO(text.encode())
        self._tty = tty

    def isatty(self) -> bool:
        return self._tty


@pytest.fixture
def no_microphone(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setitem(
        sys.modules, "sounddevice", FakeSoundDevice([device(0, "HDMI", 0, 2)], default_input=-1)
    )
    config = tmp_path / "config.toml"
    config.write_text("")
    monkeypatch.setenv("CRAMP_ASSISTANT_CONFIG", str(config))


def test_a_mic_file_that_is_not_audio_is_one_line_and_status_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bogus = tmp_path / "notes.wav"
    bogus.write_text("these are not samples\n")
    assert main(["run", "--mic-file", str(bogus), "--fast", "--speaker", "null"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("cramp-assistant: ") and "notes.wav" in err
    assert len(err.strip().splitlines()) == 1


def test_a_missing_mic_file_is_one_line_and_status_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run", "--mic-file", str(tmp_path / "none.wav")]) == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1


def test_fast_needs_a_mic_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "--fast"]) == 2
    assert "--fast needs --mic-file" in capsys.readouterr().err


def test_no_microphone_and_no_terminal_is_status_2(
    no_microphone: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", _Stdin("", tty=False))
    assert main(["run", "--speaker", "null"]) == 2
    err = capsys.readouterr().err
    assert "no microphone" in err and "--mic-file" in err
    assert len(err.strip().splitlines()) == 1


def test_no_microphone_at_a_terminal_falls_back_to_the_typed_conversation(
    no_microphone: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", _Stdin("what causes leg cramps\n", tty=True))
    assert main(["run", "--speaker", "null", "--log-json"]) == 0
    captured = capsys.readouterr()
    assert "no microphone" in captured.err and "typed conversation" in captured.err
    assert '"intent": "causes"' in captured.out


def test_list_devices(no_microphone: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "--list-devices"]) == 0
    out = capsys.readouterr().out
    assert "HDMI" in out and "Input devices" in out
