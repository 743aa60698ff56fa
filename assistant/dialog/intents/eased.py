"""The cramp has eased ("it's gone now"): a short kind word, and any offer of a stretch is withdrawn. The
bedside loop notes the time in the cramp log (`Turn.log_eased`)."""

from __future__ import annotations

from assistant.dialog.intents.base import Context, Phrasing
from assistant.messages import IntentMatch, Reply


def handle(match: IntentMatch, context: Context, phrasing: Phrasing) -> Reply:
    response = phrasing.content.response(match.intent)
    text, _ = phrasing.answer(match.intent, "default", response, side=match.slots.get("side"))
    context.offer, context.more = None, None
    return Reply(text=text, intent=match.intent, sources=response.sources)
