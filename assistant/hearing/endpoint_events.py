"""What the endpointer reports as audio goes by, so a recogniser can decode speech while it is spoken.

For each utterance, in order: `SpeechStarted`, then `SpeechAudio` pieces (the pre-roll first, then the
speech as it arrives), then either `SpeechEnded` (the utterance, whose audio is exactly the pieces joined)
or `SpeechDropped` (a burst too short to be speech, or speech swallowed by noise that came on). Between
the pieces, `SpeechPaused` says that every piece the utterance would keep if it ended now has been handed
out: a recogniser can decode ahead while the rest of the trailing silence is waited out, and only has to
start again if more speech follows.
Silence after the last speech is held back until speech resumes or the tail the utterance keeps is known,
so nothing beyond the utterance's own audio is ever handed out.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.messages import Utterance


@dataclass(frozen=True)
class SpeechStarted:
    start: float
    """Seconds (stream time) where the speech began."""


@dataclass(frozen=True)
class SpeechAudio:
    pcm: bytes
    """The next piece of the utterance's audio (16 kHz mono s16le)."""


@dataclass(frozen=True)
class SpeechPaused:
    """Silence after speech: the pieces so far are the whole utterance unless speech resumes."""


@dataclass(frozen=True)
class SpeechEnded:
    utterance: Utterance


@dataclass(frozen=True)
class SpeechDropped:
    reason: str


EndpointEvent = SpeechStarted | SpeechAudio | SpeechPaused | SpeechEnded | SpeechDropped


def coalesced(events: list[EndpointEvent]) -> list[EndpointEvent]:
    """The events with neighbouring audio pieces joined into one."""
    out: list[EndpointEvent] = []
    for event in events:
        if isinstance(event, SpeechAudio) and out and isinstance(out[-1], SpeechAudio):
            out[-1] = SpeechAudio(out[-1].pcm + event.pcm)
        else:
            out.append(event)
    return out
