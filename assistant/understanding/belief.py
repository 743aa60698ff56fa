"""Whether a recognised utterance is taken as said to the assistant: each engine's own doubt, a second
engine's agreement, and the router's probability together.

A recogniser restricted to the domain (pocketsphinx) turns any speech into domain words, so a partner
talking or the radio comes out as a plausible question. Whisper writes what it hears, so radio talk comes
out as radio talk, but over noise it can guess. The evidence (pocketsphinx's thresholds tuned on spoken
copies of the dev sets; Whisper's are faster-whisper's own defaults for its fallback rules, not tuned):

1. pocketsphinx's verdict (`Transcript.out_of_domain`: too little confidence, too much unrecognised sound,
   or a word sequence unlike any domain sentence) and its fluency: word salad such as "the worst knot in
   milk sodium" is how a radio sounds through a domain language model.
2. Whisper's signals (`Transcript.whisper`): the probability of no speech, the tokens' mean
   log-probability, and the compression ratio of a looping hallucination.
3. The router's combined probability of the intent (`IntentMatch.probability`).
4. Agreement: when the two engines, decoding the same audio independently, are routed to the same intent,
   that is strong evidence even when each alone is doubtful (see `second_opinion`).

A pocketsphinx transcript it doubted is still believed when it matches a template sentence almost word for
word (router score >= STRONG_MATCH) with no stretch of unrecognised sound in it: long questions have low
lattice posteriors however cleanly they are said, while radio talk forced onto the domain's words rarely
matches a whole sentence.

Urgent answers: the red-flag rule fires on words ("swollen", "cold") with probability 1.0, so the router's
probability says nothing about them. An urgent match is believed only from speech the engine itself is sure
of: pocketsphinx not doubting and fluent, with no unrecognised sound, or Whisper sure there was speech and
sure of its words, or the two engines agreeing. Words alone never raise an urgent answer.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.messages import UNKNOWN_WORD, IntentMatch, Transcript, WhisperSignals
from assistant.understanding.router import UNKNOWN

URGENT = "urgent"
SPOKEN_PROBABILITY = 0.8
"""The router's combined probability a recognised utterance needs (typed text needs the router's 0.5)..."""
HALTING_PROBABILITY = 0.95
"""...or this much when its words are less like a domain sentence (fluency below FLUENT)."""
FLUENT = 0.7
STRONG_MATCH = 0.9
"""Router score at which a transcript the engine doubted is believed."""
URGENT_CONFIDENCE = 0.5
"""The least pocketsphinx posterior for an urgent answer from pocketsphinx alone."""

WHISPER_PROBABILITY = 0.6
"""The router's probability a Whisper transcript needs (it is open-vocabulary: nearer typed text)..."""
WHISPER_CLOSENESS = 0.6
"""...and, unless the engines agree, this closeness to a template sentence: the router's probability can be
high for talk unlike any domain sentence (an audiobook's "what do you like cats if you wear me" was help at
0.95, closeness 0.47). 0.6 rather than 0.5 rejected more out-of-scope talk for very few questions lost
(docs/understanding.md)."""
MAX_NO_SPEECH = 0.6
"""Whisper's no-speech probability above which nothing it wrote is believed."""
MIN_LOGPROB = -1.0
"""Whisper's mean token log-probability below which it was guessing."""
MAX_COMPRESSION = 2.4
"""A compression ratio above this is a looping hallucination."""
URGENT_NO_SPEECH = 0.3
URGENT_LOGPROB = -0.6
"""Whisper's signals for an urgent answer from Whisper alone (stricter than for any other answer)."""
AGREED_PROBABILITY = 0.5
"""When both engines are routed to the same intent, the router's probability (of Whisper's words) needed."""
SURE_LOGPROB = -0.3
SURE_NO_SPEECH = 0.1
"""Whisper's signals when it is sure of its words (mean token log-probability at least -0.3, no-speech
probability at most 0.1): its transcript is then as good as typed text, and a question that could be read
two ways ("what can i do so my feet stop cramping", prevention at 0.55) needs only
AGREED_PROBABILITY, as when the engines agree; Whisper-alone answers still need WHISPER_CLOSENESS."""
LONG_WORDS = 16
"""A recognised utterance of more words than this is believed only if it is close to a domain sentence
(router score >= STRONG_MATCH): questions to the assistant are short (nearly all 16 words or fewer), while
an audiobook or radio heard through the
domain's language model comes out as long word salad full of domain words ("heat on sodium of questions it is
been locked matter with my feet ..."), which the router's probability alone would take."""


