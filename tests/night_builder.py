"""Recorded nights for the end-to-end tests (tests/data/night_script.md), built from committed fixtures.

Night A is *performed*: the user's lines are fed to an in-process loop (virtual clock, the same settings,
seed and speech synthesiser as the command under test, and an oracle recogniser that knows what was said),
each one placed in a silent gap after the assistant's speech, as a person would wait for it; everything
fed is recorded into the WAV. Night B is a fixed arrangement of radio, partner, human speech and noises.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
from audio_signals import background, cough, door_slam

from assistant.audio.pcm import float_to_pcm16, pcm16_to_float
from assistant.audio.source import read_wav_pcm16k
from assistant.audio.wav_file import write_wav
from assistant.clock import VirtualClock
from assistant.content.loader import Content
from assistant.loop.bedside import Bedside
from assistant.loop.events import Recorder
from assistant.loop.setup import LoopParts, build_loop
from assistant.messages import IDLE, SAMPLE_RATE, AudioChunk, Expectation, Transcript
from assistant.settings import Settings

AUDIO = Path(__file__).parent / "audio"
CHUNK = 480
BED_LEVEL = 0.01
"""RMS of the fan's brown noise (about -40 dBFS; the spoken fixtures are 12 dB or more above it)."""
SEED = 7
"""The phrasing seed the performance and the command both use."""


def clip(name: str, gain: float = 1.0) -> np.ndarray:
    """A committed fixture as 16 kHz float samples."""
    return pcm16_to_float(read_wav_pcm16k(AUDIO / name)) * np.float32(gain)


class OracleRecognizer:
    """Knows what the performer is saying; anything else (noise) is out of domain. With `twice`, each line
    comes with a second engine's agreeing hypothesis (as the two-engine recogniser gives)."""

    def __init__(self, twice: bool = False) -> None:
        self.pending: str | None = None
        self.twice = twice

    def transcribe(self, pcm: bytes, expect: Expectation = IDLE) -> Transcript:
        text, self.pending = self.pending, None
        if text is None:
            return Transcript("", 0.0, "oracle", out_of_domain=True)
        second = Transcript(text, 1.0, "oracle") if self.twice else None
        return Transcript(text, 1.0, "oracle", second=second)


class Performer:
    """Plays the user's side of night A against a live loop, recording every sample it feeds."""

    def __init__(self, settings: Settings, content: Content, speak_to: Path, twice: bool = False) -> None:
        self.clock = VirtualClock()
        self.events = Recorder()
        self.oracle = OracleRecognizer(twice)
        self.parts: LoopParts = build_loop(
            settings,
            self.clock,
            self.events,
            speak_to,
            "null",
            lambda: iter(()),  # type: ignore[arg-type, return-value]
            finite=True,
            recognizer=self.oracle,
            content=content,
            seed=SEED,
        )
        self.bedside: Bedside = self.parts.bedside
        self.bedside.start()
        self._bed = background("brown", 30.0, BED_LEVEL, seed=11)
        self._bed_pos = 0
        self.recorded: list[np.ndarray] = []

    def _feed(self, samples: np.ndarray) -> None:
        usable = len(samples) // CHUNK * CHUNK
        for offset in range(0, usable, CHUNK):
            indices = (self._bed_pos + np.arange(CHUNK)) % len(self._bed)
            self._bed_pos = int(indices[-1]) + 1
            piece = samples[offset : offset + CHUNK] + self._bed[indices]
            self.recorded.append(piece)
            self.clock.sleep(CHUNK / SAMPLE_RATE)
            self.bedside.feed(AudioChunk(float_to_pcm16(piece)))

    def bed(self, seconds: float) -> None:
        self._feed(np.zeros(int(seconds * SAMPLE_RATE), dtype=np.float32))

    def say(self, name: str, text: str) -> None:
        """Speak a fixture, then the bed until the loop has reacted (the endpointer's trailing silence)."""
        self.oracle.pending = text
        heard = len(self.events.of("heard"))
        self._feed(clip(name))
        self.until(lambda: len(self.events.of("heard")) > heard, limit=5.0)
        self.bed(0.3)

    def until(self, done: Callable[[], bool], limit: float = 180.0) -> None:
        end = self.clock.now() + limit
        while not done():
            if self.clock.now() >= end:
                raise AssertionError("the loop never got there")
            self.bed(0.03)

    def gap(self, needed: float) -> None:
        """The bed until the assistant is quiet and no routine cue comes for `needed` seconds."""
        routines, speaker = self.bedside.routines, self.bedside.speaker

        def ready() -> bool:
            wakeup = routines.next_wakeup()
            free = wakeup is None or wakeup - self.clock.now() >= needed
            return free and not speaker.is_speaking()

        self.until(ready)
        self.bed(1.0)

    def seconds(self, name: str) -> float:
        return len(clip(name)) / SAMPLE_RATE

    def write(self, path: Path) -> None:
        self.parts.close()
        write_wav(path, float_to_pcm16(np.concatenate(self.recorded)))


