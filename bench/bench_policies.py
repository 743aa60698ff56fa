"""Hearing policies compared on one subsampled spoken corpus: pocketsphinx alone (with and without RNNoise,
the spectral subtraction on or off), Whisper alone, and pocketsphinx first with Whisper as the second
opinion when doubted (the `auto` default); Whisper hears the audio unsuppressed, as in the assistant.

The corpus (bench/speech_corpus.py, cached in bench/out/speech): the held-out spoken sentences in four
synthetic voices (two espeak-ng variants, flite slt, festival), clean, in brown noise at 12 dB and pink
noise at 6 dB SNR; the real human recordings of pocketsphinx-testdata; the synthetic radio talk show cut
into utterances by the endpointer. Each engine variant transcribes each utterance once (cached in
bench/out/policies by file and variant, so a rerun or another policy costs nothing); the policies are
then judged from those transcripts, through `Dialog.respond` as `ask --wav` does.

Figures: intent+slots exact per condition and per voice; out-of-scope lines rejected; real speech and
radio utterances with no answer; end of speech to intent (median, p90: decoding plus routing, and
Whisper's decode when it is asked); real-time factor; how often the second opinion ran; RNNoise's CPU per
audio second. Run: `python -m bench.bench_policies [--tsv F] [--step N]`.
"""

from __future__ import annotations

import argparse
import hashlib
import pickle
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from assistant.audio.source import WavSource, read_wav_pcm16k
from assistant.content.loader import load_content
from assistant.dialog.dialog import Dialog
from assistant.dialog.intents.base import Context
from assistant.hearing.endpointer import speech_span, utterances
from assistant.hearing.neural_denoise import SuppressionSettings, noise_floor_dbfs, speech_to_noise_db
from assistant.messages import SAMPLE_RATE, SAMPLE_WIDTH, Transcript
from bench.recognition_eval import percentile
from bench.speech_corpus import ROOT, CorpusEntry, build_corpus, tree_digest
from bench.synth import Voice

VOICES = (Voice("espeak-ng", "en-us", 175), Voice("espeak-ng", "en+f3", 175), Voice("flite", "slt"))
VOICES_MORE = (Voice("festival"),)
NOISES = (("brown", 12.0), ("pink", 6.0))
CACHE = ROOT / "bench" / "out" / "policies"
DEFAULT_TSV = ROOT / "tests" / "data" / "heldout9_spoken.tsv"
"""The newest held-out spoken set, measured once after the rules were fixed (how the sets are made and
used: docs/understanding.md)."""
DEFAULT_STEP = 2
CONDITIONS = ("clean", "12 dB", "6 dB")
WHISPER_ALONE_VOICES = ("flite-slt",)
"""Whisper alone is measured on one voice (CPU is scarce); the second opinion on every voice."""
QUIET_DBFS = -60.0
"""Below this noise floor neither suppressor changes the audio (their gates are at -55 and -40 dBFS)."""


@dataclass(frozen=True)
class Item:
    """One utterance to hear: a corpus file's speech span, or one utterance of the radio show."""

    key: str
    audio: bytes
    entry: CorpusEntry

    @property
    def condition(self) -> str:
        return "clean" if self.entry.snr is None else f"{self.entry.snr:g} dB"


@dataclass(frozen=True)
class Heard:
    transcript: Transcript
    seconds: float


def items(entries: list[CorpusEntry]) -> list[Item]:
    found = []
    for entry in entries:
        if entry.kind == "radio":
            for n, utterance in enumerate(utterances(iter(WavSource(entry.path)))):
                found.append(Item(f"{entry.path.name}#{n}", utterance.audio, entry))
        else:
            found.append(Item(entry.path.name, speech_span(read_wav_pcm16k(entry.path)), entry))
    return found


