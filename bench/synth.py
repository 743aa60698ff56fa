"""Spoken test audio from Debian's synthesizers, as 16 kHz mono float arrays.

Voices: espeak-ng (its command line; any variant and rate), flite's built-in voices (slt, kal, awb, rms,
...) and festival through `text2wave`: its default voice, or another installed one by name (`kal_diphone`
is the default, from festvox-kallpc16k). Each runs as a subprocess writing a WAV file, which is read back
through the assistant's own converter (so 8 kHz flite kal and 22.05 kHz espeak-ng come out at 16 kHz).
Debian packages: espeak-ng, flite, festival and its voices (`make bench-deps`).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.audio.pcm import pcm16_to_float
from assistant.audio.source import read_wav_pcm16k

_TIMEOUT = 120


class SynthError(RuntimeError):
    """A synthesizer is missing or failed."""


@dataclass(frozen=True)
class Voice:
    """One synthetic voice: which engine, which voice of it, how fast."""

    engine: str
    """"espeak-ng", "flite" or "festival"."""
    name: str = ""
    """The engine's voice: an espeak-ng variant ("en-us", "en+f3"), a flite voice ("slt") or a festival voice
    ("kal_diphone"; empty: festival's default)."""
    rate: int | None = None
    """Words per minute (espeak-ng only)."""

    @property
    def label(self) -> str:
        """A short id for file names and reports: "espeak-en-us-175", "flite-slt", "festival"."""
        parts = [self.engine.replace("-ng", ""), self.name.replace("+", "_")]
        if self.rate:
            parts.append(str(self.rate))
        return "-".join(part for part in parts if part)


_PROGRAMS = {"espeak-ng": "espeak-ng", "flite": "flite", "festival": "text2wave"}


def available(voice: Voice) -> bool:
    """True when the voice's program is installed."""
    return shutil.which(_PROGRAMS[voice.engine]) is not None


def _command(voice: Voice, text: str, out: Path) -> tuple[list[str], str | None]:
    """The command line and its standard input."""
    if voice.engine == "espeak-ng":
        command = ["espeak-ng", "-v", voice.name or "en-us", "-w", str(out)]
        if voice.rate:
            command += ["-s", str(voice.rate)]
        return [*command, "--", text], None
    if voice.engine == "flite":
        return ["flite", "-voice", voice.name or "slt", "-t", text, "-o", str(out)], None
    if voice.engine == "festival":
        if voice.name and not re.fullmatch(r"\w+", voice.name):
            raise SynthError(f"not a festival voice name: {voice.name!r}")
        chosen = ["-eval", f"(voice_{voice.name})"] if voice.name else []
        return ["text2wave", *chosen, "-o", str(out)], text
    raise SynthError(f"unknown synthesizer {voice.engine!r}")


def synthesize(voice: Voice, text: str) -> np.ndarray:
    """The text spoken by the voice, as 16 kHz mono float32 samples (leading/trailing silence trimmed)."""
    if not available(voice):
        raise SynthError(f"{_PROGRAMS[voice.engine]} is not installed (make bench-deps)")
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "speech.wav"
        command, stdin = _command(voice, text, out)
        try:
            done = subprocess.run(
                command, input=stdin, text=True, check=True, capture_output=True, timeout=_TIMEOUT
            )
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as err:
            raise SynthError(f"{voice.label} failed on {text!r}: {err}") from None
        if not out.exists():  # text2wave exits 0 when the voice asked for is not installed
            raise SynthError(f"{voice.label} wrote nothing for {text!r}: {done.stderr.strip()[:200]}")
        return trim(pcm16_to_float(read_wav_pcm16k(out)))


def trim(samples: np.ndarray, threshold: float = 1e-3, margin: int = 160) -> np.ndarray:
    """Cuts leading and trailing near-silence, keeping `margin` samples (10 ms) either side."""
    loud = np.nonzero(np.abs(samples) > threshold)[0]
    if len(loud) == 0:
        return samples[:0]
    return samples[max(0, loud[0] - margin) : loud[-1] + margin + 1]
