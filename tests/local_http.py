"""A local HTTP server on 127.0.0.1 for download tests: byte ranges, cut connections, stalls, 404s."""

from __future__ import annotations

import io
import re
import threading
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


@dataclass
class ServedFile:
    """One file the server offers, and how it misbehaves."""

    body: bytes
    honour_range: bool = True
    """False: answer every request with the whole file (200), like a server without range support."""
    cut_after: int | None = None
    """Close the connection after sending this many body bytes, once (then serve normally)."""
    stall_seconds: float = 0.0
    """Send the headers, then wait this long before any body byte."""


@dataclass
class LocalServer:
    """The running server: register files, build URLs, and see what was asked."""

    port: int
    files: dict[str, ServedFile] = field(default_factory=dict)
    requests: list[tuple[str, str | None]] = field(default_factory=list)
    """(path, Range header) of each GET."""

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def serve(self, path: str, body: bytes, **options: object) -> str:
        self.files[path] = ServedFile(body, **options)  # type: ignore[arg-type]
        return self.url(path)


@contextmanager
def local_server() -> Iterator[LocalServer]:
    state = LocalServer(port=0)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state.requests.append((self.path, self.headers.get("Range")))
            served = state.files.get(self.path)
            if served is None:
                self.send_error(404, "Not Found")
                return
            body, start = served.body, 0
            match = re.fullmatch(r"bytes=(\d+)-", self.headers.get("Range") or "")
            if match and served.honour_range:
                start = int(match.group(1))
                if start >= len(body):
                    self.send_response(416)
                    self.send_header("Content-Range", f"bytes */{len(body)}")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(206)
                self.send_header("Content-Range", f"bytes {start}-{len(body) - 1}/{len(body)}")
            else:
                self.send_response(200)
            self.send_header("Content-Type", "application/zip")
            self.send_header("Content-Length", str(len(body) - start))
            self.end_headers()
            if served.stall_seconds:
                time.sleep(served.stall_seconds)
            payload = body[start:]
            if served.cut_after is not None:
                payload, served.cut_after = payload[: served.cut_after], None
                self.close_connection = True
            with suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(payload)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


def zip_folder(folder: Path, *, top: str | None = None, method: int = zipfile.ZIP_STORED) -> bytes:
    """A zip of every file under `folder`, each entry under `top/` (default: the folder's name)."""
    prefix = folder.name if top is None else top
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for path in sorted(folder.rglob("*")):
            relative = path.relative_to(folder).as_posix()
            name = f"{prefix}/{relative}" if prefix else relative
            if path.is_dir():
                archive.writestr(name + "/", b"")
            else:
                archive.write(path, name)
    return buffer.getvalue()


def zip_entries(entries: dict[str, bytes], *, symlinks: tuple[str, ...] = ()) -> bytes:
    """A zip holding exactly these names (no checks: for building hostile archives)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            info = zipfile.ZipInfo(name)
            info.external_attr = ((0o120777 if name in symlinks else 0o100644) & 0xFFFF) << 16
            archive.writestr(info, data)
    return buffer.getvalue()