def hear_all(
    variant: str, make: Callable[[], Callable[[bytes], Transcript]], todo: list[Item]
) -> dict[str, Heard]:
    """Each item's transcript by one engine variant, cached on disk by variant and audio."""
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"{variant}-{hearing_digest()}.pkl"
    stored = pickle.loads(path.read_bytes()) if path.is_file() else {}
    cached = {key: Heard(*value) if isinstance(value, tuple) else value for key, value in stored.items()}
    missing = [item for item in todo if _digest(item) not in cached]
    if missing:
        transcribe = make()
        for n, item in enumerate(missing):
            started = time.process_time()
            transcript = transcribe(item.audio) if item.audio else Transcript("", 0.0, variant)
            cached[_digest(item)] = Heard(transcript, time.process_time() - started)
            if n % 20 == 19:
                _save(path, cached)
        _save(path, cached)
    return {item.key: cached[_digest(item)] for item in todo}


def hearing_digest() -> str:
    """A digest of what a transcript depends on: the content (the language model and Whisper's prompt are
    built from it) and the hearing and content-loading code. Transcripts cached under another digest are
    not reused (a language model change once left the real recordings' old transcripts in use)."""
    return tree_digest(("content", "assistant/hearing", "assistant/content"), 10)


def _save(path: Path, cached: dict[str, Heard]) -> None:
    """Plain tuples, so the cache loads whether this module runs as __main__ or is imported."""
    path.write_bytes(pickle.dumps({key: (h.transcript, h.seconds) for key, h in cached.items()}))


def _digest(item: Item) -> str:
    return hashlib.sha1(item.audio).hexdigest()


@dataclass(frozen=True)
class Result:
    item: Item
    intent: str
    slots: dict[str, str]
    seconds: float
    asked: bool = False

    @property
    def exact(self) -> bool:
        return (self.intent, self.slots) == (self.item.entry.intent, self.item.entry.slots)


def judge_policy(
    todo: list[Item], first: dict[str, Heard], second: dict[str, Heard] | None, dialog: Dialog, hybrid: bool
) -> list[Result]:
    """Each item through `Dialog.respond`: `first` alone, or with `second` as the second opinion (hybrid)."""
    results = []
    for item in todo:
        heard, seconds, asked = first[item.key].transcript, first[item.key].seconds, False
        if second is not None and hybrid and dialog.understanding.doubts(heard):
            heard = replace(heard, second=second[item.key].transcript, snr_db=speech_to_noise_db(item.audio))
            seconds, asked = seconds + second[item.key].seconds, True
        dialog.context = Context()
        started = time.process_time()
        match, _ = dialog.respond(heard)
        seconds += time.process_time() - started
        results.append(Result(item, match.intent, dict(match.slots), seconds, asked))
    return results


def figures(results: list[Result]) -> str:
    questions = [r for r in results if r.item.entry.kind == "question" and r.item.entry.intent != "unknown"]
    scope = [r for r in results if r.item.entry.kind == "question" and r.item.entry.intent == "unknown"]
    human = [r for r in results if r.item.entry.kind == "human"]
    radio = [r for r in results if r.item.entry.kind == "radio"]
    parts = []
    for condition in CONDITIONS:
        group = [r for r in questions if r.item.condition == condition]
        if group:
            parts.append(f"{condition} {sum(r.exact for r in group) / len(group):.0%}")
    cells = [f"exact {' / '.join(parts)} (n={len(questions)})"]
    for name, group in (("out of scope", scope), ("human", human), ("radio", radio)):
        if group:
            quiet = sum(r.intent == "unknown" for r in group)
            cells.append(f"{name} no answer {quiet}/{len(group)}")
    speech = [r for r in results if r.item.audio]
    audio = sum(len(r.item.audio) for r in speech) / (SAMPLE_RATE * SAMPLE_WIDTH)
    ms = [r.seconds * 1000 for r in questions]
    cells.append(f"latency median {percentile(ms, 0.5):.0f} ms, p90 {percentile(ms, 0.9):.0f} ms")
    cells.append(f"RTF {sum(r.seconds for r in speech) / audio:.3f}")
    asked = sum(r.asked for r in results)
    if asked:
        cells.append(f"second opinion on {asked / len(results):.0%}")
    return "; ".join(cells)


