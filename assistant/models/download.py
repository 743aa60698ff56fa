"""Downloading a model archive over HTTP(S) with the standard library: resume, timeouts, SHA-256 check."""

from __future__ import annotations

import hashlib
import http.client
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.error import HTTPError, URLError
from urllib.parse import unquote, urlsplit
from urllib.request import Request, urlopen

from assistant import __version__
from assistant.errors import ModelError
from assistant.models.progress import NoProgress, Progress

_LOGGER = logging.getLogger(__name__)

DEFAULT_URL = "https://alphacephei.com/vosk/models/vosk-model-small-en-us-0.15.zip"


@dataclass(frozen=True)
class KnownArchive:
    """A published archive whose digest and size we know."""

    sha256: str
    size: int


KNOWN_ARCHIVES = {
    # The published vosk-model-small-en-us-0.15.zip, as recorded independently by several projects
    # (alphacephei publishes no digest of its own).
    "vosk-model-small-en-us-0.15.zip": KnownArchive(
        sha256="30f26242c4eb449f948e42cb302dd7a686cb29a3423a8367f99ff41780942498", size=41_205_931
    ),
}


@dataclass(frozen=True)
class DownloadSettings:
    """Where a model archive comes from and how to fetch it."""

    url: str = DEFAULT_URL
    """An http(s) URL ending in .zip."""
    sha256: str | None = None
    """Expected SHA-256 (hex); None uses the known digest for the archive's file name, if any."""
    timeout: float = 30.0
    """Seconds to wait for the connection and for each read."""
    chunk_bytes: int = 64 * 1024
    """Bytes read per call."""
    suffixes: tuple[str, ...] = (".zip",)
    """What the URL's file name may end with (a Vosk archive; a Piper voice's .onnx and .onnx.json)."""

    def archive_name(self) -> str:
        """The file name from the URL (ModelError unless an http(s) URL of a file with one of `suffixes`)."""
        parts = urlsplit(self.url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ModelError(f"not an http(s) URL: {self.url}")
        name = unquote(parts.path.rsplit("/", 1)[-1])
        suffix = next((s for s in self.suffixes if name.endswith(s) and len(name) > len(s)), None)
        if suffix is None or "/" in name or "\\" in name:
            kinds = " or ".join(self.suffixes)
            what = "a .zip archive" if self.suffixes == (".zip",) else f"a {kinds} file"
            raise ModelError(f"the URL must name {what}: {self.url}")
        return name

    def expected_sha256(self) -> str | None:
        if self.sha256 is not None:
            digest = self.sha256.strip().lower()
            if not re.fullmatch(r"[0-9a-f]{64}", digest):
                raise ModelError(f"not a SHA-256 digest (64 hex digits): {self.sha256}")
            return digest
        known = KNOWN_ARCHIVES.get(self.archive_name())
        return known.sha256 if known else None


@dataclass(frozen=True)
class DownloadResult:
    """A complete download in its .part file."""

    path: Path
    size: int
    """Bytes in the file."""
    resumed_from: int
    """Bytes that were already on disk from an earlier attempt (0 for a fresh download)."""


def download_file(
    settings: DownloadSettings, part: Path, progress: Progress | None = None, *, _retried: bool = False
) -> DownloadResult:
    """Fetch `settings.url` into `part`, resuming a partial file with an HTTP Range request.

    A server that ignores the range sends the whole file again, which replaces the partial one. An
    interrupted download keeps its bytes for the next attempt and raises a ModelError saying so.
    """
    progress = progress or NoProgress()
    url = settings.url
    settings.archive_name()
    offset = part.stat().st_size if part.is_file() else 0
    headers = {"User-Agent": f"cramp-assistant/{__version__}", "Accept-Encoding": "identity"}
    if offset:
        headers["Range"] = f"bytes={offset}-"
    try:
        response = urlopen(Request(url, headers=headers), timeout=settings.timeout)
    except HTTPError as err:
        with err:
            if err.code == 416 and offset and not _retried:
                if _range_total(err.headers.get("Content-Range")) == offset:
                    return DownloadResult(part, offset, offset)
                _LOGGER.info("server refused to resume %s; starting again", part.name)
                part.unlink()
                return download_file(settings, part, progress, _retried=True)
            raise ModelError(f"download failed: HTTP {err.code} {err.reason} from {url}") from None
    except URLError as err:
        host = urlsplit(url).netloc
        raise ModelError(f"download failed: cannot reach {host}: {_reason(err.reason)}") from None
    except (TimeoutError, OSError, http.client.HTTPException) as err:
        raise ModelError(f"download failed: {urlsplit(url).netloc}: {_reason(err)}") from None
    with response:
        start, total = 0, _int_or_none(response.headers.get("Content-Length"))
        if response.status == 206:
            first, total = _content_range(response.headers.get("Content-Range"))
            if first != offset:
                raise ModelError(f"download failed: the server resumed at byte {first}, not {offset}")
            start = offset
        elif offset:
            _LOGGER.info("server ignored the range request; downloading %s from the start", part.name)
        done = start
        progress.start(done, total)
        try:
            with part.open("ab" if start else "wb") as out:
                while chunk := response.read(settings.chunk_bytes):
                    out.write(chunk)
                    done += len(chunk)
                    progress.update(done)
        except (TimeoutError, OSError, http.client.HTTPException) as err:
            raise _interrupted(done, total, _reason(err)) from None
        finally:
            progress.finish()
    if total is not None and done != total:
        raise _interrupted(done, total, "the connection closed early")
    return DownloadResult(part, done, offset if start else 0)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as data:
        while block := data.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def verify_sha256(path: Path, expected: str) -> str:
    """The file's digest; a mismatch deletes the file (it cannot be resumed into a good one) and raises."""
    actual = file_sha256(path)
    if actual != expected:
        path.unlink()
        raise ModelError(
            f"checksum mismatch for {path.name}: expected {expected}, got {actual}; the download was removed"
        )
    return actual


def _interrupted(done: int, total: int | None, why: str) -> ModelError:
    of = f" of {total}" if total is not None else ""
    return ModelError(
        f"download interrupted after {done}{of} bytes ({why}); run the same command again to resume"
    )


def _content_range(value: str | None) -> tuple[int, int | None]:
    """(first byte, total) from "bytes 100-199/200"; total None when given as "*"."""
    match = re.fullmatch(r"\s*bytes\s+(\d+)-\d+/(\d+|\*)\s*", value or "")
    if not match:
        raise ModelError(f"download failed: the server sent an unreadable Content-Range: {value!r}")
    return int(match.group(1)), _int_or_none(match.group(2))


def _range_total(value: str | None) -> int | None:
    """The total of an unsatisfiable range's "bytes */200" header, None when absent or unreadable."""
    match = re.fullmatch(r"\s*bytes\s+\*/(\d+)\s*", value or "")
    return int(match.group(1)) if match else None


def _int_or_none(value: str | None) -> int | None:
    return int(value) if value is not None and value.strip().isdigit() else None


def _reason(reason: object) -> str:
    """A short reason for a network error: "Connection refused", "timed out", ..."""
    strerror = getattr(reason, "strerror", None)
    if isinstance(strerror, str) and strerror:
        return strerror
    return str(reason) or type(reason).__name__
