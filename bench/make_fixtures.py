"""Regenerates the committed test audio in tests/audio/ and its MANIFEST.tsv.

Run: `python -m bench.make_fixtures` (needs Debian's espeak-ng, sox and pocketsphinx-testdata; `make
bench-deps` installs them). The files are committed, so tests never need the synthesizers; rerun this only
to change the set (espeak-ng versions differ slightly, so regenerated files are not byte-identical).

What it makes, all 16 kHz mono 16-bit unless said:
- q_*.wav: short questions and commands spoken by espeak-ng (en-us, 165 wpm), 0.5 s of silence around.
- q_*_brown12.wav: a few of them in steady brown noise at 12 dB SNR over the active speech, with 0.5 s of
  noise before and after.
- human_*.wav: real human speech not addressed to the assistant (pocketsphinx's test recordings: a
  command to a robot, two Librivox audiobook lines).
- fmt_*.wav: one question in other formats, written by sox: 8-bit unsigned 11.025 kHz, 24-bit, 32-bit
  float at 22.05 kHz, stereo 44.1 kHz; and the same question in flite's slt voice, resampled by sox to
  8 kHz stereo (a telephone-band recording: `fmt_slt_8k_stereo.wav`).
MANIFEST.tsv: file, what is said (or -), expected intent, slots (key=value,... or -).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.audio.pcm import float_to_pcm16
from assistant.audio.wav_file import write_wav
from bench.noise import mix_at_snr, pad
from bench.synth import Voice, synthesize

OUT = Path(__file__).resolve().parent.parent / "tests" / "audio"
TESTDATA = Path("/usr/share/pocketsphinx/test/data")
VOICE = Voice("espeak-ng", "en-us", 165)


@dataclass(frozen=True)
class Fixture:
    """One line of the manifest."""

    file: str
    text: str
    intent: str
    slots: str = "-"


QUESTIONS = [
    Fixture("q_calf_cramping.wav", "my calf is cramping what do i do", "relief", "body_part=calf"),
    Fixture("q_left_foot.wav", "my left foot is cramping", "relief", "body_part=foot,side=left"),
    Fixture("q_causes.wav", "what causes leg cramps", "causes", "body_part=leg"),
    Fixture("q_calf_stretch.wav", "walk me through the calf stretch", "stretch", "exercise=calf_stretch"),
    Fixture("q_bedtime_routine.wav", "guide me through the bedtime routine", "stretch", "exercise=routine"),
    Fixture("q_prevent.wav", "how can i prevent cramps at night", "prevention"),
    Fixture("q_doctor.wav", "should i see a doctor", "doctor"),
    Fixture("q_heat_ice.wav", "does heat or ice help", "heat_cold"),
    Fixture("q_swollen.wav", "my calf is swollen and hot", "urgent", "body_part=calf"),
    Fixture("q_stop.wav", "stop", "stop"),
    Fixture("q_pause.wav", "pause", "pause"),
    Fixture("q_resume.wav", "resume", "resume"),
    Fixture("q_yes.wav", "yes", "yes"),
    Fixture("q_next.wav", "next", "next"),
]
OTHER_VOICES = [
    # A control an unfamiliar voice says that tiny.en writes as "counsel" without the routine's prompt.
    (Fixture("q_cancel_en_f3.wav", "cancel", "stop"), Voice("espeak-ng", "en+f3", 175)),
]
NOISY = ["q_calf_cramping.wav", "q_calf_stretch.wav", "q_stop.wav", "q_left_foot.wav"]
HUMAN = [
    ("human_goforward.wav", "goforward.raw", "go forward ten meters"),
    ("human_audiobook_0880.wav", "librivox/sense_and_sensibility_01_austen_64kb-0880.wav",
     "he was not an ill disposed young man"),
    ("human_audiobook_0930.wav", "librivox/sense_and_sensibility_01_austen_64kb-0930.wav",
     "he might even have been made amiable himself"),
]  # fmt: skip
FORMAT_SOURCE = "q_causes.wav"
FORMATS = [
    ("fmt_u8_11k.wav", ["-e", "unsigned-integer", "-b", "8", "-r", "11025"]),
    ("fmt_s24_16k.wav", ["-e", "signed-integer", "-b", "24"]),
    ("fmt_f32_22k.wav", ["-e", "floating-point", "-b", "32", "-r", "22050"]),
    ("fmt_stereo_44k.wav", ["-e", "signed-integer", "-b", "16", "-c", "2", "-r", "44100"]),
]

SLT_8K = (
    "fmt_slt_8k_stereo.wav",
    Voice("flite", "slt"),
    ["-e", "signed-integer", "-b", "16", "-c", "2", "-r", "8000"],
)


def make_slt_8k() -> Fixture:
    """The question in flite's slt voice, written by sox as 8 kHz stereo."""
    name, voice, options = SLT_8K
    base = next(f for f in QUESTIONS if f.file == FORMAT_SOURCE)
    source = OUT / f".{name}.16k.wav"
    write_wav(source, float_to_pcm16(pad(synthesize(voice, base.text), 0.5)))
    try:
        subprocess.run(["sox", str(source), *options, str(OUT / name)], check=True)
    finally:
        source.unlink(missing_ok=True)
    return Fixture(name, base.text, base.intent, base.slots)


def _human(name: str, source: str) -> None:
    path = TESTDATA / source
    if path.suffix == ".raw":  # headerless 16 kHz mono s16le
        write_wav(OUT / name, path.read_bytes())
    else:
        shutil.copyfile(path, OUT / name)


def make() -> list[Fixture]:
    OUT.mkdir(parents=True, exist_ok=True)
    manifest: list[Fixture] = []
    clean: dict[str, np.ndarray] = {}
    for fixture in QUESTIONS:
        speech = synthesize(VOICE, fixture.text)
        clean[fixture.file] = speech
        write_wav(OUT / fixture.file, float_to_pcm16(pad(speech, 0.5)))
        manifest.append(fixture)
    for fixture, voice in OTHER_VOICES:
        write_wav(OUT / fixture.file, float_to_pcm16(pad(synthesize(voice, fixture.text), 0.5)))
        manifest.append(fixture)
    by_file = {fixture.file: fixture for fixture in QUESTIONS}
    for seed, file in enumerate(NOISY):
        noisy = mix_at_snr(clean[file], "brown", 12.0, np.random.default_rng(seed))
        name = file.replace(".wav", "_brown12.wav")
        write_wav(OUT / name, float_to_pcm16(noisy))
        manifest.append(Fixture(name, by_file[file].text, by_file[file].intent, by_file[file].slots))
    for name, source, text in HUMAN:
        _human(name, source)
        manifest.append(Fixture(name, text, "unknown"))
    base = by_file[FORMAT_SOURCE]
    for name, options in FORMATS:
        subprocess.run(["sox", str(OUT / FORMAT_SOURCE), *options, str(OUT / name)], check=True)
        manifest.append(Fixture(name, base.text, base.intent, base.slots))
    manifest.append(make_slt_8k())
    lines = ["# file\ttext\tintent\tslots (generated by bench/make_fixtures.py)"]
    lines += [f"{f.file}\t{f.text}\t{f.intent}\t{f.slots}" for f in manifest]
    (OUT / "MANIFEST.tsv").write_text("\n".join(lines) + "\n")
    return manifest


if __name__ == "__main__":
    made = make()
    size = sum((OUT / fixture.file).stat().st_size for fixture in made)
    print(f"wrote {len(made)} files ({size / 1e6:.2f} MB) and MANIFEST.tsv to {OUT}", file=sys.stderr)