def by_voice(results: list[Result]) -> dict[str, str]:
    out = {}
    questions = [r for r in results if r.item.entry.kind == "question" and r.item.entry.intent != "unknown"]
    for voice in sorted({r.item.entry.voice for r in questions}):
        group = [r for r in questions if r.item.entry.voice == voice]
        cells = []
        for condition in CONDITIONS:
            cell = [r for r in group if r.item.condition == condition]
            if cell:
                cells.append(f"{condition} {sum(r.exact for r in cell) / len(cell):.0%}")
        out[voice] = " / ".join(cells)
    return out


def pocketsphinx_maker(
    spectral: bool, rnnoise: bool, options: Mapping[str, Any] | None = None
) -> Callable[[], Callable[[bytes], Transcript]]:
    """A maker of pocketsphinx's transcribe, with or without each suppressor, and decoder `options`
    (`PocketsphinxTuning` fields that differ from the default)."""

    def make() -> Callable[[bytes], Transcript]:
        from assistant.hearing.pocketsphinx_engine import PocketsphinxRecognizer, PocketsphinxTuning
        from assistant.settings import RecognizerSettings

        sentences = [s.text for s in load_content().sentences]
        tuning = PocketsphinxTuning(denoise=spectral, **(options or {}))
        engine = PocketsphinxRecognizer(sentences, RecognizerSettings().models_dir, tuning)
        return _rnnoise(engine.transcribe) if rnnoise else engine.transcribe

    return make


def _whisper(rnnoise: bool) -> Callable[[], Callable[[bytes], Transcript]]:
    def make() -> Callable[[bytes], Transcript]:
        from assistant.hearing.whisper_engine import WhisperRecognizer
        from assistant.hearing.whisper_prompt import whisper_prompt
        from assistant.settings import RecognizerSettings

        engine = WhisperRecognizer(RecognizerSettings().models_dir, prompt=whisper_prompt(load_content()))
        return _rnnoise(engine.transcribe) if rnnoise else engine.transcribe

    return make


def _rnnoise(transcribe: Callable[[bytes], Transcript]) -> Callable[[bytes], Transcript]:
    from assistant.hearing.neural_denoise import NoiseSuppressor

    suppressor = NoiseSuppressor()
    return lambda audio: transcribe(suppressor(audio))


def rnnoise_cpu(todo: list[Item]) -> str:
    """CPU seconds per audio second of RNNoise (resampling included) on the noisy utterances."""
    from assistant.hearing.neural_denoise import NoiseSuppressor

    suppressor = NoiseSuppressor()
    noisy = [item for item in todo if item.entry.snr is not None][:40]
    started = time.process_time()
    for item in noisy:
        suppressor.suppress(item.audio)
    spent = time.process_time() - started
    audio = sum(len(item.audio) for item in noisy) / (SAMPLE_RATE * SAMPLE_WIDTH)
    return f"{spent / audio:.3f} CPU s per audio s ({len(noisy)} noisy utterances, 16->48->16 kHz included)"


def peak_memory_mb(engine: str) -> float:
    """Peak RSS of a fresh `ask --wav` process answering a noisy question and a radio line."""
    from bench.peak_memory import peak_rss_mb

    audio = ROOT / "tests" / "audio"
    files = [str(audio / "q_calf_cramping_brown12.wav"), str(audio / "radio_cramp.wav")]
    return peak_rss_mb(["ask", "--engine", engine, "--wav", *files])[0]


PS_VARIANTS = {
    "pocketsphinx, spectral subtraction only (before)": ("ps-spectral", pocketsphinx_maker(True, False)),
    "pocketsphinx, RNNoise only": ("ps-rnnoise", pocketsphinx_maker(False, True)),
}
WHISPER_VARIANTS = {
    # Whisper hears the audio as it came, alone and as the second opinion (RNNoise's output cost it more
    # than the noise did; `_whisper(True)` measures it behind RNNoise).
    "whisper": ("whisper-raw", _whisper(False)),
}


