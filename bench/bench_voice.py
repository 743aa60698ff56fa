"""Speech-out figures per engine (Piper, espeak-ng): time from a reply's text to its first audio, real-time
factor, resident memory, and intelligibility (every first answer in content/ spoken, heard back by Whisper).

Time to first audio is how long `SynthSpeaker.play(text)` takes before it hands the player the first piece:
cold (nothing synthesised before), then with the first piece kept on disk by an earlier run (`SpeechStore`);
"whole reply" is the same reply synthesised in one go, as the speaker did before it spoke a piece at a
time. Memory is the peak resident set of a child process that loads the engine and speaks three answers.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from assistant.content.loader import load_content
from assistant.dialog.intents.base import Phrasing
from assistant.errors import AssistantError
from assistant.settings import DialogSettings, VoiceSettings
from assistant.voice.engines import make_synthesizer
from assistant.voice.speaker import SynthSpeaker
from assistant.voice.speech import Synthesizer
from assistant.voice.speech_cache import SpeechCache
from assistant.voice.speech_store import SpeechStore
from assistant.voice.voice_profile import VoiceProfile
from bench.heard_back import Transcriber, to_16k, whisper_transcriber, word_errors

ENGINES = ("piper", "espeak")
PROFILE = VoiceProfile(165, 0.9)
LONG_ANSWER = (30, 48)
"""Answers of this many words count as "a 40-word answer"."""


class QuietPlayer:
    """Takes samples and plays nothing."""

    def play(self, samples: np.ndarray, rate: int) -> None:
        pass

    def queue(self, samples: np.ndarray, rate: int) -> None:
        pass

    def stop(self) -> None:
        pass

    def is_playing(self) -> bool:
        return False

    def wait(self, timeout: float | None = None) -> bool:
        return True

    def close(self) -> None:
        pass


def first_answers() -> list[str]:
    """Every variant of every first answer in content/, placeholders filled as the dialog fills them."""
    content = load_content()
    phrasing = Phrasing(content, DialogSettings())
    return [
        phrasing.fill(text, exercise=response.offer)
        for response in content.responses.values()
        for text in response.first
    ]


def engine(name: str) -> Synthesizer:
    return make_synthesizer(VoiceSettings(engine=name), PROFILE)


def first_audio_ms(synth: Synthesizer, text: str, store: SpeechStore | None) -> float:
    speaker = SynthSpeaker(synth, QuietPlayer(), PROFILE.volume, store)  # a fresh in-memory cache
    start = time.perf_counter()
    speaker.play(text)
    elapsed = (time.perf_counter() - start) * 1000
    speaker.stop()
    feeder = speaker._feeder
    if feeder is not None:
        feeder.join()
    return elapsed


def peak_memory_mb(name: str) -> float:
    """The peak resident set of a fresh process that loads the engine and speaks (with its espeak-ng
    worker, if any). Read from /proc inside the child: after exec the peak starts again, whereas the
    rusage of a forked child also counts the parent's pages it held before exec."""
    out = subprocess.run(
        [sys.executable, "-m", "bench.bench_voice", "--child", name],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return sum(int(kb) for kb in out.split()) / 1024


def _peak_kb(pid: int | str = "self") -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def measure(name: str, answers: list[str], transcribe: Transcriber | None) -> dict[str, str]:
    start = time.perf_counter()
    synth = engine(name)
    synth.synthesize("Ready.")
    load_ms = (time.perf_counter() - start) * 1000
    long = [a for a in answers if LONG_ANSWER[0] <= len(a.split()) <= LONG_ANSWER[1]]
    with tempfile.TemporaryDirectory() as folder:
        store = SpeechStore(Path(folder))
        cold = [first_audio_ms(synth, a, store) for a in long]
        stored = [first_audio_ms(synth, a, store) for a in long]
    spent = audio = 0.0
    whole: list[float] = []
    errors = words = 0
    worst: tuple[float, str, str] = (0.0, "", "")
    for text in answers:
        t0 = time.perf_counter()
        speech = SpeechCache(synth).get(text)
        spent += time.perf_counter() - t0
        audio += speech.seconds
        if text in long:
            whole.append((time.perf_counter() - t0) * 1000)
        if transcribe is not None:
            heard = transcribe(to_16k(speech.samples, speech.rate))
            e, n = word_errors(text, heard)
            errors, words = errors + e, words + n
            worst = max(worst, (e / max(1, n), text, heard))
    synth.close()
    figures = {
        f"{name}: engine start": f"{load_ms:.0f} ms",
        f"{name}: text to first audio, {len(long)} answers of {LONG_ANSWER[0]}-{LONG_ANSWER[1]} words": (
            f"median {statistics.median(cold):.0f} ms, max {max(cold):.0f} ms; "
            f"first piece kept from an earlier run: median {statistics.median(stored):.1f} ms; "
            f"whole reply before playing: median {statistics.median(whole):.0f} ms"
        ),
        f"{name}: real-time factor (synthesis / speech, {len(answers)} first answers)": (
            f"{spent / audio:.3f} ({spent:.1f} s for {audio:.0f} s of speech)"
        ),
        f"{name}: peak resident memory (a process that only speaks, with its worker)": (
            f"{peak_memory_mb(name):.0f} MB"
        ),
    }
    if transcribe is not None:
        rate = 100 * errors / max(1, words)
        figures[f"{name}: word error rate heard back by Whisper tiny.en ({words} words)"] = (
            f"{rate:.1f}% (worst: {100 * worst[0]:.0f}% {worst[1]!r} heard {worst[2]!r})"
        )
    return figures


def run() -> dict[str, str]:
    answers = first_answers()
    try:
        transcribe: Transcriber | None = whisper_transcriber()
        note = None
    except AssistantError as err:
        transcribe, note = None, str(err)
    figures: dict[str, str] = {}
    for name in ENGINES:
        try:
            figures.update(measure(name, answers, transcribe))
        except AssistantError as err:
            figures[f"{name}: not run"] = str(err)
    if note:
        figures["word error rate: not run"] = note
    return figures


def _child(name: str) -> None:
    synth = engine(name)
    for text in first_answers()[:3]:
        SpeechCache(synth).get(text)
    worker = getattr(synth, "worker_pid", None)
    print(_peak_kb(), _peak_kb(worker) if worker else 0)
    synth.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--child", choices=ENGINES, help="the memory probe: load one engine and speak")
    args = parser.parse_args()
    if args.child:
        _child(args.child)
    else:
        for key, value in run().items():
            print(f"{key}: {value}")
