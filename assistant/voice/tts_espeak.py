"""espeak-ng to PCM through libespeak-ng's public C API, guarded in a worker process.

A worker process (a fresh interpreter running this module, over a socket pair, inheriting no threads or
audio streams) drives libespeak-ng with the project's own small binding (`espeak_lib.py`) in synchronous
mode, collects the samples in a callback and sends them back: no file, no aplay, and the worker's stdout
goes to /dev/null, so a crash or hang in the library cannot take the assistant with it. Each request has
a timeout; a worker that hangs or dies is killed and started again, and the request is tried once more.
(Why not pyttsx3: docs/voice.md.)
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import socket
import subprocess
import sys
import threading
from multiprocessing.connection import Connection

import numpy as np

from assistant.errors import AudioError, ModelError
from assistant.voice.speech import Speech, trim_silence
from assistant.voice.voice_profile import VoiceProfile

_LOGGER = logging.getLogger(__name__)
_INSTALL_HINT = "install espeak-ng (apt-get install espeak-ng)"


class EspeakSynthesizer:
    """Text to `Speech` through libespeak-ng, in a supervised worker process."""

    def __init__(self, profile: VoiceProfile, timeout: float = 10.0, start_timeout: float = 20.0) -> None:
        self.profile = profile
        self.timeout = timeout
        self.start_timeout = start_timeout
        self.starts = 0
        """How many workers were started (more than one: a hung or dead worker was replaced)."""
        self._lock = threading.Lock()
        self._proc: subprocess.Popen[bytes] | None = None
        self._conn: Connection | None = None

    @property
    def restarts(self) -> int:
        return max(0, self.starts - 1)

    @property
    def worker_pid(self) -> int | None:
        return None if self._proc is None else int(self._proc.pid)

    def synthesize(self, text: str) -> Speech:
        with self._lock:
            for attempt in (1, 2):
                try:
                    conn = self._ensure_worker()
                    conn.send(("say", text))
                    if not conn.poll(self.timeout):
                        raise TimeoutError(f"no answer within {self.timeout:g} s")
                    reply = conn.recv()
                except (OSError, EOFError, TimeoutError) as err:
                    _LOGGER.warning("speech worker failed (%s), attempt %s; restarting it", err, attempt)
                    self._kill()
                    continue
                if reply[0] != "ok":
                    raise AudioError(f"speech synthesis failed: {reply[1]}")
                _, frames, rate = reply
                samples = trim_silence(np.frombuffer(frames, dtype="<i2").copy(), rate)
                return Speech(samples, rate)
        raise AudioError("speech synthesis did not answer twice in a row; giving up on this phrase")

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                with contextlib.suppress(OSError):
                    self._conn.send(("quit", ""))
            if self._proc is not None:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    self._proc.wait(1.0)
            self._kill()

    def _ensure_worker(self) -> Connection:
        if self._proc is not None and self._proc.poll() is None and self._conn is not None:
            return self._conn
        self._kill()
        ours, theirs = socket.socketpair()
        profile = self.profile
        command = [sys.executable, "-m", __name__, "--fd", str(theirs.fileno())]
        command += ["--rate", str(profile.rate), "--volume", str(profile.volume)]
        command += ["--voice", profile.voice] if profile.voice else []
        proc = subprocess.Popen(
            command,
            pass_fds=(theirs.fileno(),),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            close_fds=True,
        )
        theirs.close()
        self.starts += 1
        parent = Connection(ours.detach())
        self._proc, self._conn = proc, parent
        if not parent.poll(self.start_timeout):
            self._kill()
            raise ModelError(f"the speech engine did not start within {self.start_timeout:g} s")
        status, detail = parent.recv()
        if status != "ready":
            self._kill()
            raise ModelError(f"the speech engine could not start ({detail}); {_INSTALL_HINT}")
        _LOGGER.debug("speech worker %s ready", proc.pid)
        return parent

    def _kill(self) -> None:
        if self._conn is not None:
            self._conn.close()
        if self._proc is not None and self._proc.poll() is None:
            self._proc.kill()
            self._proc.wait(2.0)
        self._proc, self._conn = None, None


def _worker_main(conn: Connection, profile: VoiceProfile) -> None:
    """The worker: start espeak-ng once, answer ("say", text) with PCM frames; stdout goes nowhere."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - lives as long as the worker
    chunks: list[bytes] = []
    try:
        from assistant.voice.espeak_lib import RATE, VOLUME, EspeakLibrary

        espeak = EspeakLibrary()
        rate = espeak.initialize()
        espeak.on_samples(chunks.append)
        espeak.set_voice(profile.voice or "en")
        espeak.set_parameter(RATE, int(profile.rate))
        espeak.set_parameter(VOLUME, round(profile.volume * 100))
    except Exception as err:  # the parent turns this into a ModelError with an install hint
        conn.send(("error", f"{type(err).__name__}: {err}"))
        return
    conn.send(("ready", ""))
    while True:
        try:
            command, text = conn.recv()
        except EOFError:
            return
        if command != "say":
            return
        chunks.clear()
        status = espeak.synthesize(text)
        if status != 0:
            conn.send(("error", f"espeak_Synth returned {status}"))
        else:
            conn.send(("ok", b"".join(chunks), rate))


def _worker_cli() -> None:
    parser = argparse.ArgumentParser(description="speech synthesis worker (started by EspeakSynthesizer)")
    parser.add_argument("--fd", type=int, required=True)
    parser.add_argument("--rate", type=int, required=True)
    parser.add_argument("--volume", type=float, required=True)
    parser.add_argument("--voice", default=None)
    args = parser.parse_args()
    _worker_main(Connection(args.fd), VoiceProfile(args.rate, args.volume, args.voice))


if __name__ == "__main__":
    _worker_cli()