def subsample(tsv: Path, step: int) -> Path:
    """Every `step`-th sentence of the set (in scope and out of scope alike), as a TSV under bench/out."""
    lines = [line for line in tsv.read_text(encoding="utf-8").splitlines() if line.strip()]
    kept = [line for line in lines if line.startswith("#")]
    kept += [line for line in lines if not line.startswith("#")][::step]
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"{tsv.stem}.every{step}.tsv"
    path.write_text("\n".join(kept) + "\n", encoding="utf-8")
    return path


def run(
    step: int = DEFAULT_STEP, tsv: Path = DEFAULT_TSV, whisper: bool = True, decoders: tuple[str, ...] = ()
) -> dict[str, str]:
    started = time.perf_counter()
    entries = build_corpus(subsample(tsv, step), voices=VOICES + VOICES_MORE, noises=NOISES)
    todo = items(entries)
    dialog = Dialog(load_content())
    out: dict[str, str] = {"corpus": f"{tsv.name}, every {step}th line, {len(todo)} utterances"}
    heard: dict[str, dict[str, Heard]] = {}
    for title, (variant, make) in PS_VARIANTS.items():
        if not heard:
            heard[variant] = hear_all(variant, make, todo)
        else:  # quiet audio is the same audio with or without either suppressor: decoded once
            noisy = [i for i in todo if noise_floor_dbfs(i.audio) > QUIET_DBFS]
            heard[variant] = {**next(iter(heard.values())), **hear_all(variant, make, noisy)}
        out[title] = figures(judge_policy(todo, heard[variant], None, dialog, False))
    # The default: RNNoise above its gate, else spectral subtraction alone (after RNNoise the subtraction
    # finds too little noise to act), so each utterance's transcript is one of the two measured above.
    spectral, neural = heard["ps-spectral"], heard["ps-rnnoise"]
    gate = SuppressionSettings().min_noise_dbfs
    heard = {
        "pocketsphinx (default: RNNoise above its gate)": {
            i.key: neural[i.key] if noise_floor_dbfs(i.audio) > gate else spectral[i.key] for i in todo
        }
    }
    out["pocketsphinx alone (default suppression)"] = figures(
        judge_policy(todo, next(iter(heard.values())), None, dialog, False)
    )
    from bench.ps_settings import DECODER_SETTINGS, hear_default

    for variant in decoders:  # other pocketsphinx decoder settings, under the default suppression
        found = hear_default(variant, DECODER_SETTINGS[variant], todo, gate)
        out[f"pocketsphinx alone, {variant}"] = figures(judge_policy(todo, found, None, dialog, False))
    if whisper:
        variant, make = WHISPER_VARIANTS["whisper"]
        alone = [i for i in todo if i.entry.kind != "question" or i.entry.voice in WHISPER_ALONE_VOICES]
        second = hear_all(variant, make, alone)
        out["whisper alone (flite-slt only)"] = figures(judge_policy(alone, second, None, dialog, False))
        for first in heard:
            doubted = [i for i in todo if dialog.understanding.doubts(heard[first][i.key].transcript)]
            second.update(hear_all(variant, make, doubted))
            results = judge_policy(todo, heard[first], second, dialog, True)
            out[f"{first} then whisper when doubted"] = figures(results)
            out[f"{first} then whisper when doubted, by voice"] = ", ".join(
                f"{voice} {cells}" for voice, cells in by_voice(results).items()
            )
    out["RNNoise CPU"] = rnnoise_cpu(todo)
    for engine in ("pocketsphinx", "whisper", "auto") if whisper else ("pocketsphinx",):
        out[f"peak memory, --engine {engine}"] = f"{peak_memory_mb(engine):.0f} MB"
    out["benchmark run time"] = f"{time.perf_counter() - started:.0f} s"
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--step", type=int, default=DEFAULT_STEP, help="every Nth sentence of the set")
    parser.add_argument("--tsv", type=Path, default=DEFAULT_TSV, help="the spoken sentences")
    parser.add_argument("--no-whisper", action="store_true", help="pocketsphinx variants only")
    parser.add_argument("--decoder", action="append", default=[], help="bench/ps_settings.py's variants")
    args = parser.parse_args(argv)
    for name, value in run(args.step, args.tsv, not args.no_whisper, tuple(args.decoder)).items():
        print(f"{name}: {value}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
