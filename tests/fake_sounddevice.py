"""A hand-written stand-in for the `sounddevice` module: devices, settings checks and an input stream
whose callback the test drives (the test thread plays PortAudio's thread)."""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType, SimpleNamespace
from typing import Any

import numpy as np


class PortAudioError(Exception):
    pass


class FakeStream:
    def __init__(self, owner: FakeSoundDevice, **options: Any) -> None:
        self.owner = owner
        self.options = options
        self.callback: Callable[..., None] = options["callback"]
        self.finished: Callable[[], None] | None = options.get("finished_callback")
        self.active = False
        self.closed = False

    def start(self) -> None:
        if self.owner.fail_open:
            raise PortAudioError("Error opening InputStream: Device unavailable [PaErrorCode -9985]")
        self.active = True

    def stop(self) -> None:
        self.active = False

    def close(self) -> None:
        self.closed = True

    def push(self, samples: np.ndarray, overflow: bool = False) -> None:
        """Delivers one block as PortAudio would: frames x channels float32, with a status."""
        block = np.asarray(samples, dtype=np.float32).reshape(-1, 1)
        self.callback(block, len(block), None, SimpleNamespace(input_overflow=overflow))

    def unplug(self) -> None:
        self.active = False
        if self.finished is not None:
            self.finished()


class FakeSoundDevice(ModuleType):
    PortAudioError = PortAudioError

    def __init__(
        self, devices: list[dict[str, Any]], default_input: int = 0, rates: tuple[int, ...] = (16000,)
    ):
        super().__init__("sounddevice")
        self.devices = devices
        self.default = SimpleNamespace(device=[default_input, -1])
        self.rates = rates
        self.fail_open = False
        self.streams: list[FakeStream] = []

    def query_devices(self) -> list[dict[str, Any]]:
        return self.devices

    def check_input_settings(self, device: int, channels: int, samplerate: float) -> None:
        if int(samplerate) not in self.rates:
            raise PortAudioError(f"Invalid sample rate {samplerate} [PaErrorCode -9997]")

    def InputStream(self, **options: Any) -> FakeStream:
        stream = FakeStream(self, **options)
        self.streams.append(stream)
        return stream

    @property
    def stream(self) -> FakeStream:
        return self.streams[-1]


def device(index: int, name: str, inputs: int = 1, outputs: int = 0, rate: float = 16000.0) -> dict[str, Any]:
    return {
        "index": index,
        "name": name,
        "max_input_channels": inputs,
        "max_output_channels": outputs,
        "default_samplerate": rate,
    }
