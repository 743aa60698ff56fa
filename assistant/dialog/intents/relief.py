"""A cramp now: the one action for that body part first, then an offer to guide a stretch."""

from __future__ import annotations

from assistant.dialog.intents.base import Context, Phrasing
from assistant.messages import IntentMatch, Reply

DEFAULT_BODY_PART = "leg"


def handle(match: IntentMatch, context: Context, phrasing: Phrasing) -> Reply:
    body_part = match.slots.get("body_part") or context.body_part or DEFAULT_BODY_PART
    side = match.slots.get("side")
    content = phrasing.content
    topic = body_part if content.has_response("relief", body_part) else DEFAULT_BODY_PART
    response = content.response("relief", topic)
    first, more = phrasing.answer("relief", topic, response, side=side)
    offer = response.offer
    text = first
    if offer:
        text = f"{first} {phrasing.phrase('offer', exercise=offer)}"
    context.body_part, context.side, context.offer, context.more = body_part, side, offer, more
    return Reply(text=text, intent="relief", sources=response.sources)
