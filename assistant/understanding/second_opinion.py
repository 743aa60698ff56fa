"""Two hypotheses of one utterance (pocketsphinx first, Whisper as the second opinion): when to ask for the
second, and which one is believed.

pocketsphinx is fast and restricted to the domain; when what it heard is clearly a domain question (the
belief rule passes with a margin, close to a template sentence, and it is not an urgent answer), that is
the answer and Whisper is never run: a clear "stop" during a routine does not wait for Whisper. Otherwise
Whisper transcribes the same audio, both transcripts are routed, and:

- the two agree (same intent): believed on Whisper's words (open vocabulary: its slot words are the ones
  said) with the lower probability agreement earns, if Whisper heard speech at all; an exercise only
  pocketsphinx heard is kept (its domain vocabulary holds the exercises' names);
- they disagree: Whisper's transcript is judged alone (its own signals and the router's probability), and
  if it is not believed, nothing is: the first engine was doubted, and a second hearing that does not bear
  it out, sure or unsure of its own words, is no support (letting pocketsphinx's verdict stand gave more
  wrong answers than right ones, most of them to narration under a fan: docs/hearing.md);
- except in heavy noise (the utterance's signal-to-noise estimate under NOISY_SNR_DB): there tiny.en is
  lost while pocketsphinx behind RNNoise still hears some questions, so pocketsphinx's own verdict stands
  when it is believed on its own, not urgent, not out of domain and at least MIN_NOISY_CONFIDENCE sure.

`Understanding` (understanding.py) calls these and weighs them by what the conversation expects.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from assistant.messages import IntentMatch, Transcript
from assistant.understanding.belief import FLUENT, URGENT, Belief, believed, long_and_far
from assistant.understanding.router import UNKNOWN, RouterResult

NOISY_SNR_DB = 12.0
"""Below this signal-to-noise estimate (`Transcript.snr_db`) Whisper's disagreement does not overrule
pocketsphinx (pink noise at 6 dB measures 10-13 dB, brown at 12 dB 16-20, a radio under a fan 14-19): it
gains questions in heavy noise and leaves the other conditions as they were (docs/hearing.md)."""
FILLED_FROM_FIRST = "exercise"
"""The slot pocketsphinx's agreeing hypothesis fills in when Whisper's has none (see `judge`)."""
MIN_NOISY_CONFIDENCE = 0.3
"""...and pocketsphinx's mean word posterior must be at least this (its verdicts under 0.3 were wrong
answers: "the the knees" for "tell me a joke please")."""
CLEAR_PROBABILITY = 0.9
"""pocketsphinx's transcript is taken without a second opinion when believed with at least this much..."""
CLEAR_CLOSENESS = 0.8
"""...and this close to a template sentence (router score): the router is sure of some word salad ("would
it be overuse now the old toes this feet for this knot" from an audiobook, relief at 0.90); asking Whisper
below it rejects more out-of-scope talk at the same accuracy (docs/hearing.md)."""


def needs_second_opinion(first: Transcript, match: IntentMatch) -> bool:
    """Is the fast engine's transcript doubted (or urgent, which is never taken from it alone)?"""
    # Long talk far from every domain sentence (an audiobook or a radio heard through the domain's language
    # model) is rejected by the belief rule, and Whisper's transcript of it is long too (none was ever
    # believed). Whisper is not asked: its costliest decodes (long windows) would be spent on nothing.
    if not first.text.strip() or long_and_far(first, match):
        return False
    if match.intent == URGENT or not believed(first, match):
        return True
    return (
        first.out_of_domain
        or first.fluency < FLUENT
        or match.probability < CLEAR_PROBABILITY
        or match.score < CLEAR_CLOSENESS
    )


def agreed_intent(transcript: Transcript, examine: Callable[[str], RouterResult]) -> str | None:
    """The intent both engines' hypotheses are routed to (the router accepting it), or None."""
    second = transcript.second
    if second is None or not second.text.strip():
        return None
    intent = examine(transcript.text).match.intent
    return intent if intent != UNKNOWN and examine(second.text).match.intent == intent else None


def judge(
    transcript: Transcript, examine: Callable[[str], RouterResult]
) -> tuple[Transcript, RouterResult, Belief]:
    """The verdict on a recognised utterance that has a second opinion (`Transcript.second`): the
    hypothesis it rests on, the router's result for it, and the belief rule's verdict."""
    second = transcript.second
    first_routed = examine(transcript.text)
    if second is None:
        return transcript, first_routed, believed(transcript, first_routed.match)
    routed = examine(second.text) if second.text.strip() else first_routed
    if not second.text.strip():
        return second, routed, Belief(False, "second opinion heard nothing")
    if agreed_intent(transcript, examine) is not None:
        belief = believed(second, routed.match, agreed=True)
        return second, _with_exercise_both_heard(routed, first_routed), belief
    belief = believed(second, routed.match)
    if not belief and _first_stands_in_noise(transcript, first_routed):
        return (
            transcript,
            first_routed,
            Belief(True, f"heavy noise ({transcript.snr_db:.0f} dB): pocketsphinx"),
        )
    return second, routed, belief


def _with_exercise_both_heard(second: RouterResult, first: RouterResult) -> RouterResult:
    """Whisper's result, with the exercise pocketsphinx heard when Whisper's words named none: the two agree
    on the intent, and pocketsphinx's domain vocabulary kept an exercise's words that Whisper's open
    vocabulary lost ("some stretches before bed please" heard as "... before meds please": the bedtime
    routine). Only the exercise (its names are phrases); a lone body-part word is pocketsphinx's commonest
    invention ("the my thighs cramp in my toes"), so Whisper's body part and side stand as heard."""
    exercise = first.slots.get(FILLED_FROM_FIRST)
    if exercise is None or FILLED_FROM_FIRST in second.slots:
        return second
    return replace(second, slots={**second.slots, FILLED_FROM_FIRST: exercise})


def _first_stands_in_noise(first: Transcript, routed: RouterResult) -> bool:
    """Does the fast engine's verdict stand against Whisper's in heavy noise (see the module's notes)?"""
    return (
        first.snr_db is not None
        and first.snr_db < NOISY_SNR_DB
        and routed.match.intent not in (URGENT, UNKNOWN)
        and not first.out_of_domain
        and first.confidence >= MIN_NOISY_CONFIDENCE
        and bool(believed(first, routed.match))
    )
