"""Installing a pinned Piper voice into models/: both files downloaded (resumable), verified, renamed.

Each file is fetched into `NAME.part` (kept across failures so the next run resumes), checked against
the SHA-256 the project pins for it, and only then renamed into place; the config comes first (small),
the model last, so a voice is never half there under its real name.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

from assistant.errors import ModelError
from assistant.models.download import DownloadSettings, download_file, file_sha256, verify_sha256
from assistant.models.progress import NoProgress, Progress
from assistant.voice.piper_voices import VOICES_URL, PinnedVoice, check_voice, pinned_voice, voice_at

_LOGGER = logging.getLogger(__name__)
PIPER_PREFIX = "piper:"


@dataclass(frozen=True)
class VoiceInstall:
    """What `install_piper_voice` did."""

    model: Path
    already_installed: bool = False
    downloaded_bytes: int = 0
    """Bytes fetched now (both files)."""
    resumed_from: int = 0
    """Bytes of the model kept from an earlier, interrupted attempt."""


def install_piper_voice(
    models_dir: Path,
    name: str,
    base_url: str = VOICES_URL,
    *,
    timeout: float = 30.0,
    force: bool = False,
    progress: Progress | None = None,
) -> VoiceInstall:
    """Download the pinned voice `name` from `base_url` (the voices repository) into `models_dir`."""
    pinned = pinned_voice(name)
    model = models_dir / f"{name}.onnx"
    try:
        models_dir.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise ModelError(f"cannot create {models_dir}: {err.strerror or err}") from None
    if model.exists() and not force:
        try:
            check_voice(voice_at(model))
        except ModelError as err:
            raise ModelError(f"{model} exists but is broken ({err}): use --force to replace it") from None
        return VoiceInstall(model, already_installed=True)
    base = base_url if base_url.endswith("/") else base_url + "/"
    fetched = 0
    resumed = 0
    for suffix, digest in ((".json", pinned.config_sha256), ("", pinned.model_sha256)):
        url = base + pinned.upstream_path + suffix
        target = Path(f"{model}{suffix}")
        if target.is_file() and not force and file_sha256(target) == digest:
            continue
        settings = DownloadSettings(url=url, sha256=digest, timeout=timeout, suffixes=(".onnx", ".onnx.json"))
        part = target.with_name(target.name + ".part")
        result = download_file(settings, part, progress if suffix == "" else NoProgress())
        verify_sha256(part, digest)
        os.replace(part, target)
        fetched += result.size - result.resumed_from
        resumed = result.resumed_from if suffix == "" else resumed
    check_voice(voice_at(model))
    _LOGGER.info("installed Piper voice %s in %s", name, models_dir)
    return VoiceInstall(model, downloaded_bytes=fetched, resumed_from=resumed)


def voice_name(target: str) -> str | None:
    """ "piper:NAME" -> NAME; None for anything else (the Vosk model)."""
    return target[len(PIPER_PREFIX) :] if target.startswith(PIPER_PREFIX) else None


__all__ = ["PIPER_PREFIX", "PinnedVoice", "VoiceInstall", "install_piper_voice", "voice_name"]
