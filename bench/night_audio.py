"""The night benchmark's "audiobook": about an hour of read prose under a steady fan, with cramp questions.

What the audio is (it is NOT a real audiobook): long public-domain or freely licensed English prose that
Debian installs (`NARRATION`: the first two chapters of Lewis Carroll's "Alice's Adventures in
Wonderland" from flite's examples, public domain; then the text of the GNU GPL version 3, which may be
copied verbatim) read paragraph by paragraph by synthetic voices (`NARRATORS`: espeak-ng, flite and
festival; never Piper, whose voices are kept out of recognition corpora), each voice reading a "chapter"
of `CHAPTER_PARAGRAPHS` paragraphs in turn; after every `HUMAN_EVERY` paragraphs one of the five real
LibriVox recordings of Debian's pocketsphinx-testdata (Jane Austen, "Sense and Sensibility", a real human
reader, about 25 s in all, so each comes back several times in an hour). Every piece is scaled to the
same active speech level (`SPEECH_RMS`), and a steady fan (brown noise, as `noise` makes it) runs under
all of it at `FAN_SNR_DB` over active speech.

Cramp questions (a TSV of `text<TAB>intent<TAB>slots`, in-scope lines only, a fixed sample) are spoken by
a voice the narration does not use (`QUESTION_VOICE`), each between two pauses of `QUESTION_PAUSE`
seconds (the narration stops), spread evenly over the hour. The manifest (JSON beside the WAV) says where
every piece is. Built deterministically and cached by content in bench/out/night.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from assistant.audio.pcm import float_to_pcm16, pcm16_to_float
from assistant.audio.source import read_wav_pcm16k
from assistant.audio.wav_file import write_wav
from assistant.dialog.attention import SHORT_REPLIES
from bench.noise import RATE, active_power, coloured_noise
from bench.speech_corpus import ROOT, SpokenSentence, read_sentences
from bench.synth import Voice, synthesize

OUT = ROOT / "bench" / "out" / "night"
NARRATION = (
    Path("/usr/share/doc/flite/examples/alice"),
    Path("/usr/share/common-licenses/GPL-3"),
)
LIBRIVOX = Path("/usr/share/pocketsphinx/test/data/librivox")
NARRATORS = (
    Voice("espeak-ng", "en", 165),
    Voice("flite", "awb"),
    Voice("festival"),
    Voice("espeak-ng", "en-us+m3", 155),
    Voice("flite", "rms"),
)
QUESTION_VOICE = Voice("flite", "slt")
DEFAULT_QUESTIONS = ROOT / "tests" / "data" / "heldout_spoken.tsv"
QUESTION_COUNT = 12
"""Questions in a full hour (a shorter cut asks proportionally fewer, at least two)."""
SAMPLE_SEED = 10
"""Picks the fixed sample of questions."""
CHAPTER_PARAGRAPHS = 6
HUMAN_EVERY = 5
SPEECH_RMS = 0.05
"""Active speech level of every piece (about -26 dBFS)."""
FAN_SNR_DB = 12.0
PARAGRAPH_PAUSE = (0.6, 1.4)
"""Seconds of fan between paragraphs (uniform, seeded)."""
QUESTION_PAUSE = 4.0
TAIL = 5.0
"""Seconds of fan at the end, so the loop hears the last piece out."""
VERSION = "1"
"""Bumped when the way the audio is made changes (it is part of the cache key)."""

Speak = Callable[[Voice, str], np.ndarray]


@dataclass(frozen=True)
class Segment:
    """One piece of the audiobook: where it is and what it is."""

    start: float
    end: float
    kind: str
    """"narration" (synthetic), "human" (a LibriVox recording) or "question"."""
    voice: str
    text: str
    intent: str = "unknown"
    slots: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Manifest:
    """What the audiobook WAV holds."""

    seconds: float
    speech_rms: float
    noise_rms: float
    snr_db: float
    sources: list[str]
    segments: list[Segment]

    @property
    def questions(self) -> list[Segment]:
        return [s for s in self.segments if s.kind == "question"]

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=1)

    @classmethod
    def from_file(cls, path: Path) -> Manifest:
        data = json.loads(path.read_text(encoding="utf-8"))
        data["segments"] = [Segment(**s) for s in data["segments"]]
        return cls(**data)


def paragraphs(paths: tuple[Path, ...] = NARRATION) -> list[str]:
    """The prose, one string per paragraph (blank-line separated), quotes and markup flattened."""
    found = []
    for path in paths:
        for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8", errors="replace")):
            text = " ".join(block.replace("`", "'").replace("_", " ").split())
            if len(re.findall(r"[A-Za-z]+", text)) >= 3:
                found.append(text)
    return found


def human_clips(folder: Path = LIBRIVOX) -> list[tuple[str, np.ndarray]]:
    """The LibriVox recordings as (transcript, 16 kHz float samples), in file order."""
    listing = folder / "transcription"
    if not listing.exists():
        return []
    clips = []
    for line in listing.read_text().splitlines():
        words, _, name = line.rpartition("(")
        path = folder / f"{name.strip(' )')}.wav"
        if path.exists():
            text = " ".join(w for w in words.split() if w not in ("<s>", "</s>"))
            clips.append((text, pcm16_to_float(read_wav_pcm16k(path))))
    return clips


def question_sample(tsv: Path, minutes: float, count: int = QUESTION_COUNT) -> list[SpokenSentence]:
    """A fixed sample of the TSV's in-scope questions (not the short replies and controls, which only mean
    something inside a conversation or a routine): `count` for an hour, proportionally fewer for a cut."""
    in_scope = [s for s in read_sentences(tsv) if s.intent not in ("unknown", *SHORT_REPLIES)]
    sample = random.Random(SAMPLE_SEED).sample(in_scope, min(count, len(in_scope)))
    return sample[: max(2, round(len(sample) * minutes / 60.0))]


def fan_blocks(samples: int, rng: np.random.Generator, block: int = 60 * RATE) -> Iterator[np.ndarray]:
    """Unit-RMS brown noise of any length, in blocks: each block of noise is made on its own and joined
    to the next with a half-second equal-power crossfade, so a long bed needs no huge FFT."""
    fade = RATE // 2
    ramp = np.sin(np.linspace(0.0, np.pi / 2, fade, dtype=np.float32))
    carry = np.zeros(0, dtype=np.float32)
    made = 0
    while made < samples:
        piece = coloured_noise("brown", block + fade, rng)
        if len(carry):
            piece[:fade] = piece[:fade] * ramp + carry * ramp[::-1]
        carry = piece[block:]
        out = piece[: min(block, samples - made)]
        made += len(out)
        yield out


def fan(samples: int, rng: np.random.Generator) -> np.ndarray:
    return np.concatenate(list(fan_blocks(samples, rng))) if samples else np.zeros(0, dtype=np.float32)


def at_level(samples: np.ndarray, rms: float = SPEECH_RMS) -> np.ndarray:
    """Scaled so its active speech power is rms**2."""
    power = active_power(samples)
    return (samples * np.float32(rms / np.sqrt(power))).astype(np.float32) if power > 0 else samples


def cached_speak(voice: Voice, text: str) -> np.ndarray:
    """`synthesize`, cached on disk by voice and text (the hour reuses what a cut already made)."""
    key = hashlib.sha1(f"{voice.label}\n{text}".encode()).hexdigest()
    path = OUT / "pieces" / f"{key}.npy"
    if path.exists():
        return pcm16_to_float(np.load(path).tobytes())
    samples = synthesize(voice, text)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.save(path, np.frombuffer(float_to_pcm16(samples), dtype="<i2"))
    return samples


class _Track:
    """The speech track being laid out: pieces at times, with the manifest's segments."""

    def __init__(self, rng: random.Random) -> None:
        self.pieces: list[tuple[int, np.ndarray]] = []
        self.segments: list[Segment] = []
        self.cursor = 0.0
        self.rng = rng

    def pause(self, seconds: float) -> None:
        self.cursor += seconds

    def add(
        self, samples: np.ndarray, kind: str, voice: str, text: str, sentence: SpokenSentence | None
    ) -> None:
        start = round(self.cursor * RATE)
        self.pieces.append((start, at_level(samples)))
        end = (start + len(samples)) / RATE
        intent, slots = (sentence.intent, dict(sentence.slots)) if sentence else ("unknown", {})
        self.segments.append(Segment(start / RATE, end, kind, voice, text, intent, slots))
        self.cursor = end

    def render(self, seconds: float) -> np.ndarray:
        speech = np.zeros(round(seconds * RATE), dtype=np.float32)
        for start, samples in self.pieces:
            speech[start : start + len(samples)] += samples[: len(speech) - start]
        return speech


