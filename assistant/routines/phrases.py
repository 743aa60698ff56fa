"""The guided session's spoken phrases, loaded from content/session_phrases.toml."""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from assistant.content.files import check_placeholders, read_toml
from assistant.errors import ContentError
from assistant.settings import content_dir

_ALLOWED_FIELDS = {"name", "count", "seconds", "n", "side", "limb", "direction"}


def default_phrases_path() -> Path:
    return content_dir() / "session_phrases.toml"


@dataclass(frozen=True)
class SessionPhrases:
    """Templates for every sentence the session says; see the TOML file for the placeholders."""

    routine_intro: str
    exercise_intro: str
    first_side: str
    switch_side: str
    hold_start: str
    progress: str
    last_progress: str
    countdown: str
    count_number: str
    release: str
    count_done: str
    exercise_finished: str
    routine_finished: str
    paused: str
    resumed_hold: str
    resumed: str
    stopped: str
    skipped: str
    time_left: str
    extended: str
    other_side: str
    no_hold: str
    no_sides: str
    not_paused: str

    @classmethod
    def from_dict(cls, data: dict[str, Any], path: str = "session_phrases.toml") -> SessionPhrases:
        table = data.get("phrases")
        if not isinstance(table, dict):
            raise ContentError(path, "phrases", "needs a [phrases] table")
        values: dict[str, str] = {}
        for f in fields(cls):
            value = table.get(f.name)
            if not isinstance(value, str) or not value.strip():
                raise ContentError(path, f"phrases.{f.name}", "must be a non-empty string")
            check_template(value, path, f"phrases.{f.name}")
            values[f.name] = value
        return cls(**values)

    @classmethod
    def from_file(cls, path: Path | None = None) -> SessionPhrases:
        path = path or default_phrases_path()
        return cls.from_dict(read_toml(path), str(path))


def check_template(template: str, path: str, key: str) -> None:
    """Raise ContentError if the template uses a placeholder the session cannot fill."""
    check_placeholders(template, _ALLOWED_FIELDS, path, key)
