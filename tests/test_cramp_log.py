"""The local cramp log: recording, merging follow-ups, summaries, the `log` command and bad files."""

from __future__ import annotations

import json
import os
import stat
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from assistant.cli.log import run_log
from assistant.cli.main import build_parser, main
from assistant.cramp_log import CrampLog, CrampLogError
from assistant.log_phrases import load_log_phrases
from assistant.settings_file import ENV_VAR

TZ = timezone(timedelta(hours=1))
NOW = datetime(2024, 5, 31, 12, 0, tzinfo=TZ)


class FakeClock:
    """A settable wall clock."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def night(days_ago: int, hour: int, minute: int = 0) -> datetime:
    return (NOW - timedelta(days=days_ago)).replace(hour=hour, minute=minute)


def fill_month(log: CrampLog) -> None:
    """12 cramps: 9 in the left calf (7 of them 2-4 a.m.), 2 in the right foot, 1 not placed."""
    for day in range(9):
        log.record("calf", "left", night(day + 1, 2 if day < 7 else 23, 30))
    log.record("foot", "right", night(12, 3, 10))
    log.record("foot", "right", night(13, 5))
    log.record(None, None, night(20, 1))


def test_record_and_read_back(tmp_path: Path) -> None:
    with CrampLog(tmp_path / "log.sqlite3") as log:
        log.record(" Calf ", "LEFT", night(1, 2))
        log.record("", None, night(2, 3))
        entries = log.entries()
    assert [(e.at, e.body_part, e.side) for e in entries] == [
        (night(2, 3), None, None),
        (night(1, 2), "calf", "left"),
    ]


def test_file_is_private_and_persistent(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "log.sqlite3"
    with CrampLog(path) as log:
        log.record("foot", None, night(1, 2))
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    with CrampLog(path) as log:
        assert len(log.entries()) == 1


def test_report_merges_a_follow_up_about_the_same_cramp(tmp_path: Path) -> None:
    clock = FakeClock(night(1, 2))
    with CrampLog(tmp_path / "log.sqlite3", now=clock) as log:
        log.report(None, None)  # "I've got a cramp"
        clock.now += timedelta(seconds=20)
        merged = log.report("calf", None)  # "it's in my calf"
        clock.now += timedelta(seconds=20)
        merged = log.report(None, "left")  # "the left one"
        assert (merged.at, merged.body_part, merged.side) == (night(1, 2), "calf", "left")
        clock.now += timedelta(seconds=30)
        log.report("foot", "left")  # a different place: another cramp
        clock.now += timedelta(minutes=30)
        log.report("foot", "left")  # much later: another cramp
        assert [(e.body_part, e.side) for e in log.entries()] == [
            ("calf", "left"),
            ("foot", "left"),
            ("foot", "left"),
        ]


def test_summary_counts_by_place_and_band(tmp_path: Path) -> None:
    with CrampLog(tmp_path / "log.sqlite3") as log:
        fill_month(log)
        log.record("calf", "left", night(40, 2))  # older than 30 days
        summary = log.summary(NOW, days=30)
    assert summary.total == 12
    assert [(p.body_part, p.side, p.count) for p in summary.places] == [
        ("calf", "left", 9),
        ("foot", "right", 2),
        (None, None, 1),
    ]
    assert [(b.start_hour, b.count) for b in summary.bands if b.count] == [(0, 1), (2, 8), (4, 1), (22, 2)]
    assert len(summary.bands) == 12 and sum(b.count for b in summary.bands) == 12
    assert summary.top_band() is not None and summary.top_band().start_hour == 2  # type: ignore[union-attr]
    assert log.summary(NOW, days=7).total == 6


def test_summary_uses_local_hours_of_each_entry(tmp_path: Path) -> None:
    utc_time = datetime(2024, 5, 30, 1, 30, tzinfo=UTC)  # 02:30 at UTC+1, 01:30 at UTC
    with CrampLog(tmp_path / "log.sqlite3") as log:
        log.record("calf", "left", utc_time.astimezone(TZ))
        assert log.summary(NOW).top_band().start_hour == 2  # type: ignore[union-attr]


def test_headline_for_a_doctor(tmp_path: Path) -> None:
    phrases = load_log_phrases()
    with CrampLog(tmp_path / "log.sqlite3") as log:
        fill_month(log)
        summary = log.summary(NOW)
    assert (
        phrases.headline(summary)
        == "12 cramps in the last 30 days, 9 in the left calf, mostly between 2 and 4 a.m."
    )


@pytest.mark.parametrize(
    ("records", "expected"),
    [
        ([], "No cramps recorded in the last 30 days."),
        ([("foot", None, 23)], "1 cramp in the last 30 days, in the foot, between 10 p.m. and midnight."),
        ([(None, "right", 3), (None, "right", 9)], "2 cramps in the last 30 days, all in the right leg."),
        ([("calf", "left", 1), ("toes", "left", 3), ("thigh", None, 5)], "3 cramps in the last 30 days."),
        (
            [
                ("calf", "left", 1),
                ("calf", "left", 1),
                ("toes", "right", 3),
                ("thigh", None, 5),
                (None, None, 7),
            ],
            "5 cramps in the last 30 days, 2 in the left calf, most often between midnight and 2 a.m.",
        ),
    ],
)
def test_headline_wording(
    tmp_path: Path, records: list[tuple[str | None, str | None, int]], expected: str
) -> None:
    with CrampLog(tmp_path / "log.sqlite3") as log:
        for day, (part, side, hour) in enumerate(records):
            log.record(part, side, night(day + 1, hour))
        assert load_log_phrases().headline(log.summary(NOW)) == expected


def test_clear_empties_the_log(tmp_path: Path) -> None:
    with CrampLog(tmp_path / "log.sqlite3") as log:
        fill_month(log)
        assert log.clear() == 12
        assert log.entries() == []


def test_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "log.sqlite3"
    path.write_bytes(b"this is not an sqlite database, just some text " * 100)
    with (
        CrampLog(path) as log,
        pytest.raises(CrampLogError, match=r"cannot use the cramp log .*move the file aside"),
    ):
        log.entries()


# The `log` command.


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    path = tmp_path / "config.toml"
    path.write_text('[log]\nenabled = true\npath = "cramps.sqlite3"\n')
    monkeypatch.setenv(ENV_VAR, str(path))
    return tmp_path / "cramps.sqlite3"


def test_log_command_prints_a_summary(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with CrampLog(config) as log:
        fill_month(log)
    args = build_parser().parse_args(["log"])
    assert run_log(args, now=NOW) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[:2] == [
        "12 cramps in the last 30 days, 9 in the left calf, mostly between 2 and 4 a.m.",
        "From 2024-05-01 to 2024-05-31.",
    ]
    assert "  left calf: 9\n  right foot: 2\n  place not said: 1\n" in out
    assert "  between 2 and 4 a.m.: 8\n" in out
    assert "cramp log is off" not in out


def test_log_command_json(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with CrampLog(config) as log:
        fill_month(log)
    assert run_log(build_parser().parse_args(["log", "--json", "--days", "7"]), now=NOW) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["total"] == 6 and data["days"] == 7
    assert data["places"] == [{"body_part": "calf", "side": "left", "count": 6}]
    assert (
        data["headline"] == "6 cramps in the last 7 days, all in the left calf, mostly between 2 and 4 a.m."
    )


def test_log_command_through_main_with_no_file(
    config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "config.toml").write_text('[log]\npath = "cramps.sqlite3"\n')
    assert main(["log"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("No cramps recorded in the last 30 days.")
    assert "The cramp log is off" in out
    assert not config.exists()  # reading never creates the file


def test_log_clear_needs_yes(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with CrampLog(config) as log:
        fill_month(log)
    assert main(["log", "--clear"]) == 2
    assert "add --yes to confirm" in capsys.readouterr().err
    with CrampLog(config) as log:
        assert len(log.entries()) == 12
    assert main(["log", "--clear", "--yes"]) == 0
    assert capsys.readouterr().out == f"Deleted 12 recorded cramps from {config}.\n"
    with CrampLog(config) as log:
        assert log.entries() == []


def test_log_command_on_a_corrupt_file(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config.write_bytes(b"\x00garbage" * 1000)
    assert main(["log"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"cramp-assistant: {config}: cannot use the cramp log") and err.count("\n") == 1


def test_log_command_rejects_zero_days(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["log", "--days", "0"]) == 2
    assert "--days: must be 1 or more" in capsys.readouterr().err
