"""Synthesised pieces kept on disk between runs, so a phrase Piper has spoken once plays at once after.

One folder per voice and profile (`~/.cache/cramp-assistant/speech/<identity>/`), one WAV file per piece,
named by a digest of its text. Files are written whole (to a temporary name, then renamed); a file that
cannot be read is ignored and synthesised again. The assistant's phrases are a fixed set from content/,
so the folder stays small (a few MB per voice and profile).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import re
import wave
from pathlib import Path

import numpy as np

from assistant.voice.speech import Speech, Synthesizer

_LOGGER = logging.getLogger(__name__)


def speech_cache_root() -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "cramp-assistant" / "speech"


class SpeechStore:
    """Pieces on disk in `folder`."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @classmethod
    def for_synth(cls, synth: Synthesizer, root: Path | None = None) -> SpeechStore | None:
        """A store for a synthesiser that names its voice and profile (`identity`), else None."""
        identity = getattr(synth, "identity", None)
        if not isinstance(identity, str) or not re.fullmatch(r"[\w.-]+", identity):
            return None
        return cls((root or speech_cache_root()) / identity)

    def path(self, text: str) -> Path:
        return self.folder / f"{hashlib.sha256(text.encode('utf-8')).hexdigest()[:32]}.wav"

    def load(self, text: str) -> Speech | None:
        try:
            with wave.open(str(self.path(text)), "rb") as wav:
                if (wav.getnchannels(), wav.getsampwidth()) != (1, 2):
                    return None
                samples = np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2").astype(np.int16)
                return Speech(samples, wav.getframerate())
        except (OSError, EOFError, wave.Error):
            return None

    def save(self, text: str, speech: Speech) -> None:
        target = self.path(text)
        partial = target.with_name(f".{target.name}.{os.getpid()}")
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            with wave.open(str(partial), "wb") as wav:
                wav.setnchannels(1)
                wav.setsampwidth(2)
                wav.setframerate(speech.rate)
                wav.writeframes(speech.samples.astype("<i2").tobytes())
            os.replace(partial, target)
        except OSError as err:
            _LOGGER.warning("cannot keep synthesised speech in %s: %s", self.folder, err)
            with contextlib.suppress(OSError):
                partial.unlink()
