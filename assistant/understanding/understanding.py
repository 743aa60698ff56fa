"""Understanding: the router, the belief rule and the two-engine judge in one place.

Built once from the content where the program is put together, and handed to the recogniser (as its doubt
check: does Whisper hear this utterance too?) and to the dialog (what was said, and is it believed?).
Each hypothesis of an utterance is routed once: the doubt check and the verdict share the result.

What the conversation expects (`Expectation`) weighs the engines:

- While a routine runs, a control of it heard clearly by the fast engine (close to a control sentence,
  short, no unrecognised sound) is taken at once when the assistant is quiet: Whisper is not asked, and
  nothing argues it away. The person is expected to say exactly these few words, and waiting for Whisper,
  or letting its mishearing of one short word overrule a clear one, loses the control. When the fast
  engine was unclear and Whisper wrote a control as clearly, or both engines heard the same control, that
  is taken too, unsure of its words or not (but not from silence or a loop).
- A control heard while the assistant spoke may be its own voice's remains: Whisper hears it too, and it
  counts when Whisper heard it, or the fast engine heard it clearly and Whisper's words are not mostly the
  assistant's; a control the assistant's words themselves named ("Say pause, stop or next") counts only
  when Whisper's words besides the assistant's ask for it.
- Anything else during a routine is heard by both engines, and a question is believed only when the two
  agree on its intent (the assistant's own voice, half cancelled, must never start anything); a red flag
  keeps the belief rule's own strict test.
- Otherwise the belief rule and the judge decide as for any question (`belief`, `second_opinion`).
"""

from __future__ import annotations

import functools

from rapidfuzz import fuzz

from assistant.content.loader import Content
from assistant.messages import IDLE, UNKNOWN_WORD, Expectation, Transcript
from assistant.understanding.belief import (
    MAX_COMPRESSION,
    MAX_NO_SPEECH,
    URGENT,
    Belief,
    believed,
    long_and_far,
)
from assistant.understanding.heard import Heard
from assistant.understanding.router import UNKNOWN, Router, RouterResult, RouterSettings
from assistant.understanding.second_opinion import agreed_intent, judge, needs_second_opinion

TYPED = "text"
"""`Transcript.engine` of typed text: the router's word is taken as it is (no belief rule)."""
CONTROL_CLOSENESS = 0.9
"""How close to one of the routine's control sentences the fast engine's words must be to be taken at
once (router closeness): nearly word for word, since pocketsphinx turns any talk into the domain's words
(narration heard as "are more details", 0.80 from "i want more details": skip)."""
WHISPER_CONTROL_CLOSENESS = 0.8
"""...and Whisper's, which writes what it hears ("give me a bit more time" for "a bit longer")."""
CONTROL_WORDS = 5
"""A control taken at once is at most this many words (controls are short; a cue's echo is not)..."""
EXACT_CONTROL_WORDS = 8
"""...or this many when the words are a control sentence word for word (pocketsphinx's "let us do the other
side": its domain language model writes whole template sentences)."""
EXACT = 0.98
"""Router closeness of a control sentence said word for word."""
_REMEMBERED = 8
"""Routed texts kept so the doubt check's routing is reused by the verdict (a few utterances' worth)."""
NAMING_WORDS = 4
"""A phrase of the assistant's names a control when a run of at most this many of its words is one of the
control's sentences word for word ("say pause, stop or next": pause, stop and next)."""
SAID_SHARE = 0.5
"""Whisper's words are an echo's when at least this share of them are the assistant's own (see
`Understanding.understand`)."""
SAID_CLOSENESS = 75.0
"""...or when they are this close (rapidfuzz partial ratio) to a part of one of its phrases."""
_NAMINGS_KEPT = 64
"""The assistant's phrases whose named controls are remembered (a routine's cues, a few times over)."""


