"""Exercises and routines from content/exercises.toml: frozen dataclasses, validated on load."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from assistant.content.files import read_toml
from assistant.errors import AssistantError, ContentError
from assistant.routines.phrases import check_template
from assistant.settings import content_dir

SIDES = ("left", "right")


class ExerciseChoiceError(AssistantError):
    """An unknown exercise name or a hold outside the article's range (one line for a person)."""


def default_exercises_path() -> Path:
    return content_dir() / "exercises.toml"


@dataclass(frozen=True)
class Exercise:
    """One guided exercise: instruction steps, then a hold or a counted set for each side/direction."""

    id: str
    """The exercise slot value, e.g. "calf_stretch"."""
    name: str
    """How it is said: "calf stretch"."""
    source: str
    """Where in the article it comes from."""
    steps: tuple[str, ...]
    """Instruction sentences, said in order before the first set."""
    sides: tuple[str, ...] = ()
    """"right"/"left" in the order done; empty when both sides work together."""
    limb: str = "leg"
    """The word said with a side: "your left leg"."""
    hold: float | None = None
    """Seconds each hold lasts (held exercises)."""
    hold_range: tuple[float, float] | None = None
    """The article's range for the hold, inclusive."""
    count: int | None = None
    """Repetitions per set (counted exercises)."""
    count_range: tuple[int, int] | None = None
    seconds_per_rep: float = 3.0
    """The pace at which repetitions are counted aloud."""
    directions: tuple[str, ...] = ()
    """Counted sets done one way then the other ("clockwise", "anticlockwise")."""
    announce: str | None = None
    """Template said at the start of each set; None uses the session's hold_start phrase."""

    @property
    def counted(self) -> bool:
        return self.count is not None

    def set_seconds(self) -> float:
        """How long one hold or counted set lasts."""
        if self.count is not None:
            return self.count * self.seconds_per_rep
        return float(self.hold or 0.0)

    def with_hold(self, seconds: float, *, clamp: bool = False) -> Exercise:
        """This exercise with another hold; outside the article's range it is refused (or clamped)."""
        if self.hold_range is None:
            return self
        low, high = self.hold_range
        if not low <= seconds <= high:
            if not clamp:
                raise ExerciseChoiceError(
                    f"--hold {seconds:g} is outside the article's range for the {self.name}: "
                    f"{_range_text(low, high)} seconds"
                )
            seconds = min(max(seconds, low), high)
        return replace(self, hold=float(seconds))

    @classmethod
    def from_dict(cls, ident: str, data: dict[str, Any], path: str) -> Exercise:
        key = f"exercises.{ident}"
        reader = _Reader(data, path, key)
        sides = tuple(reader.str_list("sides", required=False))
        for side in sides:
            if side not in SIDES:
                raise ContentError(path, f"{key}.sides", f"{side!r} is not one of {', '.join(SIDES)}")
        steps = tuple(reader.str_list("steps"))
        if not steps:
            raise ContentError(path, f"{key}.steps", "needs at least one instruction")
        common: dict[str, Any] = {
            "id": ident,
            "name": reader.text("name"),
            "source": reader.text("source"),
            "steps": steps,
            "sides": sides,
            "limb": reader.text("limb", default="leg"),
            "directions": tuple(reader.str_list("directions", required=False)),
            "announce": reader.text("announce", default="") or None,
        }
        if common["announce"]:
            check_template(common["announce"], path, f"{key}.announce")
        if "hold" in data and "count" in data:
            raise ContentError(path, key, "has both hold and count; an exercise is held or counted")
        if "hold" in data:
            low, hold, high = (reader.number(k) for k in ("hold_min", "hold", "hold_max"))
            if not 0 < low <= hold <= high:
                raise ContentError(path, f"{key}.hold", f"needs 0 < hold_min <= hold <= hold_max, got {data}")
            return cls(**common, hold=hold, hold_range=(low, high))
        if "count" in data:
            low, count, high = (int(reader.number(k)) for k in ("count_min", "count", "count_max"))
            if not 0 < low <= count <= high:
                raise ContentError(path, f"{key}.count", "needs 0 < count_min <= count <= count_max")
            pace = reader.number("seconds_per_rep")
            if pace <= 0:
                raise ContentError(path, f"{key}.seconds_per_rep", "must be positive")
            return cls(**common, count=count, count_range=(low, high), seconds_per_rep=pace)
        raise ContentError(path, key, "needs either hold (seconds) or count (repetitions)")


