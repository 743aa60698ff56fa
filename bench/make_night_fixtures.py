"""Regenerates the extra test audio for the recorded nights (tests/data/night_script.md) in tests/audio/.

Run: `python -m bench.make_night_fixtures` (needs espeak-ng and sox). The files are committed, so tests
never need the synthesizers. It adds (or refreshes) their rows in tests/audio/MANIFEST.tsv.

- night_left_calf.wav: the user's cramp report of night A (espeak-ng en-us, 165 wpm), 16 kHz.
- radio_*.wav: night B's near-miss radio lines (espeak-ng en-gb, two speakers), made to sound like a small
  radio: band-limited to 300-3400 Hz, compressed, stored at 8 kHz (half the size).
- partner_*.wav: night B's partner lines (espeak-ng en-us female variant, slower), 16 kHz.
The human clips, coughs, door slams and the fan's noise bed come from the other fixtures and generators.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from assistant.audio.pcm import float_to_pcm16
from assistant.audio.wav_file import write_wav
from bench.make_fixtures import OUT
from bench.noise import pad
from bench.synth import Voice, synthesize

USER = Voice("espeak-ng", "en-us", 165)
RADIO_HOST = Voice("espeak-ng", "en-gb", 175)
RADIO_GUEST = Voice("espeak-ng", "en-gb-x-rp+m3", 160)
PARTNER = Voice("espeak-ng", "en-us+f3", 150)


@dataclass(frozen=True)
class NightClip:
    file: str
    voice: Voice
    text: str
    intent: str
    slots: str = "-"
    radio: bool = False


CLIPS = [
    NightClip(
        "night_left_calf.wav", USER, "I've got a cramp in my left calf", "relief", "body_part=calf,side=left"
    ),
    NightClip(
        "radio_cramp.wav",
        RADIO_HOST,
        "Their midfielder was carried off with cramp in the last ten minutes.",
        "unknown",
        radio=True,
    ),
    NightClip(
        "radio_dont_stop.wav",
        RADIO_HOST,
        "The lines are open now, so don't stop, pick up the phone and tell us your story.",
        "unknown",
        radio=True,
    ),
    NightClip(
        "radio_next_week.wav",
        RADIO_GUEST,
        "The manager said afterwards he would have to rethink the whole squad for next week.",
        "unknown",
        radio=True,
    ),
    NightClip(
        "partner_stretch.wav", PARTNER, "Honestly, that film was a bit of a stretch, wasn't it?", "unknown"
    ),
    NightClip("partner_radio_down.wav", PARTNER, "Can you turn that radio down a bit?", "unknown"),
]


def _radio(source: Path, target: Path) -> None:
    """A small radio: band-pass, a little compression, 8 kHz."""
    effects = [
        "sinc",
        "300-3400",
        "compand",
        "0.02,0.2",
        "-60,-60,-30,-15,-20,-10,0,-6",
        "-3",
        "rate",
        "8000",
    ]
    subprocess.run(["sox", str(source), "-b", "16", str(target), *effects], check=True, capture_output=True)


def make() -> list[NightClip]:
    OUT.mkdir(parents=True, exist_ok=True)
    for clip in CLIPS:
        speech = pad(synthesize(clip.voice, clip.text), 0.1)
        if not clip.radio:
            write_wav(OUT / clip.file, float_to_pcm16(speech))
            continue
        with tempfile.TemporaryDirectory() as folder:
            plain = Path(folder) / "plain.wav"
            write_wav(plain, float_to_pcm16(speech))
            _radio(plain, OUT / clip.file)
    _update_manifest(CLIPS)
    return CLIPS


def _update_manifest(clips: list[NightClip]) -> None:
    manifest = OUT / "MANIFEST.tsv"
    names = {clip.file for clip in clips}
    lines = [line for line in manifest.read_text().splitlines() if line.split("\t", 1)[0] not in names]
    lines += [f"{c.file}\t{c.text.lower().rstrip('.?!')}\t{c.intent}\t{c.slots}" for c in clips]
    manifest.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    made = make()
    size = sum((OUT / clip.file).stat().st_size for clip in made)
    print(f"wrote {len(made)} files ({size / 1e6:.2f} MB) to {OUT}", file=sys.stderr)
