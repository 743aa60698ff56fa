"""What understanding made of one utterance: the transcript it rests on, the router's raw result, and
whether it is believed and why. Every log line and `--json` answer about an utterance is drawn from it."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.messages import IntentMatch, Transcript
from assistant.understanding.belief import Belief
from assistant.understanding.router import UNKNOWN, RouterResult


@dataclass(frozen=True)
class Heard:
    """An utterance, understood: the router's result and the belief rule's verdict on it."""

    transcript: Transcript
    """The hypothesis the verdict rests on (the wake phrase already taken off), or what was typed."""
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
