"""Guided stretches: start the named exercise, suggest one for a body part, or list them."""

from __future__ import annotations

from assistant.dialog.intents.base import Context, Phrasing
from assistant.messages import IntentMatch, Reply


def handle(match: IntentMatch, context: Context, phrasing: Phrasing) -> Reply:
    content = phrasing.content
    exercise = match.slots.get("exercise")
    if exercise:
        return start(exercise, context, phrasing)
    body_part = match.slots.get("body_part")
    if body_part and body_part in content.body_part_exercise:
        suggestion = content.body_part_exercise[body_part]
        context.offer, context.body_part, context.more = suggestion, body_part, None
        response = content.response("stretch")
        return Reply(
            text=phrasing.phrase("suggest", exercise=suggestion), intent="stretch", sources=response.sources
        )
    response = content.response("stretch")
    first, more = phrasing.answer("stretch", "default", response)
    context.offer, context.more = None, more
    return Reply(text=first, intent="stretch", sources=response.sources)


def start(exercise: str, context: Context, phrasing: Phrasing) -> Reply:
    """Begin guiding `exercise` (the session that runs it takes over from here)."""
    context.offer, context.more = None, None
    return Reply(
        text=phrasing.phrase("start_exercise", exercise=exercise),
        intent="stretch",
        routine=exercise,
        sources=("article",),
    )
