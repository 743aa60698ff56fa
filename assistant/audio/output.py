"""Playback through sounddevice: one output stream fed by a callback, so speech stops at once."""

from __future__ import annotations

import logging
import threading
from typing import Any

import numpy as np

from assistant.audio.resample import resample
from assistant.errors import AudioError

_LOGGER = logging.getLogger(__name__)
NO_DEVICE_HINT = "run with --speaker null to go on without sound, or --speak-to FILE.wav to record it"


class SoundDevicePlayer:
    """Plays mono int16 samples on an output device; `stop()` silences within one block (~23 ms)."""

    def __init__(self, device: str | int | None = None, rate: int = 22050, blocksize: int = 512) -> None:
        self.device = device
        self.rate = rate
        self.blocksize = blocksize
        self._lock = threading.Lock()
        self._buffer: np.ndarray | None = None
        self._pos = 0
        self._done = threading.Event()
        self._done.set()
        self._stream: Any = None

    def open(self) -> None:
        """Open the device now (raises AudioError with a hint when there is none)."""
        if self._stream is not None:
            return
        sd = _import_sounddevice()
        try:
            sd.query_devices(self.device, kind="output")
            stream = sd.OutputStream(
                samplerate=self.rate,
                channels=1,
                dtype="int16",
                blocksize=self.blocksize,
                device=self.device,
                callback=self._callback,
            )
            stream.start()
        except (ValueError, sd.PortAudioError) as err:
            raise AudioError(f"no audio output device ({err}); {NO_DEVICE_HINT}") from err
        self._stream = stream

    def play(self, samples: np.ndarray, rate: int) -> None:
        """Start playing (replacing anything playing); returns at once."""
        self.open()
        samples = resample(samples.astype(np.int16, copy=False), rate, self.rate)
        with self._lock:
            self._buffer, self._pos = samples, 0
            self._done.clear()

    def queue(self, samples: np.ndarray, rate: int) -> None:
        """Play after what is still playing (at once when nothing is): the next sentence of a reply."""
        self.open()
        samples = resample(samples.astype(np.int16, copy=False), rate, self.rate)
        with self._lock:
            if self._buffer is None:
                self._buffer, self._pos = samples, 0
            else:
                self._buffer = np.concatenate([self._buffer[self._pos :], samples])
                self._pos = 0
            self._done.clear()

    def latency(self) -> float | None:
        """Seconds from `play` to the sound leaving the device, as PortAudio reports it (None: closed)."""
        if self._stream is None:
            return None
        return float(self._stream.latency)

    def stop(self) -> None:
        with self._lock:
            self._buffer = None
            self._done.set()

    def is_playing(self) -> bool:
        return not self._done.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until playback ends (True) or the timeout passes (False)."""
        return self._done.wait(timeout)

    def close(self) -> None:
        self.stop()
        if self._stream is not None:
            self._stream.stop()
            self._stream.close()
            self._stream = None

    def _callback(self, outdata: np.ndarray, frames: int, time: Any, status: Any) -> None:
        if status:
            _LOGGER.debug("output status: %s", status)
        with self._lock:
            buffer = self._buffer
            if buffer is None:
                outdata.fill(0)
                return
            chunk = buffer[self._pos : self._pos + frames]
            outdata[: len(chunk), 0] = chunk
            outdata[len(chunk) :].fill(0)
            self._pos += len(chunk)
            if self._pos >= len(buffer):
                self._buffer = None
                self._done.set()


def _import_sounddevice() -> Any:
    try:
        import sounddevice
    except ImportError as err:
        raise AudioError(f"sounddevice is not installed (pip install sounddevice); {NO_DEVICE_HINT}") from err
    except OSError as err:
        raise AudioError(
            f"PortAudio is missing (apt-get install libportaudio2): {err}; {NO_DEVICE_HINT}"
        ) from err
    return sounddevice
