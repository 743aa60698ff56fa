"""The benchmark's spoken corpus, generated into bench/out/ (not committed).

From a TSV of held-out sentences (`text<TAB>intent<TAB>slots`, slots `key=value,...` or `-`, '#' comments)
it makes, for every sentence and every voice in `VOICES` (espeak-ng variants and rates, flite slt and kal,
festival's default voice), a clean 16 kHz mono WAV with 0.5 s of silence either side, and noisy copies with
steady brown and pink noise at 12 and 6 dB SNR over the active speech, with 0.5 s of room noise before and
after (see `noise`). It adds speech not addressed to the assistant: the real human recordings in Debian's
pocketsphinx-testdata (audiobook lines, robot commands, card names) clean and in brown noise, and a
synthetic 'radio talk show' (bench/data/radio_talk_show.txt, about four minutes read by alternating voices,
in pink noise at 12 dB).

Debian packages: espeak-ng flite festival festvox-kallpc16k pocketsphinx-testdata (`make bench-deps`).
Files are cached by content: a rerun only makes what is missing. Run:
`python -m bench.speech_corpus [--tsv F] [--out DIR] [--limit N]`.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from assistant.audio.pcm import float_to_pcm16, pcm16_to_float
from assistant.audio.source import read_wav_pcm16k
from assistant.audio.wav_file import write_wav
from bench.noise import RATE, mix_at_snr, pad
from bench.synth import SynthError, Voice, available, synthesize

ROOT = Path(__file__).resolve().parent.parent


def tree_digest(folders: Iterable[str], length: int) -> str:
    """A digest of every file under these folders of the repository (paths and bytes, caches left out): the
    key under which a benchmark reuses what it computed from that code and content."""
    digest = hashlib.sha1()
    for folder in folders:
        for path in sorted((ROOT / folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(ROOT)).encode() + path.read_bytes())
    return digest.hexdigest()[:length]


DEFAULT_TSV = ROOT / "tests" / "data" / "heldout3_spoken.tsv"
DEFAULT_OUT = ROOT / "bench" / "out" / "speech"
RADIO_TEXT = Path(__file__).resolve().parent / "data" / "radio_talk_show.txt"
TESTDATA = Path("/usr/share/pocketsphinx/test/data")
PADDING = 0.5
VOICES = (
    Voice("espeak-ng", "en-us", 175),
    Voice("espeak-ng", "en-us", 140),
    Voice("espeak-ng", "en", 175),
    Voice("espeak-ng", "en+f3", 175),
    Voice("espeak-ng", "en+m3", 140),
    Voice("flite", "slt"),
    Voice("flite", "kal"),
    Voice("festival"),
)
NOISES = (("brown", 12.0), ("brown", 6.0), ("pink", 12.0), ("pink", 6.0))
RADIO_VOICES = (
    Voice("espeak-ng", "en-us", 165),
    Voice("flite", "slt"),
    Voice("festival"),
    Voice("flite", "awb"),
)


@dataclass(frozen=True)
class SpokenSentence:
    """One line of the sentence TSV."""

    text: str
    intent: str
    slots: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class CorpusEntry:
    """One audio file of the corpus and what it should be recognised as."""

    path: Path
    """The 16 kHz mono 16-bit WAV file."""
    text: str
    """What is said ("" when unknown)."""
    intent: str
    """The expected intent; "unknown" for speech not addressed to the assistant."""
    slots: dict[str, str]
    """The expected slots."""
    voice: str
    """The voice's label ("espeak-en-us-175", "flite-slt", "festival", "human", "radio")."""
    noise: str
    """"clean", "brown" or "pink"."""
    snr: float | None
    """Signal-to-noise ratio in dB over active speech; None for clean."""
    kind: str = "question"
    """"question", "human" (real out-of-domain recordings) or "radio"."""


def parse_slots(field_text: str) -> dict[str, str]:
    """ "body_part=calf,side=left" -> {"body_part": "calf", "side": "left"}; "-" or "" -> {}."""
    field_text = field_text.strip()
    if field_text in ("", "-"):
        return {}
    pairs = (item.split("=", 1) for item in field_text.split(",") if item.strip())
    return {key.strip(): value.strip() for key, value in pairs}


def read_sentences(path: Path) -> list[SpokenSentence]:
    """Reads the TSV; raises ValueError naming the line for a malformed one."""
    sentences = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) < 2 or any("=" not in item for item in fields[2:3] if item.strip() not in ("", "-")):
            raise ValueError(f"{path}:{number}: expected text<TAB>intent<TAB>slots")
        sentences.append(
            SpokenSentence(
                fields[0].strip(), fields[1].strip(), parse_slots(fields[2] if len(fields) > 2 else "")
            )
        )
    return sentences


def _key(*parts: str) -> str:
    return hashlib.sha1("\x00".join(parts).encode()).hexdigest()[:10]


def _seed(*parts: str) -> int:
    return int(_key(*parts), 16)


def _write(path: Path, samples: np.ndarray) -> None:
    """Writes atomically, so an interrupted run leaves no half file in the cache."""
    tmp = path.with_suffix(".part")
    write_wav(tmp, float_to_pcm16(samples))
    tmp.replace(path)


def _unpadded(path: Path) -> np.ndarray:
    padded = pcm16_to_float(read_wav_pcm16k(path))
    margin = int(PADDING * RATE)
    return padded[margin : len(padded) - margin]


