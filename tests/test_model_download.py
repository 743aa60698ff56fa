"""Installing a Vosk model from a local HTTP server: resume, checksums, hostile archives, network errors."""

from __future__ import annotations

import hashlib
import logging
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fake_vosk import make_model_tree
from local_http import LocalServer, local_server, zip_entries, zip_folder

from assistant.errors import ModelError
from assistant.models.download import DownloadSettings
from assistant.models.finding import check_vosk_model
from assistant.models.install import install_vosk_model

NAME = "vosk-model-test-0.1"


@pytest.fixture
def server() -> Iterator[LocalServer]:
    with local_server() as running:
        yield running


@pytest.fixture
def archive(tmp_path: Path) -> bytes:
    """A stored (uncompressed) zip of a fake model, about 200 kB."""
    return zip_folder(make_model_tree(tmp_path / "src" / NAME, fill=20_000))


def settings_for(url: str, body: bytes | None = None, **options: Any) -> DownloadSettings:
    digest = hashlib.sha256(body).hexdigest() if body is not None else None
    return DownloadSettings(url=url, sha256=digest, chunk_bytes=4096, **options)


def leftovers(models: Path) -> list[str]:
    return sorted(p.name for p in models.iterdir()) if models.exists() else []


def test_a_model_is_downloaded_verified_and_unpacked(
    server: LocalServer, archive: bytes, tmp_path: Path
) -> None:
    url = server.serve(f"/{NAME}.zip", archive)
    models = tmp_path / "models"
    result = install_vosk_model(models, settings_for(url, archive))
    assert result.path == models / NAME
    assert check_vosk_model(result.path) == []
    assert (result.path / "am/final.mdl").read_bytes() == (
        tmp_path / "src" / NAME / "am/final.mdl"
    ).read_bytes()
    assert (result.verified, result.downloaded_bytes, result.resumed_from) == (True, len(archive), 0)
    assert result.sha256 == hashlib.sha256(archive).hexdigest()
    assert leftovers(models) == [NAME]


