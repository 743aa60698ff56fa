"""Barge-in end to end: `cramp-assistant run --mic-file ... --fast --room-echo --log-json` with the real
default engine (pocketsphinx) and the real echo canceller: issue 11's "Done when"."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from night_builder import SEED, build_quiet_routine_night, perform_barge_in_night

from assistant.content.loader import Content
from assistant.routines.phrases import SessionPhrases
from assistant.settings_file import load_settings

pytest.importorskip("pocketsphinx")

CONFIG = """
[recognizer]
engine = "pocketsphinx"
[voice]
rate = 165
night_rate = 165
volume = 0.9
night_volume = 0.9
"""


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("config") / "config.toml"
    path.write_text(CONFIG)
    return path


def run_night(night: Path, out: Path, config: Path, *extra: str) -> list[dict[str, Any]]:
    command = [sys.executable, "-m", "assistant.cli.main", "run", "--mic-file", str(night)]
    command += ["--speak-to", str(out), "--log-json", "--fast", "--room-echo", "--seed", str(SEED)]
    command += ["--config", str(config), *extra]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()]


def _of(events: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [e for e in events if e["event"] == kind]


def test_pause_and_stop_spoken_over_the_assistant(content: Content, config: Path, tmp_path: Path) -> None:
    night = tmp_path / "night.wav"
    ends = perform_barge_in_night(load_settings(config, {}), content, night, tmp_path / "rehearsal.wav")
    events = run_night(night, tmp_path / "spoken.wav", config)

    acted = [e for e in _of(events, "heard") if e["action"] != "ignore"]
    assert [e["intent"] for e in acted] == ["relief", "stretch", "pause", "resume", "stop"]
    t_cramp, t_ask, t_pause, t_resume, t_stop = (e["t"] for e in acted)
    says = _of(events, "say")
    answer, announcement = says[0], says[1]
    # The question was heard over the long answer, and cut it.
    assert answer["t"] == t_cramp and t_ask < answer["t"] + answer["seconds"]
    assert announcement["t"] == t_ask and "calf" in announcement["text"].lower()
    # "pause" was heard while the announcement was still being said, and nothing followed until resume.
    assert t_pause < announcement["t"] + announcement["seconds"]
    while_paused = [e for e in events if t_pause <= e["t"] < t_resume and e["event"] in ("say", "hold")]
    assert [e.get("text") for e in while_paused] == [SessionPhrases.from_file().paused]
    # "stop" was heard over an instruction, within 0.3 s of the end of the word, and the routine ended.
    spoken_over = [e for e in says if e["t"] < t_stop]
    assert spoken_over[-1].get("source") == "routine" and spoken_over[-1]["seconds"] > 3.0
    assert spoken_over[-1]["t"] + spoken_over[-1]["seconds"] > t_stop
    assert 0.0 < t_stop - ends["stop"] <= 0.3
    late = [e for e in says if e.get("source") == "routine" and e["t"] > ends["stop"] + 1.0]
    assert late == []
    assert [e["text"] for e in says if e["t"] >= t_stop] == [SessionPhrases.from_file().stopped]
    routine = _of(events, "routine")
    assert [e["state"] for e in routine] == ["started", "stopped"]


def test_a_whole_routine_in_the_room_takes_no_command_from_its_own_voice(
    config: Path, tmp_path: Path
) -> None:
    night = tmp_path / "quiet.wav"
    build_quiet_routine_night(night)
    events = run_night(night, tmp_path / "spoken.wav", config)

    acted = [e for e in _of(events, "heard") if e["action"] != "ignore"]
    assert [(e["intent"], e["slots"]) for e in acted] == [("stretch", {"exercise": "routine"})]
    assert [e["state"] for e in _of(events, "routine")] == ["started", "finished"]
    holds, releases = _of(events, "hold"), _of(events, "release")
    planned = subprocess.run(
        [sys.executable, "-m", "assistant.cli.main", "stretch", "routine", "--dry-run", "--json"],
        capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    planned_holds = [json.loads(line) for line in planned.stdout.splitlines() if '"hold"' in line]
    assert len(planned_holds) >= 6
    assert [(e["exercise"], e["side"]) for e in holds] == [
        (e["exercise"], e.get("side")) for e in planned_holds
    ]
    assert len(releases) == len(holds)
    assert all(e["completed"] for e in releases)
    assert _of(events, "error") == []
