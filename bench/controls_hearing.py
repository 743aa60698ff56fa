"""Controls heard without the loop: each phrasing of a seen split of bench/data/controls.tsv, in each of
its voices, given straight to the default recogniser and the understanding with a routine's expectation
(its controls), in a quiet room and under the fan at 12 dB. A quick look at what the two engines make of
short commands (a few minutes, against the loop benchmark's quarter of an hour): no endpointer, no echo,
no timing. `bench_controls` stays the measurement; this is for finding out why a control is lost.

`python -m bench.controls_hearing --set dev [--lost]` (a seen set only; `--lost`: list only the controls
not taken).
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from dataclasses import dataclass

import numpy as np

from assistant.audio.pcm import float_to_pcm16
from assistant.content.loader import load_content
from assistant.messages import Expectation, Transcript
from assistant.routines.controls import CONTROLS
from bench.bench_controls import UNSEEN, default_recognizer
from bench.controls_sets import VOICES, bed, spoken
from bench.controls_trials import read_phrasings

PAD_S = 0.3
"""Room noise before and after the speech (the endpointer keeps about this much)."""


@dataclass(frozen=True)
class Hearing:
    """One phrasing heard once."""

    voice: str
    condition: str
    text: str
    intent: str
    first: str
    second: str | None
    heard_as: str
    believed: bool
    reason: str

    @property
    def taken(self) -> bool:
        return self.believed and self.heard_as == self.intent

    def line(self) -> str:
        second = "" if self.second is None else f" | whisper {self.second!r}"
        verdict = "taken" if self.taken else f"LOST ({self.heard_as}, {self.reason})"
        return (
            f"{self.condition:6} {self.voice:28} {self.intent:10} {self.text!r:34} "
            f"ps {self.first!r}{second} -> {verdict}"
        )


def hear(split: str) -> list[Hearing]:
    """Every phrasing of the split in each of its voices, quiet and under the fan."""
    content = load_content()
    recognizer, understanding = default_recognizer(content)
    expect = Expectation(CONTROLS)
    phrasings = [p for p in read_phrasings() if p.split == split]
    pad = int(PAD_S * 16000)
    results = []
    for condition, fan in (("quiet", False), ("fan", True)):
        for index, voice in enumerate(VOICES[split]):
            noise = bed(fan, 7 * index + fan, seconds=20)
            for number, phrasing in enumerate(phrasings):
                speech = spoken(voice, phrasing.text)
                start = (number * 9973) % (len(noise) - len(speech) - 2 * pad)
                audio = noise[start : start + len(speech) + 2 * pad].copy()
                audio[pad : pad + len(speech)] += speech
                transcript: Transcript = recognizer.transcribe(float_to_pcm16(np.clip(audio, -1, 1)), expect)
                heard = understanding.understand(transcript, expect)
                second = transcript.second.text if transcript.second is not None else None
                results.append(
                    Hearing(
                        voice.label,
                        condition,
                        phrasing.text,
                        phrasing.intent,
                        transcript.text,
                        second,
                        heard.match.intent,
                        bool(heard.belief),
                        heard.belief.reason,
                    )
                )
    return results


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    seen = tuple(split for split in VOICES if split != UNSEEN)
    parser.add_argument("--set", choices=seen, default="dev", dest="split")
    parser.add_argument("--lost", action="store_true", help="list only the controls not taken")
    args = parser.parse_args()
    began = time.perf_counter()
    results = hear(args.split)
    for result in results:
        if not args.lost or not result.taken:
            print(result.line())
    by_condition = Counter(r.condition for r in results)
    taken = Counter(r.condition for r in results if r.taken)
    asked = Counter(r.condition for r in results if r.second is not None)
    for condition, count in by_condition.items():
        print(
            f"{condition}: {taken[condition]} of {count} taken ({100 * taken[condition] / count:.1f}%), "
            f"Whisper asked {asked[condition]}"
        )
    print(f"{time.perf_counter() - began:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
