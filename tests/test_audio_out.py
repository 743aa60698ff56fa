"""Playback through a fake sounddevice module: plays, stops at once, clear errors without a device."""

from __future__ import annotations

import sys
import types
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pytest

from assistant.audio.output import SoundDevicePlayer
from assistant.audio.resample import resample
from assistant.errors import AudioError


class FakePortAudioError(Exception):
    pass


class FakeStream:
    def __init__(self, callback: Callable[..., None], samplerate: int, **kwargs: Any) -> None:
        self.callback = callback
        self.samplerate = samplerate
        self.started = self.closed = False

    def start(self) -> None:
        self.started = True

    def stop(self) -> None:
        self.started = False

    def close(self) -> None:
        self.closed = True

    def pull(self, frames: int) -> np.ndarray:
        out = np.full((frames, 1), 12345, dtype=np.int16)
        self.callback(out, frames, None, None)
        return out[:, 0].copy()


def fake_sounddevice(has_device: bool = True) -> types.ModuleType:
    module = types.ModuleType("sounddevice")
    module.PortAudioError = FakePortAudioError  # type: ignore[attr-defined]
    module.streams = []  # type: ignore[attr-defined]

    def query_devices(device: Any = None, kind: str | None = None) -> dict[str, Any]:
        if not has_device:
            raise FakePortAudioError("Error querying device -1")
        return {"name": "fake", "max_output_channels": 2}

    def output_stream(**kwargs: Any) -> FakeStream:
        stream = FakeStream(**kwargs)
        module.streams.append(stream)
        return stream

    module.query_devices = query_devices  # type: ignore[attr-defined]
    module.OutputStream = output_stream  # type: ignore[attr-defined]
    return module


@pytest.fixture
def sd(monkeypatch: pytest.MonkeyPatch) -> Iterator[types.ModuleType]:
    module = fake_sounddevice()
    monkeypatch.setitem(sys.modules, "sounddevice", module)
    yield module


def test_plays_samples_then_silence(sd: types.ModuleType) -> None:
    player = SoundDevicePlayer(rate=8000, blocksize=100)
    samples = np.arange(1, 251, dtype=np.int16)
    player.play(samples, 8000)
    stream = sd.streams[0]
    assert stream.started and player.is_playing()
    got = np.concatenate([stream.pull(100) for _ in range(3)])
    assert list(got[:250]) == list(samples) and not got[250:].any()
    assert not player.is_playing() and player.wait(0)
    player.close()
    assert stream.closed


def test_queued_samples_follow_what_is_playing(sd: types.ModuleType) -> None:
    player = SoundDevicePlayer(rate=8000, blocksize=100)
    first, second = np.arange(1, 151, dtype=np.int16), np.arange(1001, 1101, dtype=np.int16)
    player.play(first, 8000)
    stream = sd.streams[0]
    head = stream.pull(100)
    player.queue(second, 8000)
    rest = np.concatenate([stream.pull(100), stream.pull(100)])
    assert list(np.concatenate([head, rest])[:250]) == list(first) + list(second)
    assert not player.is_playing()
    player.queue(first, 8000)  # nothing playing: starts at once
    assert player.is_playing() and list(stream.pull(100)) == list(first[:100])


def test_stop_silences_the_next_block(sd: types.ModuleType) -> None:
    player = SoundDevicePlayer(rate=8000, blocksize=100)
    player.play(np.full(8000, 1000, dtype=np.int16), 8000)
    stream = sd.streams[0]
    assert stream.pull(100).all()
    player.stop()
    assert not player.is_playing()
    assert not stream.pull(100).any()


def test_other_rates_are_resampled(sd: types.ModuleType) -> None:
    player = SoundDevicePlayer(rate=16000, blocksize=4000)
    player.play(np.full(800, 500, dtype=np.int16), 8000)
    got = sd.streams[0].pull(4000)
    assert np.count_nonzero(got) == 1600
    assert len(resample(np.zeros(22050, dtype=np.int16), 22050, 16000)) == 16000


def test_no_output_device_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "sounddevice", fake_sounddevice(has_device=False))
    with pytest.raises(AudioError, match=r"no audio output device.*--speaker null"):
        SoundDevicePlayer().open()


def test_missing_sounddevice_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "sounddevice", None)
    with pytest.raises(AudioError, match="sounddevice is not installed"):
        SoundDevicePlayer().open()
