"""Settings: one frozen dataclass per subsystem, built once (from TOML and the command line) and passed down.

The TOML loader lives in `settings_file.py`; this module only defines the shapes and their defaults.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path


def project_root() -> Path:
    """The folder holding content/ and models/ (the repository, for an editable install)."""
    return Path(__file__).resolve().parent.parent


CONTENT_ENV = "CRAMP_ASSISTANT_CONTENT"
"""Environment variable naming another content folder (for testing edited content)."""


def content_dir() -> Path:
    """The content folder: $CRAMP_ASSISTANT_CONTENT, else content/ in the project."""
    override = os.environ.get(CONTENT_ENV)
    return Path(override) if override else project_root() / "content"


@dataclass(frozen=True)
class MicSettings:
    """Audio input."""

    device: str | int | None = None
    """Input device by name (substring) or index; None for the system default."""
    block_ms: int = 30
    """Capture block length in milliseconds."""


@dataclass(frozen=True)
class EndpointSettings:
    """End-of-speech detection."""

    trailing_silence: float = 0.6
    """Seconds of silence that end an utterance."""
    max_seconds: float = 12.0
    """An utterance is cut at this length."""
    min_speech: float = 0.2
    """Shorter bursts (a click, a cough) are ignored; quick monosyllables ("stop") last about 0.25 s."""
    pre_roll: float = 0.3
    """Seconds of audio kept before the detected start."""


ENGINES = ("auto", "pocketsphinx", "whisper", "vosk")
"""The speech recognition engines `recognizer.engine` (and `--engine`) may name."""


@dataclass(frozen=True)
class RecognizerSettings:
    """Speech recognition."""

    engine: str = "auto"
    """"auto" (Vosk when its model is present, else pocketsphinx with Whisper as the second opinion where
    it is installed, else pocketsphinx alone), "pocketsphinx", "whisper" or "vosk"."""
    model: Path | None = None
    """A Vosk model folder (a Whisper one with engine "whisper"); None looks in models_dir."""
    models_dir: Path = field(default_factory=lambda: project_root() / "models")
    """Where downloaded models and generated language models live."""
    noise_suppression: bool = True
    """RNNoise in front of recognition, for utterances whose measured noise floor calls for it."""
    second_opinion: bool = True
    """With "auto": Whisper (when installed) transcribes what pocketsphinx doubted."""


@dataclass(frozen=True)
class VoiceSettings:
    """Speech output."""

    device: str | int | None = None
    """Output device by name (substring) or index; None for the system default."""
    voice: str | None = None
    """An espeak-ng voice name; None for the default English voice."""
    rate: int = 165
    """Words per minute by day."""
    volume: float = 0.9
    """0..1 by day."""
    night_rate: int = 140
    """Words per minute during night hours (slower)."""
    night_volume: float = 0.6
    """0..1 during night hours (softer)."""
    night_start: int = 22
    """Hour (0-23) the night profile starts."""
    night_end: int = 7
    """Hour (0-23) the night profile ends."""
    earcons: bool = True
    """Soft tones when listening starts and when a hold ends."""
    engine: str = "auto"
    """"auto" (Piper when a voice is present, else espeak-ng), "piper" or "espeak"."""
    piper_model: Path | None = None
    """A Piper voice (NAME.onnx beside NAME.onnx.json); None looks in models/, then the packaged voice."""
    piper_sha256: str | None = None
    """SHA-256 of piper_model when it is not a voice the project pins; None for pinned voices."""


@dataclass(frozen=True)
class RoutineSettings:
    """Guided stretches."""

    hold_seconds: float | None = None
    """Override of each exercise's hold, within the article's range; None keeps the content's default."""


@dataclass(frozen=True)
class DialogSettings:
    """Conversation and safety."""

    emergency_number: str = "999"
    """Said in red-flag answers: 999 in the UK, 911 in the US, 112 in the EU."""
    urgent_care: str = "NHS 111"
    """Said for urgent, non-emergency care."""
    wake_phrase: str | None = None
    """Optional phrase needed before a question outside a routine; None (the default) needs none."""
    follow_up_seconds: float = 8.0
    """After an answer, this long to ask a follow-up without the wake phrase."""


@dataclass(frozen=True)
class LogSettings:
    """The opt-in local cramp log."""

    enabled: bool = False
    """Record time, body part and side of each reported cramp."""
    path: Path = field(default_factory=lambda: Path.home() / ".local/share/cramp-assistant/cramps.sqlite3")
    """Where the log is kept; it never leaves the device."""


@dataclass(frozen=True)
class Settings:
    """Every subsystem's settings."""

    mic: MicSettings = field(default_factory=MicSettings)
    endpoint: EndpointSettings = field(default_factory=EndpointSettings)
    recognizer: RecognizerSettings = field(default_factory=RecognizerSettings)
    voice: VoiceSettings = field(default_factory=VoiceSettings)
    routine: RoutineSettings = field(default_factory=RoutineSettings)
    dialog: DialogSettings = field(default_factory=DialogSettings)
    log: LogSettings = field(default_factory=LogSettings)
