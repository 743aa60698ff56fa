"""Names the diary takes from the rest of content/: each exercise's name, and the advice given for each
red flag."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.content.files import fill
from assistant.content.loader import Content
from assistant.routines.exercises import ExerciseBook
from assistant.settings import DialogSettings


@dataclass(frozen=True)
class DiaryLabels:
    """Exercise id -> name (exercises.toml) and advice key -> the advice as it was spoken (responses.toml)."""

    exercise_names: dict[str, str]
    advice: dict[str, str]
    """"INTENT.TOPIC" (the key a red flag is logged with) -> the first answer, placeholders filled in."""

    def exercise(self, exercise: str) -> str:
        """The exercise's name with a capital letter ("Calf stretch"); an unknown id as it is."""
        name = self.exercise_names.get(exercise, exercise)
        return name[:1].upper() + name[1:]

    def advice_for(self, key: str) -> str:
        """The advice text for a logged key; a key no longer in content as it is."""
        return self.advice.get(key, key)

    @classmethod
    def from_content(cls, content: Content, book: ExerciseBook, dialog: DialogSettings) -> DiaryLabels:
        names = {key: exercise.name for key, exercise in book.exercises.items()}
        names.update({key: routine.name for key, routine in book.routines.items()})
        advice = {
            f"{intent}.{topic}": fill(
                response.first[0],
                side="",
                emergency_number=dialog.emergency_number,
                urgent_care=dialog.urgent_care,
            )
            for (intent, topic), response in content.responses.items()
            if response.first
        }
        return cls(names, advice)
