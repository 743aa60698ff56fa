"""`ask` and `chat` on the command line: JSON contract, context across lines, bad input."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.cli.main import main


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("CRAMP_ASSISTANT_CONFIG", raising=False)


def test_ask_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "--json", "charley", "horse", "in", "my", "left", "leg"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["heard"] == "charley horse in my left leg"
    assert record["intent"] == "relief"
    assert record["slots"] == {"body_part": "leg", "side": "left"}
    assert 0 < record["confidence"] <= 1
    assert record["reply"] and record["sources"] == ["article"]


def test_ask_plain(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "what causes leg cramps"]) == 0
    out = capsys.readouterr().out.strip()
    assert "dehydration" in out.lower() or "drinking" in out.lower()


def test_ask_without_a_question_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "  "]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "ask needs a question" in err


def _chat(lines: bytes, *args: str) -> list[str]:
    from assistant.cli import text as cli_text
    from assistant.cli.main import build_parser

    parsed = build_parser().parse_args(["chat", *args])
    out = io.StringIO()
    assert cli_text.run_chat(parsed, stdin=io.BytesIO(lines), stdout=out) == 0
    return out.getvalue().splitlines()


def test_chat_keeps_context_and_prints_one_object_per_line() -> None:
    lines = b"my calf is cramping\nit's in my foot\ntell me more\nyes\n"
    records = [json.loads(line) for line in _chat(lines, "--json")]
    assert [r["intent"] for r in records] == ["relief", "relief", "next", "yes"]
    assert records[1]["slots"] == {"body_part": "foot"}
    assert records[3]["routine"] == "toe_stretch"
    for record in records:
        assert {"heard", "intent", "slots", "confidence", "reply"} <= set(record)


def test_chat_survives_bad_lines() -> None:
    lines = (
        b"\n   \n\x00\x01\x1b[31m\n\xff\xfe\xfd invalid utf-8\n"
        + b"x" * 1_000_000
        + b"\nwhat causes cramps\n"
    )
    records = [json.loads(line) for line in _chat(lines, "--json")]
    assert len(records) == 6
    assert records[-1]["intent"] == "causes"
    assert all(r["intent"] == "unknown" for r in records[:-1])


def test_chat_plain_skips_blank_lines() -> None:
    assert len(_chat(b"\n\nwhat causes cramps\n\n")) == 1


def test_no_traceback_from_a_real_process(tmp_path: Path) -> None:
    env = {**os.environ, "HOME": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "assistant.cli.main", "chat", "--json"],
        input=b"\xff\xfe\n\x00\nstop\n",
        capture_output=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert b"Traceback" not in result.stderr
    assert len(result.stdout.splitlines()) == 3


def test_help_reads_well(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    for command in ("ask", "chat"):
        assert command in out


def test_ask_and_chat_speak_to_a_wav(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import wave

    out = tmp_path / "answer.wav"
    assert main(["ask", "--speak-to", str(out), "what causes cramps"]) == 0
    with wave.open(str(out)) as wav:
        seconds = wav.getnframes() / wav.getframerate()
    # A 40-odd word answer takes well over five seconds to say.
    assert seconds > 5
    text = capsys.readouterr().out
    assert text.strip()
