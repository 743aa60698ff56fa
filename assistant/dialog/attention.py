"""Whether speech in the room is meant for the assistant: the wake phrase, the follow-up window, the rule.

The rule, outside a guided routine (during one, `Dialog.take_turn` hands controls to the routine and
answers only red flags):

1. Speech is *addressed* when it starts with the wake phrase, or comes within the follow-up window (which
   opens when an answer has been spoken and lasts `follow_up_seconds`), or when no wake phrase is set and
   it is a question in the domain.
2. With a wake phrase set, speech that is neither in the window nor starts with it is ignored.
3. A question in the domain (any intent but the short replies) is answered when addressed.
4. A short reply (yes, no, stop, next, pause, repeat, ...) or a fragment ("my thigh") only means
   something in a conversation: it is
   answered in the window or after the wake phrase, and ignored otherwise (a radio saying "don't stop").
5. A recognised utterance counts only when it is believed (`belief.believed`: the engine's doubt and the
   router's probability together); otherwise it routes to `unknown`.
6. Speech that is out of domain or routes to `unknown` gets "Sorry, I didn't catch that" only when it was
   addressed by the window or the wake phrase, and only once in a row (a second miss closes the window);
   otherwise it is ignored in silence. A radio or a partner talking therefore triggers nothing. In the
   window, speech the router takes for talk (its best guess is out-of-scope talk, not a garbled question:
   an audiobook's narration after an answer) is ignored too; after the wake phrase it still gets "sorry".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from assistant.dialog.intents import controls
from assistant.dialog.intents.base import FOLLOWUP
from assistant.messages import IntentMatch, Transcript
from assistant.understanding.router import UNKNOWN

Action = Literal["answer", "not_heard", "ignore", "wake", "control", "silence"]
SHORT_REPLIES = frozenset((*controls.INTENTS, FOLLOWUP, "eased"))
"""Intents that only make sense inside a conversation or a routine: short replies, fragments such as
"in my thigh" (a cough can sound like one word of the domain), and "it's gone now" (a radio's words
too)."""


@dataclass(frozen=True)
class Verdict:
    """What to do with one utterance, and why (the reason goes into the log)."""

    action: Action
    reason: str


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z']+", text.lower())


class Attention:
    """Tracks the follow-up window and applies the rule above."""

    def __init__(self, wake_phrase: str | None = None, follow_up_seconds: float = 8.0) -> None:
        self.wake_words = _words(wake_phrase or "")
        self.follow_up_seconds = follow_up_seconds
        self.window_until = float("-inf")
        self._awaiting_end = False
        self._missed = False

    def expect_follow_up(self) -> None:
        """An answer is being spoken: the window is open while it is, and for `follow_up_seconds` after
        the speech ends (`speech_ended`)."""
        self._awaiting_end = True
        self.window_until = float("inf")

    def speech_ended(self, at: float) -> None:
        """The assistant's speech ended at clock time `at` (said whenever it is quiet; only the first
        time after `expect_follow_up` counts)."""
        if self._awaiting_end:
            self._awaiting_end = False
            self.open_window(at)

    def open_window(self, speech_ends: float) -> None:
        """Listen for a follow-up until `follow_up_seconds` after `speech_ends`."""
        self.window_until = speech_ends + self.follow_up_seconds

    def close_window(self) -> None:
        self._awaiting_end = False
        self.window_until = float("-inf")

    def in_window(self, now: float) -> bool:
        return now <= self.window_until

    def strip_wake(self, text: str) -> tuple[bool, str]:
        """(True, the rest) when text starts with the wake phrase; (False, text) otherwise."""
        words = _words(text)
        n = len(self.wake_words)
        if n and words[:n] == self.wake_words:
            return True, " ".join(words[n:])
        return False, text

    def decide(
        self, transcript: Transcript, match: IntentMatch, now: float, woken: bool = False, talk: bool = False
    ) -> Verdict:
        """The verdict for one utterance outside a routine (`woken`: it started with the wake phrase); `match`
        is the router's verdict, already `unknown` when the transcript is not believed (rule 5); `talk`: the
        router's best guess was out-of-scope talk (rule 6)."""
        window = self.in_window(now)
        addressed = woken or window
        if woken and not transcript.text.strip():
            return Verdict("wake", "wake phrase alone")
        if self.wake_words and not addressed:
            return Verdict("ignore", "no wake phrase")
        if match.intent != UNKNOWN:
            if match.intent in SHORT_REPLIES and not addressed:
                return Verdict("ignore", "short reply outside a conversation")
            self._missed = False
            return Verdict("answer", "wake phrase" if woken else "in window" if window else "question")
        if not addressed:
            return Verdict("ignore", "out of domain" if transcript.out_of_domain else "not understood")
        if talk and not woken:
            return Verdict("ignore", "talk in the window")
        if self._missed:
            self._missed = False
            self.close_window()
            return Verdict("ignore", "second miss in a row")
        self._missed = True
        return Verdict("not_heard", "addressed but not understood")
