"""The bedside loop run on a WAV file in a fresh process, and its output read back as utterances.

`cramp-assistant -vv run --mic-file F --fast --speaker null --log-json`, stderr merged into stdout: the JSON
events and the debug log come in the order they happened, so the log lines between two `heard` events are
that utterance's (the endpointer's utterance length, each engine's own signals). Where an utterance is in
the file comes from the `heard` event's time (the virtual clock runs with the file): the endpointer's own
times fall behind the file while the loop does not listen (half-duplex, as it starts to speak). A run's
output and costs are cached by audio and by a digest of assistant/ and content/.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.settings import Settings
from bench.night_audio import OUT, Segment
from bench.peak_memory import measured_command, read_peak_mb
from bench.speech_corpus import ROOT, tree_digest

Event = dict[str, Any]
SLACK = 0.3
"""Seconds either side of a question within which an utterance counts as overlapping it."""
_SPAN = re.compile(r"assistant\.hearing\.endpointer: utterance ([\d.]+)-([\d.]+) s( \(truncated\))?")
_SIGNALS = ("assistant.hearing", "assistant.understanding")


@dataclass
class Heard:
    """One utterance the loop heard: its event, its span in the file, and the engines' log lines."""

    event: Event
    start: float
    end: float
    log: list[str] = field(default_factory=list)
    said: list[str] = field(default_factory=list)

    @property
    def responded(self) -> bool:
        return self.event["action"] != "ignore"

    def overlaps(self, segment: Segment, slack: float = SLACK) -> bool:
        return self.start < segment.end + slack and segment.start - slack < self.end


@dataclass(frozen=True)
class LoopRun:
    heard: list[Heard]
    events: list[Event]
    cpu_seconds: float
    wall_seconds: float
    peak_mb: float


def parse_output(
    lines: list[str], trailing: float = Settings().endpoint.trailing_silence
) -> tuple[list[Heard], list[Event]]:
    """The loop's merged output (JSON events and `-vv` log lines, in order) as utterances and events.

    An utterance ends `trailing` seconds before its `heard` event (at it when cut at the maximum length)
    and lasts what the endpointer says (without its log line: the length of its audio)."""
    heard: list[Heard] = []
    events: list[Event] = []
    pending: list[str] = []
    span: tuple[float, float] | None = None
    for line in lines:
        if not line.startswith("{"):
            found = _SPAN.search(line)
            if found:
                length = float(found.group(2)) - float(found.group(1))
                span = (length, 0.0 if found.group(3) else trailing)
            if line.startswith("DEBUG " + _SIGNALS[0]) or line.startswith("DEBUG " + _SIGNALS[1]):
                pending.append(line.strip())
            continue
        event = json.loads(line)
        events.append(event)
        if event["event"] == "heard":
            length, wait = span or (event["timings"]["speech_ms"] / 1000.0, trailing)
            end = float(event["t"]) - wait
            heard.append(Heard(event, end - length, end, pending))
            pending, span = [], None
        elif event["event"] == "say" and event.get("source") == "answer" and heard:
            heard[-1].said.append(event["text"])
    return heard, events


def code_digest() -> str:
    """A digest of the code and content the loop runs on (a cached run is reused only for the same)."""
    return tree_digest(("assistant", "content"), 12)


def run_loop(wav: Path) -> LoopRun:
    """`cramp-assistant -vv run --mic-file WAV --fast --speaker null --log-json` in a fresh process; its
    output and costs are kept under bench/out/night/runs and reused for the same audio and code."""
    cache = OUT / "runs" / f"{wav.stem}_{code_digest()}.json"
    if cache.exists():
        stored = json.loads(cache.read_text(encoding="utf-8"))
    else:
        stored = _run_child(wav)
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_text(json.dumps(stored), encoding="utf-8")
    heard, events = parse_output(stored["lines"])
    return LoopRun(heard, events, stored["cpu_seconds"], stored["wall_seconds"], stored["peak_mb"])


def _run_child(wav: Path) -> dict[str, Any]:
    """The loop's output lines, CPU (os.wait4: this child's own user + system time), wall time and peak
    memory (the child's own VmHWM: wait4's ru_maxrss would carry this benchmark's own peak across exec)."""
    args = ["-vv", "run", "--mic-file", str(wav), "--fast", "--speaker", "null", "--log-json"]
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        peak_file = Path(folder) / "peak"
        command, env = measured_command(args, peak_file)
        child = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            text=True,
            cwd=ROOT,
            env=env,
        )
        assert child.stdout is not None
        lines = child.stdout.readlines()
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        peak_mb = read_peak_mb(peak_file)
    if child.returncode != 0:
        tail = " / ".join(line.strip() for line in lines[-3:])
        raise RuntimeError(f"the loop exited with {child.returncode}: {tail}")
    return {
        "lines": lines,
        "cpu_seconds": usage.ru_utime + usage.ru_stime,
        "wall_seconds": time.perf_counter() - started,
        "peak_mb": peak_mb,
    }