def test_an_interrupted_download_resumes_with_a_range_request(
    server: LocalServer, archive: bytes, tmp_path: Path
) -> None:
    url = server.serve(f"/{NAME}.zip", archive, cut_after=len(archive) // 3)
    models = tmp_path / "models"
    with pytest.raises(ModelError, match=r"interrupted after .* run the same command again to resume"):
        install_vosk_model(models, settings_for(url, archive))
    part = models / f"{NAME}.zip.part"
    assert part.stat().st_size == len(archive) // 3
    result = install_vosk_model(models, settings_for(url, archive))
    assert server.requests[-1] == (f"/{NAME}.zip", f"bytes={len(archive) // 3}-")
    assert result.resumed_from == len(archive) // 3
    assert result.verified and check_vosk_model(result.path) == []
    assert leftovers(models) == [NAME]


def test_a_server_ignoring_the_range_replaces_the_partial_file(
    server: LocalServer, archive: bytes, tmp_path: Path
) -> None:
    url = server.serve(f"/{NAME}.zip", archive, honour_range=False)
    models = tmp_path / "models"
    models.mkdir()
    (models / f"{NAME}.zip.part").write_bytes(b"stale bytes from some other file")
    result = install_vosk_model(models, settings_for(url, archive))
    assert server.requests[0][1] == "bytes=32-"
    assert result.resumed_from == 0 and result.verified


def test_a_complete_partial_file_is_not_fetched_again(
    server: LocalServer, archive: bytes, tmp_path: Path
) -> None:
    url = server.serve(f"/{NAME}.zip", archive)
    models = tmp_path / "models"
    models.mkdir()
    (models / f"{NAME}.zip.part").write_bytes(archive)
    result = install_vosk_model(models, settings_for(url, archive))
    assert result.resumed_from == len(archive)
    assert check_vosk_model(result.path) == []


def test_a_checksum_mismatch_removes_the_download(
    server: LocalServer, archive: bytes, tmp_path: Path
) -> None:
    url = server.serve(f"/{NAME}.zip", archive)
    models = tmp_path / "models"
    with pytest.raises(ModelError, match=r"checksum mismatch .* expected 0{64}, got [0-9a-f]{64}"):
        install_vosk_model(models, DownloadSettings(url=url, sha256="0" * 64))
    assert leftovers(models) == []


def test_the_published_model_name_is_checked_against_its_known_digest(
    server: LocalServer, archive: bytes, tmp_path: Path
) -> None:
    url = server.serve("/models/vosk-model-small-en-us-0.15.zip", archive)
    with pytest.raises(ModelError, match=r"checksum mismatch .* expected 30f26242c4eb"):
        install_vosk_model(tmp_path / "models", DownloadSettings(url=url))


def test_without_a_digest_the_download_is_installed_unverified(
    server: LocalServer, archive: bytes, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    url = server.serve(f"/{NAME}.zip", archive)
    with caplog.at_level(logging.WARNING):
        result = install_vosk_model(tmp_path / "models", settings_for(url))
    assert not result.verified
    assert any("no SHA-256 known" in record.getMessage() for record in caplog.records)


@pytest.mark.parametrize(
    ("entries", "symlinks", "reason"),
    [
        ({"../evil": b"x"}, (), "a '..' path"),
        ({f"{NAME}/../../evil": b"x"}, (), "a '..' path"),
        ({"/tmp/evil": b"x"}, (), "an absolute path"),
        ({"C:/evil": b"x"}, (), "an absolute path"),
        ({f"{NAME}/link": b"../../../etc/passwd"}, (f"{NAME}/link",), "a symbolic link"),
    ],
)
def test_hostile_archives_are_refused_before_anything_is_written(
    server: LocalServer,
    tmp_path: Path,
    entries: dict[str, bytes],
    symlinks: tuple[str, ...],
    reason: str,
) -> None:
    body = zip_entries({f"{NAME}/am/final.mdl": b"model", **entries}, symlinks=symlinks)
    url = server.serve(f"/{NAME}.zip", body)
    models = tmp_path / "a" / "models"
    with pytest.raises(ModelError, match=rf"refusing to unpack the archive: entry .* is {reason}"):
        install_vosk_model(models, settings_for(url, body))
    assert not (tmp_path / "a" / "evil").exists() and not (tmp_path / "evil").exists()
    assert leftovers(models) == [f"{NAME}.zip.part"]


def test_an_archive_without_a_model_is_refused(server: LocalServer, tmp_path: Path) -> None:
    body = zip_entries({f"{NAME}/README": b"no model here"})
    url = server.serve(f"/{NAME}.zip", body)
    with pytest.raises(ModelError, match=r"holds no usable Vosk model: missing am/final.mdl"):
        install_vosk_model(tmp_path / "models", settings_for(url, body))
    assert not (tmp_path / "models" / NAME).exists()


def test_something_that_is_not_a_zip_is_refused(server: LocalServer, tmp_path: Path) -> None:
    body = b"<html>a captive portal login page</html>"
    url = server.serve(f"/{NAME}.zip", body)
    with pytest.raises(ModelError, match=r"not a readable zip archive"):
        install_vosk_model(tmp_path / "models", settings_for(url, body))


def test_an_archive_of_bare_model_files_is_named_after_the_archive(
    server: LocalServer, tmp_path: Path
) -> None:
    body = zip_folder(make_model_tree(tmp_path / "src"), top="")
    url = server.serve(f"/{NAME}.zip", body)
    result = install_vosk_model(tmp_path / "models", settings_for(url, body))
    assert result.path == tmp_path / "models" / NAME
    assert check_vosk_model(result.path) == []
    assert result.path.stat().st_mode & 0o777 == 0o755


def test_an_installed_model_is_kept_unless_forced(
    server: LocalServer, archive: bytes, tmp_path: Path
) -> None:
    url = server.serve(f"/{NAME}.zip", archive)
    models = tmp_path / "models"
    make_model_tree(models / NAME, fill=1)
    assert install_vosk_model(models, settings_for(url, archive)).already_installed
    assert server.requests == []
    result = install_vosk_model(models, settings_for(url, archive), force=True)
    assert not result.already_installed
    assert (result.path / "am/final.mdl").stat().st_size == 20_000
    assert leftovers(models) == [NAME]


def test_a_broken_model_in_the_way_needs_force(server: LocalServer, archive: bytes, tmp_path: Path) -> None:
    url = server.serve(f"/{NAME}.zip", archive)
    (tmp_path / "models" / NAME).mkdir(parents=True)
    with pytest.raises(ModelError, match=r"exists but is broken .* use --force"):
        install_vosk_model(tmp_path / "models", settings_for(url, archive))


def test_http_404_is_one_line(server: LocalServer, tmp_path: Path) -> None:
    with pytest.raises(
        ModelError, match=r"^download failed: HTTP 404 Not Found from http://127\.0\.0\.1:\d+/x\.zip$"
    ):
        install_vosk_model(tmp_path / "models", DownloadSettings(url=server.url("/x.zip")))


def test_a_refused_connection_is_one_line(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/{NAME}.zip"
    with pytest.raises(
        ModelError, match=rf"^download failed: cannot reach 127.0.0.1:{port}: Connection refused$"
    ):
        install_vosk_model(tmp_path / "models", DownloadSettings(url=url))


def test_a_stalled_server_times_out(server: LocalServer, archive: bytes, tmp_path: Path) -> None:
    url = server.serve(f"/{NAME}.zip", archive, stall_seconds=1.0)
    with pytest.raises(ModelError, match=r"interrupted after 0 of \d+ bytes \(timed out\)"):
        install_vosk_model(tmp_path / "models", settings_for(url, archive, timeout=0.2))


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("ftp://example.org/m.zip", "not an http"),
        ("file:///etc/passwd", "not an http"),
        ("https://example.org/models/", "must name a .zip"),
        ("https://example.org/m.tar.gz", "must name a .zip"),
        ("https://example.org/..%2F..%2Fevil.zip", "must name a .zip"),
    ],
)
def test_bad_urls_are_refused_before_any_network_use(tmp_path: Path, url: str, problem: str) -> None:
    with pytest.raises(ModelError, match=problem):
        install_vosk_model(tmp_path / "models", DownloadSettings(url=url))
    assert not (tmp_path / "models").exists()


def test_a_malformed_digest_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match=r"not a SHA-256 digest"):
        install_vosk_model(
            tmp_path / "models", DownloadSettings(url="http://127.0.0.1:9/m.zip", sha256="abc")
        )
