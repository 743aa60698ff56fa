"""Settings from one TOML file plus command-line overrides, with strict one-line errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.cli.main import main
from assistant.errors import SettingsError
from assistant.settings import Settings
from assistant.settings_file import ENV_VAR, config_path, load_settings


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "home" / ".config"))
    monkeypatch.delenv(ENV_VAR, raising=False)


def write(tmp_path: Path, text: str, name: str = "config.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def error_for(tmp_path: Path, text: str) -> str:
    path = write(tmp_path, text)
    with pytest.raises(SettingsError) as caught:
        load_settings(path, {})
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: ")
    return message[len(f"{path}: ") :]


def test_missing_default_file_gives_defaults() -> None:
    assert load_settings(None, {}) == Settings()


def test_default_path_is_under_xdg_config_home(tmp_path: Path) -> None:
    path, explicit = config_path(None, {})
    assert path == tmp_path / "home" / ".config" / "cramp-assistant" / "config.toml"
    assert not explicit


def test_default_file_is_read_when_present(tmp_path: Path) -> None:
    folder = tmp_path / "home" / ".config" / "cramp-assistant"
    folder.mkdir(parents=True)
    (folder / "config.toml").write_text("[voice]\nrate = 200\n")
    assert load_settings(None, {}).voice.rate == 200


def test_environment_variable_names_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, "[dialog]\nemergency_number = '911'\n", "env.toml")
    monkeypatch.setenv(ENV_VAR, str(path))
    assert load_settings(None, {}).dialog.emergency_number == "911"
    other = write(tmp_path, "[dialog]\nemergency_number = '112'\n", "cli.toml")
    assert load_settings(other, {}).dialog.emergency_number == "112"


def test_missing_explicit_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="no such settings file"):
        load_settings(tmp_path / "nope.toml", {})


def test_every_section_is_read(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
[mic]
device = "USB Mic"
block_ms = 20
[endpoint]
trailing_silence = 1
max_seconds = 10.5
[recognizer]
engine = "vosk"
model = "vosk-small"
models_dir = "/opt/models"
[voice]
device = 3
volume = 0.5
night_start = 23
night_end = 6
earcons = false
[routine]
hold_seconds = 20
[dialog]
wake_phrase = "hey there"
follow_up_seconds = 0
[log]
enabled = true
path = "~/cramps.db"
""",
    )
    settings = load_settings(path, {})
    assert settings.mic.device == "USB Mic" and settings.mic.block_ms == 20
    assert settings.endpoint.trailing_silence == 1.0 and isinstance(settings.endpoint.trailing_silence, float)
    assert settings.endpoint.max_seconds == 10.5
    assert settings.recognizer.engine == "vosk"
    assert settings.recognizer.model == tmp_path / "vosk-small"  # relative to the file's folder
    assert settings.recognizer.models_dir == Path("/opt/models")
    assert settings.voice.device == 3 and settings.voice.volume == 0.5 and settings.voice.earcons is False
    assert (settings.voice.night_start, settings.voice.night_end) == (23, 6)
    assert settings.routine.hold_seconds == 20.0
    assert settings.dialog.wake_phrase == "hey there" and settings.dialog.follow_up_seconds == 0.0
    assert settings.log.enabled is True
    assert settings.log.path == tmp_path / "home" / "cramps.db"
    assert settings.voice.rate == Settings().voice.rate  # untouched keys keep their defaults


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[voice]\nvolume = 3\n", "voice.volume: must be between 0 and 1, got 3"),
        ("[voice]\nvolume = -0.1\n", "voice.volume: must be between 0 and 1, got -0.1"),
        ("[voice]\nrate = 50\n", "voice.rate: must be between 80 and 400, got 50"),
        ("[voice]\nnight_rate = 401\n", "voice.night_rate: must be between 80 and 400, got 401"),
        ("[voice]\nnight_start = 24\n", "voice.night_start: must be between 0 and 23, got 24"),
        ("[voice]\nnight_end = -1\n", "voice.night_end: must be between 0 and 23, got -1"),
        ("[voice]\nrate = 1.5e2\n", "voice.rate: must be a whole number, got float 150.0"),
        ("[voice]\nrate = '165'\n", "voice.rate: must be a whole number, got string '165'"),
        ("[voice]\nearcons = 1\n", "voice.earcons: must be true or false, got integer 1"),
        ("[voice]\nvolume = true\n", "voice.volume: must be a number, got boolean True"),
        ("[voice]\ndevice = 1.5\n", "voice.device: must be a whole number or a string, got float 1.5"),
        ("[voice]\ndevice = -2\n", "voice.device: must be a device number (0 or more) or a name, got -2"),
        ("[mic]\ndevice = '  '\n", "mic.device: must not be empty"),
        ("[endpoint]\ntrailing_silence = 0\n", "endpoint.trailing_silence: must be between 0.1 and 5, got 0"),
        ("[endpoint]\nmax_seconds = nan\n", "endpoint.max_seconds: must be a finite number, got nan"),
        (
            "[recognizer]\nengine = 'kaldi'\n",
            "recognizer.engine: must be one of auto, pocketsphinx, whisper, vosk",
        ),
        ("[recognizer]\nmodel = 5\n", "recognizer.model: must be a path, got integer 5"),
        ("[routine]\nhold_seconds = 300\n", "routine.hold_seconds: must be between 15 and 30, got 300"),
        ("[dialog]\nemergency_number = ''\n", "dialog.emergency_number: must not be empty"),
        ("[dialog]\nfollow_up_seconds = -1\n", "dialog.follow_up_seconds: must be between 0 and 120, got -1"),
        ("[log]\nenabled = 'yes'\n", "log.enabled: must be true or false, got string 'yes'"),
        ("[voice]\nvolumes = 1\n", "voice.volumes: unknown setting; voice has device, voice, rate"),
        ("[speaker]\nvolume = 1\n", "[speaker]: unknown section; expected one of mic, endpoint"),
        ("voice = 3\n", "voice: must be a table ([voice]), got int"),
        ("[voice]\nnight_start = 6\nnight_end = 6\n", "voice.night_end: must differ from voice.night_start"),
        ("[endpoint]\nmin_speech = 3\nmax_seconds = 2\n", "endpoint.min_speech: must be shorter than"),
    ],
)
def test_invalid_values_name_the_key(tmp_path: Path, text: str, expected: str) -> None:
    assert error_for(tmp_path, text).startswith(expected)