def perform_night_a(settings: Settings, content: Content, path: Path, rehearsal_speech: Path) -> Recorder:
    """Night A into `path`: a cramp, a guided stretch, paused, resumed and stopped by voice."""
    night = Performer(settings, content, rehearsal_speech)
    night.bed(4.0)
    night.say("night_left_calf.wav", "i've got a cramp in my left calf")
    night.gap(0.0)
    night.bed(1.0)
    night.say("q_yes.wav", "yes")
    night.until(lambda: bool(night.events.of("hold")))
    night.gap(night.seconds("q_pause.wav") + 2.0)
    night.say("q_pause.wav", "pause")
    night.gap(0.0)
    night.bed(6.0)  # paused: nothing is said however long this lasts
    night.say("q_resume.wav", "resume")
    night.gap(night.seconds("q_stop.wav") + 2.0)
    night.say("q_stop.wav", "stop")
    night.gap(0.0)
    night.bed(8.0)
    night.write(path)
    return night.events


def perform_night_c(settings: Settings, content: Content, path: Path, rehearsal_speech: Path) -> Recorder:
    """Night C into `path`: a stretch started by voice; in its first hold a question ("my calf is
    cramping, what do I do"), which pauses it and is answered; then "resume", and later "pause"."""
    night = Performer(settings, content, rehearsal_speech, twice=True)
    night.bed(3.0)
    night.say("q_calf_stretch.wav", "walk me through the calf stretch")
    night.until(lambda: bool(night.events.of("hold")))
    night.gap(night.seconds("q_calf_cramping.wav") + 2.0)
    night.say("q_calf_cramping.wav", "my calf is cramping what do i do")
    night.gap(0.0)
    night.bed(2.0)
    night.say("q_resume.wav", "resume")
    night.gap(night.seconds("q_pause.wav") + 2.0)
    night.say("q_pause.wav", "pause")
    night.gap(0.0)
    night.bed(4.0)
    night.write(path)
    return night.events


NIGHT_B: list[tuple[float, str, float]] = [
    # (at seconds, clip, gain): radio lines are quieter (a radio across the room), the partner is near.
    (3.0, "human_audiobook_0880.wav", 0.5),
    (10.0, "radio_cramp.wav", 0.6),
    (17.0, "human_audiobook_0930.wav", 0.5),
    (24.0, "radio_next_week.wav", 0.6),
    (31.0, "radio_dont_stop.wav", 0.6),
    (40.0, "partner_radio_down.wav", 0.8),
    (46.0, "cough", 1.0),
    (50.0, "human_goforward.wav", 0.7),
    (57.0, "door", 1.0),
    (62.0, "partner_stretch.wav", 0.8),
    (70.0, "radio_cramp.wav", 0.4),
    (77.0, "human_audiobook_0880.wav", 0.4),
]
NIGHT_B_SECONDS = 88.0


def build_night_b(path: Path) -> None:
    """Night B into `path`: radio talk, a partner, a cough and a door over the fan; nothing for us."""
    out = background("brown", NIGHT_B_SECONDS, BED_LEVEL, seed=12)
    for at, name, gain in NIGHT_B:
        if name == "cough":
            sound = cough(0.25, seed=3)
        elif name == "door":
            sound = door_slam(seed=4)
        else:
            sound = clip(name, gain)
        start = int(at * SAMPLE_RATE)
        out[start : start + len(sound)] += sound[: len(out) - start]
    write_wav(path, float_to_pcm16(out))


def spoken_end(name: str) -> float:
    """Seconds from the start of a fixture to the end of its last word (-40 dBFS over 10 ms)."""
    samples = clip(name)
    frames = samples[: len(samples) // 160 * 160].reshape(-1, 160)
    loud = np.flatnonzero(np.sqrt(np.mean(frames**2, axis=1)) > 0.01)
    return float(loud[-1] + 1) * 160 / SAMPLE_RATE if loud.size else 0.0


def perform_barge_in_night(
    settings: Settings, content: Content, path: Path, rehearsal_speech: Path
) -> dict[str, float]:
    """A night spoken over the assistant: a cramp, and over its answer "walk me through the calf
    stretch"; "pause" while it confirms; "resume"; "stop" over an instruction. Returns when each word
    spoken over the assistant ended (seconds into the file)."""
    night = Performer(settings, content, rehearsal_speech)
    speaker = night.bedside.speaker
    ends: dict[str, float] = {}

    def over_voice(name: str, text: str) -> None:
        ends[text] = night.clock.now() + spoken_end(name)
        night.say(name, text)

    night.bed(3.0)
    night.say("night_left_calf.wav", "i've got a cramp in my left calf")
    night.bed(4.5)  # the answer is long: a new question interrupts it
    night.say("q_calf_stretch.wav", "walk me through the calf stretch")
    night.until(speaker.is_speaking)
    night.bed(0.2)
    over_voice("q_pause.wav", "pause")
    night.gap(0.0)
    night.bed(5.0)
    night.say("q_resume.wav", "resume")

    def long_instruction() -> bool:
        says = [e for e in night.events.of("say") if e.get("source") == "routine"]
        return bool(says) and says[-1]["seconds"] > 3.0 and speaker.is_speaking()

    night.until(long_instruction)
    night.bed(1.0)
    over_voice("q_stop.wav", "stop")
    night.gap(0.0)
    night.bed(4.0)
    night.write(path)
    return ends


def build_quiet_routine_night(path: Path, seconds: float = 380.0) -> None:
    """Into `path`: "guide me through the bedtime routine" after 3 s, then only the fan for the whole
    routine (nobody speaks over it)."""
    out = background("brown", seconds, BED_LEVEL, seed=13)
    request = clip("q_bedtime_routine.wav")
    start = int(3.0 * SAMPLE_RATE)
    out[start : start + len(request)] += request
    write_wav(path, float_to_pcm16(out))
