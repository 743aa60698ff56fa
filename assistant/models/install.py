"""Installing a Vosk model into models/: download (resumable), verify, unpack to a temp folder, rename."""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from assistant.errors import ModelError
from assistant.models.download import DownloadSettings, download_file, file_sha256, verify_sha256
from assistant.models.finding import check_vosk_model
from assistant.models.progress import Progress
from assistant.models.safe_unzip import safe_unpack

_LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True)
class InstallResult:
    """What `install_vosk_model` did."""

    path: Path
    """The installed model folder."""
    already_installed: bool = False
    """True when a usable model was already there and nothing was downloaded."""
    downloaded_bytes: int = 0
    """Size of the archive."""
    resumed_from: int = 0
    """Bytes of the archive kept from an earlier, interrupted attempt."""
    sha256: str = ""
    """The archive's SHA-256."""
    verified: bool = False
    """True when that digest was checked against a known or given one."""


def install_vosk_model(
    models_dir: Path, settings: DownloadSettings, *, force: bool = False, progress: Progress | None = None
) -> InstallResult:
    """Download the archive at `settings.url` and unpack the model it holds into `models_dir`.

    The archive is fetched to `<name>.zip.part` (kept across failures so the next run resumes), checked
    against its SHA-256 when one is known, unpacked safely into a temporary folder inside `models_dir`, and
    only then renamed into place, so a half-unpacked model never appears under its real name.
    """
    archive_name = settings.archive_name()
    stem = archive_name.removesuffix(".zip")
    try:
        models_dir.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise ModelError(f"cannot create {models_dir}: {err.strerror or err}") from None
    existing = models_dir / stem
    if existing.exists() and not force:
        problems = check_vosk_model(existing)
        if not problems:
            return InstallResult(existing, already_installed=True)
        raise ModelError(
            f"{existing} exists but is broken ({'; '.join(problems)}): use --force to replace it"
        )

    expected = settings.expected_sha256()
    part = models_dir / f"{archive_name}.part"
    fetched = download_file(settings, part, progress)
    if expected is None:
        digest = file_sha256(part)
        _LOGGER.warning("no SHA-256 known for %s; only its size was checked (got %s)", archive_name, digest)
    else:
        digest = verify_sha256(part, expected)
    path = _unpack_and_place(part, models_dir, stem, force=force)
    part.unlink()
    return InstallResult(
        path,
        downloaded_bytes=fetched.size,
        resumed_from=fetched.resumed_from,
        sha256=digest,
        verified=expected is not None,
    )


def _unpack_and_place(archive: Path, models_dir: Path, stem: str, *, force: bool) -> Path:
    scratch = Path(tempfile.mkdtemp(prefix=f".{stem}.unpack-", dir=models_dir))
    try:
        safe_unpack(archive, scratch)
        entries = list(scratch.iterdir())
        # Published models hold one top folder; an archive of bare model files is named after the archive.
        single_folder = len(entries) == 1 and entries[0].is_dir()
        unpacked = entries[0] if single_folder else scratch
        name = entries[0].name if single_folder else stem
        problems = check_vosk_model(unpacked)
        if problems:
            raise ModelError(f"the archive holds no usable Vosk model: {'; '.join(problems)}")
        target = models_dir / name
        if target.exists():
            if not force:
                raise ModelError(f"{target} already exists: use --force to replace it")
            old = scratch.with_name(scratch.name + ".old")
            os.rename(target, old)
            os.rename(unpacked, target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.rename(unpacked, target)
        if unpacked == scratch:
            target.chmod(0o755)  # mkdtemp made it private
        return target
    except OSError as err:
        raise ModelError(f"cannot install the model into {models_dir}: {err.strerror or err}") from None
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
