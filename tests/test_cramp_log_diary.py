"""The cramp log's diary records (schema 2): relief times, exercises, red flags, damaged rows, migration."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from assistant.cramp_log import SCHEMA_VERSION, CrampLog, CrampLogError

TZ = timezone(timedelta(hours=1))
T0 = datetime(2024, 5, 20, 2, 0, tzinfo=TZ)

# The schema as version 1 of cramp-assistant wrote it, word for word.
V1_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS cramps (id INTEGER PRIMARY KEY, at_epoch REAL NOT NULL, "
    "local_time TEXT NOT NULL, body_part TEXT, side TEXT)",
    "CREATE INDEX IF NOT EXISTS cramps_at ON cramps (at_epoch)",
    "PRAGMA user_version = 1",
)


def write_v1_log(path: Path, cramps: list[tuple[datetime, str | None, str | None]]) -> None:
    db = sqlite3.connect(path)
    with db:
        for statement in V1_SCHEMA:
            db.execute(statement)
        for at, part, side in cramps:
            db.execute(
                "INSERT INTO cramps (at_epoch, local_time, body_part, side) VALUES (?, ?, ?, ?)",
                (at.timestamp(), at.isoformat(), part, side),
            )
    db.close()


def test_eased_marks_the_most_recent_open_cramp(tmp_path: Path) -> None:
    with CrampLog(tmp_path / "log.sqlite3") as log:
        log.record("calf", "left", T0)
        log.record("foot", "right", T0 + timedelta(minutes=20))
        eased = log.record_eased(T0 + timedelta(minutes=23))
        assert eased is not None and eased.body_part == "foot"
        assert eased.minutes_to_ease == pytest.approx(3.0)
        again = log.record_eased(T0 + timedelta(minutes=30))  # the foot is done: the calf was still open
        assert again is not None and again.body_part == "calf" and again.minutes_to_ease == pytest.approx(30)
        assert log.record_eased(T0 + timedelta(minutes=31)) is None  # nothing open
        cramps = log.entries()
    assert [c.minutes_to_ease for c in cramps] == [pytest.approx(30), pytest.approx(3)]


def test_eased_ignores_a_cramp_older_than_the_window(tmp_path: Path) -> None:
    clock_now = T0 + timedelta(hours=1, minutes=1)
    with CrampLog(tmp_path / "log.sqlite3", now=lambda: clock_now) as log:
        log.record("calf", None, T0)
        assert log.record_eased() is None
        assert log.entries()[0].eased_at is None
        log.record("calf", None, clock_now - timedelta(minutes=2))
        eased = log.record_eased()
        assert eased is not None and eased.eased_at == clock_now


def test_exercises_and_red_flags_are_kept(tmp_path: Path) -> None:
    with CrampLog(tmp_path / "log.sqlite3") as log:
        log.record_exercise(" Calf_Stretch ", True, T0)
        log.record_exercise("routine", False, T0 + timedelta(minutes=5))
        log.record_red_flag("clot", at=T0 + timedelta(minutes=1))
        log.record_red_flag("emergency", "urgent.emergency", T0 + timedelta(minutes=2))
        with pytest.raises(CrampLogError):
            log.record_exercise("  ", True, T0)
        records = log.records()
    assert [(e.exercise, e.completed, e.at) for e in records.exercises] == [
        ("calf_stretch", True, T0),
        ("routine", False, T0 + timedelta(minutes=5)),
    ]
    assert [(f.topic, f.advice) for f in records.red_flags] == [
        ("clot", "urgent.clot"),
        ("emergency", "urgent.emergency"),
    ]
    assert records.skipped == 0 and not records.empty


def test_records_within_a_period(tmp_path: Path) -> None:
    with CrampLog(tmp_path / "log.sqlite3") as log:
        for day in range(5):
            log.record("calf", "left", T0 - timedelta(days=day))
            log.record_exercise("toe_stretch", True, T0 - timedelta(days=day))
        records = log.records(since=T0 - timedelta(days=2), until=T0 - timedelta(days=1))
    assert [c.at for c in records.cramps] == [T0 - timedelta(days=2), T0 - timedelta(days=1)]
    assert len(records.exercises) == 2


def test_damaged_rows_are_skipped_and_counted(tmp_path: Path) -> None:
    path = tmp_path / "log.sqlite3"
    with CrampLog(path) as log:
        log.record("calf", "left", T0)
        log.record("foot", None, T0 + timedelta(hours=1))
        log.record_exercise("calf_stretch", True, T0)
    db = sqlite3.connect(path)
    with db:
        db.execute("INSERT INTO cramps (at_epoch, local_time) VALUES (1, 'yesterday-ish')")
        db.execute(
            "INSERT INTO cramps (at_epoch, local_time, body_part) VALUES (2, ?, x'00ff')", (T0.isoformat(),)
        )
        db.execute("INSERT INTO exercises (at_epoch, local_time, exercise, completed) VALUES (3, ?, 'x', 7)",
                   (T0.isoformat(),))  # fmt: skip
        db.execute(
            "INSERT INTO red_flags (at_epoch, local_time, topic, advice) VALUES (4, '2024-05-20', 'clot', '')"
        )
    db.close()
    with CrampLog(path) as log:
        records = log.records()
        assert records.skipped == 4
        assert [c.body_part for c in records.cramps] == ["calf", "foot"]
        assert len(records.exercises) == 1 and records.red_flags == ()
        with pytest.raises(CrampLogError, match="damaged entry"):
            log.entries()  # the summary still refuses a damaged log: it has no way to say what it left out


def test_a_version_1_log_is_migrated_and_keeps_its_cramps(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    write_v1_log(path, [(T0, "calf", "left"), (T0 + timedelta(days=1), None, None)])
    with CrampLog(path) as log:
        assert [(c.at, c.body_part, c.side, c.eased_at) for c in log.entries()] == [
            (T0, "calf", "left", None),
            (T0 + timedelta(days=1), None, None, None),
        ]
        log.record_exercise("calf_stretch", True, T0)
        log.record_red_flag("clot", at=T0)
        assert log.record_eased(T0 + timedelta(days=1, minutes=4)) is not None
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 2
    db.close()
    with CrampLog(path) as log:
        records = log.records()
    assert len(records.cramps) == 2 and records.cramps[1].minutes_to_ease == pytest.approx(4)
    assert len(records.exercises) == 1 and len(records.red_flags) == 1


def test_a_log_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite3"
    db = sqlite3.connect(path)
    db.execute("PRAGMA user_version = 99")
    db.close()
    with CrampLog(path) as log, pytest.raises(CrampLogError, match="newer cramp-assistant"):
        log.records()


def test_clear_empties_every_table(tmp_path: Path) -> None:
    with CrampLog(tmp_path / "log.sqlite3") as log:
        log.record("calf", "left", T0)
        log.record_exercise("calf_stretch", False, T0)
        log.record_red_flag("toxic", at=T0)
        assert log.clear() == 1
        assert log.records().empty
