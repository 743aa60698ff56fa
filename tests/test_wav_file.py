"""The RIFF/WAVE reader: every supported sample format decodes, every kind of bad file is one clear error."""

from __future__ import annotations

import os
import struct
from pathlib import Path

import numpy as np
import pytest
from wav_builder import tone, wav_bytes, write

from assistant.audio.pcm import pcm16_to_float
from assistant.audio.wav_file import WavInfo, decode_frames, iter_frames, read_wav_info, write_wav
from assistant.errors import AudioError


def _decode_whole(path: Path) -> np.ndarray:
    info = read_wav_info(path)
    return np.concatenate(list(iter_frames(info, 1000)))


@pytest.mark.parametrize(
    ("bits", "is_float", "extensible", "tolerance"),
    [
        (8, False, False, 1.5 / 128),
        (16, False, False, 1e-4),
        (24, False, False, 1e-6),
        (32, False, False, 1e-6),
        (32, True, False, 1e-6),
        (64, True, False, 1e-6),
        (32, True, True, 1e-6),
        (24, False, True, 1e-6),
    ],
)
def test_each_sample_format_decodes_to_the_same_waveform(
    tmp_path: Path, bits: int, is_float: bool, extensible: bool, tolerance: float
) -> None:
    signal = tone(440.0, 0.2, 16000, amplitude=0.6)
    path = write(tmp_path / "t.wav", signal, 16000, bits=bits, is_float=is_float, extensible=extensible)
    info = read_wav_info(path)
    assert (info.rate, info.channels, info.bits, info.is_float) == (16000, 1, bits, is_float)
    decoded = _decode_whole(path)
    assert decoded.dtype == np.float32
    assert len(decoded) == len(signal)
    assert np.max(np.abs(decoded - signal)) < tolerance


def test_negative_full_scale_24_bit_keeps_its_sign(tmp_path: Path) -> None:
    path = write(tmp_path / "t.wav", np.array([-1.0, -0.5, 0.5, 0.0]), 8000, bits=24)
    assert np.allclose(_decode_whole(path), [-1.0, -0.5, 0.5, 0.0], atol=1e-6)


def test_channels_are_averaged(tmp_path: Path) -> None:
    left = tone(300.0, 0.1, 8000, amplitude=0.8)
    stereo = np.stack([left, np.zeros_like(left)], axis=1)
    decoded = _decode_whole(write(tmp_path / "s.wav", stereo, 8000))
    assert np.allclose(decoded, left / 2, atol=1e-4)
    opposite = np.stack([left, -left, left, -left], axis=1)
    assert np.max(np.abs(_decode_whole(write(tmp_path / "q.wav", opposite, 8000)))) < 1e-4


def test_float_nan_and_overrange_are_made_safe(tmp_path: Path) -> None:
    path = write(tmp_path / "f.wav", np.array([np.nan, 3.0, -7.0, 0.25]), 16000, bits=32, is_float=True)
    assert np.allclose(_decode_whole(path), [0.0, 1.0, -1.0, 0.25])


def test_chunks_before_data_are_skipped_including_odd_padding(tmp_path: Path) -> None:
    signal = tone(500.0, 0.05, 16000)
    (tmp_path / "x.wav").write_bytes(wav_bytes(signal, 16000, extra_chunk=True))
    assert np.max(np.abs(_decode_whole(tmp_path / "x.wav") - signal)) < 1e-4


def test_streaming_writer_size_means_to_the_end_of_file(tmp_path: Path) -> None:
    signal = tone(500.0, 0.05, 16000)
    (tmp_path / "s.wav").write_bytes(wav_bytes(signal, 16000, data_size=0xFFFFFFFF))
    assert read_wav_info(tmp_path / "s.wav").frames == len(signal)


def test_a_trailing_partial_frame_is_ignored(tmp_path: Path) -> None:
    stereo = np.zeros((10, 2))
    raw = wav_bytes(stereo, 16000, data_size=41)  # 10 frames of 4 bytes and one stray byte
    (tmp_path / "p.wav").write_bytes(raw + b"\x01")
    assert read_wav_info(tmp_path / "p.wav").frames == 10


def test_write_wav_round_trips_pcm(tmp_path: Path) -> None:
    pcm = (np.arange(-50, 50, dtype="<i2") * 300).tobytes()
    write_wav(tmp_path / "w.wav", pcm)
    info = read_wav_info(tmp_path / "w.wav")
    assert (info.rate, info.channels, info.bits, info.frames) == (16000, 1, 16, 100)
    assert np.allclose(_decode_whole(tmp_path / "w.wav"), pcm16_to_float(pcm))


def test_decode_frames_ignores_an_incomplete_last_frame() -> None:
    info = WavInfo(Path("x.wav"), 16000, 1, 16, False, 44, 2)
    assert np.allclose(decode_frames(info, b"\x00\x01\x00\x02\x00"), [256 / 32768, 512 / 32768])


def _header(channels: int = 1, rate: int = 16000, bits: int = 16, tag: int = 1) -> bytes:
    block = max(channels, 1) * bits // 8
    fmt = struct.pack("<HHIIHH", tag, channels, rate, rate * block, channels * bits // 8, bits)
    data = b"\x00\x01" * 100
    body = b"WAVE" + b"fmt " + struct.pack("<I", 16) + fmt + b"data" + struct.pack("<I", len(data)) + data
    return b"RIFF" + struct.pack("<I", len(body)) + body


_GOOD = wav_bytes(tone(440.0, 0.1, 16000), 16000)
_BAD_FILES = {
    "empty": (b"", "empty"),
    "text": (b"this is just some text, not audio\n" * 3, "not a WAV file"),
    "random": (bytes(np.random.default_rng(7).integers(0, 256, 4000, dtype=np.uint8)), "not a WAV file"),
    "cut_header": (_GOOD[:30], "truncated"),
    "cut_data": (_GOOD[: len(_GOOD) // 2], "truncated"),
    "no_data": (_GOOD[:36], "no data chunk"),
    "zero_channels": (_header(channels=0), "channel count 0"),
    "absurd_rate": (_header(rate=3), "sample rate 3 Hz"),
    "huge_rate": (_header(rate=50_000_000), "sample rate 50000000 Hz"),
    "adpcm": (_header(tag=2, bits=16), "format tag 0x2"),
    "odd_bits": (_header(bits=12), "12 bits"),
    "no_frames": (wav_bytes(np.zeros(0), 16000), "no audio"),
}


@pytest.mark.parametrize("name", sorted(_BAD_FILES))
def test_bad_files_raise_one_line_naming_the_file(tmp_path: Path, name: str) -> None:
    content, expected = _BAD_FILES[name]
    path = tmp_path / f"{name}.wav"
    path.write_bytes(content)
    with pytest.raises(AudioError) as caught:
        read_wav_info(path)
    message = str(caught.value)
    assert message.startswith(str(path) + ": ")
    assert expected in message
    assert "\n" not in message


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(AudioError, match="no such file"):
        read_wav_info(tmp_path / "nope.wav")
    with pytest.raises(AudioError, match="is a directory"):
        read_wav_info(tmp_path)


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read any file")
def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "locked.wav"
    path.write_bytes(_GOOD)
    path.chmod(0)
    with pytest.raises(AudioError, match="cannot read"):
        read_wav_info(path)
