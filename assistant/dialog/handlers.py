"""The dialog's intents as a checked vocabulary: which handler answers each intent in content/.

The table is checked against the content's intents when a Dialog is made, so an intent with no handler
(or a handler for an intent the content lost) is an error at start-up, never a silent "unknown".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from assistant.dialog.intents import controls, eased, info, relief, stretch, urgent
from assistant.dialog.intents.base import FOLLOWUP, Context, Phrasing
from assistant.errors import ContentError
from assistant.messages import IntentMatch, Reply

Handler = Callable[[IntentMatch, Context, Phrasing], Reply]


def _with_topic(handle: Callable[[IntentMatch, str, Context, Phrasing], Reply]) -> Handler:
    def topical(match: IntentMatch, context: Context, phrasing: Phrasing) -> Reply:
        return handle(match, match.topic, context, phrasing)

    return topical


HANDLERS: dict[str, Handler] = {
    "relief": relief.handle,
    "eased": eased.handle,
    "stretch": stretch.handle,
    "urgent": _with_topic(urgent.handle),
    **{intent: _with_topic(info.handle) for intent in info.INTENTS},
    **{intent: controls.handle for intent in controls.INTENTS},
}
"""Intent -> the function that answers it (outside a routine; a routine's controls go to the routine)."""
RESOLVED = frozenset((FOLLOWUP,))
"""Intents the dialog completes from the conversation before answering ("in my thigh" becomes relief)."""


def check_handlers(intents: Iterable[str], where: str) -> None:
    """ContentError unless every intent of the content has a handler and every handler an intent."""
    intents = set(intents)
    missing = sorted(intents - HANDLERS.keys() - RESOLVED)
    if missing:
        raise ContentError(where, "intents", f"no handler for {', '.join(missing)}")
    unused = sorted(HANDLERS.keys() - intents)
    if unused:
        raise ContentError(where, "intents", f"handlers for intents the content lacks: {', '.join(unused)}")