class Understanding:
    """What an utterance is taken to be, given what the conversation expects."""

    def __init__(self, router: Router) -> None:
        self.router = router
        # Wyoming's recognisers call `doubts` from worker threads: lru_cache keeps its own state safe.
        self.examine = functools.lru_cache(maxsize=_REMEMBERED)(router.examine)
        """The router's result for a text, routed once however often the same utterance is looked at."""
        self.named = functools.lru_cache(maxsize=_NAMINGS_KEPT)(self._names)
        """The intents a phrase of the assistant's names (see `_names`), worked out once per phrase."""

    @classmethod
    def from_content(cls, content: Content, settings: RouterSettings | None = None) -> Understanding:
        return cls(Router(content, settings))

    def doubts(self, first: Transcript, expect: Expectation = IDLE) -> bool:
        """Does the fast engine's transcript need a second hearing (the recogniser's doubt check)?"""
        if not first.text.strip():
            return False
        routed = self.examine(first.text)
        if expect.routine:
            if self._clear_control(first, routed, expect):
                return bool(expect.said)  # over its own voice: Whisper hears it too (see `understand`)
            return not long_and_far(first, routed.match)
        return needs_second_opinion(first, routed.match)

    def understand(self, transcript: Transcript, expect: Expectation = IDLE) -> Heard:
        """The router's result for an utterance and whether it is believed: typed text is said to the
        assistant (the router's word is final); recognised speech must pass the belief rule, weighed by
        what the conversation expects.

        A control heard while the assistant spoke may be what is left of its own voice (pocketsphinx heard
        "hang fire" in "Stand facing a wall ..." before the canceller had learnt the room): Whisper, whose
        open vocabulary writes an echo's words as they were said, hears it too, and it is taken when
        Whisper heard that control, or pocketsphinx heard it clearly and Whisper's words are not mostly the
        assistant's. When the assistant's words named it ("Say pause, stop or next at any time"), Whisper
        must have heard it, and its words without the assistant's must still ask for it ("how many
        seconds left" over "20 seconds." do; "take, pause" over the intro do not). With no second engine
        (pocketsphinx alone) its control stands, unless the assistant's words named it."""
        heard = self._understand(transcript, expect)
        if not heard.belief or transcript.engine == TYPED or heard.match.intent not in expect.controls:
            return heard
        return self._over_its_voice(heard, transcript, expect) if expect.said else heard

    def _over_its_voice(self, heard: Heard, transcript: Transcript, expect: Expectation) -> Heard:
        """A believed control heard while the assistant spoke, weighed against its own voice (see
        `understand`)."""
        intent = heard.match.intent
        named = self._named_while_said(intent, expect)
        second = transcript.second
        if second is None:  # no second engine here (pocketsphinx alone): its clear control stands
            return _refused(heard, "the assistant was saying it") if named else heard
        whisper = second.text
        whisper_heard_it = bool(whisper.strip()) and self.examine(whisper).match.intent == intent
        if named:
            if whisper_heard_it and not self._echoes(whisper, expect.said, intent):
                return heard
            return _refused(heard, "the assistant was saying it")
        if whisper_heard_it:
            return heard
        first_clear = self._clear_control(transcript, self.examine(transcript.text), expect)
        if first_clear and not self._mostly_said(whisper, expect.said):
            return heard
        return _refused(heard, "over its own voice, Whisper did not hear it")

    def _named_while_said(self, intent: str, expect: Expectation) -> bool:
        """A control the assistant's own phrases, said while the utterance was, name."""
        return intent in expect.controls and any(intent in self.named(text) for text in expect.said)

    def _mostly_said(self, text: str, said: tuple[str, ...]) -> bool:
        """Are the words heard the assistant's own: most of them (at least `SAID_SHARE`) its words, or
        the whole a close part of one of its phrases ("and press against" in "... your hands pressed
        against it")? Nothing heard counts."""
        phrases, own = self._own_words(said)
        heard = self.router.content.normaliser(text)
        words = heard.split()
        return (
            not words
            or sum(word in own for word in words) >= SAID_SHARE * len(words)
            or any(fuzz.partial_ratio(heard, phrase) >= SAID_CLOSENESS for phrase in phrases)
        )

    def _own_words(self, said: tuple[str, ...]) -> tuple[list[str], set[str]]:
        """The assistant's phrases, normalised, and every word in them."""
        normalise = self.router.content.normaliser
        phrases = [normalise(phrase) for phrase in said]
        return phrases, {word for phrase in phrases for word in phrase.split()}

    def _echoes(self, text: str, said: tuple[str, ...], intent: str) -> bool:
        """Is `intent` asked for only by the assistant's own words in `text` (the rest asks for nothing
        or for something else)?"""
        _, own = self._own_words(said)
        rest = [word for word in self.router.content.normaliser(text).split() if word not in own]
        return not rest or self.examine(" ".join(rest)).match.intent != intent

    def _names(self, phrase: str) -> frozenset[str]:
        """The intents a phrase of the assistant's names: a run of its words is one of their sentences
        (see `NAMING_WORDS`)."""
        words = self.router.content.normaliser(phrase).split()
        runs = {
            " ".join(words[i : i + n]) for n in range(1, NAMING_WORDS + 1) for i in range(len(words) - n + 1)
        }
        return frozenset(
            routed.intent
            for routed in map(self.router.examine, sorted(runs))
            if routed.accepted and routed.closeness >= EXACT
        )

    def _understand(self, transcript: Transcript, expect: Expectation) -> Heard:
        if not transcript.text.strip():
            routed = RouterResult(UNKNOWN, {}, 0.0, 0.0, False, "nothing recognised", "")
            return Heard(transcript, routed, Belief(False, "nothing recognised"))
        routed = self.examine(transcript.text)
        if transcript.engine == TYPED:
            return Heard(transcript, routed, Belief(True, "typed"))
        if expect.routine and self._clear_control(transcript, routed, expect):
            return Heard(transcript, routed, Belief(True, "a routine's control, heard clearly"))
        second = transcript.second
        if expect.routine and second is not None and second.text.strip():
            routed_second = self.examine(second.text)
            if self._clear_control(second, routed_second, expect):
                return Heard(
                    second, routed_second, Belief(True, "a routine's control, Whisper heard clearly")
                )
            if agreed_intent(transcript, self.examine) in expect.controls and _heard_speech(second):
                return Heard(
                    second, routed_second, Belief(True, "a routine's control, both engines heard it")
                )
        if second is None:
            heard = Heard(transcript, routed, believed(transcript, routed.match))
        else:
            heard = Heard(*judge(transcript, self.examine))
        refused = self._refused_during_routine(transcript, heard, expect) if expect.routine else None
        if heard.belief and refused is not None:
            return _refused(heard, refused)
        return heard

    def _refused_during_routine(self, first: Transcript, heard: Heard, expect: Expectation) -> str | None:
        """Why a believed utterance does not count during a routine, or None when it does: one of its
        controls (believed by the usual rule when no engine heard it clearly) and a red flag count, and a
        question both engines heard as the same intent."""
        intent = heard.match.intent
        if intent == URGENT or intent in expect.controls:
            return None
        if agreed_intent(first, self.examine) == intent:
            return None
        return "during a routine, a question needs both engines to agree"

    @staticmethod
    def _clear_control(heard: Transcript, routed: RouterResult, expect: Expectation) -> bool:
        """An engine heard one of the routine's controls clearly (see the module's notes). Whisper's words
        count when it heard speech and did not loop, however unsure it was of them: the few words expected
        are the ones it wrote."""
        if not _heard_speech(heard):
            return False
        closeness = CONTROL_CLOSENESS if heard.whisper is None else WHISPER_CONTROL_CLOSENESS
        words = len(heard.words or heard.text.split())
        return (
            routed.accepted
            and routed.intent in expect.controls
            and routed.closeness >= closeness
            and 0 < words <= (EXACT_CONTROL_WORDS if routed.closeness >= EXACT else CONTROL_WORDS)
            and UNKNOWN_WORD not in heard.words
        )


def _refused(heard: Heard, reason: str) -> Heard:
    """The same hearing, not believed, and why."""
    return Heard(heard.transcript, heard.routed, Belief(False, reason))


def _heard_speech(heard: Transcript) -> bool:
    """Not Whisper writing something from silence or looping (pocketsphinx's words always count)."""
    signals = heard.whisper
    return signals is None or (
        signals.no_speech_prob <= MAX_NO_SPEECH and signals.compression_ratio <= MAX_COMPRESSION
    )
