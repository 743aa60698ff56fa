"""Whether a recognised utterance is taken as said to the assistant: the engine's doubt and the router's
probability together.

A recogniser restricted to the domain turns any speech into domain words, so a partner talking or the
radio comes out as a plausible question. Two pieces of evidence are combined (tuned on spoken copies of the
dev sets; see the README's recognition figures):

1. The engine's verdict (`Transcript.out_of_domain`): too little confidence, too much unrecognised sound,
   or a word sequence unlike any domain sentence.
2. The router's combined probability of the intent (`IntentMatch.probability`). Speech needs more of it
   than typed text does, since a misheard sentence is fluent domain talk, and more again when its words
   are not in an order the domain's sentences use (`Transcript.fluency`): word salad such as "the worst
   knot in milk sodium" is how a radio sounds through a domain language model.

A transcript the engine doubted is still believed when it matches a template sentence almost word for
word (router score >= STRONG_MATCH) with no stretch of unrecognised sound in it: long questions have low
lattice posteriors however cleanly they are said, while radio talk forced onto the domain's words rarely
matches a whole sentence.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.messages import UNKNOWN_WORD, IntentMatch, Transcript
from assistant.understanding.router import UNKNOWN

SPOKEN_PROBABILITY = 0.8
"""The router's combined probability a recognised utterance needs (typed text needs the router's 0.5)..."""
HALTING_PROBABILITY = 0.95
"""...or this much when its words are less like a domain sentence (fluency below FLUENT)."""
FLUENT = 0.7
STRONG_MATCH = 0.9
"""Router score at which a transcript the engine doubted is believed."""


@dataclass(frozen=True)
class Belief:
    """Whether a recognised utterance is believed, and why (the reason goes into the logs)."""

    believed: bool
    reason: str

    def __bool__(self) -> bool:
        return self.believed


def believed(transcript: Transcript, match: IntentMatch) -> Belief:
    """Is this recognised utterance in the domain, all things considered? `match` is the router's match
    (`unknown` when the router itself does not accept its guess)."""
    if not transcript.text.strip():
        return Belief(False, "nothing recognised")
    if match.intent == UNKNOWN:
        return Belief(False, "the router found no intent")
    if not transcript.out_of_domain:
        fluent = transcript.fluency >= FLUENT
        needed = SPOKEN_PROBABILITY if fluent else HALTING_PROBABILITY
        order = "" if fluent else " (words out of domain order)"
        if match.probability >= needed:
            return Belief(True, f"probability {match.probability:.2f} >= {needed:g}{order}")
        return Belief(False, f"probability {match.probability:.2f} < {needed:g}{order}")
    if match.score < STRONG_MATCH:
        return Belief(False, f"engine doubted it and the match {match.score:.2f} < {STRONG_MATCH:g}")
    if UNKNOWN_WORD in transcript.words:
        return Belief(False, "engine doubted it and heard unrecognised sound")
    return Belief(True, f"engine doubted it but the match {match.score:.2f} >= {STRONG_MATCH:g}")