def build_audiobook(
    minutes: float,
    questions: list[SpokenSentence],
    speak: Speak = cached_speak,
    prose: list[str] | None = None,
    humans: list[tuple[str, np.ndarray]] | None = None,
    seed: int = 1,
) -> tuple[np.ndarray, Manifest]:
    """The audiobook's samples (16 kHz float) and manifest; the questions are spread over `minutes`."""
    prose = paragraphs() if prose is None else prose
    humans = human_clips() if humans is None else humans
    if not prose:
        raise ValueError("no narration text")
    total = minutes * 60.0
    targets = [(k + 0.5) * total / len(questions) for k in range(len(questions))]
    track = _Track(random.Random(seed))
    track.pause(1.0)
    asked = piece = 0
    while track.cursor < total or asked < len(questions):
        if asked < len(questions) and track.cursor >= targets[asked]:
            sentence = questions[asked]
            track.pause(QUESTION_PAUSE)
            spoken = speak(QUESTION_VOICE, sentence.text)
            track.add(spoken, "question", QUESTION_VOICE.label, sentence.text, sentence)
            track.pause(QUESTION_PAUSE)
            asked += 1
            continue
        if humans and piece % HUMAN_EVERY == HUMAN_EVERY - 1:
            text, samples = humans[(piece // HUMAN_EVERY) % len(humans)]
            track.add(samples, "human", "librivox", text, None)
        else:
            text = prose[piece % len(prose)]
            voice = NARRATORS[(piece // CHAPTER_PARAGRAPHS) % len(NARRATORS)]
            track.add(speak(voice, text), "narration", voice.label, text, None)
        piece += 1
        track.pause(track.rng.uniform(*PARAGRAPH_PAUSE))
    seconds = track.cursor + TAIL
    speech = track.render(seconds)
    noise_rms = SPEECH_RMS / 10 ** (FAN_SNR_DB / 20)
    mixed = speech + fan(len(speech), np.random.default_rng(seed)) * np.float32(noise_rms)
    peak = float(np.max(np.abs(mixed)))
    scale = min(1.0, 0.98 / peak) if peak > 0 else 1.0
    manifest = Manifest(
        seconds=len(mixed) / RATE,
        speech_rms=SPEECH_RMS * scale,
        noise_rms=noise_rms * scale,
        snr_db=FAN_SNR_DB,
        sources=[str(path) for path in NARRATION] + [str(LIBRIVOX)],
        segments=track.segments,
    )
    return (mixed * np.float32(scale)).astype(np.float32), manifest


def audiobook(
    minutes: float, tsv: Path = DEFAULT_QUESTIONS, count: int = QUESTION_COUNT
) -> tuple[Path, Manifest]:
    """The audiobook WAV for `minutes` (built once, then cached under bench/out/night) and its manifest."""
    questions = question_sample(tsv, minutes, count)
    digest = hashlib.sha1()
    for part in (VERSION, f"{minutes:g}", *NARRATION, LIBRIVOX / "transcription"):
        digest.update(part.read_bytes() if isinstance(part, Path) and part.exists() else str(part).encode())
    digest.update("\n".join(f"{q.text}\t{q.intent}\t{sorted(q.slots.items())}" for q in questions).encode())
    for voice in (*NARRATORS, QUESTION_VOICE):
        digest.update(voice.label.encode())
    wav = OUT / f"audiobook_{minutes:g}min_{digest.hexdigest()[:10]}.wav"
    manifest_path = wav.with_suffix(".json")
    if wav.exists() and manifest_path.exists():
        return wav, Manifest.from_file(manifest_path)
    samples, manifest = build_audiobook(minutes, questions)
    OUT.mkdir(parents=True, exist_ok=True)
    write_wav(wav, float_to_pcm16(samples))
    manifest_path.write_text(manifest.to_json(), encoding="utf-8")
    return wav, manifest
