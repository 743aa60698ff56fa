"""Questions answered from the article: causes, prevention, doctor, medications, conditions, diet,
heat or cold, and what the assistant can do."""

from __future__ import annotations

from assistant.dialog.intents.base import Context, Phrasing
from assistant.messages import IntentMatch, Reply

INTENTS = ("causes", "prevention", "doctor", "medications", "conditions", "diet", "heat_cold", "help")


def handle(match: IntentMatch, topic: str, context: Context, phrasing: Phrasing) -> Reply:
    content = phrasing.content
    topic = topic if content.has_response(match.intent, topic) else "default"
    response = content.response(match.intent, topic)
    first, more = phrasing.answer(match.intent, topic, response, side=match.slots.get("side"))
    text = first
    if response.offer:
        text = f"{first} {phrasing.phrase('offer', exercise=response.offer)}"
    context.offer, context.more = response.offer, more
    if "body_part" in match.slots:
        context.body_part = match.slots["body_part"]
    return Reply(text=text, intent=match.intent, sources=response.sources)
