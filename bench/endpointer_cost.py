"""End-of-speech detection: CPU cost per second of audio, and how it cuts the spoken corpus.

Run: `python -m bench.endpointer_cost`. CPU figures are process time (one core) over 10 minutes of
audio: steady pink noise (the idle case: no decoding happens while the room is quiet) and noise with a
syllable-like burst every 5 seconds. Corpus figures (when the synthesizers are installed; the corpus is
made or reused under bench/out/): the share of spoken questions found as exactly one utterance, per noise
condition, and how the radio talk show is cut.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from assistant.audio.pcm import float_to_pcm16
from assistant.audio.source import WavSource
from assistant.audio.wav_file import write_wav
from assistant.hearing.endpointer import Endpointer, utterances
from assistant.messages import SAMPLE_RATE, AudioChunk
from bench.noise import coloured_noise
from bench.speech_corpus import DEFAULT_TSV, CorpusEntry, build_corpus

_SECONDS = 600


def _chunks(samples: np.ndarray) -> Iterator[AudioChunk]:
    pcm = float_to_pcm16(samples)
    step = SAMPLE_RATE * 30 // 1000 * 2
    for offset in range(0, len(pcm), step):
        yield AudioChunk(pcm[offset : offset + step], timestamp=offset / (2 * SAMPLE_RATE))


def _syllables(seconds: float) -> np.ndarray:
    t = np.arange(int(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    voice = sum(np.sin(2 * np.pi * k * 150.0 * t) / k for k in range(1, 15))
    return (0.1 * voice * (0.5 - 0.5 * np.cos(2 * np.pi * 4.0 * t))).astype(np.float32)


def _endpointer_ms_per_second(samples: np.ndarray) -> tuple[float, int]:
    chunks = list(_chunks(samples))
    endpointer = Endpointer()
    found = 0
    started = time.process_time()
    for chunk in chunks:
        if endpointer.process(chunk) is not None:
            found += 1
    elapsed = time.process_time() - started
    return elapsed / (len(samples) / SAMPLE_RATE) * 1000, found


def corpus_figures(entries: list[CorpusEntry]) -> dict[str, str]:
    """Exactly-one-utterance rate per noise condition; utterances found in the radio show."""
    counts: dict[str, list[int]] = defaultdict(list)
    figures = {}
    for entry in entries:
        found = list(utterances(WavSource(entry.path)))
        if entry.kind == "question":
            condition = "clean" if entry.snr is None else f"{entry.noise} {entry.snr:g} dB"
            counts[condition].append(len(found))
        elif entry.kind == "radio":
            minutes = WavSource(entry.path).seconds / 60
            cut = sum(u.truncated for u in found)
            figures["endpointer on the radio talk show"] = (
                f"{len(found)} utterances in {minutes:.1f} min, {cut} cut at max length"
            )
    for condition, found_counts in sorted(counts.items()):
        exact = sum(1 for n in found_counts if n == 1) / len(found_counts)
        figures[f"endpointer, one utterance per question ({condition})"] = (
            f"{exact:.1%} of {len(found_counts)} files"
        )
    return figures


def run() -> dict[str, str]:
    rng = np.random.default_rng(0)
    noise = coloured_noise("pink", SAMPLE_RATE * _SECONDS, rng) * np.float32(0.02)
    idle_ms, idle_found = _endpointer_ms_per_second(noise)
    talk = noise.copy()
    burst = _syllables(1.5)
    for start in range(2, _SECONDS - 3, 5):
        talk[start * SAMPLE_RATE : start * SAMPLE_RATE + len(burst)] += burst
    talk_ms, talk_found = _endpointer_ms_per_second(talk)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "long.wav"
        write_wav(path, float_to_pcm16(noise[: SAMPLE_RATE * 60]), rate=SAMPLE_RATE)
        started = time.process_time()
        sum(chunk.samples for chunk in WavSource(path))
        wav_ms = (time.process_time() - started) / 60 * 1000
    figures = {
        "endpointer CPU, steady noise": f"{idle_ms:.2f} ms per audio second, {idle_found} false starts",
        "endpointer CPU, speech every 5 s": f"{talk_ms:.2f} ms per audio second, {talk_found} utterances",
        "WAV source CPU, 16 kHz file": f"{wav_ms:.2f} ms per audio second",
    }
    if DEFAULT_TSV.exists() and shutil.which("espeak-ng"):
        figures.update(corpus_figures(build_corpus()))
    return figures


if __name__ == "__main__":
    for name, value in run().items():
        print(f"{name}: {value}")
