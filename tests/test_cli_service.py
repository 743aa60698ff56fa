"""`install-service`: the systemd unit, printed or written into a temporary folder (never the real system)."""

from __future__ import annotations

import configparser
import sys
from pathlib import Path

import pytest

from assistant.cli.main import main
from assistant.cli.service import UNIT_NAME, ServiceOptions, render_unit, user_unit_dir


def parse_unit(text: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string(text)
    return parser


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "home" / ".config"))


def test_user_unit() -> None:
    unit = parse_unit(render_unit(ServiceOptions(Path("/home/pi/cramp/.venv/bin/cramp-assistant"))))
    assert unit["Service"]["ExecStart"] == "/home/pi/cramp/.venv/bin/cramp-assistant run"
    assert unit["Service"]["Restart"] == "on-failure"
    assert unit["Service"]["RestartSec"] == "5"
    assert "sound.target" in unit["Unit"]["After"].split()
    assert unit["Install"]["WantedBy"] == "default.target"
    assert "User" not in unit["Service"]
    assert unit["Unit"]["Description"].startswith("cramp-assistant, an offline bedside voice assistant")


def test_system_unit_runs_as_a_person_in_the_audio_group() -> None:
    options = ServiceOptions(Path("/opt/v/bin/cramp-assistant"), user_service=False, run_as="pi")
    unit = parse_unit(render_unit(options))
    assert unit["Service"]["User"] == "pi"
    assert unit["Service"]["SupplementaryGroups"] == "audio"
    assert unit["Install"]["WantedBy"] == "multi-user.target"
    assert unit["Unit"]["After"] == "sound.target"


def test_paths_with_spaces_are_quoted() -> None:
    options = ServiceOptions(
        Path("/home/pi/my venv/bin/cramp-assistant"), config=Path("/home/pi/my cfg.toml")
    )
    unit = parse_unit(render_unit(options))
    assert unit["Service"]["ExecStart"] == '"/home/pi/my venv/bin/cramp-assistant" run'
    assert '"CRAMP_ASSISTANT_CONFIG=/home/pi/my cfg.toml"' in render_unit(options)


def test_dry_run_prints_and_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["install-service", "--dry-run"]) == 0
    unit = parse_unit(capsys.readouterr().out)
    assert unit["Service"]["ExecStart"] == f"{Path(sys.prefix) / 'bin' / 'cramp-assistant'} run"
    assert not user_unit_dir().exists()


def test_install_writes_the_user_unit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "config.toml"
    config.write_text("")
    assert main(["install-service", "--user", "--config", str(config)]) == 0
    path = tmp_path / "home" / ".config" / "systemd" / "user" / UNIT_NAME
    unit = parse_unit(path.read_text())
    assert unit["Service"]["Environment"] == f"CRAMP_ASSISTANT_CONFIG={config}"
    out = capsys.readouterr().out
    assert out.startswith(f"Wrote {path}.")
    assert "systemctl --user enable --now cramp-assistant.service" in out
    assert "loginctl enable-linger" in out


def test_install_into_a_given_folder(tmp_path: Path) -> None:
    assert main(["install-service", "--system", "--unit-dir", str(tmp_path / "units")]) == 0
    unit = parse_unit((tmp_path / "units" / UNIT_NAME).read_text())
    assert unit["Install"]["WantedBy"] == "multi-user.target"


def test_unwritable_folder_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    assert main(["install-service", "--unit-dir", str(blocker / "units")]) == 2
    err = capsys.readouterr().err
    assert (
        err.startswith(f"cramp-assistant: cannot write {blocker / 'units' / UNIT_NAME}")
        and err.count("\n") == 1
    )


def test_missing_config_file_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["install-service", "--dry-run", "--config", str(tmp_path / "none.toml")]) == 2
    assert "no such settings file" in capsys.readouterr().err


def test_wyoming_unit_runs_the_server_beside_the_loop() -> None:
    options = ServiceOptions(Path("/opt/v/bin/cramp-assistant"), wyoming_uri="tcp://0.0.0.0:10700")
    unit = parse_unit(render_unit(options))
    assert unit["Service"]["ExecStart"] == "/opt/v/bin/cramp-assistant wyoming --uri tcp://0.0.0.0:10700"
    assert unit["Unit"]["After"] == "network.target"
    assert "Wyoming" in unit["Unit"]["Description"]
    assert options.unit_name == "cramp-assistant-wyoming.service" != UNIT_NAME
    system = parse_unit(
        render_unit(ServiceOptions(Path("/v/cramp-assistant"), False, None, "pi", "tcp://h:1"))
    )
    assert system["Service"]["User"] == "pi" and "SupplementaryGroups" not in system["Service"]


def test_wyoming_unit_default_uri_and_a_bad_one(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["install-service", "--wyoming", "--dry-run"]) == 0
    unit = parse_unit(capsys.readouterr().out)
    assert unit["Service"]["ExecStart"].endswith(" wyoming --uri tcp://127.0.0.1:10700")
    assert main(["install-service", "--wyoming", "http://pi:80", "--dry-run"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "tcp://HOST:PORT" in err
