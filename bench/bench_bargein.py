"""Barge-in: the echo canceller on the assistant's own speech, controls spoken over its cues, a whole
bedtime routine in the simulated room, and what it costs.

- ERLE (echo return loss enhancement): the echo's power over what the canceller leaves of it, on espeak-ng
  phrases of the routine through the simulated room (`RoomEcho` defaults: 30 ms, -6 dB, 200 ms tail),
  after the first 3 s; for the chosen canceller and the variants it was chosen from (filter length, the
  residual-echo suppressor), with the canceller's CPU per second of audio.
- Controls over cues: 7 controls (stop, pause, wait, be quiet, skip, repeat, resume) in 3 voices, each
  said over a long instruction of the calf stretch (a fresh loop each time, real pocketsphinx), with the
  fan at -40 dBFS and at -30 dBFS; a control counts when the loop acts on it as that control.
- Time to silence: from the end of the word to the loop acting (endpointing on the virtual clock, plus
  the decoder's real time), for stop, pause, wait and be quiet.
- A whole bedtime routine with nobody speaking: utterances its own voice made reach the recogniser,
  commands taken from them (target 0), holds completed, and the loop's CPU per second of audio.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import replace

import numpy as np

from assistant.audio.echo import EchoCanceller
from assistant.audio.playback import PlaybackReference
from assistant.audio.room import RoomEcho, RoomEchoSource
from assistant.audio.speex_aec import SpeexEchoCanceller
from assistant.clock import VirtualClock
from assistant.content.loader import load_content
from assistant.hearing.domain import domain_of
from assistant.hearing.recognizer import create_recognizer
from assistant.messages import SAMPLE_RATE, AudioChunk
from assistant.routines.phrases import SessionPhrases
from assistant.settings import RecognizerSettings, Settings, VoiceSettings
from assistant.understanding.understanding import Understanding
from bench.bargein_trials import CHUNK, RoomNight, over_a_cue, quiet_routine, word_end
from bench.synth import Voice, available, synthesize, trim

CONTROLS = [
    ("stop", "stop"),
    ("pause", "pause"),
    ("wait", "pause"),
    ("be quiet", "stop"),
    ("skip", "next"),
    ("repeat", "repeat"),
    ("resume", "resume"),
]
VOICES = [Voice("espeak-ng", "en-us", 165), Voice("flite", "slt"), Voice("flite", "awb")]
SILENCING = {"stop", "pause", "wait", "be quiet"}
NOISE = {"fan -40 dBFS": 0.01, "fan -30 dBFS": 0.03}
CONTROL_RMS = 0.05
"""The person's level (-26 dBFS), about the level of the assistant's echo in the default room."""


def _settings() -> Settings:
    voice = VoiceSettings(rate=165, night_rate=165, volume=0.9, night_volume=0.9)
    return replace(Settings(), voice=voice, recognizer=RecognizerSettings(engine="pocketsphinx"))


def _voice_samples() -> np.ndarray:
    """The routine's phrases in the assistant's voice (espeak-ng), 0.3 s apart, 16 kHz."""
    phrases = SessionPhrases.from_file()
    texts = [
        phrases.hold_start.format(seconds=30),
        "Stand facing a wall, with your hands pressed against it.",
    ]
    texts += [phrases.progress.format(seconds=20), phrases.last_progress.format(seconds=10), phrases.paused]
    texts += ["Step one foot back and keep that leg straight, with the heel on the floor.", phrases.release]
    gap = np.zeros(int(0.3 * SAMPLE_RATE), dtype=np.float32)
    voice = Voice("espeak-ng", "en-us", 165)
    return np.concatenate([np.concatenate([trim(synthesize(voice, t)) * 0.9, gap]) for t in texts])


def erle(filter_length: int, suppress: bool, voice: np.ndarray) -> tuple[float, float]:
    """(ERLE in dB after 3 s, canceller CPU ms per audio second) on `voice` through the default room."""
    clock, playback = VirtualClock(), PlaybackReference()
    playback.play(0.5, voice, SAMPLE_RATE)
    room = RoomEchoSource(iter(()), playback, clock, RoomEcho())  # type: ignore[arg-type]
    engine = SpeexEchoCanceller(160, filter_length, SAMPLE_RATE, suppress=suppress)
    canceller = EchoCanceller(playback, engine=engine)
    echo_power = residue_power = 0.0
    seconds = 0.5 + len(voice) / SAMPLE_RATE + 0.3
    for index in range(int(seconds * SAMPLE_RATE) // CHUNK):
        clock.sleep(CHUNK / SAMPLE_RATE)
        echoed = room.add_echo(AudioChunk(bytes(2 * CHUNK), index * CHUNK / SAMPLE_RATE))
        out = canceller.process(echoed, clock.now())
        if clock.now() > 3.5:
            echo_power += float(np.sum(np.frombuffer(echoed.audio, "<i2").astype(np.float64) ** 2))
            residue_power += float(np.sum(np.frombuffer(out.audio, "<i2").astype(np.float64) ** 2))
    canceller.close()
    cpu_ms = canceller.cpu_seconds / canceller.audio_seconds * 1000
    return 10 * np.log10(echo_power / max(residue_power, 1.0)), cpu_ms


def _controls() -> list[tuple[str, str, np.ndarray]]:
    spoken = []
    for voice in VOICES:
        if not available(voice):
            continue
        for text, intent in CONTROLS:
            samples = trim(synthesize(voice, text))
            samples *= np.float32(CONTROL_RMS / max(float(np.sqrt(np.mean(samples**2))), 1e-6))
            spoken.append((text, intent, np.concatenate([np.zeros(4800, np.float32), samples])))
    return spoken


def run() -> dict[str, str]:
    figures: dict[str, str] = {}
    voice = _voice_samples()
    for filter_length, suppress in ((2048, False), (1024, False), (4096, False), (2048, True)):
        db, cpu = erle(filter_length, suppress, voice)
        label = f"ERLE, filter {filter_length * 1000 // SAMPLE_RATE} ms" + (
            " + suppressor" if suppress else ""
        )
        chosen = " (chosen)" if (filter_length, suppress) == (2048, False) else ""
        figures[label + chosen] = f"{db:.1f} dB, {cpu:.1f} ms CPU per audio second"
    settings, content = _settings(), load_content()
    understanding = Understanding.from_content(content)
    domain = domain_of(content, settings.dialog.wake_phrase)
    recognizer = create_recognizer(settings.recognizer, domain, understanding.doubts)
    controls = _controls()
    endpointing: list[float] = []
    decoding: list[float] = []
    for label, level in NOISE.items():
        for in_a_gap in (False, True):
            right = 0
            for index, (text, intent, samples) in enumerate(controls):
                night = RoomNight(settings, content, recognizer, level, seed=index)
                try:
                    outcome = over_a_cue(night, samples, word_end(samples), in_a_gap)
                finally:
                    night.close()
                if outcome.heard != intent:
                    continue
                right += 1
                if text in SILENCING and outcome.to_silence is not None and not in_a_gap:
                    endpointing.append(outcome.to_silence)
                    decoding.append(outcome.decode_ms / 1000)
            where = "in a quiet hold (no echo: the recogniser's baseline)" if in_a_gap else "over cues"
            figures[f"controls heard {where}, {label}"] = f"{right} of {len(controls)}"
    if endpointing:
        total = [a + b for a, b in zip(endpointing, decoding, strict=True)]
        figures["end of stop/pause/wait/quiet to silence: endpointing (median, max)"] = (
            f"{statistics.median(endpointing) * 1000:.0f} ms, {max(endpointing) * 1000:.0f} ms"
        )
        figures["... plus decoding, on this shared machine (median, max)"] = (
            f"{statistics.median(total) * 1000:.0f} ms, {max(total) * 1000:.0f} ms"
        )
    night = RoomNight(settings, content, recognizer, NOISE["fan -40 dBFS"], seed=99)
    try:
        began = time.process_time()
        heard, taken, completed = quiet_routine(night)
        cpu = time.process_time() - began
        echo = night.bedside.barge_in.echo
        figures["bedtime routine, nobody speaking: commands from its own voice"] = f"{taken} (target 0)"
        figures["bedtime routine: utterances of its own voice that reached the recogniser"] = str(heard)
        figures["bedtime routine: holds completed"] = str(completed)
        figures["bedtime routine: ERLE with the fan"] = (
            f"{10 * np.log10(night.echo_power / max(night.residue_power, 1e-12)):.1f} dB"
        )
        if echo is not None:
            figures["echo canceller CPU per audio second (bedtime routine)"] = (
                f"{echo.cpu_seconds / echo.audio_seconds * 1000:.1f} ms"
            )
        figures["whole loop CPU per audio second (bedtime routine, this process)"] = (
            f"{cpu / night.fed * 1000:.1f} ms over {night.fed:.0f} s"
        )
    finally:
        night.close()
    return figures


if __name__ == "__main__":
    for key, value in run().items():
        print(f"{key}: {value}")