@dataclass(frozen=True)
class Belief:
    """Whether a recognised utterance is believed, and why (the reason goes into the logs)."""

    believed: bool
    reason: str

    def __bool__(self) -> bool:
        return self.believed


def whisper_doubt(signals: WhisperSignals, urgent: bool = False) -> str | None:
    """Why Whisper's transcript is not to be trusted (stricter for an urgent answer), or None."""
    if signals.compression_ratio > MAX_COMPRESSION:
        return f"whisper looped (compression {signals.compression_ratio:.1f} > {MAX_COMPRESSION:g})"
    most, least = (URGENT_NO_SPEECH, URGENT_LOGPROB) if urgent else (MAX_NO_SPEECH, MIN_LOGPROB)
    kind = "urgent: " if urgent else ""
    if signals.no_speech_prob > most:
        return f"{kind}whisper heard no speech ({signals.no_speech_prob:.2f} > {most:g})"
    if signals.avg_logprob < least:
        return f"{kind}whisper was guessing (log-prob {signals.avg_logprob:.2f} < {least:g})"
    return None


def long_and_far(transcript: Transcript, match: IntentMatch) -> bool:
    """More than LONG_WORDS words and not close to a domain sentence: never believed (see LONG_WORDS)."""
    return len(transcript.words) > LONG_WORDS and match.score < STRONG_MATCH


def believed(transcript: Transcript, match: IntentMatch, agreed: bool = False) -> Belief:
    """Is this recognised utterance in the domain, all things considered? `match` is the router's match
    (`unknown` when the router itself does not accept its guess); `agreed`: a second engine's transcript of
    the same audio was routed to the same intent."""
    if not transcript.text.strip():
        return Belief(False, "nothing recognised")
    if match.intent == UNKNOWN:
        return Belief(False, "the router found no intent")
    if long_and_far(transcript, match):
        return Belief(False, f"{len(transcript.words)} words, and not close to a domain sentence")
    urgent = match.intent == URGENT
    if transcript.whisper is not None:
        doubt = whisper_doubt(transcript.whisper, urgent and not agreed)
        if doubt is not None:
            return Belief(False, doubt)
        if not agreed and match.score < WHISPER_CLOSENESS:
            return Belief(False, f"whisper, closeness {match.score:.2f} < {WHISPER_CLOSENESS:g}")
        signals = transcript.whisper
        sure = signals.avg_logprob >= SURE_LOGPROB and signals.no_speech_prob <= SURE_NO_SPEECH
        needed = AGREED_PROBABILITY if agreed or sure else WHISPER_PROBABILITY
        how = "engines agree, " if agreed else ("whisper sure of its words, " if sure else "whisper, ")
        if match.probability >= needed:
            return Belief(True, f"{how}probability {match.probability:.2f} >= {needed:g}")
        return Belief(False, f"{how}probability {match.probability:.2f} < {needed:g}")
    if agreed and match.probability >= AGREED_PROBABILITY:
        return Belief(True, f"engines agree, probability {match.probability:.2f} >= {AGREED_PROBABILITY:g}")
    if urgent:
        sure = (
            not transcript.out_of_domain
            and transcript.fluency >= FLUENT
            and transcript.confidence >= URGENT_CONFIDENCE
            and UNKNOWN_WORD not in transcript.words
        )
        if sure:
            return Belief(True, f"urgent: engine sure (confidence {transcript.confidence:.2f})")
        return Belief(False, "urgent words, but the engine was not sure it heard them")
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