@dataclass(frozen=True)
class Routine:
    """Exercises done one after another; a single exercise is a routine of one."""

    id: str
    name: str
    source: str
    exercises: tuple[Exercise, ...]

    @property
    def is_single(self) -> bool:
        return len(self.exercises) == 1 and self.exercises[0].id == self.id


@dataclass(frozen=True)
class ExerciseBook:
    """Every exercise and routine in content/exercises.toml."""

    exercises: dict[str, Exercise]
    routines: dict[str, Routine]

    def names(self) -> tuple[str, ...]:
        return (*self.exercises, *self.routines)

    def routine(self, name: str, hold: float | None = None) -> Routine:
        """The routine (or single exercise) by name, with every timed hold set to `hold` when given.

        For a single exercise a hold outside the article's range is refused; for a routine each
        exercise keeps within its own range (the hold is clamped into it).
        """
        if name in self.exercises:
            exercise = self.exercises[name]
            if hold is not None:
                if exercise.hold_range is None:
                    raise ExerciseChoiceError(
                        f"the {exercise.name} is counted ({exercise.count} times), it has no hold to set"
                    )
                exercise = exercise.with_hold(hold)
            return Routine(id=name, name=exercise.name, source=exercise.source, exercises=(exercise,))
        if name in self.routines:
            routine = self.routines[name]
            if hold is None:
                return routine
            ranges = [e.hold_range for e in routine.exercises if e.hold_range]
            low, high = min(r[0] for r in ranges), max(r[1] for r in ranges)
            if not low <= hold <= high:
                raise ExerciseChoiceError(
                    f"--hold {hold:g} is outside the article's range for the {routine.name}: "
                    f"{_range_text(low, high)} seconds"
                )
            return replace(routine, exercises=tuple(e.with_hold(hold, clamp=True) for e in routine.exercises))
        raise ExerciseChoiceError(f"unknown exercise {name!r}; choose one of: {', '.join(self.names())}")

    @classmethod
    def from_dict(cls, data: dict[str, Any], path: str = "exercises.toml") -> ExerciseBook:
        raw_exercises = data.get("exercises")
        if not isinstance(raw_exercises, dict) or not raw_exercises:
            raise ContentError(path, "exercises", "needs at least one [exercises.NAME] table")
        exercises: dict[str, Exercise] = {}
        for ident, body in raw_exercises.items():
            if not isinstance(body, dict):
                raise ContentError(path, f"exercises.{ident}", "must be a table")
            exercises[ident] = Exercise.from_dict(ident, body, path)
        routines: dict[str, Routine] = {}
        for ident, body in (data.get("routines") or {}).items():
            key = f"routines.{ident}"
            if ident in exercises:
                raise ContentError(path, key, "has the same name as an exercise")
            reader = _Reader(body, path, key)
            members = reader.str_list("exercises")
            unknown = [m for m in members if m not in exercises]
            if unknown or not members:
                raise ContentError(path, f"{key}.exercises", f"unknown or missing exercises: {unknown}")
            routines[ident] = Routine(
                id=ident,
                name=reader.text("name"),
                source=reader.text("source"),
                exercises=tuple(exercises[m] for m in members),
            )
        return cls(exercises=exercises, routines=routines)

    @classmethod
    def from_file(cls, path: Path | None = None) -> ExerciseBook:
        path = path or default_exercises_path()
        return cls.from_dict(read_toml(path), str(path))


def _range_text(low: float, high: float) -> str:
    return f"{low:g}" if low == high else f"{low:g} to {high:g}"


class _Reader:
    """Typed access to one TOML table, raising ContentError with file and key."""

    def __init__(self, data: dict[str, Any], path: str, key: str) -> None:
        self.data, self.path, self.key = data, path, key

    def _fail(self, name: str, problem: str) -> ContentError:
        return ContentError(self.path, f"{self.key}.{name}", problem)

    def text(self, name: str, default: str | None = None) -> str:
        value = self.data.get(name, default)
        if not isinstance(value, str) or (default is None and not value.strip()):
            raise self._fail(name, "must be a non-empty string")
        return value

    def number(self, name: str) -> float:
        value = self.data.get(name)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self._fail(name, "must be a number")
        return float(value)

    def str_list(self, name: str, required: bool = True) -> list[str]:
        value = self.data.get(name, None if required else [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise self._fail(name, "must be a list of non-empty strings")
        return list(value)
