"""The assistant's own speech, as the speaker reports it: the one source of "speech has ended" for the
half-duplex mute, the follow-up window and the start of an announced routine alike."""

from __future__ import annotations

from assistant.clock import Clock
from assistant.voice.speaker import Speaker


class OwnVoice:
    """Watches `speaker.is_speaking()` on each `update` and remembers when it was last heard speaking."""

    def __init__(self, speaker: Speaker, clock: Clock) -> None:
        self.speaker = speaker
        self.clock = clock
        self.spoke_at = float("-inf")
        """The last clock time the assistant was speaking (or started to)."""
        self.speaking = False

    def update(self) -> bool:
        """Looks at the speaker now; True while it speaks."""
        self.speaking = self.speaker.is_speaking()
        if self.speaking:
            self.spoke_at = self.clock.now()
        return self.speaking

    def started(self) -> None:
        """Something was just handed to the speaker (it counts even if the speaker cannot say so)."""
        self.spoke_at = self.clock.now()

    def quiet_for(self, seconds: float) -> bool:
        """Not speaking, and not for at least `seconds` (the room's echo has died down)."""
        return not self.speaking and self.clock.now() >= self.spoke_at + seconds
