"""The WAV-file audio source: 16 kHz mono chunks from any WAV, paced in real time on an injected clock."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import numpy as np
import pytest
from wav_builder import tone, wav_bytes, write

from assistant.audio.pcm import pcm16_to_float
from assistant.audio.source import WavSource, read_wav_pcm16k
from assistant.clock import VirtualClock
from assistant.errors import AudioError
from assistant.messages import SAMPLE_RATE, AudioChunk


def _peak_frequency(samples: np.ndarray) -> float:
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples))))
    return float(np.argmax(spectrum) * SAMPLE_RATE / len(samples))


def test_chunks_are_30_ms_contiguous_and_cover_the_file(tmp_path: Path) -> None:
    path = write(tmp_path / "a.wav", tone(440.0, 1.0, 22050), 22050)
    chunks = list(WavSource(path))
    assert all(chunk.samples == 480 for chunk in chunks[:-1])
    assert 0 < chunks[-1].samples <= 480
    assert all(chunk.rate == SAMPLE_RATE for chunk in chunks)
    starts = [chunk.timestamp for chunk in chunks]
    assert starts == pytest.approx([i * 0.03 for i in range(len(chunks))])
    assert sum(chunk.samples for chunk in chunks) == SAMPLE_RATE


@pytest.mark.parametrize(
    ("rate", "channels", "bits", "is_float"),
    [
        (44100, 2, 16, False),
        (8000, 1, 8, False),
        (48000, 1, 24, False),
        (22050, 1, 32, True),
        (16000, 6, 32, False),
    ],
)
def test_any_format_becomes_the_same_16k_tone(
    tmp_path: Path, rate: int, channels: int, bits: int, is_float: bool
) -> None:
    mono = tone(1000.0, 0.5, rate, amplitude=0.5)
    samples = np.repeat(mono[:, None], channels, axis=1) if channels > 1 else mono
    path = write(tmp_path / "f.wav", samples, rate, bits=bits, is_float=is_float, extensible=channels > 2)
    audio = pcm16_to_float(read_wav_pcm16k(path))
    assert len(audio) == SAMPLE_RATE // 2
    middle = audio[2000:-2000]
    assert _peak_frequency(middle) == pytest.approx(1000.0, abs=10)
    assert np.sqrt(np.mean(middle**2)) == pytest.approx(0.5 / np.sqrt(2), rel=0.03)


def test_read_wav_pcm16k_matches_the_source_chunks(tmp_path: Path) -> None:
    path = write(tmp_path / "a.wav", tone(300.0, 0.4, 44100), 44100)
    assert read_wav_pcm16k(path) == b"".join(chunk.audio for chunk in WavSource(path))


def test_a_bad_file_fails_when_the_source_is_made(tmp_path: Path) -> None:
    (tmp_path / "bad.wav").write_bytes(b"RIFF....not really")
    with pytest.raises(AudioError, match=r"bad\.wav"):
        WavSource(tmp_path / "bad.wav")
    with pytest.raises(AudioError, match=r"missing\.wav: no such file"):
        read_wav_pcm16k(tmp_path / "missing.wav")


def test_realtime_hands_each_chunk_out_when_it_would_have_been_captured(tmp_path: Path) -> None:
    path = write(tmp_path / "a.wav", tone(440.0, 0.5, 16000), 16000)
    clock = VirtualClock(start=100.0)
    seen: list[tuple[float, AudioChunk]] = []
    for chunk in WavSource(path, realtime=True, clock=clock):
        seen.append((clock.now() - 100.0, chunk))
    for handed_at, chunk in seen:
        assert handed_at == pytest.approx(chunk.timestamp + chunk.seconds)
    assert clock.now() - 100.0 == pytest.approx(0.5)


def test_realtime_does_not_sleep_when_the_consumer_is_slow(tmp_path: Path) -> None:
    path = write(tmp_path / "a.wav", tone(440.0, 0.3, 16000), 16000)
    clock = VirtualClock()
    count = 0
    for _chunk in WavSource(path, realtime=True, clock=clock):
        clock.advance(0.1)  # the consumer takes longer than a chunk lasts
        count += 1
    # Only the first chunk was waited for; the rest were late already and came at once.
    assert clock.now() == pytest.approx(0.03 + 0.1 * count)


def test_close_stops_iteration(tmp_path: Path) -> None:
    source = WavSource(write(tmp_path / "a.wav", tone(440.0, 1.0, 16000), 16000))
    count = 0
    for _chunk in source:
        count += 1
        if count == 3:
            source.close()
    assert count == 3


def test_a_ten_minute_file_streams_in_small_memory(tmp_path: Path) -> None:
    seconds = 600
    path = tmp_path / "long.wav"
    rng = np.random.default_rng(3)
    block = (rng.standard_normal(SAMPLE_RATE * 10) * 1000).astype("<i2").tobytes()
    with path.open("wb") as out:
        out.write(wav_bytes(np.zeros(0), SAMPLE_RATE, data_size=seconds * SAMPLE_RATE * 2))
        for _ in range(seconds // 10):
            out.write(block)
    source = WavSource(path)
    assert source.seconds == pytest.approx(seconds)
    tracemalloc.start()
    total = 0
    for chunk in source:
        total += chunk.samples
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert total == seconds * SAMPLE_RATE
    assert peak < 2_000_000  # the file is 19 MB
