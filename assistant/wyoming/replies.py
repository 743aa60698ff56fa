"""What a `handle` turn answers: `handled` with the reply, or `not-handled` for speech not for it.

Home Assistant cannot run the bedside loop's timed holds, so a reply that would start a guided
exercise carries the exercise's steps (content/exercises.toml) and the `guide_at_bedside` phrase.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.dialog.dialog import Dialog
from assistant.dialog.turn import Turn
from assistant.errors import AssistantError
from assistant.messages import Reply, Transcript
from assistant.routines.exercises import ExerciseBook
from assistant.understanding.router import UNKNOWN


@dataclass(frozen=True)
class HandleResult:
    """One turn's outcome, as sent to the client."""

    handled: bool
    """False for speech that is not for the cramp skill (Home Assistant may try another agent)."""
    text: str
    """What to say."""
    turn: Turn
    """The dialog's record of the turn (for the log)."""


def answer(dialog: Dialog, text: str, exercises: ExerciseBook) -> HandleResult:
    """The dialog's answer to one transcript (typed: the text Home Assistant already has), with a guided
    exercise spelled out. No routine runs here, so no routine state is passed."""
    turn = dialog.take_turn(Transcript(text))
    reply = turn.reply or dialog.not_heard()
    if turn.match.intent == UNKNOWN:
        return HandleResult(False, reply.text, turn)
    return HandleResult(True, _spoken(reply, dialog, exercises), turn)


def _spoken(reply: Reply, dialog: Dialog, exercises: ExerciseBook) -> str:
    if not reply.routine:
        return reply.text
    try:
        routine = exercises.routine(reply.routine)
    except AssistantError:
        return reply.text
    parts = [reply.text]
    for exercise in routine.exercises:
        if not routine.is_single:
            name = dialog.content.exercise_names.get(exercise.id, exercise.name)
            parts.append(name[:1].upper() + name[1:] + ":")
        parts.extend(exercise.steps)
    parts.append(dialog.phrasing.phrase("guide_at_bedside"))
    return " ".join(part for part in parts if part)
