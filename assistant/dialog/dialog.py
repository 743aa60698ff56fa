"""The conversation: decides what each utterance is, answers it from context, and says what to do.

`take_turn` is the one place that decides about an utterance: a control for the running routine, a
question to answer (a believed question during a routine pauses it), the assistant's answer to cut short,
or speech to ignore (`attention` has the rule outside a routine). It returns the whole action as a `Turn`;
the bedside loop only carries it out. The dialog owns the attention (the wake phrase and the follow-up
window) and says what the conversation expects of the next utterance (`expectation`), which the
recogniser and the understanding weigh the engines by. The routine's state is passed in (`Moment`) by
whoever runs routines; the dialog keeps no copy of it.
"""

from __future__ import annotations

import logging
import random
from dataclasses import replace

from assistant.content.loader import Content
from assistant.content.records import OUT_OF_SCOPE
from assistant.dialog.attention import Attention, Verdict
from assistant.dialog.handlers import HANDLERS, check_handlers
from assistant.dialog.intents import controls
from assistant.dialog.intents.base import FOLLOWUP, Context, Phrasing
from assistant.dialog.turn import ASKED, Moment, Turn
from assistant.messages import Expectation, IntentMatch, Reply, Transcript
from assistant.routines.controls import CONTROLS, WHEN_PAUSED
from assistant.settings import DialogSettings
from assistant.understanding.heard import Heard
from assistant.understanding.router import UNKNOWN
from assistant.understanding.understanding import TYPED, Understanding

_LOGGER = logging.getLogger(__name__)

__all__ = ["CONTINUABLE", "FOLLOWUP", "TYPED", "Dialog"]

CONTINUABLE = ("relief", "stretch")
SILENCING = frozenset(("stop", "pause"))
"""Controls that, said over an answer (no routine running), cut it off and say nothing more."""


