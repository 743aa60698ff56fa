"""The cramp log's SQLite schema, and its migration from older versions on opening.

Version 1 kept cramps (time, body part, side). Version 2 adds when a cramp eased, the exercises done
(and whether each was completed) and the red flags heard with the advice given; a version 1 file gains
the new column and tables when it is first opened, and keeps every cramp it had.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

SCHEMA_VERSION = 2

_CREATE = (
    "CREATE TABLE IF NOT EXISTS cramps (id INTEGER PRIMARY KEY, at_epoch REAL NOT NULL, "
    "local_time TEXT NOT NULL, body_part TEXT, side TEXT, eased_time TEXT)",
    "CREATE INDEX IF NOT EXISTS cramps_at ON cramps (at_epoch)",
    "CREATE TABLE IF NOT EXISTS exercises (id INTEGER PRIMARY KEY, at_epoch REAL NOT NULL, "
    "local_time TEXT NOT NULL, exercise TEXT NOT NULL, completed INTEGER NOT NULL)",
    "CREATE INDEX IF NOT EXISTS exercises_at ON exercises (at_epoch)",
    "CREATE TABLE IF NOT EXISTS red_flags (id INTEGER PRIMARY KEY, at_epoch REAL NOT NULL, "
    "local_time TEXT NOT NULL, topic TEXT NOT NULL, advice TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS red_flags_at ON red_flags (at_epoch)",
)


def open_database(path: Path) -> sqlite3.Connection:
    """The log at `path` (created owner-only if missing), brought up to `SCHEMA_VERSION`.

    Raises sqlite3.DatabaseError for a file that is not a database or was written by a newer version.
    """
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    path.touch(mode=0o600, exist_ok=True)
    db = sqlite3.connect(path)
    try:
        migrate(db)
    except BaseException:
        db.close()
        raise
    return db


def migrate(db: sqlite3.Connection) -> None:
    """Create what is missing and add version 2's column to a version 1 `cramps` table."""
    version = int(db.execute("PRAGMA user_version").fetchone()[0])
    if version > SCHEMA_VERSION:
        raise sqlite3.DatabaseError(f"written by a newer cramp-assistant (schema {version})")
    if version == SCHEMA_VERSION:
        return
    with db:
        for statement in _CREATE:
            db.execute(statement)
        columns = {row[1] for row in db.execute("PRAGMA table_info(cramps)")}
        if "eased_time" not in columns:  # a version 1 file
            db.execute("ALTER TABLE cramps ADD COLUMN eased_time TEXT")
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
