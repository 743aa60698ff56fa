"""The bedside loop on this machine: answer latency, idle CPU, memory and start-up time.

- End of speech to first audio: spoken questions (tests/audio/q_*.wav) over a quiet fan bed are fed
  through the loop with the default engine and the real espeak-ng synthesiser; the time from the
  endpointer's detection of the end (after its trailing silence) to the answer's samples being handed to
  the audio device (a player that only records the moment). Median over the questions. The trailing
  silence (endpoint.trailing_silence) comes on top, as a person hears it.
- Idle CPU: room noise fed in real time (as a microphone would) for IDLE_SECONDS; process CPU time over
  wall time, as % of one core (file reading and resampling included, PortAudio's thread not).
- Start-up and memory: `cramp-assistant run --mic-file <2 s of noise> --fast --speaker null` in a fresh
  process: time from launch to the `ready` event (median of warm runs, caches built), and the process's
  peak resident memory.
"""

from __future__ import annotations

import statistics
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from assistant.audio.pcm import float_to_pcm16, pcm16_to_float
from assistant.audio.source import WavSource, read_wav_pcm16k
from assistant.audio.wav_file import write_wav
from assistant.clock import MonotonicClock, VirtualClock
from assistant.content.loader import load_content
from assistant.loop.events import Recorder
from assistant.loop.setup import build_loop
from assistant.settings import Settings, VoiceSettings
from assistant.voice.speaker import SynthSpeaker
from assistant.voice.voice_profile import profile_for
from bench.bench_voice import QuietPlayer
from bench.noise import coloured_noise
from bench.peak_memory import measured_command, read_peak_mb

ROOT = Path(__file__).resolve().parent.parent
AUDIO = ROOT / "tests" / "audio"
QUESTIONS = ("q_calf_cramping", "q_left_foot", "q_causes", "q_prevent", "q_doctor", "q_heat_ice", "q_swollen")
IDLE_SECONDS = 20.0
BED_LEVEL = 0.01
RATE = 16000


class _ClockedPlayer(QuietPlayer):
    """A player that plays nothing and notes when the first samples were handed to it."""

    def __init__(self) -> None:
        self.started: list[float] = []

    def play(self, samples: np.ndarray, rate: int) -> None:
        self.started.append(time.perf_counter())


def _bed(seconds: float, seed: int) -> np.ndarray:
    return coloured_noise("brown", int(seconds * RATE), np.random.default_rng(seed)) * np.float32(BED_LEVEL)


def _questions_night(path: Path) -> int:
    """The questions, 25 s apart (room for the answer and its follow-up window), over the fan bed."""
    pieces = [_bed(2.0, 1)]
    for index, name in enumerate(QUESTIONS):
        speech = pcm16_to_float(read_wav_pcm16k(AUDIO / f"{name}.wav"))
        pieces += [speech + _bed(len(speech) / RATE, 10 + index), _bed(25.0, 30 + index)]
    write_wav(path, float_to_pcm16(np.concatenate(pieces)))
    return len(QUESTIONS)


def answer_latency(folder: Path) -> dict[str, str]:
    night = folder / "questions.wav"
    count = _questions_night(night)
    clock = VirtualClock()
    events = Recorder()
    player = _ClockedPlayer()
    from assistant.voice.tts_espeak import EspeakSynthesizer

    voice = VoiceSettings()
    speaker = SynthSpeaker(EspeakSynthesizer(profile_for(voice, _noon())), player)
    source = WavSource(night, realtime=True, clock=clock)
    parts = build_loop(
        Settings(), clock, events, None, "null", lambda: source, finite=True, speaker=speaker, seed=1
    )
    parts.loop.run()
    parts.close()
    answers = [e for e in events.of("say") if "latency_ms" in e]
    if not answers:
        return {"end of speech to first audio": "no answers (recognition failed)"}
    latencies = [float(e["latency_ms"]) for e in answers]
    recognise = [float(e["timings"]["recognise_ms"]) for e in events.of("heard") if e["action"] == "answer"]
    trailing = Settings().endpoint.trailing_silence * 1000
    return {
        "end of speech to first audio (median, after endpointing)": f"{statistics.median(latencies):.0f} ms",
        "end of speech to first audio (slowest)": f"{max(latencies):.0f} ms",
        "recognition per utterance (median)": f"{statistics.median(recognise):.0f} ms",
        "answered questions": f"{len(answers)} of {count}",
        "as heard (plus the trailing silence)": f"{statistics.median(latencies) + trailing:.0f} ms",
    }


def _noon() -> Any:
    from datetime import datetime

    return datetime(2024, 1, 1, 12, 0)


def idle_cpu(folder: Path) -> dict[str, str]:
    room = folder / "room.wav"
    write_wav(room, float_to_pcm16(_bed(IDLE_SECONDS, 99)))
    clock = MonotonicClock()
    events = Recorder()
    source = WavSource(room, realtime=True, clock=clock)
    parts = build_loop(Settings(), clock, events, None, "null", lambda: source, finite=True)
    cpu, wall = time.process_time(), time.perf_counter()
    parts.loop.run()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    parts.close()
    return {
        "CPU while idle-listening": f"{100.0 * cpu / wall:.1f} % of one core ({wall:.0f} s of room noise)",
        "utterances decoded while idle": str(len(events.of("heard"))),
    }


def startup_and_memory(folder: Path, runs: int = 3) -> dict[str, str]:
    short = folder / "short.wav"
    write_wav(short, float_to_pcm16(_bed(2.0, 5)))
    args = ["run", "--mic-file", str(short), "--fast", "--speaker", "null", "--log-json"]
    peak_file = folder / "peak"
    command, env = measured_command(args, peak_file)
    times: list[float] = []
    peak_mb = 0.0
    for _ in range(runs):
        started = time.perf_counter()
        child = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=ROOT, env=env
        )
        assert child.stdout is not None
        for line in child.stdout:
            if '"ready"' in line:
                times.append(time.perf_counter() - started)
                break
        child.stdout.read()
        child.wait()
        # The child's own VmHWM: wait4's ru_maxrss would carry this benchmark's own peak across exec.
        peak_mb = max(peak_mb, read_peak_mb(peak_file))
    if not times:
        return {"start-up to ready": "did not start (see cramp-assistant run)"}
    warm = times[1:] or times
    return {
        "start-up to ready (warm)": f"{statistics.median(warm):.2f} s",
        "start-up to ready (first run)": f"{times[0]:.2f} s",
        "peak resident memory (loop process)": f"{peak_mb:.0f} MB",
    }


def run() -> dict[str, str]:
    figures: dict[str, str] = {}
    load_content()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        for part in (startup_and_memory, answer_latency, idle_cpu):
            try:
                figures.update(part(folder))
            except Exception as err:  # a part that cannot run here says why; the others still run
                figures[part.__name__.replace("_", " ")] = f"not measured: {err}"
    return figures


if __name__ == "__main__":
    for key, value in run().items():
        print(f"{key}: {value}")