def _sentence_entries(
    sentence: SpokenSentence, voice: Voice, out: Path, noises: Iterable[tuple[str, float]]
) -> list[CorpusEntry]:
    stem = f"{_key(sentence.text)}_{voice.label}"
    clean_path = out / f"{stem}_clean.wav"
    if not clean_path.exists():
        _write(clean_path, pad(synthesize(voice, sentence.text), PADDING))
    entries = [
        CorpusEntry(clean_path, sentence.text, sentence.intent, sentence.slots, voice.label, "clean", None)
    ]
    speech: np.ndarray | None = None
    for kind, snr in noises:
        path = out / f"{stem}_{kind}{snr:g}.wav"
        if not path.exists():
            speech = _unpadded(clean_path) if speech is None else speech
            rng = np.random.default_rng(_seed(sentence.text, voice.label, kind, f"{snr:g}"))
            _write(path, mix_at_snr(speech, kind, snr, rng, PADDING))
        entries.append(
            CorpusEntry(path, sentence.text, sentence.intent, sentence.slots, voice.label, kind, snr)
        )
    return entries


def _human_recordings() -> list[tuple[Path, str]]:
    """(recording, transcript) pairs from pocketsphinx-testdata; raw files are 16 kHz mono s16le."""
    found: list[tuple[Path, str]] = []
    for folder, listing in (("librivox", "transcription"), ("cards", "cards.transcription")):
        transcripts = TESTDATA / folder / listing
        if not transcripts.exists():
            continue
        for line in transcripts.read_text().splitlines():
            if "(" not in line:
                continue
            words, name = line.rsplit("(", 1)
            text = " ".join(w for w in words.split() if w not in ("<s>", "</s>"))
            found.append((TESTDATA / folder / f"{name.strip(' )')}.wav", text))
    for name, text in (("goforward", "go forward ten meters"), ("numbers", ""), ("something", "")):
        found.append((TESTDATA / f"{name}.raw", text))
    return [(path, text) for path, text in found if path.exists()]


def _human_entries(out: Path) -> list[CorpusEntry]:
    entries = []
    for source, text in _human_recordings():
        if source.suffix == ".raw":
            audio = pcm16_to_float(source.read_bytes())
        else:
            audio = pcm16_to_float(read_wav_pcm16k(source))
        clean_path = out / f"human_{source.stem}_clean.wav"
        if not clean_path.exists():
            _write(clean_path, audio)
        entries.append(CorpusEntry(clean_path, text, "unknown", {}, "human", "clean", None, "human"))
        noisy_path = out / f"human_{source.stem}_brown12.wav"
        if not noisy_path.exists():
            _write(
                noisy_path,
                mix_at_snr(audio, "brown", 12.0, np.random.default_rng(_seed(source.name)), PADDING),
            )
        entries.append(CorpusEntry(noisy_path, text, "unknown", {}, "human", "brown", 12.0, "human"))
    return entries


def radio_paragraphs(path: Path = RADIO_TEXT) -> list[str]:
    """The talk show's speaker turns (blank-line separated paragraphs, '#' lines skipped)."""
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    return [" ".join(block.split()) for block in "\n".join(lines).split("\n\n") if block.strip()]


def _radio_entry(out: Path, voices: tuple[Voice, ...]) -> CorpusEntry | None:
    usable = [voice for voice in voices if available(voice)]
    if not usable:
        return None
    paragraphs = radio_paragraphs()
    path = out / f"radio_{_key(*paragraphs, *(v.label for v in usable))}_pink12.wav"
    if not path.exists():
        rng = np.random.default_rng(7)
        turns = []
        for turn, paragraph in enumerate(paragraphs):
            turns.append(synthesize(usable[turn % len(usable)], paragraph))
            turns.append(np.zeros(int(rng.uniform(0.3, 0.9) * RATE), dtype=np.float32))
        _write(path, mix_at_snr(np.concatenate(turns), "pink", 12.0, rng, PADDING))
    return CorpusEntry(path, " ".join(paragraphs), "unknown", {}, "radio", "pink", 12.0, "radio")


def build_corpus(
    tsv: Path = DEFAULT_TSV,
    out: Path = DEFAULT_OUT,
    voices: tuple[Voice, ...] = VOICES,
    noises: tuple[tuple[str, float], ...] = NOISES,
    limit: int | None = None,
    human: bool = True,
    radio: bool = True,
    workers: int = 2,
) -> list[CorpusEntry]:
    """Makes what is missing under `out` and returns the manifest. Voices whose program is not installed
    are skipped with a note on stderr."""
    out.mkdir(parents=True, exist_ok=True)
    sentences = read_sentences(tsv)[:limit]
    usable = []
    for voice in voices:
        if available(voice):
            usable.append(voice)
        else:
            print(f"speech_corpus: skipping {voice.label}: not installed (make bench-deps)", file=sys.stderr)
    jobs = [(sentence, voice) for sentence in sentences for voice in usable]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        batches = list(pool.map(lambda job: _sentence_entries(job[0], job[1], out, noises), jobs))
    entries = [entry for batch in batches for entry in batch]
    if human:
        entries += _human_entries(out)
    if radio:
        radio_entry = _radio_entry(out, RADIO_VOICES)
        if radio_entry is not None:
            entries.append(radio_entry)
    return entries


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Generate the spoken benchmark corpus.")
    parser.add_argument("--tsv", type=Path, default=DEFAULT_TSV, help="sentences: text, intent, slots")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    parser.add_argument("--limit", type=int, default=None, help="only the first N sentences")
    args = parser.parse_args(argv)
    try:
        entries = build_corpus(args.tsv, args.out, limit=args.limit)
    except (SynthError, OSError, ValueError) as err:
        print(f"speech_corpus: {err}", file=sys.stderr)
        return 2
    seconds = sum(entry.path.stat().st_size - 44 for entry in entries) / (2 * RATE)
    kinds = {kind: sum(1 for e in entries if e.kind == kind) for kind in ("question", "human", "radio")}
    print(f"{len(entries)} files, {seconds / 60:.1f} minutes of audio in {args.out}: {kinds}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
