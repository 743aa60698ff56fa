"""What one utterance came to: the router's raw result, whether it was believed and why, and what is
acted on. The record every log line and `--json` answer about recognised speech is drawn from."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.messages import IntentMatch, Transcript
from assistant.understanding.belief import Belief
from assistant.understanding.router import UNKNOWN, RouterResult


@dataclass(frozen=True)
class Heard:
    """A recognised utterance, understood: the router's result and the belief rule's verdict on it."""

    transcript: Transcript
    """What the recogniser heard (the wake phrase already taken off)."""
    routed: RouterResult
    """The router's full result, the guess it did not accept included."""
    belief: Belief
    """Whether the belief rule takes the router's match as said to the assistant, and why."""

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
