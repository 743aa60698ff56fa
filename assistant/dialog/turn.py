"""What one utterance came to: the router's raw result, whether it was believed and why, the verdict (a
control, a question to answer, or speech to ignore) and the reply. Every log line and `--json` answer
about an utterance is drawn from this record; `Dialog.take_turn` makes it."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.dialog.attention import Verdict
from assistant.messages import IntentMatch, Reply, Transcript
from assistant.understanding.belief import Belief
from assistant.understanding.router import UNKNOWN, RouterResult


@dataclass(frozen=True)
class Heard:
    """An utterance, understood: the router's result and the belief rule's verdict on it."""

    transcript: Transcript
    """What the recogniser heard (the wake phrase already taken off), or what was typed."""
    routed: RouterResult
    """The router's full result, the guess it did not accept included."""
    belief: Belief
    """Whether the router's match is taken as said to the assistant, and why."""

    @property
    def match(self) -> IntentMatch:
        """What the assistant acts on: the router's match when believed, else `unknown`."""
        if self.belief.believed:
            return self.routed.match
        return IntentMatch(UNKNOWN, {}, 0.0, self.transcript.text)

    @property
    def guess(self) -> str:
        """The router's intent before the belief rule (`unknown` when the router itself had none)."""
        return self.routed.match.intent

    @property
    def reason(self) -> str:
        """Why it was or was not believed (a router that accepted nothing says why, and what it passed up)."""
        routed = self.routed
        if self.transcript.text.strip() and not routed.accepted and routed.intent != UNKNOWN:
            return f"router: {routed.reason} (best {routed.intent}, p={routed.probability:.2f})"
        if self.transcript.text.strip() and not routed.accepted:
            return f"router: {routed.reason}"
        return self.belief.reason


@dataclass(frozen=True)
class Turn:
    """One utterance, decided and answered."""

    heard: Heard
    """The transcript, the router's raw result, and whether it was believed and why."""
    verdict: Verdict
    """What was done with it (answer, not_heard, ignore, control, wake) and why."""
    match: IntentMatch
    """The match acted on, with follow-ups resolved from the context ("it's in my foot" becomes relief)."""
    reply: Reply | None = None
    """What to say, start or hand to the routine; None when nothing is done (ignored, or the wake phrase
    alone)."""
    woken: bool = False
    """The utterance started with the wake phrase."""

    @property
    def guess(self) -> str:
        return self.heard.guess

    @property
    def reason(self) -> str:
        return self.heard.reason
