"""One utterance, decided: the loop's state when it ended (`Moment`), and the whole action the dialog
chose (`Turn`): what to say, which control to hand to the routine, whether to silence the speaker, end
the routine or log a cramp, or that it is ignored and why. `Dialog.take_turn` makes it; the bedside loop
only carries it out."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.dialog.attention import Verdict
from assistant.messages import IntentMatch, Reply
from assistant.understanding.heard import Heard


@dataclass(frozen=True)
class Moment:
    """The loop's state when an utterance ended: what the dialog decides by."""

    now: float = 0.0
    """Clock time (for the follow-up window)."""
    routine: bool = False
    """A routine is announced or running: its controls go to it."""
    paused: bool = False
    """...and it is paused (an "okay" means resume)."""
    speaking: bool = False
    """The assistant is speaking."""
    answering: bool = False
    """...and what it says is an answer (a stop or pause said over it silences it)."""
    said: tuple[str, ...] = ()
    """What the assistant was saying while the utterance was spoken (its echo may be in the utterance)."""


ASKED = Moment()
"""A question asked directly (`ask`, `chat`, `ask --wav`): no routine, nothing being said."""


@dataclass(frozen=True)
class Turn:
    """One utterance, decided and answered: everything the loop is to do about it."""

    heard: Heard
    """The transcript, the router's raw result, and whether it was believed and why."""
    verdict: Verdict
    """What was done with it (answer, not_heard, ignore, control, silence, wake) and why."""
    match: IntentMatch
    """The match acted on, with follow-ups resolved from the context ("it's in my foot" becomes relief)."""
    reply: Reply | None = None
    """What to say (and the routine it starts); None when nothing is said."""
    woken: bool = False
    """The utterance started with the wake phrase."""
    control: str | None = None
    """A control to hand to the running routine (a question during one pauses it)."""
    silence: bool = False
    """Stop what the assistant is saying now."""
    end_routine: bool = False
    """End the running routine (a red flag during it)."""
    log_cramp: bool = False
    """A cramp was reported: note it in the cramp log (body part and side from `match`)."""
    log_eased: bool = False
    """The person said the cramp has eased: note when in the cramp log."""
    log_red_flag: str | None = None
    """A red flag was answered: its topic, for the cramp log (with the advice given)."""

    @property
    def interruptible(self) -> bool:
        """The reply is an answer that a new question or a control may cut (not a "didn't catch that")."""
        return self.verdict.action == "answer"

    @property
    def guess(self) -> str:
        return self.heard.guess

    @property
    def reason(self) -> str:
        return self.heard.reason
