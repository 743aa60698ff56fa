"""Speech-output figures: synthesis time per sentence, and the timing error of a real-time 10 s hold."""

from __future__ import annotations

import statistics
import threading
import time

import numpy as np

from assistant.clock import MonotonicClock
from assistant.routines.exercises import Exercise, Routine
from assistant.routines.phrases import SessionPhrases
from assistant.routines.runner import SessionRunner
from assistant.routines.session import Session
from assistant.routines.timeline import Cue, Timing
from assistant.voice.speaker import NullSpeaker, Speaker, SynthSpeaker
from assistant.voice.tts_espeak import EspeakSynthesizer
from assistant.voice.voice_profile import VoiceProfile

SHORT = ["Release.", "5.", "10 seconds left.", "Now switch to your left leg.", "Paused."]
LONG = [
    "Step one foot back and keep that leg straight, with the heel on the floor, while you bend the knee.",
    "Let's do your bedtime stretches: 5 gentle exercises. Say pause, stop or next at any time.",
    "Hold your ankle and gently pull until you feel a stretch in the front of the thigh.",
]
HOLD = 10.0


class ClockedPlayer:
    """Plays nothing but takes as long as the samples would (no output device needed)."""

    def __init__(self) -> None:
        self._until = 0.0

    def play(self, samples: np.ndarray, rate: int) -> None:
        self._until = time.monotonic() + len(samples) / rate

    def queue(self, samples: np.ndarray, rate: int) -> None:
        self._until = max(self._until, time.monotonic()) + len(samples) / rate

    def stop(self) -> None:
        self._until = 0.0

    def is_playing(self) -> bool:
        return time.monotonic() < self._until

    def wait(self, timeout: float | None = None) -> bool:
        time.sleep(max(0.0, self._until - time.monotonic()))
        return True

    def close(self) -> None:
        pass


def _synthesis_ms(synth: EspeakSynthesizer, texts: list[str], rounds: int = 5) -> tuple[float, float]:
    times, lengths = [], []
    for _ in range(rounds):
        for text in texts:
            start = time.perf_counter()
            speech = synth.synthesize(text)
            times.append((time.perf_counter() - start) * 1000)
            lengths.append(speech.seconds)
    return statistics.median(times), statistics.median(lengths)


def _hold_error(speaker: Speaker) -> tuple[float, float]:
    """(release vs schedule, hold length error) in ms for one real-time 10 s hold."""
    exercise = Exercise(
        "calf_stretch", "calf stretch", "bench", ("Lean on the wall.",), hold=HOLD, hold_range=(1, 60)
    )
    routine = Routine("calf_stretch", "calf stretch", "bench", (exercise,))
    clock = MonotonicClock()
    session = Session(routine, SessionPhrases.from_file(), speaker.duration, Timing())
    played: list[tuple[Cue, float]] = []
    SessionRunner(session, speaker, clock, earcons=False, on_cue=lambda c, at: played.append((c, at))).run()
    hold = next((c, at) for c, at in played if c.kind == "hold")
    release = next((c, at) for c, at in played if c.kind == "release")
    return (release[1] - release[0].t) * 1000, ((release[1] - hold[1]) - HOLD) * 1000


def run() -> dict[str, str]:
    profile = VoiceProfile(165, 0.9)
    synth = EspeakSynthesizer(profile)
    start = time.perf_counter()
    synth.synthesize("Ready.")
    startup = (time.perf_counter() - start) * 1000
    short_ms, short_s = _synthesis_ms(synth, SHORT)
    long_ms, long_s = _synthesis_ms(synth, LONG)
    null_late, null_len = _hold_error(NullSpeaker(profile.rate))
    # real synthesis in the session, and another synthesiser busy in a thread meanwhile
    busy = EspeakSynthesizer(profile)
    stop = threading.Event()

    def keep_busy() -> None:
        while not stop.is_set():
            for text in LONG:
                busy.synthesize(text)

    worker = threading.Thread(target=keep_busy, daemon=True)
    worker.start()
    try:
        synth_late, synth_len = _hold_error(SynthSpeaker(synth, ClockedPlayer(), profile.volume))
    finally:
        stop.set()
        worker.join()
        busy.close()
        synth.close()
    return {
        "speech engine start (espeak-ng worker)": f"{startup:.0f} ms",
        "synthesis per short sentence (median)": f"{short_ms:.1f} ms for {short_s:.2f} s of speech",
        "synthesis per long sentence (median)": f"{long_ms:.1f} ms for {long_s:.2f} s of speech",
        "10 s hold, null speaker: release vs schedule": (
            f"{null_late:+.1f} ms (hold {HOLD + null_len / 1000:.3f} s)"
        ),
        "10 s hold, real synthesis in parallel: release vs schedule": (
            f"{synth_late:+.1f} ms (hold {HOLD + synth_len / 1000:.3f} s)"
        ),
    }


if __name__ == "__main__":
    for name, value in run().items():
        print(f"{name}: {value}")
