"""The microphone source against a fake `sounddevice` module (this machine has no audio devices)."""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from fake_sounddevice import FakeSoundDevice, device

from assistant.audio import microphone as audio_mic
from assistant.audio.microphone import MicSource, find_input_device, list_input_devices
from assistant.audio.pcm import pcm16_to_float
from assistant.errors import AudioError
from assistant.messages import AudioChunk
from assistant.settings import MicSettings


@pytest.fixture
def fake_sd(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeSoundDevice]:
    fake = FakeSoundDevice(
        [
            device(0, "HDA Intel PCH: ALC257 Analog (hw:0,0)", inputs=2, outputs=2, rate=48000.0),
            device(1, "HDMI 0 (hw:0,3)", inputs=0, outputs=8),
            device(2, "USB PnP Sound Device: Audio (hw:1,0)", inputs=1, rate=44100.0),
        ],
        default_input=0,
        rates=(16000, 44100, 48000),
    )
    monkeypatch.setitem(sys.modules, "sounddevice", fake)
    monkeypatch.setattr(audio_mic, "_POLL_SECONDS", 0.01)
    yield fake


def _take(mic: MicSource, count: int) -> list[AudioChunk]:
    taken: list[AudioChunk] = []
    for chunk in mic:
        taken.append(chunk)
        if len(taken) == count:
            mic.close()
    return taken


def test_only_input_devices_are_listed_and_the_default_is_marked(fake_sd: FakeSoundDevice) -> None:
    devices = list_input_devices()
    assert [(d.index, d.inputs) for d in devices] == [(0, 2), (2, 1)]


@pytest.mark.parametrize(("wanted", "index"), [(None, 0), (2, 2), ("2", 2), ("usb", 2), ("ALC257", 0)])
def test_device_by_default_index_or_name(
    fake_sd: FakeSoundDevice, wanted: str | int | None, index: int
) -> None:
    assert find_input_device(wanted).index == index


@pytest.mark.parametrize("wanted", ["bluetooth", 1, 7, "hw:"])
def test_an_unknown_device_is_one_line_listing_the_devices(
    fake_sd: FakeSoundDevice, wanted: str | int
) -> None:
    with pytest.raises(AudioError) as caught:
        MicSource(MicSettings(device=wanted))
    message = str(caught.value)
    assert "0 HDA Intel PCH: ALC257 Analog (hw:0,0)" in message and "2 USB PnP" in message
    assert str(wanted) in message
    assert "HDMI" not in message and "\n" not in message


def test_no_input_devices_at_all(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(
        sys.modules, "sounddevice", FakeSoundDevice([device(0, "HDMI", 0, 2)], default_input=-1)
    )
    with pytest.raises(AudioError, match="no microphone found"):
        MicSource()


def test_missing_portaudio_gives_the_install_hint(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "sounddevice.py").write_text("raise OSError('PortAudio library not found')\n")
    monkeypatch.delitem(sys.modules, "sounddevice", raising=False)
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(AudioError, match=r"PortAudio is not available.*libportaudio2"):
        list_input_devices()


def test_missing_sounddevice_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "sounddevice", None)
    with pytest.raises(AudioError, match=r"sounddevice is not installed.*pip install sounddevice"):
        MicSource()


def test_chunks_carry_the_captured_audio_at_16k(fake_sd: FakeSoundDevice) -> None:
    fake_sd.devices[2]["default_samplerate"] = 16000.0
    mic = MicSource(MicSettings(device="usb"))
    assert mic.rate == 16000
    mic.start()
    blocks = [np.full(480, (i + 1) / 100, dtype=np.float32) for i in range(5)]
    for block in blocks:
        fake_sd.stream.push(block)
    chunks = _take(mic, 5)
    assert [c.timestamp for c in chunks] == pytest.approx([0.0, 0.03, 0.06, 0.09, 0.12])
    for chunk, block in zip(chunks, blocks, strict=True):
        assert np.allclose(pcm16_to_float(chunk.audio), block, atol=1e-4)
    assert fake_sd.stream.options["device"] == 2 and fake_sd.stream.options["channels"] == 1
    assert fake_sd.stream.closed


