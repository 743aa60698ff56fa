"""`cramp-assistant stretch`: the dry-run timeline, and one-line refusals with exit status 2."""

from __future__ import annotations

import json
import sys

import pytest
from test_audio_out import fake_sounddevice

from assistant.cli.main import main
from assistant.routines.exercises import ExerciseBook


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["stretch", *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("name", ExerciseBook.from_file().names())
def test_dry_run_json_is_the_timeline(capsys: pytest.CaptureFixture[str], name: str) -> None:
    code, out, err = run(capsys, name, "--dry-run", "--json")
    assert code == 0 and err == ""
    lines = [json.loads(line) for line in out.splitlines()]
    assert lines[0]["t"] == 0 and "say" in lines[0]
    assert [x["t"] for x in lines] == sorted(x["t"] for x in lines)
    for line in lines:
        assert len({"say", "hold", "release"} & line.keys()) == 1
    holds = [x for x in lines if "hold" in x]
    releases = [x for x in lines if "release" in x]
    assert len(holds) == len(releases) > 0
    for hold, release in zip(holds, releases, strict=True):
        assert release["t"] - hold["t"] == pytest.approx(hold["hold"], abs=0.002)
        assert release.get("side") == hold.get("side")


def test_hold_option_sets_the_hold(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "calf_stretch", "--dry-run", "--json", "--hold", "20")
    holds = [json.loads(line) for line in out.splitlines() if '"hold"' in line]
    assert code == 0 and [(h["hold"], h["side"]) for h in holds] == [(20, "right"), (20, "left")]


def test_plain_dry_run_is_readable(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "quad_stretch", "--dry-run")
    assert code == 0 and "[hold 30 s (right)]" in out and "Release." in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["hamstring"],
            "choose one of: calf_stretch, toe_stretch, towel_scrunch, ankle_circles, quad_stretch",
        ),
        (["calf_stretch", "--hold", "60"], "15 to 30 seconds"),
        (["quad_stretch", "--hold", "10"], "30 seconds"),
        (["routine", "--hold", "5"], "15 to 30 seconds"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, out, err = run(capsys, *args, "--dry-run")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and message in err and err.startswith("cramp-assistant: ")


def test_no_output_device_says_so(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "sounddevice", fake_sounddevice(has_device=False))
    code, out, err = run(capsys, "toe_stretch")
    assert code == 2 and out == ""
    assert "no audio output device" in err and "--speaker null" in err and err.count("\n") == 1