def test_not_toml_gives_the_position(tmp_path: Path) -> None:
    message = error_for(tmp_path, "[voice]\nvolume = = 2\n")
    assert message.startswith("not a valid TOML file: ")
    assert "line 2" in message


def test_binary_file_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(SettingsError, match="not a TOML file: not UTF-8"):
        load_settings(path, {})


def test_overrides_by_option_name_and_dotted_key(tmp_path: Path) -> None:
    path = write(tmp_path, "[recognizer]\nengine = 'vosk'\n[mic]\ndevice = 'file mic'\n")
    settings = load_settings(
        path,
        {
            "engine": "pocketsphinx",
            "model": "some/model",
            "input_device": "2",
            "output_device": "USB Speaker",
            "voice.volume": 0.25,
            "dialog.wake_phrase": None,  # not given on the command line: the file's value stays
        },
    )
    assert settings.recognizer.engine == "pocketsphinx"
    assert settings.recognizer.model == Path.cwd() / "some/model"
    assert settings.mic.device == 2  # a number given as text is a device index
    assert settings.voice.device == "USB Speaker"
    assert settings.voice.volume == 0.25


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"engine": "kaldi"}, "command line: --engine: must be one of auto, pocketsphinx, whisper, vosk"),
        ({"voice.volume": 2}, "command line: voice.volume: must be between 0 and 1, got 2"),
        ({"voice.loudness": 2}, "command line: voice.loudness: unknown setting"),
        ({"nosuch": 2}, "command line: nosuch: unknown setting"),
    ],
)
def test_bad_overrides(overrides: dict[str, object], expected: str) -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings(None, overrides)
    assert str(caught.value).startswith(expected)


def test_cli_reports_a_bad_file_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "[voice]\nvolume = 3\n")
    assert main(["config", "show", "--config", str(path)]) == 2
    err = capsys.readouterr().err
    assert err == f"cramp-assistant: {path}: voice.volume: must be between 0 and 1, got 3\n"


def test_cli_reports_non_toml_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "this is not toml\n")
    assert main(["config", "show", "--config", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not a valid TOML file" in err and "line 1" in err
