"""Audio devices: list them for a person, and resolve a setting (name or number) to a device index.

sounddevice (PortAudio) is imported only when a device is looked up, so the rest of the assistant works
without it; tests put a fake `sounddevice` module in `sys.modules`.
"""

from __future__ import annotations

import importlib
import logging
from dataclasses import dataclass
from types import ModuleType
from typing import Any, Literal

from assistant.errors import AudioError, SettingsError

_LOGGER = logging.getLogger(__name__)

Kind = Literal["input", "output"]

INSTALL_HINT = (
    "install PortAudio (sudo apt-get install libportaudio2) and sounddevice (pip install sounddevice)"
)


@dataclass(frozen=True)
class Device:
    """One PortAudio device as sounddevice reports it."""

    index: int
    name: str
    inputs: int
    """Input channels (0 for an output-only device)."""
    outputs: int
    """Output channels (0 for an input-only device)."""
    samplerate: float
    """The device's default sample rate in Hz."""

    def channels(self, kind: Kind) -> int:
        return self.inputs if kind == "input" else self.outputs


def load_sounddevice() -> ModuleType:
    """The sounddevice module; AudioError with an install hint when it or PortAudio is missing."""
    try:
        return importlib.import_module("sounddevice")
    except ImportError as err:
        raise AudioError(f"sounddevice is not installed ({err}); {INSTALL_HINT}") from None
    except OSError as err:  # sounddevice raises OSError when the PortAudio library is missing
        raise AudioError(f"PortAudio is not available ({err}); {INSTALL_HINT}") from None


def query(sd: ModuleType | None = None) -> tuple[list[Device], tuple[int, int]]:
    """Every device and the default (input, output) indices (-1 where there is none)."""
    sd = sd or load_sounddevice()
    try:
        raw: Any = sd.query_devices()
        default = sd.default.device
        defaults = (_index(default[0]), _index(default[1]))
    except Exception as err:  # PortAudio errors are sounddevice.PortAudioError, from a module we cannot type
        raise AudioError(f"cannot list audio devices: {err}") from None
    devices = [
        Device(
            index=int(info.get("index", position)),
            name=str(info["name"]),
            inputs=int(info.get("max_input_channels", 0)),
            outputs=int(info.get("max_output_channels", 0)),
            samplerate=float(info.get("default_samplerate", 0.0)),
        )
        for position, info in enumerate(raw)
    ]
    return devices, defaults


def list_devices(sd: ModuleType | None = None) -> str:
    """A listing of input and output devices for a person, with the defaults marked."""
    devices, (default_in, default_out) = query(sd)
    if not devices:
        return (
            "No audio devices found. Plug in a USB microphone and speaker, check that the system sees "
            "them with `arecord -l` and `aplay -l`, then try again."
        )
    lines: list[str] = []
    sections: tuple[tuple[Kind, int, str], ...] = (
        ("input", default_in, "--input-device or [mic] device"),
        ("output", default_out, "--output-device or [voice] device"),
    )
    for kind, default, option in sections:
        usable = [d for d in devices if d.channels(kind) > 0]
        lines.append(f"{kind.capitalize()} devices (choose by number or name with {option}):")
        if not usable:
            lines.append(f"  none: no {kind} device found")
        for device in usable:
            mark = "*" if device.index == default else " "
            channels = device.channels(kind)
            lines.append(
                f"  {mark} {device.index:>2}  {device.name}  ({channels} ch, {device.samplerate:.0f} Hz)"
            )
    lines.append("* = system default")
    return "\n".join(lines)


def resolve_device(spec: str | int | None, kind: Kind, sd: ModuleType | None = None) -> int | None:
    """The index of the device a setting names: None stays None (the system default).

    A number (or a string of digits) must be a device with channels of that kind; a name matches
    exactly, or else as a case-insensitive part of one device's name. SettingsError otherwise.
    """
    if spec is None:
        return None
    devices, _ = query(sd)
    usable = [d for d in devices if d.channels(kind) > 0]
    available = "; ".join(f"{d.index} {d.name}" for d in usable) or "none"
    if isinstance(spec, int) or spec.strip().isdigit():
        index = int(spec)
        for device in usable:
            if device.index == index:
                return index
        raise SettingsError(f"no {kind} device number {index}; available: {available}")
    wanted = spec.strip().lower()
    exact = [d for d in usable if d.name.lower() == wanted]
    matches = exact or [d for d in usable if wanted in d.name.lower()]
    if len(matches) == 1:
        _LOGGER.info("%s device %r is %s (%s)", kind, spec, matches[0].index, matches[0].name)
        return matches[0].index
    if not matches:
        raise SettingsError(f"no {kind} device named {spec!r}; available: {available}")
    names = "; ".join(f"{d.index} {d.name}" for d in matches)
    raise SettingsError(f"{kind} device name {spec!r} matches more than one device: {names}; use its number")


def _index(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1
