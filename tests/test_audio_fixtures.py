"""The committed spoken fixtures: every file reads, format variants agree, the endpointer finds the speech."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from assistant.audio.pcm import pcm16_to_float
from assistant.audio.source import WavSource, read_wav_pcm16k
from assistant.audio.wav_file import read_wav_info
from assistant.hearing.endpointer import utterances

AUDIO = Path(__file__).parent / "audio"


def _manifest() -> list[list[str]]:
    with (AUDIO / "MANIFEST.tsv").open() as handle:
        return [row for row in csv.reader(handle, delimiter="\t") if row and not row[0].startswith("#")]


MANIFEST = _manifest()
SPOKEN = [row[0] for row in MANIFEST if row[0].startswith("q_")]


def test_manifest_lists_every_wav_with_four_fields() -> None:
    assert sorted(row[0] for row in MANIFEST) == sorted(path.name for path in AUDIO.glob("*.wav"))
    assert all(len(row) == 4 for row in MANIFEST)
    # A size budget for the repository: 3.2 MB since the bedtime-routine and 8 kHz stereo fixtures.
    assert sum(path.stat().st_size for path in AUDIO.iterdir()) < 3_200_000


def test_format_variants_are_what_they_claim() -> None:
    layouts = {}
    for name in ("fmt_u8_11k.wav", "fmt_s24_16k.wav", "fmt_f32_22k.wav", "fmt_stereo_44k.wav"):
        info = read_wav_info(AUDIO / name)
        layouts[name] = (info.rate, info.channels, info.bits, info.is_float)
    assert layouts == {
        "fmt_u8_11k.wav": (11025, 1, 8, False),
        "fmt_s24_16k.wav": (16000, 1, 24, False),
        "fmt_f32_22k.wav": (22050, 1, 32, True),
        "fmt_stereo_44k.wav": (44100, 2, 16, False),
    }


@pytest.mark.parametrize(
    ("name", "similarity"),
    [
        ("fmt_s24_16k.wav", 0.999),
        ("fmt_f32_22k.wav", 0.99),
        ("fmt_stereo_44k.wav", 0.99),
        ("fmt_u8_11k.wav", 0.9),
    ],
)
def test_format_variants_decode_to_the_original(name: str, similarity: float) -> None:
    original = pcm16_to_float(read_wav_pcm16k(AUDIO / "q_causes.wav"))
    variant = pcm16_to_float(read_wav_pcm16k(AUDIO / name))
    assert abs(len(variant) - len(original)) <= 2
    n = min(len(variant), len(original))
    correlation = np.dot(original[:n], variant[:n]) / (
        np.linalg.norm(original[:n]) * np.linalg.norm(variant[:n])
    )
    assert correlation > similarity


@pytest.mark.parametrize("name", SPOKEN)
def test_each_spoken_question_is_one_utterance_covering_the_speech(name: str) -> None:
    source = WavSource(AUDIO / name)
    (found,) = utterances(source)
    assert found.start == pytest.approx(0.5, abs=0.12)
    assert found.end == pytest.approx(source.seconds - 0.5, abs=0.3)
    assert not found.truncated


@pytest.mark.parametrize("name", ["fmt_u8_11k.wav", "fmt_f32_22k.wav", "fmt_stereo_44k.wav"])
def test_format_variants_endpoint_like_the_original(name: str) -> None:
    (original,) = utterances(WavSource(AUDIO / "q_causes.wav"))
    (variant,) = utterances(WavSource(AUDIO / name))
    assert variant.start == pytest.approx(original.start, abs=0.04)
    assert variant.end == pytest.approx(original.end, abs=0.1)


@pytest.mark.parametrize("name", [row[0] for row in MANIFEST if row[0].startswith("human_")])
def test_real_human_speech_is_found(name: str) -> None:
    source = WavSource(AUDIO / name)
    found = list(utterances(source))
    assert found
    speech = sum(u.end - u.start for u in found)
    assert speech > 0.5 * source.seconds
