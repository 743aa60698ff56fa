"""content/log_phrases.toml is validated on load: missing keys, bad types and unknown placeholders."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from assistant.errors import ContentError
from assistant.log_phrases import LogPhrases, default_path, load_log_phrases


def shipped() -> dict[str, Any]:
    return tomllib.loads(default_path().read_text(encoding="utf-8"))


def test_shipped_phrases_load() -> None:
    phrases = load_log_phrases()
    assert len(phrases.bands) == 12
    assert phrases.band(2) == "2 and 4 a.m."
    assert phrases.band(23) == "10 p.m. and midnight"


@pytest.mark.parametrize(
    ("change", "key", "problem"),
    [
        (lambda d: d["summary"].pop("total_many"), "summary.total_many", "missing"),
        (lambda d: d["summary"].update(total_many=3), "summary.total_many", "must be a string, got int"),
        (
            lambda d: d["summary"].update(top_place="{count} in {where}"),
            "summary.top_place",
            "unknown placeholder",
        ),
        (lambda d: d["summary"].update(none="{days"), "summary.none", "bad placeholder"),
        (lambda d: d["table"].update(extra="x"), "table.extra", "unknown key"),
        (lambda d: d.pop("places"), "places", "missing section"),
        (lambda d: d.update(colours={}), "colours", "unknown section"),
        (lambda d: d["hours"]["bands"].pop(), "hours.bands", "must be a list of 12 labels"),
        (lambda d: d["hours"]["bands"].__setitem__(3, "{hour}"), "hours.bands[3]", "unknown placeholder"),
        (lambda d: d["report"].pop("title"), "report.title", "missing"),
        (lambda d: d["report"].update(period="{when}"), "report.period", "unknown placeholder"),
        (lambda d: d["report"].update(colour="red"), "report.colour", "unknown key"),
        (lambda d: d.pop("red_flags"), "red_flags", "missing section"),
        (lambda d: d["red_flags"].update(clot=3), "red_flags.clot", "must be a string, got int"),
    ],
)
def test_invalid_phrases_name_file_and_key(change, key: str, problem: str) -> None:  # type: ignore[no-untyped-def]
    data = shipped()
    change(data)
    with pytest.raises(ContentError) as caught:
        LogPhrases.from_dict(data, "log_phrases.toml")
    assert caught.value.key == key
    assert caught.value.problem.startswith(problem)
    assert str(caught.value).startswith(f"log_phrases.toml: {key}: ")


def test_not_toml(tmp_path: Path) -> None:
    path = tmp_path / "log_phrases.toml"
    path.write_text("[summary\n")
    with pytest.raises(ContentError, match="not valid TOML"):
        load_log_phrases(path)
