"""Unpacking a zip archive without letting any entry escape the target folder."""

from __future__ import annotations

import re
import shutil
import stat
import zipfile
import zlib
from pathlib import Path, PurePosixPath

from assistant.errors import ModelError

MAX_ENTRIES = 20_000
MAX_TOTAL_BYTES = 4 * 1024**3
"""Refuse archives that would unpack to more than this (a zip bomb rather than a model)."""


def unsafe_reason(info: zipfile.ZipInfo) -> str | None:
    """Why an entry must not be unpacked, or None when it is safe.

    Absolute paths, drive letters, ".." components and symbolic links (whose target could point anywhere)
    are all refused; a model archive needs none of them.
    """
    name = info.filename.replace("\\", "/")
    if not name or name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        return "an absolute path"
    if ".." in PurePosixPath(name).parts:
        return "a '..' path"
    if "\x00" in name:
        return "a NUL byte in its name"
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_IFMT(mode) not in (0, stat.S_IFREG, stat.S_IFDIR):  # 0: no file type recorded
        return "a special file"
    return None


def safe_unpack(archive: Path, destination: Path) -> int:
    """Unpack every entry of `archive` under the existing folder `destination`; returns the files written.

    Every entry is checked before anything is written, so a refused archive leaves nothing behind.
    """
    root = destination.resolve()
    try:
        with zipfile.ZipFile(archive) as zipped:
            entries = zipped.infolist()
            _check_entries(entries, root)
            written = 0
            for info in entries:
                target = root / info.filename.replace("\\", "/")
                if info.is_dir():
                    target.mkdir(parents=True, exist_ok=True)
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                with zipped.open(info) as source, target.open("wb") as out:
                    shutil.copyfileobj(source, out, 1 << 20)
                written += 1
            return written
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as err:
        raise ModelError(f"{archive.name} is not a readable zip archive: {err}") from None
    except OSError as err:
        raise ModelError(f"cannot unpack {archive.name} into {destination}: {err}") from None


def _check_entries(entries: list[zipfile.ZipInfo], root: Path) -> None:
    if len(entries) > MAX_ENTRIES:
        raise ModelError(f"the archive holds {len(entries)} entries, more than a model has ({MAX_ENTRIES})")
    total = sum(info.file_size for info in entries)
    if total > MAX_TOTAL_BYTES:
        raise ModelError(f"the archive would unpack to {total} bytes, more than {MAX_TOTAL_BYTES}")
    for info in entries:
        reason = unsafe_reason(info)
        if reason is None:
            target = (root / info.filename.replace("\\", "/")).resolve()
            if target != root and root not in target.parents:
                reason = "a path outside the target folder"
        if reason is not None:
            raise ModelError(f"refusing to unpack the archive: entry {info.filename!r} is {reason}")
