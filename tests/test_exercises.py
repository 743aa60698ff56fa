"""Exercises and session phrases from content: what the article says, and clear errors for bad data."""

from __future__ import annotations

import copy
import tomllib
from pathlib import Path
from typing import Any

import pytest

from assistant.errors import ContentError
from assistant.routines.exercises import ExerciseBook, ExerciseChoiceError, default_exercises_path
from assistant.routines.phrases import SessionPhrases, default_phrases_path

RAW: dict[str, Any] = tomllib.loads(default_exercises_path().read_text(encoding="utf-8"))


def test_the_five_exercises_follow_the_article() -> None:
    book = ExerciseBook.from_file()
    ex = book.exercises
    assert set(ex) == {"calf_stretch", "toe_stretch", "towel_scrunch", "ankle_circles", "quad_stretch"}
    assert (ex["calf_stretch"].hold, ex["calf_stretch"].hold_range, ex["calf_stretch"].sides) == (
        30,
        (15, 30),
        ("right", "left"),
    )
    assert ex["toe_stretch"].hold_range == (15, 30) and ex["toe_stretch"].sides == ()
    assert (ex["quad_stretch"].hold, ex["quad_stretch"].sides) == (30, ("right", "left"))
    assert ex["ankle_circles"].count_range == (10, 15) and len(ex["ankle_circles"].directions) == 2
    assert ex["towel_scrunch"].counted and "suggest" in ex["towel_scrunch"].source
    assert all(e.source.startswith("article") for e in ex.values())
    assert [e.id for e in book.routine("routine").exercises] == list(RAW["routines"]["routine"]["exercises"])


def test_hold_is_checked_against_the_article() -> None:
    book = ExerciseBook.from_file()
    assert book.routine("calf_stretch", 15).exercises[0].hold == 15
    with pytest.raises(ExerciseChoiceError, match="15 to 30 seconds"):
        book.routine("calf_stretch", 45)
    with pytest.raises(ExerciseChoiceError, match="30 seconds"):
        book.routine("quad_stretch", 20)
    routine = book.routine("routine", 20)
    holds = {e.id: e.hold for e in routine.exercises if e.hold is not None}
    assert holds == {"calf_stretch": 20, "toe_stretch": 20, "quad_stretch": 30}
    with pytest.raises(ExerciseChoiceError, match="choose one of: calf_stretch"):
        book.routine("yoga")


@pytest.mark.parametrize(
    ("change", "key"),
    [
        (lambda d: d["exercises"]["calf_stretch"].pop("steps"), "exercises.calf_stretch.steps"),
        (lambda d: d["exercises"]["calf_stretch"].update(hold=90), "exercises.calf_stretch.hold"),
        (lambda d: d["exercises"]["calf_stretch"].update(sides=["up"]), "exercises.calf_stretch.sides"),
        (
            lambda d: d["exercises"]["ankle_circles"].update(announce="{oops}"),
            "exercises.ankle_circles.announce",
        ),
        (lambda d: d["exercises"]["toe_stretch"].pop("hold"), "exercises.toe_stretch"),
        (lambda d: d["routines"]["routine"].update(exercises=["nope"]), "routines.routine.exercises"),
    ],
)
def test_bad_exercise_content_names_file_and_key(change: Any, key: str) -> None:
    data = copy.deepcopy(RAW)
    change(data)
    with pytest.raises(ContentError) as err:
        ExerciseBook.from_dict(data, "content/exercises.toml")
    assert err.value.key == key and err.value.path == "content/exercises.toml"


def test_phrases_load_and_bad_ones_are_refused(tmp_path: Path) -> None:
    phrases = SessionPhrases.from_file()
    assert "{seconds}" in phrases.hold_start
    text = default_phrases_path().read_text(encoding="utf-8")
    bad = tmp_path / "session_phrases.toml"
    bad.write_text(text.replace('release = "Release."', 'release = ""'), encoding="utf-8")
    with pytest.raises(ContentError, match=r"phrases\.release"):
        SessionPhrases.from_file(bad)
    bad.write_text(text.replace("{seconds} seconds left.", "{secs} seconds left."), encoding="utf-8")
    with pytest.raises(ContentError, match="unknown placeholder"):
        SessionPhrases.from_file(bad)
