"""Runs a spoken corpus through endpointer, recogniser and dialog, and summarises what came out.

Used by `bench_recognition`. Each file is endpointed as in `ask --wav`. The speech is fed to a recognition
stream in 30 ms pieces, as the bedside loop does while it is spoken; then, as the loop does when the
endpointer reports the pause after the last word, `prepare()` decodes ahead while the rest of the trailing
silence is waited out (`pause_lead`, 0.27 s). The time from the end of speech (the endpointer's verdict)
to the IntentMatch is what `prepare()` overran that wait by, plus `finish()` and the routing.
"""

from __future__ import annotations

import statistics
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from assistant.audio.source import read_wav_pcm16k
from assistant.dialog.dialog import Dialog
from assistant.dialog.intents.base import Context
from assistant.hearing.endpointer import pause_lead, speech_span
from assistant.hearing.recognizer import Recognizer, start_stream
from assistant.messages import SAMPLE_RATE, SAMPLE_WIDTH, IntentMatch, Transcript
from bench.speech_corpus import CorpusEntry

PIECE_BYTES = SAMPLE_RATE * SAMPLE_WIDTH * 30 // 1000
"""Speech reaches the stream in 30 ms pieces, as from the microphone."""


@dataclass(frozen=True)
class Outcome:
    """One corpus file's result."""

    entry: CorpusEntry
    transcript: Transcript
    match: IntentMatch
    decode_s: float
    route_s: float
    audio_s: float
    stream_s: float = 0.0
    """Time spent decoding while the speech arrived (before its end)."""
    ahead_s: float = 0.0
    """Time spent decoding ahead in the trailing silence (`prepare`)."""

    @property
    def correct(self) -> bool:
        """Intent and slots exactly as expected."""
        return self.match.intent == self.entry.intent and dict(self.match.slots) == self.entry.slots

    @property
    def answered(self) -> bool:
        """The assistant gave an answer other than 'not understood'."""
        return self.match.intent != "unknown"

    @property
    def condition(self) -> str:
        return "clean" if self.entry.snr is None else f"{self.entry.snr:g} dB"


def evaluate(
    entries: Iterable[CorpusEntry],
    recognizer: Recognizer,
    dialog: Dialog,
    transcribe: Callable[[bytes], Transcript] | None = None,
) -> list[Outcome]:
    """Decodes and answers every entry with a fresh conversation context each."""
    outcomes = []
    run = transcribe or recognizer.transcribe
    for entry in entries:
        audio = read_wav_pcm16k(entry.path)
        speech = speech_span(audio)
        streamed = ahead = 0.0
        if not speech:
            started = time.perf_counter()
            transcript = Transcript("", 0.0, recognizer.name)
        elif transcribe is not None:
            started = time.perf_counter()
            transcript = run(speech)
        else:
            began = time.perf_counter()
            stream = start_stream(recognizer)
            for offset in range(0, len(speech), PIECE_BYTES):
                stream.accept(speech[offset : offset + PIECE_BYTES])
            pause = time.perf_counter()
            streamed = pause - began
            stream.prepare()
            started = time.perf_counter()
            ahead = started - pause
            transcript = stream.finish()
        decoded = time.perf_counter()
        dialog.context = Context()
        match, _ = dialog.respond(transcript)
        routed = time.perf_counter()
        outcomes.append(
            Outcome(
                entry,
                transcript,
                match,
                decoded - started,
                routed - decoded,
                len(audio) / (SAMPLE_RATE * SAMPLE_WIDTH),
                streamed,
                ahead,
            )
        )
    return outcomes


def accuracy(outcomes: Sequence[Outcome]) -> float:
    return sum(o.correct for o in outcomes) / len(outcomes) if outcomes else float("nan")


def by(outcomes: Iterable[Outcome], key: Callable[[Outcome], str]) -> dict[str, list[Outcome]]:
    groups: dict[str, list[Outcome]] = defaultdict(list)
    for outcome in outcomes:
        groups[key(outcome)].append(outcome)
    return dict(groups)


def percentile(values: Sequence[float], fraction: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def latency_ms(outcomes: Sequence[Outcome]) -> tuple[float, float]:
    """Median and 90th percentile, in milliseconds, of the end of speech to the IntentMatch: what decoding
    ahead overran the rest of the trailing silence by, then finish and route."""
    lead = pause_lead()
    values = [(max(0.0, o.ahead_s - lead) + o.decode_s + o.route_s) * 1000 for o in outcomes]
    return statistics.median(values), percentile(values, 0.9)


def real_time_factor(outcomes: Sequence[Outcome]) -> float:
    """Decode time over the length of the decoded files."""
    audio = sum(o.audio_s for o in outcomes)
    return sum(o.stream_s + o.ahead_s + o.decode_s for o in outcomes) / audio if audio else float("nan")
