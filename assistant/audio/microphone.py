"""The microphone as an audio source, on sounddevice (PortAudio), captured in PortAudio's own thread.

The stream callback only copies each block into a bounded queue; when the consumer falls behind, blocks
are dropped and counted (an overflow is logged, never fatal) and timestamps still follow the wall clock.
The device is chosen by index or by (a case-insensitive piece of) its name, as `devices` resolves it.
Capture runs at 16 kHz when the device supports it, otherwise at the device's own rate, converted in the
consumer's thread. A device that
stops delivering audio (unplugged) raises `AudioError` from iteration, so the caller can wait and retry.
sounddevice is imported lazily (through `devices`), so the rest of the assistant runs without PortAudio.
"""

from __future__ import annotations

import logging
import queue
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import numpy as np

from assistant.audio.devices import Device, load_sounddevice, query, resolve_device
from assistant.audio.pcm import float_to_pcm16
from assistant.audio.resample import Resampler
from assistant.errors import AudioError, SettingsError
from assistant.messages import SAMPLE_RATE, AudioChunk
from assistant.settings import MicSettings

_LOGGER = logging.getLogger(__name__)
QUEUE_SECONDS = 3.0
"""Audio the queue holds before blocks are dropped."""
STALL_SECONDS = 2.0
"""No audio for this long from a running stream means the device is gone."""
_POLL_SECONDS = 0.25


def list_input_devices() -> list[Device]:
    """Every device with at least one input channel."""
    devices, _ = query()
    return [device for device in devices if device.inputs > 0]


def find_input_device(wanted: str | int | None, sd: ModuleType | None = None) -> Device:
    """The device for a setting: None for the system default, an index, or (part of) a name.

    Not finding it is an AudioError listing the inputs, so a loop can wait for a USB microphone to appear.
    """
    devices, (default_input, _) = query(sd)
    inputs = [device for device in devices if device.inputs > 0]
    if not inputs:
        raise AudioError("no microphone found: there are no audio input devices")
    try:
        index = resolve_device(wanted, "input", sd)
    except SettingsError as err:
        raise AudioError(str(err)) from None
    if index is None:
        index = default_input
    return next((device for device in inputs if device.index == index), inputs[0])


class MicSource:
    """The microphone: iterate for 16 kHz mono s16le chunks of about `block_ms`; `close()` ends it."""

    def __init__(self, settings: MicSettings | None = None) -> None:
        self.settings = settings or MicSettings()
        self._sd = load_sounddevice()
        self.device = find_input_device(self.settings.device, self._sd)
        self.rate = self._capture_rate()
        self.block_frames = max(1, self.rate * self.settings.block_ms // 1000)
        capacity = max(4, round(QUEUE_SECONDS * 1000 / self.settings.block_ms))
        self._queue: queue.Queue[tuple[int, np.ndarray]] = queue.Queue(maxsize=capacity)
        self._frames_captured = 0
        self._stream: Any = None
        self._closed = False
        self.dropped_blocks = 0
        """Blocks dropped because the consumer fell behind."""
        self.overflows = 0
        """Overflows PortAudio reported (audio lost before it reached us)."""
        self._finished = False

    def _capture_rate(self) -> int:
        try:
            self._sd.check_input_settings(device=self.device.index, channels=1, samplerate=SAMPLE_RATE)
            return SAMPLE_RATE
        except Exception:  # PortAudio says no in several ways; fall back to the device's own rate
            rate = int(self.device.samplerate)
            _LOGGER.info("'%s' cannot capture at 16 kHz; capturing at %d Hz", self.device.name, rate)
            return rate

    def _callback(self, indata: np.ndarray, frames: int, time: Any, status: Any) -> None:
        """Runs in PortAudio's thread: copy and queue, nothing else."""
        if status and getattr(status, "input_overflow", False):
            self.overflows += 1
        try:
            self._queue.put_nowait((self._frames_captured, np.array(indata[:, 0], dtype=np.float32)))
        except queue.Full:
            self.dropped_blocks += 1
        self._frames_captured += frames

    def _on_finished(self) -> None:
        self._finished = True

    def _open(self) -> None:
        self._finished = False
        self._frames_captured = 0
        self._queue = queue.Queue(maxsize=self._queue.maxsize)
        try:
            self._stream = self._sd.InputStream(
                samplerate=self.rate,
                blocksize=self.block_frames,
                device=self.device.index,
                channels=1,
                dtype="float32",
                callback=self._callback,
                finished_callback=self._on_finished,
            )
            self._stream.start()
        except Exception as err:  # sounddevice raises PortAudioError or ValueError
            self._stream = None
            raise AudioError(f"cannot open microphone '{self.device.name}': {err}") from None
        _LOGGER.info("listening on '%s' at %d Hz", self.device.name, self.rate)

    def close(self) -> None:
        """Stops capture; an iteration in progress ends."""
        self._closed = True
        stream, self._stream = self._stream, None
        if stream is not None:
            try:
                stream.stop()
                stream.close()
            except Exception as err:  # closing a stream whose device vanished can fail too
                _LOGGER.debug("closing the stream: %s", err)

    def start(self) -> None:
        """Opens the device and starts capturing (iterating does this when needed)."""
        if self._stream is None:
            self._closed = False
            self._open()

    def __iter__(self) -> Iterator[AudioChunk]:
        self.start()
        converter = Resampler(self.rate, SAMPLE_RATE)
        chunk_samples = SAMPLE_RATE * self.settings.block_ms // 1000
        pending = np.zeros(0, dtype=np.float32)
        samples_out = 0
        frames_in = 0
        reported = (0, 0)
        try:
            for position, block in self._blocks():
                lost = (self.dropped_blocks, self.overflows)
                if lost != reported:
                    _LOGGER.warning("microphone overflow: %d blocks dropped, %d reported by PortAudio", *lost)
                    reported = lost
                if position > frames_in:  # blocks were dropped here: keep timestamps on the wall clock
                    samples_out += round((position - frames_in) * SAMPLE_RATE / self.rate)
                frames_in = position + len(block)
                pending = np.concatenate([pending, converter.process(block)])
                while len(pending) >= chunk_samples:
                    piece, pending = pending[:chunk_samples], pending[chunk_samples:]
                    yield AudioChunk(float_to_pcm16(piece), timestamp=samples_out / SAMPLE_RATE)
                    samples_out += chunk_samples
        finally:
            self.close()

    def _blocks(self) -> Iterator[tuple[int, np.ndarray]]:
        """(frames captured before the block, the block) as they arrive."""
        silent_for = 0.0
        while not self._closed:
            try:
                item = self._queue.get(timeout=_POLL_SECONDS)
            except queue.Empty:
                if self._closed:
                    return
                silent_for += _POLL_SECONDS
                stream = self._stream
                if self._finished or stream is None or not stream.active or silent_for >= STALL_SECONDS:
                    raise AudioError(f"microphone '{self.device.name}' stopped delivering audio") from None
                continue
            silent_for = 0.0
            yield item
