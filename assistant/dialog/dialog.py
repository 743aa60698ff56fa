"""The conversation: routes text, resolves follow-ups from context, and dispatches to assistant/intents/."""

from __future__ import annotations

import logging
import random
from dataclasses import replace

from assistant.content.loader import Content
from assistant.dialog.intents import controls, info, relief, stretch, urgent
from assistant.dialog.intents.base import Context, Phrasing
from assistant.dialog.turn import Heard
from assistant.messages import IntentMatch, Reply, Transcript
from assistant.settings import DialogSettings
from assistant.understanding.belief import believed
from assistant.understanding.router import UNKNOWN, Router, RouterResult

_LOGGER = logging.getLogger(__name__)

FOLLOWUP = "followup"
"""A fragment such as "it's in my foot": it continues the last answer's intent."""
CONTINUABLE = ("relief", "stretch")


class Dialog:
    """Keeps context across turns so follow-ups work, and answers each utterance with a Reply."""

    def __init__(
        self,
        content: Content,
        settings: DialogSettings | None = None,
        router: Router | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.content = content
        self.settings = settings or DialogSettings()
        self.router = router or Router.from_content(content)
        self.context = Context()
        self.phrasing = Phrasing(content, self.settings, rng or random.Random())

    @property
    def routine_active(self) -> bool:
        return self.context.routine_active

    @routine_active.setter
    def routine_active(self, active: bool) -> None:
        self.context.routine_active = active

    def respond_text(self, text: str) -> tuple[IntentMatch, Reply]:
        """Answer typed (or already recognised) text."""
        if not text.strip():
            return IntentMatch(UNKNOWN, {}, 0.0, ""), self.not_heard()
        return self.handle(self.router.route(text))

    def respond(self, transcript: Transcript) -> tuple[IntentMatch, Reply]:
        """Answer what a recogniser heard; speech that is not believed (`belief`) is not answered."""
        match, reply, _ = self.respond_heard(transcript)
        return match, reply

    def respond_heard(self, transcript: Transcript) -> tuple[IntentMatch, Reply, Heard]:
        """`respond`, also giving what was heard (the router's guess, and why it was or was not believed)."""
        heard = self.understand(transcript)
        match = heard.match
        if match.intent == UNKNOWN:
            return match, self.not_heard(), heard
        match, reply = self.handle(match)
        return match, reply, heard

    def understand(self, transcript: Transcript) -> Heard:
        """The router's result for what a recogniser heard and the belief rule's verdict on it."""
        if transcript.text.strip():
            routed = self.router.examine(transcript.text)
        else:
            routed = RouterResult(UNKNOWN, {}, 0.0, 0.0, False, "nothing recognised")
        return Heard(transcript, routed, believed(transcript, routed.match))

    def not_heard(self) -> Reply:
        return Reply(text=self.phrasing.phrase("not_heard"), intent=UNKNOWN)

    def handle(self, match: IntentMatch) -> tuple[IntentMatch, Reply]:
        match = self._resolve(match)
        reply = self._dispatch(match)
        if match.intent not in controls.INTENTS:
            self.context.last_intent = match.intent
        if reply.text and match.intent != "repeat":
            self.context.last_reply = reply
        _LOGGER.info("%s %s -> %r", match.intent, match.slots, reply.text)
        return match, reply

    def _resolve(self, match: IntentMatch) -> IntentMatch:
        """Turn fragments and "the other leg" into full questions using the context."""
        context = self.context
        if match.intent == FOLLOWUP:
            intent = context.last_intent if context.last_intent in CONTINUABLE else "relief"
            slots = dict(match.slots)
            if context.side and "side" not in slots:
                slots["side"] = context.side
            return replace(match, intent=intent, slots=slots)
        if match.intent == "other_side" and not context.routine_active:
            intent = context.last_intent if context.last_intent in CONTINUABLE else "relief"
            slots = {"side": {"left": "right", "right": "left"}[context.side]} if context.side else {}
            if context.body_part:
                slots["body_part"] = context.body_part
            return replace(match, intent=intent, slots=slots)
        return match

    def _dispatch(self, match: IntentMatch) -> Reply:
        context, phrasing = self.context, self.phrasing
        if match.intent == "relief":
            return relief.handle(match, context, phrasing)
        if match.intent == "urgent":
            return urgent.handle(match, match.topic, context, phrasing)
        if match.intent == "stretch":
            return stretch.handle(match, context, phrasing)
        if match.intent in info.INTENTS:
            return info.handle(match, match.topic, context, phrasing)
        if match.intent in controls.INTENTS:
            return controls.handle(match, context, phrasing)
        context.offer = None
        return Reply(text=phrasing.phrase("unknown"), intent=UNKNOWN)
