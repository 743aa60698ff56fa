"""Red flags: a short answer that says where to get help, before anything else."""

from __future__ import annotations

from assistant.dialog.intents.base import Context, Phrasing
from assistant.messages import IntentMatch, Reply

DEFAULT_TOPIC = "clot"


def handle(match: IntentMatch, topic: str, context: Context, phrasing: Phrasing) -> Reply:
    content = phrasing.content
    topic = topic if content.has_response("urgent", topic) else DEFAULT_TOPIC
    response = content.response("urgent", topic)
    first, more = phrasing.answer("urgent", topic, response)
    context.offer, context.more = None, more
    return Reply(text=first, intent="urgent", sources=response.sources, urgent=True)
