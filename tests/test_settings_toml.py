"""`config show` prints settings that load back unchanged; `config example` documents every setting."""

from __future__ import annotations

import dataclasses
import re
import tomllib
from pathlib import Path

import pytest

from assistant.cli.main import main
from assistant.settings import Settings, VoiceSettings
from assistant.settings_file import ENV_VAR, load_settings, settings_from_dict
from assistant.settings_toml import example_config, field_docs, render_settings, toml_value


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "home" / ".config"))
    monkeypatch.delenv(ENV_VAR, raising=False)


def test_rendered_defaults_load_back_unchanged() -> None:
    text = render_settings(Settings())
    assert settings_from_dict(tomllib.loads(text), "shown") == Settings()


def test_rendered_custom_settings_load_back_unchanged() -> None:
    settings = dataclasses.replace(
        Settings(),
        voice=VoiceSettings(device=4, voice='odd "name" \\ with\x7fdel é', volume=0.33, earcons=False),
    )
    loaded = settings_from_dict(tomllib.loads(render_settings(settings)), "shown")
    assert loaded == settings


def test_toml_value_rejects_unknown_types() -> None:
    with pytest.raises(TypeError):
        toml_value([1, 2])


def test_every_field_has_a_docstring() -> None:
    docs = field_docs()
    for section in dataclasses.fields(Settings):
        cls = type(getattr(Settings(), section.name))
        for item in dataclasses.fields(cls):
            assert docs[cls.__name__].get(item.name), f"{section.name}.{item.name} has no docstring"


def test_example_is_valid_toml_and_means_the_defaults(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(example_config())
    assert load_settings(path, {}) == Settings()


def test_example_with_every_line_uncommented_is_valid(tmp_path: Path) -> None:
    uncommented = re.sub(r"^# (\w+ = )", r"\1", example_config(), flags=re.MULTILINE)
    path = tmp_path / "config.toml"
    path.write_text(uncommented)
    settings = load_settings(path, {})
    assert settings.mic.device == "USB PnP Sound Device"
    assert settings.routine.hold_seconds == 30.0
    assert settings.voice.rate == Settings().voice.rate
    count = sum(len(dataclasses.fields(getattr(Settings(), s.name))) for s in dataclasses.fields(Settings))
    assert len(re.findall(r"^\w+ = ", uncommented, flags=re.MULTILINE)) == count


def test_example_explains_each_setting() -> None:
    text = example_config()
    assert "# Words per minute during night hours (slower).\n# night_rate = 140\n" in text
    assert "None" not in text


def test_config_show_applies_the_file_and_overrides(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[voice]\nrate = 120\n")
    assert main(["config", "show", "--config", str(path), "--engine", "vosk", "--output-device", "1"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"# Effective settings from {path}\n")
    shown = tomllib.loads(out)
    assert shown["voice"]["rate"] == 120
    assert shown["voice"]["device"] == 1
    assert shown["recognizer"]["engine"] == "vosk"


def test_config_example_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["config", "example"]) == 0
    assert capsys.readouterr().out == example_config()
