"""Speakers: say text aloud (own playback), into a WAV file, or nowhere (logging only).

A speaker knows how long a phrase takes before it plays it (`duration`), plays without blocking
(`play`), and can be cut off at once (`stop`).
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from datetime import datetime
from pathlib import Path
from typing import Protocol

from assistant.clock import Clock
from assistant.settings import VoiceSettings
from assistant.voice.earcons import earcon
from assistant.voice.speech import Player, Speech, Synthesizer, estimate_seconds
from assistant.voice.voice_profile import VoiceProfile, profile_for

_LOGGER = logging.getLogger(__name__)
SPEAKER_KINDS = ("sound", "null")


class Speaker(Protocol):
    """Where the assistant's voice goes."""

    def duration(self, text: str) -> float:
        """Seconds the text takes to say (known before it is played)."""
        ...

    def play(self, text: str) -> None:
        """Start saying text and return at once (cutting off anything still playing)."""
        ...

    def play_earcon(self, name: str) -> None:
        """Start a short tone ("listening", "hold_end")."""
        ...

    def say(self, text: str) -> None:
        """Say text and return when it has been said."""
        ...

    def stop(self) -> None:
        """Silence at once."""
        ...

    def is_speaking(self) -> bool: ...

    def close(self) -> None: ...


class NullSpeaker:
    """Speaks nowhere: logs each phrase; durations are estimated from the text and the rate."""

    def __init__(self, rate: int = 165) -> None:
        self.rate = rate

    def duration(self, text: str) -> float:
        return estimate_seconds(text, self.rate)

    def play(self, text: str) -> None:
        _LOGGER.info("say: %s", text)

    def play_earcon(self, name: str) -> None:
        _LOGGER.info("earcon: %s", name)

    def say(self, text: str) -> None:
        self.play(text)

    def stop(self) -> None:
        _LOGGER.debug("stop")

    def is_speaking(self) -> bool:
        return False

    def close(self) -> None:
        pass


class SpeechCache:
    """Synthesised phrases by text (the countdown and progress phrases come back again and again)."""

    def __init__(self, synth: Synthesizer, size: int = 256) -> None:
        self.synth = synth
        self.size = size
        self._items: OrderedDict[str, Speech] = OrderedDict()

    def get(self, text: str) -> Speech:
        speech = self._items.get(text)
        if speech is None:
            speech = self.synth.synthesize(text)
            self._items[text] = speech
            if len(self._items) > self.size:
                self._items.popitem(last=False)
        self._items.move_to_end(text)
        return speech


class SynthSpeaker:
    """Synthesises with a `Synthesizer` and plays through a `Player` (sounddevice on the device)."""

    def __init__(self, synth: Synthesizer, player: Player, volume: float = 1.0) -> None:
        self.cache = SpeechCache(synth)
        self.player = player
        self.volume = volume

    def duration(self, text: str) -> float:
        return self.cache.get(text).seconds

    def play(self, text: str) -> None:
        speech = self.cache.get(text)
        _LOGGER.info("say (%.2f s): %s", speech.seconds, text)
        self.player.play(speech.samples, speech.rate)

    def play_earcon(self, name: str) -> None:
        rate = 22050
        self.player.play(earcon(name, rate, self.volume), rate)

    def say(self, text: str) -> None:
        self.play(text)
        self.player.wait()

    def stop(self) -> None:
        self.player.stop()

    def is_speaking(self) -> bool:
        return self.player.is_playing()

    def close(self) -> None:
        self.player.close()
        self.cache.synth.close()


def open_speaker(
    settings: VoiceSettings,
    speak_to: Path | None = None,
    kind: str = "sound",
    clock: Clock | None = None,
    when: datetime | None = None,
) -> Speaker:
    """The speaker the command line asked for.

    speak_to: render into this WAV file instead of playing (a `WavSpeaker`; pass the session's clock
    so phrases land at their scheduled times). kind: "sound" plays on the output device (AudioError
    with a hint when there is none), "null" only logs. `when` picks the day or night voice
    (default: the local time now).
    """
    profile = profile_for(settings, when or datetime.now())
    _LOGGER.debug("voice profile %s", profile)
    if kind not in SPEAKER_KINDS:
        raise ValueError(f"unknown speaker {kind!r}; one of {', '.join(SPEAKER_KINDS)}")
    if speak_to is not None:
        from assistant.voice.wav_speaker import WavSpeaker

        return WavSpeaker(speak_to, _synthesizer(profile), clock, profile.volume)
    if kind == "null":
        return NullSpeaker(profile.rate)
    from assistant.audio.output import SoundDevicePlayer

    player = SoundDevicePlayer(settings.device)
    player.open()
    return SynthSpeaker(_synthesizer(profile), player, profile.volume)


def _synthesizer(profile: VoiceProfile) -> Synthesizer:
    from assistant.voice.tts_espeak import EspeakSynthesizer

    return EspeakSynthesizer(profile)
