"""Device listing and resolution against a fake `sounddevice` module (no PortAudio needed)."""

from __future__ import annotations

import sys
import types
from typing import Any

import pytest

from assistant.audio.devices import list_devices, resolve_device
from assistant.cli.main import main
from assistant.errors import AudioError, SettingsError


def fake_sounddevice(devices: list[dict[str, Any]], default: tuple[int, int] = (-1, -1)) -> types.ModuleType:
    module = types.ModuleType("sounddevice")
    module.query_devices = lambda: [dict(d, index=i) for i, d in enumerate(devices)]  # type: ignore[attr-defined]
    module.default = types.SimpleNamespace(device=list(default))  # type: ignore[attr-defined]
    return module


def device(name: str, inputs: int, outputs: int) -> dict[str, Any]:
    return {
        "name": name,
        "max_input_channels": inputs,
        "max_output_channels": outputs,
        "default_samplerate": 48000.0,
    }


PI_DEVICES = [
    device("bcm2835 Headphones: - (hw:0,0)", 0, 8),
    device("USB PnP Sound Device: Audio (hw:1,0)", 1, 2),
    device("USB Audio Speaker: Audio (hw:2,0)", 0, 2),
    device("pipewire", 64, 64),
    device("default", 64, 64),
]


@pytest.fixture
def pi(monkeypatch: pytest.MonkeyPatch) -> types.ModuleType:
    module = fake_sounddevice(PI_DEVICES, default=(4, 4))
    monkeypatch.setitem(sys.modules, "sounddevice", module)
    return module


def test_list_devices_groups_inputs_and_outputs(pi: types.ModuleType) -> None:
    text = list_devices()
    inputs, outputs = text.split("Output devices")
    assert "USB PnP Sound Device" in inputs and "bcm2835" not in inputs
    assert "bcm2835 Headphones" in outputs and "USB Audio Speaker" in outputs
    assert "*  4  default  (64 ch, 48000 Hz)" in inputs
    assert "   1  USB PnP Sound Device: Audio (hw:1,0)  (1 ch, 48000 Hz)" in inputs


def test_no_devices_says_what_to_check(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "sounddevice", fake_sounddevice([]))
    text = list_devices()
    assert text.startswith("No audio devices found.") and "arecord -l" in text and "\n" not in text


def test_missing_portaudio_is_an_audio_error_with_a_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(sys.modules, "sounddevice", raising=False)

    def broken_import(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "sounddevice":
            raise OSError("PortAudio library not found")
        return real_import(name, *args, **kwargs)

    import importlib

    real_import = importlib.import_module
    monkeypatch.setattr(importlib, "import_module", broken_import)
    with pytest.raises(AudioError, match=r"PortAudio is not available .*libportaudio2"):
        list_devices()


def test_devices_command_exits_2_without_portaudio(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "sounddevice", None)  # makes `import sounddevice` raise ImportError
    assert main(["devices"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("cramp-assistant: sounddevice is not installed") and err.count("\n") == 1


def test_devices_command_prints_the_list(pi: types.ModuleType, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["devices"]) == 0
    assert "USB PnP Sound Device" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("spec", "kind", "expected"),
    [
        (None, "input", None),
        ("USB PnP", "input", 1),
        ("usb pnp sound device", "input", 1),
        ("Speaker", "output", 2),
        ("headphones", "output", 0),
        (1, "input", 1),
        ("2", "output", 2),
        ("default", "input", 4),  # an exact name wins over the names that merely contain it
    ],
)
def test_resolve_device(
    pi: types.ModuleType, spec: str | int | None, kind: str, expected: int | None
) -> None:
    assert resolve_device(spec, kind) == expected  # type: ignore[arg-type]


def test_unknown_name_lists_the_available_devices(pi: types.ModuleType) -> None:
    with pytest.raises(SettingsError) as caught:
        resolve_device("Blue Yeti", "input")
    message = str(caught.value)
    assert message.startswith("no input device named 'Blue Yeti'; available: 1 USB PnP Sound Device")
    assert "bcm2835" not in message  # an output-only device is no microphone


def test_an_output_only_device_is_not_an_input(pi: types.ModuleType) -> None:
    with pytest.raises(SettingsError, match="no input device number 0"):
        resolve_device(0, "input")


def test_ambiguous_name_asks_for_the_number(pi: types.ModuleType) -> None:
    with pytest.raises(
        SettingsError, match=r"matches more than one device: 1 USB PnP.*; 2 USB Audio Speaker"
    ):
        resolve_device("usb", "output")
