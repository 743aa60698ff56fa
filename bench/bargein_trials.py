"""Barge-in trials for `bench_bargein`: the real loop (pocketsphinx, the speexdsp canceller, espeak-ng's
voice) in the simulated room, on a virtual clock, with a person's control spoken over a routine's cue."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.audio.pcm import float_to_pcm16, pcm16_to_float
from assistant.audio.room import RoomEcho, RoomEchoSource
from assistant.clock import VirtualClock
from assistant.content.loader import Content
from assistant.hearing.recognizer import Transcriber
from assistant.loop.events import Recorder
from assistant.loop.setup import LoopParts, build_loop
from assistant.messages import SAMPLE_RATE, AudioChunk
from assistant.settings import Settings
from bench.noise import coloured_noise

CHUNK = 480


@dataclass
class Outcome:
    """What one trial came to."""

    heard: str | None
    """The intent acted on as a control after the word, or None."""
    to_silence: float | None
    """Seconds from the end of the word to the loop acting on it (virtual: endpointing), when acted."""
    decode_ms: float
    """What the recogniser took (real CPU time) for the utterance acted on."""


class RoomNight:
    """One loop in the room: feed it the fan's noise plus whatever a person says."""

    def __init__(
        self, settings: Settings, content: Content, recognizer: Transcriber, noise_level: float, seed: int
    ) -> None:
        self.clock = VirtualClock()
        self.events = Recorder()
        self.folder = tempfile.TemporaryDirectory(prefix="bargein-")
        self.parts: LoopParts = build_loop(
            settings,
            self.clock,
            self.events,
            Path(self.folder.name) / "spoken.wav",
            "null",
            lambda: iter(()),  # type: ignore[arg-type, return-value]
            finite=True,
            recognizer=recognizer,
            content=content,
            seed=7,
        )
        assert self.parts.playback is not None
        self.room = RoomEchoSource(iter(()), self.parts.playback, self.clock, RoomEcho())  # type: ignore[arg-type]
        self.bedside = self.parts.bedside
        self.bedside.start()
        rng = np.random.default_rng(seed)
        self.fan = coloured_noise("brown", 60 * SAMPLE_RATE, rng) * np.float32(noise_level)
        """A minute of the fan's noise, looped (made in one piece: brown noise made chunk by chunk
        would click at every joint)."""
        self._fan_at = 0
        self.cpu = 0.0
        self.fed = 0.0
        self.echo_power = 0.0
        self.residue_power = 0.0

    def feed(self, samples: np.ndarray) -> None:
        for offset in range(0, len(samples) // CHUNK * CHUNK, CHUNK):
            indices = (self._fan_at + np.arange(CHUNK)) % len(self.fan)
            self._fan_at = int(indices[-1]) + 1
            bed = self.fan[indices]
            person = samples[offset : offset + CHUNK]
            self.clock.sleep(CHUNK / SAMPLE_RATE)
            began = time.process_time()
            dry = bed + person
            chunk = self.room.add_echo(AudioChunk(float_to_pcm16(dry), self.fed))
            cleaned = self.bedside.barge_in.clean(chunk, self.clock.now())
            wet = pcm16_to_float(chunk.audio)
            if cleaned.audio and not np.any(person):  # the echo, and what the canceller left of it
                self.echo_power += float(np.sum((wet - dry) ** 2))
                self.residue_power += float(
                    np.sum((pcm16_to_float(cleaned.audio) - dry[: cleaned.samples]) ** 2)
                )
            self.bedside.tick()
            self.bedside.endpointer.listen_over_voice(
                self.bedside.barge_in.over_voice(self.bedside.own_voice.speaking)
            )
            if self.bedside.listening_now():
                self.bedside.listening.feed(cleaned)
            else:
                self.bedside.listening.flush()
            self.cpu += time.process_time() - began
            self.fed += CHUNK / SAMPLE_RATE

    def bed(self, seconds: float) -> None:
        self.feed(np.zeros(int(seconds * SAMPLE_RATE), dtype=np.float32))

    def until(self, done: Callable[[], bool], limit: float) -> bool:
        end = self.clock.now() + limit
        while not done():
            if self.clock.now() >= end:
                return False
            self.bed(0.03)
        return True

    def close(self) -> None:
        self.parts.close()
        self.folder.cleanup()


def over_a_cue(night: RoomNight, control: np.ndarray, word_end: float, in_a_gap: bool = False) -> Outcome:
    """Start the calf stretch, wait for a long instruction to be 0.3 s under way (after 4 s, so the
    canceller has heard some of its voice), say `control` over it, and see what the loop does. With
    `in_a_gap`, say it 3.5 s into the first hold instead, the assistant quiet (the recogniser's own
    baseline, no echo)."""
    bedside = night.bedside
    bedside.routines.begin("calf_stretch", night.clock.now() + 0.3)
    start = night.clock.now()
    origin = bedside.routines.events.origin

    def long_cue_playing() -> bool:
        says = [e for e in night.events.of("say") if e.get("source") == "routine"]
        if not says or night.clock.now() < start + 4.0:
            return False
        last = says[-1]
        return last["seconds"] > 2.5 and night.clock.now() - origin >= last["t"] + 0.3

    def quiet_hold() -> bool:
        holds = night.events.of("hold")
        late = bool(holds) and night.clock.now() - origin >= holds[0]["t"] + 3.5
        return late and not bedside.own_voice.speaking

    if not night.until(quiet_hold if in_a_gap else long_cue_playing, 60.0):
        return Outcome(None, None, 0.0)
    heard_before = len(night.events.of("heard"))
    said_at = night.clock.now()
    night.feed(control)
    night.bed(3.0)
    for event in night.events.of("heard")[heard_before:]:
        if event["action"] == "control":
            t = event["t"] + origin
            return Outcome(event["intent"], t - (said_at + word_end), event["timings"]["recognise_ms"])
    return Outcome(None, None, 0.0)


def quiet_routine(night: RoomNight, name: str = "routine") -> tuple[int, int, int]:
    """A whole routine with nobody speaking: (utterances heard, commands taken, holds completed)."""
    night.bedside.routines.begin(name, night.clock.now() + 0.5)
    night.until(lambda: not night.bedside.routines.active, 900.0)
    night.bed(2.0)
    heard = night.events.of("heard")
    taken = [e for e in heard if e["action"] != "ignore"]
    completed = [e for e in night.events.of("release") if e.get("completed")]
    return len(heard), len(taken), len(completed)


def word_end(samples: np.ndarray) -> float:
    """Seconds to the end of the last loud 10 ms in `samples`."""
    frames = samples[: len(samples) // 160 * 160].reshape(-1, 160)
    loud = np.flatnonzero(np.sqrt(np.mean(frames**2, axis=1)) > 0.01)
    return float(loud[-1] + 1) * 160 / SAMPLE_RATE if loud.size else 0.0
