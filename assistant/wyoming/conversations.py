"""A dialog per conversation, so follow-ups ("it's in my foot", "yes") continue the right context.

Home Assistant opens a new connection for every turn and sends a `context` with the `conversation_id`
and, for voice, the `satellite_id` or `device_id`. A voice turn gets a new conversation id each time,
so the satellite (or device) names the conversation when there is one, else the conversation id. A
transcript without any of them belongs to its connection. Contexts live in memory only, are forgotten
after `followup_seconds` without a turn (on the injected clock), and at most `max_conversations` are
kept (the least recently used goes first).
"""

from __future__ import annotations

import random
from collections import OrderedDict
from collections.abc import Mapping

from assistant.clock import Clock
from assistant.content.loader import Content
from assistant.dialog.dialog import Dialog
from assistant.routines.exercises import ExerciseBook
from assistant.settings import DialogSettings
from assistant.understanding.understanding import Understanding

KEY_FIELDS = ("satellite_id", "device_id", "conversation_id")
"""The context fields that name a conversation, most lasting first."""


def conversation_key(context: object) -> str | None:
    """The conversation a transcript's `context` names, or None (its connection's own)."""
    if not isinstance(context, Mapping):
        return None
    for name in KEY_FIELDS:
        value = context.get(name)
        if isinstance(value, str) and value:
            return f"{name}:{value[:200]}"
    return None


class Conversations:
    """Dialogs that share the content and understanding and each keep their own context."""

    def __init__(
        self,
        content: Content,
        understanding: Understanding,
        clock: Clock,
        settings: DialogSettings | None = None,
        followup_seconds: float = 300.0,
        max_conversations: int = 256,
        rng: random.Random | None = None,
    ) -> None:
        self.content = content
        self.understanding = understanding
        self.clock = clock
        self.settings = settings or DialogSettings()
        self.followup_seconds = followup_seconds
        self.max_conversations = max_conversations
        self.exercises = ExerciseBook.from_file()
        self._rng = rng or random.Random()
        self._dialogs: OrderedDict[str, tuple[float, Dialog]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._dialogs)

    def new_dialog(self) -> Dialog:
        """A fresh conversation (a connection's own, or a keyed one)."""
        return Dialog(self.content, self.settings, self.understanding, random.Random(self._rng.random()))

    def dialog(self, key: str) -> Dialog:
        """The conversation's dialog: kept if it had a turn in the last `followup_seconds`, else new."""
        now = self.clock.now()
        self._forget_before(now - self.followup_seconds)
        found = self._dialogs.pop(key, None)
        dialog = found[1] if found else self.new_dialog()
        self._dialogs[key] = (now, dialog)
        while len(self._dialogs) > self.max_conversations:
            self._dialogs.popitem(last=False)
        return dialog

    def _forget_before(self, cutoff: float) -> None:
        while self._dialogs:
            key, (used, _) = next(iter(self._dialogs.items()))
            if used >= cutoff:
                return
            del self._dialogs[key]
