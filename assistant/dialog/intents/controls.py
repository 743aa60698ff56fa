"""Short replies: yes, no, more, repeat and the routine controls (pause, resume, stop, ...) outside a
routine, where they get a sensible spoken answer. During a routine the controls never come here: the turn
(`Dialog.take_turn`) hands them to the routine itself (`Turn.control`).
"""

from __future__ import annotations

from assistant.dialog.intents import stretch
from assistant.dialog.intents.base import Context, Phrasing
from assistant.messages import IntentMatch, Reply
from assistant.routines.controls import CONTROLS

INTENTS = (*CONTROLS, "yes", "no")
"""The short replies this module answers: the routine's controls, and yes and no."""


def handle(match: IntentMatch, context: Context, phrasing: Phrasing) -> Reply:
    intent = match.intent
    if intent == "yes":
        if context.offer:
            return stretch.start(context.offer, context, phrasing)
        return Reply(text=phrasing.phrase("yes_idle"), intent=intent)
    if intent == "no":
        context.offer = None
        return Reply(text=phrasing.phrase("no_reply"), intent=intent)
    if intent == "next":
        if context.more:
            text, context.more = context.more, None
            return Reply(text=text, intent=intent)
        return Reply(text=phrasing.phrase("nothing_more"), intent=intent)
    if intent == "repeat":
        if context.last_reply and context.last_reply.text:
            return Reply(text=context.last_reply.text, intent=intent)
        return Reply(text=phrasing.phrase("nothing_to_repeat"), intent=intent)
    if intent == "stop":
        context.offer = None
        return Reply(text=phrasing.phrase("stop_idle"), intent=intent)
    return Reply(text=phrasing.phrase("no_routine"), intent=intent)