class Dialog:
    """Keeps context across turns so follow-ups work, and decides and answers each utterance."""

    def __init__(
        self,
        content: Content,
        settings: DialogSettings | None = None,
        understanding: Understanding | None = None,
        rng: random.Random | None = None,
        attention: Attention | None = None,
    ) -> None:
        check_handlers(content.intents, str(content.directory / "intents.toml"))
        self.content = content
        self.settings = settings or DialogSettings()
        self.understanding = understanding or Understanding.from_content(content)
        self.attention = attention
        """The bedside loop's wake phrase and follow-up window; None when questions are asked directly."""
        self.context = Context()
        self.phrasing = Phrasing(content, self.settings, rng or random.Random())

    def respond_text(self, text: str) -> tuple[IntentMatch, Reply]:
        """Answer typed (or already recognised) text, with no routine running."""
        turn = self.take_turn(Transcript(text))
        return turn.match, turn.reply or self.not_heard()

    def respond(self, transcript: Transcript) -> tuple[IntentMatch, Reply]:
        """Answer what a recogniser heard; speech that is not believed is not answered."""
        turn = self.take_turn(transcript)
        return turn.match, turn.reply or self.not_heard()

    def respond_heard(self, transcript: Transcript) -> tuple[IntentMatch, Reply, Heard]:
        """`respond`, also giving what was heard (the router's guess, and why it was or was not believed)."""
        turn = self.take_turn(transcript)
        return turn.match, turn.reply or self.not_heard(), turn.heard

    def expectation(self, moment: Moment = ASKED) -> Expectation:
        """What the conversation expects of the next utterance: a running routine's controls, or (in the
        follow-up window) short replies and questions, or questions."""
        window = self.attention is not None and self.attention.in_window(moment.now)
        if not moment.routine:
            return Expectation((), window, moment.said)
        controls = (*CONTROLS, *WHEN_PAUSED) if moment.paused else CONTROLS
        return Expectation(controls, window, moment.said)

    def speech_ended(self, at: float) -> None:
        """The assistant's own speech ended at clock time `at` (the follow-up window runs from there)."""
        if self.attention is not None:
            self.attention.speech_ended(at)

    def take_turn(self, transcript: Transcript, moment: Moment = ASKED) -> Turn:
        """Decide and answer one utterance (see the module's notes).

        During a routine only its controls, red flags and questions both engines agree on are acted on,
        with no wake phrase. Outside one, the attention applies the wake phrase and the follow-up window;
        without it (`ask`, `chat`, `ask --wav`) everything is answered, and speech that is not believed
        gets "didn't catch that".
        """
        expect = self.expectation(moment)
        attention = self.attention
        woken = False
        if attention is not None:
            woken, text = attention.strip_wake(transcript.text)
            if woken:
                transcript = replace(transcript, text=text)
        heard = self.understanding.understand(transcript, expect)
        verdict = self._verdict(heard, moment, woken)
        match = heard.match
        if verdict.action == "wake":
            if attention is not None:
                attention.open_window(moment.now)
            return Turn(heard, verdict, match, woken=woken)
        if verdict.action == "silence":
            match, _ = self.handle(match)  # its effect on the conversation ("stop" ends an offer); unsaid
            return Turn(heard, verdict, match, woken=woken, silence=True)
        if verdict.action == "control":
            control = WHEN_PAUSED.get(match.intent, match.intent) if moment.paused else match.intent
            return Turn(heard, verdict, match, woken=woken, control=control)
        if verdict.action == "not_heard":
            reply = self.not_heard()
            self._spoken(reply)
            return Turn(heard, verdict, match, reply, woken)
        if verdict.action != "answer":
            return Turn(heard, verdict, match, woken=woken)
        match, reply = self.handle(match)
        self._spoken(reply)
        routine = moment.routine
        return Turn(
            heard,
            verdict,
            match,
            reply,
            woken,
            control="pause" if routine and not reply.urgent and not reply.routine else None,
            silence=routine and reply.urgent,
            end_routine=routine and reply.urgent,
            log_cramp=match.intent == "relief",
            log_eased=match.intent == "eased",
            log_red_flag=match.topic if reply.urgent else None,
        )

    def _verdict(self, heard: Heard, moment: Moment, woken: bool) -> Verdict:
        match, transcript = heard.match, heard.transcript
        if moment.routine:
            verdict = _during_routine(match, moment.paused)
        elif self.attention is not None:
            talk = heard.routed.intent == OUT_OF_SCOPE
            verdict = self.attention.decide(transcript, match, moment.now, woken, talk)
        elif match.intent == UNKNOWN and (transcript.engine != TYPED or not transcript.text.strip()):
            verdict = Verdict("not_heard", "not understood")
        else:
            verdict = Verdict("answer", "asked directly")
        if verdict.action == "not_heard" and moment.speaking:
            return Verdict("ignore", "a miss over its own voice (most likely its echo)")
        silencing = moment.speaking and moment.answering and not moment.routine
        if verdict.action == "answer" and silencing and match.intent in SILENCING:
            return Verdict("silence", f"{match.intent} said over an answer")
        return verdict

    def _spoken(self, reply: Reply) -> None:
        """The reply is about to be said: a routine it starts closes the follow-up window, anything else
        opens it while it is said and for a while after."""
        if self.attention is None or not reply.text:
            return
        if reply.routine:
            self.attention.close_window()
        else:
            self.attention.expect_follow_up()

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
        handler = HANDLERS.get(match.intent)
        if handler is not None:
            return handler(match, self.context, self.phrasing)
        self.context.offer = None  # unknown: the router found no intent
        return Reply(text=self.phrasing.phrase("unknown"), intent=UNKNOWN)


def _during_routine(match: IntentMatch, paused: bool) -> Verdict:
    """During a routine its controls go to it (and, while it is paused, the replies that mean one);
    anything else the understanding let through (a red flag, a question both engines agreed on) is
    answered, and the rest is ignored."""
    if match.intent in CONTROLS:
        return Verdict("control", "routine control")
    if paused and match.intent in WHEN_PAUSED:
        return Verdict("control", f"{match.intent} while paused: {WHEN_PAUSED[match.intent]}")
    if match.intent == "urgent":
        return Verdict("answer", "red flag during a routine")
    if match.intent != UNKNOWN and match.intent not in controls.INTENTS and match.intent != FOLLOWUP:
        return Verdict("answer", "a question during a routine (it pauses)")
    return Verdict("ignore", "not a control, a routine is running")
