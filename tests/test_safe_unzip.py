"""Safe unpacking of zip archives."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from local_http import zip_entries

from assistant.errors import ModelError
from assistant.models import safe_unzip as safe_unzip
from assistant.models.safe_unzip import safe_unpack, unsafe_reason


def entry(name: str, mode: int = 0o100644) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.external_attr = mode << 16
    return info


@pytest.mark.parametrize(
    ("name", "mode", "reason"),
    [
        ("model/am/final.mdl", 0o100644, None),
        ("model/graph/", 0o040755, None),
        ("model/..hidden", 0o100644, None),
        ("model\\..\\..\\evil", 0o100644, "a '..' path"),
        ("\\evil", 0o100644, "an absolute path"),
        ("d:evil", 0o100644, "an absolute path"),
        ("model/fifo", 0o010644, "a special file"),
        ("model/link", 0o120777, "a symbolic link"),
    ],
)
def test_unsafe_reason(name: str, mode: int, reason: str | None) -> None:
    assert unsafe_reason(entry(name, mode)) == reason


def test_entries_without_unix_mode_are_plain_files(tmp_path: Path) -> None:
    archive = tmp_path / "a.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr(zipfile.ZipInfo("m/a.txt"), b"hello")  # external_attr 0, as from some Windows tools
    (tmp_path / "out").mkdir()
    assert safe_unpack(archive, tmp_path / "out") == 1
    assert (tmp_path / "out/m/a.txt").read_bytes() == b"hello"


def test_an_archive_too_big_to_be_a_model_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    archive = tmp_path / "a.zip"
    archive.write_bytes(zip_entries({"m/a": b"x" * 1000, "m/b": b"y" * 1000}))
    monkeypatch.setattr(safe_unzip, "MAX_TOTAL_BYTES", 1500)
    (tmp_path / "out").mkdir()
    with pytest.raises(ModelError, match=r"would unpack to 2000 bytes"):
        safe_unpack(archive, tmp_path / "out")
    assert list((tmp_path / "out").iterdir()) == []


def test_a_corrupted_entry_is_a_model_error(tmp_path: Path) -> None:
    data = bytearray(zip_entries({"m/a": b"abcdefgh" * 100}))
    start = data.index(b"abcdefgh")
    data[start : start + 8] = b"ABCDEFGH"  # the stored bytes no longer match the CRC
    archive = tmp_path / "a.zip"
    archive.write_bytes(bytes(data))
    (tmp_path / "out").mkdir()
    with pytest.raises(ModelError, match=r"not a readable zip archive: Bad CRC-32"):
        safe_unpack(archive, tmp_path / "out")
