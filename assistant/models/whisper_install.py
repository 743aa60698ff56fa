"""`models download whisper-tiny.en`: fetch the pinned upstream files, verify each, then move them into place.

Each file is fetched with the Vosk downloader (resume with HTTP ranges, timeouts, progress) into a staging
folder `models/.whisper-tiny.en.partial/`, kept across failures so the next run resumes. A file whose size
or SHA-256 is not the pinned one is deleted and the install stops; only when all four are right is the
staging folder renamed to `models/whisper-tiny.en`, so a half-downloaded model never has the real name.
"""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from assistant.errors import ModelError
from assistant.models.download import DownloadSettings, download_file
from assistant.models.progress import NoProgress, Progress
from assistant.models.whisper_model import (
    TINY_EN_FILES,
    UPSTREAM_URL,
    WHISPER_MODEL_NAME,
    file_problem,
    verify_whisper_model,
)

_LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True)
class WhisperInstall:
    """What `install_whisper_model` did."""

    path: Path
    already_installed: bool = False
    downloaded_bytes: int = 0
    """Bytes fetched this time (files resumed count only their new bytes)."""


def install_whisper_model(
    models_dir: Path,
    base_url: str = UPSTREAM_URL,
    *,
    force: bool = False,
    timeout: float = 30.0,
    progress_for: Callable[[str], Progress] | None = None,
) -> WhisperInstall:
    """Download the pinned tiny.en files from `base_url` (a folder URL ending in /) into models_dir."""
    target = models_dir / WHISPER_MODEL_NAME
    if target.exists() and not force:
        try:
            return WhisperInstall(verify_whisper_model(target), already_installed=True)
        except ModelError as err:
            raise ModelError(f"{err} (use --force to download it again)") from None
    staging = models_dir / f".{WHISPER_MODEL_NAME}.partial"
    try:
        staging.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise ModelError(f"cannot create {staging}: {err.strerror or err}") from None
    fetched = 0
    for pinned in TINY_EN_FILES:
        path = staging / pinned.name
        if file_problem(path, pinned) is None:
            continue
        part = staging / f"{pinned.name}.part"
        suffix = "." + pinned.name.rsplit(".", 1)[-1]
        settings = DownloadSettings(url=base_url + pinned.name, timeout=timeout, suffixes=(suffix,))
        progress = progress_for(pinned.name) if progress_for else NoProgress()
        result = download_file(settings, part, progress)
        fetched += result.size - result.resumed_from
        problem = file_problem(part, pinned)
        if problem is not None:
            part.unlink(missing_ok=True)
            raise ModelError(f"downloaded {pinned.name} is not the pinned file: {problem}; it was removed")
        os.replace(part, path)
    verify_whisper_model(staging)
    _place(staging, target)
    _LOGGER.info("installed %s (%d bytes fetched)", target, fetched)
    return WhisperInstall(target, downloaded_bytes=fetched)


def _place(staging: Path, target: Path) -> None:
    try:
        if target.exists():
            old = target.with_name(target.name + ".old")
            shutil.rmtree(old, ignore_errors=True)
            os.rename(target, old)
            os.rename(staging, target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.rename(staging, target)
    except OSError as err:
        raise ModelError(f"cannot install the model into {target}: {err.strerror or err}") from None
