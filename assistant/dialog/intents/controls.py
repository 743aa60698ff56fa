"""Short replies: yes, no, more, repeat and the routine controls (pause, resume, stop, ...).

During a routine the controls go to the routine itself (Reply.control); outside one they get a sensible
spoken answer.
"""

from __future__ import annotations

from assistant.dialog.intents import stretch
from assistant.dialog.intents.base import Context, Phrasing
from assistant.messages import IntentMatch, Reply

ROUTINE_CONTROLS = {
    "next": "next",
    "repeat": "repeat",
    "pause": "pause",
    "resume": "resume",
    "stop": "stop",
    "time_left": "time_left",
    "extend": "extend",
    "other_side": "other_side",
}
INTENTS = (*ROUTINE_CONTROLS, "yes", "no")


def handle(match: IntentMatch, context: Context, phrasing: Phrasing) -> Reply:
    intent = match.intent
    if context.routine_active and intent in ROUTINE_CONTROLS:
        return Reply(text="", intent=intent, control=ROUTINE_CONTROLS[intent])
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
