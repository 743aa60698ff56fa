"""Benchmark: installing a ~1 MB model archive from a local HTTP server (download, SHA-256, safe unpack).

The real model host cannot be reached from here, so this measures the installer's own overhead on
loopback; a real download is bound by the network.
"""

from __future__ import annotations

import functools
import hashlib
import io
import os
import statistics
import tempfile
import threading
import time
import zipfile
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from assistant.models.download import DownloadSettings
from assistant.models.install import install_vosk_model

_NAME = "vosk-model-bench-0.1"
_LAYOUT = ("am/final.mdl", "conf/mfcc.conf", "conf/model.conf", "graph/HCLr.fst", "graph/Gr.fst", "README")


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def _archive(size: int) -> bytes:
    """A stored zip of a fake model tree whose files add up to about `size` random bytes."""
    buffer = io.BytesIO()
    share = size // len(_LAYOUT)
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name in _LAYOUT:
            archive.writestr(f"{_NAME}/{name}", os.urandom(share))
    return buffer.getvalue()


def _median_install_seconds(size: int, runs: int) -> tuple[float, int]:
    """Median seconds to install an archive of about `size` bytes from a loopback server, and its size."""
    with tempfile.TemporaryDirectory(prefix="bench-download-") as scratch:
        root = Path(scratch)
        served = root / "served"
        served.mkdir()
        body = _archive(size)
        (served / f"{_NAME}.zip").write_bytes(body)
        handler = functools.partial(_QuietHandler, directory=str(served))
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        thread.start()
        try:
            url = f"http://127.0.0.1:{server.server_address[1]}/{_NAME}.zip"
            settings = DownloadSettings(url=url, sha256=hashlib.sha256(body).hexdigest())
            times = []
            for attempt in range(runs):
                started = time.perf_counter()
                result = install_vosk_model(root / f"models-{attempt}", settings)
                times.append(time.perf_counter() - started)
                if not (result.verified and result.downloaded_bytes == len(body)):
                    raise RuntimeError(f"install of the benchmark archive went wrong: {result}")
        finally:
            server.shutdown()
            server.server_close()
    return statistics.median(times), len(body)


def run() -> dict[str, str]:
    figures = {}
    for size, runs in ((1_000_000, 5), (41_205_931, 3)):
        seconds, actual = _median_install_seconds(size, runs)
        label = f"Model install from loopback, {actual / 1e6:.1f} MB zip (download, SHA-256, unpack)"
        figures[label] = f"{seconds * 1000:.0f} ms median of {runs} ({actual / seconds / 1e6:.0f} MB/s)"
    return figures


if __name__ == "__main__":
    for name, value in run().items():
        print(f"{name}: {value}")
