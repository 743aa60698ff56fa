"""The conversation: routes text, resolves follow-ups from context, and dispatches to assistant/intents/.

`take_turn` is the one place that decides what an utterance is: a control for the running routine, a
question to answer, or speech to ignore (`attention` has the rule outside a routine). The routine's state
is passed in by whoever runs routines; the dialog keeps no copy of it.
"""

from __future__ import annotations

import logging
import random
from dataclasses import replace

from assistant.content.loader import Content
from assistant.content.records import OUT_OF_SCOPE
from assistant.dialog.attention import Attention, Verdict
from assistant.dialog.intents import controls, info, relief, stretch, urgent
from assistant.dialog.intents.base import FOLLOWUP, Context, Phrasing
from assistant.dialog.turn import Heard, Turn
from assistant.messages import IntentMatch, Reply, Transcript
from assistant.routines.controls import CONTROLS
from assistant.settings import DialogSettings
from assistant.understanding.belief import Belief, believed
from assistant.understanding.router import UNKNOWN, Router, RouterResult
from assistant.understanding.second_opinion import judge

_LOGGER = logging.getLogger(__name__)

__all__ = ["CONTINUABLE", "FOLLOWUP", "TYPED", "Dialog"]

CONTINUABLE = ("relief", "stretch")
TYPED = "text"
"""`Transcript.engine` of typed text: the router's word is taken as it is (no belief rule)."""


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

    def respond_text(self, text: str) -> tuple[IntentMatch, Reply]:
        """Answer typed (or already recognised) text, with no routine running."""
        turn = self.take_turn(Transcript(text))
        return turn.match, turn.reply or self.not_heard()

    def respond(self, transcript: Transcript) -> tuple[IntentMatch, Reply]:
        """Answer what a recogniser heard; speech that is not believed (`belief`) is not answered."""
        turn = self.take_turn(transcript)
        return turn.match, turn.reply or self.not_heard()

    def respond_heard(self, transcript: Transcript) -> tuple[IntentMatch, Reply, Heard]:
        """`respond`, also giving what was heard (the router's guess, and why it was or was not believed)."""
        turn = self.take_turn(transcript)
        return turn.match, turn.reply or self.not_heard(), turn.heard

    def take_turn(
        self,
        transcript: Transcript,
        routine_active: bool = False,
        attention: Attention | None = None,
        now: float = 0.0,
    ) -> Turn:
        """Decide and answer one utterance: the one place that tells a control from a question or noise.

        During a routine (`routine_active`, from whoever runs it) only its controls and red flags are acted
        on, with no wake phrase. Outside one, `attention` (the bedside loop's) applies the wake phrase and
        the follow-up window at clock time `now`; without it (one question asked directly: `ask`, `chat`,
        `ask --wav`) everything is answered, and speech that is not believed gets "didn't catch that".
        """
        woken = False
        if attention is not None:
            woken, text = attention.strip_wake(transcript.text)
            if woken:
                transcript = replace(transcript, text=text)
        heard = self.understand(transcript)
        match = heard.match
        if routine_active:
            verdict = _during_routine(match)
        elif attention is not None:
            talk = heard.routed.intent == OUT_OF_SCOPE
            verdict = attention.decide(transcript, match, now, woken, talk)
        elif match.intent == UNKNOWN and (transcript.engine != TYPED or not transcript.text.strip()):
            verdict = Verdict("not_heard", "not understood")
        else:
            verdict = Verdict("answer", "asked directly")
        reply: Reply | None = None
        if verdict.action == "not_heard":
            reply = self.not_heard()
        elif verdict.action == "control":
            reply = Reply(text="", intent=match.intent, control=match.intent)
        elif verdict.action == "answer":
            match, reply = self.handle(match)
        return Turn(heard, verdict, match, reply, woken)

    def understand(self, transcript: Transcript) -> Heard:
        """The router's result for an utterance and whether it is believed: typed text is said to the
        assistant (the router's word is final), recognised speech must pass the belief rule."""
        if not transcript.text.strip():
            routed = RouterResult(UNKNOWN, {}, 0.0, 0.0, False, "nothing recognised", "")
            return Heard(transcript, routed, Belief(False, "nothing recognised"))
        routed = self.router.examine(transcript.text)
        if transcript.engine == TYPED:
            return Heard(transcript, routed, Belief(True, "typed"))
        if transcript.second is not None:  # a second engine's hypothesis (`second_opinion`)
            return Heard(*judge(transcript, self.router.examine))
        return Heard(transcript, routed, believed(transcript, routed.match))

    def not_heard(self) -> Reply:
        return Reply(text=self.phrasing.phrase("not_heard"), intent=UNKNOWN)

    def handle(self, match: IntentMatch) -> tuple[IntentMatch, Reply]:
        """Answer a match outside a routine (follow-ups resolved from the context, which it updates)."""
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
            if "exercise" in match.slots:  # "all of them", after the stretches were offered
                intent = "stretch"
            slots = dict(match.slots)
            if context.side and "side" not in slots:
                slots["side"] = context.side
            return replace(match, intent=intent, slots=slots)
        if match.intent == "other_side":
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


def _during_routine(match: IntentMatch) -> Verdict:
    """During a routine only its controls and red-flag questions are acted on (no wake phrase)."""
    if match.intent in CONTROLS:
        return Verdict("control", "routine control")
    if match.intent == "urgent":
        return Verdict("answer", "red flag during a routine")
    return Verdict("ignore", "not a control, a routine is running")