def test_a_device_without_16k_is_captured_at_its_rate_and_converted(fake_sd: FakeSoundDevice) -> None:
    fake_sd.rates = (48000,)
    mic = MicSource(MicSettings(device=0))
    assert mic.rate == 48000 and mic.block_frames == 1440
    mic.start()
    t = np.arange(48000) / 48000
    tone = (0.5 * np.sin(2 * np.pi * 1000 * t)).astype(np.float32)
    for offset in range(0, len(tone), 1440):
        fake_sd.stream.push(tone[offset : offset + 1440])
    chunks = _take(mic, 30)
    audio = pcm16_to_float(b"".join(c.audio for c in chunks))
    assert all(c.samples == 480 for c in chunks)
    spectrum = np.abs(np.fft.rfft(audio[2000:]))
    assert np.argmax(spectrum) * 16000 / len(audio[2000:]) == pytest.approx(1000, abs=20)


def test_overflow_is_counted_logged_and_not_fatal(
    fake_sd: FakeSoundDevice, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(audio_mic, "QUEUE_SECONDS", 0.12)  # room for 4 blocks
    fake_sd.devices[0]["default_samplerate"] = 16000.0
    mic = MicSource()
    mic.start()
    for i in range(10):
        fake_sd.stream.push(np.zeros(480), overflow=i == 0)
    with caplog.at_level(logging.WARNING, logger="assistant.audio.microphone"):
        iterator = iter(mic)
        chunks = [next(iterator) for _ in range(4)]
        fake_sd.stream.push(np.zeros(480))
        chunks.append(next(iterator))
        mic.close()
    assert (mic.dropped_blocks, mic.overflows) == (6, 1)
    assert "6 blocks dropped" in caplog.text
    # Timestamps keep to the wall clock: the dropped audio leaves a gap.
    assert [c.timestamp for c in chunks] == pytest.approx([0.0, 0.03, 0.06, 0.09, 0.30])


def test_a_vanished_device_raises_from_iteration(fake_sd: FakeSoundDevice) -> None:
    mic = MicSource(MicSettings(device="usb"))
    mic.start()
    fake_sd.stream.push(np.zeros(1323))
    fake_sd.stream.unplug()
    with pytest.raises(
        AudioError, match="'USB PnP Sound Device: Audio \\(hw:1,0\\)' stopped delivering audio"
    ):
        for _chunk in mic:
            pass
    assert fake_sd.stream.closed
    # The caller can retry: iterating again opens a new stream.
    mic.start()
    assert len(fake_sd.streams) == 2 and fake_sd.stream.active


def test_a_stream_that_stalls_raises(fake_sd: FakeSoundDevice, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(audio_mic, "STALL_SECONDS", 0.05)
    with pytest.raises(AudioError, match="stopped delivering audio"):
        next(iter(MicSource()))


def test_a_device_that_cannot_open(fake_sd: FakeSoundDevice) -> None:
    fake_sd.fail_open = True
    with pytest.raises(AudioError, match=r"cannot open microphone 'HDA Intel.*Device unavailable"):
        next(iter(MicSource()))


def test_capture_from_another_thread_arrives_in_order(fake_sd: FakeSoundDevice) -> None:
    fake_sd.devices[0]["default_samplerate"] = 16000.0
    mic = MicSource()
    mic.start()
    stream = fake_sd.stream

    def capture() -> None:
        for i in range(60):
            stream.push(np.full(480, i / 100, dtype=np.float32))

    thread = threading.Thread(target=capture)
    thread.start()
    chunks = _take(mic, 60)
    thread.join()
    levels = [float(pcm16_to_float(c.audio)[0]) for c in chunks]
    assert levels == pytest.approx([i / 100 for i in range(60)], abs=1e-4)
    assert mic.dropped_blocks == 0
