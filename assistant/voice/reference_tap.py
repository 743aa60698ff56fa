"""A speaker that also tells the `PlaybackReference` what it plays: the echo canceller's reference and the
simulated room's source.

`ReferenceSpeaker` wraps a speaker that renders whole phrases (a WAV file, or nothing). The samples come
from the wrapped speaker's own cache of synthesised phrases when it has one (nothing is synthesised
twice); a speaker that makes no sound (`NullSpeaker`) gets them from `synthesize` when one is given (the
simulated room still needs a voice to echo), or adds nothing. `ReferencePlayer` wraps the player of a
speaker that plays a reply a piece at a time, so the reference holds exactly what went to the device.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import numpy as np

from assistant.audio.playback import PlaybackReference
from assistant.clock import Clock
from assistant.voice.earcons import earcon
from assistant.voice.speaker import Speaker
from assistant.voice.speech import Player, Speech, Synthesizer
from assistant.voice.speech_cache import SpeechCache

_LOGGER = logging.getLogger(__name__)
EARCON_RATE = 22050


class ReferenceSpeaker:
    """Plays through `speaker` and records each clip, at the clock's time, into `playback`."""

    def __init__(
        self,
        speaker: Speaker,
        playback: PlaybackReference,
        clock: Clock,
        synthesize: Synthesizer | None = None,
        volume: float = 1.0,
    ) -> None:
        self.speaker = speaker
        self.playback = playback
        self.clock = clock
        self.volume = volume
        cache = getattr(speaker, "cache", None)
        self._speech: Callable[[str], Speech] | None = None
        self._own: SpeechCache | None = None
        if isinstance(cache, SpeechCache):
            self._speech = cache.get
        elif synthesize is not None:
            self._own = SpeechCache(synthesize)
            self._speech = self._own.get

    def duration(self, text: str) -> float:
        if self._own is not None:
            return self._own.get(text).seconds
        return self.speaker.duration(text)

    def play(self, text: str) -> None:
        self.speaker.play(text)
        self._record(text)

    def play_earcon(self, name: str) -> None:
        self.speaker.play_earcon(name)
        self.playback.play(self.clock.now(), earcon(name, EARCON_RATE, self.volume), EARCON_RATE)

    def say(self, text: str) -> None:
        self._record(text)
        self.speaker.say(text)

    def stop(self) -> None:
        self.speaker.stop()
        self.playback.stop(self.clock.now())

    def is_speaking(self) -> bool:
        """The wrapped speaker is; or, voicing a silent speaker, the voice it gave is still playing."""
        if self._own is not None and self.playback.last_end() > self.clock.now() + 1e-9:
            return True
        return self.speaker.is_speaking()

    def close(self) -> None:
        self.speaker.close()
        if self._own is not None:
            self._own.synth.close()

    def _record(self, text: str) -> None:
        if self._speech is None:
            return
        speech = self._speech(text)
        self.playback.play(self.clock.now(), speech.samples, speech.rate)


class ReferencePlayer:
    """A `Player` that also tells `playback` what it plays: for a speaker that plays a reply a piece at a
    time (`SynthSpeaker`), the reference then holds exactly what reached the device, queued pieces too."""

    def __init__(self, player: Player, playback: PlaybackReference, clock: Clock) -> None:
        self.player = player
        self.playback = playback
        self.clock = clock

    def play(self, samples: np.ndarray, rate: int) -> None:
        self.player.play(samples, rate)
        self.playback.play(self.clock.now(), samples, rate)

    def queue(self, samples: np.ndarray, rate: int) -> None:
        self.player.queue(samples, rate)
        self.playback.queue(self.clock.now(), samples, rate)

    def stop(self) -> None:
        self.player.stop()
        self.playback.stop(self.clock.now())

    def is_playing(self) -> bool:
        return self.player.is_playing()

    def wait(self, timeout: float | None = None) -> bool:
        return self.player.wait(timeout)

    def close(self) -> None:
        self.player.close()

    def latency(self) -> float | None:
        """The wrapped device's output latency, when it reports one."""
        latency = getattr(self.player, "latency", None)
        return latency() if callable(latency) else None
